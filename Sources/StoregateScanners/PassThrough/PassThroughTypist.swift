import Dispatch
#if canImport(Glibc)
internal import Glibc
#endif
import StoregateCore
import Synchronization

/// Types accepted scans on one virtual keyboard (keyboard pass-through), one scan after another on a queue of its
/// own: scans from several lanes never interleave, and the scan pipeline never waits for the keys (it hands the
/// chords over and goes on). Each report (a key going down or up, then `SYN_REPORT`) is followed by `keyDelay`, so
/// a reader with the kernel's 64-event buffer per client keeps up.
///
/// The keyboard is created when the typist starts; if that fails (no uinput module, no permission) the reason is
/// reported and creation is tried again at the next scan, at most every 5 s; scans meanwhile are counted as failed.
public final class PassThroughTypist: Sendable {
    public struct Counters: Sendable, Hashable {
        /// Scans typed whole.
        public var typed = 0
        /// Scans not typed because the keyboard could not be created or written (the write failed part way: the
        /// till may have seen part of it, which is reported).
        public var failed = 0
        /// Scans not typed because more than ``PassThroughTypist/maxPending`` were waiting.
        public var dropped = 0

        public init(typed: Int = 0, failed: Int = 0, dropped: Int = 0) {
            self.typed = typed
            self.failed = failed
            self.dropped = dropped
        }
    }

    /// Scans waiting to be typed beyond which a new one is dropped (and reported): typing is far faster than
    /// scanning, so a queue this long means the keyboard is stuck.
    public static let maxPending = 32
    static let retryInterval = Duration.seconds(5)

    private let queue = DispatchQueue(label: "storegate.pass-through")
    private let makeSink: @Sendable () throws(DeviceFileError) -> any KeyEventSink
    private let onStatus: @Sendable (String) -> Void
    private let state = Mutex<(sink: (any KeyEventSink)?, lastAttempt: ContinuousClock.Instant?, counters: Counters)>((nil, nil, Counters()))
    private let pending = Atomic<Int>(0)

    /// - Parameters:
    ///   - makeSink: creates the keyboard (``UInputKeyboard``), called on the typing queue.
    ///   - onStatus: one line per event worth a log line (created, failed, dropped).
    public init(makeSink: @escaping @Sendable () throws(DeviceFileError) -> any KeyEventSink,
                onStatus: @escaping @Sendable (String) -> Void) {
        self.makeSink = makeSink
        self.onStatus = onStatus
        self.queue.async { _ = self.sink() }
    }

    /// A typist on a new uinput keyboard.
    public static func uinput(path: String = UInputKeyboard.defaultPath, onStatus: @escaping @Sendable (String) -> Void) -> PassThroughTypist {
        PassThroughTypist(makeSink: { () throws(DeviceFileError) -> any KeyEventSink in
            let keyboard = try UInputKeyboard(path: path)
            onStatus("pass-through keyboard created: \(keyboard.name) (\(keyboard.eventNode ?? "no event node seen"))")
            return keyboard
        }, onStatus: onStatus)
    }

    public var counters: Counters { self.state.withLock { $0.counters } }

    /// Queues `chords` to be typed; returns at once. False when the scan was dropped (too many waiting) or its keys
    /// have no Linux key code (never for chords from ``PassThroughFormat``).
    @discardableResult
    public func type(_ chords: [KeyChord], lane: String, keyDelay: Duration) -> Bool {
        guard let events = EvdevKeyboardState.events(typing: chords) else {
            self.count { $0.failed += 1 }
            self.onStatus("lane \(lane): pass-through: not typed: a key has no Linux key code")
            return false
        }
        guard self.pending.add(1, ordering: .relaxed).newValue <= Self.maxPending else {
            self.pending.subtract(1, ordering: .relaxed)
            self.count { $0.dropped += 1 }
            self.onStatus("lane \(lane): pass-through: not typed: \(Self.maxPending) scans are already waiting to be typed")
            return false
        }
        self.queue.async {
            defer { self.pending.subtract(1, ordering: .relaxed) }
            self.send(events, lane: lane, keyDelay: keyDelay)
        }
        return true
    }

    /// Waits until what is queued has been typed (at most `timeout`), e.g. at shutdown.
    public func drain(timeout: Duration = .seconds(5)) {
        let group = DispatchGroup()
        group.enter()
        self.queue.async { group.leave() }
        let (seconds, attoseconds) = timeout.components
        _ = group.wait(timeout: .now() + .nanoseconds(Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)))
    }

    private func count(_ change: (inout Counters) -> Void) {
        self.state.withLock { change(&$0.counters) }
    }

    /// The keyboard, created now if it is missing and the last attempt is old enough. On the queue only.
    private func sink() -> (any KeyEventSink)? {
        let now = ContinuousClock.now
        let attempt: Bool = self.state.withLock { state in
            guard state.sink == nil else { return false }
            if let last = state.lastAttempt, now - last < Self.retryInterval { return false }
            state.lastAttempt = now
            return true
        }
        if attempt {
            do throws(DeviceFileError) {
                let sink = try self.makeSink()
                self.state.withLock { $0.sink = sink }
            } catch {
                self.onStatus("pass-through keyboard cannot be created: \(error)")
            }
        }
        return self.state.withLock { $0.sink }
    }

    private func send(_ events: [EvdevKeyEvent], lane: String, keyDelay: Duration) {
        guard let sink = self.sink() else {
            self.count { $0.failed += 1 }
            self.onStatus("lane \(lane): pass-through: not typed: no virtual keyboard")
            return
        }
        var report: [EvdevKeyEvent] = []
        var sent = 0
        for event in events {
            report.append(event)
            guard event == .synchronize else { continue }
            do throws(DeviceFileError) {
                try sink.send(report)
            } catch {
                // Keys may be left down: release every key of the scan so the till's keyboard is not stuck.
                self.releaseAll(events, on: sink)
                self.count { $0.failed += 1 }
                self.onStatus("lane \(lane): pass-through: typing failed after \(sent) of \(events.count) key events (the till may have part of the scan): \(error)")
                self.state.withLock { $0.sink = nil }
                return
            }
            sent += report.count
            report.removeAll(keepingCapacity: true)
            if keyDelay > .zero { Self.sleep(keyDelay) }
        }
        self.count { $0.typed += 1 }
    }

    private func releaseAll(_ events: [EvdevKeyEvent], on sink: any KeyEventSink) {
        var codes: Set<UInt16> = []
        for case .key(let code, true) in events { codes.insert(code) }
        try? sink.send(codes.sorted().map { .key(code: $0, pressed: false) } + [.synchronize])
    }

    private static func sleep(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}
