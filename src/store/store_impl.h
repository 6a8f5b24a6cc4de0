/*
 * store_impl.h - what a store backend implements (private to src/store/). store.c parses the
 * URL, validates records at the store edge and dispatches through the backend's ops table, so
 * a backend only ever sees checked, NUL-terminated values in a fixed field order.
 *
 * A backend embeds struct store as the FIRST member of its own connection struct and casts.
 */
#ifndef BIANMIN_STORE_STORE_IMPL_H
#define BIANMIN_STORE_STORE_IMPL_H

#if defined(BIANMIN_LAYER_WEB) || defined(BIANMIN_LAYER_WORKERS)
#error                                                                                             \
    "web/ and workers/ may not include store/ headers: call the domain (docs/ARCHITECTURE.md, Layers)"
#endif

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/db.h"
#include "base/search.h"
#include "store/store.h"

/* Longest last-error message a connection keeps. */
#define STORE_ERRMSG_MAX 256

/* Office string fields in binding order: the backends' SQL lists columns in this order. */
enum store_office_field {
  OFFICE_SLUG,
  OFFICE_NAME_ZH,
  OFFICE_NAME_EN,
  OFFICE_KIND,
  OFFICE_CITY_ZH,
  OFFICE_CITY_EN,
  OFFICE_ADDRESS_ZH,
  OFFICE_ADDRESS_EN,
  OFFICE_PHONE,
  OFFICE_EMAIL,
  OFFICE_HOURS_ZH,
  OFFICE_HOURS_EN,
  OFFICE_CASE_WORD_ZH,
  OFFICE_CASE_WORD_CODE,
  OFFICE_FIELD_COUNT
};

struct store_office_rec {
  const char *field[OFFICE_FIELD_COUNT]; /* borrowed from the caller's json_t; never NULL */
};

/* Unit string fields in binding order (after office_id). */
enum store_unit_field {
  UNIT_CODE,
  UNIT_NAME_ZH,
  UNIT_NAME_EN,
  UNIT_FLOOR_ZH,
  UNIT_FLOOR_EN,
  UNIT_COUNTER,
  UNIT_PHONE,
  UNIT_DUTIES_ZH,
  UNIT_DUTIES_EN,
  UNIT_FIELD_COUNT
};

struct store_unit_rec {
  const char *field[UNIT_FIELD_COUNT]; /* borrowed; never NULL */
  int64_t sort;
};

struct store_catalog_ops;

struct store_ops {
  const char *name; /* "sqlite", "postgresql" */
  void (*close)(struct store *store);
  int (*migrate)(struct store *store, int *applied);
  int (*schema_version)(struct store *store, int *version);
  int (*schema_latest)(struct store *store, int *version);
  int (*ping)(struct store *store);
  int (*info)(struct store *store, json_t *info);
  int (*begin)(struct store *store);
  int (*commit)(struct store *store);
  int (*rollback)(struct store *store);
  /* A read transaction (store_begin_read, store_end_read: one snapshot, no write lock) by
   * statements prepared once per connection. */
  int (*begin_read)(struct store *store);
  int (*end_read)(struct store *store);
  /* Optional (NULL: a no-op): lets the connection keep a read snapshot across read
   * transactions (store_reuse_reads). */
  void (*reuse_reads)(struct store *store);
  int (*office_put)(struct store *store, const struct store_office_rec *rec, int64_t *id);
  int (*office_list)(struct store *store, json_t *array);
  int (*office_get)(struct store *store, const char *slug, json_t **out);
  int (*unit_put)(struct store *store, int64_t office_id, const struct store_unit_rec *rec,
                  int64_t *id);
  int (*unit_list)(struct store *store, int64_t office_id, json_t *array);
  int (*setting_put)(struct store *store, int64_t office_id, const char *key, const char *value);
  int (*setting_get)(struct store *store, int64_t office_id, const char *key, char **value);
  /* The portable SQL seam (db.h): statements with $1..$n parameters. */
  int (*exec)(struct store *store, const char *sql, const struct db_param *params, size_t count,
              int64_t *changes);
  int (*query)(struct store *store, const char *sql, const struct db_param *params, size_t count,
               json_t *rows);
  int (*each)(struct store *store, const char *sql, const struct db_param *params, size_t count,
              db_row_fn fn, void *ctx);
  const struct store_catalog_ops *catalog; /* the catalogue (below) */
  /* After store_copy filled the tables with their ids (may be NULL): resets id generators and
   * rebuilds derived data such as the search index. */
  int (*copy_finish)(struct store *store);
};

struct store {
  const struct store_ops *ops;
  char errmsg[STORE_ERRMSG_MAX];
  bool in_transaction;    /* between store_begin and its commit or rollback */
  bool directory_touched; /* the open transaction changed the directory's tables */
};

/* Counts a change to offices, units, services or service forms (store/directory.c): at once
 * outside a transaction, at the commit inside one (store_directory_settle). */
