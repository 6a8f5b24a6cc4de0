/*
 * pg.c - the PostgreSQL backend of the store (store_impl.h), on libpq. One struct pg_store is
 * one PGconn, used by one thread at a time (the web layer opens one per thread). Values only
 * ever travel as parameters, in text form, except file bytes (binary). A statement with
 * parameters is prepared once per connection (by its text and parameter types) and executed
 * by name after that, so the server parses and plans it once (see "PostgreSQL backend" in
 * docs/ARCHITECTURE.md).
 *
 * Differences from SQLite a caller may notice: a failed statement inside a transaction aborts
 * the whole transaction (store_commit then rolls back and fails), and ids come from identity
 * columns. The portable SQL of db.h runs unchanged: $n parameters are native here.
 */
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/pg_internal.h"
#include "store/store_impl.h"
#include "base/common.h"

/* Every node migrating at once takes this session advisory lock, so each migration runs once. */
#define PG_MIGRATE_LOCK "7262696e6d"
#define ISO_NOW         "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

/* Prepared statements per connection. Statements beyond this many (say, built with a varying
 * number of parameters) simply run unprepared. */
#define PG_STMT_CACHE 256

struct pg_stmt {
  uint64_t hash; /* of key; 0 = free slot */
  char *key;     /* the parameter types, then the SQL text */
  bool dead;     /* the server refused to run it again (schema changed): run unprepared */
};

struct pg_store {
  struct store base; /* first: a struct store * is a struct pg_store * */
  PGconn *conn;
  struct pg_stmt stmts[PG_STMT_CACHE];
  int64_t prepared;   /* statements prepared on this connection (store_info statements_prepared) */
  int64_t uncached;   /* runs of statements with parameters that went unprepared */
  bool read_ready[2]; /* the read transaction's statements are prepared (pg_read_step) */
};

static struct pg_store *conn(struct store *store)
{
  return (struct pg_store *)store;
}

/* ---- Parameters, running statements, results as JSON ---------------------------------------- */

void pg_params_int(struct pg_params *p, int64_t value)
{
  if (p->count >= PG_PARAMS_MAX)
    return; /* the server then refuses the statement */
  int i = p->count++;
  snprintf(p->num[i], sizeof(p->num[i]), "%lld", (long long)value);
  p->values[i] = p->num[i];
  p->types[i] = PG_OID_INT8;
  p->lengths[i] = 0;
  p->formats[i] = 0;
}

void pg_params_text(struct pg_params *p, const char *text)
{
  if (p->count >= PG_PARAMS_MAX)
    return; /* the server then refuses the statement */
  int i = p->count++;
  p->values[i] = text;
  p->types[i] = text ? PG_OID_TEXT : 0; /* NULL: the server infers the type */
  p->lengths[i] = 0;
  p->formats[i] = 0;
}

void pg_params_bytes(struct pg_params *p, const void *bytes, size_t len)
{
  if (p->count >= PG_PARAMS_MAX)
    return; /* the server then refuses the statement */
  int i = p->count++;
  p->values[i] = bytes;
  p->types[i] = PG_OID_BYTEA;
  p->lengths[i] = (int)len;
  p->formats[i] = 1;
}

static int sqlstate_status(const char *state)
{
  if (!state)
    return ST_DB;
  if (strcmp(state, "23505") == 0)
    return ST_CONFLICT;
  if (strcmp(state, "23503") == 0)
    return ST_NOTFOUND;
  if (strncmp(state, "23", 2) == 0)
    return ST_INVALID;
  if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0)
    return ST_CONFLICT;
  return ST_DB;
}

