/*
 * pg_catalog.c - the PostgreSQL half of the catalogue store (store_impl.h, store_catalog_ops),
 * the counterpart of sqlite_catalog.c: statements built from the column tables in catalog.c,
 * values only as parameters. A put writes the record and its search_index row (the bigram
 * tsvector of pg_search.c) in one statement, so the index never lags its record.
 */
#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "store/pg_internal.h"
#include "store/store_impl.h"

#include "base/common.h"

#define ISO_NOW       "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
#define SQL_MAX       8192
#define TEXT_MAX      (512 * 1024)
#define NO_UNIT_ORDER "1000000000"

static const struct store_col *find_col(enum store_entity entity, const char *name)
{
  const struct store_entity_def *def = &store_entities[entity];
  for (size_t i = 0; i < def->count; i++)
    if (strcmp(def->cols[i].name, name) == 0)
      return &def->cols[i];
  return NULL;
}

/* A column value as JSON: booleans and list columns of the entity get their real type. */
static json_t *value_json(const PGresult *res, int row, int col, const struct store_col *def)
{
  if (def && def->type == COL_BOOL && !PQgetisnull(res, row, col))
    return json_boolean(strcmp(PQgetvalue(res, row, col), "0") != 0);
  if (def && (def->type == COL_TEXT_LIST || def->type == COL_JSON) && !PQgetisnull(res, row, col))
    return json_loadb(PQgetvalue(res, row, col), (size_t)PQgetlength(res, row, col), 0, NULL);
  return pg_value_json(res, row, col);
}

static bool hidden_column(const char *name)
{
  return strcmp(name, "content_hash") == 0 || strcmp(name, "bytes") == 0 ||
         strcmp(name, "doc") == 0;
}

/* Row r as an object (entity < 0: no typed columns); content_hash and bytes are left out. */
static int row_json(struct store *store, const PGresult *res, int r, int entity, json_t **out)
{
  json_t *row = json_object();
  if (!row)
    return ST_NOMEM;
  for (int col = 0; col < PQnfields(res); col++) {
    const char *name = PQfname(res, col);
    if (hidden_column(name))
      continue;
    const struct store_col *def = entity >= 0 ? find_col((enum store_entity)entity, name) : NULL;
    json_t *value = value_json(res, r, col, def);
    if (!value || json_object_set_new(row, name, value)) {
      json_decref(row);
      return store_fail(store, ST_DB, "column %s cannot be read", name);
    }
  }
  *out = row;
  return ST_OK;
}

/* Runs a query and appends its rows to array. */
static int query_rows(struct store *store, const char *sql, const struct pg_params *p, int entity,
                      json_t *array)
{
  PGresult *res = NULL;
  int rc = pg_run(store, sql, p, &res, "query");
  for (int r = 0; !rc && r < PQntuples(res); r++) {
    json_t *row = NULL;
    rc = row_json(store, res, r, entity, &row);
    if (!rc && json_array_append_new(array, row))
      rc = ST_NOMEM;
  }
  PQclear(res);
  return rc;
}

static bool is_unit_col(const struct store_col *col)
{
  return strcmp(col->name, "unit") == 0;
}

static int upsert_columns(const struct store_entity_def *def, bool has_unit, struct buf *sql)
{
  int rc = buf_printf(sql, "WITH up AS (INSERT INTO %s (office_id%s", def->table,
                      has_unit ? ", unit_id" : "");
  for (size_t i = has_unit; i < def->count && !rc; i++)
    rc = buf_printf(sql, ", %s", def->cols[i].name);
  if (!rc)
    rc = buf_printf(sql, ", content_hash, updated_at) VALUES ($1%s",
                    has_unit ? ", (SELECT id FROM units WHERE office_id = $1 AND code = $2)" : "");
  for (size_t i = has_unit; i < def->count && !rc; i++)
    rc = buf_printf(sql, ", $%zu", i + 2);
  return rc;
}

/* WITH up AS (INSERT ... ON CONFLICT (office_id, slug) DO UPDATE ... WHERE the content changed
 * RETURNING id), ix AS (the search_index row of up) SELECT id FROM up. Column i is parameter
 * i + 2; $1 is office_id; then content_hash and the search document. */
