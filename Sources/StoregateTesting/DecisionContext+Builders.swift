public import StoregateCore

extension DecisionContext {
    /// A context for tests: lane "1", operator "alice", a service lane, at a fixed instant.
    public static func test(
        lane: String = "1",
        operator: String = "alice",
        role: LaneRole = .service,
        time: Timestamp = .testNow
    ) -> DecisionContext {
        DecisionContext(lane: lane, operator: `operator`, role: role, time: time)
    }
}

extension Timestamp {
    /// 2026-03-01 12:00:00 UTC: a fixed "now" for tests.
    public static let testNow = Timestamp(milliseconds: 1_772_366_400_000)

    public func adding(days: Int64 = 0, minutes: Int64 = 0) -> Timestamp {
        Timestamp(milliseconds: self.milliseconds + days * 86_400_000 + minutes * 60_000)
    }
}
