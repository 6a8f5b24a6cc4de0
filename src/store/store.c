/*
 * store.c - the backend-neutral half of the store: picks a backend from the URL, validates
 * every record at the store edge (so each backend stores only checked values) and dispatches
 * through the backend's ops table (store_impl.h).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "store/store_impl.h"
#include "base/common.h"

/* Longest text field an office or unit may hold, in bytes. */
#define STORE_TEXT_MAX 4000
/* Longest slug or unit code, in bytes. */
#define STORE_CODE_MAX          40
#define STORE_SETTING_KEY_MAX   128
#define STORE_SETTING_VALUE_MAX 65536

/* How a record field is read from its json_t. */
struct field_rule {
  const char *name;
  bool required;  /* must be present and non-empty */
  bool multiline; /* may contain CR and LF */
};

static const struct field_rule office_rules[OFFICE_FIELD_COUNT] = {
    [OFFICE_SLUG] = {"slug", true, false},
    [OFFICE_NAME_ZH] = {"name_zh", true, false},
    [OFFICE_NAME_EN] = {"name_en", false, false},
    [OFFICE_KIND] = {"kind", true, false},
    [OFFICE_CITY_ZH] = {"city_zh", false, false},
    [OFFICE_CITY_EN] = {"city_en", false, false},
    [OFFICE_ADDRESS_ZH] = {"address_zh", false, false},
    [OFFICE_ADDRESS_EN] = {"address_en", false, false},
    [OFFICE_PHONE] = {"phone", false, false},
    [OFFICE_EMAIL] = {"email", false, false},
    [OFFICE_HOURS_ZH] = {"hours_zh", false, true},
    [OFFICE_HOURS_EN] = {"hours_en", false, true},
    [OFFICE_CASE_WORD_ZH] = {"case_word_zh", false, false},
    [OFFICE_CASE_WORD_CODE] = {"case_word_code", false, false},
};

static const struct field_rule unit_rules[UNIT_FIELD_COUNT] = {
    [UNIT_CODE] = {"code", true, false},           [UNIT_NAME_ZH] = {"name_zh", true, false},
    [UNIT_NAME_EN] = {"name_en", false, false},    [UNIT_FLOOR_ZH] = {"floor_zh", false, false},
    [UNIT_FLOOR_EN] = {"floor_en", false, false},  [UNIT_COUNTER] = {"counter", false, false},
    [UNIT_PHONE] = {"phone", false, false},        [UNIT_DUTIES_ZH] = {"duties_zh", false, true},
    [UNIT_DUTIES_EN] = {"duties_en", false, true},
};

int store_fail(struct store *store, int st, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(store->errmsg, sizeof(store->errmsg), fmt, ap);
  va_end(ap);
  return st;
}

const char *store_last_error(struct store *store)
{
  return store ? store->errmsg : "no store";
}

static void set_err(char *err, size_t err_size, const char *msg)
{
  if (err && err_size)
    snprintf(err, err_size, "%s", msg);
}

/* Strips prefix from url when it is there; "//" after it is dropped before an absolute path
 * so that "file:///srv/x.db" and "file:/srv/x.db" name the same file. */
static bool strip_scheme(const char *url, const char *prefix, const char **path)
{
  size_t n = strlen(prefix);
  if (strncmp(url, prefix, n) != 0)
    return false;
  *path = url + n;
  if (strncmp(*path, "///", 3) == 0)
    *path += 2;
  return true;
}

int store_open(const char *url, struct store **out, char *err, size_t err_size)
{
  const char *path = url;
  if (out)
    *out = NULL;
  if (!url || !out || !*url) {
    set_err(err, err_size, "empty database URL");
    return ST_INVALID;
  }
  if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0)
    return pg_store_open(url, out, err, err_size);
  if (!strip_scheme(url, "sqlite:", &path))
    strip_scheme(url, "file:", &path);
  if (!*path) {
    set_err(err, err_size, "database URL names no file");
    return ST_INVALID;
  }
  return sqlite_store_open(path, out, err, err_size);
}

