/*
 * catalog_admin_fields.c - the catalogue admin forms as data: which fields each kind of record
 * has, reading and checking a submitted form (every problem named by its field, in the page's
 * language, before the domain sees anything), and the rows the form template shows, zh-TW and
 * English side by side.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/civil.h"
#include "domain/directory.h"
#include "render/format.h"
#include "web/app.h"
#include "web/public/catalog.h"
#include "web/staff/catalog_admin.h"

#include "base/common.h"

enum {
  LINE_MAX_BYTES = 1000,
  TEXT_MAX_BYTES = 4000,
  LONG_MAX_BYTES = 16000,
  LIST_MAX_ITEMS = 40,
  SLUG_MAX_BYTES = 40,
  MINUTES_PER_HOUR = 60,
  MINUTES_PER_DAY = 8 * 60
};

static const struct catadmin_field service_fields[] = {
    {"slug", CA_SLUG, CA_REQUIRED, SLUG_MAX_BYTES, "catadmin_f_slug"},
    {"name", CA_LINE, CA_PAIR | CA_REQUIRED, LINE_MAX_BYTES, "catadmin_f_service_name"},
    {"unit", CA_UNIT, 0, 0, "catadmin_f_unit"},
    {"topic", CA_TOPIC, 0, 0, "catadmin_f_topic"},
    {"summary", CA_TEXT, CA_PAIR, TEXT_MAX_BYTES, "catadmin_f_summary"},
    {"eligibility", CA_TEXT, CA_PAIR, TEXT_MAX_BYTES, "catadmin_f_eligibility"},
    {"documents", CA_LIST, CA_PAIR, LIST_MAX_ITEMS, "catadmin_f_documents"},
    {"steps", CA_LIST, CA_PAIR, LIST_MAX_ITEMS, "catadmin_f_steps"},
    {"time_limit_minutes", CA_TIME_LIMIT, CA_REQUIRED, CATALOG_TIME_LIMIT_MAX,
     "catadmin_f_time_limit"},
    {"remote_instant_minutes", CA_INT, CA_OMIT_EMPTY, CATALOG_TIME_LIMIT_MAX,
     "catadmin_f_remote_instant"},
    {"fee", CA_TEXT, CA_PAIR, TEXT_MAX_BYTES, "catadmin_f_fee"},
    {"fee_amount", CA_INT_NULL, 0, 1000000000, "catadmin_f_fee_amount"},
    /* the fee schedule (domain/fee_schedule.h); the domain checks the items when saving */
    {"fee_schedule", CA_JSON, 0, 64 * 1024, "catadmin_f_fee_schedule"},
    {"where", CA_LINE, CA_PAIR, LINE_MAX_BYTES, "catadmin_f_where"},
    {"floor", CA_LINE, CA_PAIR, LINE_MAX_BYTES, "catadmin_f_floor"},
    {"counter", CA_LINE, 0, LINE_MAX_BYTES, "catadmin_f_counter"},
    {"hours", CA_TEXT, CA_PAIR, TEXT_MAX_BYTES, "catadmin_f_hours"},
    {"channel_counter", CA_BOOL, 0, 0, "catadmin_f_channel_counter"},
    {"channel_online", CA_BOOL, 0, 0, "catadmin_f_channel_online"},
    {"channel_mail", CA_BOOL, 0, 0, "catadmin_f_channel_mail"},
    {"online_url", CA_URL, 0, LINE_MAX_BYTES, "catadmin_f_online_url"},
    {"sort", CA_INT, 0, 1000000, "catadmin_f_sort"},
};
static const char *const service_kept[] = {"published", "case_word_code", "workflow",
                                           "online_capable"};

static const struct catadmin_field faq_fields[] = {
    {"slug", CA_SLUG, CA_REQUIRED, SLUG_MAX_BYTES, "catadmin_f_slug"},
    {"question", CA_LINE, CA_PAIR | CA_REQUIRED, LINE_MAX_BYTES, "catadmin_f_question"},
    {"answer", CA_TEXT, CA_PAIR | CA_REQUIRED, LONG_MAX_BYTES, "catadmin_f_answer"},
    {"category", CA_LINE, CA_PAIR, LINE_MAX_BYTES, "catadmin_f_category"},
    {"sort", CA_INT, 0, 1000000, "catadmin_f_sort"},
};