/* The server's message without its trailing newline. */
static void fail_result(struct store *store, const PGresult *res, const char *what, int st)
{
  const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(conn(store)->conn);
  size_t len = strlen(msg);
  while (len && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
    len--;
  store_fail(store, st, "%s: %.*s", what, (int)len, msg);
}

/* ---- The prepared-statement cache ------------------------------------------------------------ */

/* The cache key: the parameter types (a statement is prepared with them) and the SQL. */
static char *stmt_key(const char *sql, const struct pg_params *p, uint64_t *hash)
{
  size_t sql_len = strlen(sql), types_len = (size_t)p->count * 11;
  char *key = malloc(types_len + sql_len + 2);
  if (!key)
    return NULL;
  size_t n = 0;
  for (int i = 0; i < p->count; i++)
    n += (size_t)snprintf(key + n, 12, "%u,", (unsigned)p->types[i]);
  key[n++] = '\n';
  memcpy(key + n, sql, sql_len + 1);
  uint64_t h = UINT64_C(14695981039346656037); /* FNV-1a */
  for (const char *c = key; *c; c++)
    h = (h ^ (unsigned char)*c) * UINT64_C(1099511628211);
  *hash = h ? h : 1;
  return key;
}

/* The slot holding key (*found) or the free slot where it goes; -1 when the cache is full. */
static int stmt_slot(struct pg_store *s, const char *key, uint64_t hash, bool *found)
{
  for (int probe = 0; probe < PG_STMT_CACHE; probe++) {
    int i = (int)((hash + (uint64_t)probe) % PG_STMT_CACHE);
    struct pg_stmt *st = &s->stmts[i];
    if (st->hash == 0) {
      *found = false;
      return i;
    }
    if (st->hash == hash && strcmp(st->key, key) == 0) {
      *found = true;
      return i;
    }
  }
  return -1;
}

static PGresult *exec_unprepared(struct pg_store *s, const char *sql, const struct pg_params *p)
{
  return PQexecParams(s->conn, sql, p->count, p->types, p->values, p->lengths, p->formats, 0);
}

static bool prepare(struct pg_store *s, const char *name, const char *sql,
                    const struct pg_params *p)
{
  PGresult *res = PQprepare(s->conn, name, sql, p->count, p->types);
  bool ok = res && PQresultStatus(res) == PGRES_COMMAND_OK;
  PQclear(res);
  s->prepared += ok;
  return ok;
}

/* Runs sql prepared (preparing it the first time); statements without parameters (BEGIN,
 * COMMIT, SET ...) and any the cache cannot hold run unprepared. When preparing fails, the
 * unprepared run reports the server's error as before. */
static PGresult *exec_cached(struct pg_store *s, const char *sql, const struct pg_params *p)
{
  uint64_t hash;
  bool found = false;
  char *key = p->count ? stmt_key(sql, p, &hash) : NULL;
  int slot = key ? stmt_slot(s, key, hash, &found) : -1;
  char name[16];
  snprintf(name, sizeof(name), "bm%d", slot);
  if (slot < 0 || (found && s->stmts[slot].dead) || (!found && !prepare(s, name, sql, p))) {
    s->uncached += p->count > 0;
    free(key);
    return exec_unprepared(s, sql, p);
  }
  if (found) {
    free(key);
  } else {
    s->stmts[slot].hash = hash;
    s->stmts[slot].key = key;
  }
  PGresult *res = PQexecPrepared(s->conn, name, p->count, p->values, p->lengths, p->formats, 0);
  const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
  if (state && strcmp(state, "0A000") == 0) {
    /* "cached plan must not change result type": a migration changed a table under it. */
    s->stmts[slot].dead = true;
    s->uncached++;
    PQclear(res);
    return exec_unprepared(s, sql, p);
  }
  return res;
}

/* The status of res (cleared unless handed to *out); the server's message when it failed. */
static int pg_result(struct store *store, PGresult *res, PGresult **out, const char *what)
{
  ExecStatusType status = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    int st = res ? sqlstate_status(PQresultErrorField(res, PG_DIAG_SQLSTATE)) : ST_NOMEM;
    fail_result(store, res, what, st);
    PQclear(res);
    return st;
  }
  if (out)
    *out = res;
  else
    PQclear(res);
  return ST_OK;
}

