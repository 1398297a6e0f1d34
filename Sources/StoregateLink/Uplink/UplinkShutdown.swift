/// The uplink's graceful shutdown as a small state machine: running; then, once asked to stop while connected,
/// finishing — waiting up to a deadline for the PUBACKs of what is in flight and of the offline status; then done.
struct UplinkShutdown {
    private enum Phase {
        case running
        case finishing(deadline: ContinuousClock.Instant, offlineStatus: Int32?)
        case done
    }

    private var phase = Phase.running
    private let flush: Duration

    init(flushMilliseconds: Int) {
        self.flush = .milliseconds(flushMilliseconds)
    }

    var isRunning: Bool { if case .running = self.phase { true } else { false } }
    var isDone: Bool { if case .done = self.phase { true } else { false } }
    var isFinishing: Bool { if case .finishing = self.phase { true } else { false } }

    /// Starts waiting for the PUBACKs: of what is in flight, and of the offline status (`offlineStatus`, its message id).
    mutating func beginFinishing(offlineStatus: Int32?, now: ContinuousClock.Instant = .now) {
        self.phase = .finishing(deadline: now + self.flush, offlineStatus: offlineStatus)
    }

    /// While finishing, whether to complete now: the connection is gone, the deadline passed, or nothing (not even
    /// the offline status) is waiting for its PUBACK any more.
    func shouldComplete(connected: Bool, windowEmpty: Bool, awaitingAcknowledgement: (Int32) -> Bool,
                        now: ContinuousClock.Instant = .now) -> Bool {
        guard case .finishing(let deadline, let offlineStatus) = self.phase else { return false }
        let offlinePending = offlineStatus.map(awaitingAcknowledgement) ?? false
        return !connected || now >= deadline || (windowEmpty && !offlinePending)
    }

    /// Nothing more happens on the uplink (shut down, or stopped by a ledger failure).
    mutating func finish() {
        self.phase = .done
    }
}
