#!/usr/bin/env python3
"""Writes the golden report captures in captures/: NAME.hex (what a scanner sends) and NAME.expected (what storegate
must make of it: one line per scan, "complete|incomplete<TAB>symbology or -<TAB>text with {GS}").

The reports are built here from per-layout key tables written independently of the Swift decoder (from the layouts'
published key charts), so the golden files check the decoder rather than repeat it. Run from this folder; the output
is committed, so tests never run this script.
"""
import os

HONEYWELL_DESC = "058c0902a1010912a1028502150026ff00750895010501093b81029503058c09fb09fc09fd8102953809fe8202010666ff9502090409008102058c25017501950809ff8102c00914a102850415002501750195080900095f096009000900098509869186c00666ff750826ff000903a10285fe95010903b28201c00901a10285fd950109219102953e0922928201c0c0"
NEWLAND_DESC = "058c0902a1010912a1028503150026ff00750895010600ff0901810295010501093b8102953c058c09fe82020125017501950109ff810295078103c0c0"

LETTERS = "abcdefghijklmnopqrstuvwxyz"
def letters(order):
    return {c: (0, 0x04 + i) for i, c in enumerate(order)} | {c.upper(): (0x02, 0x04 + i) for i, c in enumerate(order) if c.isalpha()}

US = letters(LETTERS) | {d: (0, 0x1e + i) for i, d in enumerate("1234567890")} | {
    "]": (0, 0x30), "[": (0, 0x2f), "-": (0, 0x2d), ".": (0, 0x37), "/": (0, 0x38), " ": (0, 0x2c), "!": (2, 0x1e),
    "@": (2, 0x1f), "#": (2, 0x20), "$": (2, 0x21), "%": (2, 0x22), "_": (2, 0x2d), "+": (2, 0x2e), ":": (2, 0x33)}
UK = dict(US) | {'"': (2, 0x1f), "£": (2, 0x20), "@": (2, 0x34), "#": (0, 0x32), "~": (2, 0x32), "\\": (0, 0x64), "|": (2, 0x64)}
DE = letters("abcdefghijklmnopqrstuvwxzy") | {d: (0, 0x1e + i) for i, d in enumerate("1234567890")} | {
    "]": (0x40, 0x26), "[": (0x40, 0x25), "-": (0, 0x38), ".": (0, 0x37), "/": (2, 0x24), " ": (0, 0x2c), "@": (0x40, 0x14),
    "ß": (0, 0x2d), "ü": (0, 0x2f), "Ö": (2, 0x33), "+": (0, 0x30), "#": (0, 0x32), "_": (2, 0x38)}
FR = letters("qbcdefghijkl,noparstuvzxyw") | {d: (2, 0x1e + i) for i, d in enumerate("1234567890")} | {
    "]": (0x40, 0x2d), "[": (0x40, 0x22), "-": (0, 0x23), ".": (2, 0x36), "/": (2, 0x37), " ": (0, 0x2c), "@": (0x40, 0x27),
    "m": (0, 0x33), "M": (2, 0x33), "é": (0, 0x1f), "à": (0, 0x27), "$": (0, 0x30), "!": (0, 0x38), "&": (0, 0x1e)}
LAYOUTS = {"us": US, "uk": UK, "de": DE, "fr": FR}

def rep(mod=0, *keys):
    keys = list(keys)[:6]
    return bytes([mod, 0] + keys + [0] * (6 - len(keys)))

def typed(text, layout, gs="ctrl"):
    table, out, i = LAYOUTS[layout], [], 0
    while i < len(text):
        if text.startswith("{GS}", i):
            i += 4
            if gs == "ctrl":
                out += [rep(0x01, 0x30), rep()]
            else:
                for k in (0x62, 0x62, 0x5a, 0x61):
                    out += [rep(0x04, k), rep(0x04)]
                out.append(rep())
            continue
        if text.startswith("{ENTER}", i):
            i += 7; out += [rep(0, 0x28), rep()]; continue
        if text.startswith("{TAB}", i):
            i += 5; out += [rep(0, 0x2b), rep()]; continue
        mod, usage = table[text[i]]; i += 1
        out += [rep(mod, usage), rep()]
    return out

def write(name, header, reports, expected, times=None):
    with open(f"captures/{name}.hex", "w") as f:
        f.write(header + "\n")
        for n, r in enumerate(reports):
            f.write((f"{times[n]:.6f} " if times else "") + r.hex() + "\n")
    with open(f"captures/{name}.expected", "w") as f:
        f.write("".join(line + "\n" for line in expected))

