#!/usr/bin/env bash
# Builds the Debian package storegate_<version>_amd64.deb with dpkg-deb, then runs lintian on it.
#   scripts/package-deb.sh [OUTDIR]        (default .build-deb; prints the path of the .deb last)
#   STOREGATE_SCRATCH=.build-x scripts/package-deb.sh    (SwiftPM --scratch-path; default .build)
#
# Contents: the release binary as a store box runs it (static Swift runtime, see Package.swift) in /usr/bin, the
# systemd unit (systemd/storegate.service, pointed at /usr/bin) in /lib/systemd/system, the udev rules
# (devices/udev) in /lib/udev/rules.d, the default config systemd/storegate.toml as the conffile
# /etc/storegate/storegate.toml, storegate(1) written from the binary's help (scripts/deb/manpage.sh), README and
# docs/ in /usr/share/doc/storegate. Maintainer scripts (scripts/deb/): postinst adds the system user and group
# storegate and enables nothing; prerm stops the service on remove (deb-systemd-invoke, so policy-rc.d is honoured); postrm keeps /var/lib/storegate (the ledger)
# and the config on remove and deletes both on purge. Depends: computed by dpkg-shlibdeps from the binary's
# dynamic libraries (libc6, libsqlite3-0, libusb-1.0-0, libmosquitto1), plus adduser for postinst.
#
# lintian (2.116, Debian 12): no errors, no warnings; the script fails on any E: or W:. At info level it lists
# "spelling-error-in-binary" for fragments of the statically linked libraries' strings (STANDAR, THROUG…): they are
# not storegate's text and cannot be changed here. `lintian -I` on the .deb shows the current list.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$(storegate_root)"
require_swift

OUT=${1:-.build-deb}
SCRATCH=${STOREGATE_SCRATCH:-.build}
MAINTAINER=${DEB_MAINTAINER:-storegate maintainers <storegate@example.com>}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}

echo "== release build (static Swift runtime, as deployed)"
swift build --scratch-path "$SCRATCH" -c release --product storegate --static-swift-stdlib 2>&1 \
    | grep -v "the use of \`mktemp' is dangerous" | tail -1
BIN="$(swift build --scratch-path "$SCRATCH" -c release --static-swift-stdlib --show-bin-path)/storegate"
VERSION=$("$BIN" --version)
ARCH=$(dpkg --print-architecture)

STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
ROOTFS="$STAGE/storegate_${VERSION}_$ARCH"

echo "== stage storegate $VERSION ($ARCH)"
install -D -m 0755 "$BIN" "$ROOTFS/usr/bin/storegate"
# Debian ships binaries without symbols (they would add ~25% here); crashes are read from logs, not cores.
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$ROOTFS/usr/bin/storegate"
install -d -m 0755 "$ROOTFS/lib/systemd/system" "$ROOTFS/lib/udev/rules.d" "$ROOTFS/etc/storegate"
sed 's#/usr/local/bin/storegate#/usr/bin/storegate#g' systemd/storegate.service \
    >"$ROOTFS/lib/systemd/system/storegate.service"
chmod 0644 "$ROOTFS/lib/systemd/system/storegate.service"
install -m 0644 devices/udev/60-storegate.rules "$ROOTFS/lib/udev/rules.d/60-storegate.rules"
install -m 0644 systemd/storegate.toml "$ROOTFS/etc/storegate/storegate.toml"

DOC="$ROOTFS/usr/share/doc/storegate"
install -d -m 0755 "$DOC/docs" "$ROOTFS/usr/share/man/man1"
install -m 0644 README.md "$DOC/README.md"
install -m 0644 docs/*.md "$DOC/docs/"
install -m 0644 scripts/deb/copyright "$DOC/copyright"
cat >"$STAGE/changelog" <<CHANGELOG
storegate ($VERSION) unstable; urgency=medium

  * Release $VERSION, built from commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown).

 -- $MAINTAINER  $(date -u -R -d "@$SOURCE_DATE_EPOCH")
CHANGELOG
gzip -9n <"$STAGE/changelog" >"$DOC/changelog.gz"
chmod 0644 "$DOC/changelog.gz"
bash scripts/deb/manpage.sh "$BIN" | gzip -9n >"$ROOTFS/usr/share/man/man1/storegate.1.gz"
chmod 0644 "$ROOTFS/usr/share/man/man1/storegate.1.gz"

echo "== control files"
install -d -m 0755 "$ROOTFS/DEBIAN"
for script in postinst prerm postrm; do
    install -m 0755 "scripts/deb/$script" "$ROOTFS/DEBIAN/$script"
done
echo /etc/storegate/storegate.toml >"$ROOTFS/DEBIAN/conffiles"
# dpkg-shlibdeps reads the package name from a debian/control; give it a minimal one in the staging area.
mkdir -p "$STAGE/debian"
printf 'Source: storegate\n\nPackage: storegate\nArchitecture: any\n' >"$STAGE/debian/control"
SHLIBS=$(cd "$STAGE" && dpkg-shlibdeps -O "$ROOTFS/usr/bin/storegate" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
for library in libsqlite3-0 libusb-1.0-0 libmosquitto1; do
    case "$SHLIBS" in *"$library"*) ;; *) echo "error: $library missing from the computed Depends ($SHLIBS)" >&2; exit 1 ;; esac
done
INSTALLED_SIZE=$(du -sk --exclude=DEBIAN "$ROOTFS" | cut -f1)
cat >"$ROOTFS/DEBIAN/control" <<CONTROL
Package: storegate
Version: $VERSION
Architecture: $ARCH
Maintainer: $MAINTAINER
Installed-Size: $INSTALLED_SIZE
Depends: $SHLIBS, adduser, init-system-helpers (>= 1.52)
Section: misc
Priority: optional
Description: in-store gateway for per-item product codes
 storegate reads USB barcode scanners, parses GS1 codes (element strings,
 GS1 Digital Link URIs, brand URLs), decides per-item redemptions against a
 local SQLite ledger and streams the events to HQ over MQTT.
 .
 The service (storegate.service) is installed but not enabled: initialise
 the ledger (storegate ledger init), set the broker in
 /etc/storegate/storegate.toml, then systemctl enable --now storegate and
 check the box with storegate doctor.
CONTROL
(cd "$ROOTFS" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z | xargs -0 md5sum) >"$ROOTFS/DEBIAN/md5sums"
chmod 0644 "$ROOTFS/DEBIAN/control" "$ROOTFS/DEBIAN/conffiles" "$ROOTFS/DEBIAN/md5sums"

mkdir -p "$OUT"
DEB="$OUT/storegate_${VERSION}_$ARCH.deb"
dpkg-deb --root-owner-group -Zxz --build "$ROOTFS" "$DEB" >/dev/null
echo "== $(du -h "$DEB" | cut -f1) $DEB; Depends: $SHLIBS, adduser"

if command -v lintian >/dev/null 2>&1; then
    echo "== lintian"
    lintian --info --display-info "$DEB" 2>&1 | grep -v "running with root privileges" | tee "$STAGE/lintian.txt" || true
    if grep -qE '^[EW]: ' "$STAGE/lintian.txt"; then
        echo "FAIL: lintian reports errors or warnings (above)" >&2
        exit 1
    fi
else
    echo "note: lintian is not installed (apt-get install -y lintian); package not checked"
fi
echo "$DEB"
