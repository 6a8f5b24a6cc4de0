/*
 * sqlite.c - the SQLite backend of the store (store_impl.h). One struct sqlite_store is one
 * connection, used by one thread at a time. Every statement is prepared once per connection
 * from the constant SQL below and cached; values only ever travel as bound parameters.
 *
 * Durability: the database runs in WAL mode with synchronous=NORMAL. A commit is appended to
 * the -wal file before sqlite3_step returns, so killing the process never loses an
 * acknowledged commit; only a power loss or OS crash may drop the last commits before a
 * checkpoint (never corrupting the file). FULL would add an fsync to every commit.
 */
#include <pthread.h>
#include <sched.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/sqlite_internal.h"
#include "store/store_impl.h"
#include "base/common.h"

/* How long a connection waits for another connection's write lock before failing. */
#define SQLITE_BUSY_TIMEOUT_MS 5000

/* The writers of this process take turns on one mutex before asking SQLite for its write lock
 * (a transaction from BEGIN to COMMIT or ROLLBACK, or one writing statement outside one).
 * SQLite's own busy handler waits by sleeping 1, 2, 5, 10... up to 100 ms between tries, so
 * with several request threads writing at once a writer slept for milliseconds while the lock
 * was free after half of one: intake answered 1,300 a second with a p99 of 430 ms. A mutex
 * wakes the next writer as soon as the lock is given back. The wait is bounded like SQLite's
 * (a connection that does not get it within SQLITE_BUSY_TIMEOUT_MS goes on to SQLite's own
 * wait), and another process (the command line) is still kept apart by SQLite's lock. */
static pthread_mutex_t writer = PTHREAD_MUTEX_INITIALIZER;

/* Read snapshots kept across read transactions (store_reuse_reads). A connection that opted in
 * does not end its read transaction at store_end_read: it keeps it ("held"), and the next
 * store_begin_read on it reuses it when it is younger than READ_REUSE_NS and no connection of
 * this process has committed since it began (`commits`, counted by the WAL hook). A lookup
 * within that time skips BEGIN, COMMIT and the WAL read lock's system calls.
 *
 * - A write by this process is seen at once: every commit moves `commits`, so the next read
 *   starts a new snapshot.
 * - A write by another process (the command line) is seen at most READ_REUSE_NS late.
 * - Anything else the connection runs (a write transaction, a statement outside one, closing)
 *   first ends a held snapshot (held_end), so no write ever runs inside a stale read.
 * - A connection whose thread goes idle would keep its snapshot, and the WAL could then not be
 *   reset, for as long as the thread sleeps. The sweeper thread ends snapshots older than
 *   READ_REUSE_NS on connections no thread is using; it sleeps while none is held.
 *
 * `held` says who owns the open transaction: HELD_NONE (none is held: the connection's own
 * thread owns it, the sweeper keeps off), HELD_KEPT (kept, owned by nobody: the connection's
 * thread or the sweeper takes it by compare-and-swap) or HELD_SWEEPING (the sweeper is ending
 * it; the connection's thread waits for HELD_NONE). */
#define READ_REUSE_NS 1000000
enum { HELD_NONE, HELD_KEPT, HELD_SWEEPING };

static atomic_uint_least64_t commits;
static pthread_mutex_t reuse_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t reuse_wake = PTHREAD_COND_INITIALIZER;
static struct sqlite_store *reuse_list; /* connections that opted in, under reuse_lock */
static atomic_bool sweeper_idle;        /* the sweeper waits on reuse_wake */
static atomic_bool sweeper_running;     /* started: connections may keep snapshots */

/* SQLite's default auto-checkpoint size, kept by the WAL hook that replaces its own. */
#define WAL_CHECKPOINT_FRAMES 1000

#define ISO_NOW "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"

enum stmt_id {
  STMT_BEGIN,
  STMT_BEGIN_READ,
  STMT_COMMIT,
  STMT_ROLLBACK,
  STMT_PING,
  STMT_JOURNAL_MODE,
  STMT_FOREIGN_KEYS,
  STMT_SYNCHRONOUS,
  STMT_BUSY_TIMEOUT,
  STMT_MIGRATIONS_TABLE,
  STMT_MIGRATIONS_EXIST,
  STMT_MIGRATION_APPLIED,
  STMT_MIGRATION_RECORD,
  STMT_SCHEMA_VERSION,
  STMT_OFFICE_UPSERT,
  STMT_OFFICE_ID,
  STMT_OFFICE_LIST,
  STMT_OFFICE_GET,
  STMT_UNIT_UPSERT,
  STMT_UNIT_LIST,
  STMT_SETTING_PUT,
  STMT_SETTING_GET,
  STMT_COUNT
};

#define OFFICE_COLUMNS                                                                             \
  "slug, name_zh, name_en, kind, city_zh, city_en, address_zh, address_en, phone, email, "         \
  "hours_zh, hours_en, case_word_zh, case_word_code"
#define UNIT_COLUMNS                                                                               \
  "code, name_zh, name_en, floor_zh, floor_en, counter, phone, duties_zh, duties_en"

