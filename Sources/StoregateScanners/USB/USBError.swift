internal import CLibUSB

/// A libusb call that failed: the libusb error code, what was being done, and to which device.
///
/// Match a code with `catch USBError.noDevice` (pattern matching compares ``code``).
public struct USBError: Error, Sendable, CustomStringConvertible {
    /// libusb's error code (negative), e.g. -4 for LIBUSB_ERROR_NO_DEVICE.
    public var code: Int32
    /// What storegate was doing, e.g. `claiming interface 0`.
    public var operation: String
    /// The device, e.g. `USB 0c2e:0b61 at 1-1.2`, when known.
    public var device: String?
    /// Extra detail: the device node, what to do about it.
    public var hint: String?

    public init(code: Int32, operation: String, device: String? = nil, hint: String? = nil) {
        self.code = code
        self.operation = operation
        self.device = device
        self.hint = hint
    }

    public static let accessDenied = USBError(code: LIBUSB_ERROR_ACCESS.rawValue, operation: "")
    public static let noDevice = USBError(code: LIBUSB_ERROR_NO_DEVICE.rawValue, operation: "")
    public static let busy = USBError(code: LIBUSB_ERROR_BUSY.rawValue, operation: "")
    public static let timeout = USBError(code: LIBUSB_ERROR_TIMEOUT.rawValue, operation: "")
    public static let io = USBError(code: LIBUSB_ERROR_IO.rawValue, operation: "")
    public static let notFound = USBError(code: LIBUSB_ERROR_NOT_FOUND.rawValue, operation: "")

    public static func ~= (pattern: USBError, error: any Error) -> Bool {
        (error as? USBError)?.code == pattern.code
    }

    /// libusb's name for the code, e.g. `LIBUSB_ERROR_ACCESS`.
    public var codeName: String { String(cString: libusb_error_name(self.code)) }

    public var description: String {
        var text = self.device.map { "\($0): " } ?? ""
        text += "\(self.operation) failed: \(self.explanation) (\(self.codeName))"
        if let hint = self.hint { text += "; \(hint)" }
        return text
    }

    private var explanation: String {
        switch self.code {
        case LIBUSB_ERROR_ACCESS.rawValue: return "permission denied"
        case LIBUSB_ERROR_NO_DEVICE.rawValue: return "the device is gone (unplugged)"
        case LIBUSB_ERROR_BUSY.rawValue: return "the interface is in use by another program"
        case LIBUSB_ERROR_TIMEOUT.rawValue: return "timed out"
        case LIBUSB_ERROR_NOT_FOUND.rawValue: return "not found"
        case LIBUSB_ERROR_PIPE.rawValue: return "the device refused the request (stall)"
        default: return String(cString: libusb_strerror(self.code))
        }
    }

    /// The fix for a permission problem, spelled out for the technician.
    static let permissionHint =
        "add the udev rule devices/udev/60-storegate.rules (copy to /etc/udev/rules.d, then udevadm control --reload && udevadm trigger) and put the service user in group storegate"
}

/// Runs one libusb call: retries LIBUSB_ERROR_INTERRUPTED, turns a negative result into a ``USBError``.
@discardableResult
func usbCall(_ operation: @autoclosure () -> String, device: String? = nil, _ body: () -> Int32) throws(USBError) -> Int32 {
    while true {
        let result = body()
        if result >= 0 { return result }
        if result == LIBUSB_ERROR_INTERRUPTED.rawValue { continue }
        let hint = result == LIBUSB_ERROR_ACCESS.rawValue ? USBError.permissionHint : nil
        throw USBError(code: result, operation: operation(), device: device, hint: hint)
    }
}