GS1 = "]d201095060001343521ABC123{GS}1721123"
write("us-ctrl-gs", "#!storegate-capture kind=keyboard layout=us", typed(GS1 + "{ENTER}", "us"), [f"complete\t-\t{GS1}"])
write("us-alt0029-gs", "#!storegate-capture kind=keyboard layout=us", typed(GS1 + "{ENTER}", "us", "alt"), [f"complete\t-\t{GS1}"])
DE1 = "]d201095060001343521YZyz-/{GS}10L@T"
write("de-ctrl-gs", "#!storegate-capture kind=keyboard layout=de", typed(DE1 + "{ENTER}", "de"), [f"complete\t-\t{DE1}"])
write("de-alt0029-gs", "#!storegate-capture kind=keyboard layout=de", typed(DE1 + "{ENTER}", "de", "alt"), [f"complete\t-\t{DE1}"])
FR1 = "]d201095060001343521AQWZamq{GS}10L@T"
write("fr-azerty-ctrl-gs", "#!storegate-capture kind=keyboard layout=fr", typed(FR1 + "{ENTER}", "fr"), [f"complete\t-\t{FR1}"])
UK1 = '"£@#~\\|ABC'
write("uk-symbols", "#!storegate-capture kind=keyboard layout=uk", typed(UK1 + "{ENTER}", "uk"), [f"complete\t-\t{UK1}"])
# CapsLock on: letters swap case, digits do not; Shift with CapsLock gives lower case.
caps = [rep(0, 0x39), rep()] + typed("ab1", "us") + [rep(2, 0x06), rep()] + [rep(0, 0x39), rep()] + typed("d{ENTER}", "us")
write("capslock", "#!storegate-capture kind=keyboard layout=us", caps, ["complete\t-\tAB1cd"])
# Rollover: two keys in one report type in order; a held key repeated in the next report is not typed again; an
# ErrorRollOver report changes nothing; a release-only report types nothing; left and right Shift both shift.
roll = [rep(0, 0x04, 0x05), rep(0, 0x04, 0x05), rep(0, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01), rep(0, 0x05), rep(),
        rep(0x20, 0x06), rep(), rep(0x02, 0x07), rep(0x22, 0x07), rep(), rep(0, 0xe1, 0x08), rep(), rep(0, 0x28), rep()]
write("rollover-repeat-release", "#!storegate-capture kind=keyboard layout=us", roll, ["complete\t-\tabCDE"])
# Ctrl chords: Ctrl+A..Z, Ctrl+[ \ ] with left and right Ctrl, Ctrl+Shift+2 is NUL; Tab as terminator.
chords = [rep(0x01, 0x04), rep(), rep(0x10, 0x1d), rep(), rep(0x01, 0x2f), rep(), rep(0x10, 0x31), rep(), rep(0x01, 0x30), rep(),
          rep(0x03, 0x1f), rep(), rep(0, 0x2b), rep()]
write("ctrl-chords-tab", "#!storegate-capture kind=keyboard layout=us suffix=tab", chords, ["complete\t-\t{x01}{x1a}{x1b}{x1c}{GS}{x00}"])
# Keypad digits and keypad Enter; Alt+29 without the leading zero; Alt with a non-keypad key types nothing.
kp = [rep(0, 0x59), rep(), rep(0, 0x62), rep(), rep(0x04, 0x5a), rep(0x04), rep(0x04, 0x61), rep(0x04), rep(), rep(0x04, 0x04), rep(),
      rep(0, 0x63), rep(), rep(0, 0x58), rep()]
write("keypad-alt29", "#!storegate-capture kind=keyboard layout=us", kp, ["complete\t-\t10{GS}."])
# A pause longer than the inter-key timeout cuts the first scan short; the second completes.
parts = typed("]d20109", "us") + typed(GS1 + "{ENTER}", "us")
times = [i * 0.002 for i in range(14)] + [1.0 + i * 0.002 for i in range(len(parts) - 14)]
write("pause-cuts-scan", "#!storegate-capture kind=keyboard layout=us", parts, ["incomplete\t-\t]d20109", f"complete\t-\t{GS1}"], times)
# The capture ends before Enter: incomplete.
write("unterminated", "#!storegate-capture kind=keyboard layout=us", typed("0109506000134352", "us"), ["incomplete\t-\t0109506000134352"])
# Corrupt: a 1-byte report, 64-byte reports, unknown usages (0xff, 0xa5), a report with only a modifier in the
# key array, bytes past the sixth key ignored.
corrupt = [bytes([0]), rep(0, 0x04) + bytes(56), rep() + bytes(56), rep(0, 0xff), rep(), rep(0, 0xa5, 0x05), rep(),
           bytes([0, 0, 0, 0, 0, 0, 0, 0, 0x06, 0x07]), rep(0, 0x28), rep()]
