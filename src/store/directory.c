/*
 * directory.c - the directory's version and read transactions (directory.h).
 */
#include <stdatomic.h>
#include <string.h>

#include "store/directory.h"
#include "store/store_impl.h"

#include "base/common.h"

static atomic_uint_least64_t generation;

int store_directory_version(struct store *store, int64_t *version)
{
  static const char sql[] = "SELECT version FROM directory_version WHERE id = 1";
  return db_query_int(store, sql, NULL, 0, version);
}

uint64_t store_directory_generation(void)
{
  return atomic_load(&generation);
}

void store_directory_touched(struct store *store)
{
  if (store->in_transaction)
    store->directory_touched = true;
  else
    atomic_fetch_add(&generation, 1);
}

void store_directory_settle(struct store *store, bool committed)
{
  if (store->directory_touched && committed)
    atomic_fetch_add(&generation, 1);
  store->directory_touched = false;
}

int store_begin_read(struct store *store)
{
  static const char sqlite_sql[] = "BEGIN DEFERRED";
  static const char pg_sql[] = "START TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY";
  bool pg = strcmp(store->ops->name, "postgresql") == 0;
  return db_exec(store, pg ? pg_sql : sqlite_sql, NULL, 0, NULL);
}

int store_end_read(struct store *store, int rc)
{
  static const char sql[] = "COMMIT";
  int end = db_exec(store, sql, NULL, 0, NULL);
  return rc ? rc : end;
}
