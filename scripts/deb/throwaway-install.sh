#!/usr/bin/env bash
# Installs, checks, removes and purges a storegate .deb inside a throwaway copy of this machine. Run by
# scripts/test-deb.sh inside `unshare --mount --net` (a private mount and network namespace), as root:
#   scripts/deb/throwaway-install.sh path/to/storegate_<version>_amd64.deb
# The copy is the root filesystem under an overlay whose writable layer is a tmpfs; dpkg, adduser, the maintainer
# scripts, a mosquitto broker and storegate run in it through chroot and write only to the tmpfs, which goes
# away with the namespace. The private network namespace gives the broker its own 127.0.0.1:1883.
set -euo pipefail
DEB=$(readlink -f "$1")
LAYER=$(mktemp -d)
trap 'umount -R -l "$LAYER" 2>/dev/null; rmdir "$LAYER"' EXIT
mount -t tmpfs -o size=512m tmpfs "$LAYER"
mkdir "$LAYER/upper" "$LAYER/work" "$LAYER/root"
mount -t overlay overlay -o "lowerdir=/,upperdir=$LAYER/upper,workdir=$LAYER/work" "$LAYER/root"
ROOT="$LAYER/root"
mount -t proc proc "$ROOT/proc"
mount --rbind /dev "$ROOT/dev"
mount --rbind /sys "$ROOT/sys"
# No systemd runs here (as in a container): the maintainer scripts must cope, and doctor reports the service SKIP.
mount -t tmpfs tmpfs "$ROOT/run"
mount -t tmpfs tmpfs "$ROOT/tmp"
cp "$DEB" "$ROOT/tmp/storegate.deb"
ip link set lo up

chroot "$ROOT" /bin/bash -s <<'INSIDE'
set -euo pipefail
fail() { echo "FAIL: $*" >&2; exit 1; }
check() { echo "ok: $*"; }

echo "== dpkg -i"
dpkg -i /tmp/storegate.deb
[ "$(dpkg-query -W -f='${Status}' storegate)" = "install ok installed" ] || fail "not installed"
getent passwd storegate >/dev/null && getent group storegate >/dev/null || fail "no system user/group storegate"
[ "$(getent passwd storegate | cut -d: -f7)" = /usr/sbin/nologin ] || fail "storegate user has a login shell"
check "system user and group storegate"
[ "$(stat -c '%U:%G %a' /etc/storegate/storegate.toml)" = "root:storegate 640" ] || fail "config owner/mode: $(stat -c '%U:%G %a' /etc/storegate/storegate.toml)"
grep -qx /etc/storegate/storegate.toml /var/lib/dpkg/info/storegate.conffiles || fail "config is not a conffile"
check "config /etc/storegate/storegate.toml, a conffile, root:storegate 640"
[ "$(stat -c '%U:%G' /var/lib/storegate)" = "storegate:storegate" ] || fail "/var/lib/storegate not owned by storegate"
[ -f /lib/systemd/system/storegate.service ] && [ -f /lib/udev/rules.d/60-storegate.rules ] || fail "unit or udev rules missing"
grep -q '^ExecStart=/usr/bin/storegate run' /lib/systemd/system/storegate.service || fail "unit does not start /usr/bin/storegate"
[ ! -e /etc/systemd/system/multi-user.target.wants/storegate.service ] || fail "the package enabled the service"
check "unit and udev rules installed, service not enabled"
zcat /usr/share/man/man1/storegate.1.gz >/tmp/storegate.1
grep -q '^\.SS doctor' /tmp/storegate.1 || fail "man page lacks the doctor command"
MANWIDTH=100 man -l /usr/share/man/man1/storegate.1.gz 2>&1 >/dev/null | grep . && fail "man reports problems"
check "storegate(1) renders"
storegate config check /etc/storegate/storegate.toml >/dev/null || fail "the default config does not pass config check"
check "default config passes config check"

echo "== ledger init and storegate doctor (broker on 127.0.0.1:1883 in this namespace)"
runuser -u storegate -- storegate ledger init --db /var/lib/storegate/ledger.sqlite --store-id S001 --region CN-31 >/dev/null
printf 'listener 1883 127.0.0.1\nallow_anonymous true\n' >/tmp/mosquitto.conf
mosquitto -c /tmp/mosquitto.conf >/tmp/mosquitto.log 2>&1 &
BROKER=$!
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/1883) 2>/dev/null && break; sleep 0.1; done
status=0
runuser -u storegate -- storegate doctor --json >/tmp/doctor.json || status=$?
runuser -u storegate -- storegate doctor || true
kill "$BROKER"
[ "$status" -eq 0 ] || fail "storegate doctor exited $status"
python3 - /tmp/doctor.json <<'PY'
import json, sys
checks = {c["check"]: c["status"] for c in json.load(open(sys.argv[1]))}
for name in ("config", "ledger", "broker"):
    if checks.get(name) != "ok":
        sys.exit(f"FAIL: doctor check {name} is {checks.get(name)}")
if "fail" in checks.values():
    sys.exit(f"FAIL: a doctor check failed: {checks}")
print("ok: doctor:", ", ".join(f"{k} {v}" for k, v in checks.items()))
PY

echo "== dpkg -r (the ledger and the config stay)"
dpkg -r storegate
[ "$(dpkg-query -W -f='${Status}' storegate)" = "deinstall ok config-files" ] || fail "status after remove: $(dpkg-query -W -f='${Status}' storegate)"
[ ! -e /usr/bin/storegate ] && [ ! -e /lib/systemd/system/storegate.service ] && [ ! -e /lib/udev/rules.d/60-storegate.rules ] || fail "files left after remove"
[ -s /var/lib/storegate/ledger.sqlite ] || fail "remove deleted the ledger"
[ -f /etc/storegate/storegate.toml ] || fail "remove deleted the config"
check "after remove: binary, unit, rules gone; ledger and config kept"

echo "== dpkg -P (everything goes)"
dpkg -P storegate
dpkg-query -W -f='${Status}' storegate 2>/dev/null | grep -q installed && fail "still known to dpkg after purge"
[ ! -e /var/lib/storegate ] || fail "purge left /var/lib/storegate"
[ ! -e /etc/storegate ] || fail "purge left /etc/storegate"
check "after purge: ledger, config and dpkg record gone (the system user stays, as Debian packages leave users)"
INSIDE
