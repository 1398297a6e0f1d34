#!/usr/bin/env bash
# Builds the Debian package (scripts/package-deb.sh, lintian included) and tests it as a store box would meet it:
# install, `storegate doctor`, remove (the ledger stays), purge (it goes). Needs root, overlayfs and unshare.
#   scripts/test-deb.sh        (STOREGATE_SCRATCH as for package-deb.sh)
#
# Where it installs: into a throwaway copy of this machine (scripts/deb/throwaway-install.sh: the root filesystem
# under an overlay with a tmpfs on top, in a private mount and network namespace, entered with chroot). That runs
# the real dpkg, adduser and maintainer scripts against real Debian 12 libraries, and the host keeps nothing:
# this script compares the host's view of storegate before and after. Not chosen: a debootstrap chroot (a
# download of a few hundred MB and minutes per run, and no network to count on); `dpkg -i` on the host itself
# (purge leaves the system user, so the machine would not be as it was); `dpkg -x` alone (runs no maintainer
# script).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$(storegate_root)"
[ "$(id -u)" -eq 0 ] || { echo "error: run as root (dpkg, mount, chroot)" >&2; exit 2; }
for tool in unshare chroot mosquitto python3 man; do
    command -v "$tool" >/dev/null || { echo "error: $tool is not installed" >&2; exit 2; }
done
started=$(date +%s)

DEB=$(bash scripts/package-deb.sh | tail -1)
[ -f "$DEB" ] || { echo "FAIL: no package built" >&2; exit 1; }

# What the host says about storegate; must be the same afterwards.
host_state() {
    dpkg-query -W -f='${Status}\n' storegate 2>&1 || true
    getent passwd storegate || echo "no user storegate"
    ls -ld /etc/storegate /var/lib/storegate /usr/bin/storegate /lib/systemd/system/storegate.service 2>&1 || true
}
before=$(host_state)

echo "== install, doctor, remove, purge in a throwaway copy of this machine"
unshare --mount --net --propagation private bash scripts/deb/throwaway-install.sh "$DEB"

after=$(host_state)
if [ "$before" != "$after" ]; then
    echo "FAIL: the host changed:"; diff <(echo "$before") <(echo "$after") || true
    exit 1
fi
echo "ok: the host is as it was"
echo "PASS: $DEB in $(($(date +%s) - started)) s"
