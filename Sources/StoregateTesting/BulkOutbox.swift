import Foundation

/// Writes a large backlog straight into a ledger file with sqlite3 (much faster than one transaction per event):
/// journal rows and their outbox twins with realistic payload sizes.
public enum BulkOutbox {
    public static func fill(ledgerPath: String, count: Int) throws {
        let sql = """
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(count))
            INSERT INTO journal(seq, event_id, op, code_id, result, reason, lane, operator, role, time_ms, provisional, details, prev_hash, hash)
            SELECT i, printf('0190c0de-0000-7000-8000-%012d', i), CASE WHEN i % 3 = 0 THEN 'verify' ELSE 'redeem' END,
                   printf('01/09506000134352/21/B%d', i), 'accepted', 'Redeemed.', '1', 'alice', 'checkout',
                   1772366400000 + i, 0, '{}', zeroblob(32), zeroblob(32) FROM n;
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(count))
            INSERT INTO outbox(seq, payload, created_ms)
            SELECT i, printf('{"v":1,"seq":%d,"event_id":"0190c0de-0000-7000-8000-%012d","op":"redeem","code":"01/09506000134352/21/B%d","result":"accepted","reason":"Redeemed.","lane":"1","operator":"alice","role":"checkout","time_ms":%d,"provisional":false,"details":{"state":"sold"},"prev_hash":"%s"}',
                          i, i, i, 1772366400000 + i, hex(zeroblob(32))), 1772366400000 + i FROM n;
            """
        let process = try ChildProcess(executable: "sqlite3", arguments: [ledgerPath, sql])
        guard process.wait(seconds: 120) == 0 else { throw ChildProcess.SpawnError(message: "sqlite3 bulk insert failed (exit \(process.exitCode ?? -1))") }
    }
}