static const struct catadmin_field announcement_fields[] = {
    {"slug", CA_SLUG, CA_REQUIRED, SLUG_MAX_BYTES, "catadmin_f_slug"},
    {"kind", CA_KIND, CA_REQUIRED, 0, "catadmin_f_kind"},
    {"title", CA_LINE, CA_PAIR | CA_REQUIRED, LINE_MAX_BYTES, "catadmin_f_title"},
    {"body", CA_TEXT, CA_PAIR, LONG_MAX_BYTES, "catadmin_f_body"},
    {"starts_on", CA_DATE, CA_REQUIRED, 0, "catadmin_f_starts_on"},
    {"ends_on", CA_DATE, CA_REQUIRED, 0, "catadmin_f_ends_on"},
};
static const char *const published_only[] = {"published"};

static const struct catadmin_kind kinds[] = {
    {"services", "service", "name", "catadmin_services_title", "catadmin_service_new",
     "catadmin_service_edit", "catadmin_history_title", service_fields, ARRAY_LEN(service_fields),
     service_kept, ARRAY_LEN(service_kept), catalog_service_save, catalog_service_publish,
     catalog_service_read},
    {"faq", "faq", "question", "catadmin_faq_title", "catadmin_faq_new", "catadmin_faq_edit",
     "catadmin_history_title", faq_fields, ARRAY_LEN(faq_fields), published_only,
     ARRAY_LEN(published_only), catalog_faq_save, catalog_faq_publish, catalog_faq_read},
    {"announcements", "announcement", "title", "catadmin_news_title", "catadmin_news_new",
     "catadmin_news_edit", "catadmin_history_title", announcement_fields,
     ARRAY_LEN(announcement_fields), published_only, ARRAY_LEN(published_only),
     catalog_announcement_save, catalog_announcement_publish, catalog_announcement_read},
};

const struct catadmin_kind *catadmin_kind_of(struct http_request *req)
{
  const char *segment = http_capture(req, "kind");
  for (size_t i = 0; segment && i < ARRAY_LEN(kinds); i++)
    if (strcmp(kinds[i].segment, segment) == 0)
      return &kinds[i];
  return NULL;
}

const struct catadmin_kind *catadmin_kind_by_entity(const char *entity)
{
  for (size_t i = 0; entity && i < ARRAY_LEN(kinds); i++)
    if (strcmp(kinds[i].entity, entity) == 0)
      return &kinds[i];
  return NULL;
}

/* ---- reading a submitted form ---- */

struct form_ctx {
  struct http_request *req;
  struct store *store;
  const struct catadmin_kind *kind;
  json_t *record, *values, *view;
  bool is_new;
};

/* The input's label: the field's, with the language for one half of a pair. */
static const char *input_label(struct http_request *req, const struct catadmin_field *field,
                               const char *lang)
{
  const char *label = http_t(req, field->label_key);
  if (!lang)
    return label;
  return arena_printf(req->arena, "%s%s", label,
                      http_t(req, strcmp(lang, "zh") == 0 ? "catadmin_in_zh" : "catadmin_in_en"));
}

static int refuse(struct form_ctx *f, const struct catadmin_field *field, const char *lang,
                  const char *input, const char *reason_key)
{
  const char *message = arena_printf(f->req->arena, "%s%s%s", input_label(f->req, field, lang),
                                     http_t(f->req, "catadmin_colon"), http_t(f->req, reason_key));
  return message ? web_form_error_text(f->view, input, message) : ST_NOMEM;
}

/* The submitted text with surrounding spaces removed and CR LF as LF, in the arena. */
static const char *submitted(struct form_ctx *f, const char *input)
{
  const char *raw = http_form(f->req, input);
  struct str s = str_trim(str_from(raw ? raw : ""));
  char *out = arena_alloc(f->req->arena, s.len + 1);
  size_t n = 0;
  for (size_t i = 0; out && i < s.len; i++)
    if (!(s.ptr[i] == '\r' && i + 1 < s.len && s.ptr[i + 1] == '\n'))
      out[n++] = s.ptr[i] == '\r' ? '\n' : s.ptr[i];
  return out ? out : "";
}

