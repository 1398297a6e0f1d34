# Shared by the scripts: find the Swift toolchain and install the Debian packages storegate needs.
# Sourced, not run.

# Debian packages the build, the tests and the demo need. libusb-1.0-0-dev is for the scanner module;
# qemu-system-x86, cpio, xz-utils and binutils run the USB lab (scripts/usb-lab), which boots Debian's kernel under
# qemu to get a USB bus with virtual scanners; libmosquitto/mosquitto/openssl are for the MQTT link and its tests,
# python3-jsonschema checks captured MQTT messages against docs/schemas (and EPCIS exports against GS1's schema,
# whose `uri` formats it checks with python3-rfc3987); python3-paho-mqtt is the soak's independent
# subscriber (scripts/soak), e2fsprogs makes the disk-full soak's small file system; systemd brings systemd-analyze, which
# scripts/check-systemd.sh runs on the unit (it needs no running systemd); postgresql-15 is storegate-hq's database
# (its tests and the demo start a private server: scripts/postgres-private.sh).
STOREGATE_APT_PACKAGES=(libsqlite3-dev sqlite3 gcc libmosquitto-dev mosquitto mosquitto-clients openssl python3 python3-jsonschema python3-rfc3987 python3-paho-mqtt
    libusb-1.0-0-dev qemu-system-x86 cpio xz-utils binutils systemd postgresql-15 e2fsprogs)
# The console's browser test (Tests/StoregateHQTests/ConsoleBrowserTests.swift) drives Debian's headless Chromium
# through chromedriver with Python's selenium. Chromium recommends a desktop's worth of packages the test does not
# need, so these are installed on their own, without recommends.
STOREGATE_BROWSER_PACKAGES=(chromium chromium-driver python3-selenium)

storegate_root() {
    cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd
}

# Installs whatever of STOREGATE_APT_PACKAGES is missing (one `apt-get update`, one install), then the browser
# test's packages without recommends.
install_missing_packages() {
    install_missing "" "${STOREGATE_APT_PACKAGES[@]}" && install_missing --no-install-recommends "${STOREGATE_BROWSER_PACKAGES[@]}"
}

# install_missing OPTION PACKAGE...: apt-get install OPTION (may be empty) of the packages not installed yet.
install_missing() {
    local option=$1
    shift
    local missing=()
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "== installing: ${missing[*]} ${option}"
        if [ "$(id -u)" -ne 0 ]; then
            echo "error: packages missing (${missing[*]}); run as root or install them with apt-get" >&2
            return 1
        fi
        # One `apt-get update` per run, however many installs follow.
        if [ -z "${STOREGATE_APT_UPDATED:-}" ]; then
            DEBIAN_FRONTEND=noninteractive apt-get update -q
            STOREGATE_APT_UPDATED=1
        fi
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q ${option} "${missing[@]}"
    fi
}

# Swift is not a Debian package: it is expected under /opt/swift or on PATH.
require_swift() {
    if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
        export PATH="$PATH:/opt/swift/usr/bin"
    fi
    if ! command -v swift >/dev/null 2>&1; then
        echo "error: the Swift toolchain (6.2 or newer) is not installed; install it from swift.org to /opt/swift" >&2
        return 1
    fi
}
