/*
 * catalog.c - the backend-neutral half of the catalogue store (store.h, "Catalogue"): the
 * column tables of services, FAQ and announcements, checking records at the store edge,
 * content hashes (so putting the same content again changes nothing) and dispatch to the
 * backend's catalogue ops.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/civil.h"
#include "base/str.h"
#include "store/store_impl.h"

#include "base/common.h"

#define LINE_MAX_BYTES      1000
#define TEXT_MAX_BYTES      4000
#define ANSWER_MAX_BYTES    16000
#define LIST_MAX_ITEMS      40
#define CODE_MAX_BYTES      40
#define SORT_MAX            1000000
#define FEE_MAX             1000000000
#define TIME_LIMIT_MAX      (90 * 8 * 60) /* 90 working days, in working minutes */
#define SEARCH_ARENA_MAX    (256 * 1024)
#define QUESTIONS_MAX_BYTES (256 * 1024)
#define FEE_SCHEDULE_BYTES  (64 * 1024) /* FEE_SCHEDULE_MAX_BYTES of domain/fee_schedule.h */

#define LINE(n)                                                                                    \
  {                                                                                                \
    n, COL_TEXT, false, 0, LINE_MAX_BYTES                                                          \
  }
#define LINE_REQ(n)                                                                                \
  {                                                                                                \
    n, COL_TEXT, true, 0, LINE_MAX_BYTES                                                           \
  }
#define MULTI(n)                                                                                   \
  {                                                                                                \
    n, COL_MULTILINE, false, 0, TEXT_MAX_BYTES                                                     \
  }
#define LIST(n)                                                                                    \
  {                                                                                                \
    n, COL_TEXT_LIST, false, LIST_MAX_ITEMS, LINE_MAX_BYTES                                        \
  }
#define CODE(n)                                                                                    \
  {                                                                                                \
    n, COL_CODE, false, 0, CODE_MAX_BYTES                                                          \
  }
#define CODE_REQ(n)                                                                                \
  {                                                                                                \
    n, COL_CODE, true, 0, CODE_MAX_BYTES                                                           \
  }
#define BOOL_COL(n)                                                                                \
  {                                                                                                \
    n, COL_BOOL, false, 0, 1                                                                       \
  }
#define SORT_COL                                                                                   \
  {                                                                                                \
    "sort", COL_INT, false, 0, SORT_MAX                                                            \
  }
#define PUBLISHED BOOL_COL("published")

static const struct store_col service_cols[] = {
    CODE("unit"), /* must stay first: the backend turns it into unit_id */
    CODE_REQ("slug"),
    CODE("topic"),
    SORT_COL,
    LINE_REQ("name_zh"),
    LINE("name_en"),
    MULTI("summary_zh"),
    MULTI("summary_en"),
    MULTI("eligibility_zh"),
    MULTI("eligibility_en"),
    LIST("steps_zh"),
    LIST("steps_en"),
    LIST("documents_zh"),
    LIST("documents_en"),
    MULTI("fee_zh"),
    MULTI("fee_en"),
    {"fee_amount", COL_INT_NULL, false, 0, FEE_MAX},
    {"time_limit_minutes", COL_INT, true, 0, TIME_LIMIT_MAX},
    /* left out: one working day, the column's default (the domain's
     * CATALOG_REMOTE_INSTANT_DEFAULT); never 0 */
    {"remote_instant_minutes", COL_INT, false, 1, TIME_LIMIT_MAX, 480},
    LINE("where_zh"),
    LINE("where_en"),
    LINE("counter"),
    LINE("floor_zh"),
    LINE("floor_en"),
    MULTI("hours_zh"),
    MULTI("hours_en"),
    BOOL_COL("channel_counter"),
    BOOL_COL("channel_online"),
    BOOL_COL("channel_mail"),
    BOOL_COL("online_capable"),
    LINE("online_url"),
    LINE("case_word_code"),
    MULTI("workflow"),
    {"questions", COL_JSON, false, 0, QUESTIONS_MAX_BYTES},   /* domain/form.h checks the content */
    {"fee_schedule", COL_JSON, false, 0, FEE_SCHEDULE_BYTES}, /* domain/fee_schedule.h checks */
    PUBLISHED,
};

