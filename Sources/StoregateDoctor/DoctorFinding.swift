/// What one check of `storegate doctor` found: a status, one line of evidence, more lines when there is more to
/// say, and for a warning or failure what to do about it.
public struct DoctorFinding: Sendable, Encodable {
    public enum Status: String, Sendable, Encodable {
        case ok, warn, fail
        /// The check could not run here and says why (no systemd on a dev box, no ledger to read a backlog from).
        case skip

        /// `OK`, `WARN`, `FAIL`, `SKIP`: the first column of the human output.
        public var label: String { self.rawValue.uppercased() }
    }

    public var check: String
    public var status: Status
    public var summary: String
    public var details: [String] = []
    /// A command to run or a config key to change; nil when there is nothing to fix.
    public var fix: String?

    static func ok(_ check: String, _ summary: String, details: [String] = []) -> DoctorFinding {
        DoctorFinding(check: check, status: .ok, summary: summary, details: details)
    }

    static func warn(_ check: String, _ summary: String, details: [String] = [], fix: String) -> DoctorFinding {
        DoctorFinding(check: check, status: .warn, summary: summary, details: details, fix: fix)
    }

    static func fail(_ check: String, _ summary: String, details: [String] = [], fix: String) -> DoctorFinding {
        DoctorFinding(check: check, status: .fail, summary: summary, details: details, fix: fix)
    }

    static func skip(_ check: String, _ summary: String) -> DoctorFinding {
        DoctorFinding(check: check, status: .skip, summary: summary)
    }

    // `fix` is written as null when there is none, so every object has the same five keys.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.check, forKey: .check)
        try container.encode(self.status, forKey: .status)
        try container.encode(self.summary, forKey: .summary)
        try container.encode(self.details, forKey: .details)
        try container.encode(self.fix, forKey: .fix)
    }

    private enum CodingKeys: String, CodingKey {
        case check, status, summary, details, fix
    }
}
