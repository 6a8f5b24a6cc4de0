/*
 * sqlite_catalog.c - the SQLite half of the catalogue store (store_impl.h, store_catalog_ops).
 * The put, get and list statements are built from the column tables in catalog.c, so a column
 * is declared once; values only ever travel as bound parameters. The statements that depend on
 * the entity are built once per process (entity_sql, under pthread_once) into text that is never
 * changed or freed, so that, like every other statement, each is prepared once per connection
 * and then found in the connection's cache by its address (sqlite_store_stmt).
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "store/sqlite_internal.h"
#include "store/store_impl.h"

#include "base/common.h"

#define ISO_NOW       "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
#define ISO_NOW_FMT   "strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', 'now')" /* inside printf formats */
#define SQL_MAX       8192
#define MATCH_MAX     4096
#define NO_UNIT_ORDER "1000000000"

/* The connection's cached statement for constant sql; hand it back with done(). */
static int prepare(struct store *store, const char *sql, sqlite3_stmt **stmt, bool *owned)
{
  *owned = false;
  if (!sql)
    return store_fail(store, ST_LIMIT, "a catalogue statement did not fit its buffer");
  return sqlite_store_stmt(store, sql, stmt, owned);
}

/* Resets the statement for its next use (and clears its bindings). */
static void done(sqlite3_stmt *stmt, bool owned)
{
  sqlite_store_stmt_done(stmt, owned);
}

static int bind_int(struct store *store, sqlite3_stmt *stmt, int index, int64_t value)
{
  return sqlite3_bind_int64(stmt, index, value) == SQLITE_OK ? ST_OK
                                                             : sqlite_store_fail(store, "bind");
}

static int bind_text(struct store *store, sqlite3_stmt *stmt, int index, const char *text)
{
  return sqlite3_bind_text(stmt, index, text, -1, SQLITE_TRANSIENT) == SQLITE_OK
             ? ST_OK
             : sqlite_store_fail(store, "bind");
}

/* Steps a statement to its end, ignoring rows. */
static int run(struct store *store, sqlite3_stmt *stmt, const char *what)
{
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
    ;
  return rc == SQLITE_DONE ? ST_OK : sqlite_store_fail(store, what);
}

static const struct store_col *find_col(enum store_entity entity, const char *name)
{
  const struct store_entity_def *def = &store_entities[entity];
  for (size_t i = 0; i < def->count; i++)
    if (strcmp(def->cols[i].name, name) == 0)
      return &def->cols[i];
  return NULL;
}

/* A column value as JSON: booleans and list columns of entity get their real type. */
static json_t *value_json(sqlite3_stmt *stmt, int col, const struct store_col *def)
{
  int type = sqlite3_column_type(stmt, col);
  if (def && def->type == COL_BOOL)
    return json_boolean(sqlite3_column_int64(stmt, col));
  if (type == SQLITE_INTEGER)
    return json_integer(sqlite3_column_int64(stmt, col));
  if (type != SQLITE_TEXT)
    return json_null();
  const char *text = (const char *)sqlite3_column_text(stmt, col);
  size_t len = (size_t)sqlite3_column_bytes(stmt, col);
  if (def && (def->type == COL_TEXT_LIST || def->type == COL_JSON))
    return json_loadb(text, len, 0, NULL);
  return json_stringn_nocheck(text, len);
}

/* The current row as an object (entity < 0: no typed columns); content_hash and bytes are left
 * out. */
static int row_json(struct store *store, sqlite3_stmt *stmt, int entity, json_t **out)
{
  json_t *row = json_object();
  if (!row)
    return ST_NOMEM;
  for (int col = 0; col < sqlite3_column_count(stmt); col++) {
    const char *name = sqlite3_column_name(stmt, col);
    if (strcmp(name, "content_hash") == 0 || strcmp(name, "bytes") == 0)
      continue;
    const struct store_col *def = entity >= 0 ? find_col((enum store_entity)entity, name) : NULL;
    json_t *value = value_json(stmt, col, def);
    if (!value || json_object_set_new(row, name, value)) {
      json_decref(row);
      return store_fail(store, ST_DB, "column %s cannot be read", name);
    }
  }
  *out = row;
  return ST_OK;
}