static const struct store_col faq_cols[] = {
    CODE_REQ("slug"),
    LINE("category_zh"),
    LINE("category_en"),
    SORT_COL,
    LINE_REQ("question_zh"),
    LINE("question_en"),
    {"answer_zh", COL_MULTILINE, true, 0, ANSWER_MAX_BYTES},
    {"answer_en", COL_MULTILINE, false, 0, ANSWER_MAX_BYTES},
    PUBLISHED,
};

static const struct store_col announcement_cols[] = {
    CODE_REQ("slug"),
    {"kind", COL_TEXT, true, 0, CODE_MAX_BYTES}, /* the domain checks the list of kinds */
    LINE_REQ("title_zh"),
    LINE("title_en"),
    {"body_zh", COL_MULTILINE, false, 0, ANSWER_MAX_BYTES},
    {"body_en", COL_MULTILINE, false, 0, ANSWER_MAX_BYTES},
    {"starts_on", COL_DATE, true, 0, 0},
    {"ends_on", COL_DATE, true, 0, 0},
    PUBLISHED,
};

const struct store_entity_def store_entities[STORE_ENTITY_COUNT] = {
    [STORE_SERVICE] = {"services", "service", service_cols, ARRAY_LEN(service_cols)},
    [STORE_FAQ] = {"faq", "faq", faq_cols, ARRAY_LEN(faq_cols)},
    [STORE_ANNOUNCEMENT] = {"announcements", "announcement", announcement_cols,
                            ARRAY_LEN(announcement_cols)},
};

static const struct store_catalog_ops *cat(struct store *store)
{
  return store->ops->catalog;
}

static bool is_code_text(const char *s)
{
  size_t len = strlen(s);
  if (len > CODE_MAX_BYTES)
    return false;
  for (size_t i = 0; i < len; i++)
    if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
      return false;
  return true;
}

/* "YYYY-MM-DD" from ROC year 1 (1912). */
static bool is_date(const char *s)
{
  struct civil_date d;
  return civil_parse_iso(str_from(s), &d) == ST_OK && d.year >= CIVIL_ROC_FIRST_YEAR;
}

static int check_text(struct store *store, const char *noun, const struct store_col *col,
                      json_t *value, const char **out)
{
  if (!json_is_string(value))
    return store_fail(store, ST_INVALID, "%s %s must be a string", noun, col->name);
  struct str text = {json_string_value(value), json_string_length(value)};
  if (col->required && text.len == 0)
    return store_fail(store, ST_INVALID, "%s %s must not be empty", noun, col->name);
  if (col->type != COL_CODE && col->type != COL_DATE && text.len > (size_t)col->max)
    return store_fail(store, ST_INVALID, "%s %s is longer than %lld bytes", noun, col->name,
                      (long long)col->max);
  if (!str_valid_text(text, col->type == COL_MULTILINE))
    return store_fail(store, ST_INVALID, "%s %s contains control characters", noun, col->name);
  if (col->type == COL_CODE && !is_code_text(text.ptr))
    return store_fail(store, ST_INVALID, "%s %s must match [a-z0-9-]{1,40}", noun, col->name);
  if (col->type == COL_DATE && !is_date(text.ptr))
    return store_fail(store, ST_INVALID, "%s %s must be a date YYYY-MM-DD", noun, col->name);
  *out = text.ptr;
  return ST_OK;
}

static int check_int(struct store *store, const char *noun, const struct store_col *col,
                     json_t *value, struct store_value *v)
{
  if (json_is_null(value) && col->type == COL_INT_NULL) {
    v->null = true;
    return ST_OK;
  }
  if (!json_is_integer(value) || json_integer_value(value) < col->min ||
      json_integer_value(value) > col->max)
    return store_fail(store, ST_INVALID, "%s %s must be a whole number from %lld to %lld", noun,
                      col->name, (long long)col->min, (long long)col->max);
  v->num = json_integer_value(value);
  return ST_OK;
}