write("corrupt-reports", "#!storegate-capture kind=keyboard layout=us", corrupt, ["complete\t-\tab"])

def honeywell(aim, code, data, chunk=56, limit=None, count_override=None):
    out, off = [], 0
    while True:
        n = min(chunk, len(data) - off)
        r = bytearray(64); r[0] = 2; r[1] = count_override if count_override is not None else n; r[2:5] = aim
        r[5:5 + n] = data[off:off + n]; r[61] = ord(code); off += n; r[63] = 1 if off < len(data) else 0
        out.append(bytes(r))
        if off >= len(data): return out

def newland(code, data):
    out, off = [], 0
    while True:
        n = min(60, len(data) - off)
        r = bytearray(64); r[0] = 3; r[1] = code; r[2] = n; r[3:3 + n] = data[off:off + n]; off += n
        r[63] = 1 if off < len(data) else 0
        out.append(bytes(r))
        if off >= len(data): return out

LONG = b"0109506000134352172112311\x1d10ABC12321SN0123456789-HONEYWELL-HIDPOS-LONG-CODE"
LONGT = LONG.decode().replace("\x1d", "{GS}")
HH = f"#!storegate-capture kind=hidpos descriptor={HONEYWELL_DESC}"
NH = f"#!storegate-capture kind=hidpos descriptor={NEWLAND_DESC}"
write("honeywell-continued", HH, honeywell(b"]d2", "w", LONG), [f"complete\t]d2\t{LONGT}"])
N130 = b"0109506000134352\x1d21" + b"NEWLAND-0123456789" * 6
write("newland-three-reports", NH, newland(0x31, N130), ["complete\t-\t" + N130.decode().replace("\x1d", "{GS}")])
# A trigger report (ID 4) and a feature-like report (ID 0xFE) between the two halves are ignored.
h = honeywell(b"]Q3", "s", LONG)
write("honeywell-other-reports-ignored", HH, [h[0], bytes([4, 0x02]), bytes([0xfe, 0x01]), h[1]], [f"complete\t]Q3\t{LONGT}"])
# The first half arrives, the second never does: incomplete at the end of the capture.
write("honeywell-continued-unfinished", HH, honeywell(b"]d2", "w", LONG)[:1], ["incomplete\t]d2\t" + LONGT[:59]])
# A report cut after 3 bytes, then a good scan: the cut one is incomplete and empty.
write("honeywell-truncated-report", HH, [bytes([2, 5, 0x5d])] + honeywell(b"]E0", "d", b"9506000134352"),
      ["incomplete\t-\t", "complete\t]E0\t9506000134352"])
# A byte count larger than the data field (255 > 56): the data it has, never accepted.
write("honeywell-lying-byte-count", HH, honeywell(b"]d2", "w", b"0109506000134352", count_override=255),
      ["incomplete\t]d2\t0109506000134352" + "{x00}" * 40])
# No AIM in the identifier field (zeros): symbology unknown.
write("honeywell-no-aim", HH, honeywell(b"\0\0\0", "w", b"ABC"), ["complete\t-\tABC"])

