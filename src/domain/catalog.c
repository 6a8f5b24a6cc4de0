/*
 * catalog.c - changing the catalogue (catalog.h): checks beyond the store's types and sizes
 * (known fields only, topics, kinds, the time-limit range, dates in order, units of the office,
 * form files of their real type), a revision with every change in the same transaction, and
 * the JSON export and all-or-nothing import.
 */
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/case_number.h"
#include "domain/catalog.h"
#include "domain/form.h"
#include "store/store.h"

#include "base/common.h"

#define PATH_MAX_LEN 160
#define NAME_MAX_LEN 200
#define ODT_MIME     "application/vnd.oasis.opendocument.text"

const char *const catalog_topics[] = {"registration", "survey", "transcript", "land-value",
                                      "housing",      "zoning", "welfare",    "mediation",
                                      "military",     "civil"};
const size_t catalog_topic_count = ARRAY_LEN(catalog_topics);

const char *const catalog_announcement_kinds[] = {"general", "lost_deed_notice", "service_change",
                                                  "closure"};
const size_t catalog_announcement_kind_count = ARRAY_LEN(catalog_announcement_kinds);

static const char *const service_fields[] = {"unit",           "slug",
                                             "topic",          "sort",
                                             "name_zh",        "name_en",
                                             "summary_zh",     "summary_en",
                                             "eligibility_zh", "eligibility_en",
                                             "steps_zh",       "steps_en",
                                             "documents_zh",   "documents_en",
                                             "fee_zh",         "fee_en",
                                             "fee_amount",     "time_limit_minutes",
                                             "where_zh",       "where_en",
                                             "counter",        "floor_zh",
                                             "floor_en",       "hours_zh",
                                             "hours_en",       "channel_counter",
                                             "channel_online", "channel_mail",
                                             "online_capable", "online_url",
                                             "case_word_code", "workflow",
                                             "published",      "forms",
                                             "questions",      "remote_instant_minutes"};
static const char *const faq_fields[] = {"slug",      "category_zh", "category_en",
                                         "sort",      "question_zh", "question_en",
                                         "answer_zh", "answer_en",   "published"};
static const char *const announcement_fields[] = {"slug",      "kind",    "title_zh",
                                                  "title_en",  "body_zh", "body_en",
                                                  "starts_on", "ends_on", "published"};
static const char *const word_fields[] = {"code", "word_zh", "word_en"};
static const char *const form_fields[] = {"kind", "format", "title_zh",       "title_en", "sort",
                                          "name", "mime",   "content_base64", "file"};

struct ctx {
  struct store *store;
  int64_t office_id;
  const char *base_dir;
  const struct catalog_actor *actor;
  char *err;
  size_t err_size;
  json_t *units; /* the office's units (codes), loaded once */
  json_t *words; /* the office's word codes (its own and case_words'), loaded once */
};

struct kind {
  const char *array;  /* the import document's key */
  const char *entity; /* the revisions' entity name */
  const char *const *fields;
  size_t field_count;
  int (*check)(struct ctx *c, json_t *record, const char *path);
  int (*put)(struct store *store, int64_t office_id, json_t *record, int64_t *id, bool *changed);
  int (*get)(struct store *store, int64_t office_id, int64_t id, const char *slug, json_t **out);
  int (*publish)(struct store *store, int64_t office_id, int64_t id, bool published, bool *changed);
};

