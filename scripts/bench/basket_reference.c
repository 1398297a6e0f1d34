/*
 * Reference for the durable basket benchmark: the statements storegate's ledger runs for one
 * 5-line basket (3 serialised units, 2 plain lines) through the raw SQLite C API with prepared
 * statements, one transaction each, on a copy of the same ledger file:
 *
 *   PRAGMA data_version; SELECT idempotency (receipt); 3 x SELECT code; 3 x UPDATE code;
 *   INSERT journal; INSERT outbox; INSERT sales; 5 x INSERT sale_lines; 2 x upsert product_sales;
 *   INSERT idempotency; COMMIT (synchronous=FULL, WAL)
 *
 * It does not read JSON, parse scans, decide, build the event's JSON or hash the chain (a constant
 * hash stands in), and its rows are smaller: it is the floor the ledger is measured against.
 *
 * usage: basket_reference LEDGER.sqlite CODES.csv BASKETS
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static sqlite3 *db;

static void check(int rc, const char *what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fprintf(stderr, "basket_reference: %s: %s\n", what, sqlite3_errmsg(db));
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
    if (argc != 4) {
        fprintf(stderr, "usage: %s LEDGER.sqlite CODES.csv BASKETS\n", argv[0]);
        return 2;
    }
    long baskets = atol(argv[3]);
    long wanted = baskets * 3;
    char **codes = calloc(wanted, sizeof(char *));
    FILE *csv = fopen(argv[2], "r");
    if (!csv) { perror(argv[2]); return 2; }
    char line[512];
    long loaded = 0;
    fgets(line, sizeof line, csv); /* header */
    while (loaded < wanted && fgets(line, sizeof line, csv)) {
        line[strcspn(line, ",\r\n")] = 0;
        codes[loaded++] = strdup(line);
    }
    fclose(csv);
    baskets = loaded / 3;

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
        "UPDATE codes SET state = 'sold', last_op = 'sale', last_prev_state = 'issued', last_lane = 'L1', "
        "last_operator = 'op1', last_ms = ?, last_seq = ? WHERE id = ?");
    sqlite3_stmt *journal = prepare(
        "INSERT INTO journal(seq, event_id, op, code_id, result, reason, lane, operator, role, time_ms, provisional, "
        "details, prev_hash, hash) VALUES (?, ?, 'sale', NULL, 'accepted', 'sold', 'L1', 'op1', 'checkout', ?, 0, ?, ?, ?)");
    sqlite3_stmt *outbox = prepare("INSERT INTO outbox(seq, payload, created_ms) VALUES (?, ?, ?)");
    sqlite3_stmt *sale = prepare("INSERT INTO sales(receipt, seq, lane, operator, currency, time_ms) VALUES (?, ?, 'L1', 'op1', 'CNY', ?)");
    sqlite3_stmt *sale_line = prepare(
        "INSERT INTO sale_lines(receipt, line, kind, code, gtin, campaign, quantity, unit_price, discount) "
        "VALUES (?, ?, ?, ?, ?, NULL, ?, ?, 0)");
    sqlite3_stmt *product = prepare(
        "INSERT INTO product_sales(product, sold) VALUES (?, ?) ON CONFLICT(product) DO UPDATE SET sold = sold + excluded.sold");
    sqlite3_stmt *idem_insert = prepare("INSERT INTO idempotency(key, fingerprint, seq, created_ms) VALUES (?, ?, ?, ?)");

    sqlite3_int64 seq = 0;
    sqlite3_stmt *head = prepare("SELECT coalesce(max(seq), 0) FROM journal");
    if (sqlite3_step(head) == SQLITE_ROW) seq = sqlite3_column_int64(head, 0);
    sqlite3_finalize(head);

    unsigned char hash[32] = {0};
    char receipt[64], key[80], event_id[64], payload[1024], details[768];
    double *latencies = malloc(sizeof(double) * baskets);
    long sold = 0;
    double started = now_seconds();
    for (long i = 0; i < baskets; i++) {
        double t0 = now_seconds();
        sqlite3_int64 ms = (sqlite3_int64)time(NULL) * 1000;
        char **unit = codes + i * 3;
        seq++;
        snprintf(receipt, sizeof receipt, "ref-%ld", i);
        snprintf(key, sizeof key, "receipt:%s", receipt);
        snprintf(event_id, sizeof event_id, "0190a0b0-0000-7000-8000-%012ld", i);
        snprintf(details, sizeof details,
                 "{\"receipt\":\"%s\",\"lines\":[{\"code\":\"%s\"},{\"code\":\"%s\"},{\"code\":\"%s\"},"
                 "{\"gtin\":\"04006381333931\",\"quantity\":2},{\"gtin\":\"06901234567892\",\"quantity\":1}]}",
                 receipt, unit[0], unit[1], unit[2]);
        snprintf(payload, sizeof payload, "{\"event_id\":\"%s\",\"op\":\"sale\",\"seq\":%lld,\"details\":%s}",
                 event_id, (long long)seq, details);
        run(begin, "begin");
        run(data_version, "data_version");
        sqlite3_bind_text(idem_lookup, 1, key, -1, SQLITE_STATIC);
        run(idem_lookup, "idempotency lookup");
        for (int u = 0; u < 3; u++) {
            sqlite3_bind_text(code_lookup, 1, unit[u], -1, SQLITE_STATIC);
            run(code_lookup, "code lookup");
        }
        for (int u = 0; u < 3; u++) {
            sqlite3_bind_int64(update, 1, ms);
            sqlite3_bind_int64(update, 2, seq);
            sqlite3_bind_text(update, 3, unit[u], -1, SQLITE_STATIC);
            run(update, "update");
            sold += sqlite3_changes(db);
        }
        sqlite3_bind_int64(journal, 1, seq);
        sqlite3_bind_text(journal, 2, event_id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(journal, 3, ms);
        sqlite3_bind_text(journal, 4, details, -1, SQLITE_STATIC);
        sqlite3_bind_blob(journal, 5, hash, 32, SQLITE_STATIC);
        sqlite3_bind_blob(journal, 6, hash, 32, SQLITE_STATIC);
        run(journal, "journal");
        sqlite3_bind_int64(outbox, 1, seq);
        sqlite3_bind_text(outbox, 2, payload, -1, SQLITE_STATIC);
        sqlite3_bind_int64(outbox, 3, ms);
        run(outbox, "outbox");
        sqlite3_bind_text(sale, 1, receipt, -1, SQLITE_STATIC);
        sqlite3_bind_int64(sale, 2, seq);
        sqlite3_bind_int64(sale, 3, ms);
        run(sale, "sales");
        for (int l = 0; l < 5; l++) {
            sqlite3_bind_text(sale_line, 1, receipt, -1, SQLITE_STATIC);
            sqlite3_bind_int(sale_line, 2, l + 1);
            sqlite3_bind_text(sale_line, 3, l < 3 ? "unit" : "plain", -1, SQLITE_STATIC);
            if (l < 3) sqlite3_bind_text(sale_line, 4, unit[l], -1, SQLITE_STATIC); else sqlite3_bind_null(sale_line, 4);
            sqlite3_bind_text(sale_line, 5, l < 3 ? "09506000134352" : (l == 3 ? "04006381333931" : "06901234567892"), -1, SQLITE_STATIC);
            sqlite3_bind_int(sale_line, 6, l == 3 ? 2 : 1);
            sqlite3_bind_int(sale_line, 7, l < 3 ? 1200 : (l == 3 ? 350 : 990));
            run(sale_line, "sale line");
        }
        for (int p = 0; p < 2; p++) {
            sqlite3_bind_text(product, 1, p == 0 ? "04006381333931" : "06901234567892", -1, SQLITE_STATIC);
            sqlite3_bind_int(product, 2, p == 0 ? 2 : 1);
            run(product, "product sales");
        }
        sqlite3_bind_text(idem_insert, 1, key, -1, SQLITE_STATIC);
        sqlite3_bind_text(idem_insert, 2, "0000", -1, SQLITE_STATIC);
        sqlite3_bind_int64(idem_insert, 3, seq);
        sqlite3_bind_int64(idem_insert, 4, ms);
        run(idem_insert, "idempotency insert");
        run(commit, "commit");
        latencies[i] = now_seconds() - t0;
    }
    double elapsed = now_seconds() - started;
    qsort(latencies, baskets, sizeof(double), by_value);
    printf("reference (C, sqlite3 API): %ld baskets (%ld units sold) in %.2f s: %.0f baskets/s, p50 %.3f ms, p99 %.3f ms\n",
           baskets, sold, elapsed, baskets / elapsed, latencies[baskets / 2] * 1e3, latencies[(long)(baskets * 0.99)] * 1e3);
    sqlite3_close(db);
    return 0;
}
