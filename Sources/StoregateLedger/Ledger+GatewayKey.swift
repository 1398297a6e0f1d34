import Foundation
import GRDB
public import StoregateTrust

extension Ledger {
    /// This gateway's own Ed25519 key, which signs the journal heads its heartbeats carry (docs/mqtt.md, "Signed
    /// heads"). Made at `ledger init`, or the first time it is asked for on a ledger made before there were such keys;
    /// kept in `settings` beside the gateway id. It proves which gateway a head comes from, not more: whoever can
    /// read the ledger file (root, the `storegate` group) can also rewrite the journal it vouches for.
    public func gatewaySigningKey() throws -> SigningKey {
        let keyID = try self.gatewayID()
        if let text = try self.writer.read({ try String.fetchOne($0, sql: "SELECT value FROM settings WHERE key = ?",
                                                                 arguments: [SettingKey.gatewaySigningKey]) }) {
            return try SigningKey(keyID: keyID, privateKeyText: text)
        }
        let made = SigningKey.generate(keyID: keyID)
        // Another process (the daemon, `ledger init`) may make one at the same moment: the first one stays.
        try self.writer.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO settings(key, value) VALUES (?, ?)",
                           arguments: [SettingKey.gatewaySigningKey, made.privateKeyText])
        }
        let kept = try self.writer.read { try String.fetchOne($0, sql: "SELECT value FROM settings WHERE key = ?",
                                                              arguments: [SettingKey.gatewaySigningKey]) } ?? made.privateKeyText
        return try SigningKey(keyID: keyID, privateKeyText: kept)
    }

    /// The journal's last seq and its hash (seq 0 and the genesis hash when it is empty): a single-row read.
    public func journalHead() throws -> (seq: Int64, hash: [UInt8]) {
        try self.writer.read { try Self.journalHead($0) }
    }

    static func journalHead(_ db: Database) throws -> (seq: Int64, hash: [UInt8]) {
        guard let row = try Row.fetchOne(db, sql: "SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1") else {
            return (0, JournalEvent.genesisHash)
        }
        return (row[0], [UInt8](row[1] as Data))
    }
}