int pg_run(struct store *store, const char *sql, const struct pg_params *params, PGresult **out,
           const char *what)
{
  const struct pg_params none = {0};
  const struct pg_params *p = params ? params : &none;
  return pg_result(store, exec_cached(conn(store), sql, p), out, what);
}

bool pg_parse_int(const char *text, int64_t *value)
{
  char *end = NULL;
  long long v = strtoll(text, &end, 10);
  if (!end || end == text || *end)
    return false;
  *value = v;
  return true;
}

json_t *pg_value_json(const PGresult *res, int row, int col)
{
  if (PQgetisnull(res, row, col))
    return json_null();
  const char *text = PQgetvalue(res, row, col);
  int64_t n = 0;
  switch (PQftype(res, col)) {
  case PG_OID_INT2:
  case PG_OID_INT4:
  case PG_OID_INT8:
    return pg_parse_int(text, &n) ? json_integer(n) : NULL;
  case PG_OID_BOOL:
    return json_integer(text[0] == 't');
  default:
    return json_stringn_nocheck(text, (size_t)PQgetlength(res, row, col));
  }
}

int pg_rows_json(struct store *store, const PGresult *res, json_t *array)
{
  for (int r = 0; r < PQntuples(res); r++) {
    json_t *row = json_object();
    if (!row || json_array_append_new(array, row))
      return ST_NOMEM;
    for (int c = 0; c < PQnfields(res); c++) {
      json_t *value = pg_value_json(res, r, c);
      if (!value)
        return store_fail(store, ST_DB, "column %s cannot be read", PQfname(res, c));
      if (json_object_set_new(row, PQfname(res, c), value))
        return ST_NOMEM;
    }
  }
  return ST_OK;
}

int pg_first_int(struct store *store, const PGresult *res, int64_t *value, bool *found)
{
  *found = PQntuples(res) > 0 && PQnfields(res) > 0;
  if (!*found)
    return ST_OK;
  if (PQgetisnull(res, 0, 0) || !pg_parse_int(PQgetvalue(res, 0, 0), value))
    return store_fail(store, ST_DB, "expected an integer");
  return ST_OK;
}

/* Runs sql and reads the integer it returns in row 0, column 0 (ST_DB when no row). */
static int query_int(struct store *store, const char *sql, const struct pg_params *params,
                     int64_t *value, bool *found)
{
  PGresult *res = NULL;
  bool any = false;
  int rc = pg_run(store, sql, params, &res, "query");
  if (rc)
    return rc;
  rc = pg_first_int(store, res, value, &any);
  PQclear(res);
  if (found)
    *found = any;
  else if (!rc && !any)
    rc = store_fail(store, ST_DB, "query returned no row");
  return rc;
}

/* ---- Connection, transactions, info ---------------------------------------------------------- */

static void pg_close(struct store *store)
{
  PQfinish(conn(store)->conn);
  for (size_t i = 0; i < PG_STMT_CACHE; i++)
    free(conn(store)->stmts[i].key);
  free(store);
}

static int pg_ping(struct store *store)
{
  int64_t one = 0;
  return query_int(store, "SELECT 1", NULL, &one, NULL);
}

static int pg_begin(struct store *store)
{
  if (PQtransactionStatus(conn(store)->conn) != PQTRANS_IDLE)
    return store_fail(store, ST_CONFLICT, "a transaction is already open");
  return pg_run(store, "BEGIN", NULL, NULL, "begin");
}

/* A transaction in which a statement failed cannot commit: PostgreSQL would roll it back and
 * report success, so that is said here. */
