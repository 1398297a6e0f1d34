#!/bin/sh
# run.sh GUEST-COMMAND - boot the throw-away guest under qemu (software emulation: these machines have no usable
# KVM) with the host's / shared read-only over 9p (+ a tmpfs overlay), run GUEST-COMMAND as root inside it, print the
# serial console, power off. The guest sees the host's files at the same paths, so the storegate binary built here
# runs there unchanged; 9p cache=loose (the host files do not change during a run) makes the 60 MB debug binary
# start in ~2 s instead of ~10 s. Env: LAB_CACHE (setup.sh's folder), TMO (seconds, default 300), P9CACHE, QEMU_EXTRA
# (more qemu arguments: test.sh adds an xHCI bus with QEMU's usb-kbd and a QMP socket).
D=$(cd "$(dirname "$0")" && pwd)
W=${LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/storegate-usb-lab}
K=$(cat "$W"/kver) || { echo "usb-lab: run scripts/usb-lab/setup.sh first" >&2; exit 2; }
exec timeout ${TMO:-300} qemu-system-x86_64 -accel tcg,thread=multi -cpu max -M pc -m ${MEM:-1024} -smp 2 \
  -nodefaults -no-user-config -display none -serial stdio -no-reboot \
  -kernel "$W"/vmlinux-"$K" -initrd "$W"/initrd.img \
  -append "console=ttyS0 quiet panic=-1 P9CACHE=${P9CACHE:-loose} GSCRIPT=\"$1\"" \
  -fsdev local,id=r,path=/,security_model=none,readonly=on,multidevs=remap \
  -device virtio-9p-pci,fsdev=r,mount_tag=hostroot $QEMU_EXTRA < /dev/null