void store_close(struct store *store)
{
  if (store)
    store->ops->close(store);
}

int store_info(struct store *store, json_t **out)
{
  int rc;
  json_t *info = json_object();
  if (!info)
    return ST_NOMEM;
  rc = json_object_set_new(info, "backend", json_string(store->ops->name)) ? ST_NOMEM : ST_OK;
  if (rc == ST_OK)
    rc = store->ops->info(store, info);
  if (rc) {
    json_decref(info);
    return rc;
  }
  *out = info;
  return ST_OK;
}

int store_migrate(struct store *store, int *applied)
{
  int count = 0;
  int rc = store->ops->migrate(store, &count);
  if (applied)
    *applied = count;
  return rc;
}

int store_schema_version(struct store *store, int *version)
{
  return store->ops->schema_version(store, version);
}

int store_schema_latest(struct store *store, int *version)
{
  return store->ops->schema_latest(store, version);
}

int store_ping(struct store *store)
{
  return store ? store->ops->ping(store) : ST_INVALID;
}

/* A begin that fails (ST_CONFLICT: one is already open, which callers such as
 * payment_set_due use to join the caller's) leaves the open transaction's state as it was. */
int store_begin(struct store *store)
{
  int rc = store->ops->begin(store);
  if (rc == ST_OK) {
    store->in_transaction = true;
    store->directory_touched = false;
  }
  return rc;
}

int store_commit(struct store *store)
{
  int rc = store->ops->commit(store);
  store->in_transaction = false;
  store_directory_settle(store, rc == ST_OK);
  return rc;
}

int store_rollback(struct store *store)
{
  int rc = store->ops->rollback(store);
  store->in_transaction = false;
  store_directory_settle(store, false);
  return rc;
}

static bool is_code(const char *s, size_t len, bool allow_underscore)
{
  if (len == 0 || len > STORE_CODE_MAX)
    return false;
  for (size_t i = 0; i < len; i++) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
              (allow_underscore && c == '_');
    if (!ok)
      return false;
  }
  return true;
}

/* Reads one string field of a record: "" when missing and optional; ST_INVALID otherwise. */
static int read_field(struct store *store, json_t *record, const char *what,
                      const struct field_rule *rule, const char **out)
{
  json_t *value = json_object_get(record, rule->name);
  if (!value) {
    *out = "";
    if (rule->required)
      return store_fail(store, ST_INVALID, "%s %s is required", what, rule->name);
    return ST_OK;
  }
  if (!json_is_string(value))
    return store_fail(store, ST_INVALID, "%s %s must be a string", what, rule->name);
  struct str text = {json_string_value(value), json_string_length(value)};
  if (rule->required && text.len == 0)
    return store_fail(store, ST_INVALID, "%s %s must not be empty", what, rule->name);
  if (text.len > STORE_TEXT_MAX)
    return store_fail(store, ST_INVALID, "%s %s is longer than %d bytes", what, rule->name,
                      STORE_TEXT_MAX);
  if (!str_valid_text(text, rule->multiline))
    return store_fail(store, ST_INVALID, "%s %s contains control characters", what, rule->name);
  *out = text.ptr;
  return ST_OK;
}

static int read_fields(struct store *store, json_t *record, const char *what,
                       const struct field_rule *rules, size_t count, const char **fields)
{
  if (!json_is_object(record))
    return store_fail(store, ST_INVALID, "%s must be a JSON object", what);
  for (size_t i = 0; i < count; i++) {
    int rc = read_field(store, record, what, &rules[i], &fields[i]);
    if (rc)
      return rc;
  }
  return ST_OK;
}

static int office_rec_from_json(struct store *store, json_t *office, struct store_office_rec *rec)
{
  int rc = read_fields(store, office, "office", office_rules, OFFICE_FIELD_COUNT, rec->field);
  if (rc)
    return rc;
  const char *slug = rec->field[OFFICE_SLUG];
  if (!is_code(slug, strlen(slug), false))
    return store_fail(store, ST_INVALID, "office slug must match [a-z0-9-]{1,40}");
  const char *kind = rec->field[OFFICE_KIND];
  if (strcmp(kind, "land") != 0 && strcmp(kind, "district") != 0 && strcmp(kind, "bureau") != 0)
    return store_fail(store, ST_INVALID, "office kind must be land, district or bureau");
  return ST_OK;
}