static int pg_commit(struct store *store)
{
  PGTransactionStatusType t = PQtransactionStatus(conn(store)->conn);
  if (t == PQTRANS_IDLE)
    return store_fail(store, ST_INVALID, "commit without a transaction");
  if (t == PQTRANS_INERROR) {
    pg_run(store, "ROLLBACK", NULL, NULL, "rollback");
    return store_fail(store, ST_DB, "commit after a failed statement: rolled back");
  }
  return pg_run(store, "COMMIT", NULL, NULL, "commit");
}

/* The read transaction's BEGIN (which 0) or COMMIT (1), prepared under a name of its own on
 * first use: exec_cached runs statements without parameters unprepared, so each lookup paid
 * for two parses on the server. When preparing fails (a failed transaction refuses it), the
 * statement runs unprepared and reports the server's answer as before. */
static int pg_read_step(struct store *store, int which)
{
  static const char *const names[] = {"bm_read_begin", "bm_read_commit"};
  static const char *const sqls[] = {"START TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY",
                                     "COMMIT"};
  static const char *const whats[] = {"begin", "commit"};
  struct pg_store *s = conn(store);
  if (!s->read_ready[which]) {
    const struct pg_params none = {0};
    if (!prepare(s, names[which], sqls[which], &none))
      return pg_run(store, sqls[which], NULL, NULL, whats[which]);
    s->read_ready[which] = true;
  }
  PGresult *res = PQexecPrepared(s->conn, names[which], 0, NULL, NULL, NULL, 0);
  return pg_result(store, res, NULL, whats[which]);
}

static int pg_begin_read(struct store *store)
{
  return pg_read_step(store, 0);
}

static int pg_end_read(struct store *store)
{
  return pg_read_step(store, 1);
}

/* Rolling back with no transaction open is a no-op, so cleanup paths may always call it. */
static int pg_rollback(struct store *store)
{
  if (PQtransactionStatus(conn(store)->conn) == PQTRANS_IDLE)
    return ST_OK;
  return pg_run(store, "ROLLBACK", NULL, NULL, "rollback");
}

static int pg_info(struct store *store, json_t *info)
{
  struct pg_store *s = conn(store);
  PGconn *c = s->conn;
  const char *db = PQdb(c), *host = PQhost(c), *port = PQport(c);
  if (json_object_set_new(info, "server_version", json_integer(PQserverVersion(c))) ||
      json_object_set_new(info, "database", json_string(db ? db : "")) ||
      json_object_set_new(info, "host", json_string(host ? host : "")) ||
      json_object_set_new(info, "port", json_string(port ? port : "")) ||
      json_object_set_new(info, "libpq_version", json_integer(PQlibVersion())) ||
      json_object_set_new(info, "statements_prepared", json_integer(s->prepared)) ||
      json_object_set_new(info, "statements_unprepared", json_integer(s->uncached)))
    return ST_NOMEM;
  return ST_OK;
}

/* ---- Migrations ----------------------------------------------------------------------------- */

static int pg_schema_version(struct store *store, int *version)
{
  int64_t exists = 0, max = 0;
  int rc = query_int(store,
                     "SELECT count(*) FROM pg_tables WHERE tablename = "
                     "'schema_migrations' AND schemaname = current_schema()",
                     NULL, &exists, NULL);
  if (!rc && exists)
    rc = query_int(store, "SELECT coalesce(max(version), 0) FROM schema_migrations", NULL, &max,
                   NULL);
  if (!rc)
    *version = (int)max;
  return rc;
}

static int pg_schema_latest(struct store *store, int *version)
{
  int latest = 0;
  for (size_t i = 0; i < pg_migrations_count; i++)
    if (pg_migrations[i].version > latest)
      latest = pg_migrations[i].version;
  *version = latest;
  return ST_OK;
}

