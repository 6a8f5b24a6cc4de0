/*
 * store_test.c - runs the shared store suite on a fresh SQLite file in its own mkdtemp()
 * folder (so parallel runs never share a database), then the SQLite-only checks: URL forms,
 * the PostgreSQL URL dispatch, open errors and the -wal file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "store_suite.c"
#include "base/common.h"
#include "store/db.h"
#include "store/sqlite_internal.h"
#include "store/directory.h"
#include "store/store.h"

#define TEMP_DIR_MAX 256
#define PATH_MAX_LEN 512

static char temp_dir[TEMP_DIR_MAX];

static void temp_path(char *out, size_t size, const char *name)
{
  int n = snprintf(out, size, "%s/%s", temp_dir, name);
  assert_true(n > 0 && (size_t)n < size);
}

static bool file_exists(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0;
}

static void open_url_ok(const char *url, const char *file)
{
  struct store *store = NULL;
  char err[256] = "";
  char path[PATH_MAX_LEN];
  int version = -1;
  int rc = store_open(url, &store, err, sizeof(err));
  if (rc)
    fail_msg("store_open(%s): %s: %s", url, status_name(rc), err);
  temp_path(path, sizeof(path), file);
  assert_true(file_exists(path));
  /* Opening creates no tables: that is store_migrate's job. */
  assert_int_equal(store_schema_version(store, &version), ST_OK);
  assert_int_equal(version, 0);
  assert_int_equal(store_ping(store), ST_OK);
  store_close(store);
}

static void test_url_forms(void **state)
{
  char url[PATH_MAX_LEN + 16];
  snprintf(url, sizeof(url), "sqlite:%s/a.db", temp_dir);
  open_url_ok(url, "a.db");
  snprintf(url, sizeof(url), "file:%s/b.db", temp_dir);
  open_url_ok(url, "b.db");
  snprintf(url, sizeof(url), "file://%s/c.db", temp_dir);
  open_url_ok(url, "c.db");
  snprintf(url, sizeof(url), "%s/d.db", temp_dir);
  open_url_ok(url, "d.db");
}

/* A postgresql:// URL selects the PostgreSQL backend (tests/pg runs the suite on it); with no
 * server there, opening fails with the connection's error. */
static void test_postgresql_selected(void **state)
{
  struct store *store = (struct store *)&store; /* must be reset to NULL */
  char err[256] = "";
  assert_int_equal(store_open("postgresql://bianmin@127.0.0.1:1/bianmin?connect_timeout=2", &store,
                              err, sizeof(err)),
                   ST_IO);
  assert_null(store);
  assert_non_null(strstr(err, "cannot connect to PostgreSQL"));
}

static void test_open_errors(void **state)
{
  struct store *store = NULL;
  char err[256] = "";
  char url[PATH_MAX_LEN + 32];
  assert_int_equal(store_open("", &store, err, sizeof(err)), ST_INVALID);
  assert_int_equal(store_open("sqlite:", &store, err, sizeof(err)), ST_INVALID);
  assert_int_equal(store_open(NULL, &store, NULL, 0), ST_INVALID);
  /* Parent folders are not created. */
  snprintf(url, sizeof(url), "%s/no-such-dir/x.db", temp_dir);
  assert_int_equal(store_open(url, &store, err, sizeof(err)), ST_IO);
  assert_non_null(strstr(err, "cannot open database"));
  assert_null(store);
}

/* WAL mode shows on disk: a committed write lives in the -wal file until a checkpoint. */
static void test_wal_file(void **state)
{
  char url[PATH_MAX_LEN], wal[PATH_MAX_LEN];
  struct store *store = NULL;
  char err[256] = "";
  temp_path(url, sizeof(url), "wal.db");
  temp_path(wal, sizeof(wal), "wal.db-wal");
  assert_int_equal(store_open(url, &store, err, sizeof(err)), ST_OK);
  assert_int_equal(store_migrate(store, NULL), ST_OK);
  assert_int_equal(store_setting_put(store, 0, "k", "v"), ST_OK);
  assert_true(file_exists(wal));
  store_close(store);
}

struct turn_seen {
  struct store *store;
  int rows;
  bool held; /* the connection held the process's writer turn at every row */
};

