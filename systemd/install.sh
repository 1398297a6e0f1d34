#!/usr/bin/env bash
# Installs storegate as a systemd service: binary, user, udev rules, config skeleton, unit and the drop-in that lets
# it reach the broker. Run as root from the repository.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BINARY="${1:-$ROOT/.build/release/storegate}"
[ -x "$BINARY" ] || { echo "error: no binary at $BINARY; run 'swift build -c release --static-swift-stdlib' first (the static Swift runtime needs no /opt/swift on the box; the release link needs glibc 2.36+, Debian 12)" >&2; exit 2; }
install -m 0755 "$BINARY" /usr/local/bin/storegate
id storegate >/dev/null 2>&1 || useradd --system --home-dir /var/lib/storegate --shell /usr/sbin/nologin storegate
install -d -m 0750 -o storegate -g storegate /var/lib/storegate
install -d -m 0755 /etc/storegate
if [ ! -f /etc/storegate/storegate.toml ]; then
    install -m 0640 -g storegate "$ROOT/systemd/storegate.toml" /etc/storegate/storegate.toml
    echo "wrote /etc/storegate/storegate.toml: set mqtt.url, TLS files and downlink keys (docs/config.md)"
fi
# It may hold mqtt.password: the service's group reads it, other users do not (config check warns otherwise).
chgrp storegate /etc/storegate/storegate.toml
chmod o-rwx /etc/storegate/storegate.toml
# The unit has no supplementary groups: these rules give the storegate group the scanners' device nodes.
install -m 0644 "$ROOT/devices/udev/60-storegate.rules" /etc/udev/rules.d/60-storegate.rules
if command -v udevadm >/dev/null 2>&1; then
    udevadm control --reload && udevadm trigger || echo "udev is not running: the rules apply at the next boot"
fi
install -m 0644 "$ROOT/systemd/storegate.service" /etc/systemd/system/storegate.service
# The unit allows loopback only; this allows the broker of mqtt.url (a warning says what to do if it cannot).
"$ROOT/systemd/allow-broker.sh" /etc/storegate/storegate.toml || true
systemctl daemon-reload
/usr/local/bin/storegate config check /etc/storegate/storegate.toml
[ -f /var/lib/storegate/ledger.sqlite ] || echo "next: sudo -u storegate storegate ledger init --db /var/lib/storegate/ledger.sqlite --store-id ID --region REGION"
echo "then: systemctl enable --now storegate; storegate doctor (checks config, ledger, broker, scanners, service); journalctl -u storegate -f"