static int rows_json(struct store *store, sqlite3_stmt *stmt, int entity, json_t *array)
{
  int rc, st = ST_OK;
  while (st == ST_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    json_t *row = NULL;
    st = row_json(store, stmt, entity, &row);
    if (st == ST_OK && json_array_append_new(array, row))
      st = ST_NOMEM;
  }
  if (st == ST_OK && rc != SQLITE_DONE)
    st = sqlite_store_fail(store, "query");
  return st;
}

static bool is_unit_col(const struct store_col *col)
{
  return strcmp(col->name, "unit") == 0;
}

/* INSERT ... ON CONFLICT (office_id, slug) DO UPDATE ... WHERE the content changed RETURNING id.
 * Column i of the table is parameter i + 2; ?1 is office_id; services turn "unit" (?2) into
 * unit_id. */
static int build_upsert(const struct store_entity_def *def, struct buf *sql)
{
  bool has_unit = is_unit_col(&def->cols[0]);
  int rc = buf_printf(sql, "INSERT INTO %s (office_id%s", def->table, has_unit ? ", unit_id" : "");
  for (size_t i = has_unit; i < def->count && !rc; i++)
    rc = buf_printf(sql, ", %s", def->cols[i].name);
  if (!rc)
    rc = buf_printf(sql, ", content_hash, updated_at) VALUES (?1%s",
                    has_unit ? ", (SELECT id FROM units WHERE office_id = ?1 AND code = ?2)" : "");
  for (size_t i = has_unit; i < def->count && !rc; i++)
    rc = buf_printf(sql, ", ?%zu", i + 2);
  if (!rc)
    rc = buf_printf(sql, ", ?%zu, " ISO_NOW_FMT ") ON CONFLICT (office_id, slug) DO UPDATE SET %s",
                    def->count + 2, has_unit ? "unit_id = excluded.unit_id, " : "");
  for (size_t i = has_unit; i < def->count && !rc; i++)
    if (strcmp(def->cols[i].name, "slug") != 0)
      rc = buf_printf(sql, "%s = excluded.%s, ", def->cols[i].name, def->cols[i].name);
  if (!rc)
    rc = buf_puts(sql, "content_hash = excluded.content_hash, updated_at = excluded.updated_at "
                       "WHERE content_hash IS NOT excluded.content_hash OR published IS NOT "
                       "excluded.published RETURNING id");
  return rc;
}

static const char *select_from(enum store_entity entity)
{
  switch (entity) {
  case STORE_SERVICE:
    return "SELECT e.*, coalesce(u.code, '') AS unit FROM services e LEFT JOIN units u ON u.id = "
           "e.unit_id WHERE e.office_id = ?1";
  case STORE_FAQ:
    return "SELECT e.* FROM faq e WHERE e.office_id = ?1";
  default:
    return "SELECT e.* FROM announcements e WHERE e.office_id = ?1";
  }
}

static const char *list_tail(enum store_entity entity)
{
  switch (entity) {
  case STORE_SERVICE:
    return " AND (?2 = 0 OR e.published = 1) ORDER BY coalesce(u.sort, " NO_UNIT_ORDER
           "), e.sort, e.id";
  case STORE_FAQ:
    return " AND (?2 = 0 OR e.published = 1) ORDER BY e.sort, e.id";
  default:
    return " AND (?2 = 0 OR e.published = 1) AND (?3 = 0 OR (?3 = 1 AND e.starts_on <= ?4 AND "
           "e.ends_on >= ?4) OR (?3 = 2 AND e.ends_on < ?4)) ORDER BY e.starts_on DESC, e.id DESC";
  }
}

/* The statements of one entity, built once per process and then only read. */
struct entity_sql {
  char *upsert; /* NULL when it did not fit SQL_MAX */
  char existing[128];
  char get[512];
  char list[768];
  char publish[256];
  char exists[128];
};

static struct entity_sql entity_sqls[STORE_ENTITY_COUNT];
static pthread_once_t entity_sqls_once = PTHREAD_ONCE_INIT;

