#!/bin/sh
# gadget.sh - create virtual USB scanners with configfs/libcomposite on dummy_hcd (root, in the guest).
#   gadget.sh kbd  NAME VID PID UDC   HID boot keyboard (keyboard-wedge scanner), /dev/hidgN
#   gadget.sh pos  NAME VID PID UDC   HID POS bar code scanner (usage page 0x8C, report ID 2, Honeywell layout)
#   gadget.sh posn NAME VID PID UDC   HID POS bar code scanner, Newland-like layout (report ID 3, no AIM field)
#   gadget.sh acm  NAME VID PID UDC   CDC ACM serial scanner: gadget /dev/ttyGSn <-> host /dev/ttyACMn
#   gadget.sh unbind NAME | bind NAME UDC | rm NAME
# Needs modules: configfs libcomposite usb_f_hid usb_f_acm dummy_hcd (+ usbhid, cdc_acm on the host side).
set -e
CFS=/sys/kernel/config
grep -qs " $CFS configfs" /proc/mounts || mount -t configfs none $CFS
G=$CFS/usb_gadget

# standard boot keyboard report descriptor (HID 1.11 appendix B.1; 63 bytes)
KBD_DESC="05 01 09 06 a1 01 05 07 19 e0 29 e7 15 00 25 01 75 01 95 08 81 02 95 01 75 08 81 03
 95 05 75 01 05 08 19 01 29 05 91 02 95 01 75 03 91 03 95 06 75 08 15 00 25 65 05 07 19 00 29 65 81 00 c0"
# HID POS bar code scanner, Honeywell layout (Usage Page 0x8C Bar Code Scanner; 144 bytes):
#  report 2 IN  (63 B): Byte Count, Symbology Id 1-3 (AIM), Decoded Data[56], vendor FF66 Code ID + 1 B, 8 bits Decode Data Continued
#  report 4 OUT (1 B) : trigger report bits (Prevent Read, Initiate Read, Error Beep, Good Read Beep)
#  report FE FEATURE (1 B) vendor FF66 Output Redirection; report FD OUT (63 B) vendor FF66 serial data stream (length + 62 B)
POS_DESC="05 8c 09 02 a1 01
 09 12 a1 02 85 02 15 00 26 ff 00 75 08 95 01 05 01 09 3b 81 02
   95 03 05 8c 09 fb 09 fc 09 fd 81 02
   95 38 09 fe 82 02 01
   06 66 ff 95 02 09 04 09 00 81 02
   05 8c 25 01 75 01 95 08 09 ff 81 02
 c0
 09 14 a1 02 85 04 15 00 25 01 75 01 95 08 09 00 09 5f 09 60 09 00 09 00 09 85 09 86 91 86 c0
 06 66 ff 75 08 26 ff 00
 09 03 a1 02 85 fe 95 01 09 03 b2 82 01 c0
 09 01 a1 02 85 fd 95 01 09 21 91 02 95 3e 09 22 92 82 01 c0
c0"

# HID POS bar code scanner, Newland-like layout (61 bytes). Synthesised for the lab, not captured from a device:
#  report 3 IN (63 B): vendor FF00:01 symbology code, Byte Count, Decoded Data[60], 1 bit Decode Data Continued + 7 pad
POSN_DESC="05 8c 09 02 a1 01
 09 12 a1 02 85 03 15 00 26 ff 00 75 08
   95 01 06 00 ff 09 01 81 02
   95 01 05 01 09 3b 81 02
   95 3c 05 8c 09 fe 82 02 01
   25 01 75 01 95 01 09 ff 81 02
   95 07 81 03
 c0
c0"

