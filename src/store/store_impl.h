/*
 * store_impl.h - what a store backend implements (private to src/store/). store.c parses the
 * URL, validates records at the store edge and dispatches through the backend's ops table, so
 * a backend only ever sees checked, NUL-terminated values in a fixed field order.
 *
 * A backend embeds struct store as the FIRST member of its own connection struct and casts.
 */
#ifndef BIANMIN_STORE_STORE_IMPL_H
#define BIANMIN_STORE_STORE_IMPL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "store/db.h"
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
};

struct store {
  const struct store_ops *ops;
  char errmsg[STORE_ERRMSG_MAX];
};

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

/* The SQLite backend. path is a plain file path. */
int sqlite_store_open(const char *path, struct store **out, char *err, size_t err_size);

#endif