static const char *const stmt_sql[STMT_COUNT] = {
    [STMT_BEGIN] = "BEGIN IMMEDIATE",
    [STMT_BEGIN_READ] = "BEGIN DEFERRED",
    [STMT_COMMIT] = "COMMIT",
    [STMT_ROLLBACK] = "ROLLBACK",
    [STMT_PING] = "SELECT 1",
    [STMT_JOURNAL_MODE] = "PRAGMA journal_mode",
    [STMT_FOREIGN_KEYS] = "PRAGMA foreign_keys",
    [STMT_SYNCHRONOUS] = "PRAGMA synchronous",
    [STMT_BUSY_TIMEOUT] = "PRAGMA busy_timeout",
    [STMT_MIGRATIONS_TABLE] = "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER "
                              "PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
    [STMT_MIGRATIONS_EXIST] = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name "
                              "= 'schema_migrations'",
    [STMT_MIGRATION_APPLIED] = "SELECT count(*) FROM schema_migrations WHERE version = ?1",
    [STMT_MIGRATION_RECORD] = "INSERT INTO schema_migrations (version, name, applied_at) "
                              "VALUES (?1, ?2, " ISO_NOW ")",
    [STMT_SCHEMA_VERSION] = "SELECT coalesce(max(version), 0) FROM schema_migrations",
    /* An update that changes nothing keeps updated_at, and then returns no row. */
    [STMT_OFFICE_UPSERT] =
        "INSERT INTO offices (" OFFICE_COLUMNS ", updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
        "?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, " ISO_NOW ") ON CONFLICT (slug) DO UPDATE SET "
        "name_zh = excluded.name_zh, name_en = excluded.name_en, kind = excluded.kind, city_zh "
        "= excluded.city_zh, city_en = excluded.city_en, address_zh = excluded.address_zh, "
        "address_en = excluded.address_en, phone = excluded.phone, email = excluded.email, "
        "hours_zh = excluded.hours_zh, hours_en = excluded.hours_en, case_word_zh = "
        "excluded.case_word_zh, case_word_code = excluded.case_word_code, updated_at = "
        "excluded.updated_at WHERE (" OFFICE_COLUMNS ") IS NOT (excluded.slug, excluded.name_zh, "
        "excluded.name_en, excluded.kind, excluded.city_zh, excluded.city_en, "
        "excluded.address_zh, excluded.address_en, excluded.phone, excluded.email, "
        "excluded.hours_zh, excluded.hours_en, excluded.case_word_zh, excluded.case_word_code) "
        "RETURNING id",
    [STMT_OFFICE_ID] = "SELECT id FROM offices WHERE slug = ?1",
    [STMT_OFFICE_LIST] = "SELECT id, " OFFICE_COLUMNS ", updated_at FROM offices ORDER BY id",
    [STMT_OFFICE_GET] = "SELECT id, " OFFICE_COLUMNS ", updated_at FROM offices WHERE slug = ?1",
    [STMT_UNIT_UPSERT] =
        "INSERT INTO units (office_id, " UNIT_COLUMNS ", sort) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
        "?7, ?8, ?9, ?10, ?11) ON CONFLICT (office_id, code) DO UPDATE SET name_zh = "
        "excluded.name_zh, name_en = excluded.name_en, floor_zh = excluded.floor_zh, floor_en = "
        "excluded.floor_en, counter = excluded.counter, phone = excluded.phone, duties_zh = "
        "excluded.duties_zh, duties_en = excluded.duties_en, sort = excluded.sort RETURNING id",
    [STMT_UNIT_LIST] = "SELECT id, office_id, " UNIT_COLUMNS ", sort FROM units WHERE office_id "
                       "= ?1 ORDER BY sort, id",
    [STMT_SETTING_PUT] = "INSERT INTO settings (office_id, key, value) VALUES (?1, ?2, ?3) ON "
                         "CONFLICT (office_id, key) DO UPDATE SET value = excluded.value",
    [STMT_SETTING_GET] = "SELECT value FROM settings WHERE office_id = ?1 AND key = ?2",
};

/* Statements of the portable SQL seam (db.h) and of the catalogue (sqlite_internal.h), cached
 * by the address of their SQL, which must not change while the process runs. A lookup probes
 * at most SQL_CACHE_PROBES slots; a statement that finds none free is prepared per call. */
enum { SQL_CACHE_SLOTS = 512, SQL_CACHE_PROBES = 32 };

struct sql_cache_slot {
  const char *sql;
  sqlite3_stmt *stmt;
  bool ordered; /* its parameters are $1..$n in that order (params_ordered) */
};

struct sqlite_store {
  struct store base; /* first: a struct store * is a struct sqlite_store * */
  sqlite3 *db;
  sqlite3_stmt *stmt[STMT_COUNT];
  struct sql_cache_slot cache[SQL_CACHE_SLOTS];
  int64_t prepared; /* statements prepared on this connection (store_info statements_prepared) */
  bool writing;     /* holds `writer` */
  /* Kept read snapshots (store_reuse_reads; see READ_REUSE_NS). */
  bool reuse;
  atomic_int held;
  uint64_t snap_commits;     /* `commits` when the snapshot began */
  atomic_llong snap_ns;      /* CLOCK_MONOTONIC when it began (read by the sweeper too) */
  struct sqlite_store *next; /* in reuse_list */
};

static struct sqlite_store *conn(struct store *store)
{
  return (struct sqlite_store *)store;
}

/* Turns the connection's last SQLite error into a status and a message. */
static int db_fail(struct sqlite_store *s, const char *what)
{
  int code = sqlite3_extended_errcode(s->db);
  int st = ST_DB;
  if (code == SQLITE_CONSTRAINT_FOREIGNKEY)
    st = ST_NOTFOUND;
  else if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY)
    st = ST_CONFLICT;
  else if ((code & 0xff) == SQLITE_CONSTRAINT)
    st = ST_INVALID;
  else if (code == SQLITE_NOMEM)
    st = ST_NOMEM;
  return store_fail(&s->base, st, "%s: %s", what, sqlite3_errmsg(s->db));
}

static void held_end(struct sqlite_store *s);

/* The cached statement id, prepared on first use and reset, with no bindings, for reuse; a
 * held snapshot is left alone (for the code that ends one). */
static int stmt_prepared(struct sqlite_store *s, enum stmt_id id, sqlite3_stmt **out)
{
  if (!s->stmt[id]) {
    int rc =
        sqlite3_prepare_v3(s->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &s->stmt[id], NULL);
    if (rc != SQLITE_OK)
      return db_fail(s, "prepare");
    s->prepared++;
  }
  *out = s->stmt[id];
  return ST_OK;
}

/* The cached statement id for a statement of the connection's own: a held snapshot ends first. */
static int stmt_get(struct sqlite_store *s, enum stmt_id id, sqlite3_stmt **out)
{
  held_end(s);
  return stmt_prepared(s, id, out);
}

static void stmt_done(sqlite3_stmt *stmt)
{
  if (!stmt)
    return;
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
}

