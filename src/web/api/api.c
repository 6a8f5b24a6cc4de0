/*
 * api.c - the versioned JSON API (api.h). Every answer is application/json whatever the
 * Accept header says; errors are {"status", "code", "message"} (plus "field" when one input
 * is at fault) with the message in the request's language.
 */
#include <string.h>

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

static int fail(struct http_request *req, struct http_response *res, int status, const char *code,
                const char *message, const char *field)
{
  json_t *doc = json_pack("{s:i, s:s, s:s}", "status", status, "code", code, "message", message);
  if (doc && field && *field)
    json_object_set_new(doc, "field", json_string(field));
  return send(res, status, doc);
}

static int fail_key(struct http_request *req, struct http_response *res, int status,
                    const char *code, const char *key)
{
  return fail(req, res, status, code, http_t(req, key), NULL);
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
  int rc = web_store(req, &store);
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

/* The office of the {office} capture from the directory; answers 404 itself (*office NULL,
 * ST_OK). */
static int office_of(struct http_request *req, struct http_response *res, struct store **store,
                     const struct directory **dir, const struct dir_office **office)
{
  *office = NULL;
  int rc = web_store(req, store);
  if (!rc)
    rc = directory_acquire(*store, req->arena, dir);
  if (rc)
    return rc;
  *office = directory_office_by_slug(*dir, http_capture(req, "office"));
  return *office ? ST_OK : fail_key(req, res, 404, "not_found", "api_err_office");
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
    json_array_append_new(list, json_deep_copy(units[i].record));
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
    return fail_key(req, res, 404, "not_found", "api_err_service");
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

static int case_on(struct http_request *req, struct http_response *res, struct store *store)
{
  const struct dir_office *office = NULL;
  struct case_public c;
  int rc = office_of_request(req, store, &office);
  if (rc == ST_NOTFOUND)
    return fail_key(req, res, 404, "not_found", "api_err_office");
  const char *check = http_query(req, "check_code");
  time_t now = clock_now();
  if (!rc)
    rc = case_public_by_number(store, req->arena, now, office->id, http_capture(req, "number"),
                               check ? check : "", web_primary, req, &c);
  if (rc == ST_LIMIT) { /* locked for the day: say until when, as for the page */
    http_header_add(res, "Retry-After",
                    arena_printf(req->arena, "%lld", (long long)(case_check_day_end(now) - now)));
    return fail_key(req, res, 429, "locked", "progress_locked");
  }
  if (rc == ST_NOTFOUND)
    return fail_key(req, res, 404, "not_found", "progress_not_found");
  json_t *view = rc ? NULL : case_public_view(req, &c, true);
  if (rc || !view)
    return rc ? rc : ST_NOMEM;
  json_object_set_new(view, "state", json_string(open311_closed(c.status) ? "closed" : "open"));
  return send(res, 200, json_pack("{s:o}", "case", view));
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
                       const struct dir_office *office, json_t *key, json_t *body)
{
  const char *lang = member(body, "lang");
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
      .api_key_id = json_integer_value(json_object_get(key, "id")),
  };
  struct open311_refusal why;
  json_t *made = NULL;
  int rc = o311_submit(req, store, &in, &made, &why);
  if (rc == ST_INVALID || rc == ST_NOTFOUND)
    return fail(req, res, why.status, why.status == 404 ? "not_found" : "invalid",
                o311_refusal_text(req, &why), why.attribute);
  return rc ? rc : send(res, 201, made);
}

int api_create(struct http_request *req, struct http_response *res)
{
  struct store *store;
  const struct directory *dir = NULL;
  const struct dir_office *office;
  json_t *key = NULL, *body = NULL;
  int rc = office_of(req, res, &store, &dir, &office);
  if (rc || !office)
    return rc;
  rc = apikey_check(store, api_key_of(req), clock_now(), &key);
  if (rc == ST_FORBIDDEN ||
      (!rc && office->id != json_integer_value(json_object_get(key, "office_id"))))
    rc = fail_key(req, res, 403, "forbidden",
                  api_key_of(req) ? "open311_err_api_key" : "open311_err_api_key_missing");
  else if (!rc && !(body = read_body(req)))
    rc = fail_key(req, res, 400, "invalid", "api_err_body");
  else if (!rc && !members_ok(body))
    rc = fail_key(req, res, 400, "invalid", "api_err_body");
  else if (!rc)
    rc = create_with(req, res, store, office, key, body);
  json_decref(body);
  json_decref(key);
  return rc;
}

/* ---- the OpenAPI document ---------------------------------------------------------------- */

#include "openapi_json.h" /* generated from docs/openapi.json: openapi_json[], openapi_json_len */

int api_openapi(struct http_request *req, struct http_response *res)
{
  return http_raw(res, 200, JSON_TYPE, openapi_json, openapi_json_len);
}
