/*
 * api.c - the versioned JSON API (api.h). Every answer is application/json whatever the
 * Accept header says, errors included (those the HTTP layer decides too, through
 * api_http_error): {"status", "code", "message"} plus "field" when one input is at fault, the
 * message in the request's language. Every member answered is listed here explicitly and
 * described in docs/openapi.json (tests/api/validate.mjs checks each answer of the HTTP tests).
 */
#include <string.h>
#include <strings.h>

#include "base/clock.h"
#include "domain/case_read.h"
#include "domain/apikeys.h"
#include "domain/catalog.h"
#include "domain/directory.h"
#include "domain/form.h"
#include "web/api/api.h"
#include "web/app.h"
#include "web/public/office.h"
#include "web/cases/case_view.h"
#include "web/open311/open311.h"
#include "render/i18n.h"

#include "base/common.h"

#define JSON_TYPE "application/json; charset=utf-8"

enum { API_BODY_MAX = 64 * 1024 };

static int send(struct http_response *res, int status, json_t *doc)
{
  if (!doc)
    return ST_NOMEM;
  char *text = json_dumps(doc, JSON_COMPACT);
  json_decref(doc);
  int rc = text ? http_raw(res, status, JSON_TYPE, text, strlen(text)) : ST_NOMEM;
  free(text);
  if (!rc) /* messages and labels follow the request's language */
    rc = http_header_add(res, "Vary", "Accept-Language, Cookie");
  if (!rc) /* a browser sent here saves the answer instead of showing it (ASVS V14.4.2) */
    rc = http_header_add(res, "Content-Disposition", "attachment; filename=\"api.json\"");
  return rc;
}

/* The error's code: one per status (docs/openapi.json, Error.code). */
static const char *error_code(int status)
{
  switch (status) {
  case 400:
    return "invalid";
  case 403:
    return "forbidden";
  case 404:
    return "not_found";
  case 405:
    return "method_not_allowed";
  case 413:
    return "payload_too_large";
  case 414:
    return "uri_too_long";
  case 415:
    return "unsupported_media_type";
  case 429:
    return "too_many_requests";
  default:
    return "internal_error";
  }
}

static int fail_as(struct http_response *res, int status, const char *code, const char *message,
                   const char *field)
{
  json_t *doc = json_pack("{s:i, s:s, s:s}", "status", status, "code", code, "message", message);
  if (doc && field && *field)
    json_object_set_new(doc, "field", json_string(field));
  return send(res, status, doc);
}

static int fail(struct http_response *res, int status, const char *message, const char *field)
{
  return fail_as(res, status, error_code(status), message, field);
}

static int fail_key(struct http_request *req, struct http_response *res, int status,
                    const char *key)
{
  return fail(res, status, http_t(req, key), NULL);
}

static int fail_field(struct http_request *req, struct http_response *res, const char *key,
                      const char *field)
{
  return fail(res, 400, http_t(req, key), field);
}

int api_http_error(struct http_request *req, struct http_response *res, int status,
                   const char *message_key)
{
  static const int known[] = {400, 403, 404, 405, 413, 414, 415, 429};
  int key_status = 500;
  for (size_t i = 0; i < ARRAY_LEN(known); i++)
    if (known[i] == status)
      key_status = status;
  const char *key = arena_printf(req->arena, "api_err_http_%d", key_status);
  return key ? fail_key(req, res, status, key) : ST_NOMEM;
}

int api_not_found(struct http_request *req, struct http_response *res)
{
  return fail_key(req, res, 404, "api_err_http_404");
}

/* A ?lang= the API does not speak is refused (400) rather than ignored; true when refused. */
static bool refused_lang(struct http_request *req, struct http_response *res, int *rc)
{
  const char *lang = http_query(req, "lang");
  if (!lang || i18n_supported(lang))
    return false;
  *rc = fail_field(req, res, "api_err_lang", "lang");
  return true;
}