/* A list column: an array of one-line strings, stored as its compact JSON text. */
static int check_list(struct store *store, const char *noun, const struct store_col *col,
                      json_t *value, char **owned)
{
  size_t i;
  json_t *item;
  if (!json_is_array(value) || json_array_size(value) > (size_t)col->min)
    return store_fail(store, ST_INVALID, "%s %s must be a list of at most %lld texts", noun,
                      col->name, (long long)col->min);
  json_array_foreach(value, i, item)
  {
    struct str text = {json_string_value(item), json_string_length(item)};
    if (!json_is_string(item) || text.len == 0 || text.len > (size_t)col->max ||
        !str_valid_text(text, false))
      return store_fail(store, ST_INVALID, "%s %s[%zu] must be one line of 1 to %lld bytes", noun,
                        col->name, i, (long long)col->max);
  }
  *owned = json_dumps(value, JSON_COMPACT);
  return *owned ? ST_OK : ST_NOMEM;
}

/* A JSON column: an array, stored as its compact JSON text (sorted keys, so that the same
 * content always hashes the same). */
static int check_json(struct store *store, const char *noun, const struct store_col *col,
                      json_t *value, char **owned)
{
  if (!json_is_array(value))
    return store_fail(store, ST_INVALID, "%s %s must be a list", noun, col->name);
  *owned = json_dumps(value, JSON_COMPACT | JSON_SORT_KEYS);
  if (!*owned)
    return ST_NOMEM;
  if (strlen(*owned) > (size_t)col->max)
    return store_fail(store, ST_INVALID, "%s %s is longer than %lld bytes", noun, col->name,
                      (long long)col->max);
  return ST_OK;
}

static int check_missing(struct store *store, const char *noun, const struct store_col *col,
                         struct store_value *v)
{
  if (col->required)
    return store_fail(store, ST_INVALID, "%s %s is required", noun, col->name);
  v->null = col->type == COL_INT_NULL;
  v->num = col->type == COL_INT ? col->missing_int : 0;
  if (col->type == COL_TEXT_LIST || col->type == COL_JSON)
    v->text = "[]";
  else if (col->type != COL_INT && col->type != COL_INT_NULL && col->type != COL_BOOL)
    v->text = "";
  return ST_OK;
}

static int check_value(struct store *store, const char *noun, const struct store_col *col,
                       json_t *value, struct store_value *v, char **owned)
{
  memset(v, 0, sizeof(*v));
  if (!value)
    return check_missing(store, noun, col, v);
  switch (col->type) {
  case COL_INT:
  case COL_INT_NULL:
    return check_int(store, noun, col, value, v);
  case COL_BOOL:
    if (!json_is_boolean(value))
      return store_fail(store, ST_INVALID, "%s %s must be true or false", noun, col->name);
    v->num = json_is_true(value);
    return ST_OK;
  case COL_TEXT_LIST: {
    int rc = check_list(store, noun, col, value, owned);
    v->text = *owned;
    return rc;
  }
  case COL_JSON: {
    int rc = check_json(store, noun, col, value, owned);
    v->text = *owned;
    return rc;
  }
  default:
    return check_text(store, noun, col, value, &v->text);
  }
}

static void hash_value(crypto_hash_sha256_state *state, const struct store_value *v)
{
  char num[32];
  const char *text = v->text;
  if (!text) {
    snprintf(num, sizeof(num), "%c%lld", v->null ? 'n' : 'i', (long long)v->num);
    text = num;
  }
  crypto_hash_sha256_update(state, (const unsigned char *)text, strlen(text) + 1);
}

static void content_hash(struct store_catalog_rec *rec)
{
  const struct store_entity_def *def = &store_entities[rec->entity];
  crypto_hash_sha256_state state;
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_init(&state);
  for (size_t i = 0; i < def->count; i++)
    if (strcmp(def->cols[i].name, "published") != 0)
      hash_value(&state, &rec->v[i]);
  crypto_hash_sha256_final(&state, digest);
  sodium_bin2hex(rec->content_hash, sizeof(rec->content_hash), digest, sizeof(digest));
}

static void rec_free(struct store_catalog_rec *rec)
{
  for (size_t i = 0; i < STORE_COLS_MAX; i++)
    free(rec->owned[i]);
}

/* Reads and checks every column of record; fields the table does not know are ignored (the
 * domain refuses them before). */
