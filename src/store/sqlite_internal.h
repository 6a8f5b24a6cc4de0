/*
 * sqlite_internal.h - what the SQLite backend's files share (private to src/store/).
 */
#ifndef BIANMIN_STORE_SQLITE_INTERNAL_H
#define BIANMIN_STORE_SQLITE_INTERNAL_H

#if defined(BIANMIN_LAYER_WEB) || defined(BIANMIN_LAYER_WORKERS)
#error                                                                                             \
    "web/ and workers/ may not include store/ headers: call the domain (docs/ARCHITECTURE.md, Layers)"
#endif

#include <sqlite3.h>
#include <stdbool.h>

struct store;

/* The connection's handle. */
sqlite3 *sqlite_store_db(struct store *store);
/* Records the connection's last SQLite error as the store's error; returns the status. */
int sqlite_store_fail(struct store *store, const char *what);
/* The connection's prepared statement for sql, prepared on first use and cached by the ADDRESS
 * of sql: sql must be constant for the life of the process (a literal, or text built once into
 * a buffer that is never changed or freed). *owned is true when the cache had no room; either
 * way the caller hands the statement back to sqlite_store_stmt_done, which resets it and clears
 * its bindings (or finalises an owned one). */
int sqlite_store_stmt(struct store *store, const char *sql, sqlite3_stmt **stmt, bool *owned);
void sqlite_store_stmt_done(sqlite3_stmt *stmt, bool owned);
/* Whether the connection holds this process's turn to write (a transaction, or a writing
 * statement while it runs). */
bool sqlite_store_writing(struct store *store);
/* Registers the "bigram" FTS5 tokenizer (base/search.h) on a connection. */
int sqlite_fts_register(sqlite3 *db);

#endif