static int build_upsert(enum store_entity entity, struct buf *sql)
{
  const struct store_entity_def *def = &store_entities[entity];
  bool has_unit = is_unit_col(&def->cols[0]);
  int rc = upsert_columns(def, has_unit, sql);
  if (!rc)
    rc = buf_printf(sql, ", $%zu, " ISO_NOW ") ON CONFLICT (office_id, slug) DO UPDATE SET %s",
                    def->count + 2, has_unit ? "unit_id = excluded.unit_id, " : "");
  for (size_t i = has_unit; i < def->count && !rc; i++)
    if (strcmp(def->cols[i].name, "slug") != 0)
      rc = buf_printf(sql, "%s = excluded.%s, ", def->cols[i].name, def->cols[i].name);
  if (!rc)
    rc = buf_printf(sql,
                    "content_hash = excluded.content_hash, updated_at = excluded.updated_at "
                    "WHERE %s.content_hash IS DISTINCT FROM excluded.content_hash OR "
                    "%s.published IS DISTINCT FROM excluded.published RETURNING id, office_id), "
                    "ix AS (INSERT INTO search_index (id, kind, ref_id, office_id, doc) SELECT "
                    "id * 4 + %d, '%s', id, office_id, $%zu::tsvector FROM up ON CONFLICT (id) "
                    "DO UPDATE SET doc = excluded.doc) SELECT id FROM up",
                    def->table, def->table, (int)entity + 1, def->noun, def->count + 3);
  return rc;
}

/* The columns joined into the search document, as sqlite's index triggers join them. */
static const char *const title_cols[STORE_ENTITY_COUNT][3] = {
    [STORE_SERVICE] = {"name_zh", "name_en", NULL},
    [STORE_FAQ] = {"question_zh", "question_en", NULL},
    [STORE_ANNOUNCEMENT] = {"title_zh", "title_en", NULL},
};
static const char *const body_cols[STORE_ENTITY_COUNT][11] = {
    [STORE_SERVICE] = {"summary_zh", "summary_en", "eligibility_zh", "eligibility_en",
                       "documents_zh", "documents_en", "steps_zh", "steps_en", "fee_zh", "fee_en",
                       NULL},
    [STORE_FAQ] = {"category_zh", "category_en", "answer_zh", "answer_en", NULL},
    [STORE_ANNOUNCEMENT] = {"body_zh", "body_en", NULL},
};

/* A record's text column by name, from a checked record or from a row as JSON. */
typedef const char *(*text_of_fn)(const void *source, const char *name);

static const char *rec_text(const void *source, const char *name)
{
  const struct store_catalog_rec *rec = source;
  const struct store_entity_def *def = &store_entities[rec->entity];
  for (size_t i = 0; i < def->count; i++)
    if (strcmp(def->cols[i].name, name) == 0)
      return rec->v[i].text ? rec->v[i].text : "";
  return "";
}

static const char *json_text(const void *source, const char *name)
{
  const char *s = json_string_value(json_object_get((json_t *)source, name));
  return s ? s : "";
}

static int join_cols(text_of_fn text, const void *source, const char *const *cols, struct buf *out)
{
  int rc = ST_OK;
  for (size_t i = 0; cols[i] && !rc; i++) {
    rc = i ? buf_putc(out, ' ') : ST_OK;
    if (!rc)
      rc = buf_puts(out, text(source, cols[i]));
  }
  return rc;
}

static int search_document(enum store_entity entity, text_of_fn text, const void *source,
                           char **doc)
{
  struct buf title, body;
  buf_init(&title, TEXT_MAX);
  buf_init(&body, TEXT_MAX);
  int rc = join_cols(text, source, title_cols[entity], &title);
  if (!rc)
    rc = join_cols(text, source, body_cols[entity], &body);
  if (!rc)
    rc = pg_search_document(title.data ? title.data : "", body.data ? body.data : "", doc);
  buf_free(&title);
  buf_free(&body);
  return rc;
}

static void bind_rec(struct pg_params *p, int64_t office_id, const struct store_catalog_rec *rec,
                     const char *doc)
{
  const struct store_entity_def *def = &store_entities[rec->entity];
  pg_params_int(p, office_id);
  for (size_t i = 0; i < def->count; i++) {
    const struct store_value *v = &rec->v[i];
    if (v->null)
      pg_params_text(p, NULL);
    else if (v->text)
      pg_params_text(p, v->text);
    else
      pg_params_int(p, v->num);
  }
  pg_params_text(p, rec->content_hash);
  pg_params_text(p, doc);
}