/* Runs a statement that returns no rows (or whose rows are not wanted). */
static int exec_stmt(struct sqlite_store *s, sqlite3_stmt *stmt, const char *what)
{
  int rc = sqlite3_step(stmt);
  while (rc == SQLITE_ROW)
    rc = sqlite3_step(stmt);
  int st = rc == SQLITE_DONE ? ST_OK : db_fail(s, what);
  stmt_done(stmt);
  return st;
}

static int exec_id(struct sqlite_store *s, enum stmt_id id, const char *what)
{
  sqlite3_stmt *stmt = NULL;
  int rc = stmt_get(s, id, &stmt);
  return rc ? rc : exec_stmt(s, stmt, what);
}

/* Steps a bound statement expected to return at most one row with an integer in column 0.
 * *found says whether a row came; the statement is reset either way. */
static int step_int(struct sqlite_store *s, sqlite3_stmt *stmt, int64_t *value, bool *found)
{
  int rc = sqlite3_step(stmt);
  *found = rc == SQLITE_ROW;
  if (rc == SQLITE_ROW) {
    *value = sqlite3_column_int64(stmt, 0);
    rc = sqlite3_step(stmt);
  }
  int st = rc == SQLITE_DONE ? ST_OK : db_fail(s, "query");
  stmt_done(stmt);
  return st;
}

static int query_int(struct sqlite_store *s, enum stmt_id id, int64_t *value)
{
  sqlite3_stmt *stmt = NULL;
  bool found;
  int rc = stmt_get(s, id, &stmt);
  if (rc == ST_OK)
    rc = step_int(s, stmt, value, &found);
  if (rc == ST_OK && !found)
    rc = store_fail(&s->base, ST_DB, "query returned no row");
  return rc;
}

static json_t *column_json(sqlite3_stmt *stmt, int col)
{
  switch (sqlite3_column_type(stmt, col)) {
  case SQLITE_INTEGER:
    return json_integer(sqlite3_column_int64(stmt, col));
  case SQLITE_FLOAT:
    return json_real(sqlite3_column_double(stmt, col));
  case SQLITE_TEXT:
    return json_stringn_nocheck((const char *)sqlite3_column_text(stmt, col),
                                (size_t)sqlite3_column_bytes(stmt, col));
  default:
    return json_null();
  }
}

/* The current row as an object keyed by column name. */
static int row_json(struct sqlite_store *s, sqlite3_stmt *stmt, json_t **out)
{
  json_t *row = json_object();
  if (!row)
    return ST_NOMEM;
  for (int col = 0; col < sqlite3_column_count(stmt); col++) {
    json_t *value = column_json(stmt, col);
    if (!value) {
      json_decref(row);
      return store_fail(&s->base, ST_DB, "column %s is not valid UTF-8",
                        sqlite3_column_name(stmt, col));
    }
    if (json_object_set_new(row, sqlite3_column_name(stmt, col), value)) {
      json_decref(row);
      return ST_NOMEM;
    }
  }
  *out = row;
  return ST_OK;
}

/* Appends every row of a bound statement to array, then resets the statement (or finalises
 * it when finalize is true). */
static int rows_json_then(struct sqlite_store *s, sqlite3_stmt *stmt, json_t *array, bool finalize)
{
  int st = ST_OK;
  int rc = SQLITE_DONE;
  while (st == ST_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    json_t *row = NULL;
    st = row_json(s, stmt, &row);
    if (st == ST_OK && json_array_append_new(array, row))
      st = ST_NOMEM;
  }
  if (st == ST_OK && rc != SQLITE_DONE)
    st = db_fail(s, "query");
  if (finalize)
    sqlite3_finalize(stmt);
  else
    stmt_done(stmt);
  return st;
}

static int rows_json(struct sqlite_store *s, sqlite3_stmt *stmt, json_t *array)
{
  return rows_json_then(s, stmt, array, false);
}

static int bind_texts(struct sqlite_store *s, sqlite3_stmt *stmt, int first,
                      const char *const *texts, int count)
{
  for (int i = 0; i < count; i++)
    if (sqlite3_bind_text(stmt, first + i, texts[i], -1, SQLITE_STATIC) != SQLITE_OK)
      return db_fail(s, "bind");
  return ST_OK;
}

/* Gives this process's turn to write back, if the connection holds it (see `writer`). */
static void writer_give(struct sqlite_store *s)
{
  if (s->writing) {
    s->writing = false;
    pthread_mutex_unlock(&writer);
  }
}

static long long mono_ns(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Ends a held snapshot's transaction, taken by the caller (a read: COMMIT only gives its read
 * lock back). A failed COMMIT rolls back, so the connection is never left inside it. */
static void snapshot_end(struct sqlite_store *s)
{
  sqlite3_stmt *stmt = NULL;
  if (stmt_prepared(s, STMT_COMMIT, &stmt) == ST_OK)
    exec_stmt(s, stmt, "commit");
  if (!sqlite3_get_autocommit(s->db) && stmt_prepared(s, STMT_ROLLBACK, &stmt) == ST_OK)
    exec_stmt(s, stmt, "rollback");
}

/* Takes a held snapshot back for the connection's own thread: true when one was held (its
 * transaction is still open and now the caller's), false when none was or the sweeper has
 * just ended it. */
static bool held_take(struct sqlite_store *s)
{
  for (;;) {
    int expect = HELD_KEPT;
    if (atomic_compare_exchange_strong(&s->held, &expect, HELD_NONE))
      return true;
    if (expect == HELD_NONE)
      return false;
    sched_yield(); /* HELD_SWEEPING: the sweeper's COMMIT takes microseconds */
  }
}

/* Before anything but a read transaction runs on the connection: ends a held snapshot. Only the
 * connection's own thread sets HELD_KEPT, so HELD_NONE read here stays so. */
static void held_end(struct sqlite_store *s)
{
  if (s->reuse && atomic_load_explicit(&s->held, memory_order_acquire) != HELD_NONE && held_take(s))
    snapshot_end(s);
}

/* One pass of the sweeper, under reuse_lock: ends the snapshots held longer than
 * READ_REUSE_NS. True when a younger one is still held. */
