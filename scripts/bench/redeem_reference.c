/*
 * Reference for the durable redemption benchmark: the statements storegate's ledger runs for
 * one redemption with an idempotency key, through the raw SQLite C API with prepared
 * statements, one transaction each, on a copy of the same ledger file:
 *
 *   PRAGMA data_version; SELECT idempotency; SELECT code; UPDATE code;
 *   INSERT journal; INSERT outbox; INSERT idempotency; COMMIT (synchronous=FULL, WAL)
 *
 * It does not parse scans, decide, build JSON or hash the chain (a constant hash stands in),
 * so it is the floor the ledger is measured against. Its rows are also smaller than storegate's
 * (a ~150-byte payload, "{}" details, a 4-byte fingerprint); with --storegate-sized-rows it
 * stores as many bytes per redemption as storegate does on the benchmark's codes (payload 383,
 * details 40, fingerprint 56), to show how much of a difference is only the bytes written.
 * The default, the benchmark's reference, is the smaller rows.
 *
 * usage: redeem_reference LEDGER.sqlite CODES.csv COUNT [--storegate-sized-rows]
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static sqlite3 *db;

static void check(int rc, const char *what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fprintf(stderr, "redeem_reference: %s: %s\n", what, sqlite3_errmsg(db));
        exit(2);
    }
}

static sqlite3_stmt *prepare(const char *sql) {
    sqlite3_stmt *statement = NULL;
    check(sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement, NULL), sql);
    return statement;
}

static void run(sqlite3_stmt *statement, const char *what) {
    int rc;
    while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {}
    check(rc, what);
    sqlite3_reset(statement);
}

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    int sized = argc == 5 && strcmp(argv[4], "--storegate-sized-rows") == 0;
    if (argc != 4 && !sized) {
        fprintf(stderr, "usage: %s LEDGER.sqlite CODES.csv COUNT [--storegate-sized-rows]\n", argv[0]);
        return 2;
    }
    long count = atol(argv[3]);
    char **codes = calloc(count, sizeof(char *));
    FILE *csv = fopen(argv[2], "r");
    if (!csv) { perror(argv[2]); return 2; }
    char line[512];
    long loaded = 0;
    fgets(line, sizeof line, csv); /* header */
    while (loaded < count && fgets(line, sizeof line, csv)) {
        line[strcspn(line, ",\r\n")] = 0;
        codes[loaded++] = strdup(line);
    }
    fclose(csv);
    count = loaded;

    check(sqlite3_open(argv[1], &db), "open");
    check(sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON", 0, 0, 0), "pragmas");
    sqlite3_stmt *begin = prepare("BEGIN IMMEDIATE");
    sqlite3_stmt *commit = prepare("COMMIT");
    sqlite3_stmt *data_version = prepare("PRAGMA data_version");
    sqlite3_stmt *idem_lookup = prepare("SELECT fingerprint, seq FROM idempotency WHERE key = ?");
    sqlite3_stmt *code_lookup = prepare(
        "SELECT kind, product, lot, expiry, parent, campaign, regions, state, provisional, revoked_reason, "
        "last_op, last_prev_state, last_lane, last_operator, last_ms, last_seq FROM codes WHERE id = ?");
    sqlite3_stmt *update = prepare(
        "UPDATE codes SET state = ?, last_op = ?, last_prev_state = ?, last_lane = ?, last_operator = ?, "
        "last_ms = ?, last_seq = ? WHERE id = ?");
    sqlite3_stmt *journal = prepare(
        "INSERT INTO journal(seq, event_id, op, code_id, result, reason, lane, operator, role, time_ms, provisional, "
        "details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    sqlite3_stmt *outbox = prepare("INSERT INTO outbox(seq, payload, created_ms) VALUES (?, ?, ?)");
    sqlite3_stmt *idem_insert = prepare("INSERT INTO idempotency(key, fingerprint, seq, created_ms) VALUES (?, ?, ?, ?)");

    sqlite3_int64 seq = 0;
    sqlite3_stmt *head = prepare("SELECT coalesce(max(seq), 0) FROM journal");
    if (sqlite3_step(head) == SQLITE_ROW) seq = sqlite3_column_int64(head, 0);
    sqlite3_finalize(head);

    unsigned char hash[32] = {0};
    char key[64], event_id[64], payload[512];
    char sized_fingerprint[57];
    memset(sized_fingerprint, 'f', 56);
    sized_fingerprint[56] = 0;
    const char *details = sized ? "{\"state\":\"issued\",\"expiry\":\"2027-12-31\"}" : "{}";
    const char *fingerprint = sized ? sized_fingerprint : "0000";
    double *latencies = malloc(sizeof(double) * count);
    long accepted = 0;
    double started = now_seconds();
    for (long i = 0; i < count; i++) {
        double t0 = now_seconds();
        sqlite3_int64 ms = (sqlite3_int64)time(NULL) * 1000;
        seq++;
        snprintf(key, sizeof key, "ref-%ld", i);
        snprintf(event_id, sizeof event_id, "0190a0b0-0000-7000-8000-%012ld", i);
        snprintf(payload, sizeof payload,
                 "{\"code\":\"%s\",\"event_id\":\"%s\",\"lane\":\"L1\",\"op\":\"redeem\",\"result\":\"accepted\",\"seq\":%lld}",
                 codes[i], event_id, (long long)seq);
        if (sized) {  /* the same object padded to storegate's payload length */
            size_t length = strlen(payload);
            snprintf(payload + length - 1, sizeof payload - length + 1, ",\"pad\":\"%0*d\"}", (int)(383 - length - 9), 0);
        }
        run(begin, "begin");
        run(data_version, "data_version");
        sqlite3_bind_text(idem_lookup, 1, key, -1, SQLITE_STATIC);
        run(idem_lookup, "idempotency lookup");
        sqlite3_bind_text(code_lookup, 1, codes[i], -1, SQLITE_STATIC);
        run(code_lookup, "code lookup");
        sqlite3_bind_text(update, 1, "redeemed", -1, SQLITE_STATIC);
        sqlite3_bind_text(update, 2, "redeem", -1, SQLITE_STATIC);
        sqlite3_bind_text(update, 3, "issued", -1, SQLITE_STATIC);
        sqlite3_bind_text(update, 4, "L1", -1, SQLITE_STATIC);
        sqlite3_bind_text(update, 5, "op1", -1, SQLITE_STATIC);
        sqlite3_bind_int64(update, 6, ms);
        sqlite3_bind_int64(update, 7, seq);
        sqlite3_bind_text(update, 8, codes[i], -1, SQLITE_STATIC);
        run(update, "update");
        if (sqlite3_changes(db) == 1) accepted++;
        sqlite3_bind_int64(journal, 1, seq);
        sqlite3_bind_text(journal, 2, event_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(journal, 3, "redeem", -1, SQLITE_STATIC);
        sqlite3_bind_text(journal, 4, codes[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(journal, 5, "accepted", -1, SQLITE_STATIC);
        sqlite3_bind_text(journal, 6, "Redeemed.", -1, SQLITE_STATIC);
        sqlite3_bind_text(journal, 7, "L1", -1, SQLITE_STATIC);
        sqlite3_bind_text(journal, 8, "op1", -1, SQLITE_STATIC);
        sqlite3_bind_text(journal, 9, "checkout", -1, SQLITE_STATIC);
        sqlite3_bind_int64(journal, 10, ms);
        sqlite3_bind_int(journal, 11, 0);
        sqlite3_bind_text(journal, 12, details, -1, SQLITE_STATIC);
        sqlite3_bind_blob(journal, 13, hash, 32, SQLITE_STATIC);
        sqlite3_bind_blob(journal, 14, hash, 32, SQLITE_STATIC);
        run(journal, "journal");
        sqlite3_bind_int64(outbox, 1, seq);
        sqlite3_bind_text(outbox, 2, payload, -1, SQLITE_STATIC);
        sqlite3_bind_int64(outbox, 3, ms);
        run(outbox, "outbox");
        sqlite3_bind_text(idem_insert, 1, key, -1, SQLITE_STATIC);
        sqlite3_bind_text(idem_insert, 2, fingerprint, -1, SQLITE_STATIC);
        sqlite3_bind_int64(idem_insert, 3, seq);
        sqlite3_bind_int64(idem_insert, 4, ms);
        run(idem_insert, "idempotency insert");
        run(commit, "commit");
        latencies[i] = now_seconds() - t0;
    }
    double elapsed = now_seconds() - started;
    qsort(latencies, count, sizeof(double), by_value);
    printf("reference (C, sqlite3 API): %ld redemptions (%ld changed a code) in %.2f s: %.0f tx/s, p50 %.3f ms, p99 %.3f ms\n",
           count, accepted, elapsed, count / elapsed, latencies[count / 2] * 1e3, latencies[(long)(count * 0.99)] * 1e3);
    sqlite3_close(db);
    return 0;
}