static bool is_slug(const char *s)
{
  size_t len = strlen(s);
  if (len == 0 || len > SLUG_MAX_BYTES)
    return false;
  return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == len;
}

/* "YYYY-MM-DD" from ROC year 1 (1912). */
static bool is_date(const char *s)
{
  struct civil_date d;
  return civil_parse_iso(str_from(s), &d) == ST_OK && d.year >= CIVIL_ROC_FIRST_YEAR;
}

static bool in_codes(const char *value, const char *const *codes, size_t count)
{
  for (size_t i = 0; i < count; i++)
    if (strcmp(value, codes[i]) == 0)
      return true;
  return false;
}

static bool unit_of_office(struct form_ctx *f, const char *code)
{
  return lookup_unit_code_belongs(f->store, f->req->session->office_id, code);
}

/* Why a coded field's value is refused (a translation key), or NULL. */
static const char *code_problem(struct form_ctx *f, const struct catadmin_field *field,
                                const char *text)
{
  switch (field->type) {
  case CA_SLUG:
    return is_slug(text) ? NULL : "catadmin_err_slug";
  case CA_URL:
    return !*text || strncmp(text, "https://", 8) == 0 ? NULL : "catadmin_err_https";
  case CA_DATE:
    return is_date(text) ? NULL : "catadmin_err_date";
  case CA_TOPIC:
    return !*text || in_codes(text, catalog_topics, catalog_topic_count) ? NULL
                                                                         : "catadmin_err_choice";
  case CA_KIND:
    return in_codes(text, catalog_announcement_kinds, catalog_announcement_kind_count)
               ? NULL
               : "catadmin_err_choice";
  case CA_UNIT:
    return !*text || unit_of_office(f, text) ? NULL : "catadmin_err_choice";
  default:
    return NULL;
  }
}

/* Why a one-value field's text is refused (a translation key), or NULL. */
static const char *text_problem(struct form_ctx *f, const struct catadmin_field *field,
                                const char *text, bool required)
{
  if (required && !*text)
    return "catadmin_err_required";
  if (field->type != CA_TEXT && strchr(text, '\n'))
    return "catadmin_err_one_line";
  if (field->max && (long long)strlen(text) > field->max && field->type != CA_SLUG)
    return "catadmin_err_too_long";
  return code_problem(f, field, text);
}

static int read_text(struct form_ctx *f, const struct catadmin_field *field, const char *input,
                     const char *lang, bool required)
{
  const char *text = submitted(f, input);
  json_object_set_new(f->values, input, json_string(text));
  const char *problem = text_problem(f, field, text, required);
  if (problem)
    return refuse(f, field, lang, input, problem);
  return json_object_set_new(f->record, input, json_string(text)) ? ST_NOMEM : ST_OK;
}

/* A textarea of one item per line: empty lines are dropped. */
static int read_list(struct form_ctx *f, const struct catadmin_field *field, const char *input,
                     const char *lang)
{
  const char *text = submitted(f, input);
  json_t *list = json_array();
  const char *problem = NULL;
  json_object_set_new(f->values, input, json_string(text));
  for (const char *p = text; list && *p;) {
    size_t len = strcspn(p, "\n");
    struct str item = str_trim((struct str){p, len});
    if (item.len > LINE_MAX_BYTES)
      problem = "catadmin_err_too_long";
    if (item.len)
      json_array_append_new(list, json_stringn(item.ptr, item.len));
    p += len + (p[len] == '\n');
  }
  if (list && json_array_size(list) > (size_t)field->max)
    problem = "catadmin_err_list_items";
  if (problem) {
    json_decref(list);
    return refuse(f, field, lang, input, problem);
  }
  return list && !json_object_set_new(f->record, input, list) ? ST_OK : ST_NOMEM;
}

static int read_number(struct form_ctx *f, const struct catadmin_field *field)
{
  const char *text = submitted(f, field->name);
  int64_t n = 0;
  json_object_set_new(f->values, field->name, json_string(text));
  if (!*text && (field->flags & CA_OMIT_EMPTY))
    return ST_OK; /* the domain's default */
  if (!*text)
    return json_object_set_new(f->record, field->name,
                               field->type == CA_INT_NULL ? json_null() : json_integer(0));
  if (str_to_int64(str_from(text), 0, field->max, &n))
    return refuse(f, field, NULL, field->name, "catadmin_err_number");
  return json_object_set_new(f->record, field->name, json_integer(n));
}

