import GRDB
import StoregateCore

extension Ledger {
    /// Applies HQ's signed `keys` message inside its downlink transaction: adds first (so a message may bring a
    /// code key's successor and retire the old one together), then retirements. Throws `keyRefused` — and the
    /// transaction, stream sequence included, rolls back — when the message would:
    /// - retire the downlink key that signed it: a leaked key could otherwise cut HQ's real keys off by retiring
    ///   them and itself, and a rotation is two messages anyway (the old key adds the new one, the new one retires
    ///   the old);
    /// - leave no active downlink key: no later message could ever be verified, and only a technician at the box
    ///   could bring the store back;
    /// - break a ``KeyTable`` rule (a retired id again, another key behind a known id).
    /// Code-signing keys may all be retired: a store without one still accepts registered codes, and a key leaked
    /// from a printing line must be able to go before its successor exists.
    static func writeKeys(_ keys: DownlinkChange.Keys, db: Database, at time: Timestamp) throws {
        if let signer = keys.signedBy, keys.retireDownlinkKeys.contains(signer) {
            throw LedgerError(.keyRefused, "downlink key \(signer) signed this message and cannot retire itself: add its "
                + "successor first, then retire \(signer) in a message the successor signs")
        }
        for (keyID, publicKey) in keys.addCodeKeys.sorted(by: { $0.key < $1.key }) {
            try KeyTable.codeSigning.add(db, keyID: keyID, publicKey: publicKey, at: time)
        }
        try KeyTable.codeSigning.retire(db, keyIDs: keys.retireCodeKeys, at: time)
        for (keyID, publicKey) in keys.addDownlinkKeys.sorted(by: { $0.key < $1.key }) {
            try KeyTable.downlink.add(db, keyID: keyID, publicKey: publicKey, at: time)
        }
        if !keys.retireDownlinkKeys.isEmpty {
            try KeyTable.downlink.retire(db, keyIDs: keys.retireDownlinkKeys, at: time)
            guard try KeyTable.downlink.activeCount(db) > 0 else {
                throw LedgerError(.keyRefused, "retiring downlink key(s) \(keys.retireDownlinkKeys.joined(separator: ", ")) "
                    + "would leave no active downlink key, and no later message could be verified: keep at least one")
            }
        }
    }
}
