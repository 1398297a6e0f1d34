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

/// Reads one interrupt IN endpoint with several asynchronous transfers in flight, driven by one event thread.
///
/// The thread is the only one that handles libusb events for this session's context; ``stop()`` wakes it
/// (libusb_interrupt_event_handler) and joins it, after it has cancelled its transfers and waited for them.
final class USBInterruptSession: @unchecked Sendable {
    // Fields below `stopRequested` are touched only on the event thread (transfer callbacks run there), or after
    // join() by the owner.
    private let context: USBContext
    private let handle: USBDeviceHandle
    private let endpoint: UInt8
    private let packetSize: Int
    private let onEvent: @Sendable (USBSessionEvent) -> Void
    private let stopRequested = Atomic<Bool>(false)
    private var transfers: [UnsafeMutablePointer<libusb_transfer>] = []
    private var inFlight = 0
    private var failed: [UnsafeMutablePointer<libusb_transfer>] = []
    private var goneError: USBError?
    private var thread: JoinableThread?

    init(context: USBContext, handle: USBDeviceHandle, interface: USBHIDInterface, transferCount: Int = 4,
         onEvent: @escaping @Sendable (USBSessionEvent) -> Void) {
        self.context = context
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
        // Only free what no longer takes part in libusb's event handling; a transfer that never finished cancelling
        // is leaked rather than freed under libusb's feet.
        guard self.inFlight == 0 else { return }
        for transfer in self.transfers {
            transfer.pointee.buffer.deallocate()
            libusb_free_transfer(transfer)
        }
    }

    /// Submits the transfers and starts the event thread.
    func start() throws(USBError) {
        for transfer in self.transfers {
            try usbCall("starting to read endpoint 0x\(String(self.endpoint, radix: 16))", device: self.handle.device.displayName) {
                libusb_submit_transfer(transfer)
            }
            self.inFlight += 1
        }
        self.thread = JoinableThread { [self] in self.eventLoop() }
    }

    /// Stops reading and joins the event thread; safe to call more than once.
    func stop() {
        self.stopRequested.store(true, ordering: .releasing)
        self.context.interruptEventHandler()
        self.thread?.join()
        self.thread = nil
    }

    private func eventLoop() {
        var lastTick = SourceClock.monotonicNanoseconds()
        while !self.stopRequested.load(ordering: .acquiring) && self.goneError == nil {
            self.context.handleEvents(timeoutMilliseconds: 50)
            let now = SourceClock.monotonicNanoseconds()
            if now - lastTick >= 25_000_000 {
                lastTick = now
                self.onEvent(.tick(SourceClock.now()))
            }
            if !self.failed.isEmpty { self.recoverFailedTransfers() }
            if self.inFlight == 0 && self.goneError == nil && !self.stopRequested.load(ordering: .acquiring) {
                self.goneError = USBError(code: LIBUSB_ERROR_IO.rawValue, operation: "reading reports", device: self.handle.device.displayName)
            }
        }
        for transfer in self.transfers { _ = libusb_cancel_transfer(transfer) }
        var rounds = 0
        while self.inFlight > 0 && rounds < 100 {
            self.context.handleEvents(timeoutMilliseconds: 10)
            rounds += 1
        }
        if let error = self.goneError, !self.stopRequested.load(ordering: .acquiring) {
            self.onEvent(.gone(error))
        }
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
            self.inFlight += 1
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
                self.inFlight -= 1
            } else if libusb_submit_transfer(transfer) != 0 {
                self.inFlight -= 1
                self.failed.append(transfer)
            }
        case LIBUSB_TRANSFER_CANCELLED:
            self.inFlight -= 1
        case LIBUSB_TRANSFER_NO_DEVICE:
            self.inFlight -= 1
            self.goneError = USBError(code: LIBUSB_ERROR_NO_DEVICE.rawValue, operation: "reading reports", device: self.handle.device.displayName)
        default:
            self.inFlight -= 1
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