void store_directory_touched(struct store *store);
void store_directory_settle(struct store *store, bool committed);

/* Records why the last call failed (store_last_error); returns st so callers can
 * `return store_fail(store, ST_INVALID, "...")`. */
int store_fail(struct store *store, int st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A numbered migration compiled into the binary. Numbers match across backends. */
struct store_migration {
  int version;
  const char *name;
  const char *sql;
};

extern const struct store_migration sqlite_migrations[];
extern const size_t sqlite_migrations_count;
extern const struct store_migration pg_migrations[];
extern const size_t pg_migrations_count;

/* The SQLite backend. path is a plain file path. */
int sqlite_store_open(const char *path, struct store **out, char *err, size_t err_size);
/* The PostgreSQL backend. url is a libpq connection URI ("postgresql://..."). */
int pg_store_open(const char *url, struct store **out, char *err, size_t err_size);

/* ---- Catalogue (migration 3) ------------------------------------------------------------ */

enum store_entity { STORE_SERVICE, STORE_FAQ, STORE_ANNOUNCEMENT, STORE_ENTITY_COUNT };

enum store_col_type {
  COL_TEXT,      /* one line of text; max = bytes */
  COL_MULTILINE, /* text that may hold newlines; max = bytes */
  COL_CODE,      /* [a-z0-9-]{0,40} (required ones at least 1) */
  COL_INT,       /* integer in [min, max]; missing_int (0 unless given) when missing */
  COL_INT_NULL,  /* integer in [min, max] or null; null when missing */
  COL_BOOL,      /* true/false; false when missing */
  COL_TEXT_LIST, /* array of one-line strings: at most min items of at most max bytes; stored as
                    JSON text */
  COL_DATE,      /* "YYYY-MM-DD", a real date */
  COL_JSON       /* a JSON array of at most max bytes, checked by the domain; stored as JSON text */
};

struct store_col {
  const char *name;
  enum store_col_type type;
  bool required;
  int64_t min, max;
  int64_t missing_int; /* COL_INT: the value of a record that leaves it out (the SQL default) */
};

/* What the put functions write: the table, its columns in binding order (the first column of
 * services is "unit", a unit code the backend turns into unit_id) and how a record is named in
 * messages. */
struct store_entity_def {
  const char *table;
  const char *noun;
  const struct store_col *cols;
  size_t count;
};

extern const struct store_entity_def store_entities[STORE_ENTITY_COUNT];

#define STORE_COLS_MAX 48

/* One checked value per column. text is set for text, code, date and list columns (lists as
 * their JSON text); num for integers and booleans; null for a null COL_INT_NULL. */
struct store_value {
  const char *text;
  int64_t num;
  bool null;
};

struct store_catalog_rec {
  enum store_entity entity;
  struct store_value v[STORE_COLS_MAX];
  char content_hash[65]; /* SHA-256 of every value but "published" */
  char *owned[STORE_COLS_MAX];
};

struct store_catalog_ops {
  int (*put)(struct store *store, int64_t office_id, const struct store_catalog_rec *rec,
             int64_t *id, bool *changed);
  int (*get)(struct store *store, enum store_entity entity, int64_t office_id, int64_t id,
             const char *slug, json_t **out);
  int (*list)(struct store *store, enum store_entity entity, int64_t office_id, bool published_only,
              int filter, const char *today, json_t *array);
  int (*publish)(struct store *store, enum store_entity entity, int64_t office_id, int64_t id,
                 bool published, bool *changed);
  int (*faq_count)(struct store *store, int64_t office_id, int64_t id, int helpful, int not_helpful,
                   int views);
  int (*faq_top)(struct store *store, int64_t office_id, int limit, json_t *array);
  int (*file_put)(struct store *store, const char *sha256, const void *bytes, size_t len,
                  const char *mime, const char *name);
  int (*file_get)(struct store *store, int64_t office_id, const char *sha256, bool published_only,
                  json_t **meta, void **bytes, size_t *len);
  int (*forms_set)(struct store *store, int64_t service_id, json_t *forms);
  int (*forms_list)(struct store *store, int64_t service_id, json_t *array);
  int (*forms_all)(struct store *store, json_t *array);
  int (*revision_add)(struct store *store, int64_t office_id, const char *entity, int64_t entity_id,
                      const char *action, int64_t actor_id, const char *actor,
                      const char *snapshot);
  int (*revision_list)(struct store *store, const char *entity, int64_t entity_id, json_t *array);
  /* match is a backend-neutral list of query terms (base/search.h). */
  int (*search)(struct store *store, int64_t office_id, const struct search_term *terms,
                size_t term_count, const char *today, int limit, json_t *array);
};

extern const struct store_catalog_ops sqlite_catalog_ops;
extern const struct store_catalog_ops pg_catalog_ops;

#endif