/* Runs a migration's several statements (the simple query protocol allows them). */
static int run_script(struct store *store, const struct store_migration *m)
{
  PGresult *res = PQexec(conn(store)->conn, m->sql);
  int rc = ST_OK;
  if (!res || PQresultStatus(res) != PGRES_COMMAND_OK) {
    char what[96];
    snprintf(what, sizeof(what), "migration %d (%s)", m->version, m->name);
    fail_result(store, res, what, ST_DB);
    rc = ST_DB;
  }
  PQclear(res);
  return rc;
}

static int migrate_one(struct store *store, const struct store_migration *m, bool *ran)
{
  struct pg_params p = {0};
  int64_t applied = 0;
  pg_params_int(&p, m->version);
  int rc = pg_begin(store);
  if (rc)
    return rc;
  rc = query_int(store, "SELECT count(*) FROM schema_migrations WHERE version = $1", &p, &applied,
                 NULL);
  *ran = rc == ST_OK && !applied;
  if (*ran)
    rc = run_script(store, m);
  if (!rc && *ran) {
    pg_params_text(&p, m->name);
    rc = pg_run(store,
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, " ISO_NOW
                ")",
                &p, NULL, "record migration");
  }
  if (!rc)
    return pg_commit(store);
  pg_rollback(store);
  return rc;
}

static const struct store_migration *next_migration(int after)
{
  const struct store_migration *best = NULL;
  for (size_t i = 0; i < pg_migrations_count; i++) {
    const struct store_migration *m = &pg_migrations[i];
    if (m->version > after && (!best || m->version < best->version))
      best = m;
  }
  return best;
}

static int pg_migrate(struct store *store, int *applied)
{
  *applied = 0;
  if (PQtransactionStatus(conn(store)->conn) != PQTRANS_IDLE)
    return store_fail(store, ST_INVALID, "migrate inside a transaction");
  int rc = pg_run(store, "SELECT pg_advisory_lock(x'" PG_MIGRATE_LOCK "'::bigint)", NULL, NULL,
                  "migration lock");
  if (rc)
    return rc;
  rc = pg_run(store,
              "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name "
              "TEXT NOT NULL, applied_at TEXT NOT NULL)",
              NULL, NULL, "create schema_migrations");
  int done = 0;
  const struct store_migration *m;
  while (rc == ST_OK && (m = next_migration(done)) != NULL) {
    bool ran = false;
    rc = migrate_one(store, m, &ran);
    if (ran && rc == ST_OK)
      (*applied)++;
    done = m->version;
  }
  pg_run(store, "SELECT pg_advisory_unlock(x'" PG_MIGRATE_LOCK "'::bigint)", NULL, NULL,
         "migration unlock");
  return rc;
}

/* ---- Offices, units, settings --------------------------------------------------------------- */

#define OFFICE_COLUMNS                                                                             \
  "slug, name_zh, name_en, kind, city_zh, city_en, address_zh, address_en, phone, email, "         \
  "hours_zh, hours_en, case_word_zh, case_word_code"
#define OFFICE_EXCLUDED                                                                            \
  "excluded.slug, excluded.name_zh, excluded.name_en, excluded.kind, excluded.city_zh, "           \
  "excluded.city_en, excluded.address_zh, excluded.address_en, excluded.phone, excluded.email, "   \
  "excluded.hours_zh, excluded.hours_en, excluded.case_word_zh, excluded.case_word_code"
#define UNIT_COLUMNS                                                                               \
  "code, name_zh, name_en, floor_zh, floor_en, counter, phone, duties_zh, duties_en"

/* An update that changes nothing keeps updated_at, and then returns no row. */
static const char office_upsert_sql[] =
    "INSERT INTO offices (" OFFICE_COLUMNS ", updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
    "$9, $10, $11, $12, $13, $14, " ISO_NOW ") ON CONFLICT (slug) DO UPDATE SET (" OFFICE_COLUMNS
    ", updated_at) = (" OFFICE_EXCLUDED ", excluded.updated_at) WHERE (offices.slug, "
    "offices.name_zh, offices.name_en, offices.kind, offices.city_zh, offices.city_en, "
    "offices.address_zh, offices.address_en, offices.phone, offices.email, offices.hours_zh, "
    "offices.hours_en, offices.case_word_zh, offices.case_word_code) IS DISTINCT FROM "
    "(" OFFICE_EXCLUDED ") RETURNING id";

