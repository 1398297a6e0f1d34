import Foundation
import StoregateDaemon
import StoregateLedger

/// Check 3: free space on the ledger's filesystem against `disk.low_space_mib`, and the disk reserve
/// (`<db>.reserve`, `disk.reserve_mib`) that lets redemptions commit on a full disk (docs/disk.md).
struct DiskCheck: DoctorCheck {
    let name = "disk"

    func run(_ context: DoctorContext) -> DoctorFinding {
        let path = context.configuration.databasePath
        let parent = (path as NSString).deletingLastPathComponent
        let directory = parent.isEmpty ? "." : parent
        guard let free = DiskSpace.available(at: directory) else {
            return .fail(self.name,
                         "cannot read the free space of \(directory): the ledger's directory does not exist or cannot be read",
                         fix: "create it for the service user: install -d -m 0750 -o storegate -g storegate \(directory)")
        }
        let disk = context.configuration.disk
        let lowSpace = disk.lowSpaceBytes
        var warnings: [String] = []
        var fixes: [String] = []
        var failed = false
        let space = "\(free >> 20) MiB free on \(directory) (low-space threshold disk.low_space_mib = \(lowSpace >> 20) MiB)"
        if free < lowSpace {
            failed = true
            warnings.append("below disk.low_space_mib: verifies are answered but not journaled")
            fixes.append("free space on that filesystem (e.g. `journalctl --vacuum-size=100M`, old backups)")
        } else if free < 2 * lowSpace {
            warnings.append("less than twice disk.low_space_mib")
            fixes.append("free space on that filesystem before storegate starts shedding telemetry")
        }
        let reserve = DiskReserve(ledgerPath: path, bytes: disk.reserveBytes)
        let reserveText: String
        if disk.reserveBytes == 0 {
            reserveText = "no disk reserve (disk.reserve_mib = 0)"
            warnings.append("without a reserve a full disk refuses redemptions")
            fixes.append("set disk.reserve_mib (default 64)")
        } else if reserve.isHeld {
            reserveText = "reserve \(reserve.path) held (\(disk.reserveBytes >> 20) MiB)"
        } else {
            reserveText = "reserve \(reserve.path) (\(disk.reserveBytes >> 20) MiB) not held"
            warnings.append("the reserve is what a full disk gives back so redemptions still commit")
            fixes.append("start storegate: it takes the reserve at start and every 5 s once free space exceeds "
                + "reserve + low-space threshold")
        }
        let summary = "\(space); \(reserveText)"
        if warnings.isEmpty { return .ok(self.name, summary) }
        return DoctorFinding(check: self.name, status: failed ? .fail : .warn, summary: summary, details: warnings,
                             fix: fixes.joined(separator: "; "))
    }
}