# configfs stores an attribute once per write(): emit the descriptor with a single write (cat), or the
# kernel keeps only the last byte written. dash's printf has no \x escapes, hence awk -> octal.
hex2bin() {
    printf "$(echo $1 | awk '{ for (i = 1; i <= NF; i++) { h = "0123456789abcdef"
        printf "\\%03o", (index(h, substr($i, 1, 1)) - 1) * 16 + index(h, substr($i, 2, 1)) - 1 } }')" > ${TMPDIR:-/tmp}/.desc.$$
    cat ${TMPDIR:-/tmp}/.desc.$$; rm -f ${TMPDIR:-/tmp}/.desc.$$
}

common() {  # NAME VID PID PRODUCT SERIAL
    mkdir -p $G/$1 && cd $G/$1
    echo $2 > idVendor; echo $3 > idProduct; echo 0x0100 > bcdDevice; echo 0x0200 > bcdUSB
    mkdir -p strings/0x409
    echo "${MANUFACTURER:-Honeywell Imaging & Mobility}" > strings/0x409/manufacturer
    echo "$4" > strings/0x409/product; echo "$5" > strings/0x409/serialnumber
    mkdir -p configs/c.1/strings/0x409
    echo "$4" > configs/c.1/strings/0x409/configuration
    echo 0x80 > configs/c.1/bmAttributes; echo 500 > configs/c.1/MaxPower
}
bind() {    # NAME UDC  (UDC: see ls /sys/class/udc, e.g. dummy_udc.0)
    echo "$2" > $G/$1/UDC
}

cmd=$1; shift
case $cmd in
kbd)
    common "$1" "$2" "$3" "Virtual 1900 (HID keyboard)" "VKBD${2#0x}${3#0x}"
    mkdir -p functions/hid.kbd
    echo 1 > functions/hid.kbd/protocol      # keyboard
    echo 1 > functions/hid.kbd/subclass      # boot interface
    echo ${KBD_REPORT_LEN:-8} > functions/hid.kbd/report_length   # = wMaxPacketSize (Honeywell KBW: 64)
    hex2bin "$KBD_DESC" > functions/hid.kbd/report_desc
    ln -s functions/hid.kbd configs/c.1/
    bind "$1" "$4" ;;
pos)
    common "$1" "$2" "$3" "Virtual 1900 (HID POS)" "VPOS${2#0x}${3#0x}"
    mkdir -p functions/hid.pos
    echo 0 > functions/hid.pos/protocol
    echo 0 > functions/hid.pos/subclass
    echo 64 > functions/hid.pos/report_length   # = wMaxPacketSize of the interrupt endpoints
    hex2bin "$POS_DESC" > functions/hid.pos/report_desc
    ln -s functions/hid.pos configs/c.1/
    bind "$1" "$4" ;;
posn)
    MANUFACTURER="Newland Auto-ID (lab)" common "$1" "$2" "$3" "Virtual Newland-like (HID POS)" "VPOS${2#0x}${3#0x}"
    mkdir -p functions/hid.pos
    echo 0 > functions/hid.pos/protocol
    echo 0 > functions/hid.pos/subclass
    echo 64 > functions/hid.pos/report_length
    hex2bin "$POSN_DESC" > functions/hid.pos/report_desc
    ln -s functions/hid.pos configs/c.1/
    bind "$1" "$4" ;;
acm)
    common "$1" "$2" "$3" "Virtual 1900 (USB serial)" "VACM${2#0x}${3#0x}"
    mkdir -p functions/acm.usb0
    ln -s functions/acm.usb0 configs/c.1/
    bind "$1" "$4" ;;
unbind) echo "" > $G/$1/UDC ;;
bind)   bind "$1" "$2" ;;
rm)     cd $G/$1; echo "" > UDC 2>/dev/null || true
        for l in configs/c.1/*.*; do [ -L "$l" ] && rm "$l"; done
        rmdir configs/c.1/strings/0x409 configs/c.1 functions/* strings/0x409; cd ..; rmdir "$1" ;;
*) echo "usage: $0 kbd|pos|posn|acm NAME VID PID UDC | unbind NAME | bind NAME UDC | rm NAME" >&2; exit 1 ;;
esac