/* The id of (office_id, slug) when the upsert changed nothing. */
static int existing_id(struct store *store, const struct store_catalog_rec *rec, int64_t office_id,
                       int64_t *id)
{
  const struct store_entity_def *def = &store_entities[rec->entity];
  size_t slug = is_unit_col(&def->cols[0]) ? 1 : 0;
  char sql[128];
  struct pg_params p = {0};
  PGresult *res = NULL;
  bool found = false;
  snprintf(sql, sizeof(sql), "SELECT id FROM %s WHERE office_id = $1 AND slug = $2", def->table);
  pg_params_int(&p, office_id);
  pg_params_text(&p, rec->v[slug].text);
  int rc = pg_run(store, sql, &p, &res, def->noun);
  if (!rc)
    rc = pg_first_int(store, res, id, &found);
  if (!rc && !found)
    rc = store_fail(store, ST_DB, "%s vanished during update", def->noun);
  PQclear(res);
  return rc;
}

static int cat_put(struct store *store, int64_t office_id, const struct store_catalog_rec *rec,
                   int64_t *id, bool *changed)
{
  struct buf sql;
  struct pg_params p = {0};
  PGresult *res = NULL;
  char *doc = NULL;
  *changed = false;
  buf_init(&sql, SQL_MAX);
  int rc = build_upsert(rec->entity, &sql);
  if (!rc)
    rc = search_document(rec->entity, rec_text, rec, &doc);
  if (rc)
    rc = store_fail(store, rc, "%s is too long to index", store_entities[rec->entity].noun);
  if (!rc) {
    bind_rec(&p, office_id, rec, doc);
    rc = pg_run(store, sql.data, &p, &res, store_entities[rec->entity].noun);
  }
  if (!rc)
    rc = pg_first_int(store, res, id, changed);
  PQclear(res);
  free(doc);
  buf_free(&sql);
  if (!rc && !*changed)
    rc = existing_id(store, rec, office_id, id);
  return rc;
}

static const char *select_from(enum store_entity entity)
{
  switch (entity) {
  case STORE_SERVICE:
    return "SELECT e.*, coalesce(u.code, '') AS unit FROM services e LEFT JOIN units u ON u.id = "
           "e.unit_id WHERE e.office_id = $1";
  case STORE_FAQ:
    return "SELECT e.* FROM faq e WHERE e.office_id = $1";
  default:
    return "SELECT e.* FROM announcements e WHERE e.office_id = $1";
  }
}

static int cat_get(struct store *store, enum store_entity entity, int64_t office_id, int64_t id,
                   const char *slug, json_t **out)
{
  char sql[512];
  struct pg_params p = {0};
  json_t *rows = json_array();
  if (!rows)
    return ST_NOMEM;
  snprintf(sql, sizeof(sql), "%s AND (e.id = $2 OR ($2 = 0 AND e.slug = $3::text))",
           select_from(entity));
  pg_params_int(&p, office_id);
  pg_params_int(&p, id);
  pg_params_text(&p, slug);
  int rc = query_rows(store, sql, &p, (int)entity, rows);
  if (!rc && json_array_size(rows) == 0)
    rc = store_fail(store, ST_NOTFOUND, "no such %s", store_entities[entity].noun);
  if (!rc)
    *out = json_incref(json_array_get(rows, 0));
  json_decref(rows);
  return rc;
}

static const char *list_tail(enum store_entity entity)
{
  switch (entity) {
  case STORE_SERVICE:
    return " AND ($2 = 0 OR e.published = 1) ORDER BY coalesce(u.sort, " NO_UNIT_ORDER
           "), e.sort, e.id";
  case STORE_FAQ:
    return " AND ($2 = 0 OR e.published = 1) ORDER BY e.sort, e.id";
  default:
    return " AND ($2 = 0 OR e.published = 1) AND ($3 = 0 OR ($3 = 1 AND e.starts_on <= $4::text "
           "AND e.ends_on >= $4::text) OR ($3 = 2 AND e.ends_on < $4::text)) ORDER BY e.starts_on "
           "DESC, e.id DESC";
  }
}

static int cat_list(struct store *store, enum store_entity entity, int64_t office_id,
                    bool published_only, int filter, const char *today, json_t *array)
{
  char sql[768];
  struct pg_params p = {0};
  snprintf(sql, sizeof(sql), "%s%s", select_from(entity), list_tail(entity));
  pg_params_int(&p, office_id);
  pg_params_int(&p, published_only);
  if (entity == STORE_ANNOUNCEMENT) {
    pg_params_int(&p, filter);
    pg_params_text(&p, today);
  }
  return query_rows(store, sql, &p, (int)entity, array);
}