static void build_entity_sql(enum store_entity entity, struct entity_sql *out)
{
  const char *table = store_entities[entity].table;
  struct buf sql;
  buf_init(&sql, SQL_MAX);
  out->upsert = build_upsert(&store_entities[entity], &sql) ? NULL : buf_detach(&sql, NULL);
  buf_free(&sql);
  snprintf(out->existing, sizeof(out->existing),
           "SELECT id FROM %s WHERE office_id = ?1 AND slug = ?2", table);
  snprintf(out->get, sizeof(out->get), "%s AND (e.id = ?2 OR (?2 = 0 AND e.slug = ?3))",
           select_from(entity));
  snprintf(out->list, sizeof(out->list), "%s%s", select_from(entity), list_tail(entity));
  snprintf(out->publish, sizeof(out->publish),
           "UPDATE %s SET published = ?3, updated_at = " ISO_NOW_FMT
           " WHERE office_id = ?1 AND id = ?2 AND published IS NOT ?3",
           table);
  snprintf(out->exists, sizeof(out->exists),
           "SELECT count(*) FROM %s WHERE office_id = ?1 AND id = ?2", table);
}

static void build_entity_sqls(void)
{
  for (int e = 0; e < STORE_ENTITY_COUNT; e++)
    build_entity_sql((enum store_entity)e, &entity_sqls[e]);
}

/* The entity's statements; their text never changes, so the statement cache may key on their
 * addresses. */
static const struct entity_sql *entity_sql(enum store_entity entity)
{
  pthread_once(&entity_sqls_once, build_entity_sqls);
  return &entity_sqls[entity];
}

static int bind_rec(struct store *store, sqlite3_stmt *stmt, int64_t office_id,
                    const struct store_catalog_rec *rec)
{
  const struct store_entity_def *def = &store_entities[rec->entity];
  int rc = bind_int(store, stmt, 1, office_id);
  for (size_t i = 0; i < def->count && !rc; i++) {
    const struct store_value *v = &rec->v[i];
    int index = (int)i + 2;
    if (v->null)
      rc = sqlite3_bind_null(stmt, index) == SQLITE_OK ? ST_OK : sqlite_store_fail(store, "bind");
    else if (v->text)
      rc = bind_text(store, stmt, index, v->text);
    else
      rc = bind_int(store, stmt, index, v->num);
  }
  if (!rc)
    rc = bind_text(store, stmt, (int)def->count + 2, rec->content_hash);
  return rc;
}

/* The id of (office_id, slug) when the upsert changed nothing. */
static int existing_id(struct store *store, const struct store_catalog_rec *rec, int64_t office_id,
                       int64_t *id)
{
  const struct store_entity_def *def = &store_entities[rec->entity];
  size_t slug = is_unit_col(&def->cols[0]) ? 1 : 0;
  sqlite3_stmt *stmt = NULL;
  bool owned;
  int rc = prepare(store, entity_sql(rec->entity)->existing, &stmt, &owned);
  if (!rc)
    rc = bind_int(store, stmt, 1, office_id);
  if (!rc)
    rc = bind_text(store, stmt, 2, rec->v[slug].text);
  if (!rc && sqlite3_step(stmt) == SQLITE_ROW)
    *id = sqlite3_column_int64(stmt, 0);
  else if (!rc)
    rc = store_fail(store, ST_DB, "%s vanished during update", def->noun);
  done(stmt, owned);
  return rc;
}

static int cat_put(struct store *store, int64_t office_id, const struct store_catalog_rec *rec,
                   int64_t *id, bool *changed)
{
  sqlite3_stmt *stmt = NULL;
  bool owned;
  int rc = prepare(store, entity_sql(rec->entity)->upsert, &stmt, &owned);
  if (!rc)
    rc = bind_rec(store, stmt, office_id, rec);
  *changed = false;
  if (!rc) {
    int step = sqlite3_step(stmt);
    if (step == SQLITE_ROW) {
      *id = sqlite3_column_int64(stmt, 0);
      *changed = true;
      step = sqlite3_step(stmt);
    }
    if (step != SQLITE_DONE)
      rc = sqlite_store_fail(store, store_entities[rec->entity].noun);
  }
  done(stmt, owned);
  if (!rc && !*changed)
    rc = existing_id(store, rec, office_id, id);
  return rc;
}

