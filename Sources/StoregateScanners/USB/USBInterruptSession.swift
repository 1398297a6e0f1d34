internal import CLibUSB
import Synchronization
#if canImport(Glibc)
internal import Glibc
#endif
import StoregateCore

/// What a ``USBInterruptSession`` hands to async code.
enum USBSessionEvent: Sendable {
    /// A report with its arrival time (zero-length reads are never reported).
    case report([UInt8], Timestamp)
    /// Time passed (every ~25 ms while nothing else happens), so inter-key timeouts can fire.
    case tick(Timestamp)
    /// The device went away or stopped answering; the session is over.
    case gone(USBError)
}

/// Reads one interrupt IN endpoint with several asynchronous transfers in flight, on a ``USBEventThread``.
///
/// Every libusb call on the transfers (submit, resubmit, cancel) happens on the event thread, in the transfer
/// callbacks or in the work the session attaches there, so they never race. ``stop()`` asks that work to cancel the
/// transfers and waits until libusb has handed every one back.
final class USBInterruptSession: @unchecked Sendable {
    // `inFlight` and `stopRequested` are atomics read by stop(); every other var is touched only on the event thread
    // (transfer callbacks and the attached work run there), or in deinit.
    private let events: USBEventThread
    private let handle: USBDeviceHandle
    private let endpoint: UInt8
    private let packetSize: Int
    private let onEvent: @Sendable (USBSessionEvent) -> Void
    private let stopRequested = Atomic<Bool>(false)
    private let inFlight = Atomic<Int>(0)
    private var transfers: [UnsafeMutablePointer<libusb_transfer>] = []
    private var submitted = false
    private var cancelled = false
    private var failed: [UnsafeMutablePointer<libusb_transfer>] = []
    private var goneError: USBError?
    private var goneReported = false
    private var lastTick: Int64 = 0