static int pg_office_put(struct store *store, const struct store_office_rec *rec, int64_t *id)
{
  struct pg_params p = {0};
  bool found = false;
  for (int i = 0; i < OFFICE_FIELD_COUNT; i++)
    pg_params_text(&p, rec->field[i]);
  int rc = query_int(store, office_upsert_sql, &p, id, &found);
  if (rc || found)
    return rc;
  /* Unchanged: the row exists and keeps its id. */
  p.count = 0;
  pg_params_text(&p, rec->field[OFFICE_SLUG]);
  rc = query_int(store, "SELECT id FROM offices WHERE slug = $1", &p, id, &found);
  if (!rc && !found)
    rc = store_fail(store, ST_DB, "office %s vanished during update", rec->field[OFFICE_SLUG]);
  return rc;
}

static int query_rows(struct store *store, const char *sql, const struct pg_params *p,
                      json_t *array)
{
  PGresult *res = NULL;
  int rc = pg_run(store, sql, p, &res, "query");
  if (rc)
    return rc;
  rc = pg_rows_json(store, res, array);
  PQclear(res);
  return rc;
}

static int pg_office_list(struct store *store, json_t *array)
{
  return query_rows(store, "SELECT id, " OFFICE_COLUMNS ", updated_at FROM offices ORDER BY id",
                    NULL, array);
}

static int pg_office_get(struct store *store, const char *slug, json_t **out)
{
  struct pg_params p = {0};
  json_t *rows = json_array();
  if (!rows)
    return ST_NOMEM;
  pg_params_text(&p, slug);
  int rc = query_rows(
      store, "SELECT id, " OFFICE_COLUMNS ", updated_at FROM offices WHERE slug = $1", &p, rows);
  if (!rc && json_array_size(rows) == 0)
    rc = store_fail(store, ST_NOTFOUND, "no office %s", slug);
  if (!rc)
    *out = json_incref(json_array_get(rows, 0));
  json_decref(rows);
  return rc;
}

static const char unit_upsert_sql[] =
    "INSERT INTO units (office_id, " UNIT_COLUMNS ", sort) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
    "$9, $10, $11) ON CONFLICT (office_id, code) DO UPDATE SET name_zh = excluded.name_zh, "
    "name_en = excluded.name_en, floor_zh = excluded.floor_zh, floor_en = excluded.floor_en, "
    "counter = excluded.counter, phone = excluded.phone, duties_zh = excluded.duties_zh, "
    "duties_en = excluded.duties_en, sort = excluded.sort RETURNING id";

static int pg_unit_put(struct store *store, int64_t office_id, const struct store_unit_rec *rec,
                       int64_t *id)
{
  struct pg_params p = {0};
  bool found = false;
  pg_params_int(&p, office_id);
  for (int i = 0; i < UNIT_FIELD_COUNT; i++)
    pg_params_text(&p, rec->field[i]);
  pg_params_int(&p, rec->sort);
  int rc = query_int(store, unit_upsert_sql, &p, id, &found);
  if (rc == ST_NOTFOUND)
    return store_fail(store, ST_NOTFOUND, "no office with id %lld", (long long)office_id);
  if (!rc && !found)
    rc = store_fail(store, ST_DB, "unit upsert returned no id");
  return rc;
}

static int pg_unit_list(struct store *store, int64_t office_id, json_t *array)
{
  struct pg_params p = {0};
  pg_params_int(&p, office_id);
  return query_rows(store,
                    "SELECT id, office_id, " UNIT_COLUMNS
                    ", sort FROM units WHERE office_id = $1 ORDER BY sort, id",
                    &p, array);
}

