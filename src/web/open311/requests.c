/*
 * requests.c - Open311 service requests: POST requests (an api key creates a case), GET
 * requests (filters, the 90-day window, at most 1000, page/page_size, extensions=true), GET
 * requests/{id} and GET tokens/{token}.
 *
 * Only cases created through the API are service requests here; counter and online-journey
 * cases stay behind their number and check code. Answers never carry personal data nor the
 * applicant's free text: the description, answers, address, location and media_url of an
 * application to a government office may name people, so GET shows the service, the state
 * (open/closed, the step in words in status_notes) and the dates only.
 */
#include <string.h>

#include "base/civil.h"
#include "base/clock.h"
#include "base/str.h"
#include "domain/apikeys.h"
#include "domain/directory.h"
#include "domain/open311_read.h"
#include "render/format.h"
#include "render/i18n.h"
#include "web/app.h"
#include "web/cases/case_view.h"
#include "web/open311/open311.h"

#include "base/common.h"

enum {
  WINDOW_SECONDS = 90 * 86400,
  REQUESTS_MAX = 1000, /* "90 days or the first 1000 requests" */
  PAGE_MAX = 100000
};

/* ---- the record ---------------------------------------------------------------------------- */

static const char *status_notes(struct http_request *req, const struct open311_request *r)
{
  const char *label = case_status_name(req, r->status_zh, r->status_en, r->status);
  const char *outcome = r->outcome;
  if (!outcome)
    return label;
  return arena_printf(req->arena, "%s%s%s", label, strcmp(req->lang, "en") ? "：" : ": ",
                      http_t(req, arena_printf(req->arena, "open311_outcome_%s", outcome)));
}

/* The public timeline as notes: when and what, in words; never the notes' free text. */
static json_t *notes(struct o311_ctx *ctx, const struct open311_request *r)
{
  json_t *list = json_array();
  for (size_t i = 0; list && i < r->note_count; i++) {
    const struct open311_note *n = &r->notes[i];
    const char *key = n->status ? arena_printf(ctx->req->arena, "status_%s", n->to_status)
                                : arena_printf(ctx->req->arena, "event_%s", n->kind);
    json_array_append_new(list, json_pack("{s:o, s:s, s:s}", "datetime", o311_time(n->at),
                                          "description", http_t(ctx->req, key), "type",
                                          n->status ? "status" : "update"));
  }
  return list;
}

static json_t *record(struct o311_ctx *ctx, const struct open311_request *row, bool extensions)
{
  struct http_request *req = ctx->req;
  bool closed = row->closed;
  int64_t updated = closed ? row->closed_at : row->updated_at;
  json_t *r = json_pack(
      "{s:s, s:s, s:s, s:s, s:s, s:n, s:s, s:n, s:o, s:o, s:o, s:n, s:n, s:n, s:n, s:n, s:n}",
      "service_request_id", row->case_key, "status", closed ? "closed" : "open", "status_notes",
      status_notes(req, row), "service_name",
      directory_pick(row->service_name_zh, row->service_name_en, req->lang), "service_code",
      row->service_code, "description", "agency_responsible",
      directory_pick(ctx->office->name_zh, ctx->office->name_en, req->lang), "service_notice",
      "requested_datetime", o311_time(row->requested_at), "updated_datetime",
      o311_time(updated ? updated : row->received_at), "expected_datetime",
      o311_time(closed ? 0 : row->due_at), "address", "address_id", "zipcode", "lat", "long",
      "media_url");
  if (r && extensions) {
    json_object_set_new(r, "extended_attributes",
                        json_pack("{s:s, s:s}", "channel", "api", "step", row->status));
    json_object_set_new(r, "notes", notes(ctx, row));
  }
  return r;
}

/* ---- GET requests ------------------------------------------------------------------------ */

static int send_list(struct o311_ctx *ctx, const struct open311_request_query *q)
{
  struct open311_request *rows = NULL;
  size_t count = 0;
  int rc = open311_requests_read(ctx->store, ctx->req->arena, q, &rows, &count);
  if (rc == ST_NOTFOUND)
    return o311_error(ctx, 404, "open311_err_service_unknown", NULL);
  if (rc)
    return rc;
  json_t *list = json_array();
  for (size_t i = 0; list && i < count; i++)
    json_array_append_new(list, record(ctx, &rows[i], q->notes));
  return o311_send(ctx, 200, "service_requests", list);
}

/* "open", "closed", "open,closed" -> "open" / "closed" / "" (both); false when invalid. */
static bool read_status(const char *text, const char **out)
{
  bool open = false, closed = false;
  const char *p = text;
  while (p && *p) {
    size_t n = strcspn(p, ",");
    struct str item = str_trim((struct str){p, n}); /* "open, closed" as clients write it */
    if (str_eq_cstr(item, "open"))
      open = true;
    else if (str_eq_cstr(item, "closed"))
      closed = true;
    else if (item.len)
      return false;
    p += n + (p[n] == ',');
  }
  *out = open == closed ? "" : open ? "open" : "closed";
  return true;
}

