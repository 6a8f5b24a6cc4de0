/*
 * sqlite_internal.h - what the SQLite backend's files share (private to src/store/).
 */
#ifndef BIANMIN_STORE_SQLITE_INTERNAL_H
#define BIANMIN_STORE_SQLITE_INTERNAL_H

#ifdef BIANMIN_LAYER_WEB
#error "web/ may not include store/ headers: call the domain (docs/ARCHITECTURE.md, Layers)"
#endif

#include <sqlite3.h>

struct store;

/* The connection's handle. */
sqlite3 *sqlite_store_db(struct store *store);
/* Records the connection's last SQLite error as the store's error; returns the status. */
int sqlite_store_fail(struct store *store, const char *what);
/* Registers the "bigram" FTS5 tokenizer (base/search.h) on a connection. */
int sqlite_fts_register(sqlite3 *db);

#endif
