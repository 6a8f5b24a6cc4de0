/*
 * directory.h - what the in-memory directory of offices, units and services needs from the
 * store (domain/directory.c holds them; this is only how it learns that they changed).
 *
 * Every change to offices, units, services or service_forms moves a version number in the
 * database (triggers of migration 14), so a process on another node notices an edit by reading
 * one integer. Within this process the store also counts its own committed changes to those
 * tables (store_directory_generation), so the node that made an edit sees it at once.
 */
#ifndef BIANMIN_STORE_DIRECTORY_H
#define BIANMIN_STORE_DIRECTORY_H

#if defined(BIANMIN_LAYER_WEB) || defined(BIANMIN_LAYER_WORKERS)
#error                                                                                             \
    "web/ and workers/ may not include store/ headers: call the domain (docs/ARCHITECTURE.md, Layers)"
#endif

#include <stdint.h>

struct store;

/* The database's directory version. */
int store_directory_version(struct store *store, int64_t *version);
/* How many times a connection of this process committed a change to the directory's tables
 * (a change outside a transaction counts at once, one inside at its commit). */
uint64_t store_directory_generation(void);

/* A read transaction: every query until store_end_read sees one snapshot of the database
 * (SQLite: a deferred BEGIN; PostgreSQL: REPEATABLE READ, READ ONLY). store_end_read ends it
 * whatever happened in between and returns rc unchanged, or the end's own failure. */
int store_begin_read(struct store *store);
int store_end_read(struct store *store, int rc);
/* Lets a connection used by one thread for many short reads (a request thread's) keep its read
 * snapshot for up to a millisecond after store_end_read, so that the next read transaction
 * may reuse it without taking the database's read lock again. A commit by any connection of
 * this process ends the reuse at once; another process's write is seen at most 1 ms late.
 * SQLite only (PostgreSQL: a no-op). */
void store_reuse_reads(struct store *store);

#endif