static bool sweep_pass(void)
{
  bool younger = false;
  long long now = mono_ns();
  for (struct sqlite_store *s = reuse_list; s; s = s->next) {
    if (atomic_load(&s->held) != HELD_KEPT)
      continue;
    if (now - atomic_load_explicit(&s->snap_ns, memory_order_relaxed) < READ_REUSE_NS) {
      younger = true;
      continue;
    }
    int expect = HELD_KEPT;
    if (!atomic_compare_exchange_strong(&s->held, &expect, HELD_SWEEPING))
      continue;
    snapshot_end(s);
    atomic_store(&s->held, HELD_NONE);
  }
  return younger;
}

/* Sleeps while no snapshot is held; otherwise sweeps every READ_REUSE_NS. A connection that
 * keeps a snapshot after reading sweeper_idle as true wakes it; the sweeper sets sweeper_idle
 * before its last look, so one of the two always sees the other. */
static void *sweeper(void *arg)
{
  (void)arg;
  struct timespec pause = {0, READ_REUSE_NS};
  pthread_mutex_lock(&reuse_lock);
  for (;;) {
    if (!sweep_pass()) {
      atomic_store(&sweeper_idle, true);
      if (!sweep_pass())
        pthread_cond_wait(&reuse_wake, &reuse_lock);
      atomic_store(&sweeper_idle, false);
    }
    pthread_mutex_unlock(&reuse_lock);
    nanosleep(&pause, NULL);
    pthread_mutex_lock(&reuse_lock);
  }
  return NULL;
}

static void sweeper_start(void)
{
  pthread_t thread;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  /* Without a sweeper, no connection keeps a snapshot (sqlite_reuse_reads). */
  if (pthread_create(&thread, &attr, sweeper, NULL) == 0)
    atomic_store(&sweeper_running, true);
  pthread_attr_destroy(&attr);
}

static void sqlite_reuse_reads(struct store *store)
{
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  struct sqlite_store *s = conn(store);
  pthread_once(&once, sweeper_start);
  if (s->reuse || !atomic_load(&sweeper_running))
    return;
  pthread_mutex_lock(&reuse_lock);
  s->next = reuse_list;
  reuse_list = s;
  s->reuse = true;
  pthread_mutex_unlock(&reuse_lock);
}

/* Takes the connection off reuse_list and ends its snapshot (on closing). */
static void reuse_leave(struct sqlite_store *s)
{
  if (!s->reuse)
    return;
  pthread_mutex_lock(&reuse_lock);
  for (struct sqlite_store **p = &reuse_list; *p; p = &(*p)->next)
    if (*p == s) {
      *p = s->next;
      break;
    }
  pthread_mutex_unlock(&reuse_lock);
  if (held_take(s))
    snapshot_end(s);
  s->reuse = false;
}

/* The WAL hook, called after every commit of any connection of this process: counts it (see
 * READ_REUSE_NS), then checkpoints as SQLite's own hook does, which this one replaces. */
static int wal_committed(void *arg, sqlite3 *db, const char *name, int frames)
{
  (void)arg;
  atomic_fetch_add(&commits, 1);
  if (frames >= WAL_CHECKPOINT_FRAMES)
    sqlite3_wal_checkpoint(db, name);
  return SQLITE_OK;
}

static void sqlite_close(struct store *store)
{
  struct sqlite_store *s = conn(store);
  writer_give(s);
  reuse_leave(s);
  for (size_t i = 0; i < STMT_COUNT; i++)
    sqlite3_finalize(s->stmt[i]);
  for (size_t i = 0; i < SQL_CACHE_SLOTS; i++)
    sqlite3_finalize(s->cache[i].stmt);
  sqlite3_close_v2(s->db);
  free(s);
}

static int sqlite_ping(struct store *store)
{
  int64_t one = 0;
  return query_int(conn(store), STMT_PING, &one);
}

/* Takes this process's turn to write (see `writer`); a no-op when the connection has it. */
static void writer_take(struct sqlite_store *s)
{
  if (s->writing)
    return;
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += SQLITE_BUSY_TIMEOUT_MS / 1000;
  s->writing = pthread_mutex_timedlock(&writer, &until) == 0;
}

/* Gives the turn back once no transaction is open on the connection. */
static void writer_done(struct sqlite_store *s)
{
  if (sqlite3_get_autocommit(s->db))
    writer_give(s);
}

/* Before a statement that writes (an INSERT ... RETURNING read as rows too): takes the turn,
 * for this statement only when no transaction is open (writer_done gives it back). True when
 * the statement writes. */
static bool writer_for(struct sqlite_store *s, sqlite3_stmt *stmt)
{
  if (sqlite3_stmt_readonly(stmt))
    return false;
  writer_take(s);
  return true;
}

bool sqlite_store_writing(struct store *store)
{
  return conn(store)->writing;
}

static int sqlite_begin(struct store *store)
{
  struct sqlite_store *s = conn(store);
  held_end(s);
  if (!sqlite3_get_autocommit(s->db))
    return store_fail(store, ST_CONFLICT, "a transaction is already open");
  writer_take(s);
  int rc = exec_id(s, STMT_BEGIN, "begin");
  writer_done(s);
  return rc;
}

static int sqlite_commit(struct store *store)
{
  struct sqlite_store *s = conn(store);
  held_end(s);
  if (sqlite3_get_autocommit(s->db))
    return store_fail(store, ST_INVALID, "commit without a transaction");
  int rc = exec_id(s, STMT_COMMIT, "commit");
  writer_done(s);
  return rc;
}

/* Rolling back with no transaction open is a no-op, so cleanup paths may always call it. */
static int sqlite_rollback(struct store *store)
{
  struct sqlite_store *s = conn(store);
  held_end(s);
  if (sqlite3_get_autocommit(s->db))
    return ST_OK;
  int rc = exec_id(s, STMT_ROLLBACK, "rollback");
  writer_done(s);
  return rc;
}

/* A read transaction takes no write turn: BEGIN DEFERRED takes SQLite's read lock (one
 * snapshot in WAL mode) at its first read. On a connection that keeps snapshots, a held one
 * young enough and with no commit of this process since is reused instead (READ_REUSE_NS). */