/* start_date / end_date: the window of requested_datetime, at most 90 days, by default the
 * last 90 days. */
static const char *read_window(struct http_request *req, int64_t *from, int64_t *to)
{
  const char *start = o311_param(req, "start_date"), *end = o311_param(req, "end_date");
  if ((start && !open311_parse_datetime(start, from)) || (end && !open311_parse_datetime(end, to)))
    return "open311_err_date";
  if (!end)
    *to = start ? *from + WINDOW_SECONDS : (int64_t)clock_now();
  if (!start)
    *from = *to - WINDOW_SECONDS;
  if (*to < *from)
    return "open311_err_date";
  if (*to - *from > WINDOW_SECONDS)
    return "open311_err_date_span";
  return NULL;
}

static bool read_int(const char *text, int64_t min, int64_t max, int64_t *out)
{
  return !text || str_to_int64(str_from(text), min, max, out) == ST_OK;
}

/* page and page_size (the common extension): without them, the first 1000. */
static const char *read_page(struct http_request *req, int64_t *limit, int64_t *offset)
{
  int64_t page = 1, size = REQUESTS_MAX;
  if (!read_int(o311_param(req, "page"), 1, PAGE_MAX, &page) ||
      !read_int(o311_param(req, "page_size"), 1, REQUESTS_MAX, &size))
    return "open311_err_page";
  *limit = size;
  *offset = (page - 1) * size;
  return NULL;
}

static bool read_extensions(struct http_request *req, bool *on)
{
  const char *v = o311_param(req, "extensions");
  *on = v && !strcmp(v, "true");
  return !v || *on || !strcmp(v, "false");
}

int o311_requests(struct o311_ctx *ctx)
{
  struct http_request *req = ctx->req;
  struct open311_request_query q = {.office_id = ctx->office_id};
  const char *bad = NULL;
  q.ids = o311_param(req, "service_request_id");
  q.service_codes = o311_param(req, "service_code");
  if (!read_extensions(req, &q.notes))
    return o311_error(ctx, 400, "open311_err_extensions", NULL);
  if (q.ids)
    return send_list(ctx, &q);
  if (!read_status(o311_param(req, "status"), &q.status))
    bad = "open311_err_status";
  if (!bad)
    bad = read_window(req, &q.from, &q.to);
  if (!bad)
    bad = read_page(req, &q.limit, &q.offset);
  if (bad)
    return o311_error(ctx, 400, bad, NULL);
  return send_list(ctx, &q);
}

int o311_request(struct o311_ctx *ctx, const char *id)
{
  struct open311_request row;
  bool extensions = false;
  read_extensions(ctx->req, &extensions);
  int rc = open311_request_read(ctx->store, ctx->req->arena, ctx->office_id, id, extensions, &row);
  if (rc == ST_NOTFOUND)
    return o311_error(ctx, 404, "open311_err_request_unknown", NULL);
  if (rc)
    return rc;
  return o311_send(ctx, 200, "service_requests", json_pack("[o]", record(ctx, &row, extensions)));
}

/* Every service is realtime: POST answers the id at once and no token is ever issued. A
 * client that polls tokens anyway with the id it got is answered with that id; anything else
 * is not found. */
int o311_token(struct o311_ctx *ctx, const char *token)
{
  struct open311_request row;
  int rc = open311_request_read(ctx->store, ctx->req->arena, ctx->office_id, token, false, &row);
  if (rc == ST_NOTFOUND)
    return o311_error(ctx, 404, "open311_err_token_unknown", NULL);
  if (rc)
    return rc;
  return o311_send(ctx, 200, "service_requests",
                   json_pack("[{s:s, s:s}]", "service_request_id", row.case_key, "token", token));
}

/* ---- POST requests ----------------------------------------------------------------------- */

/* The deadline's date as the request's language writes it (116年1月21日, 21 Jan 2027). */
static const char *expected_text(struct http_request *req, int64_t due_at)
{
  char date[32];
  struct civil_date d = civil_taipei((time_t)due_at).date;
  if (due_at <= 0 || format_date(d.year, d.month, d.day, req->lang, date, sizeof(date)))
    return "";
  return arena_strdup(req->arena, date);
}

int o311_submit(struct http_request *req, struct store *store, const struct open311_submission *in,
                json_t **out, struct open311_refusal *why)
{
  struct intake_result made;
  int64_t due_at = 0;
  struct case_env env = {store, clock_now()};
  int rc = open311_submit(&env, in, &made, &due_at, why);
  if (rc)
    return rc;
  const char *date = expected_text(req, due_at);
  const char *notice =
      arena_printf(req->arena, "%s %s%s%s%s%s", http_t(req, "open311_notice_number"), made.case_key,
                   *date ? http_t(req, "open311_notice_expected") : "", date,
                   http_t(req, "open311_notice_check"), made.check_code);
  *out = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "service_request_id", made.case_key,
                   "service_notice", notice, "case_number", made.case_key, "check_code",
                   made.check_code, "progress_url", arena_printf(req->arena, "/p/%s", made.token),
                   "expected_datetime", o311_time(due_at));
  return *out ? ST_OK : ST_NOMEM;
}