static int rec_from_json(struct store *store, enum store_entity entity, json_t *record,
                         struct store_catalog_rec *rec)
{
  const struct store_entity_def *def = &store_entities[entity];
  memset(rec, 0, sizeof(*rec));
  rec->entity = entity;
  if (!json_is_object(record))
    return store_fail(store, ST_INVALID, "%s must be a JSON object", def->noun);
  for (size_t i = 0; i < def->count; i++) {
    int rc = check_value(store, def->noun, &def->cols[i],
                         json_object_get(record, def->cols[i].name), &rec->v[i], &rec->owned[i]);
    if (rc)
      return rc;
  }
  content_hash(rec);
  return ST_OK;
}

static int put(struct store *store, enum store_entity entity, int64_t office_id, json_t *record,
               int64_t *id, bool *changed)
{
  struct store_catalog_rec rec;
  int64_t ignored_id;
  bool ignored_changed;
  if (office_id <= 0)
    return store_fail(store, ST_INVALID, "office_id must be positive");
  int rc = rec_from_json(store, entity, record, &rec);
  if (!rc)
    rc = cat(store)->put(store, office_id, &rec, id ? id : &ignored_id,
                         changed ? changed : &ignored_changed);
  rec_free(&rec);
  return rc;
}

int store_service_put(struct store *store, int64_t office_id, json_t *service, int64_t *id,
                      bool *changed)
{
  int rc = put(store, STORE_SERVICE, office_id, service, id, changed);
  if (!rc)
    store_directory_touched(store);
  return rc;
}

int store_faq_put(struct store *store, int64_t office_id, json_t *faq, int64_t *id, bool *changed)
{
  int rc = put(store, STORE_FAQ, office_id, faq, id, changed);
  if (!rc)
    store_directory_touched(store); /* the search and the FAQ page hold them (migration 18) */
  return rc;
}

int store_announcement_put(struct store *store, int64_t office_id, json_t *announcement,
                           int64_t *id, bool *changed)
{
  int rc = put(store, STORE_ANNOUNCEMENT, office_id, announcement, id, changed);
  if (!rc)
    store_directory_touched(store);
  return rc;
}

static int get(struct store *store, enum store_entity entity, int64_t office_id, int64_t id,
               const char *slug, json_t **out)
{
  if (id < 0 || (id == 0 && (!slug || !*slug || !is_code_text(slug))))
    return store_fail(store, ST_NOTFOUND, "no such %s", store_entities[entity].noun);
  return cat(store)->get(store, entity, office_id, id, id ? "" : slug, out);
}

int store_service_get(struct store *store, int64_t office_id, int64_t id, const char *slug,
                      json_t **out)
{
  return get(store, STORE_SERVICE, office_id, id, slug, out);
}

int store_faq_get(struct store *store, int64_t office_id, int64_t id, const char *slug,
                  json_t **out)
{
  return get(store, STORE_FAQ, office_id, id, slug, out);
}

int store_announcement_get(struct store *store, int64_t office_id, int64_t id, const char *slug,
                           json_t **out)
{
  return get(store, STORE_ANNOUNCEMENT, office_id, id, slug, out);
}

static int list(struct store *store, enum store_entity entity, int64_t office_id,
                bool published_only, int filter, const char *today, json_t **out)
{
  json_t *array = json_array();
  if (!array)
    return ST_NOMEM;
  int rc =
      cat(store)->list(store, entity, office_id, published_only, filter, today ? today : "", array);
  if (rc) {
    json_decref(array);
    return rc;
  }
  *out = array;
  return ST_OK;
}

int store_service_list(struct store *store, int64_t office_id, bool published_only, json_t **out)
{
  return list(store, STORE_SERVICE, office_id, published_only, 0, "", out);
}

int store_faq_list(struct store *store, int64_t office_id, bool published_only, json_t **out)
{
  return list(store, STORE_FAQ, office_id, published_only, 0, "", out);
}

int store_announcement_list(struct store *store, int64_t office_id,
                            enum store_announcement_filter filter, const char *today, json_t **out)
{
  if (filter != STORE_ANNOUNCEMENTS_ALL && (!today || !is_date(today)))
    return store_fail(store, ST_INVALID, "today must be a date YYYY-MM-DD");
  return list(store, STORE_ANNOUNCEMENT, office_id, filter != STORE_ANNOUNCEMENTS_ALL, (int)filter,
              today, out);
}