static int sqlite_begin_read(struct store *store)
{
  struct sqlite_store *s = conn(store);
  if (s->reuse) {
    uint64_t now_commits = atomic_load(&commits);
    long long now = mono_ns();
    if (held_take(s)) {
      if (s->snap_commits == now_commits &&
          now - atomic_load_explicit(&s->snap_ns, memory_order_relaxed) < READ_REUSE_NS)
        return ST_OK;
      snapshot_end(s);
    }
    s->snap_commits = now_commits;
    atomic_store_explicit(&s->snap_ns, now, memory_order_relaxed);
  }
  return exec_id(s, STMT_BEGIN_READ, "begin");
}

/* Ends a read transaction, or keeps it (see READ_REUSE_NS) when it only read. */
static int sqlite_end_read(struct store *store)
{
  struct sqlite_store *s = conn(store);
  if (s->reuse && sqlite3_txn_state(s->db, NULL) == SQLITE_TXN_READ) {
    atomic_store(&s->held, HELD_KEPT);
    if (atomic_load(&sweeper_idle)) {
      pthread_mutex_lock(&reuse_lock);
      pthread_cond_signal(&reuse_wake);
      pthread_mutex_unlock(&reuse_lock);
    }
    return ST_OK;
  }
  int rc = exec_id(s, STMT_COMMIT, "commit");
  writer_done(s);
  return rc;
}

static int pragma_text(struct sqlite_store *s, enum stmt_id id, json_t *info, const char *key)
{
  sqlite3_stmt *stmt = NULL;
  int rc = stmt_get(s, id, &stmt);
  if (rc)
    return rc;
  if (sqlite3_step(stmt) == SQLITE_ROW) {
    const char *text = (const char *)sqlite3_column_text(stmt, 0);
    if (json_object_set_new(info, key, json_string(text ? text : "")))
      rc = ST_NOMEM;
  } else {
    rc = db_fail(s, key);
  }
  stmt_done(stmt);
  return rc;
}

static int sqlite_info(struct store *store, json_t *info)
{
  struct sqlite_store *s = conn(store);
  int64_t foreign_keys = 0, synchronous = 0, busy_timeout = 0;
  int rc = pragma_text(s, STMT_JOURNAL_MODE, info, "journal_mode");
  if (rc == ST_OK)
    rc = query_int(s, STMT_FOREIGN_KEYS, &foreign_keys);
  if (rc == ST_OK)
    rc = query_int(s, STMT_SYNCHRONOUS, &synchronous);
  if (rc == ST_OK)
    rc = query_int(s, STMT_BUSY_TIMEOUT, &busy_timeout);
  if (rc)
    return rc;
  if (json_object_set_new(info, "foreign_keys", json_boolean(foreign_keys)) ||
      json_object_set_new(info, "synchronous", json_integer(synchronous)) ||
      json_object_set_new(info, "busy_timeout_ms", json_integer(busy_timeout)) ||
      json_object_set_new(info, "sqlite_version", json_string(sqlite3_libversion())) ||
      json_object_set_new(info, "statements_prepared", json_integer(s->prepared)))
    return ST_NOMEM;
  return ST_OK;
}

static int sqlite_schema_version(struct store *store, int *version)
{
  struct sqlite_store *s = conn(store);
  int64_t exists = 0, max = 0;
  int rc = query_int(s, STMT_MIGRATIONS_EXIST, &exists);
  if (rc == ST_OK && exists)
    rc = query_int(s, STMT_SCHEMA_VERSION, &max);
  if (rc == ST_OK)
    *version = (int)max;
  return rc;
}

static int sqlite_schema_latest(struct store *store, int *version)
{
  int latest = 0;
  for (size_t i = 0; i < sqlite_migrations_count; i++)
    if (sqlite_migrations[i].version > latest)
      latest = sqlite_migrations[i].version;
  *version = latest;
  return ST_OK;
}

/* Applies one migration in its own transaction unless it is already recorded. The check runs
 * inside the write lock, so two processes migrating at once apply it exactly once. */
static int migrate_one(struct sqlite_store *s, const struct store_migration *m, bool *ran)
{
  sqlite3_stmt *stmt = NULL;
  int64_t applied = 0;
  bool found;
  int rc = sqlite_begin(&s->base);
  if (rc)
    return rc;
  rc = stmt_get(s, STMT_MIGRATION_APPLIED, &stmt);
  if (rc == ST_OK && sqlite3_bind_int(stmt, 1, m->version) != SQLITE_OK)
    rc = db_fail(s, "bind");
  if (rc == ST_OK)
    rc = step_int(s, stmt, &applied, &found);
  *ran = rc == ST_OK && !applied;
  if (*ran && sqlite3_exec(s->db, m->sql, NULL, NULL, NULL) != SQLITE_OK)
    rc = store_fail(&s->base, ST_DB, "migration %d (%s): %s", m->version, m->name,
                    sqlite3_errmsg(s->db));
  if (rc == ST_OK && *ran)
    rc = stmt_get(s, STMT_MIGRATION_RECORD, &stmt);
  if (rc == ST_OK && *ran) {
    sqlite3_bind_int(stmt, 1, m->version);
    sqlite3_bind_text(stmt, 2, m->name, -1, SQLITE_STATIC);
    rc = exec_stmt(s, stmt, "record migration");
  }
  if (rc == ST_OK)
    return sqlite_commit(&s->base);
  sqlite_rollback(&s->base);
  return rc;
}

/* The migration with the smallest version above after, or NULL. Numbers may have gaps (a
 * number reserved for work merged later) and the table need not be sorted: every migration
 * not yet applied runs, in ascending order. */
static const struct store_migration *next_migration(int after)
{
  const struct store_migration *best = NULL;
  for (size_t i = 0; i < sqlite_migrations_count; i++) {
    const struct store_migration *m = &sqlite_migrations[i];
    if (m->version > after && (!best || m->version < best->version))
      best = m;
  }
  return best;
}

