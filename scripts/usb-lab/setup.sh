#!/bin/sh
# setup.sh - prepare the USB lab in LAB_CACHE (default ~/.cache/storegate-usb-lab, outside the repository):
#   Debian's kernel + busybox-static fetched with `apt-get download` (nothing installed, never committed), the raw
#   vmlinux extracted (boots ~6 s faster under TCG), an initramfs with the USB host, gadget (dummy_hcd, configfs
#   HID/ACM), evdev/uinput and 9p modules, and the guest's scanner tool compiled. Cached: a second run takes ~1 s. Debian's udev
#   package is unpacked too (not installed): the guest starts its systemd-udevd for the hot-plug callback scenario.
# Host needs qemu-system-x86 gcc cpio xz-utils binutils.
set -e
D=$(cd "$(dirname "$0")" && pwd)
W=${LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/storegate-usb-lab}; mkdir -p "$W"; cd "$W"
kernel_package() { apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}'; }
PKG=$(kernel_package)
if [ -z "$PKG" ] && [ "$(id -u)" = 0 ]; then apt-get update -q >/dev/null && PKG=$(kernel_package); fi
[ -n "$PKG" ] || { echo "usb-lab: apt-cache knows no linux-image-amd64 (run apt-get update)" >&2; exit 1; }
KVER=${PKG#linux-image-}
mkdir -p deb
[ -n "$(ls deb/"$PKG"_*.deb 2>/dev/null)" ] || (cd deb && apt-get download "$PKG" busybox-static)
[ -n "$(ls deb/udev_*.deb 2>/dev/null)" ] || (cd deb && apt-get download udev)
# udevadm is systemd-udevd when called by that name; the package's symlink is absolute (/bin/udevadm, absent here).
[ -x udev/lib/systemd/systemd-udevd ] || { rm -rf udev; dpkg-deb -x deb/udev_*.deb udev
  ln -sf ../../bin/udevadm udev/lib/systemd/systemd-udevd; }
[ -d kfull/lib/modules/"$KVER" ] || { rm -rf kfull bb; mkdir kfull bb
  dpkg-deb -x deb/"$PKG"_*.deb kfull; dpkg-deb -x deb/busybox-static_*.deb bb; }
[ -f vmlinux-"$KVER" ] || sh "$D"/extract-vmlinux.sh kfull/boot/vmlinuz-"$KVER" vmlinux-"$KVER"
# evdev gives the keyboard gadget a /dev/input/eventN node (the evdev source scenario); uinput gives /dev/uinput, where
# keyboard pass-through makes its virtual keyboard (a module in Debian's kernel: CONFIG_INPUT_UINPUT=m).
MODS="virtio_pci 9pnet_virtio 9p xhci_pci usbhid hid_generic evdev uinput overlay configfs dummy_hcd libcomposite usb_f_hid usb_f_acm cdc_acm"
if [ ! -f initrd.img ] || [ "$D"/init -nt initrd.img ] || [ "$(cat initrd.mods 2>/dev/null)" != "$MODS" ]; then
  rm -rf initrd && mkdir -p initrd/bin initrd/dev initrd/proc initrd/sys initrd/newroot initrd/lib/modules
  cp bb/bin/busybox initrd/bin/ && cp "$D"/init initrd/init && chmod +x initrd/init
  bash "$D"/modlist.sh kfull/lib/modules/"$KVER" $MODS |
    while read -r p; do cp "$p" initrd/lib/modules/; b=$(basename "$p")
      case $b in dummy_hcd.ko*) echo "$b num=4";; *) echo "$b";; esac; done > initrd/modules.list
  (cd initrd && find . | cpio -o -H newc --quiet | gzip -1) > initrd.img
  echo "$MODS" > initrd.mods
fi
mkdir -p bin
[ bin/scanner -nt "$D"/guest/scanner.c ] || gcc -O2 -Wall -o bin/scanner "$D"/guest/scanner.c
echo "$KVER" > kver
echo "usb-lab ready in $W: kernel $KVER"