static int read_time_limit(struct form_ctx *f, const struct catadmin_field *field)
{
  const char *text = submitted(f, "time_limit_value");
  const char *unit = submitted(f, "time_limit_unit");
  int64_t n = 0, per = strcmp(unit, "days") == 0    ? MINUTES_PER_DAY
                       : strcmp(unit, "hours") == 0 ? MINUTES_PER_HOUR
                                                    : 1;
  json_object_set_new(f->values, "time_limit_value", json_string(text));
  json_object_set_new(f->values, "time_limit_unit", json_string(unit));
  if (!*text)
    return refuse(f, field, NULL, "time_limit_value", "catadmin_err_required");
  if (str_to_int64(str_from(text), 0, CATALOG_TIME_LIMIT_MAX, &n) || n * per > field->max ||
      (per == 1 && strcmp(unit, "minutes") != 0))
    return refuse(f, field, NULL, "time_limit_value", "catadmin_err_time_limit");
  return json_object_set_new(f->record, field->name, json_integer(n * per));
}

/* A JSON list typed in a textarea: empty is [], anything else must parse to a list. */
static int read_json(struct form_ctx *f, const struct catadmin_field *field)
{
  const char *text = submitted(f, field->name);
  json_object_set_new(f->values, field->name, json_string(text));
  if (strlen(text) > (size_t)field->max)
    return refuse(f, field, NULL, field->name, "catadmin_err_too_long");
  json_t *list = *text ? json_loads(text, JSON_REJECT_DUPLICATES, NULL) : json_array();
  if (!json_is_array(list)) {
    json_decref(list);
    return refuse(f, field, NULL, field->name, "catadmin_err_json_list");
  }
  return json_object_set_new(f->record, field->name, list) ? ST_NOMEM : ST_OK;
}

static int read_field(struct form_ctx *f, const struct catadmin_field *field)
{
  bool required = (field->flags & CA_REQUIRED) != 0;
  if (field->flags & CA_PAIR) {
    const char *zh = arena_printf(f->req->arena, "%s_zh", field->name);
    const char *en = arena_printf(f->req->arena, "%s_en", field->name);
    int rc = field->type == CA_LIST ? read_list(f, field, zh, "zh")
                                    : read_text(f, field, zh, "zh", required);
    if (!rc)
      rc = field->type == CA_LIST ? read_list(f, field, en, "en")
                                  : read_text(f, field, en, "en", false);
    return rc;
  }
  switch (field->type) {
  case CA_INT:
  case CA_INT_NULL:
    return read_number(f, field);
  case CA_BOOL:
    json_object_set_new(f->values, field->name,
                        json_string(http_form(f->req, field->name) ? "1" : ""));
    return json_object_set_new(f->record, field->name,
                               json_boolean(http_form(f->req, field->name) != NULL));
  case CA_TIME_LIMIT:
    return read_time_limit(f, field);
  case CA_JSON:
    return read_json(f, field);
  default:
    return read_text(f, field, field->name, NULL, required);
  }
}

/* Checks across fields and against the store: the slug of a new record is free, an
 * announcement does not end before it starts. */
static int cross_checks(struct form_ctx *f, json_t *existing)
{
  const char *slug = web_str(f->record, "slug");
  const char *starts = web_str(f->record, "starts_on"), *ends = web_str(f->record, "ends_on");
  json_t *other = NULL;
  if (!existing && *slug &&
      f->kind->get(f->store, f->req->session->office_id, 0, slug, &other) == ST_OK) {
    json_decref(other);
    return refuse(f, &f->kind->fields[0], NULL, "slug", "catadmin_err_slug_taken");
  }
  if (*starts && *ends && strcmp(ends, starts) < 0) {
    const struct catadmin_field *end_field = &f->kind->fields[f->kind->field_count - 1];
    return refuse(f, end_field, NULL, "ends_on", "catadmin_err_date_order");
  }
  return ST_OK;
}