static int see_turn(void *ctx, const struct db_row *row)
{
  struct turn_seen *seen = ctx;
  (void)row;
  seen->rows++;
  seen->held = seen->held && sqlite_store_writing(seen->store);
  return ST_OK;
}

/* A writing statement read as rows (INSERT ... RETURNING) outside a transaction takes this
 * process's writer turn while it runs, as db_exec's statements do, and gives it back after;
 * a reading one does not take it. Before, such statements went straight to SQLite's lock and
 * its sleeping busy handler. */
static void test_returning_takes_writer_turn(void **state)
{
  char url[PATH_MAX_LEN];
  struct store *store = NULL;
  char err[256] = "";
  int64_t changes = 0;
  temp_path(url, sizeof(url), "turn.db");
  assert_int_equal(store_open(url, &store, err, sizeof(err)), ST_OK);
  assert_int_equal(
      db_exec(store, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)", NULL, 0, &changes), ST_OK);
  struct turn_seen seen = {store, 0, true};
  assert_int_equal(db_query_each(store, "INSERT INTO t (v) VALUES ($1) RETURNING id",
                                 DB_ARGS(DB_S("a")), see_turn, &seen),
                   ST_OK);
  assert_int_equal(seen.rows, 1);
  assert_true(seen.held);
  assert_false(sqlite_store_writing(store));
  json_t *rows = NULL;
  assert_int_equal(
      db_query(store, "INSERT INTO t (v) VALUES ($1) RETURNING id", DB_ARGS(DB_S("b")), &rows),
      ST_OK);
  assert_int_equal(json_array_size(rows), 1);
  json_decref(rows);
  assert_false(sqlite_store_writing(store));
  seen = (struct turn_seen){store, 0, true};
  assert_int_equal(db_query_each(store, "SELECT id FROM t", NULL, 0, see_turn, &seen), ST_OK);
  assert_int_equal(seen.rows, 2);
  assert_false(seen.held);
  store_close(store);
}

/* ---- read snapshots kept across read transactions (store_reuse_reads) ----------------------- */

static struct store *reuse_open(const char *file)
{
  char url[PATH_MAX_LEN];
  struct store *store = NULL;
  char err[256] = "";
  int64_t changes = 0;
  temp_path(url, sizeof(url), file);
  assert_int_equal(store_open(url, &store, err, sizeof(err)), ST_OK);
  assert_int_equal(db_exec(store, "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT)",
                           NULL, 0, &changes),
                   ST_OK);
  store_reuse_reads(store);
  return store;
}

/* Another process's connection: the same file through SQLite directly, without the store. */
static sqlite3 *other_process(const char *file)
{
  char path[PATH_MAX_LEN];
  sqlite3 *db = NULL;
  temp_path(path, sizeof(path), file);
  assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  return db;
}

static void other_insert(sqlite3 *db)
{
  assert_int_equal(sqlite3_exec(db, "INSERT INTO t (v) VALUES ('other')", NULL, NULL, NULL),
                   SQLITE_OK);
}

/* The rows of t, counted inside one read transaction. */
static int64_t read_count(struct store *store)
{
  int64_t n = -1;
  assert_int_equal(store_begin_read(store), ST_OK);
  int rc = db_query_int(store, "SELECT count(*) FROM t", NULL, 0, &n);
  assert_int_equal(store_end_read(store, rc), ST_OK);
  return n;
}

static void pause_ms(long ms)
{
  struct timespec t = {0, ms * 1000000L};
  nanosleep(&t, NULL);
}

/* A commit by any connection of this process is seen by the next read transaction at once,
 * however young the snapshot it kept. */
static void test_reuse_sees_this_process_at_once(void **state)
{
  struct store *a = reuse_open("reuse.db"), *b = reuse_open("reuse.db");
  int64_t changes = 0;
  for (int i = 0; i < 50; i++) {
    int64_t before = read_count(a);
    assert_int_equal(db_exec(b, "INSERT INTO t (v) VALUES ('b')", NULL, 0, &changes), ST_OK);
    assert_int_equal(read_count(a), before + 1);
    assert_int_equal(store_begin(b), ST_OK);
    assert_int_equal(db_exec(b, "INSERT INTO t (v) VALUES ('b')", NULL, 0, &changes), ST_OK);
    assert_int_equal(store_commit(b), ST_OK);
    assert_int_equal(read_count(a), before + 2);
  }
  store_close(b);
  store_close(a);
}

/* Another process's write is seen within the reuse time (waited for, with a generous
 * deadline), and writing on a connection that keeps a snapshot older than that write works:
 * the snapshot ends first, so SQLite never refuses the write as based on a stale read. */
static void test_reuse_other_process(void **state)
{
  struct store *a = reuse_open("reuse2.db");
  sqlite3 *other = other_process("reuse2.db");
  int64_t changes = 0;
  for (int i = 0; i < 50; i++) {
    int64_t before = read_count(a);
    other_insert(other);
    assert_int_equal(db_exec(a, "INSERT INTO t (v) VALUES ('a')", NULL, 0, &changes), ST_OK);
    assert_int_equal(read_count(a), before + 2);
    before = read_count(a);
    other_insert(other);
    assert_int_equal(store_begin(a), ST_OK);
    assert_int_equal(db_exec(a, "INSERT INTO t (v) VALUES ('a')", NULL, 0, &changes), ST_OK);
    assert_int_equal(store_commit(a), ST_OK);
    assert_int_equal(read_count(a), before + 2);
  }
  int64_t before = read_count(a);
  other_insert(other);
  int64_t seen = before;
  for (int waited = 0; seen == before && waited < 10000; waited++) {
    pause_ms(1);
    seen = read_count(a);
  }
  assert_int_equal(seen, before + 1);
  sqlite3_close(other);
  store_close(a);
}

/* A snapshot kept by a connection nobody uses any more is ended by the sweeper: the WAL can
 * then be checkpointed and truncated, which a reader holding a snapshot in it prevents. */
static void test_reuse_idle_snapshot_swept(void **state)
{
  struct store *a = reuse_open("reuse3.db");
  sqlite3 *other = other_process("reuse3.db");
  sqlite3_busy_timeout(other, 0);
  other_insert(other);
  (void)read_count(a); /* a now keeps a snapshot that reads the WAL */
  other_insert(other);
  int rc = SQLITE_BUSY, log = -1, done = -1;
  for (int waited = 0; waited < 10000; waited++) {
    rc = sqlite3_wal_checkpoint_v2(other, NULL, SQLITE_CHECKPOINT_TRUNCATE, &log, &done);
    if (rc == SQLITE_OK)
      break;
    pause_ms(1);
  }
  assert_int_equal(rc, SQLITE_OK);
  assert_int_equal(log, 0);
  sqlite3_close(other);
  store_close(a);
}

static void remove_temp_dir(void)
{
  static const char *const names[] = {"suite.db", "a.db",    "b.db",     "c.db",      "d.db",
                                      "wal.db",   "turn.db", "reuse.db", "reuse2.db", "reuse3.db"};
  static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
  char path[PATH_MAX_LEN];
  for (size_t i = 0; i < ARRAY_LEN(names); i++)
    for (size_t j = 0; j < ARRAY_LEN(suffixes); j++) {
      snprintf(path, sizeof(path), "%s/%s%s", temp_dir, names[i], suffixes[j]);
      unlink(path);
    }
  rmdir(temp_dir);
}

int main(void)
{
  const char *tmp = getenv("TMPDIR");
  char url[PATH_MAX_LEN];
  int failed;
  int n =
      snprintf(temp_dir, sizeof(temp_dir), "%s/bianmin-store-XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (n < 0 || (size_t)n >= sizeof(temp_dir) || !mkdtemp(temp_dir)) {
    perror("mkdtemp");
    return 1;
  }
  snprintf(url, sizeof(url), "sqlite:%s/suite.db", temp_dir);
  failed = store_suite_run(url);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_url_forms),
      cmocka_unit_test(test_postgresql_selected),
      cmocka_unit_test(test_open_errors),
      cmocka_unit_test(test_wal_file),
      cmocka_unit_test(test_returning_takes_writer_turn),
      cmocka_unit_test(test_reuse_sees_this_process_at_once),
      cmocka_unit_test(test_reuse_other_process),
      cmocka_unit_test(test_reuse_idle_snapshot_swept),
  };
  failed += cmocka_run_group_tests_name("store sqlite", tests, NULL, NULL);
  remove_temp_dir();
  return failed ? 1 : 0;
}
