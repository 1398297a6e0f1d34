#if canImport(Glibc)
internal import Glibc
#endif
import StoregateCore

/// A virtual keyboard made with `/dev/uinput` (linux/uinput.h): to the till's programs it is one more keyboard, and
/// what storegate writes to it arrives as keystrokes. Created with the keys typing uses (``EvdevKeyboardState``'s
/// table and the modifiers), no autorepeat; destroyed when this is.
public final class UInputKeyboard: KeyEventSink, Sendable {
    public static let defaultPath = "/dev/uinput"
    /// The name the device shows (`/sys/class/input/eventN/device/name`, `evtest`, `xinput`).
    public let name: String
    /// The device's evdev node, `/dev/input/eventN`, when sysfs shows it.
    public let eventNode: String?
    private let descriptor: Int32

    /// ioctl requests of linux/uinput.h: `_IOW('U', 100, int)`, `_IOW('U', 101, int)`, `_IOW('U', 3, struct
    /// uinput_setup)` (92 bytes), `_IO('U', 1)`, `_IO('U', 2)`, `_IOC(_IOC_READ, 'U', 44, 64)`.
    static let setEventBit: UInt = 0x4004_5564
    static let setKeyBit: UInt = 0x4004_5565
    static let deviceSetup: UInt = 0x405C_5503
    static let deviceCreate: UInt = 0x5501
    static let deviceDestroy: UInt = 0x5502
    static let getSystemName64: UInt = 0x8040_552C
    /// `BUS_VIRTUAL`.
    static let virtualBus: UInt16 = 0x06

    /// Opens `path` and creates the device. Fails with the reason (no uinput module, no permission) when it cannot.
    public init(path: String = UInputKeyboard.defaultPath, name: String = "storegate pass-through") throws(DeviceFileError) {
        let descriptor = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            var error = DeviceFileError.opening(path, errno: code, group: "input")
            if code == ENOENT { error.hint = "load the uinput module (modprobe uinput; /etc/modules-load.d/uinput.conf)" }
            if code == EACCES || code == EPERM { error.hint = "give the service user write access to /dev/uinput (docs/scanners.md, keyboard pass-through)" }
            throw error
        }
        func fail(_ operation: String) -> DeviceFileError {
            let error = DeviceFileError(path: path, operation: operation, errno: errno)
            close(descriptor)
            return error
        }
        guard ioctl(descriptor, Self.setEventBit, CInt(InputEvent.key)) == 0 else { throw fail("UI_SET_EVBIT") }
        for code in EvdevKeyboardState.typingKeyCodes {
            guard ioctl(descriptor, Self.setKeyBit, CInt(code)) == 0 else { throw fail("UI_SET_KEYBIT") }
        }
        var setup = Self.setupBytes(name: name)
        guard setup.withUnsafeMutableBytes({ ioctl(descriptor, Self.deviceSetup, $0.baseAddress!) }) == 0 else { throw fail("UI_DEV_SETUP") }
        guard ioctl(descriptor, Self.deviceCreate) == 0 else { throw fail("UI_DEV_CREATE") }
        self.descriptor = descriptor
        self.name = name
        var system = [UInt8](repeating: 0, count: 64)
        if system.withUnsafeMutableBytes({ ioctl(descriptor, Self.getSystemName64, $0.baseAddress!) }) >= 0 {
            let sysname = String(decoding: system.prefix { $0 != 0 }, as: UTF8.self)
            let node = DirectoryListing.names(in: "/sys/devices/virtual/input/\(sysname)").first { $0.hasPrefix("event") }
            self.eventNode = node.map { "/dev/input/" + $0 }
        } else {
            self.eventNode = nil
        }
    }

    deinit {
        _ = ioctl(self.descriptor, Self.deviceDestroy)
        close(self.descriptor)
    }

    /// `struct uinput_setup`: `struct input_id` (bus, vendor, product, version), `char name[80]`, `ff_effects_max`.
    static func setupBytes(name: String) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 92)
        bytes[0] = UInt8(Self.virtualBus)
        bytes[6] = 1  // version 1
        for (index, byte) in name.utf8.prefix(79).enumerated() { bytes[8 + index] = byte }
        return bytes
    }

    /// Writes `events` in one `write` (a report: key events and the `SYN_REPORT` after them).
    public func send(_ events: [EvdevKeyEvent]) throws(DeviceFileError) {
        try Self.write(events.flatMap { InputEvent($0).bytes }, to: self.descriptor, path: self.name)
    }

    /// Writes all of `bytes` (an event is written whole or not at all by the kernel).
    static func write(_ bytes: [UInt8], to descriptor: Int32, path: String) throws(DeviceFileError) {
        while true {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written == bytes.count { return }
            if written < 0 && errno == EINTR { continue }
            throw DeviceFileError(path: path, operation: "writing a key event", errno: written < 0 ? errno : EIO)
        }
    }
}

/// Where typed key events go: the uinput keyboard, or a test's recorder.
public protocol KeyEventSink: AnyObject, Sendable {
    func send(_ events: [EvdevKeyEvent]) throws(DeviceFileError)
}