int catadmin_read_form(struct http_request *req, struct store *store, const struct catadmin_kind *k,
                       json_t *existing, json_t *record, json_t *values, json_t *view)
{
  struct form_ctx f = {req, store, k, record, values, view, existing == NULL};
  for (size_t i = 0; i < k->field_count; i++) {
    if (existing && k->fields[i].type == CA_SLUG)
      continue;
    int rc = read_field(&f, &k->fields[i]);
    if (rc)
      return rc;
  }
  if (existing) {
    json_object_set_new(record, "slug", json_string(web_str(existing, "slug")));
    json_object_set_new(values, "slug", json_string(web_str(existing, "slug")));
    for (size_t i = 0; i < k->kept_count; i++) {
      json_t *v = json_object_get(existing, k->kept[i]);
      if (v)
        json_object_set(record, k->kept[i], v);
    }
  }
  return cross_checks(&f, existing);
}

/* ---- values and rows for the template ---- */

static json_t *list_text(json_t *list)
{
  char text[LIST_MAX_ITEMS * (LINE_MAX_BYTES + 1) + 1];
  size_t used = 0, i;
  json_t *item;
  text[0] = '\0';
  json_array_foreach(list, i, item)
  {
    int n = snprintf(text + used, sizeof(text) - used, "%s%s", used ? "\n" : "",
                     json_string_value(item) ? json_string_value(item) : "");
    if (n < 0 || (size_t)n >= sizeof(text) - used)
      break;
    used += (size_t)n;
  }
  return json_string(text);
}

static json_t *number_text(json_t *value)
{
  char text[32];
  if (!json_is_integer(value))
    return json_string("");
  snprintf(text, sizeof(text), "%lld", (long long)json_integer_value(value));
  return json_string(text);
}

static json_t *minutes_text(int64_t n)
{
  char text[32];
  snprintf(text, sizeof(text), "%lld", (long long)n);
  return json_string(text);
}

static void time_limit_values(json_t *record, json_t *values)
{
  int64_t minutes = json_integer_value(json_object_get(record, "time_limit_minutes"));
  const char *unit = "minutes";
  if (minutes > 0 && minutes % MINUTES_PER_DAY == 0) {
    minutes /= MINUTES_PER_DAY;
    unit = "days";
  } else if (minutes > 0 && minutes % MINUTES_PER_HOUR == 0) {
    minutes /= MINUTES_PER_HOUR;
    unit = "hours";
  }
  json_object_set_new(values, "time_limit_value", minutes_text(minutes));
  json_object_set_new(values, "time_limit_unit", json_string(unit));
}

static void value_from_record(const struct catadmin_field *field, const char *key, json_t *record,
                              json_t *values)
{
  json_t *v = json_object_get(record, key);
  switch (field->type) {
  case CA_LIST:
    json_object_set_new(values, key, list_text(v));
    break;
  case CA_INT:
  case CA_INT_NULL:
    json_object_set_new(values, key, number_text(v));
    break;
  case CA_BOOL:
    json_object_set_new(values, key, json_string(json_is_true(v) ? "1" : ""));
    break;
  case CA_TIME_LIMIT:
    time_limit_values(record, values);
    break;
  case CA_JSON: {
    char *text = json_array_size(v) ? json_dumps(v, JSON_INDENT(1) | JSON_PRESERVE_ORDER) : NULL;
    json_object_set_new(values, key, json_string(text ? text : ""));
    free(text);
    break;
  }
  default:
    json_object_set_new(values, key, json_string(json_is_string(v) ? json_string_value(v) : ""));
  }
}

json_t *catadmin_values_from_record(const struct catadmin_kind *k, json_t *record)
{
  json_t *values = json_object();
  char key[64];
  for (size_t i = 0; values && i < k->field_count; i++) {
    const struct catadmin_field *field = &k->fields[i];
    if (!(field->flags & CA_PAIR)) {
      value_from_record(field, field->name, record, values);
      continue;
    }
    snprintf(key, sizeof(key), "%s_zh", field->name);
    value_from_record(field, key, record, values);
    snprintf(key, sizeof(key), "%s_en", field->name);
    value_from_record(field, key, record, values);
  }
  return values;
}