/* ---- offices, services, FAQ -------------------------------------------------------------- */

static const char *const office_fields[] = {"slug",    "name_zh", "name_en",    "kind",
                                            "city_zh", "city_en", "address_zh", "address_en",
                                            "phone",   "email",   "hours_zh",   "hours_en"};
static const char *const service_fields[] = {
    "slug",           "topic",        "name_zh",        "name_en",
    "summary_zh",     "summary_en",   "eligibility_zh", "eligibility_en",
    "documents_zh",   "documents_en", "steps_zh",       "steps_en",
    "fee_zh",         "fee_en",       "fee_amount",     "time_limit_minutes",
    "where_zh",       "where_en",     "counter",        "floor_zh",
    "floor_en",       "hours_zh",     "hours_en",       "channel_counter",
    "channel_online", "channel_mail", "online_capable", "updated_at"};
static const char *const unit_fields[] = {"code",      "name_zh",   "name_en",
                                          "duties_zh", "duties_en", "floor_zh",
                                          "floor_en",  "counter",   "phone"};
static const char *const faq_fields[] = {"slug",        "category_zh", "category_en", "question_zh",
                                         "question_en", "answer_zh",   "answer_en",   "updated_at"};

/* The fields of a record (a directory record is shared: its values are copied). */
static json_t *pick(const json_t *record, const char *const *fields, size_t count)
{
  json_t *out = json_object();
  for (size_t i = 0; out && i < count; i++) {
    json_t *v = json_object_get(record, fields[i]);
    if (v && json_object_set_new(out, fields[i], json_deep_copy(v))) {
      json_decref(out);
      out = NULL;
    }
  }
  return out;
}

int api_offices(struct http_request *req, struct http_response *res)
{
  struct store *store;
  const struct directory *dir = NULL;
  size_t count = 0;
  int rc = ST_OK;
  if (refused_lang(req, res, &rc))
    return rc;
  rc = web_store(req, &store);
  if (!rc)
    rc = directory_acquire(store, req->arena, &dir);
  if (rc)
    return rc;
  const struct dir_office *offices = directory_offices(dir, &count);
  json_t *list = json_array();
  for (size_t i = 0; list && i < count; i++)
    json_array_append_new(list, pick(offices[i].record, office_fields, ARRAY_LEN(office_fields)));
  return send(res, 200, json_pack("{s:o}", "offices", list));
}

/* The office of the {office} capture from the directory; answers 404 (or 400 for a ?lang= it
 * does not speak) itself: *office NULL, ST_OK. */
static int office_of(struct http_request *req, struct http_response *res, struct store **store,
                     const struct directory **dir, const struct dir_office **office)
{
  *office = NULL;
  int rc = ST_OK;
  if (refused_lang(req, res, &rc))
    return rc;
  rc = web_store(req, store);
  if (!rc)
    rc = directory_acquire(*store, req->arena, dir);
  if (rc)
    return rc;
  *office = directory_office_by_slug(*dir, http_capture(req, "office"));
  return *office ? ST_OK : fail_key(req, res, 404, "api_err_office");
}

int api_office(struct http_request *req, struct http_response *res)
{
  struct store *store;
  const struct directory *dir = NULL;
  const struct dir_office *office;
  size_t count = 0;
  int rc = office_of(req, res, &store, &dir, &office);
  if (rc || !office)
    return rc;
  const struct dir_unit *units = directory_units(dir, office->id, &count);
  json_t *doc = pick(office->record, office_fields, ARRAY_LEN(office_fields));
  json_t *list = json_array();
  for (size_t i = 0; list && i < count; i++)
    json_array_append_new(list, pick(units[i].record, unit_fields, ARRAY_LEN(unit_fields)));
  if (doc && list)
    json_object_set(doc, "units", list);
  json_decref(list);
  return send(res, 200, list ? doc : NULL);
}

