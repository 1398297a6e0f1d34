/// The schema of HQ's database, as numbered migrations. A migration never changes once released: a database built
/// from migration 1 and migrated forward equals one built today (HQMigrationTests). Add a new one instead.
public enum HQMigrations {
    public struct Migration: Sendable {
        public var version: Int
        public var name: String
        public var statements: [String]
    }

    public static let all: [Migration] = [
        Migration(version: 1, name: "system of record", statements: [
            // The stores, where they are (region path down to the township) and who supplies them.
            """
            CREATE TABLE stores (
                store_id text PRIMARY KEY,
                name text NOT NULL DEFAULT '',
                region text NOT NULL DEFAULT '',
                province text NOT NULL DEFAULT '',
                city text NOT NULL DEFAULT '',
                county text NOT NULL DEFAULT '',
                township text NOT NULL DEFAULT '',
                distributor text NOT NULL DEFAULT '',
                time_zone text NOT NULL DEFAULT 'Asia/Shanghai'
            )
            """,
            // One row per gateway: every seq <= watermark is committed and chain-checked; head_hash is the hash
            // of the event at the watermark; gap_since_ms is when events above the watermark were first waiting.
            """
            CREATE TABLE gateways (
                store_id text NOT NULL,
                gateway_id text NOT NULL,
                watermark bigint NOT NULL DEFAULT 0,
                head_hash bytea,
                highest_seq bigint NOT NULL DEFAULT 0,
                gap_since_ms bigint,
                events bigint NOT NULL DEFAULT 0,
                duplicates bigint NOT NULL DEFAULT 0,
                status_state text,
                last_status jsonb,
                last_status_ms bigint,
                last_heartbeat_ms bigint,
                first_seen_ms bigint NOT NULL,
                PRIMARY KEY (store_id, gateway_id)
            )
            """,
            // The exactly-once guard: one narrow row per event, unique by (gateway, seq) and by event id, outside
            // the day partitions (a unique index on a partitioned table must include the partition key).
            """
            CREATE TABLE event_keys (
                store_id text NOT NULL,
                gateway_id text NOT NULL,
                seq bigint NOT NULL,
                event_id uuid NOT NULL UNIQUE,
                hash bytea NOT NULL,
                prev_hash bytea NOT NULL,
                PRIMARY KEY (store_id, gateway_id, seq)
            )
            """,
            // Every event: the canonical payload bytes as the gateway hashed them, plus decoded columns.
            """
            CREATE TABLE events (
                day date NOT NULL,
                event_id uuid NOT NULL,
                store_id text NOT NULL,
                gateway_id text NOT NULL,
                seq bigint NOT NULL,
                op text NOT NULL,
                code text,
                gtin text NOT NULL DEFAULT '',
                campaign text NOT NULL DEFAULT '',
                result text NOT NULL,
                reason text NOT NULL,
                lane text NOT NULL,
                operator text NOT NULL,
                role text NOT NULL,
                time_ms bigint NOT NULL,
                provisional boolean NOT NULL,
                payload bytea NOT NULL,
                received_ms bigint NOT NULL,
                PRIMARY KEY (day, event_id)
            ) PARTITION BY RANGE (day)
            """,
            "CREATE INDEX events_gateway_seq ON events (store_id, gateway_id, seq)",
            "CREATE INDEX events_code ON events (code) WHERE code IS NOT NULL",
            // Accepted redemptions: the first per code. Another store's accepted redemption of the same code is
            // a conflict, kept with both events.
            """
            CREATE TABLE redemptions (
                code text PRIMARY KEY,
                event_id uuid NOT NULL,
                store_id text NOT NULL,
                gateway_id text NOT NULL,
                seq bigint NOT NULL,
                time_ms bigint NOT NULL
            )
            """,
            """
            CREATE TABLE redemption_conflicts (
                event_id uuid PRIMARY KEY,
                code text NOT NULL,
                store_id text NOT NULL,
                gateway_id text NOT NULL,
                seq bigint NOT NULL,
                time_ms bigint NOT NULL,
                first_event_id uuid NOT NULL
            )
            """,
            // Sales lines of baskets (filled once gateways send baskets).
            """
            CREATE TABLE sales_lines (
                event_id uuid NOT NULL,
                line integer NOT NULL,
                store_id text NOT NULL,
                gtin text NOT NULL,
                code text,
                quantity integer NOT NULL,
                unit_price_minor bigint,
                discount_minor bigint,
                currency text,
                time_ms bigint NOT NULL,
                PRIMARY KEY (event_id, line)
            )
            """,
            // Hourly rollups, written in the same transaction as the events they count.
            """
            CREATE TABLE rollups_hourly (
                hour timestamptz NOT NULL,
                store_id text NOT NULL,
                gtin text NOT NULL,
                campaign text NOT NULL,
                events bigint NOT NULL DEFAULT 0,
                received bigint NOT NULL DEFAULT 0,
                sold bigint NOT NULL DEFAULT 0,
                returned bigint NOT NULL DEFAULT 0,
                redemptions bigint NOT NULL DEFAULT 0,
                voids bigint NOT NULL DEFAULT 0,
                verifies bigint NOT NULL DEFAULT 0,
                rejections bigint NOT NULL DEFAULT 0,
                revenue_minor bigint NOT NULL DEFAULT 0,
                PRIMARY KEY (hour, store_id, gtin, campaign)
            )
            """,
            """
            CREATE TABLE rollup_rejections (
                hour timestamptz NOT NULL,
                store_id text NOT NULL,
                gtin text NOT NULL,
                campaign text NOT NULL,
                result text NOT NULL,
                count bigint NOT NULL DEFAULT 0,
                PRIMARY KEY (hour, store_id, gtin, campaign, result)
            )
            """,
            // What HQ noticed; `key` makes raising the same alert twice a no-op.
            """
            CREATE TABLE alerts (
                id bigserial PRIMARY KEY,
                kind text NOT NULL,
                key text NOT NULL UNIQUE,
                store_id text,
                gateway_id text,
                code text,
                details jsonb NOT NULL DEFAULT '{}',
                raised_ms bigint NOT NULL,
                resolved_ms bigint,
                acknowledged_by text,
                acknowledged_ms bigint,
                note text
            )
            """,
            "CREATE INDEX alerts_open ON alerts (kind) WHERE resolved_ms IS NULL",
            // The requeue commands sent for a gap, until the watermark passes it.
            """
            CREATE TABLE requeues (
                store_id text NOT NULL,
                gateway_id text NOT NULL,
                from_seq bigint NOT NULL,
                to_seq bigint NOT NULL,
                first_sent_ms bigint NOT NULL,
                last_sent_ms bigint NOT NULL,
                attempts integer NOT NULL DEFAULT 1,
                filled_ms bigint,
                PRIMARY KEY (store_id, gateway_id, from_seq)
            )
            """,
            // Signed downlink messages, written in the transaction that decided them and published in seq order
            // per stream (a gateway refuses a seq at or below the one it applied).
            """
            CREATE TABLE downlink_streams (
                stream text PRIMARY KEY,
                seq bigint NOT NULL
            )
            """,
            """
            CREATE TABLE downlink_outbox (
                id bigserial PRIMARY KEY,
                stream text NOT NULL,
                seq bigint NOT NULL,
                topic text NOT NULL,
                envelope bytea NOT NULL,
                created_ms bigint NOT NULL,
                published_ms bigint,
                UNIQUE (stream, seq)
            )
            """,
            "CREATE INDEX downlink_outbox_unpublished ON downlink_outbox (stream, seq) WHERE published_ms IS NULL",
            // What each gateway said it did with a downlink message.
            """
            CREATE TABLE downlink_reports (
                store_id text NOT NULL,
                gateway_id text NOT NULL,
                stream text NOT NULL,
                seq bigint NOT NULL,
                outcome text NOT NULL,
                problem text,
                reason text NOT NULL,
                time_ms bigint NOT NULL,
                PRIMARY KEY (store_id, gateway_id, stream, seq)
            )
            """,
            // Code batches HQ issued, and which stores applied them.
            """
            CREATE TABLE code_batches (
                batch_id text PRIMARY KEY,
                gtin text NOT NULL,
                campaign text NOT NULL DEFAULT '',
                region text NOT NULL,
                count integer NOT NULL,
                key_id text NOT NULL,
                issued_ms bigint NOT NULL
            )
            """,
            """
            CREATE TABLE batch_codes (
                code text PRIMARY KEY,
                batch_id text NOT NULL REFERENCES code_batches (batch_id)
            )
            """,
            // One row per store and message of a batch (a big batch travels as several messages): `sent` until the
            // store's gateway reports it `applied`, `duplicate` or `rejected`.
            """
            CREATE TABLE batch_distribution (
                batch_id text NOT NULL REFERENCES code_batches (batch_id),
                store_id text NOT NULL,
                stream text NOT NULL,
                seq bigint NOT NULL,
                codes integer NOT NULL,
                state text NOT NULL DEFAULT 'sent',
                reason text,
                sent_ms bigint NOT NULL,
                updated_ms bigint NOT NULL,
                PRIMARY KEY (batch_id, store_id, seq)
            )
            """,
            // Periodic work shared by every instance: `leader` is a lease (owner, until `next_ms`) that one instance
            // holds and renews; the other rows say when each periodic job is due next.
            """
            CREATE TABLE jobs (
                name text PRIMARY KEY,
                next_ms bigint NOT NULL,
                owner text NOT NULL DEFAULT ''
            )
            """,
        ]),
        Migration(version: 2, name: "sales summaries", statements: [
            // A gateway's `sales_summary` says what its journal range [first_seq, last_seq] holds; the jobs check it
            // against the stored events once the watermark passes last_seq (`checked_ms`), and a disagreement is an
            // alert and a requeue of the range (`problem`).
            """
            CREATE TABLE sales_summaries (
                store_id text NOT NULL,
                gateway_id text NOT NULL,
                seq bigint NOT NULL,
                first_seq bigint NOT NULL,
                last_seq bigint NOT NULL,
                period_start_ms bigint NOT NULL,
                period_end_ms bigint NOT NULL,
                checked_ms bigint,
                problem text,
                PRIMARY KEY (store_id, gateway_id, seq)
            )
            """,
            "CREATE INDEX sales_summaries_unchecked ON sales_summaries (store_id, gateway_id) WHERE checked_ms IS NULL",
        ]),
        Migration(version: 3, name: "signed journal heads", statements: [
            // The gateway's own public key (from its retained status, pinned at first sight) and the latest journal
            // head its heartbeats signed: `signed_head_seq`/`signed_head_hash` are compared with the stored event once
            // the watermark reaches it (`head_checked_ms`: the `signed_head_ms` of the head compared last). A heartbeat's `delivered_through_seq` raises
            // `highest_seq`, so events the gateway holds delivered but HQ lacks are a gap like any other.
            """
            ALTER TABLE gateways
                ADD COLUMN gateway_key text,
                ADD COLUMN signed_head_seq bigint,
                ADD COLUMN signed_head_hash bytea,
                ADD COLUMN signed_head_ms bigint,
                ADD COLUMN head_checked_ms bigint NOT NULL DEFAULT 0
            """,
        ]),
        Migration(version: 4, name: "console access", statements: [
            // The console's users: a role and a bcrypt hash (never the password).
            """
            CREATE TABLE users (
                name text PRIMARY KEY,
                role text NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
                password_hash text NOT NULL,
                created_ms bigint NOT NULL
            )
            """,
            // A signed-in browser: only the SHA-256 of the cookie's random token is kept, so a copy of this table
            // opens no session; `csrf_token` goes into every form the session is shown and must come back with it.
            """
            CREATE TABLE sessions (
                token_hash bytea PRIMARY KEY,
                user_name text NOT NULL REFERENCES users (name) ON DELETE CASCADE,
                csrf_token text NOT NULL,
                created_ms bigint NOT NULL,
                expires_ms bigint NOT NULL
            )
            """,
            "CREATE INDEX sessions_expiry ON sessions (expires_ms)",
            // Failed logins, counted per user name and per client address over a window (shared by every instance).
            """
            CREATE TABLE login_failures (
                id bigserial PRIMARY KEY,
                user_name text NOT NULL,
                address text NOT NULL,
                time_ms bigint NOT NULL
            )
            """,
            "CREATE INDEX login_failures_user ON login_failures (user_name, time_ms)",
            "CREATE INDEX login_failures_address ON login_failures (address, time_ms)",
            // Every acknowledgement of an alert (who, when, the note); `alerts.acknowledged_*` holds the latest.
            """
            CREATE TABLE alert_acknowledgements (
                id bigserial PRIMARY KEY,
                alert_id bigint NOT NULL REFERENCES alerts (id),
                user_name text NOT NULL,
                time_ms bigint NOT NULL,
                note text NOT NULL
            )
            """,
            "CREATE INDEX alert_acknowledgements_alert ON alert_acknowledgements (alert_id)",
        ]),
        Migration(version: 5, name: "campaigns, rewards and console user management", statements: [
            // A campaign as HQ runs it: when its codes may be redeemed. Every store that gets a batch of the campaign
            // gets this window too, as a signed `policy` message (a gateway refuses a campaign's code until it knows
            // the campaign).
            """
            CREATE TABLE campaigns (
                name text PRIMARY KEY,
                starts_ms bigint NOT NULL,
                ends_ms bigint NOT NULL,
                sold_here_first boolean NOT NULL DEFAULT false,
                created_ms bigint NOT NULL,
                updated_ms bigint NOT NULL,
                CHECK (ends_ms > starts_ms)
            )
            """,
            // A batch's campaign window travels as a `policy` message beside its `codes` messages, tracked the same way;
            // the two streams number their messages independently, so a message is known by its stream and seq.
            """
            ALTER TABLE batch_distribution DROP CONSTRAINT batch_distribution_pkey,
                ADD PRIMARY KEY (batch_id, store_id, stream, seq)
            """,
            // What one redemption of a code of the batch costs the brand (the store is reimbursed it), in minor units.
            "ALTER TABLE code_batches ADD COLUMN reward_minor bigint NOT NULL DEFAULT 0 CHECK (reward_minor >= 0)",
            // A user an admin disabled: refused at login, their sessions closed.
            "ALTER TABLE users ADD COLUMN disabled_ms bigint",
            // The campaign pages read the campaigns' rollups of a time range through this, not every store's hours, and
            // from the index alone (what they sum is in it). Hour first: the campaigns list reads every campaign's week.
            """
            CREATE INDEX rollups_hourly_campaign ON rollups_hourly (hour, campaign) INCLUDE (store_id, redemptions, sold)
            WHERE campaign <> ''
            """,
            // The login rate limit counts failures per user name and client address.
            "CREATE INDEX login_failures_user_address ON login_failures (user_name, address, time_ms)",
        ]),
        Migration(version: 6, name: "broadcast delivery and downlink re-issue", statements: [
            // A broadcast message (`kind:*`) per known store, until the store reports it: `sent_stream`/`sent_seq`
            // is the message awaited (the broadcast itself, then the copy on the store's own stream that the jobs
            // send when no report came within `downlink.resend_seconds`); `state` becomes the report's outcome.
            """
            CREATE TABLE broadcast_delivery (
                stream text NOT NULL,
                seq bigint NOT NULL,
                store_id text NOT NULL,
                sent_stream text NOT NULL,
                sent_seq bigint NOT NULL,
                state text NOT NULL DEFAULT 'sent',
                reason text,
                resends integer NOT NULL DEFAULT 0,
                due_ms bigint NOT NULL,
                updated_ms bigint NOT NULL,
                PRIMARY KEY (stream, seq, store_id)
            )
            """,
            "CREATE INDEX broadcast_delivery_due ON broadcast_delivery (due_ms) WHERE state = 'sent'",
            "CREATE INDEX broadcast_delivery_awaited ON broadcast_delivery (store_id, sent_stream, sent_seq)",
            // Per store and broadcast stream, the seq up to which its messages have rows in `broadcast_delivery`
            // (seq order is commit order per stream, so nothing committed later can slip below it). The stores
            // HQ knows now start at the streams' current seqs: what was broadcast before is not tracked for them.
            """
            CREATE TABLE broadcast_cursors (
                store_id text NOT NULL,
                stream text NOT NULL,
                through_seq bigint NOT NULL,
                PRIMARY KEY (store_id, stream)
            )
            """,
            """
            INSERT INTO broadcast_cursors (store_id, stream, through_seq)
            SELECT s.store_id, d.stream, d.seq
            FROM (SELECT store_id FROM stores UNION SELECT store_id FROM gateways) AS s
            CROSS JOIN downlink_streams AS d
            WHERE d.stream IN ('keys:*', 'policy:*', 'codes:*', 'revocations:*')
            """,
            // A store's reports by message (the primary key starts with the gateway).
            "CREATE INDEX downlink_reports_message ON downlink_reports (store_id, stream, seq)",
            "CREATE INDEX downlink_reports_expired ON downlink_reports (time_ms) WHERE problem = 'expired'",
            // A message a store rejected as `expired`, and the new message HQ issued for it (fresh seq and
            // `issued_ms`, on the store's stream); `reissued_seq` is null when it was itself a re-issue (alerted).
            """
            CREATE TABLE downlink_reissues (
                store_id text NOT NULL,
                stream text NOT NULL,
                seq bigint NOT NULL,
                reissued_stream text,
                reissued_seq bigint,
                time_ms bigint NOT NULL,
                PRIMARY KEY (store_id, stream, seq)
            )
            """,
            "CREATE INDEX downlink_reissues_new ON downlink_reissues (store_id, reissued_stream, reissued_seq)",
        ]),
        Migration(version: 7, name: "room for the ingest's updates in place", statements: [
            // Every batch updates its gateways' rows. Space left in each page lets PostgreSQL write the new version
            // beside the old one (a HOT update: no index entries); full pages force a new entry in every index for
            // each update. Pages written from now on keep half free. Not for `rollups_hourly`: tried, the table of a
            // year doubled and the console's uplift page took 426 ms instead of 100; and its updates that change
            // `sold` or `redemptions` cannot be HOT anyway (migration 5's campaign index holds them; without them
            // the campaign pages took 410 ms instead of 90).
            "ALTER TABLE gateways SET (fillfactor = 50)",
        ]),
        Migration(version: 8, name: "statuses ordered by connection", statements: [
            // A Last Will is built when its connection opens, so by `time_ms` it is older than the online statuses
            // it follows, and a gateway that died stayed online here. Statuses now carry their connection's stamp
            // (`connection_ms`): ordered by connection, then offline after online, then time.
            "ALTER TABLE gateways ADD COLUMN status_connection_ms bigint",
            // The gateway's broker connections counted per hour from the first (a gateway_flapping alert).
            "ALTER TABLE gateways ADD COLUMN connections_since_ms bigint, ADD COLUMN connections integer NOT NULL DEFAULT 0",
            // When HQ last heard from the gateway on its own clock (a status or heartbeat it published, not the
            // broker's retained copy): a gateway whose clock is behind was alerted as silent.
            "ALTER TABLE gateways ADD COLUMN last_heard_ms bigint",
        ]),
    ]
}
