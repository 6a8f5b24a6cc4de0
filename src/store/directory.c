/*
 * directory.c - the directory's version and read transactions (directory.h).
 */
#include <stdatomic.h>

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
  return store->ops->begin_read(store);
}

void store_reuse_reads(struct store *store)
{
  if (store->ops->reuse_reads)
    store->ops->reuse_reads(store);
}

int store_end_read(struct store *store, int rc)
{
  int end = store->ops->end_read(store);
  return rc ? rc : end;
}