/* Runs a statement and gives the number of rows it changed. */
static int run_changes(struct store *store, const char *sql, const struct pg_params *p, int64_t *n)
{
  PGresult *res = NULL;
  int rc = pg_run(store, sql, p, &res, "update");
  if (rc)
    return rc;
  if (!pg_parse_int(PQcmdTuples(res), n))
    *n = 0;
  PQclear(res);
  return ST_OK;
}

static int cat_publish(struct store *store, enum store_entity entity, int64_t office_id, int64_t id,
                       bool published, bool *changed)
{
  const char *table = store_entities[entity].table;
  char sql[256];
  struct pg_params p = {0};
  int64_t n = 0;
  bool found = false;
  snprintf(sql, sizeof(sql),
           "UPDATE %s SET published = $3, updated_at = %s WHERE office_id = $1 AND id = $2 AND "
           "published IS DISTINCT FROM $3",
           table, ISO_NOW);
  pg_params_int(&p, office_id);
  pg_params_int(&p, id);
  pg_params_int(&p, published);
  int rc = run_changes(store, sql, &p, &n);
  *changed = n > 0;
  if (rc || n > 0)
    return rc;
  p.count = 2;
  snprintf(sql, sizeof(sql), "SELECT id FROM %s WHERE office_id = $1 AND id = $2", table);
  PGresult *res = NULL;
  rc = pg_run(store, sql, &p, &res, "publish");
  if (!rc)
    rc = pg_first_int(store, res, &n, &found);
  PQclear(res);
  if (!rc && !found)
    rc = store_fail(store, ST_NOTFOUND, "no such %s", store_entities[entity].noun);
  return rc;
}

static int cat_faq_count(struct store *store, int64_t office_id, int64_t id, int helpful,
                         int not_helpful, int views)
{
  struct pg_params p = {0};
  int64_t n = 0;
  pg_params_int(&p, office_id);
  pg_params_int(&p, id);
  pg_params_int(&p, helpful);
  pg_params_int(&p, not_helpful);
  pg_params_int(&p, views);
  int rc = run_changes(store,
                       "UPDATE faq SET helpful = helpful + $3, not_helpful = not_helpful + $4, "
                       "views = views + $5 WHERE office_id = $1 AND id = $2 AND published = 1",
                       &p, &n);
  if (!rc && n == 0)
    rc = store_fail(store, ST_NOTFOUND, "no such published faq entry");
  return rc;
}

static int cat_faq_top(struct store *store, int64_t office_id, int limit, json_t *array)
{
  struct pg_params p = {0};
  pg_params_int(&p, office_id);
  pg_params_int(&p, limit);
  return query_rows(store,
                    "SELECT e.* FROM faq e WHERE e.office_id = $1 AND e.published = 1 ORDER BY "
                    "e.views DESC, e.helpful DESC, e.sort, e.id LIMIT $2",
                    &p, STORE_FAQ, array);
}

static int cat_file_put(struct store *store, const char *sha256, const void *bytes, size_t len,
                        const char *mime, const char *name)
{
  struct pg_params p = {0};
  pg_params_text(&p, sha256);
  pg_params_text(&p, mime);
  pg_params_int(&p, (int64_t)len);
  pg_params_text(&p, name);
  pg_params_bytes(&p, bytes, len);
  return pg_run(store,
                "INSERT INTO files (sha256, mime, size, name, bytes, created_at) VALUES ($1, $2, "
                "$3, $4, $5, " ISO_NOW ") ON CONFLICT (sha256) DO NOTHING",
                &p, NULL, "file put");
}

/* The bytea column (text form, hex) of row 0 as a malloc'd copy. */
static int copy_bytes(struct store *store, const PGresult *res, int col, void **bytes, size_t *len)
{
  size_t n = 0;
  unsigned char *raw = PQunescapeBytea((const unsigned char *)PQgetvalue(res, 0, col), &n);
  if (!raw)
    return store_fail(store, ST_NOMEM, "out of memory");
  *bytes = malloc(n ? n : 1);
  if (*bytes && n)
    memcpy(*bytes, raw, n);
  PQfreemem(raw);
  if (!*bytes)
    return store_fail(store, ST_NOMEM, "out of memory");
  *len = n;
  return ST_OK;
}

