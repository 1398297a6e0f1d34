#!/usr/bin/env bash
# Writes storegate(1) in roff to stdout from the binary's own help, so the manual cannot drift from the CLI:
#   scripts/deb/manpage.sh path/to/storegate > storegate.1
# `storegate --help` gives the synopsis and the command list; `storegate help COMMAND` (and `help GROUP SUB` for
# command groups such as `ledger`) gives each command's section, kept verbatim in no-fill mode.
set -euo pipefail
BIN=$1
VERSION=$("$BIN" --version)
DATE=$(date -u -d "@${SOURCE_DATE_EPOCH:-$(date +%s)}" +%Y-%m-%d)

# roff treats a backslash as an escape and a leading . or ' as a request: neutralise both.
roff_text() {
    sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"
}

# The names listed under SUBCOMMANDS: in a help text (first word of each indented line).
subcommands() {
    awk '/^SUBCOMMANDS:/ { inside = 1; next } /^[A-Z]/ { inside = 0 } inside && /^  [a-z]/ { print $1 }'
}

overview=$("$BIN" --help)
# The OVERVIEW paragraph, which argument-parser wraps over several lines.
abstract=$(printf '%s\n' "$overview" | awk '/^OVERVIEW: / { sub(/^OVERVIEW: /, ""); on = 1 } on && /^$/ { exit } on { printf "%s ", $0 }' | sed 's/ $//')

cat <<ROFF
.TH STOREGATE 1 "$DATE" "storegate $VERSION" "User Commands"
.SH NAME
storegate \\- $(printf '%s' "$abstract" | sed 's/^[A-Z]/\L&/; s/\.$//' | roff_text)
.SH SYNOPSIS
.B storegate
.I command
.RI [ options ]
.SH DESCRIPTION
$(printf '%s\n' "$abstract" | roff_text)
The daemon runs as
.B storegate run
under systemd (storegate.service); the other commands parse, verify and redeem codes, manage the ledger and
check the box. Exit status: 0 accepted or valid, 1 rejected or invalid, 2 usage, configuration or I/O error.
.SH OVERVIEW
.nf
$(printf '%s\n' "$overview" | roff_text)
.fi
.SH COMMANDS
ROFF

for command in $(printf '%s\n' "$overview" | subcommands); do
    [ "$command" = help ] && continue
    text=$("$BIN" help "$command")
    printf '.SS %s\n.nf\n%s\n.fi\n' "$command" "$(printf '%s\n' "$text" | roff_text)"
    for sub in $(printf '%s\n' "$text" | subcommands); do
        printf '.SS "%s %s"\n.nf\n%s\n.fi\n' "$command" "$sub" "$("$BIN" help "$command" "$sub" | roff_text)"
    done
done

cat <<'ROFF'
.SH FILES
.TP
.I /etc/storegate/storegate.toml
The configuration the service reads (every key: /usr/share/doc/storegate/docs/config.md).
.TP
.I /var/lib/storegate/
The ledger (ledger.sqlite), its status file and disk reserve. Kept when the package is removed, deleted on purge.
.TP
.I /lib/systemd/system/storegate.service
The hardened service unit; not enabled by the package.
.TP
.I /lib/udev/rules.d/60-storegate.rules
Lets group storegate open the scanners' USB, serial and input device nodes.
.SH SEE ALSO
.BR systemctl (1),
.BR journalctl (1),
/usr/share/doc/storegate/README.md and /usr/share/doc/storegate/docs/.
ROFF
