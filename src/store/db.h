/*
 * db.h - the portable SQL seam inside the store (private to src/store/). Feature modules
 * (accounts.c, ...) write their SQL once in the dialect SQLite and PostgreSQL share, with
 * numbered parameters $1..$n, and run it through these calls; a backend only implements
 * exec and query. Rules for portable SQL here: parameters for every value, including the
 * current time (the caller binds it), INTEGER 0/1 for booleans, TEXT for ISO-8601 times or
 * INTEGER unix seconds, RETURNING for generated ids, ON CONFLICT for upserts.
 */
#ifndef BIANMIN_STORE_DB_H
#define BIANMIN_STORE_DB_H

#if defined(BIANMIN_LAYER_WEB) || defined(BIANMIN_LAYER_WORKERS)
#error                                                                                             \
    "web/ and workers/ may not include store/ headers: call the domain (docs/ARCHITECTURE.md, Layers)"
#endif

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* DB_BLOB: s points at i bytes (binary). */
enum db_type { DB_NULL, DB_INT, DB_TEXT, DB_BLOB };

struct db_param {
  enum db_type type;
  int64_t i;
  const char *s;
};

#define DB_I(v) ((struct db_param){DB_INT, (int64_t)(v), NULL})
#define DB_S(v) ((struct db_param){(v) ? DB_TEXT : DB_NULL, 0, (v)})
#define DB_NIL  ((struct db_param){DB_NULL, 0, NULL})

enum { DB_MAX_PARAMS = 64 };

/* Runs a statement; *changes (may be NULL) receives the number of rows it changed.
 * Constraint violations map to ST_CONFLICT (unique) or ST_NOTFOUND (foreign key). */
int db_exec(struct store *store, const char *sql, const struct db_param *params, size_t count,
            int64_t *changes);
/* Runs a query; *rows receives an array of objects keyed by column name (integers as JSON
 * integers, text as strings, NULL as null). */
int db_query(struct store *store, const char *sql, const struct db_param *params, size_t count,
             json_t **rows);
/* The first row of a query, or ST_NOTFOUND. */
int db_query_one(struct store *store, const char *sql, const struct db_param *params, size_t count,
                 json_t **row);
/* The integer in the first column of the first row (e.g. RETURNING id), or ST_NOTFOUND. */
int db_query_int(struct store *store, const char *sql, const struct db_param *params, size_t count,
                 int64_t *value);

/* Rows without JSON (the read paths that matter for speed): fn runs once per row with the row's
 * columns, by position, valid only during the call; a non-zero return from fn stops the query
 * and is returned. */
struct db_row {
  const struct db_row_ops *ops;
  void *impl;
  int index;
};
struct db_row_ops {
  int64_t (*integer)(const struct db_row *row, int column);
  const char *(*text)(const struct db_row *row, int column, size_t *len);
  bool (*null)(const struct db_row *row, int column);
};
typedef int (*db_row_fn)(void *ctx, const struct db_row *row);
int db_query_each(struct store *store, const char *sql, const struct db_param *params, size_t count,
                  db_row_fn fn, void *ctx);
/* Reading rows into arena memory (the typed read models): texts are copied into the arena,
 * arrays of `size`-byte items grow by doubling. The first allocation failure sticks in rc. */
struct arena;
struct db_reader {
  struct arena *arena;
  int rc;
  void *items;
  size_t count, capacity, size;
};
/* The column's text copied into the arena ("" for NULL or empty). */
const char *db_reader_text(struct db_reader *r, const struct db_row *row, int column);
/* The next item of the growing array (count moves on); NULL (and r->rc) when out of memory. */
void *db_reader_next(struct db_reader *r);
/* Column accessors: 0 and "" for NULL; *len (may be NULL) receives the text's length. */
static inline int64_t db_col_int(const struct db_row *row, int column)
{
  return row->ops->integer(row, column);
}
static inline const char *db_col_text(const struct db_row *row, int column, size_t *len)
{
  return row->ops->text(row, column, len);
}
static inline bool db_col_null(const struct db_row *row, int column)
{
  return row->ops->null(row, column);
}

/* Fields of a row from db_query: the integer (0 when missing or not an integer) and the text
 * ("" when missing or not text, never NULL; borrowed from the row). */
int64_t db_int(const json_t *row, const char *key);
const char *db_text(const json_t *row, const char *key);

#define DB_PARAMS(...) ((const struct db_param[]){__VA_ARGS__})
#define DB_COUNT(...)  (sizeof((const struct db_param[]){__VA_ARGS__}) / sizeof(struct db_param))
#define DB_ARGS(...)   DB_PARAMS(__VA_ARGS__), DB_COUNT(__VA_ARGS__)

#endif