/* A service as the API shows it; the catalogue record and the form are JSON by nature. */
static json_t *service_doc(struct http_request *req, const struct dir_office *office,
                           const struct dir_service *service)
{
  const json_t *s = service->record;
  json_t *doc = pick(s, service_fields, ARRAY_LEN(service_fields));
  if (!doc)
    return NULL;
  json_t *questions = form_normalise(json_object_get(s, "questions"));
  json_object_set_new(doc, "questions", questions ? questions : json_array());
  json_object_set_new(doc, "open311_attributes",
                      o311_attributes(req, json_object_get(s, "questions")));
  json_object_set_new(
      doc, "url",
      json_string(arena_printf(req->arena, "/o/%s/services/%s", office->slug, service->slug)));
  return doc;
}

int api_services(struct http_request *req, struct http_response *res)
{
  struct store *store;
  const struct directory *dir = NULL;
  const struct dir_office *office;
  size_t count = 0;
  int rc = office_of(req, res, &store, &dir, &office);
  if (rc || !office)
    return rc;
  const struct dir_service *services = directory_services(dir, office->id, &count);
  json_t *list = json_array();
  for (size_t i = 0; list && i < count; i++)
    if (services[i].published)
      json_array_append_new(list, service_doc(req, office, &services[i]));
  return send(res, 200, json_pack("{s:o}", "services", list));
}

int api_service(struct http_request *req, struct http_response *res)
{
  struct store *store;
  const struct directory *dir = NULL;
  const struct dir_office *office;
  int rc = office_of(req, res, &store, &dir, &office);
  if (rc || !office)
    return rc;
  const struct dir_service *s =
      directory_service_by_slug(dir, office->id, http_capture(req, "service"));
  if (!s || !s->published)
    return fail_key(req, res, 404, "api_err_service");
  return send(res, 200, service_doc(req, office, s));
}

int api_faq(struct http_request *req, struct http_response *res)
{
  struct store *store;
  const struct directory *dir = NULL;
  const struct dir_office *office;
  json_t *rows = NULL, *f;
  int rc = office_of(req, res, &store, &dir, &office);
  if (rc || !office)
    return rc;
  rc = catalog_faq_published(store, office->id, &rows);
  if (rc)
    return rc;
  json_t *list = json_array();
  size_t i;
  json_array_foreach(rows, i, f)
      json_array_append_new(list, pick(f, faq_fields, ARRAY_LEN(faq_fields)));
  json_decref(rows);
  return send(res, 200, json_pack("{s:o}", "faq", list));
}

/* ---- case progress (number + check code, like the progress page) ------------------------ */

static const char *const case_fields[] = {"case_key",
                                          "number",
                                          "status",
                                          "status_label",
                                          "service_name",
                                          "unit_name",
                                          "received_text",
                                          "due_text",
                                          "due_state",
                                          "due_state_label",
                                          "is_overdue",
                                          "overdue_reason",
                                          "closed_text",
                                          "in_correction",
                                          "correction_list",
                                          "fee_amount",
                                          "fee_text",
                                          "applicant_name_masked",
                                          "correction_deadline_text",
                                          "overdue_new_date_text"};

static const char *label(struct http_request *req, const char *prefix, const char *code)
{
  const char *key = arena_printf(req->arena, "%s%s", prefix, code);
  return key ? http_t(req, key) : "";
}

/* One entry of the case's public history. */
static json_t *event_doc(struct http_request *req, const struct case_public *c,
                         const struct case_public_event *e)
{
  bool moved = !strcmp(e->kind, "status");
  return json_pack(
      "{s:o, s:s, s:s, s:s, s:s, s:s}", "at", o311_time(e->at), "at_text", web_datetime(req, e->at),
      "kind", e->kind, "status", moved ? e->to_status : "", "what",
      moved ? case_wf_step_label(req, c->wf, e->to_status) : label(req, "event_", e->kind), "note",
      case_event_note(req, e->kind, e->note, e->data));
}