static int unit_rec_from_json(struct store *store, json_t *unit, struct store_unit_rec *rec)
{
  int rc = read_fields(store, unit, "unit", unit_rules, UNIT_FIELD_COUNT, rec->field);
  if (rc)
    return rc;
  const char *code = rec->field[UNIT_CODE];
  if (!is_code(code, strlen(code), true))
    return store_fail(store, ST_INVALID, "unit code must match [a-z0-9_-]{1,40}");
  json_t *sort = json_object_get(unit, "sort");
  rec->sort = 0;
  if (sort && !json_is_integer(sort))
    return store_fail(store, ST_INVALID, "unit sort must be an integer");
  if (sort)
    rec->sort = json_integer_value(sort);
  return ST_OK;
}

int store_office_put(struct store *store, json_t *office, int64_t *id)
{
  struct store_office_rec rec;
  int64_t ignored;
  int rc = office_rec_from_json(store, office, &rec);
  if (rc)
    return rc;
  rc = store->ops->office_put(store, &rec, id ? id : &ignored);
  if (!rc)
    store_directory_touched(store);
  return rc;
}

int store_office_list(struct store *store, json_t **out)
{
  json_t *array = json_array();
  if (!array)
    return ST_NOMEM;
  int rc = store->ops->office_list(store, array);
  if (rc) {
    json_decref(array);
    return rc;
  }
  *out = array;
  return ST_OK;
}

int store_office_get(struct store *store, const char *slug, json_t **out)
{
  if (!slug || !is_code(slug, strlen(slug), false))
    return store_fail(store, ST_NOTFOUND, "no office with that slug");
  return store->ops->office_get(store, slug, out);
}

int store_unit_put(struct store *store, int64_t office_id, json_t *unit, int64_t *id)
{
  struct store_unit_rec rec;
  int64_t ignored;
  if (office_id <= 0)
    return store_fail(store, ST_INVALID, "unit office_id must be positive");
  int rc = unit_rec_from_json(store, unit, &rec);
  if (rc)
    return rc;
  rc = store->ops->unit_put(store, office_id, &rec, id ? id : &ignored);
  if (!rc)
    store_directory_touched(store);
  return rc;
}

int store_unit_list(struct store *store, int64_t office_id, json_t **out)
{
  json_t *array = json_array();
  if (!array)
    return ST_NOMEM;
  int rc = store->ops->unit_list(store, office_id, array);
  if (rc) {
    json_decref(array);
    return rc;
  }
  *out = array;
  return ST_OK;
}

static int check_setting_key(struct store *store, int64_t office_id, const char *key)
{
  if (office_id < 0)
    return store_fail(store, ST_INVALID, "setting office_id must not be negative");
  if (!key || !*key || strlen(key) > STORE_SETTING_KEY_MAX || !str_valid_text(str_from(key), false))
    return store_fail(store, ST_INVALID, "setting key must be 1 to %d bytes of one-line text",
                      STORE_SETTING_KEY_MAX);
  return ST_OK;
}

int store_setting_put(struct store *store, int64_t office_id, const char *key, const char *value)
{
  int rc = check_setting_key(store, office_id, key);
  if (rc)
    return rc;
  if (!value || strlen(value) > STORE_SETTING_VALUE_MAX || !str_valid_text(str_from(value), true))
    return store_fail(store, ST_INVALID, "setting value must be text of at most %d bytes",
                      STORE_SETTING_VALUE_MAX);
  return store->ops->setting_put(store, office_id, key, value);
}

int store_setting_get(struct store *store, int64_t office_id, const char *key, char **value)
{
  int rc = check_setting_key(store, office_id, key);
  if (rc)
    return rc;
  return store->ops->setting_get(store, office_id, key, value);
}