static int sqlite_migrate(struct store *store, int *applied)
{
  struct sqlite_store *s = conn(store);
  *applied = 0;
  held_end(s);
  if (!sqlite3_get_autocommit(s->db))
    return store_fail(store, ST_INVALID, "migrate inside a transaction");
  int rc = exec_id(s, STMT_MIGRATIONS_TABLE, "create schema_migrations");
  int done = 0; /* the highest version visited so far */
  const struct store_migration *m;
  while (rc == ST_OK && (m = next_migration(done)) != NULL) {
    bool ran = false;
    rc = migrate_one(s, m, &ran);
    if (ran && rc == ST_OK)
      (*applied)++;
    done = m->version;
  }
  return rc;
}

static int sqlite_office_put(struct store *store, const struct store_office_rec *rec, int64_t *id)
{
  struct sqlite_store *s = conn(store);
  sqlite3_stmt *stmt = NULL;
  bool found = false;
  int rc = stmt_get(s, STMT_OFFICE_UPSERT, &stmt);
  if (rc)
    return rc;
  rc = bind_texts(s, stmt, 1, rec->field, OFFICE_FIELD_COUNT);
  if (rc == ST_OK)
    rc = step_int(s, stmt, id, &found);
  else
    stmt_done(stmt);
  if (rc || found)
    return rc;
  /* Unchanged: the row exists and keeps its id. */
  rc = stmt_get(s, STMT_OFFICE_ID, &stmt);
  if (rc == ST_OK)
    rc = bind_texts(s, stmt, 1, &rec->field[OFFICE_SLUG], 1);
  if (rc == ST_OK)
    rc = step_int(s, stmt, id, &found);
  if (rc == ST_OK && !found)
    rc = store_fail(store, ST_DB, "office %s vanished during update", rec->field[OFFICE_SLUG]);
  return rc;
}

static int sqlite_office_list(struct store *store, json_t *array)
{
  struct sqlite_store *s = conn(store);
  sqlite3_stmt *stmt = NULL;
  int rc = stmt_get(s, STMT_OFFICE_LIST, &stmt);
  return rc ? rc : rows_json(s, stmt, array);
}

static int sqlite_office_get(struct store *store, const char *slug, json_t **out)
{
  struct sqlite_store *s = conn(store);
  sqlite3_stmt *stmt = NULL;
  json_t *rows = json_array();
  if (!rows)
    return ST_NOMEM;
  int rc = stmt_get(s, STMT_OFFICE_GET, &stmt);
  if (rc == ST_OK)
    rc = bind_texts(s, stmt, 1, &slug, 1);
  if (rc == ST_OK)
    rc = rows_json(s, stmt, rows);
  if (rc == ST_OK && json_array_size(rows) == 0)
    rc = store_fail(store, ST_NOTFOUND, "no office %s", slug);
  if (rc == ST_OK)
    *out = json_incref(json_array_get(rows, 0));
  json_decref(rows);
  return rc;
}

static int sqlite_unit_put(struct store *store, int64_t office_id, const struct store_unit_rec *rec,
                           int64_t *id)
{
  struct sqlite_store *s = conn(store);
  sqlite3_stmt *stmt = NULL;
  bool found = false;
  int rc = stmt_get(s, STMT_UNIT_UPSERT, &stmt);
  if (rc)
    return rc;
  if (sqlite3_bind_int64(stmt, 1, office_id) != SQLITE_OK ||
      sqlite3_bind_int64(stmt, 2 + UNIT_FIELD_COUNT, rec->sort) != SQLITE_OK)
    rc = db_fail(s, "bind");
  if (rc == ST_OK)
    rc = bind_texts(s, stmt, 2, rec->field, UNIT_FIELD_COUNT);
  if (rc) {
    stmt_done(stmt);
    return rc;
  }
  rc = step_int(s, stmt, id, &found);
  if (rc == ST_NOTFOUND)
    return store_fail(store, ST_NOTFOUND, "no office with id %lld", (long long)office_id);
  return rc;
}

static int sqlite_unit_list(struct store *store, int64_t office_id, json_t *array)
{
  struct sqlite_store *s = conn(store);
  sqlite3_stmt *stmt = NULL;
  int rc = stmt_get(s, STMT_UNIT_LIST, &stmt);
  if (rc)
    return rc;
  if (sqlite3_bind_int64(stmt, 1, office_id) != SQLITE_OK) {
    stmt_done(stmt);
    return db_fail(s, "bind");
  }
  return rows_json(s, stmt, array);
}

static int sqlite_setting_put(struct store *store, int64_t office_id, const char *key,
                              const char *value)
{
  struct sqlite_store *s = conn(store);
  sqlite3_stmt *stmt = NULL;
  const char *texts[2] = {key, value};
  int rc = stmt_get(s, STMT_SETTING_PUT, &stmt);
  if (rc)
    return rc;
  if (sqlite3_bind_int64(stmt, 1, office_id) != SQLITE_OK)
    rc = db_fail(s, "bind");
  if (rc == ST_OK)
    rc = bind_texts(s, stmt, 2, texts, 2);
  if (rc) {
    stmt_done(stmt);
    return rc;
  }
  return exec_stmt(s, stmt, "setting put");
}

static int copy_text_column(struct store *store, sqlite3_stmt *stmt, char **value)
{
  const unsigned char *text = sqlite3_column_text(stmt, 0);
  size_t len = (size_t)sqlite3_column_bytes(stmt, 0);
  char *copy = malloc(len + 1);
  if (!copy)
    return store_fail(store, ST_NOMEM, "out of memory");
  if (len)
    memcpy(copy, text, len);
  copy[len] = '\0';
  *value = copy;
  return ST_OK;
}

static int sqlite_setting_get(struct store *store, int64_t office_id, const char *key, char **value)
{
  struct sqlite_store *s = conn(store);
  sqlite3_stmt *stmt = NULL;
  int rc = stmt_get(s, STMT_SETTING_GET, &stmt);
  if (rc)
    return rc;
  if (sqlite3_bind_int64(stmt, 1, office_id) != SQLITE_OK ||
      sqlite3_bind_text(stmt, 2, key, -1, SQLITE_STATIC) != SQLITE_OK) {
    stmt_done(stmt);
    return db_fail(s, "bind");
  }
  int step = sqlite3_step(stmt);
  if (step == SQLITE_ROW)
    rc = copy_text_column(store, stmt, value);
  else if (step == SQLITE_DONE)
    rc = store_fail(store, ST_NOTFOUND, "no setting %s", key);
  else
    rc = db_fail(s, "setting get");
  stmt_done(stmt);
  return rc;
}

