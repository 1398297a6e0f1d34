import GRDB

/// A ledger file as the first release of storegate wrote it, for the tests that open old ledgers (migration, the
/// doctor's read-only look).
public enum Version1Ledger {
    /// A ledger as the first release wrote it: schema v1 (as released), GRDB's record of that one migration, and a
    /// store's rows of that era — settings, a trusted key, two codes, one redemption journaled with its outbox row and
    /// idempotency key, a product sale.
    public static func write(at path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
        }
        try queue.write { db in
            for statement in Self.releasedStatements {
                try db.execute(sql: statement)
            }
            try db.execute(sql: "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
            try db.execute(sql: "INSERT INTO grdb_migrations(identifier) VALUES ('v1')")
            try db.execute(sql: """
                INSERT INTO settings(key, value) VALUES ('store_id', 'S1'), ('region', 'EU-DE'),
                    ('gateway_id', '6f1c1e2a-0000-4000-8000-000000000001')
                """)
            try db.execute(sql: """
                INSERT INTO trusted_keys(key_id, public_key, added_ms)
                VALUES ('hq1', '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo', 1700000000000)
                """)
            try db.execute(sql: """
                INSERT INTO codes(id, kind, product, state, last_op, last_prev_state, last_lane, last_operator, last_ms, last_seq)
                VALUES ('01/09506000134352/21/OLD1', 'unit', '09506000134352', 'redeemed', 'redeem', 'issued', 'L1', 'op1',
                        1700000001000, 1),
                       ('01/09506000134352/21/OLD2', 'unit', '09506000134352', 'issued', NULL, NULL, NULL, NULL, NULL, NULL)
                """)
            try db.execute(sql: """
                INSERT INTO journal(seq, event_id, op, code_id, result, reason, lane, operator, role, time_ms, provisional,
                                    details, prev_hash, hash)
                VALUES (1, '018bcfe5-6a28-7000-8000-000000000001', 'redeem', '01/09506000134352/21/OLD1', 'accepted',
                        'redeemed', 'L1', 'op1', 'checkout', 1700000001000, 0, '{}', zeroblob(32), randomblob(32))
                """)
            try db.execute(sql: """
                INSERT INTO outbox(seq, payload, created_ms) VALUES (1, '{"seq":1}', 1700000001000)
                """)
            try db.execute(sql: """
                INSERT INTO idempotency(key, fingerprint, seq, created_ms) VALUES ('pos-1', 'redeem', 1, 1700000001000)
                """)
            try db.execute(sql: "INSERT INTO product_sales(product, sold) VALUES ('09506000134352', 3)")
        }
        try queue.close()
    }

    /// Migration v1 exactly as it was released. Never edit: it stands for ledgers already in stores.
    static let releasedStatements: [String] = [
        """
        CREATE TABLE settings (
            key TEXT PRIMARY KEY NOT NULL,
            value TEXT NOT NULL
        ) WITHOUT ROWID
        """,
        """
        CREATE TABLE campaigns (
            name TEXT PRIMARY KEY NOT NULL,
            starts_ms INTEGER NOT NULL,
            ends_ms INTEGER NOT NULL,
            sold_here_first INTEGER NOT NULL DEFAULT 0 CHECK (sold_here_first IN (0, 1)),
            CHECK (starts_ms < ends_ms)
        ) WITHOUT ROWID
        """,
        """
        CREATE TABLE trusted_keys (
            key_id TEXT PRIMARY KEY NOT NULL,
            public_key TEXT NOT NULL,
            added_ms INTEGER NOT NULL,
            retired_ms INTEGER
        ) WITHOUT ROWID
        """,
        """
        CREATE TABLE codes (
            id TEXT PRIMARY KEY NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('unit', 'logistic_unit')),
            product TEXT,
            lot TEXT,
            expiry TEXT,
            parent TEXT,
            campaign TEXT,
            regions TEXT,
            state TEXT NOT NULL DEFAULT 'issued'
                CHECK (state IN ('issued', 'received', 'sold', 'redeemed', 'revoked')),
            provisional INTEGER NOT NULL DEFAULT 0,
            revoked_reason TEXT,
            last_op TEXT,
            last_prev_state TEXT,
            last_lane TEXT,
            last_operator TEXT,
            last_ms INTEGER,
            last_seq INTEGER
        ) WITHOUT ROWID
        """,
        "CREATE INDEX codes_by_parent ON codes(parent) WHERE parent IS NOT NULL",
        """
        CREATE TABLE journal (
            seq INTEGER PRIMARY KEY NOT NULL,
            event_id TEXT NOT NULL,
            op TEXT NOT NULL,
            code_id TEXT,
            result TEXT NOT NULL,
            reason TEXT NOT NULL,
            lane TEXT NOT NULL,
            operator TEXT NOT NULL,
            role TEXT NOT NULL,
            time_ms INTEGER NOT NULL,
            provisional INTEGER NOT NULL,
            details TEXT NOT NULL,
            prev_hash BLOB NOT NULL,
            hash BLOB NOT NULL
        )
        """,
        """
        CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
        BEGIN SELECT RAISE(ABORT, 'journal is append-only: events cannot be changed'); END
        """,
        """
        CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
        BEGIN SELECT RAISE(ABORT, 'journal is append-only: events cannot be deleted'); END
        """,
        """
        CREATE TABLE outbox (
            seq INTEGER PRIMARY KEY NOT NULL REFERENCES journal(seq),
            payload TEXT NOT NULL,
            created_ms INTEGER NOT NULL,
            delivered_ms INTEGER
        )
        """,
        """
        CREATE TABLE idempotency (
            key TEXT PRIMARY KEY NOT NULL,
            fingerprint TEXT NOT NULL,
            seq INTEGER NOT NULL REFERENCES journal(seq),
            created_ms INTEGER NOT NULL
        ) WITHOUT ROWID
        """,
        """
        CREATE TABLE product_sales (
            product TEXT PRIMARY KEY NOT NULL,
            sold INTEGER NOT NULL
        ) WITHOUT ROWID
        """,
    ]
}