/* The case as the API shows it: the progress page's texts (case_view.h) with times in ISO 8601
 * and the public history, nothing internal (row ids, raw event data). */
static json_t *case_doc(struct http_request *req, const struct case_public *c)
{
  json_t *view = case_public_view(req, c, false);
  json_t *doc = view ? pick(view, case_fields, ARRAY_LEN(case_fields)) : NULL;
  json_t *events = json_array();
  json_decref(view);
  for (size_t i = 0; doc && events && i < c->event_count; i++)
    json_array_append_new(events, event_doc(req, c, &c->events[i]));
  if (!doc || !events ||
      json_object_update_new(doc, json_pack("{s:s, s:o, s:o, s:o, s:O}", "state",
                                            open311_closed(c->wf, c->status) ? "closed" : "open",
                                            "received_at", o311_time(c->received_at), "due_at",
                                            o311_time(c->due_at), "closed_at",
                                            o311_time(c->closed_at), "events", events))) {
    json_decref(doc);
    doc = NULL;
  }
  json_decref(events);
  return doc;
}

static int case_on(struct http_request *req, struct http_response *res, struct store *store)
{
  const struct dir_office *office = NULL;
  struct case_public c;
  int rc = ST_OK;
  if (refused_lang(req, res, &rc))
    return rc;
  const char *check = http_query(req, "check_code");
  if (!check || !*check)
    return fail_field(req, res, "api_err_check_code", "check_code");
  rc = office_of_request(req, store, &office);
  if (rc == ST_NOTFOUND)
    return fail_key(req, res, 404, "api_err_office");
  time_t now = clock_now();
  if (!rc)
    rc = case_public_by_number(store, req->arena, now, office->id, http_capture(req, "number"),
                               check, web_primary, req, &c);
  if (rc == ST_LIMIT) { /* locked for the day: say until when, as for the page */
    http_header_add(res, "Retry-After",
                    arena_printf(req->arena, "%lld", (long long)(case_check_day_end(now) - now)));
    return fail_as(res, 429, "locked", http_t(req, "progress_locked"), NULL);
  }
  if (rc == ST_NOTFOUND)
    return fail_key(req, res, 404, "progress_not_found");
  json_t *doc = rc ? NULL : case_doc(req, &c);
  if (rc || !doc)
    return rc ? rc : ST_NOMEM;
  return send(res, 200, json_pack("{s:o}", "case", doc));
}

int api_case(struct http_request *req, struct http_response *res)
{
  return web_read(req, res, case_on);
}

/* ---- creating a case --------------------------------------------------------------------- */

static const char *api_key_of(struct http_request *req)
{
  const char *key = http_header(req, "X-API-Key");
  const char *auth = http_header(req, "Authorization");
  if ((!key || !*key) && auth && !strncmp(auth, "Bearer ", 7))
    key = auth + 7;
  return key && *key ? key : NULL;
}

static const char *member(json_t *body, const char *name)
{
  const char *s = json_string_value(json_object_get(body, name));
  return s && *s ? s : NULL;
}

/* A JSON object body; NULL when it is not one. */
static json_t *read_body(struct http_request *req)
{
  json_error_t error;
  if (!req->body_len)
    return NULL;
  json_t *body = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &error);
  if (body && !json_is_object(body)) {
    json_decref(body);
    return NULL;
  }
  return body;
}

/* Whether the body is declared JSON: Content-Type application/json, parameters (charset)
 * allowed. */
static bool json_declared(struct http_request *req)
{
  static const char json_type[] = "application/json";
  const char *type = http_header(req, "Content-Type");
  if (!type || strncasecmp(type, json_type, sizeof(json_type) - 1))
    return false;
  type += sizeof(json_type) - 1;
  type += strspn(type, " \t");
  return !*type || *type == ';';
}