static int pg_setting_put(struct store *store, int64_t office_id, const char *key,
                          const char *value)
{
  struct pg_params p = {0};
  pg_params_int(&p, office_id);
  pg_params_text(&p, key);
  pg_params_text(&p, value);
  return pg_run(store,
                "INSERT INTO settings (office_id, key, value) VALUES ($1, $2, $3) ON CONFLICT "
                "(office_id, key) DO UPDATE SET value = excluded.value",
                &p, NULL, "setting put");
}

/* Inside a transaction a setting is read to be written back (the audit trail's head): the
 * read first takes a transaction lock on the key, so a second node's transaction waits for the
 * first to commit and then reads what it wrote, as SQLite's write lock (BEGIN IMMEDIATE) makes
 * it. The lock also covers a setting that does not exist yet. */
static int lock_setting(struct store *store, const struct pg_params *p)
{
  if (PQtransactionStatus(conn(store)->conn) != PQTRANS_INTRANS)
    return ST_OK;
  return pg_run(store, "SELECT pg_advisory_xact_lock(hashtextextended($2, $1))", p, NULL,
                "setting lock");
}

static int pg_setting_get(struct store *store, int64_t office_id, const char *key, char **value)
{
  struct pg_params p = {0};
  PGresult *res = NULL;
  pg_params_int(&p, office_id);
  pg_params_text(&p, key);
  int rc = lock_setting(store, &p);
  if (!rc)
    rc = pg_run(store, "SELECT value FROM settings WHERE office_id = $1 AND key = $2", &p, &res,
                "setting get");
  if (rc)
    return rc;
  if (PQntuples(res) == 0) {
    rc = store_fail(store, ST_NOTFOUND, "no setting %s", key);
  } else {
    *value = strdup(PQgetvalue(res, 0, 0));
    if (!*value)
      rc = store_fail(store, ST_NOMEM, "out of memory");
  }
  PQclear(res);
  return rc;
}

/* ---- The portable SQL seam (db.h) ----------------------------------------------------------- */

static void db_params(struct pg_params *p, const struct db_param *params, size_t count)
{
  for (size_t i = 0; i < count; i++) {
    if (params[i].type == DB_INT)
      pg_params_int(p, params[i].i);
    else if (params[i].type == DB_BLOB)
      pg_params_bytes(p, params[i].s, (size_t)params[i].i);
    else
      pg_params_text(p, params[i].type == DB_TEXT ? params[i].s : NULL);
  }
}

static int pg_exec(struct store *store, const char *sql, const struct db_param *params,
                   size_t count, int64_t *changes)
{
  struct pg_params p = {0};
  PGresult *res = NULL;
  db_params(&p, params, count);
  *changes = 0;
  int rc = pg_run(store, sql, &p, &res, "exec");
  if (rc)
    return rc;
  const char *n = PQcmdTuples(res);
  if (n && *n && !pg_parse_int(n, changes))
    *changes = 0;
  PQclear(res);
  return ST_OK;
}

static int pg_query(struct store *store, const char *sql, const struct db_param *params,
                    size_t count, json_t *rows)
{
  struct pg_params p = {0};
  db_params(&p, params, count);
  return query_rows(store, sql, &p, rows);
}

static int64_t col_int(const struct db_row *row, int column)
{
  int64_t v = 0;
  const char *t = PQgetvalue(row->impl, row->index, column);
  return t && pg_parse_int(t, &v) ? v : 0;
}

static const char *col_text(const struct db_row *row, int column, size_t *len)
{
  const char *t = PQgetvalue(row->impl, row->index, column);
  if (len)
    *len = t ? (size_t)PQgetlength(row->impl, row->index, column) : 0;
  return t ? t : "";
}

static bool col_null(const struct db_row *row, int column)
{
  return PQgetisnull(row->impl, row->index, column) != 0;
}