static int cat_get(struct store *store, enum store_entity entity, int64_t office_id, int64_t id,
                   const char *slug, json_t **out)
{
  sqlite3_stmt *stmt = NULL;
  bool owned = false;
  json_t *rows = json_array();
  int rc = rows ? prepare(store, entity_sql(entity)->get, &stmt, &owned) : ST_NOMEM;
  if (!rc)
    rc = bind_int(store, stmt, 1, office_id);
  if (!rc)
    rc = bind_int(store, stmt, 2, id);
  if (!rc)
    rc = bind_text(store, stmt, 3, slug);
  if (!rc)
    rc = rows_json(store, stmt, (int)entity, rows);
  if (!rc && json_array_size(rows) == 0)
    rc = store_fail(store, ST_NOTFOUND, "no such %s", store_entities[entity].noun);
  if (!rc)
    *out = json_incref(json_array_get(rows, 0));
  done(stmt, owned);
  json_decref(rows);
  return rc;
}

static int cat_list(struct store *store, enum store_entity entity, int64_t office_id,
                    bool published_only, int filter, const char *today, json_t *array)
{
  sqlite3_stmt *stmt = NULL;
  bool owned;
  int rc = prepare(store, entity_sql(entity)->list, &stmt, &owned);
  if (!rc)
    rc = bind_int(store, stmt, 1, office_id);
  if (!rc)
    rc = bind_int(store, stmt, 2, published_only);
  if (!rc && entity == STORE_ANNOUNCEMENT)
    rc = bind_int(store, stmt, 3, filter);
  if (!rc && entity == STORE_ANNOUNCEMENT)
    rc = bind_text(store, stmt, 4, today);
  if (!rc)
    rc = rows_json(store, stmt, (int)entity, array);
  done(stmt, owned);
  return rc;
}

/* Runs a statement bound with (?1 office_id, ?2 id) that counts or changes rows; *n receives
 * sqlite3_changes() (or the count of the first column for a SELECT). */
static int office_id_stmt(struct store *store, const char *sql, int64_t office_id, int64_t id,
                          const int64_t *more, size_t more_count, int64_t *n)
{
  sqlite3_stmt *stmt = NULL;
  bool owned;
  int rc = prepare(store, sql, &stmt, &owned);
  if (!rc)
    rc = bind_int(store, stmt, 1, office_id);
  if (!rc)
    rc = bind_int(store, stmt, 2, id);
  for (size_t i = 0; i < more_count && !rc; i++)
    rc = bind_int(store, stmt, (int)i + 3, more[i]);
  if (!rc) {
    int step = sqlite3_step(stmt);
    if (step == SQLITE_ROW)
      *n = sqlite3_column_int64(stmt, 0);
    else if (step == SQLITE_DONE)
      *n = sqlite3_changes(sqlite_store_db(store));
    else
      rc = sqlite_store_fail(store, "update");
  }
  done(stmt, owned);
  return rc;
}

static int cat_publish(struct store *store, enum store_entity entity, int64_t office_id, int64_t id,
                       bool published, bool *changed)
{
  const struct entity_sql *sql = entity_sql(entity);
  int64_t n = 0, flag = published;
  int rc = office_id_stmt(store, sql->publish, office_id, id, &flag, 1, &n);
  *changed = n > 0;
  if (rc || n > 0)
    return rc;
  rc = office_id_stmt(store, sql->exists, office_id, id, NULL, 0, &n);
  if (!rc && n == 0)
    rc = store_fail(store, ST_NOTFOUND, "no such %s", store_entities[entity].noun);
  return rc;
}

static int cat_faq_count(struct store *store, int64_t office_id, int64_t id, int helpful,
                         int not_helpful, int views)
{
  const int64_t more[3] = {helpful, not_helpful, views};
  int64_t n = 0;
  int rc = office_id_stmt(store,
                          "UPDATE faq SET helpful = helpful + ?3, not_helpful = not_helpful + ?4, "
                          "views = views + ?5 WHERE office_id = ?1 AND id = ?2 AND published = 1",
                          office_id, id, more, 3, &n);
  if (!rc && n == 0)
    rc = store_fail(store, ST_NOTFOUND, "no such published faq entry");
  return rc;
}

static int cat_faq_top(struct store *store, int64_t office_id, int limit, json_t *array)
{
  sqlite3_stmt *stmt = NULL;
  bool owned;
  int rc = prepare(store,
                   "SELECT e.* FROM faq e WHERE e.office_id = ?1 AND e.published = 1 ORDER BY "
                   "e.views DESC, e.helpful DESC, e.sort, e.id LIMIT ?2",
                   &stmt, &owned);
  if (!rc)
    rc = bind_int(store, stmt, 1, office_id);
  if (!rc)
    rc = bind_int(store, stmt, 2, limit);
  if (!rc)
    rc = rows_json(store, stmt, STORE_FAQ, array);
  done(stmt, owned);
  return rc;
}

