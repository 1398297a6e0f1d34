import Foundation

/// The human form of the doctor's findings: one line per check (`OK   broker   mqtt://… CONNACK in 3 ms`), and
/// under a warning or failure its details and an indented `fix:` line.
public enum DoctorReport {
    public static func text(_ findings: [DoctorFinding], verbose: Bool) -> String {
        let nameWidth = findings.map(\.check.count).max() ?? 0
        var text = ""
        for finding in findings {
            let label = finding.status.label.padding(toLength: 5, withPad: " ", startingAt: 0)
            let name = finding.check.padding(toLength: nameWidth + 2, withPad: " ", startingAt: 0)
            text += "\(label)\(name)\(finding.summary)\n"
            let indent = String(repeating: " ", count: 5 + nameWidth + 2)
            if verbose || finding.status == .warn || finding.status == .fail {
                for detail in finding.details { text += "\(indent)\(detail)\n" }
            }
            if let fix = finding.fix, finding.status == .warn || finding.status == .fail { text += "\(indent)fix: \(fix)\n" }
        }
        let failed = findings.filter { $0.status == .fail }.count
        let warned = findings.filter { $0.status == .warn }.count
        text += failed + warned == 0 ? "all checks passed\n" : "\(failed) failed, \(warned) warning(s)\n"
        return text
    }
}