/* The options of a select field, with value selected. */
static json_t *options(struct http_request *req, struct store *store,
                       const struct catadmin_field *field, const char *value)
{
  json_t *list = json_array();
  const struct directory *dir = NULL;
  size_t i, unit_count = 0;
#define OPTION(v, l)                                                                               \
  json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "value", (v), "label", (l), "selected", \
                                        strcmp((v), value) == 0))
  if (field->type == CA_TOPIC || field->type == CA_UNIT)
    OPTION("", http_t(req, "catadmin_none"));
  if (field->type == CA_TOPIC)
    for (i = 0; i < catalog_topic_count; i++)
      OPTION(catalog_topics[i], catalog_topic_label(req, catalog_topics[i]));
  if (field->type == CA_KIND)
    for (i = 0; i < catalog_announcement_kind_count; i++)
      OPTION(catalog_announcement_kinds[i],
             http_t(req, arena_printf(req->arena, "news_kind_%s", catalog_announcement_kinds[i])));
  const struct dir_unit *units =
      field->type == CA_UNIT && directory_acquire(store, req->arena, &dir) == ST_OK
          ? directory_units(dir, req->session->office_id, &unit_count)
          : NULL;
  for (i = 0; units && i < unit_count; i++)
    OPTION(units[i].code, directory_pick(units[i].name_zh, units[i].name_en, req->lang));
#undef OPTION
  return list;
}

static json_t *time_units(struct http_request *req, const char *value)
{
  static const char *const units[][2] = {
      {"minutes", "time_minutes"}, {"hours", "time_working_hours"}, {"days", "time_working_days"}};
  json_t *list = json_array();
  for (size_t i = 0; i < ARRAY_LEN(units); i++)
    json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "value", units[i][0], "label",
                                          http_t(req, units[i][1]), "selected",
                                          strcmp(units[i][0], value) == 0));
  return list;
}

static const char *error_of(json_t *view, const char *input)
{
  const char *e = json_string_value(json_object_get(json_object_get(view, "field_errors"), input));
  return e ? e : "";
}

/* One input: {id, label, value, error, has_error, is_<type>, lang, options}. */
static json_t *input_json(struct http_request *req, struct store *store,
                          const struct catadmin_field *field, const char *id, const char *lang,
                          json_t *values, json_t *view)
{
  const char *value = web_str(values, id);
  const char *error = error_of(view, id);
  json_t *in = json_pack(
      "{s:s, s:s, s:s, s:s, s:b, s:b, s:s, s:b}", "id", id, "label", input_label(req, field, lang),
      "value", value, "error", error, "has_error", *error != '\0', "required",
      (field->flags & CA_REQUIRED) && (!lang || strcmp(lang, "zh") == 0), "lang",
      lang ? (strcmp(lang, "en") == 0 ? "en" : "zh-Hant-TW") : "", "checked", *value != '\0');
  static const char *const type_flags[] = {[CA_LINE] = "is_line",
                                           [CA_TEXT] = "is_text",
                                           [CA_LIST] = "is_list",
                                           [CA_INT] = "is_int",
                                           [CA_INT_NULL] = "is_int",
                                           [CA_BOOL] = "is_bool",
                                           [CA_SLUG] = "is_line",
                                           [CA_DATE] = "is_date",
                                           [CA_UNIT] = "is_select",
                                           [CA_TOPIC] = "is_select",
                                           [CA_KIND] = "is_select",
                                           [CA_URL] = "is_url",
                                           [CA_TIME_LIMIT] = "is_time_limit",
                                           [CA_JSON] = "is_json"};
  json_object_set_new(in, type_flags[field->type], json_true());
  if (field->type == CA_UNIT || field->type == CA_TOPIC || field->type == CA_KIND)
    json_object_set_new(in, "options", options(req, store, field, value));
  if (field->type == CA_TIME_LIMIT) {
    json_object_set_new(in, "value", json_string(web_str(values, "time_limit_value")));
    json_object_set_new(in, "id", json_string("time_limit_value"));
    json_object_set_new(in, "error", json_string(error_of(view, "time_limit_value")));
    json_object_set_new(in, "has_error", json_boolean(*error_of(view, "time_limit_value")));
    json_object_set_new(in, "units", time_units(req, web_str(values, "time_limit_unit")));
  }
  return in;
}