static int cat_file_put(struct store *store, const char *sha256, const void *bytes, size_t len,
                        const char *mime, const char *name)
{
  sqlite3_stmt *stmt = NULL;
  bool owned;
  int rc = prepare(store,
                   "INSERT INTO files (sha256, mime, size, name, bytes, created_at) VALUES (?1, "
                   "?2, ?3, ?4, ?5, " ISO_NOW ") ON CONFLICT (sha256) DO NOTHING",
                   &stmt, &owned);
  if (!rc)
    rc = bind_text(store, stmt, 1, sha256);
  if (!rc)
    rc = bind_text(store, stmt, 2, mime);
  if (!rc)
    rc = bind_int(store, stmt, 3, (int64_t)len);
  if (!rc)
    rc = bind_text(store, stmt, 4, name);
  if (!rc && sqlite3_bind_blob64(stmt, 5, bytes, len, SQLITE_STATIC) != SQLITE_OK)
    rc = sqlite_store_fail(store, "bind");
  if (!rc)
    rc = run(store, stmt, "file put");
  done(stmt, owned);
  return rc;
}

static int copy_blob(struct store *store, sqlite3_stmt *stmt, int col, void **bytes, size_t *len)
{
  size_t n = (size_t)sqlite3_column_bytes(stmt, col);
  const void *data = sqlite3_column_blob(stmt, col);
  *bytes = malloc(n ? n : 1);
  if (!*bytes)
    return store_fail(store, ST_NOMEM, "out of memory");
  if (n)
    memcpy(*bytes, data, n);
  *len = n;
  return ST_OK;
}

static int cat_file_get(struct store *store, int64_t office_id, const char *sha256,
                        bool published_only, json_t **meta, void **bytes, size_t *len)
{
  sqlite3_stmt *stmt = NULL;
  bool owned;
  int rc = prepare(store,
                   "SELECT f.sha256, f.mime, f.size, f.name, f.bytes FROM files f WHERE f.sha256 "
                   "= ?2 AND EXISTS (SELECT 1 FROM service_forms sf JOIN services s ON s.id = "
                   "sf.service_id WHERE sf.file_sha256 = f.sha256 AND s.office_id = ?1 AND (?3 = "
                   "0 OR s.published = 1))",
                   &stmt, &owned);
  if (!rc)
    rc = bind_int(store, stmt, 1, office_id);
  if (!rc)
    rc = bind_text(store, stmt, 2, sha256);
  if (!rc)
    rc = bind_int(store, stmt, 3, published_only);
  int step = rc ? SQLITE_ERROR : sqlite3_step(stmt);
  if (!rc && step == SQLITE_ROW)
    rc = row_json(store, stmt, -1, meta);
  else if (!rc)
    rc = step == SQLITE_DONE ? store_fail(store, ST_NOTFOUND, "no such file")
                             : sqlite_store_fail(store, "file get");
  if (!rc && (rc = copy_blob(store, stmt, 4, bytes, len)) != ST_OK)
    json_decref(*meta);
  done(stmt, owned);
  return rc;
}

static int insert_form(struct store *store, sqlite3_stmt *stmt, int64_t service_id, json_t *form)
{
  static const char *const texts[] = {"sha256", "kind", "format", "title_zh", "title_en"};
  sqlite3_reset(stmt);
  int rc = bind_int(store, stmt, 1, service_id);
  for (size_t i = 0; i < ARRAY_LEN(texts) && !rc; i++) {
    const char *text = json_string_value(json_object_get(form, texts[i]));
    rc = bind_text(store, stmt, (int)i + 2, text ? text : "");
  }
  if (!rc)
    rc = bind_int(store, stmt, 7, json_integer_value(json_object_get(form, "sort")));
  return rc ? rc : run(store, stmt, "service form");
}

