#!/usr/bin/env bash
# Lets storegate.service reach the broker of mqtt.url: the unit allows loopback only (IPAddressDeny=any), so the
# real broker's addresses go into a drop-in, /etc/systemd/system/storegate.service.d/broker.conf.
# Run as root after changing mqtt.url (systemd/install.sh runs it): systemd/allow-broker.sh [CONFIG]
# A drop-in that does not start with this script's marker line was written by hand and is left alone.
set -euo pipefail
CONFIG="${1:-/etc/storegate/storegate.toml}"
DROPIN_DIR="${STOREGATE_DROPIN_DIR:-/etc/systemd/system/storegate.service.d}"
DROPIN="$DROPIN_DIR/broker.conf"
MARKER="# Written by systemd/allow-broker.sh from mqtt.url"

# mqtt.url from the [mqtt] table; the daemon's default when the key is absent.
url="$(awk '
    /^[[:space:]]*\[/ { in_mqtt = ($0 ~ /^[[:space:]]*\[mqtt\][[:space:]]*(#.*)?$/) }
    in_mqtt && /^[[:space:]]*url[[:space:]]*=/ { sub(/^[^=]*=[[:space:]]*"/, ""); sub(/".*$/, ""); print; exit }
' "$CONFIG")"
url="${url:-mqtt://127.0.0.1:1883}"
host="${url#*://}"
host="${host%%/*}"
case "$host" in
    \[*\]*) host="${host#[}"; host="${host%%]*}" ;;  # [IPv6]:port
    *) host="${host%%:*}" ;;
esac

if [ -f "$DROPIN" ] && ! head -n 1 "$DROPIN" | grep -qxF "$MARKER"; then
    echo "$DROPIN was written by hand: left as it is (it must allow $host)"
    exit 0
fi

case "$host" in
    localhost|127.*|::1)
        rm -f "$DROPIN"
        echo "broker $host is on this box: the unit's IPAddressAllow=localhost is enough"
        exit 0 ;;
esac

addresses="$(getent ahosts "$host" | awk '{ print $1 }' | sort -u | xargs)" || true
if [ -z "$addresses" ]; then
    cat >&2 <<MSG
WARNING: the broker host $host (mqtt.url in $CONFIG) does not resolve here, so no address could be allowed.
storegate.service allows loopback only (IPAddressDeny=any): until the broker is allowed the store cannot reach HQ.
Fix: run this script again once $host resolves, or write $DROPIN by hand:
    [Service]
    IPAddressAllow=BROKER-ADDRESS-OR-NETWORK   (e.g. 10.20.0.0/16 if the broker's address moves)
then: systemctl daemon-reload && systemctl restart storegate
MSG
    exit 1
fi

# A name is resolved again at every connect: the DNS servers must be reachable too (127.0.0.53, systemd-resolved,
# is loopback and already allowed).
nameservers=""
if ! [[ "$host" =~ ^[0-9.]+$ || "$host" == *:* ]]; then
    nameservers="$(awk '/^nameserver/ { print $2 }' /etc/resolv.conf 2>/dev/null | xargs)"
fi

install -d -m 0755 "$DROPIN_DIR"
{
    echo "$MARKER"
    echo "# ($host resolved at $(date -u +%Y-%m-%dT%H:%MZ)). If the broker's address changes, run the script again"
    echo "# or replace this file (without the first line) with the broker's network."
    echo "[Service]"
    echo "IPAddressAllow=$addresses"
    [ -z "$nameservers" ] || echo "IPAddressAllow=$nameservers"
} > "$DROPIN.tmp"
mv "$DROPIN.tmp" "$DROPIN"
echo "allowed broker $host ($addresses) in $DROPIN"
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