    init(events: USBEventThread, handle: USBDeviceHandle, interface: USBHIDInterface, transferCount: Int = 4,
         onEvent: @escaping @Sendable (USBSessionEvent) -> Void) {
        self.events = events
        self.handle = handle
        self.endpoint = interface.endpoint
        self.packetSize = max(8, interface.maxPacketSize)
        self.onEvent = onEvent
        for _ in 0..<max(1, transferCount) {
            guard let transfer = libusb_alloc_transfer(0) else { continue }
            let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: self.packetSize)
            libusb_fill_interrupt_transfer(transfer, handle.pointer, self.endpoint, buffer, Int32(self.packetSize),
                                           usbTransferCompleted, Unmanaged.passUnretained(self).toOpaque(), 0)
            self.transfers.append(transfer)
        }
    }

    deinit {
        for transfer in self.transfers {
            transfer.pointee.buffer.deallocate()
            libusb_free_transfer(transfer)
        }
    }

    /// Starts reading: the event thread submits the transfers in its next round.
    func start() {
        self.events.attach { [self] in self.round() }
    }

    /// Stops reading and waits until libusb has handed back every transfer; safe to call more than once.
    func stop() {
        self.stopRequested.store(true, ordering: .releasing)
        self.events.wake()
        // Cancelled transfers come back within milliseconds; 2 s covers a loaded machine.
        var waited = 0
        while self.inFlight.load(ordering: .acquiring) > 0 && waited < 2_000 {
            usleep(1_000)
            waited += 1
        }
        self.events.detach()
        if self.inFlight.load(ordering: .acquiring) > 0 {
            // libusb still owns a transfer whose callback points at this session: never free it under libusb's feet.
            _ = Unmanaged.passRetained(self)
        }
    }

    /// The session's share of each event-thread round.
    private func round() {
        if self.stopRequested.load(ordering: .acquiring) {
            if !self.cancelled {
                self.cancelled = true
                for transfer in self.transfers { _ = libusb_cancel_transfer(transfer) }
            }
            return
        }
        if !self.submitted {
            self.submitted = true
            for transfer in self.transfers { self.submit(transfer) }
            if let error = self.goneError {
                self.reportGone(error)
                return
            }
        }
        let now = SourceClock.monotonicNanoseconds()
        if now - self.lastTick >= 25_000_000 {
            self.lastTick = now
            self.onEvent(.tick(SourceClock.now()))
        }
        if !self.failed.isEmpty { self.recoverFailedTransfers() }
        if self.goneError == nil && self.inFlight.load(ordering: .acquiring) == 0 {
            self.goneError = USBError(code: LIBUSB_ERROR_IO.rawValue, operation: "reading reports", device: self.handle.device.displayName)
        }
        if let error = self.goneError { self.reportGone(error) }
    }

    private func submit(_ transfer: UnsafeMutablePointer<libusb_transfer>) {
        self.inFlight.add(1, ordering: .acquiringAndReleasing)
        let result = libusb_submit_transfer(transfer)
        guard result != 0 else { return }
        self.inFlight.subtract(1, ordering: .acquiringAndReleasing)
        if self.goneError == nil {
            self.goneError = USBError(code: result, operation: "starting to read endpoint 0x\(String(self.endpoint, radix: 16))",
                                      device: self.handle.device.displayName)
        }
    }

    private func reportGone(_ error: USBError) {
        guard !self.goneReported else { return }
        self.goneReported = true
        self.onEvent(.gone(error))
    }

    /// A transfer failed with something other than "no device": unplugging often shows first as an I/O error, so
    /// ask the device (GET_STATUS) whether it is still there before giving up on it.
    private func recoverFailedTransfers() {
        let failed = self.failed
        self.failed = []
        if self.handle.isGone() {
            self.goneError = USBError(code: LIBUSB_ERROR_NO_DEVICE.rawValue, operation: "reading reports", device: self.handle.device.displayName)
            return
        }
        for transfer in failed where libusb_submit_transfer(transfer) == 0 {
            self.inFlight.add(1, ordering: .acquiringAndReleasing)
        }
    }

    /// Called on the event thread by libusb for each finished transfer.
    fileprivate func completed(_ transfer: UnsafeMutablePointer<libusb_transfer>) {
        switch transfer.pointee.status {
        case LIBUSB_TRANSFER_COMPLETED, LIBUSB_TRANSFER_TIMED_OUT:
            let length = Int(transfer.pointee.actual_length)
            // The gadget kernel (and some scanners) end a full-packet report with a zero-length packet: skip it.
            if length > 0 {
                let bytes = Array(UnsafeBufferPointer(start: transfer.pointee.buffer, count: min(length, self.packetSize)))
                self.onEvent(.report(bytes, SourceClock.now()))
            }
            if self.stopRequested.load(ordering: .acquiring) || self.goneError != nil {
                self.inFlight.subtract(1, ordering: .acquiringAndReleasing)
            } else if libusb_submit_transfer(transfer) != 0 {
                self.inFlight.subtract(1, ordering: .acquiringAndReleasing)
                self.failed.append(transfer)
            }
        case LIBUSB_TRANSFER_CANCELLED:
            self.inFlight.subtract(1, ordering: .acquiringAndReleasing)
        case LIBUSB_TRANSFER_NO_DEVICE:
            self.inFlight.subtract(1, ordering: .acquiringAndReleasing)
            self.goneError = USBError(code: LIBUSB_ERROR_NO_DEVICE.rawValue, operation: "reading reports", device: self.handle.device.displayName)
        default:
            self.inFlight.subtract(1, ordering: .acquiringAndReleasing)
            self.failed.append(transfer)
        }
    }
}

/// libusb's completion callback: a plain C function (a capturing closure cannot be one), finding its session
/// through `user_data`.
private let usbTransferCompleted: libusb_transfer_cb_fn = { transfer in
    guard let transfer, let userData = transfer.pointee.user_data else { return }
    Unmanaged<USBInterruptSession>.fromOpaque(userData).takeUnretainedValue().completed(transfer)
}