static int cat_file_get(struct store *store, int64_t office_id, const char *sha256,
                        bool published_only, json_t **meta, void **bytes, size_t *len)
{
  struct pg_params p = {0};
  PGresult *res = NULL;
  pg_params_int(&p, office_id);
  pg_params_text(&p, sha256);
  pg_params_int(&p, published_only);
  int rc = pg_run(store,
                  "SELECT f.sha256, f.mime, f.size, f.name, f.bytes FROM files f WHERE f.sha256 = "
                  "$2 AND EXISTS (SELECT 1 FROM service_forms sf JOIN services s ON s.id = "
                  "sf.service_id WHERE sf.file_sha256 = f.sha256 AND s.office_id = $1 AND ($3 = "
                  "0 OR s.published = 1))",
                  &p, &res, "file get");
  if (!rc && PQntuples(res) == 0)
    rc = store_fail(store, ST_NOTFOUND, "no such file");
  if (!rc)
    rc = row_json(store, res, 0, -1, meta);
  if (!rc && (rc = copy_bytes(store, res, 4, bytes, len)) != ST_OK)
    json_decref(*meta);
  PQclear(res);
  return rc;
}

static int insert_form(struct store *store, int64_t service_id, json_t *form)
{
  static const char *const texts[] = {"sha256", "kind", "format", "title_zh", "title_en"};
  struct pg_params p = {0};
  pg_params_int(&p, service_id);
  for (size_t i = 0; i < ARRAY_LEN(texts); i++) {
    const char *text = json_string_value(json_object_get(form, texts[i]));
    pg_params_text(&p, text ? text : "");
  }
  pg_params_int(&p, json_integer_value(json_object_get(form, "sort")));
  return pg_run(store,
                "INSERT INTO service_forms (service_id, file_sha256, kind, format, title_zh, "
                "title_en, sort) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &p, NULL, "service form");
}

static int cat_forms_set(struct store *store, int64_t service_id, json_t *forms)
{
  struct pg_params p = {0};
  size_t i;
  json_t *form;
  pg_params_int(&p, service_id);
  int rc =
      pg_run(store, "DELETE FROM service_forms WHERE service_id = $1", &p, NULL, "service forms");
  json_array_foreach(forms, i, form)
  {
    if (rc)
      break;
    rc = insert_form(store, service_id, form);
  }
  return rc;
}

/* Forms of equal sort keep the order they were set in (ctid of rows inserted together). */
static int cat_forms_list(struct store *store, int64_t service_id, json_t *array)
{
  struct pg_params p = {0};
  pg_params_int(&p, service_id);
  return query_rows(store,
                    "SELECT sf.file_sha256 AS sha256, sf.kind, sf.format, sf.title_zh, "
                    "sf.title_en, sf.sort, f.mime, f.size, f.name FROM service_forms sf JOIN files "
                    "f ON f.sha256 = sf.file_sha256 WHERE sf.service_id = $1 ORDER BY sf.sort, "
                    "sf.ctid",
                    &p, -1, array);
}

static int cat_forms_all(struct store *store, json_t *array)
{
  return query_rows(store,
                    "SELECT sf.service_id, sf.file_sha256 AS sha256, sf.kind, sf.format, "
                    "sf.title_zh, sf.title_en, sf.sort, f.mime, f.size, f.name FROM service_forms "
                    "sf JOIN files f ON f.sha256 = sf.file_sha256 ORDER BY sf.service_id, sf.sort, "
                    "sf.ctid",
                    NULL, -1, array);
}

static int cat_revision_add(struct store *store, int64_t office_id, const char *entity,
                            int64_t entity_id, const char *action, int64_t actor_id,
                            const char *actor, const char *snapshot)
{
  struct pg_params p = {0};
  pg_params_int(&p, office_id);
  pg_params_text(&p, entity);
  pg_params_int(&p, entity_id);
  pg_params_text(&p, action);
  pg_params_int(&p, actor_id);
  pg_params_text(&p, actor);
  pg_params_text(&p, snapshot);
  return pg_run(store,
                "INSERT INTO revisions (office_id, entity, entity_id, action, actor_id, actor, at, "
                "snapshot) VALUES ($1, $2, $3, $4, nullif($5, 0), $6, to_char(clock_timestamp() "
                "AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), $7)",
                &p, NULL, "revision");
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
  struct pg_params p = {0};
  pg_params_text(&p, entity);
  pg_params_int(&p, entity_id);
  int rc = query_rows(store,
                      "SELECT id, office_id, entity, entity_id, action, actor_id, actor, at, "
                      "snapshot FROM revisions WHERE entity = $1 AND entity_id = $2 ORDER BY id "
                      "DESC",
                      &p, -1, array);
  return rc ? rc : parse_snapshots(array);
}

/* Ranked like SQLite's bm25 with titles weighing 10:1 over bodies: ts_rank's weights for
 * {D, C, B, A} give the body (D) 0.1 and the title (A) 1.0. */
static const char search_sql[] =
    "SELECT f.kind AS kind, f.ref_id AS id, coalesce(s.slug, q.slug, a.slug) AS slug, "
    "coalesce(s.name_zh, q.question_zh, a.title_zh) AS title_zh, coalesce(s.name_en, "
    "q.question_en, a.title_en) AS title_en, coalesce(s.summary_zh, q.answer_zh, a.body_zh) AS "
    "summary_zh, coalesce(s.summary_en, q.answer_en, a.body_en) AS summary_en FROM search_index f "
    "LEFT JOIN services s ON f.kind = 'service' AND s.id = f.ref_id AND s.published = 1 "
    "LEFT JOIN faq q ON f.kind = 'faq' AND q.id = f.ref_id AND q.published = 1 "
    "LEFT JOIN announcements a ON f.kind = 'announcement' AND a.id = f.ref_id AND a.published = "
    "1 AND a.starts_on <= $3 AND a.ends_on >= $3 "
    "WHERE f.doc @@ $1::tsquery AND f.office_id = $2 AND coalesce(s.id, q.id, a.id) IS NOT NULL "
    "ORDER BY ts_rank('{0.1, 0.2, 0.4, 1.0}', f.doc, $1::tsquery) DESC, f.id LIMIT $4";

static int cat_search(struct store *store, int64_t office_id, const struct search_term *terms,
                      size_t term_count, const char *today, int limit, json_t *array)
{
  struct pg_params p = {0};
  char *query = NULL;
  bool empty = false;
  int rc = pg_search_query(terms, term_count, &query, &empty);
  if (rc)
    return store_fail(store, ST_INVALID, "the search text is too long");
  if (!empty) {
    pg_params_text(&p, query);
    pg_params_int(&p, office_id);
    pg_params_text(&p, today);
    pg_params_int(&p, limit);
    rc = query_rows(store, search_sql, &p, -1, array);
  }
  free(query);
  return rc;
}

static int reindex_row(struct store *store, enum store_entity entity, json_t *row)
{
  struct pg_params p = {0};
  char *doc = NULL;
  int rc = search_document(entity, json_text, row, &doc);
  if (rc)
    return store_fail(store, rc, "%s is too long to index", store_entities[entity].noun);
  pg_params_int(&p, json_integer_value(json_object_get(row, "id")));
  pg_params_int(&p, (int64_t)entity + 1);
  pg_params_text(&p, store_entities[entity].noun);
  pg_params_int(&p, json_integer_value(json_object_get(row, "office_id")));
  pg_params_text(&p, doc);
  rc = pg_run(store,
              "INSERT INTO search_index (id, kind, ref_id, office_id, doc) VALUES ($1 * 4 + $2, "
              "$3, $1, $4, $5::tsvector) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc",
              &p, NULL, "search index");
  free(doc);
  return rc;
}

int pg_catalog_reindex(struct store *store)
{
  int rc = ST_OK;
  for (int entity = 0; entity < STORE_ENTITY_COUNT && !rc; entity++) {
    char sql[128];
    size_t i;
    json_t *rows = json_array(), *row;
    snprintf(sql, sizeof(sql), "SELECT * FROM %s ORDER BY id", store_entities[entity].table);
    PGresult *res = NULL;
    rc = rows ? pg_run(store, sql, NULL, &res, "search index") : ST_NOMEM;
    if (!rc)
      rc = pg_rows_json(store, res, rows);
    PQclear(res);
    json_array_foreach(rows, i, row)
    {
      if (!rc)
        rc = reindex_row(store, (enum store_entity)entity, row);
    }
    json_decref(rows);
  }
  return rc;
}

const struct store_catalog_ops pg_catalog_ops = {
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
