import GRDB
public import StoregateCore
public import StoregateTrust

/// One HQ public key as the ledger stores it.
public struct TrustedKeyInfo: Sendable, Equatable {
    public var keyID: String
    /// base64url raw Ed25519 public key.
    public var publicKey: String
    public var added: Timestamp
    /// When HQ retired the key; retired keys no longer prove issuance.
    public var retired: Timestamp?
}

extension Ledger {
    /// Trusts an HQ code-signing public key (`storegate ledger keys add`). The key text is checked before it is
    /// stored; the ``KeyTable`` rules apply: a retired key id is refused, so is another key behind a known id, and
    /// the same key again changes nothing.
    public func addTrustedKey(keyID: String, publicKey: String, at time: Timestamp) throws {
        guard !keyID.isEmpty else { throw LedgerError(.invalidValue, "key id must not be empty") }
        do {
            _ = try TrustedKeys(publicKeys: [keyID: publicKey])
        } catch {
            throw LedgerError(.invalidValue, error.message)
        }
        defer { self.keyRing.invalidate() }
        try self.writer.write { db in try KeyTable.codeSigning.add(db, keyID: keyID, publicKey: publicKey, at: time) }
    }

    /// Retires a key: codes signed with it no longer verify. Returns false if there is no such key.
    @discardableResult
    public func retireTrustedKey(keyID: String, at time: Timestamp) throws -> Bool {
        defer { self.keyRing.invalidate() }
        return try self.writer.write { db in try KeyTable.codeSigning.retire(db, keyIDs: [keyID], at: time) > 0 }
    }

    public func trustedKeyList() throws -> [TrustedKeyInfo] {
        try self.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT key_id, public_key, added_ms, retired_ms FROM trusted_keys ORDER BY key_id").map { row in
                TrustedKeyInfo(keyID: row[0], publicKey: row[1], added: Timestamp(milliseconds: row[2]),
                               retired: (row[3] as Int64?).map(Timestamp.init(milliseconds:)))
            }
        }
    }

    /// The key ring for checking code signatures, kept in memory until the keys change (``trustedKeys()`` reads the
    /// table every time). This is what every operation checks its code's signature with. Costs one
    /// `PRAGMA data_version` on the writer (no disk access), which tells whether another process committed.
    public func currentTrustedKeys() throws -> TrustedKeys {
        try self.keyRing.value(dataVersion: self.writerDataVersion()) { try self.trustedKeys() }
    }

    /// The writer's `PRAGMA data_version`: it moves whenever another connection (another process) commits.
    func writerDataVersion() throws -> Int64 {
        try self.writer.writeWithoutTransaction { db in
            let pragma = try self.statements.forTransaction(db).dataVersion
            defer { pragma.reset() }
            return try pragma.step() ? pragma.int64(0) ?? 0 : 0
        }
    }

    /// The key ring for checking code signatures, read from the table: every key not retired.
    public func trustedKeys() throws -> TrustedKeys {
        var keys: [String: String] = [:]
        for info in try self.trustedKeyList() where info.retired == nil {
            keys[info.keyID] = info.publicKey
        }
        do {
            return try TrustedKeys(publicKeys: keys)
        } catch {
            throw LedgerError(.invalidValue, "the ledger's trusted keys table holds a bad key: \(error.message)")
        }
    }
}