/* The prepared statement for sql, from the cache (or prepared now and cached, or, when the
 * cache has no slot for it, prepared now and marked for finalising by the caller with *owned).
 * The address is hashed multiplicatively: SQL built into fixed buffers sits at strides of a
 * power of two, which a plain modulus would crowd into a few slots. */
static bool params_ordered(sqlite3_stmt *stmt);

static int sql_stmt_ordered(struct sqlite_store *s, const char *sql, sqlite3_stmt **out,
                            bool *owned, bool *ordered)
{
  held_end(s);
  size_t h = (size_t)(((uint64_t)(uintptr_t)sql * UINT64_C(0x9E3779B97F4A7C15)) >> 40);
  struct sql_cache_slot *slot = NULL;
  for (size_t i = 0; i < SQL_CACHE_PROBES && !slot; i++) {
    struct sql_cache_slot *c = &s->cache[(h + i) % SQL_CACHE_SLOTS];
    if (c->sql == sql || c->sql == NULL)
      slot = c;
  }
  *owned = slot == NULL;
  if (slot && slot->stmt) {
    *out = slot->stmt;
    *ordered = slot->ordered;
    return ST_OK;
  }
  if (sqlite3_prepare_v3(s->db, sql, -1, slot ? SQLITE_PREPARE_PERSISTENT : 0, out, NULL) !=
      SQLITE_OK)
    return db_fail(s, "prepare");
  s->prepared++;
  *ordered = params_ordered(*out);
  if (slot) {
    slot->sql = sql;
    slot->stmt = *out;
    slot->ordered = *ordered;
  }
  return ST_OK;
}

static int sql_stmt(struct sqlite_store *s, const char *sql, sqlite3_stmt **out, bool *owned)
{
  bool ordered;
  return sql_stmt_ordered(s, sql, out, owned, &ordered);
}

/* Binds $1..$count by name, so the SQL may use each parameter any number of times. */
/* "$n" for the n-th parameter (n >= 1), written by hand: this runs for every bound value. */
static void param_name(char name[24], size_t n)
{
  char digits[20];
  size_t k = 0;
  do {
    digits[k++] = (char)('0' + n % 10);
    n /= 10;
  } while (n && k < sizeof(digits));
  name[0] = '$';
  for (size_t i = 0; i < k; i++)
    name[1 + i] = digits[k - 1 - i];
  name[1 + k] = '\0';
}

/* Whether the statement's parameters are named $1..$n in their order of number (SQLite numbers
 * them by first appearance), so that $k is bound at index k without looking its name up. */
static bool params_ordered(sqlite3_stmt *stmt)
{
  int n = sqlite3_bind_parameter_count(stmt);
  for (int i = 1; i <= n; i++) {
    char name[24];
    const char *has = sqlite3_bind_parameter_name(stmt, i);
    param_name(name, (size_t)i);
    if (!has || strcmp(has, name) != 0)
      return false;
  }
  return true;
}

/* Binds $k at its index: k itself when the statement is ordered (and k is one of its
 * parameters), else the index its name has (0: not used there). */
static int bind_params(struct sqlite_store *s, sqlite3_stmt *stmt, bool ordered,
                       const struct db_param *params, size_t count)
{
  size_t n = ordered ? (size_t)sqlite3_bind_parameter_count(stmt) : 0;
  for (size_t i = 0; i < count; i++) {
    char name[24];
    int idx = (int)i + 1, rc = SQLITE_OK;
    if (ordered && i >= n)
      break;
    if (!ordered) {
      param_name(name, i + 1);
      idx = sqlite3_bind_parameter_index(stmt, name);
    }
    if (idx == 0)
      continue;
    if (params[i].type == DB_INT)
      rc = sqlite3_bind_int64(stmt, idx, params[i].i);
    else if (params[i].type == DB_TEXT)
      rc = sqlite3_bind_text(stmt, idx, params[i].s, -1, SQLITE_STATIC);
    else if (params[i].type == DB_BLOB)
      rc = sqlite3_bind_blob64(stmt, idx, params[i].s, (sqlite3_uint64)params[i].i, SQLITE_STATIC);
    else
      rc = sqlite3_bind_null(stmt, idx);
    if (rc != SQLITE_OK)
      return db_fail(s, "bind");
  }
  return ST_OK;
}

static void sql_done(sqlite3_stmt *stmt, bool owned)
{
  if (owned)
    sqlite3_finalize(stmt);
  else
    stmt_done(stmt);
}

static int sqlite_exec(struct store *store, const char *sql, const struct db_param *params,
                       size_t count, int64_t *changes)
{
  struct sqlite_store *s = conn(store);
  sqlite3_stmt *stmt;
  bool owned;
  bool ordered = false;
  int rc = sql_stmt_ordered(s, sql, &stmt, &owned, &ordered);
  if (rc)
    return rc;
  rc = bind_params(s, stmt, ordered, params, count);
  if (!rc) {
    int step;
    writer_for(s, stmt);
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW)
      ;
    rc = step == SQLITE_DONE ? ST_OK : db_fail(s, "exec");
  }
  *changes = rc ? 0 : sqlite3_changes64(s->db);
  sql_done(stmt, owned);
  writer_done(s);
  return rc;
}

static int sqlite_query(struct store *store, const char *sql, const struct db_param *params,
                        size_t count, json_t *rows)
{
  struct sqlite_store *s = conn(store);
  sqlite3_stmt *stmt;
  bool owned;
  bool ordered = false;
  int rc = sql_stmt_ordered(s, sql, &stmt, &owned, &ordered);
  if (rc)
    return rc;
  rc = bind_params(s, stmt, ordered, params, count);
  if (rc) {
    sql_done(stmt, owned);
    return rc;
  }
  bool writes = writer_for(s, stmt);
  rc = owned ? rows_json_then(s, stmt, rows, true) : rows_json(s, stmt, rows);
  if (writes)
    writer_done(s);
  return rc;
}