static int publish(struct store *store, enum store_entity entity, int64_t office_id, int64_t id,
                   bool published, bool *changed)
{
  bool ignored;
  return cat(store)->publish(store, entity, office_id, id, published, changed ? changed : &ignored);
}

int store_service_publish(struct store *store, int64_t office_id, int64_t id, bool published,
                          bool *changed)
{
  int rc = publish(store, STORE_SERVICE, office_id, id, published, changed);
  if (!rc)
    store_directory_touched(store);
  return rc;
}

int store_faq_publish(struct store *store, int64_t office_id, int64_t id, bool published,
                      bool *changed)
{
  int rc = publish(store, STORE_FAQ, office_id, id, published, changed);
  if (!rc)
    store_directory_touched(store);
  return rc;
}

int store_announcement_publish(struct store *store, int64_t office_id, int64_t id, bool published,
                               bool *changed)
{
  int rc = publish(store, STORE_ANNOUNCEMENT, office_id, id, published, changed);
  if (!rc)
    store_directory_touched(store);
  return rc;
}

int store_faq_vote(struct store *store, int64_t office_id, int64_t id, bool helpful)
{
  return cat(store)->faq_count(store, office_id, id, helpful ? 1 : 0, helpful ? 0 : 1, 0);
}

int store_faq_viewed(struct store *store, int64_t office_id, int64_t id)
{
  return cat(store)->faq_count(store, office_id, id, 0, 0, 1);
}

int store_faq_top(struct store *store, int64_t office_id, int limit, json_t **out)
{
  if (limit < 1 || limit > 50)
    return store_fail(store, ST_INVALID, "limit must be 1 to 50");
  json_t *array = json_array();
  if (!array)
    return ST_NOMEM;
  int rc = cat(store)->faq_top(store, office_id, limit, array);
  if (rc) {
    json_decref(array);
    return rc;
  }
  *out = array;
  return ST_OK;
}