static const struct db_row_ops pg_row_ops = {col_int, col_text, col_null};

static int pg_each(struct store *store, const char *sql, const struct db_param *params,
                   size_t count, db_row_fn fn, void *ctx)
{
  struct pg_params p = {0};
  PGresult *res = NULL;
  db_params(&p, params, count);
  int rc = pg_run(store, sql, &p, &res, "query");
  struct db_row row = {&pg_row_ops, res, 0};
  for (int n = rc ? 0 : PQntuples(res); !rc && row.index < n; row.index++)
    rc = fn(ctx, &row);
  PQclear(res);
  return rc;
}

/* After store_copy: identity columns continue after the highest copied id, and the search
 * index is built from the copied records. */
static int pg_copy_finish(struct store *store)
{
  static const char *const tables[] = {"offices", "units", "users", "audit_log", "services", "faq",
                                       "announcements", "revisions", "cases", "case_events",
                                       "case_pauses", "delegations", "land_sections", "parcels",
                                       "parcel_resurvey", "parcel_addresses", "outbox",
                                       "apply_drafts", "uploads", "payments", "api_keys",
                                       /* counter queues (migration 25) */
                                       "queues", "counters", "tickets", "queue_calls",
                                       /* surveys (migration 28) */
                                       "surveys", "survey_answers", "quality_records"};
  char sql[256];
  int rc = ST_OK;
  for (size_t i = 0; i < ARRAY_LEN(tables) && !rc; i++) {
    snprintf(sql, sizeof(sql),
             "SELECT setval(pg_get_serial_sequence('%s', 'id'), coalesce(max(id), 0) + 1, false) "
             "FROM %s",
             tables[i], tables[i]);
    rc = pg_run(store, sql, NULL, NULL, "reset ids");
  }
  return rc ? rc : pg_catalog_reindex(store);
}

static const struct store_ops pg_ops = {
    .name = "postgresql",
    .close = pg_close,
    .migrate = pg_migrate,
    .schema_version = pg_schema_version,
    .schema_latest = pg_schema_latest,
    .ping = pg_ping,
    .info = pg_info,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .begin_read = pg_begin_read,
    .end_read = pg_end_read,
    .office_put = pg_office_put,
    .office_list = pg_office_list,
    .office_get = pg_office_get,
    .unit_put = pg_unit_put,
    .unit_list = pg_unit_list,
    .setting_put = pg_setting_put,
    .setting_get = pg_setting_get,
    .exec = pg_exec,
    .query = pg_query,
    .each = pg_each,
    .catalog = &pg_catalog_ops,
    .copy_finish = pg_copy_finish,
};

/* Server notices (such as "relation already exists, skipping") are not errors: dropped. */
static void quiet_notices(void *arg, const char *message)
{
}

int pg_store_open(const char *url, struct store **out, char *err, size_t err_size)
{
  struct pg_store *s = calloc(1, sizeof(*s));
  if (!s) {
    if (err && err_size)
      snprintf(err, err_size, "out of memory");
    return ST_NOMEM;
  }
  s->base.ops = &pg_ops;
  s->conn = PQconnectdb(url);
  int rc = ST_OK;
  if (!s->conn || PQstatus(s->conn) != CONNECTION_OK) {
    const char *msg = s->conn ? PQerrorMessage(s->conn) : "out of memory";
    rc = store_fail(&s->base, ST_IO, "cannot connect to PostgreSQL: %.*s", (int)strcspn(msg, "\n"),
                    msg);
    goto out;
  }
  PQsetNoticeProcessor(s->conn, quiet_notices, NULL);
  rc = pg_run(&s->base, "SET client_encoding = 'UTF8'", NULL, NULL, "configure");
out:
  if (rc) {
    if (err && err_size)
      snprintf(err, err_size, "%s", s->base.errmsg);
    pg_close(&s->base);
    return rc;
  }
  *out = &s->base;
  return ST_OK;
}