static int cat_forms_set(struct store *store, int64_t service_id, json_t *forms)
{
  sqlite3_stmt *stmt = NULL;
  bool owned;
  size_t i;
  json_t *form;
  int rc = prepare(store, "DELETE FROM service_forms WHERE service_id = ?1", &stmt, &owned);
  if (!rc)
    rc = bind_int(store, stmt, 1, service_id);
  if (!rc)
    rc = run(store, stmt, "service forms");
  done(stmt, owned);
  stmt = NULL;
  if (!rc)
    rc = prepare(store,
                 "INSERT INTO service_forms (service_id, file_sha256, kind, format, title_zh, "
                 "title_en, sort) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                 &stmt, &owned);
  json_array_foreach(forms, i, form)
  {
    if (rc)
      break;
    rc = insert_form(store, stmt, service_id, form);
  }
  done(stmt, owned);
  return rc;
}

static int cat_forms_list(struct store *store, int64_t service_id, json_t *array)
{
  sqlite3_stmt *stmt = NULL;
  bool owned;
  int rc = prepare(store,
                   "SELECT sf.file_sha256 AS sha256, sf.kind, sf.format, sf.title_zh, sf.title_en, "
                   "sf.sort, f.mime, f.size, f.name FROM service_forms sf JOIN files f ON "
                   "f.sha256 = sf.file_sha256 WHERE sf.service_id = ?1 ORDER BY sf.sort, "
                   "sf.rowid",
                   &stmt, &owned);
  if (!rc)
    rc = bind_int(store, stmt, 1, service_id);
  if (!rc)
    rc = rows_json(store, stmt, -1, array);
  done(stmt, owned);
  return rc;
}

static int cat_forms_all(struct store *store, json_t *array)
{
  sqlite3_stmt *stmt = NULL;
  bool owned;
  int rc = prepare(store,
                   "SELECT sf.service_id, sf.file_sha256 AS sha256, sf.kind, sf.format, "
                   "sf.title_zh, sf.title_en, sf.sort, f.mime, f.size, f.name FROM service_forms "
                   "sf JOIN files f ON f.sha256 = sf.file_sha256 ORDER BY sf.service_id, sf.sort, "
                   "sf.rowid",
                   &stmt, &owned);
  if (!rc)
    rc = rows_json(store, stmt, -1, array);
  done(stmt, owned);
  return rc;
}

static int cat_revision_add(struct store *store, int64_t office_id, const char *entity,
                            int64_t entity_id, const char *action, int64_t actor_id,
                            const char *actor, const char *snapshot)
{
  sqlite3_stmt *stmt = NULL;
  bool owned;
  int rc = prepare(store,
                   "INSERT INTO revisions (office_id, entity, entity_id, action, actor_id, actor, "
                   "at, snapshot) VALUES (?1, ?2, ?3, ?4, nullif(?5, 0), ?6, "
                   "strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?7)",
                   &stmt, &owned);
  const char *texts[] = {entity, action};
  if (!rc)
    rc = bind_int(store, stmt, 1, office_id);
  for (size_t i = 0; i < 2 && !rc; i++)
    rc = bind_text(store, stmt, i == 0 ? 2 : 4, texts[i]);
  if (!rc)
    rc = bind_int(store, stmt, 3, entity_id);
  if (!rc)
    rc = bind_int(store, stmt, 5, actor_id);
  if (!rc)
    rc = bind_text(store, stmt, 6, actor);
  if (!rc)
    rc = bind_text(store, stmt, 7, snapshot);
  if (!rc)
    rc = run(store, stmt, "revision");
  done(stmt, owned);
  return rc;
}

static int parse_snapshots(json_t *array)
{
  size_t i;
  json_t *row;
  json_array_foreach(array, i, row)
  {
    const char *text = json_string_value(json_object_get(row, "snapshot"));
    json_t *snapshot = text ? json_loads(text, 0, NULL) : NULL;
    if (!snapshot || json_object_set_new(row, "snapshot", snapshot))
      return ST_DB;
  }
  return ST_OK;
}

static int cat_revision_list(struct store *store, const char *entity, int64_t entity_id,
                             json_t *array)
{
  sqlite3_stmt *stmt = NULL;
  bool owned;
  int rc = prepare(store,
                   "SELECT id, office_id, entity, entity_id, action, actor_id, actor, at, "
                   "snapshot FROM revisions WHERE entity = ?1 AND entity_id = ?2 ORDER BY id DESC",
                   &stmt, &owned);
  if (!rc)
    rc = bind_text(store, stmt, 1, entity);
  if (!rc)
    rc = bind_int(store, stmt, 2, entity_id);
  if (!rc)
    rc = rows_json(store, stmt, -1, array);
  done(stmt, owned);
  return rc ? rc : parse_snapshots(array);
}

/* One spelling as an FTS5 string ("" doubles a quote); FTS5 runs it through the bigram
 * tokenizer, so a CJK word becomes a phrase of its bigrams. */
static int put_phrase(struct buf *match, const char *text, bool prefix)
{
  int rc = buf_putc(match, '"');
  for (const char *p = text; *p && !rc; p++)
    rc = *p == '"' ? buf_puts(match, "\"\"") : buf_putc(match, *p);
  if (!rc)
    rc = buf_puts(match, prefix ? "\" *" : "\"");
  return rc;
}

/* Every term must match; a term matches in any of its spellings. */
static int build_match(int64_t office_id, const struct search_term *terms, size_t count,
                       struct buf *match)
{
  /* The office's rows only (migration 19), and the terms in titles and bodies only. */
  int rc = buf_printf(match, "office_key : office%lld AND {title body} : (", (long long)office_id);
  for (size_t i = 0; i < count && !rc; i++) {
    rc = buf_puts(match, i ? " AND (" : "(");
    for (size_t v = 0; v < terms[i].variant_count && !rc; v++) {
      if (v)
        rc = buf_puts(match, " OR ");
      if (!rc)
        rc = put_phrase(match, terms[i].variants[v],
                        v == 0 && (terms[i].latin || terms[i].lone_cjk));
    }
    if (!rc)
      rc = buf_putc(match, ')');
  }
  return rc ? rc : buf_putc(match, ')');
}

static const char search_sql[] =
    "SELECT f.kind AS kind, f.ref_id AS id, coalesce(s.slug, q.slug, a.slug) AS slug, "
    "coalesce(s.name_zh, q.question_zh, a.title_zh) AS title_zh, coalesce(s.name_en, "
    "q.question_en, a.title_en) AS title_en, coalesce(s.summary_zh, q.answer_zh, a.body_zh) AS "
    "summary_zh, coalesce(s.summary_en, q.answer_en, a.body_en) AS summary_en FROM search_index f "
    "LEFT JOIN services s ON f.kind = 'service' AND s.id = f.ref_id AND s.published = 1 "
    "LEFT JOIN faq q ON f.kind = 'faq' AND q.id = f.ref_id AND q.published = 1 "
    "LEFT JOIN announcements a ON f.kind = 'announcement' AND a.id = f.ref_id AND a.published = "
    "1 AND a.starts_on <= ?3 AND a.ends_on >= ?3 "
    "WHERE search_index MATCH ?1 AND f.office_id = ?2 AND coalesce(s.id, q.id, a.id) IS NOT NULL "
    "ORDER BY bm25(search_index, 0.0, 0.0, 0.0, 0.0, 10.0, 1.0) LIMIT ?4";

static int cat_search(struct store *store, int64_t office_id, const struct search_term *terms,
                      size_t term_count, const char *today, int limit, json_t *array)
{
  struct buf match;
  sqlite3_stmt *stmt = NULL;
  bool owned = false;
  buf_init(&match, MATCH_MAX);
  int rc = build_match(office_id, terms, term_count, &match);
  if (rc)
    rc = store_fail(store, ST_INVALID, "the search text is too long");
  if (!rc)
    rc = prepare(store, search_sql, &stmt, &owned);
  if (!rc)
    rc = bind_text(store, stmt, 1, match.data);
  if (!rc)
    rc = bind_int(store, stmt, 2, office_id);
  if (!rc)
    rc = bind_text(store, stmt, 3, today);
  if (!rc)
    rc = bind_int(store, stmt, 4, limit);
  if (!rc)
    rc = rows_json(store, stmt, -1, array);
  done(stmt, owned);
  buf_free(&match);
  return rc;
}

const struct store_catalog_ops sqlite_catalog_ops = {
    .put = cat_put,
    .get = cat_get,
    .list = cat_list,
    .publish = cat_publish,
    .faq_count = cat_faq_count,
    .faq_top = cat_faq_top,
    .file_put = cat_file_put,
    .file_get = cat_file_get,
    .forms_set = cat_forms_set,
    .forms_list = cat_forms_list,
    .forms_all = cat_forms_all,
    .revision_add = cat_revision_add,
    .revision_list = cat_revision_list,
    .search = cat_search,
};
