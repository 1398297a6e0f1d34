import Foundation
import Logging
import StoregateContract
import StoregateLedger

extension Daemon {
    /// A ledger restored from a backup has its downlink streams rolled back: HQ's messages since the backup are
    /// gone, and old ones would apply again. The status file the previous run left says where the streams stood
    /// under which epoch; if the ledger is behind that under the same epoch, it gets a new epoch, and the status
    /// tells HQ to send its current state again. (A status file restored with the ledger cannot show this.)
    static func renewDownlinkEpochIfRolledBack(_ ledger: Ledger, statusFile: String, logger: Logger) {
        guard let bytes = FileManager.default.contents(atPath: statusFile),
              let status = try? HQJSON.decode(GatewayStatus.self, from: [UInt8](bytes)),
              let epoch = status.downlinkEpoch, let streams = status.downlinkStreams else { return }
        do {
            let seen = Dictionary(streams.map { ($0.stream, $0.seq) }, uniquingKeysWith: max)
            if let renewed = try ledger.renewDownlinkEpochIfRolledBack(seenEpoch: epoch, seenStreams: seen) {
                logger.warning("""
                    the ledger's downlink streams are behind what this gateway applied before (\(statusFile)): \
                    restored from a backup? New downlink epoch \(renewed), so HQ sends its current state again
                    """)
            }
        } catch {
            logger.error("cannot check the downlink streams against \(statusFile): \(error)")
        }
    }
}