static int fail(struct ctx *c, int rc, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(struct ctx *c, int rc, const char *path, const char *fmt, ...)
{
  char message[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(message, sizeof(message), fmt, ap);
  va_end(ap);
  if (c->err && c->err_size)
    snprintf(c->err, c->err_size, "%s%s%s", path, *path ? ": " : "", message);
  return rc;
}

/* An error at a field of the record at path: "services[3].time_limit_minutes: ...". */
static int fail_at(struct ctx *c, const char *path, const char *field, const char *message)
{
  char where[PATH_MAX_LEN + 64];
  snprintf(where, sizeof(where), "%s.%s", path, field);
  return fail(c, ST_INVALID, where, "%s", message);
}

static bool in_list(const char *value, const char *const *list, size_t count)
{
  for (size_t i = 0; value && i < count; i++)
    if (strcmp(value, list[i]) == 0)
      return true;
  return false;
}

/* Refuses any field the format does not define. */
static int check_fields(struct ctx *c, json_t *record, const char *path, const char *const *fields,
                        size_t count)
{
  const char *key;
  json_t *value;
  if (!json_is_object(record))
    return fail(c, ST_INVALID, path, "must be a JSON object");
  json_object_foreach(record, key, value)
  {
    if (!in_list(key, fields, count))
      return fail_at(c, path, key, "unknown field");
  }
  return ST_OK;
}

static int load_units(struct ctx *c)
{
  if (c->units)
    return ST_OK;
  int rc = store_unit_list(c->store, c->office_id, &c->units);
  return rc ? fail(c, rc, "", "cannot read the office's units: %s", store_last_error(c->store))
            : ST_OK;
}

static bool unit_exists(json_t *units, const char *code)
{
  size_t i;
  json_t *unit;
  json_array_foreach(units, i, unit)
  {
    const char *unit_code = json_string_value(json_object_get(unit, "code"));
    if (unit_code && strcmp(unit_code, code) == 0)
      return true;
  }
  return false;
}

/* The office's word codes into c->words, once: its case_words (those of this transaction's
 * "words" included, as they are imported first) and its own word. */
static int load_words(struct ctx *c)
{
  json_t *offices = NULL, *office;
  size_t i;
  if (c->words)
    return ST_OK;
  int rc = store_case_word_list(c->store, c->office_id, &c->words);
  if (!rc)
    rc = store_office_list(c->store, &offices);
  json_array_foreach(offices, i, office)
  {
    json_t *code = json_object_get(office, "case_word_code");
    if (!rc && json_integer_value(json_object_get(office, "id")) == c->office_id && code &&
        json_array_append_new(c->words, json_pack("{s:O}", "code", code)))
      rc = ST_NOMEM;
  }
  json_decref(offices);
  return rc ? fail(c, rc, "", "cannot read the office's words: %s", store_last_error(c->store))
            : ST_OK;
}

/* A service's case_word_code: "" (the office's word) or one of the office's words. */
static int check_word(struct ctx *c, json_t *service, const char *path)
{
  const char *code = json_string_value(json_object_get(service, "case_word_code"));
  json_t *word;
  size_t i;
  if (!code || !*code)
    return ST_OK;
  int rc = load_words(c);
  if (rc)
    return rc;
  json_array_foreach(c->words, i, word)
  {
    const char *known = json_string_value(json_object_get(word, "code"));
    if (known && strcmp(known, code) == 0)
      return ST_OK;
  }
  return fail_at(c, path, "case_word_code", "not a word of this office (add it under \"words\")");
}

/* remote_instant_minutes: left out, the default; else 1..CATALOG_TIME_LIMIT_MAX working minutes
 * (never 0: a 即時 case that arrives online would be due at the moment it arrived). */
static int check_remote_instant(struct ctx *c, json_t *service, const char *path)
{
  json_t *remote = json_object_get(service, "remote_instant_minutes");
  if (!remote)
    return json_object_set_new(service, "remote_instant_minutes",
                               json_integer(CATALOG_REMOTE_INSTANT_DEFAULT))
               ? ST_NOMEM
               : ST_OK;
  if (!json_is_integer(remote) || json_integer_value(remote) < 1 ||
      json_integer_value(remote) > CATALOG_TIME_LIMIT_MAX)
    return fail_at(c, path, "remote_instant_minutes",
                   "must be a whole number of working minutes from 1 to 43200");
  return ST_OK;
}

static int check_word_and_remote(struct ctx *c, json_t *service, const char *path)
{
  int rc = check_word(c, service, path);
  return rc ? rc : check_remote_instant(c, service, path);
}

static int check_service(struct ctx *c, json_t *service, const char *path)
{
  json_t *limit = json_object_get(service, "time_limit_minutes");
  const char *topic = json_string_value(json_object_get(service, "topic"));
  const char *unit = json_string_value(json_object_get(service, "unit"));
  const char *url = json_string_value(json_object_get(service, "online_url"));
  if (!json_is_integer(limit) || json_integer_value(limit) < 0 ||
      json_integer_value(limit) > CATALOG_TIME_LIMIT_MAX)
    return fail_at(c, path, "time_limit_minutes",
                   "must be a whole number of minutes from 0 to 43200");
  if (topic && *topic && !in_list(topic, catalog_topics, catalog_topic_count))
    return fail_at(c, path, "topic", "not a known topic");
  if (unit && *unit) {
    int rc = load_units(c);
    if (rc)
      return rc;
    if (!unit_exists(c->units, unit))
      return fail_at(c, path, "unit", "not a unit of this office");
  }
  if (url && *url && strncmp(url, "https://", 8) != 0)
    return fail_at(c, path, "online_url", "must start with https://");
  char why[200];
  if (form_check(json_object_get(service, "questions"), why, sizeof(why)))
    return fail(c, ST_INVALID, path, "%s", why);
  return check_word_and_remote(c, service, path);
}

static int check_faq(struct ctx *c, json_t *faq, const char *path)
{
  return ST_OK;
}

static int check_announcement(struct ctx *c, json_t *announcement, const char *path)
{
  const char *kind = json_string_value(json_object_get(announcement, "kind"));
  const char *starts = json_string_value(json_object_get(announcement, "starts_on"));
  const char *ends = json_string_value(json_object_get(announcement, "ends_on"));
  if (!in_list(kind, catalog_announcement_kinds, catalog_announcement_kind_count))
    return fail_at(c, path, "kind", "must be general, lost_deed_notice, service_change or closure");
  if (starts && ends && strcmp(ends, starts) < 0)
    return fail_at(c, path, "ends_on", "must not be before starts_on");
  return ST_OK;
}

static const struct kind service_kind = {
    "services",    "service",         service_fields,    ARRAY_LEN(service_fields),
    check_service, store_service_put, store_service_get, store_service_publish};
static const struct kind faq_kind = {"faq",     "faq",         faq_fields,    ARRAY_LEN(faq_fields),
                                     check_faq, store_faq_put, store_faq_get, store_faq_publish};
static const struct kind announcement_kind = {
    "announcements",        "announcement",
    announcement_fields,    ARRAY_LEN(announcement_fields),
    check_announcement,     store_announcement_put,
    store_announcement_get, store_announcement_publish};

/* An ODF text document: the first zip entry is "mimetype", stored (method 0), holding the
 * document's MIME type. */
static bool is_odt(const unsigned char *b, size_t len)
{
  if (len < 38 + sizeof(ODT_MIME) || memcmp(b, "PK\3\4", 4) != 0 || b[8] != 0 || b[9] != 0)
    return false;
  size_t name_len = (size_t)b[26] | (size_t)b[27] << 8;
  size_t extra_len = (size_t)b[28] | (size_t)b[29] << 8;
  size_t data = 30 + name_len + extra_len;
  return name_len == 8 && memcmp(b + 30, "mimetype", 8) == 0 &&
         data + sizeof(ODT_MIME) - 1 <= len &&
         memcmp(b + data, ODT_MIME, sizeof(ODT_MIME) - 1) == 0;
}

const char *catalog_form_mime(const void *bytes, size_t len, const char *format)
{
  const unsigned char *b = bytes;
  if (!b || !format || len > CATALOG_FORM_MAX)
    return NULL;
  if (strcmp(format, "pdf") == 0)
    return len >= 5 && memcmp(b, "%PDF-", 5) == 0 ? "application/pdf" : NULL;
  if (strcmp(format, "odt") == 0)
    return is_odt(b, len) ? ODT_MIME : NULL;
  return NULL;
}

/* Reads a form file named relative to base_dir into *bytes (malloc'd). */
static int read_form_file(struct ctx *c, const char *file, const char *path, unsigned char **bytes,
                          size_t *len)
{
  char full[1024];
  if (!c->base_dir)
    return fail_at(c, path, "file", "only content_base64 is accepted here");
  if (!*file || file[0] == '/' || strstr(file, "..") || strlen(file) > NAME_MAX_LEN)
    return fail_at(c, path, "file", "must be a relative path without \"..\"");
  int n = snprintf(full, sizeof(full), "%s/%s", c->base_dir, file);
  if (n < 0 || (size_t)n >= sizeof(full))
    return fail_at(c, path, "file", "the path is too long");
  FILE *f = fopen(full, "rb");
  if (!f)
    return fail(c, ST_IO, path, "file: cannot read %s", full);
  *bytes = malloc(CATALOG_FORM_MAX + 1);
  *len = *bytes ? fread(*bytes, 1, CATALOG_FORM_MAX + 1, f) : 0;
  fclose(f);
  if (!*bytes)
    return ST_NOMEM;
  return ST_OK;
}

static int decode_base64(struct ctx *c, json_t *value, const char *path, unsigned char **bytes,
                         size_t *len)
{
  const char *text = json_string_value(value);
  size_t text_len = json_string_length(value);
  if (!text || text_len > (size_t)CATALOG_FORM_MAX / 3 * 4 + 8)
    return fail_at(c, path, "content_base64", "must be base64 text of at most 5 MB");
  *bytes = malloc(text_len / 4 * 3 + 3);
  if (!*bytes)
    return ST_NOMEM;
  if (sodium_base642bin(*bytes, text_len / 4 * 3 + 3, text, text_len, " \n", len, NULL,
                        sodium_base64_VARIANT_ORIGINAL) != 0)
    return fail_at(c, path, "content_base64", "not valid base64");
  return ST_OK;
}

static const char *base_name(const char *file)
{
  const char *slash = strrchr(file, '/');
  return slash ? slash + 1 : file;
}

/* The form's bytes (from "file" or "content_base64"), checked to be of its format. */
static int form_bytes(struct ctx *c, json_t *form, const char *path, unsigned char **bytes,
                      size_t *len, const char **mime)
{
  const char *file = json_string_value(json_object_get(form, "file"));
  const char *format = json_string_value(json_object_get(form, "format"));
  int rc = file ? read_form_file(c, file, path, bytes, len)
                : decode_base64(c, json_object_get(form, "content_base64"), path, bytes, len);
  if (rc)
    return rc;
  *mime = catalog_form_mime(*bytes, *len, format ? format : "");
  if (!*mime)
    return fail(c, ST_INVALID, path, "the file is not a %s document of at most 5 MB",
                format && strcmp(format, "odt") == 0 ? "ODF text (.odt)" : "PDF");
  return ST_OK;
}

static json_t *link_json(json_t *form, const char *sha)
{
  json_t *title_en = json_object_get(form, "title_en");
  json_t *sort = json_object_get(form, "sort");
  return json_pack("{s:s, s:O, s:O, s:O, s:o, s:o}", "sha256", sha, "kind",
                   json_object_get(form, "kind"), "format", json_object_get(form, "format"),
                   "title_zh", json_object_get(form, "title_zh"), "title_en",
                   title_en ? json_incref(title_en) : json_string(""), "sort",
                   sort ? json_incref(sort) : json_integer(0));
}

/* Stores one form's file and returns its link object for store_service_forms_set. */
static int form_link(struct ctx *c, json_t *form, const char *path, json_t **link)
{
  unsigned char *bytes = NULL;
  size_t len = 0;
  char sha[65];
  const char *mime = NULL;
  int rc = check_fields(c, form, path, form_fields, ARRAY_LEN(form_fields));
  if (!rc)
    rc = form_bytes(c, form, path, &bytes, &len, &mime);
  const char *file = json_string_value(json_object_get(form, "file"));
  const char *name = json_string_value(json_object_get(form, "name"));
  if (!name && file)
    name = base_name(file);
  if (!rc && store_file_put(c->store, bytes, len, mime, name ? name : "", sha))
    rc = fail(c, ST_INVALID, path, "%s", store_last_error(c->store));
  free(bytes);
  if (rc)
    return rc;
  *link = link_json(form, sha);
  return *link ? ST_OK : fail(c, ST_INVALID, path, "kind, format and title_zh are required");
}

/* The links as store_service_forms_list reports them, for comparison with new links. */
static json_t *current_links(struct store *store, int64_t service_id)
{
  static const char *const keys[] = {"sha256", "kind", "format", "title_zh", "title_en", "sort"};
  json_t *forms = NULL, *links = json_array();
  size_t i;
  json_t *form;
  if (!links || store_service_forms_list(store, service_id, &forms)) {
    json_decref(links);
    return NULL;
  }
  json_array_foreach(forms, i, form)
  {
    json_t *link = json_object();
    for (size_t k = 0; k < ARRAY_LEN(keys); k++)
      json_object_set(link, keys[k], json_object_get(form, keys[k]));
    json_array_append_new(links, link);
  }
  json_decref(forms);
  return links;
}

/* Replaces the service's forms with the document's (when it has a "forms" list). */
static int apply_forms(struct ctx *c, json_t *forms, int64_t service_id, const char *path,
                       bool *changed)
{
  char form_path[PATH_MAX_LEN];
  size_t i;
  json_t *form, *links = json_array(), *old = NULL;
  int rc = links ? ST_OK : ST_NOMEM;
  if (!rc && !json_is_array(forms))
    rc = fail_at(c, path, "forms", "must be a list");
  json_array_foreach(forms, i, form)
  {
    json_t *link = NULL;
    snprintf(form_path, sizeof(form_path), "%s.forms[%zu]", path, i);
    if (!rc)
      rc = form_link(c, form, form_path, &link);
    if (!rc && json_array_append_new(links, link))
      rc = ST_NOMEM;
  }
  if (!rc)
    old = current_links(c->store, service_id);
  if (!rc && !json_equal(old, links)) {
    *changed = true;
    if (store_service_forms_set(c->store, service_id, links))
      rc = fail(c, ST_INVALID, path, "forms: %s", store_last_error(c->store));
  }
  json_decref(old);
  json_decref(links);
  return rc;
}

static int add_revision(struct ctx *c, const struct kind *kind, int64_t id, const char *action)
{
  json_t *snapshot = NULL, *forms = NULL;
  int rc = kind->get(c->store, c->office_id, id, NULL, &snapshot);
  if (!rc && kind == &service_kind && !store_service_forms_list(c->store, id, &forms))
    json_object_set_new(snapshot, "forms", forms);
  if (!rc)
    rc = store_revision_add(c->store, c->office_id, kind->entity, id, action,
                            c->actor ? c->actor->user_id : 0, c->actor ? c->actor->name : "",
                            snapshot);
  json_decref(snapshot);
  return rc ? fail(c, rc, "", "cannot record the revision: %s", store_last_error(c->store)) : ST_OK;
}

/* Checks and writes one record (inside the caller's transaction). */
static int save_one(struct ctx *c, const struct kind *kind, json_t *record, const char *path,
                    int64_t *id)
{
  json_t *before = NULL;
  bool changed = false;
  int rc = check_fields(c, record, path, kind->fields, kind->field_count);
  if (!rc)
    rc = kind->check(c, record, path);
  if (rc)
    return rc;
  const char *slug = json_string_value(json_object_get(record, "slug"));
  bool existed = slug && kind->get(c->store, c->office_id, 0, slug, &before) == ST_OK;
  json_decref(before);
  rc = kind->put(c->store, c->office_id, record, id, &changed);
  if (rc)
    return fail(c, rc, path, "%s", store_last_error(c->store));
  json_t *forms = json_object_get(record, "forms");
  if (forms)
    rc = apply_forms(c, forms, *id, path, &changed);
  if (!rc && changed)
    rc = add_revision(c, kind, *id, existed ? "update" : "create");
  return rc;
}

static int begin(struct ctx *c)
{
  int rc = store_begin(c->store);
  return rc ? fail(c, rc, "", "cannot begin a transaction: %s", store_last_error(c->store)) : ST_OK;
}

static int finish(struct ctx *c, int rc)
{
  if (!rc && (rc = store_commit(c->store)) != ST_OK)
    fail(c, rc, "", "cannot commit: %s", store_last_error(c->store));
  if (rc)
    store_rollback(c->store);
  json_decref(c->units);
  c->units = NULL;
  json_decref(c->words);
  c->words = NULL;
  return rc;
}

static int save(struct store *store, int64_t office_id, const struct kind *kind, json_t *record,
                const struct catalog_actor *actor, int64_t *id, char *err, size_t err_size)
{
  struct ctx c = {store, office_id, NULL, actor, err, err_size, NULL};
  int64_t ignored;
  int rc = begin(&c);
  if (!rc)
    rc = save_one(&c, kind, record, kind->entity, id ? id : &ignored);
  return finish(&c, rc);
}

int catalog_service_save(struct store *store, int64_t office_id, json_t *service,
                         const struct catalog_actor *actor, int64_t *id, char *err, size_t err_size)
{
  return save(store, office_id, &service_kind, service, actor, id, err, err_size);
}

int catalog_faq_save(struct store *store, int64_t office_id, json_t *faq,
                     const struct catalog_actor *actor, int64_t *id, char *err, size_t err_size)
{
  return save(store, office_id, &faq_kind, faq, actor, id, err, err_size);
}

int catalog_announcement_save(struct store *store, int64_t office_id, json_t *announcement,
                              const struct catalog_actor *actor, int64_t *id, char *err,
                              size_t err_size)
{
  return save(store, office_id, &announcement_kind, announcement, actor, id, err, err_size);
}

static int publish(struct store *store, int64_t office_id, const struct kind *kind, int64_t id,
                   bool published, const struct catalog_actor *actor, char *err, size_t err_size)
{
  struct ctx c = {store, office_id, NULL, actor, err, err_size, NULL};
  bool changed = false;
  int rc = begin(&c);
  if (!rc && (rc = kind->publish(store, office_id, id, published, &changed)) != ST_OK)
    fail(&c, rc, kind->entity, "%s", store_last_error(store));
  if (!rc && changed)
    rc = add_revision(&c, kind, id, published ? "publish" : "unpublish");
  return finish(&c, rc);
}

int catalog_service_publish(struct store *store, int64_t office_id, int64_t id, bool published,
                            const struct catalog_actor *actor, char *err, size_t err_size)
{
  return publish(store, office_id, &service_kind, id, published, actor, err, err_size);
}

int catalog_faq_publish(struct store *store, int64_t office_id, int64_t id, bool published,
                        const struct catalog_actor *actor, char *err, size_t err_size)
{
  return publish(store, office_id, &faq_kind, id, published, actor, err, err_size);
}

int catalog_announcement_publish(struct store *store, int64_t office_id, int64_t id, bool published,
                                 const struct catalog_actor *actor, char *err, size_t err_size)
{
  return publish(store, office_id, &announcement_kind, id, published, actor, err, err_size);
}

static int import_list(struct ctx *c, const struct kind *kind, json_t *doc)
{
  char path[PATH_MAX_LEN];
  json_t *list = json_object_get(doc, kind->array);
  size_t i;
  json_t *record;
  if (!list)
    return ST_OK;
  if (!json_is_array(list) || json_array_size(list) > CATALOG_IMPORT_MAX_ITEMS)
    return fail(c, ST_INVALID, kind->array, "must be a list of at most %d records",
                CATALOG_IMPORT_MAX_ITEMS);
  json_array_foreach(list, i, record)
  {
    int64_t id = 0;
    snprintf(path, sizeof(path), "%s[%zu]", kind->array, i);
    int rc = save_one(c, kind, record, path, &id);
    if (rc)
      return rc;
  }
  return ST_OK;
}

/* One case word ("words[i]"): a code of 1..8 ASCII letters or digits, a Chinese word of 1..8
 * characters (it is printed as "<word>字"), an optional English name. */
static int save_word(struct ctx *c, json_t *word, const char *path)
{
  int rc = check_fields(c, word, path, word_fields, ARRAY_LEN(word_fields));
  if (rc)
    return rc;
  const char *code = json_string_value(json_object_get(word, "code"));
  const char *zh = json_string_value(json_object_get(word, "word_zh"));
  const char *en = json_string_value(json_object_get(word, "word_en"));
  json_t *en_value = json_object_get(word, "word_en");
  if (!case_word_code_valid(code))
    return fail_at(c, path, "code", "must be 1 to 8 ASCII letters or digits");
  if (!zh || !*zh || strlen(zh) > CATALOG_WORD_ZH_MAX)
    return fail_at(c, path, "word_zh", "must be a word of 1 to 8 characters (32 bytes)");
  if ((en_value && !en) || (en && strlen(en) > CATALOG_WORD_EN_MAX))
    return fail_at(c, path, "word_en", "must be text of at most 64 bytes");
  rc = store_case_word_put(c->store, c->office_id, code, zh, en ? en : "");
  return rc ? fail(c, rc, path, "cannot save: %s", store_last_error(c->store)) : ST_OK;
}

/* The document's "words" (the office's case words), before the services that name them. */
static int import_words(struct ctx *c, json_t *doc)
{
  char path[PATH_MAX_LEN];
  json_t *list = json_object_get(doc, "words"), *word;
  size_t i;
  if (!list)
    return ST_OK;
  if (!json_is_array(list) || json_array_size(list) > CATALOG_IMPORT_MAX_ITEMS)
    return fail(c, ST_INVALID, "words", "must be a list of at most %d records",
                CATALOG_IMPORT_MAX_ITEMS);
  json_array_foreach(list, i, word)
  {
    snprintf(path, sizeof(path), "words[%zu]", i);
    int rc = save_word(c, word, path);
    if (rc)
      return rc;
  }
  return ST_OK;
}

static int check_header(struct ctx *c, json_t *doc)
{
  /* "office" (the exporting office's slug) and "about" (a note for people) are not read. */
  static const char *const fields[] = {"format",   "version", "office",        "about",
                                       "services", "faq",     "announcements", "words"};
  int rc = check_fields(c, doc, "(document)", fields, ARRAY_LEN(fields));
  if (rc)
    return rc;
  const char *format = json_string_value(json_object_get(doc, "format"));
  if (!format || strcmp(format, "bianmin-catalog") != 0)
    return fail(c, ST_INVALID, "format", "must be \"bianmin-catalog\"");
  if (json_integer_value(json_object_get(doc, "version")) != 1)
    return fail(c, ST_INVALID, "version", "must be 1");
  return ST_OK;
}

static int import_doc(struct store *store, int64_t office_id, json_t *doc, const char *base_dir,
                      const struct catalog_actor *actor, char *err, size_t err_size)
{
  struct ctx c = {store, office_id, base_dir, actor, err, err_size, NULL};
  if (err && err_size)
    err[0] = '\0';
  int rc = check_header(&c, doc);
  if (rc)
    return rc;
  rc = begin(&c);
  if (!rc)
    rc = import_words(&c, doc);
  if (!rc)
    rc = import_list(&c, &service_kind, doc);
  if (!rc)
    rc = import_list(&c, &faq_kind, doc);
  if (!rc)
    rc = import_list(&c, &announcement_kind, doc);
  return finish(&c, rc);
}

int catalog_import_dir(struct store *store, int64_t office_id, json_t *doc, const char *base_dir,
                       char *err, size_t err_size)
{
  return import_doc(store, office_id, doc, base_dir, NULL, err, err_size);
}

int catalog_import(struct store *store, int64_t office_id, json_t *doc,
                   const struct catalog_actor *actor, char *err, size_t err_size)
{
  return import_doc(store, office_id, doc, NULL, actor, err, err_size);
}

/* Keeps only the fields of the import format. */
static json_t *export_record(json_t *record, const char *const *fields, size_t count)
{
  json_t *out = json_object();
  for (size_t i = 0; out && i < count; i++) {
    json_t *value = json_object_get(record, fields[i]);
    if (value && json_object_set(out, fields[i], value)) {
      json_decref(out);
      return NULL;
    }
  }
  return out;
}

static int export_form(struct store *store, int64_t office_id, json_t *form, json_t *forms)
{
  json_t *meta = NULL;
  void *bytes = NULL;
  size_t len = 0;
  const char *sha = json_string_value(json_object_get(form, "sha256"));
  int rc = store_file_get(store, office_id, sha, false, &meta, &bytes, &len);
  if (rc)
    return rc;
  size_t b64_size = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
  char *b64 = malloc(b64_size);
  if (b64)
    sodium_bin2base64(b64, b64_size, bytes, len, sodium_base64_VARIANT_ORIGINAL);
  json_t *out =
      b64 ? json_pack("{s:O, s:O, s:O, s:O, s:O, s:O, s:s}", "kind", json_object_get(form, "kind"),
                      "format", json_object_get(form, "format"), "title_zh",
                      json_object_get(form, "title_zh"), "title_en",
                      json_object_get(form, "title_en"), "sort", json_object_get(form, "sort"),
                      "name", json_object_get(meta, "name"), "content_base64", b64)
          : NULL;
  free(b64);
  free(bytes);
  json_decref(meta);
  return out && !json_array_append_new(forms, out) ? ST_OK : ST_NOMEM;
}

static int export_service(struct store *store, int64_t office_id, json_t *service, json_t *list)
{
  json_t *forms = NULL, *out_forms = json_array(), *form;
  size_t i;
  int64_t id = json_integer_value(json_object_get(service, "id"));
  int rc = out_forms ? store_service_forms_list(store, id, &forms) : ST_NOMEM;
  json_array_foreach(forms, i, form)
  {
    if (!rc)
      rc = export_form(store, office_id, form, out_forms);
  }
  json_decref(forms);
  json_t *out = rc ? NULL : export_record(service, service_fields, ARRAY_LEN(service_fields));
  if (out && json_object_set_new(out, "forms", out_forms) == 0)
    out_forms = NULL;
  json_decref(out_forms);
  if (!rc && (!out || json_array_append_new(list, out)))
    rc = ST_NOMEM;
  return rc;
}

static int export_simple(json_t *records, const char *const *fields, size_t count, json_t **out)
{
  size_t i;
  json_t *record;
  *out = json_array();
  json_array_foreach(records, i, record)
  {
    if (!*out || json_array_append_new(*out, export_record(record, fields, count)))
      return ST_NOMEM;
  }
  return *out ? ST_OK : ST_NOMEM;
}

int catalog_export(struct store *store, int64_t office_id, json_t **out)
{
  json_t *services = NULL, *faq = NULL, *announcements = NULL, *service, *words = NULL;
  json_t *out_services = json_array(), *out_faq = NULL, *out_announcements = NULL;
  json_t *out_words = NULL;
  size_t i;
  int rc = out_services ? store_case_word_list(store, office_id, &words) : ST_NOMEM;
  if (!rc)
    rc = export_simple(words, word_fields, ARRAY_LEN(word_fields), &out_words);
  json_decref(words);
  if (!rc)
    rc = store_service_list(store, office_id, false, &services);
  json_array_foreach(services, i, service)
  {
    if (!rc)
      rc = export_service(store, office_id, service, out_services);
  }
  if (!rc)
    rc = store_faq_list(store, office_id, false, &faq);
  if (!rc)
    rc = export_simple(faq, faq_fields, ARRAY_LEN(faq_fields), &out_faq);
  if (!rc)
    rc = store_announcement_list(store, office_id, STORE_ANNOUNCEMENTS_ALL, NULL, &announcements);
  if (!rc)
    rc = export_simple(announcements, announcement_fields, ARRAY_LEN(announcement_fields),
                       &out_announcements);
  json_decref(services);
  json_decref(faq);
  json_decref(announcements);
  if (!rc)
    *out = json_pack("{s:s, s:i, s:o, s:o, s:o, s:o}", "format", "bianmin-catalog", "version", 1,
                     "words", out_words, "services", out_services, "faq", out_faq, "announcements",
                     out_announcements);
  else {
    json_decref(out_words);
    json_decref(out_services);
    json_decref(out_faq);
    json_decref(out_announcements);
  }
  return rc ? rc : (*out ? ST_OK : ST_NOMEM);
}