static bool is_sha256_hex(const char *s)
{
  if (!s || strlen(s) != 64)
    return false;
  for (size_t i = 0; i < 64; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
      return false;
  return true;
}

static bool is_line(const char *s, size_t max)
{
  return s && *s && strlen(s) <= max && str_valid_text(str_from(s), false);
}

int store_file_put(struct store *store, const void *bytes, size_t len, const char *mime,
                   const char *name, char sha256[65])
{
  unsigned char digest[crypto_hash_sha256_BYTES];
  if (!bytes || len == 0 || len > STORE_FILE_MAX)
    return store_fail(store, ST_INVALID, "a file must hold 1 to %d bytes", STORE_FILE_MAX);
  if (!is_line(mime, 100) || !is_line(name, 200) || strchr(name, '/'))
    return store_fail(store, ST_INVALID, "a file needs a MIME type and a plain file name");
  crypto_hash_sha256(digest, bytes, len);
  sodium_bin2hex(sha256, 65, digest, sizeof(digest));
  return cat(store)->file_put(store, sha256, bytes, len, mime, name);
}

int store_file_get(struct store *store, int64_t office_id, const char *sha256, bool published_only,
                   json_t **meta, void **bytes, size_t *len)
{
  if (!is_sha256_hex(sha256))
    return store_fail(store, ST_NOTFOUND, "no such file");
  return cat(store)->file_get(store, office_id, sha256, published_only, meta, bytes, len);
}

static int check_form(struct store *store, size_t i, json_t *form)
{
  const char *sha = json_string_value(json_object_get(form, "sha256"));
  const char *kind = json_string_value(json_object_get(form, "kind"));
  const char *format = json_string_value(json_object_get(form, "format"));
  const char *title = json_string_value(json_object_get(form, "title_zh"));
  const char *title_en = json_string_value(json_object_get(form, "title_en"));
  json_t *sort = json_object_get(form, "sort");
  if (!is_sha256_hex(sha))
    return store_fail(store, ST_INVALID, "forms[%zu].sha256 must be 64 hex digits", i);
  if (!kind || (strcmp(kind, "form") != 0 && strcmp(kind, "example") != 0))
    return store_fail(store, ST_INVALID, "forms[%zu].kind must be form or example", i);
  if (!format || (strcmp(format, "odt") != 0 && strcmp(format, "pdf") != 0))
    return store_fail(store, ST_INVALID, "forms[%zu].format must be odt or pdf", i);
  if (!is_line(title, LINE_MAX_BYTES) ||
      (title_en && *title_en && !is_line(title_en, LINE_MAX_BYTES)))
    return store_fail(store, ST_INVALID, "forms[%zu].title_zh must be one line of text", i);
  if (sort && !json_is_integer(sort))
    return store_fail(store, ST_INVALID, "forms[%zu].sort must be a whole number", i);
  return ST_OK;
}

int store_service_forms_set(struct store *store, int64_t service_id, json_t *forms)
{
  size_t i;
  json_t *form;
  if (!json_is_array(forms) || json_array_size(forms) > LIST_MAX_ITEMS)
    return store_fail(store, ST_INVALID, "forms must be a list of at most %d", LIST_MAX_ITEMS);
  json_array_foreach(forms, i, form)
  {
    int rc = check_form(store, i, form);
    if (rc)
      return rc;
  }
  int rc = cat(store)->forms_set(store, service_id, forms);
  if (!rc)
    store_directory_touched(store);
  return rc;
}

int store_service_forms_list(struct store *store, int64_t service_id, json_t **out)
{
  json_t *array = json_array();
  if (!array)
    return ST_NOMEM;
  int rc = cat(store)->forms_list(store, service_id, array);
  if (rc) {
    json_decref(array);
    return rc;
  }
  *out = array;
  return ST_OK;
}

int store_service_forms_all(struct store *store, json_t **out)
{
  json_t *array = json_array();
  if (!array)
    return ST_NOMEM;
  int rc = cat(store)->forms_all(store, array);
  if (rc) {
    json_decref(array);
    return rc;
  }
  *out = array;
  return ST_OK;
}

int store_revision_add(struct store *store, int64_t office_id, const char *entity,
                       int64_t entity_id, const char *action, int64_t actor_id, const char *actor,
                       json_t *snapshot)
{
  if (!is_line(entity, 40) || !is_line(action, 40) || entity_id <= 0 || actor_id < 0 ||
      (actor && strlen(actor) > LINE_MAX_BYTES) || !json_is_object(snapshot))
    return store_fail(store, ST_INVALID, "a revision needs an entity, an action and a snapshot");
  char *text = json_dumps(snapshot, JSON_COMPACT | JSON_SORT_KEYS);
  if (!text)
    return ST_NOMEM;
  int rc = cat(store)->revision_add(store, office_id, entity, entity_id, action, actor_id,
                                    actor ? actor : "", text);
  free(text);
  return rc;
}

int store_revision_list(struct store *store, const char *entity, int64_t entity_id, json_t **out)
{
  json_t *array = json_array();
  if (!array)
    return ST_NOMEM;
  int rc = cat(store)->revision_list(store, entity ? entity : "", entity_id, array);
  if (rc) {
    json_decref(array);
    return rc;
  }
  *out = array;
  return ST_OK;
}

int store_search(struct store *store, int64_t office_id, const char *query, const char *today,
                 int limit, json_t **out)
{
  struct search_term terms[SEARCH_TERMS_MAX];
  size_t count = 0;
  if (limit < 1 || limit > STORE_SEARCH_MAX || !today || !is_date(today))
    return store_fail(store, ST_INVALID, "search needs a limit of 1 to %d and a date",
                      STORE_SEARCH_MAX);
  struct arena *arena = arena_new(SEARCH_ARENA_MAX);
  json_t *array = json_array();
  int rc = arena && array ? ST_OK : ST_NOMEM;
  if (!rc && search_terms(arena, query ? query : "", terms, &count))
    rc = store_fail(store, ST_INVALID, "the search text is not valid UTF-8");
  if (!rc && count)
    rc = cat(store)->search(store, office_id, terms, count, today, limit, array);
  arena_free(arena);
  if (rc) {
    json_decref(array);
    return rc;
  }
  *out = array;
  return ST_OK;
}
