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
