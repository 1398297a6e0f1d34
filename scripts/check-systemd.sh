#!/usr/bin/env bash
# Checks systemd/storegate.service without a running systemd (seconds; scripts/test.sh runs it before the build):
# - `systemd-analyze security --offline=true`: the overall exposure must stay at or below STOREGATE_MAX_EXPOSURE
#   (2.0), so a change that loosens the sandbox fails here instead of on a store box;
# - `systemd-analyze verify`: every directive parses. verify checks that ExecStart's binary exists, which it does
#   not on a build machine, so a copy of the unit pointing at a stub executable is verified; and verify exits 0 on
#   an unknown key or a bad value (it only prints them), so any output counts as a failure;
# - systemd/allow-broker.sh: the drop-in it writes for a broker address allows that address and verifies too.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$(storegate_root)"
UNIT=systemd/storegate.service
MAX_EXPOSURE="${STOREGATE_MAX_EXPOSURE:-2.0}"

command -v systemd-analyze >/dev/null 2>&1 || {
    echo "error: systemd-analyze not found; install the Debian package systemd (scripts/lib.sh installs it)" >&2
    exit 2
}

report="$(systemd-analyze security --offline=true "$UNIT" 2>&1)" || true
exposure="$(printf '%s\n' "$report" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')"
if [ -z "$exposure" ]; then
    printf '%s\n' "$report" >&2
    echo "error: systemd-analyze security printed no overall exposure level for $UNIT (output above)" >&2
    exit 1
fi
if awk -v e="$exposure" -v max="$MAX_EXPOSURE" 'BEGIN { exit !(e > max) }'; then
    printf '%s\n' "$report" | grep '✗' >&2 || true
    echo "error: $UNIT exposure $exposure is above $MAX_EXPOSURE; the open items are listed above (✗)" >&2
    exit 1
fi
echo "systemd: $UNIT exposure $exposure (at most $MAX_EXPOSURE)"

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
printf '#!/bin/sh\nexit 0\n' > "$scratch/storegate"
chmod +x "$scratch/storegate"
sed "s#/usr/local/bin/storegate#$scratch/storegate#g" "$UNIT" > "$scratch/storegate.service"
# The broker drop-in as install.sh writes it, appended (a repeated [Service] section adds to the first), so its
# lines are verified with the unit.
printf '[mqtt]\nurl = "mqtts://192.0.2.7:8883"\n' > "$scratch/storegate.toml"
STOREGATE_DROPIN_DIR="$scratch/dropin" bash systemd/allow-broker.sh "$scratch/storegate.toml" >/dev/null
grep -qx 'IPAddressAllow=192.0.2.7' "$scratch/dropin/broker.conf" || {
    cat "$scratch/dropin/broker.conf" >&2
    echo "error: systemd/allow-broker.sh did not allow the broker 192.0.2.7 (its drop-in is above)" >&2
    exit 1
}
cat "$scratch/dropin/broker.conf" >> "$scratch/storegate.service"
problems="$(systemd-analyze verify "$scratch/storegate.service" 2>&1)" || true
if [ -n "$problems" ]; then
    printf '%s\n' "$problems" | sed "s#$scratch/storegate.service#$UNIT#g" >&2
    echo "error: systemd-analyze verify found problems in $UNIT (above; line numbers are the unit's)" >&2
    exit 1
fi
echo "systemd: $UNIT and the broker drop-in of systemd/allow-broker.sh verify"
