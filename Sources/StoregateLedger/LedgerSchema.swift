import GRDB

/// The ledger's migrations. Each is named and frozen once shipped: change the schema only by adding a new one.
enum LedgerSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for (name, statements) in [("v1", Self.v1), ("v2", Self.v2), ("v3", Self.v3), ("v4", Self.v4), ("v5", Self.v5), ("v6", Self.v6), ("v7", Self.v7), ("v8", Self.v8)] {
            migrator.registerMigration(name) { db in
                for statement in statements {
                    try db.execute(sql: statement)
                }
            }
        }
        return migrator
    }

    /// Version 1. Tables keyed by text are WITHOUT ROWID so a lookup or insert touches one B-tree, not two;
    /// journal and outbox are keyed by the gap-free sequence number (the rowid), so appends go to the end.
    static let v1: [String] = [
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
        // Receiving a case finds its children through this; partial, so codes without a parent cost nothing.
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

    /// Version 2: the HQ link. Shed telemetry is marked, never deleted (the journal keeps every event and
    /// `ledger check` wants an outbox row per event); the partial index makes "what is still to send" and
    /// "how big is the backlog" cost the backlog, not the whole history. Downlink keys are kept apart from the
    /// code-signing keys: a key that may change policies and revoke codes is not one that signs bottle caps
    /// on a printing line. `downlink_streams` holds, per signed stream, the last sequence applied.
    static let v2: [String] = [
        "ALTER TABLE outbox ADD COLUMN shed_ms INTEGER",
        "CREATE INDEX outbox_pending ON outbox(seq) WHERE delivered_ms IS NULL AND shed_ms IS NULL",
        """
        CREATE TABLE downlink_keys (
            key_id TEXT PRIMARY KEY NOT NULL,
            public_key TEXT NOT NULL,
            added_ms INTEGER NOT NULL,
            retired_ms INTEGER
        ) WITHOUT ROWID
        """,
        """
        CREATE TABLE downlink_streams (
            stream TEXT PRIMARY KEY NOT NULL,
            seq INTEGER NOT NULL,
            payload_hash TEXT NOT NULL,
            applied_ms INTEGER NOT NULL
        ) WITHOUT ROWID
        """,
    ]

    /// Version 3: `ledger show` (a code's history) reads the journal through an index on the code instead of
    /// scanning every event. Partial: malformed scans have no code. It costs every journal append one more B-tree
    /// insert (docs/performance.md has the measured price); an operator asking "what happened to this code?"
    /// on a store's years of journal should get an answer in milliseconds, not a scan of millions of events.
    static let v3: [String] = [
        "CREATE INDEX journal_by_code ON journal(code_id) WHERE code_id IS NOT NULL",
    ]

    /// Version 4: the status's count of shed events reads an index instead of every outbox row. Every status
    /// (connect, heartbeat, `storegate status`) counted them by scanning the whole outbox, delivered rows included:
    /// ~20,000 pages for 200,000 rows, 50–100 ms on the MQTT loop thread each time. Partial: only shed rows, so
    /// appends and delivery marks (shed_ms stays NULL) never touch it.
    static let v4: [String] = [
        "CREATE INDEX outbox_shed ON outbox(seq) WHERE shed_ms IS NOT NULL",
    ]

    /// Version 5: which events' outbox rows were pruned after delivery (or shedding), so `ledger check` can tell a
    /// pruned row, expected on every ledger older than `disk.keep_delivered_days`, from an undelivered event whose
    /// row is lost. One rowid-only row per event (~8 bytes, against ~300 for the outbox row it replaces); a requeue
    /// that rebuilds the row removes it again. Before v5 pruning was the only thing that deleted outbox rows, so
    /// every event without one at migration time was pruned.
    static let v5: [String] = [
        "CREATE TABLE outbox_pruned (seq INTEGER PRIMARY KEY NOT NULL)",
        "INSERT INTO outbox_pruned(seq) SELECT seq FROM journal j WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.seq = j.seq)",
    ]

    /// Version 6: store sales and till access. A basket (`sales`, one row per POS receipt, and its `sale_lines`) is
    /// written with its one `sale` journal event; a return adds to `returned` of the lines it takes back, so a line
    /// can never be returned twice (the CHECK). `api_tokens` holds per-till bearer tokens: only the SHA-256 of the
    /// secret is stored, and a revoked token keeps its row (revocation is final and listed). The first
    /// `sales_summary` starts after the events already in the journal.
    static let v6: [String] = [
        """
        CREATE TABLE sales (
            receipt TEXT PRIMARY KEY NOT NULL,
            seq INTEGER NOT NULL REFERENCES journal(seq),
            lane TEXT NOT NULL,
            operator TEXT NOT NULL,
            currency TEXT,
            time_ms INTEGER NOT NULL
        ) WITHOUT ROWID
        """,
        """
        CREATE TABLE sale_lines (
            receipt TEXT NOT NULL REFERENCES sales(receipt),
            line INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('unit', 'plain', 'reward')),
            code TEXT,
            gtin TEXT,
            campaign TEXT,
            quantity INTEGER NOT NULL CHECK (quantity > 0),
            unit_price INTEGER,
            discount INTEGER NOT NULL DEFAULT 0,
            returned INTEGER NOT NULL DEFAULT 0 CHECK (returned >= 0 AND returned <= quantity),
            PRIMARY KEY (receipt, line)
        ) WITHOUT ROWID
        """,
        "CREATE INDEX sale_lines_by_code ON sale_lines(code) WHERE code IS NOT NULL",
        // The first `sales_summary` covers what happens from now on: HQ already holds the events before it.
        "INSERT INTO settings(key, value) SELECT 'sales_summary_through_seq', COALESCE(MAX(seq), 0) FROM journal",
        """
        CREATE TABLE api_tokens (
            token_id TEXT PRIMARY KEY NOT NULL,
            secret_hash BLOB NOT NULL UNIQUE,
            till TEXT NOT NULL,
            operator TEXT,
            scopes TEXT NOT NULL,
            created_ms INTEGER NOT NULL,
            revoked_ms INTEGER
        ) WITHOUT ROWID
        """,
    ]

    /// Version 7: the downlink epoch, a random id the status and heartbeat carry. It names this ledger's run of
    /// downlink streams: a new ledger gets a new one here, and a ledger found rolled back (restored from a backup)
    /// gets a new one from the daemon, so HQ knows to send its current state again.
    static let v7: [String] = [
        "INSERT INTO settings(key, value) VALUES ('downlink_epoch', lower(hex(randomblob(16))))",
    ]

    /// Version 8: each event names the store and gateway that wrote it (the ledger's identity at the time), inside
    /// its hashed bytes, so HQ can tell an event published on another gateway's topic from a broken chain. Events
    /// written before have neither (NULL), and their bytes, hashes and chain stay exactly as they were.
    static let v8: [String] = [
        "ALTER TABLE journal ADD COLUMN store_id TEXT",
        "ALTER TABLE journal ADD COLUMN gateway_id TEXT",
    ]
}