static int64_t col_int(const struct db_row *row, int column)
{
  return sqlite3_column_int64(row->impl, column);
}

static const char *col_text(const struct db_row *row, int column, size_t *len)
{
  const unsigned char *t = sqlite3_column_text(row->impl, column);
  if (len)
    *len = t ? (size_t)sqlite3_column_bytes(row->impl, column) : 0;
  return t ? (const char *)t : "";
}

static bool col_null(const struct db_row *row, int column)
{
  return sqlite3_column_type(row->impl, column) == SQLITE_NULL;
}

static const struct db_row_ops sqlite_row_ops = {col_int, col_text, col_null};

static int sqlite_each(struct store *store, const char *sql, const struct db_param *params,
                       size_t count, db_row_fn fn, void *ctx)
{
  struct sqlite_store *s = conn(store);
  sqlite3_stmt *stmt;
  bool owned;
  bool ordered = false;
  int rc = sql_stmt_ordered(s, sql, &stmt, &owned, &ordered);
  if (rc)
    return rc;
  rc = bind_params(s, stmt, ordered, params, count);
  int step = SQLITE_DONE;
  struct db_row row = {&sqlite_row_ops, stmt, 0};
  bool writes = !rc && writer_for(s, stmt);
  while (!rc && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
    rc = fn(ctx, &row);
    row.index++;
  }
  if (!rc && step != SQLITE_DONE)
    rc = db_fail(s, "query");
  sql_done(stmt, owned);
  if (writes)
    writer_done(s);
  return rc;
}

static const struct store_ops sqlite_ops = {
    .name = "sqlite",
    .close = sqlite_close,
    .migrate = sqlite_migrate,
    .schema_version = sqlite_schema_version,
    .schema_latest = sqlite_schema_latest,
    .ping = sqlite_ping,
    .info = sqlite_info,
    .begin = sqlite_begin,
    .commit = sqlite_commit,
    .rollback = sqlite_rollback,
    .begin_read = sqlite_begin_read,
    .end_read = sqlite_end_read,
    .reuse_reads = sqlite_reuse_reads,
    .office_put = sqlite_office_put,
    .office_list = sqlite_office_list,
    .office_get = sqlite_office_get,
    .unit_put = sqlite_unit_put,
    .unit_list = sqlite_unit_list,
    .setting_put = sqlite_setting_put,
    .setting_get = sqlite_setting_get,
    .exec = sqlite_exec,
    .query = sqlite_query,
    .each = sqlite_each,
    .catalog = &sqlite_catalog_ops,
};

/* Connection settings every connection needs; see the durability note at the top. */
static int configure(struct sqlite_store *s)
{
  static const char pragmas[] = "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;";
  sqlite3_stmt *stmt = NULL;
  int rc;
  sqlite3_extended_result_codes(s->db, 1);
  sqlite3_busy_timeout(s->db, SQLITE_BUSY_TIMEOUT_MS);
  sqlite3_wal_hook(s->db, wal_committed, NULL);
  sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
  sqlite3_db_config(s->db, SQLITE_DBCONFIG_DQS_DML, 0, NULL);
  sqlite3_db_config(s->db, SQLITE_DBCONFIG_DQS_DDL, 0, NULL);
  if (sqlite3_exec(s->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL) != SQLITE_OK ||
      sqlite3_exec(s->db, pragmas, NULL, NULL, NULL) != SQLITE_OK)
    return db_fail(s, "configure");
  if (sqlite_fts_register(s->db) != ST_OK)
    return store_fail(&s->base, ST_DB, "cannot register the search tokenizer");
  rc = stmt_get(s, STMT_JOURNAL_MODE, &stmt);
  if (rc)
    return rc;
  rc = sqlite3_step(stmt) == SQLITE_ROW &&
               sqlite3_stricmp((const char *)sqlite3_column_text(stmt, 0), "wal") == 0
           ? ST_OK
           : store_fail(&s->base, ST_DB, "the database cannot use WAL journal mode");
  stmt_done(stmt);
  return rc;
}

/* Process-wide settings, made once before the first connection (sqlite3_config refuses them
 * after SQLite has initialised, e.g. when a caller opened a database of its own first: then
 * the defaults stay, which only costs speed). Memory statistics off: every allocation SQLite
 * makes would otherwise take a process-wide mutex to count it, and nothing reads the counts. */
static void sqlite_configure_once(void)
{
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int sqlite_store_open(const char *path, struct store **out, char *err, size_t err_size)
{
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  pthread_once(&once, sqlite_configure_once);
  struct sqlite_store *s = calloc(1, sizeof(*s));
  int rc = ST_OK;
  if (!s) {
    if (err && err_size)
      snprintf(err, err_size, "out of memory");
    return ST_NOMEM;
  }
  s->base.ops = &sqlite_ops;
  if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
    rc = store_fail(&s->base, ST_IO, "cannot open database %s: %s", path,
                    s->db ? sqlite3_errmsg(s->db) : "out of memory");
    goto out;
  }
  rc = configure(s);
out:
  if (rc) {
    if (err && err_size)
      snprintf(err, err_size, "%s", s->base.errmsg);
    sqlite_close(&s->base);
    return rc;
  }
  *out = &s->base;
  return ST_OK;
}

sqlite3 *sqlite_store_db(struct store *store)
{
  held_end(conn(store));
  return conn(store)->db;
}

int sqlite_store_fail(struct store *store, const char *what)
{
  return db_fail(conn(store), what);
}

int sqlite_store_stmt(struct store *store, const char *sql, sqlite3_stmt **stmt, bool *owned)
{
  *stmt = NULL;
  return sql_stmt(conn(store), sql, stmt, owned);
}

void sqlite_store_stmt_done(sqlite3_stmt *stmt, bool owned)
{
  if (stmt)
    sql_done(stmt, owned);
}
