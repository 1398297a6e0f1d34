import GRDB
import StoregateCore

/// One of the ledger's two key tables — HQ's code-signing keys (`trusted_keys`) and its downlink keys
/// (`downlink_keys`) — and the rules every change to them follows, whoever asks: HQ's signed `keys` message, the
/// config file's bootstrap or an operator's command.
///
/// - A retired key id is never trusted again: retiring a key is how HQ answers a leaked one, and nothing (a config
///   file that still names it, a replayed or mistaken `add`) may bring it back.
/// - A key id names one public key for good: an `add` with a known id and another key is refused (swapping the key
///   behind a trusted id would be invisible in every log that names keys by id); the same key again changes nothing.
struct KeyTable {
    /// The SQL table; one of the two constants below, never outside text.
    private let table: String
    /// What the table's keys are called in errors.
    let noun: String

    static let codeSigning = KeyTable(table: "trusted_keys", noun: "code-signing key")
    static let downlink = KeyTable(table: "downlink_keys", noun: "downlink key")

    /// Trusts `publicKey` under `keyID`, or does nothing if exactly that key is trusted already; throws
    /// `keyRefused` if the id was retired or names another key.
    func add(_ db: Database, keyID: String, publicKey: String, at time: Timestamp) throws {
        let sql = "SELECT public_key, retired_ms FROM \(self.table) WHERE key_id = ?"
        if let row = try Row.fetchOne(db, sql: sql, arguments: [keyID]) {
            if (row[1] as Int64?) != nil {
                throw LedgerError(.keyRefused, "\(self.noun) \(keyID) was retired and a retired key id is never trusted "
                    + "again: give the new key a new id")
            }
            guard (row[0] as String) == publicKey else {
                throw LedgerError(.keyRefused, "\(self.noun) \(keyID) is already trusted with a different public key; a key "
                    + "id names one key for good: give the new key a new id")
            }
            return
        }
        try db.execute(sql: "INSERT INTO \(self.table)(key_id, public_key, added_ms) VALUES (?, ?, ?)",
                       arguments: [keyID, publicKey, time.milliseconds])
    }

    /// Retires the keys named; ids not trusted (unknown or already retired) change nothing. Returns how many went.
    @discardableResult
    func retire(_ db: Database, keyIDs: [String], at time: Timestamp) throws -> Int {
        var retired = 0
        for keyID in keyIDs {
            try db.execute(sql: "UPDATE \(self.table) SET retired_ms = ? WHERE key_id = ? AND retired_ms IS NULL",
                           arguments: [time.milliseconds, keyID])
            retired += db.changesCount
        }
        return retired
    }

    func activeCount(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM \(self.table) WHERE retired_ms IS NULL") ?? 0
    }

    /// No key was ever stored, active or retired.
    func isEmpty(_ db: Database) throws -> Bool {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM \(self.table)") == 0
    }
}