int catadmin_rows(struct http_request *req, struct store *store, const struct catadmin_kind *k,
                  json_t *values, bool is_new, json_t *view, json_t **rows)
{
  *rows = json_array();
  for (size_t i = 0; *rows && i < k->field_count; i++) {
    const struct catadmin_field *field = &k->fields[i];
    json_t *row;
    if (field->flags & CA_PAIR) {
      row = json_pack("{s:b, s:s, s:o, s:o}", "pair", true, "label", http_t(req, field->label_key),
                      "zh",
                      input_json(req, store, field, arena_printf(req->arena, "%s_zh", field->name),
                                 "zh", values, view),
                      "en",
                      input_json(req, store, field, arena_printf(req->arena, "%s_en", field->name),
                                 "en", values, view));
    } else if (field->type == CA_SLUG && !is_new) {
      row = json_pack("{s:b, s:s, s:s}", "fixed", true, "label", http_t(req, field->label_key),
                      "value", web_str(values, "slug"));
    } else {
      row = json_pack("{s:b, s:o}", "single", true, "input",
                      input_json(req, store, field, field->name, NULL, values, view));
    }
    if (!row || json_array_append_new(*rows, row))
      return ST_NOMEM;
  }
  return *rows ? ST_OK : ST_NOMEM;
}

const char *catadmin_key_label(struct http_request *req, const struct catadmin_kind *k,
                               const char *key)
{
  size_t len = strlen(key);
  for (size_t i = 0; i < k->field_count; i++) {
    const struct catadmin_field *field = &k->fields[i];
    size_t n = strlen(field->name);
    if (!(field->flags & CA_PAIR) && strcmp(key, field->name) == 0)
      return http_t(req, field->label_key);
    if ((field->flags & CA_PAIR) && len == n + 3 && strncmp(key, field->name, n) == 0 &&
        key[n] == '_')
      return input_label(req, field, key + n + 1);
  }
  if (strcmp(key, "published") == 0 || strcmp(key, "forms") == 0)
    return http_t(req, strcmp(key, "forms") == 0 ? "catadmin_forms_title" : "catadmin_published");
  return key;
}

const char *catadmin_error_input(struct http_request *req, const struct catadmin_kind *k,
                                 const char *err)
{
  const struct catadmin_field *best = NULL, *first_pair = NULL;
  const char *best_at = NULL;
  for (size_t i = 0; i < k->field_count; i++) {
    const struct catadmin_field *field = &k->fields[i];
    const char *at = strstr(err, field->name);
    if (!first_pair && (field->flags & CA_PAIR))
      first_pair = field;
    if (at && (!best || strlen(field->name) > strlen(best->name))) {
      best = field;
      best_at = at;
    }
  }
  if (!best)
    return arena_printf(req->arena, "%s_zh", first_pair->name);
  if (best->type == CA_TIME_LIMIT)
    return "time_limit_value";
  if (!(best->flags & CA_PAIR))
    return best->name;
  return arena_printf(req->arena, "%s_%s", best->name,
                      strncmp(best_at + strlen(best->name), "_en", 3) == 0 ? "en" : "zh");
}

const char *catadmin_datetime(struct http_request *req, const char *iso)
{
  char text[64];
  int64_t parts[6];
  static const size_t at[6][2] = {{0, 4}, {5, 2}, {8, 2}, {11, 2}, {14, 2}, {17, 2}};
  if (!iso || strlen(iso) < 19)
    return "";
  for (size_t i = 0; i < 6; i++)
    if (str_to_int64((struct str){iso + at[i][0], at[i][1]}, 0, 9999, &parts[i]))
      return "";
  /* A stored UTC time "YYYY-MM-DDTHH:MM:SS...". */
  struct civil_time utc = {
      {(int)parts[0], (int)parts[1], (int)parts[2]}, (int)parts[3], (int)parts[4], (int)parts[5]};
  if (!civil_valid(utc.date) || format_datetime(civil_unix(utc, 0), req->lang, text, sizeof(text)))
    return "";
  return arena_strdup(req->arena, text);
}