/* One attribute parameter into out; false (with *why a refusal key, *bad its code) for
 * attribute[CODE] given twice, or a name that is neither attribute[CODE] nor attribute[CODE][]. */
static bool attribute_one(struct http_request *req, const char *name, const char *value,
                          json_t *out, const char **why, const char **bad)
{
  const char *close = strchr(name + 10, ']');
  if (!close || close == name + 10)
    return true; /* "attribute[]": no code, not an attribute parameter */
  char *code = arena_strndup(req->arena, name + 10, (size_t)(close - name - 10));
  bool multi = !strcmp(close, "][]");
  json_t *have = json_object_get(out, code);
  *bad = code ? code : "";
  if (!multi) { /* attribute[CODE][0] or attribute[CODE]x; one answer given twice */
    *why = close[1] ? "open311_form_err_unknown" : have ? "open311_err_attribute_twice" : NULL;
    return *why ? false : json_object_set_new(out, code, json_string(value)) == 0;
  }
  if (!*value && !have)
    json_object_set_new(out, code, json_string(value));
  else if (json_is_array(have) && *value)
    json_array_append_new(have, json_string(value));
  else if (*value)
    json_object_set_new(out, code, json_pack("[s]", value));
  return true;
}

/* attribute[CODE]=v and attribute[CODE][]=v1&attribute[CODE][]=v2 from the body and the query
 * string, as {code: "v"} and {code: ["v1", "v2"]}; NULL (with *why and *bad) when refused. */
static json_t *attributes(struct http_request *req, const char **why, const char **bad)
{
  json_t *out = json_object();
  const struct http_param *sets[] = {req->form, req->query};
  const size_t counts[] = {req->form_count, req->query_count};
  for (size_t s = 0; s < 2 && out; s++)
    for (size_t i = 0; out && i < counts[s]; i++) {
      const char *name = sets[s][i].name.ptr;
      if (!strncmp(name, "attribute[", 10) &&
          !attribute_one(req, name, sets[s][i].value.ptr, out, why, bad)) {
        json_decref(out);
        out = NULL;
      }
    }
  return out;
}

static int key_refused(struct o311_ctx *ctx)
{
  return o311_error(ctx, 403,
                    o311_param(ctx->req, "api_key") ? "open311_err_api_key"
                                                    : "open311_err_api_key_missing",
                    NULL);
}

int o311_create(struct o311_ctx *ctx)
{
  struct http_request *req = ctx->req;
  json_t *made = NULL;
  int64_t key_id = 0;
  int rc =
      apikey_check(ctx->store, o311_param(req, "api_key"), ctx->office_id, clock_now(), &key_id);
  if (rc == ST_FORBIDDEN)
    return key_refused(ctx);
  if (rc)
    return rc;
  /* lang may come in the form body like every other parameter: answers and notices follow it */
  const char *lang = o311_param(req, "lang");
  if (lang && (lang = i18n_normalize(lang, strlen(lang))) != NULL)
    req->lang = lang;
  const char *why_attr = NULL, *bad_attr = "";
  json_t *attrs = attributes(req, &why_attr, &bad_attr);
  if (!attrs)
    return why_attr ? o311_error(ctx, 400, why_attr, bad_attr) : ST_NOMEM;
  struct open311_submission in = {
      .office_id = ctx->office_id,
      .service_code = o311_param(req, "service_code"),
      .attributes = attrs,
      .description = o311_param(req, "description"),
      .email = o311_param(req, "email"),
      .phone = o311_param(req, "phone"),
      .first_name = o311_param(req, "first_name"),
      .last_name = o311_param(req, "last_name"),
      .lang = req->lang,
      .address = o311_param(req, "address_string"),
      .lat = o311_param(req, "lat"),
      .lng = o311_param(req, "long"),
      .media_url = o311_param(req, "media_url"),
      .api_key_id = key_id,
  };
  struct open311_refusal why;
  rc = o311_submit(req, ctx->store, &in, &made, &why);
  json_decref(attrs);
  if (rc == ST_INVALID || rc == ST_NOTFOUND)
    return o311_error(ctx, why.status, why.key, why.attribute);
  if (rc)
    return rc;
  json_t *doc =
      json_pack("[{s:O, s:O}]", "service_request_id", json_object_get(made, "service_request_id"),
                "service_notice", json_object_get(made, "service_notice"));
  json_decref(made);
  return o311_send(ctx, 200, "service_requests", doc);
}