/* Whether every member is one the API knows; *unknown names the first that is not. */
static bool members_known(json_t *body, const char **unknown)
{
  static const char *const known[] = {"service_code", "description", "email",     "phone",
                                      "first_name",   "last_name",   "lang",      "address_string",
                                      "lat",          "long",        "media_url", "answers"};
  const char *key;
  json_t *v;
  *unknown = NULL;
  json_object_foreach(body, key, v)
  {
    bool found = false;
    for (size_t i = 0; !found && i < ARRAY_LEN(known); i++)
      found = !strcmp(key, known[i]);
    if (!found) {
      *unknown = key;
      return false;
    }
  }
  return true;
}

static bool members_ok(json_t *body)
{
  static const char *const strings[] = {"service_code", "description", "email",    "phone",
                                        "first_name",   "last_name",   "lang",     "address_string",
                                        "lat",          "long",        "media_url"};
  for (size_t i = 0; i < ARRAY_LEN(strings); i++) {
    json_t *v = json_object_get(body, strings[i]);
    if (v && !json_is_string(v))
      return false;
  }
  json_t *answers = json_object_get(body, "answers");
  return !answers || json_is_object(answers);
}

static int create_with(struct http_request *req, struct http_response *res, struct store *store,
                       const struct dir_office *office, int64_t key_id, json_t *body)
{
  const char *lang = member(body, "lang");
  if (lang && !i18n_supported(lang))
    return fail_field(req, res, "api_err_lang", "lang");
  if (lang) /* the answer's messages follow the body's language too */
    req->lang = lang = i18n_normalize(lang, strlen(lang));
  struct open311_submission in = {
      .office_id = office->id,
      .service_code = member(body, "service_code"),
      .attributes = json_object_get(body, "answers"),
      .description = member(body, "description"),
      .email = member(body, "email"),
      .phone = member(body, "phone"),
      .first_name = member(body, "first_name"),
      .last_name = member(body, "last_name"),
      .lang = lang ? lang : req->lang,
      .address = member(body, "address_string"),
      .lat = member(body, "lat"),
      .lng = member(body, "long"),
      .media_url = member(body, "media_url"),
      .api_key_id = key_id,
  };
  struct open311_refusal why;
  json_t *made = NULL;
  int rc = o311_submit(req, store, &in, &made, &why);
  if (rc == ST_INVALID || rc == ST_NOTFOUND)
    return fail(res, why.status, o311_refusal_text(req, &why), why.attribute);
  return rc ? rc : send(res, 201, made);
}

int api_create(struct http_request *req, struct http_response *res)
{
  struct store *store;
  const struct directory *dir = NULL;
  const struct dir_office *office;
  json_t *body = NULL;
  const char *unknown = NULL;
  int64_t key_id = 0;
  int rc = office_of(req, res, &store, &dir, &office);
  if (rc || !office)
    return rc;
  rc = apikey_check(store, api_key_of(req), office->id, clock_now(), &key_id);
  if (rc == ST_FORBIDDEN)
    rc = fail_key(req, res, 403,
                  api_key_of(req) ? "open311_err_api_key" : "open311_err_api_key_missing");
  else if (!rc && !json_declared(req))
    rc = fail_key(req, res, 415, "api_err_content_type");
  else if (!rc && !(body = read_body(req)))
    rc = fail_key(req, res, 400, "api_err_body");
  else if (!rc && !members_ok(body))
    rc = fail_key(req, res, 400, "api_err_body");
  else if (!rc && !members_known(body, &unknown)) /* a typo is not silently dropped */
    rc = fail_field(req, res, "api_err_member", unknown);
  else if (!rc)
    rc = create_with(req, res, store, office, key_id, body);
  json_decref(body);
  return rc;
}

/* ---- the OpenAPI document ---------------------------------------------------------------- */

#include "openapi_json.h" /* generated from docs/openapi.json: openapi_json[], openapi_json_len */

int api_openapi(struct http_request *req, struct http_response *res)
{
  return http_raw(res, 200, JSON_TYPE, openapi_json, openapi_json_len);
}