# Access-IS LSR116 / LSR118 (also ATR110): the HID input report their product manuals document (LSR116 Product
# Manual rev 4.6, Appendix A "HID reports", page 26 of 33; LSR118 Product Manual rev 1.2, Appendix B "HID reports
# - barcode only", pages 68-69 of 77; (c) Access-IS 2020): report ID 2; byte 1 length of the data field; bytes 2-4
# AIM symbology identifier (']' and two characters); bytes 5-60 data (up to 56 bytes); byte 61 a further symbology
# identifier; byte 62 reserved; byte 63 bit 0 "data continued". The manuals give the reports, not the report
# descriptor: ACCESSIS_DESC is the descriptor a device with that report has to present under the HID POS Usage
# Tables 1.02 (page 0x8C), reconstructed here item by item. The vendor page 0xFF00 for byte 61 and the output
# report 253 usages are our choice; the manuals name no usages.
ACCESSIS_DESC = "".join([
    "058c", "0902", "a101",              # Usage Page (Bar Code Scanner), Usage (Bar Code Scanner), Application
    "0912", "a102",                      #   Usage (Scanned Data Report), Collection (Logical)
    "8502",                              #     Report ID 2                                     byte 0
    "1500", "26ff00", "7508", "9501",    #     Logical 0..255, Report Size 8, Report Count 1
    "0501", "093b", "8102",              #     Generic Desktop Byte Count, Input (Data,Var)    byte 1
    "9503", "058c", "09fb09fc09fd", "8102",  # Symbology Identifier 1-3, Input             bytes 2-4
    "9538", "09fe", "820201",            #     Decoded Data x56, Input (Data,Var,Buffered)     bytes 5-60
    "9501", "0600ff", "0901", "8102",    #     vendor FF00:01, Input: further symbology id     byte 61
    "8103",                              #     Input (Const): reserved                         byte 62
    "058c", "2501", "7501", "09ff", "8102",  # Decode Data Continued, 1 bit                    byte 63 bit 0
    "9507", "8103",                      #     7 bits padding (Const)                          byte 63 bits 1-7
    "c0",                                #   End Collection
    "0600ff", "0902", "a102",            #   vendor FF00:02 Collection (Logical): commands to the reader
    "85fd", "1500", "26ff00", "7508", "9501", "0903", "9102",  # Report ID 253, data length  byte 1
    "953e", "0904", "920201",            #     output data, up to 62 bytes                     bytes 2-63
    "c0", "c0",
])

def accessis(aim, further, data, report_id=2, count_override=None, never_last=False):
    """Reports as the manual's table lays them out; a scan longer than 56 bytes is split, byte 63 = 1 on all but
    the last. The manual's example repeats the AIM id and byte 61 in the second report; so does this."""
    out, off = [], 0
    while True:
        n = min(56, len(data) - off)
        r = bytearray(64); r[0] = report_id; r[1] = count_override if count_override is not None else n
        r[2:5] = aim; r[5:5 + n] = data[off:off + n]; r[61] = ord(further); off += n
        r[63] = 1 if off < len(data) or never_last else 0
        out.append(bytes(r))
        if off >= len(data): return out

AH = f"#!storegate-capture kind=hidpos descriptor={ACCESSIS_DESC}"
# A 60-byte IATA boarding pass (BCBP, mandatory items only) of our own, as QR (]Q0): the manual's worked example has
# the same shape, 56 bytes in the first report and 4 in the second.
BCBP = b"M1" + b"TESTER/ALEX".ljust(20) + b"E" + b"XYZ123 " + b"ZRHLHRLX " + b"0318 " + b"123Y012A0042 100"
assert len(BCBP) == 60
BCBPT = BCBP.decode()
write("accessis-boarding-pass-two-reports", AH, accessis(b"]Q0", "s", BCBP), [f"complete\t]Q0\t{BCBPT}"])
# The length byte says 57, one more than the data field holds: the 56 bytes it has, never accepted.
write("accessis-length-larger-than-field", AH, accessis(b"]Q0", "s", BCBP[:56], count_override=57),
      [f"incomplete\t]Q0\t{BCBPT[:56]}"])
# The first report says "data continued", the second never comes; 2 s later a new scan (an EAN-13, one report):
# the first is cut incomplete, never joined to the second.
first = accessis(b"]Q0", "s", BCBP)[0]
write("accessis-continuation-lost-then-new-scan", AH, [first] + accessis(b"]E0", "d", b"9506000134352"),
      [f"incomplete\t]Q0\t{BCBPT[:56]}", "complete\t]E0\t9506000134352"], times=[0.0, 2.0])
# The same without times: the next report names another symbology (]E0 after ]Q0), so it starts a new scan.
write("accessis-continuation-lost-other-symbology", AH, [first] + accessis(b"]E0", "d", b"9506000134352"),
      [f"incomplete\t]Q0\t{BCBPT[:56]}", "complete\t]E0\t9506000134352"])
# A scan sent under report ID 3 (not the descriptor's scanned-data report) is no scan at all; the next one decodes.
write("accessis-wrong-report-id", AH, accessis(b"]Q0", "s", BCBP, report_id=3) + accessis(b"]E0", "d", b"9506000134352"),
      ["complete\t]E0\t9506000134352"])
# Continued set on the last report too, and nothing follows: incomplete at the end of the capture.
write("accessis-continued-never-cleared", AH, accessis(b"]Q0", "s", BCBP, never_last=True),
      [f"incomplete\t]Q0\t{BCBPT}"])
