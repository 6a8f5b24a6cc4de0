/*
 * open311.c - creating cases for API clients and the small rules Open311 needs (open311.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/civil.h"
#include "base/str.h"
#include "base/text.h"
#include "domain/form.h"
#include "domain/open311.h"
#include "domain/workflow.h"
#include "store/store.h"

#include "base/common.h"

/* The final step status names in wf, or (wf NULL: the case's workflow is unknown) in the first
 * shipped workflow that has a step of that code; NULL when the step is open or unknown. */
static const struct workflow_step *final_step(const struct workflow *wf, const char *status)
{
  const struct workflow_step *step = NULL;
  size_t count = 0;
  const struct workflow *const *shipped = wf ? NULL : workflow_shipped(&count);
  if (status && wf)
    step = workflow_step(wf, status);
  for (size_t i = 0; status && !step && i < count; i++)
    step = workflow_step(shipped[i], status);
  return step && step->kind == STEP_FINAL ? step : NULL;
}

bool open311_closed(const struct workflow *wf, const char *status)
{
  return final_step(wf, status) != NULL;
}

const char *open311_outcome(const struct workflow *wf, const char *status)
{
  const struct workflow_step *step = final_step(wf, status);
  if (!step)
    return NULL;
  if (!strcmp(status, "rejected") || !strcmp(status, "withdrawn"))
    return status;
  return step->completed ? "completed" : NULL;
}

void open311_datetime(int64_t t, char out[OPEN311_DATETIME_SIZE])
{
  civil_taipei_iso_datetime((time_t)t, out);
}

static bool digits(const char **s, int width, int *out)
{
  int v = 0;
  for (int i = 0; i < width; i++) {
    char c = (*s)[i];
    if (c < '0' || c > '9')
      return false;
    v = v * 10 + (c - '0');
  }
  *s += width;
  *out = v;
  return true;
}

static bool expect(const char **s, char c)
{
  if (**s != c)
    return false;
  (*s)++;
  return true;
}

static bool parse_date(const char **s, struct civil_date *date)
{
  if (!digits(s, 4, &date->year) || !expect(s, '-') || !digits(s, 2, &date->month) ||
      !expect(s, '-') || !digits(s, 2, &date->day))
    return false;
  return date->year >= 1900 && civil_valid(*date);
}

static bool parse_time(const char **s, struct civil_time *w)
{
  int h, mi, sec = 0;
  if (!digits(s, 2, &h) || !expect(s, ':') || !digits(s, 2, &mi))
    return false;
  if (**s == ':') {
    (*s)++;
    if (!digits(s, 2, &sec))
      return false;
    if (**s == '.') {
      (*s)++;
      if (**s < '0' || **s > '9')
        return false;
      while (**s >= '0' && **s <= '9')
        (*s)++;
    }
  }
  if (h > 23 || mi > 59 || sec > 60)
    return false;
  w->hour = h;
  w->minute = mi;
  w->second = sec > 59 ? 59 : sec;
  return true;
}

/* "Z", "+HH:MM", "-HH:MM", "+HHMM" or nothing (Taipei): the offset east of UTC in seconds. A
 * space stands for "+": a query string typed or pasted as "...T00:00:00+08:00" without
 * encoding the "+" (as a browser's address bar sends it) arrives decoded as a space. */
static bool parse_zone(const char *s, long *offset)
{
  int h, m;
  if (!*s) {
    *offset = CIVIL_TAIPEI_UTC_OFFSET;
    return true;
  }
  if (!strcmp(s, "Z")) {
    *offset = 0;
    return true;
  }
  if (*s != '+' && *s != '-' && *s != ' ')
    return false;
  long sign = *s == '-' ? -1 : 1;
  s++;
  if (!digits(&s, 2, &h))
    return false;
  if (*s == ':')
    s++;
  if (!digits(&s, 2, &m) || *s || h > 14 || m > 59)
    return false;
  *offset = sign * (h * 3600L + m * 60L);
  return true;
}

bool open311_parse_datetime(const char *s, int64_t *t)
{
  struct civil_time w = {{0, 0, 0}, 0, 0, 0};
  long offset = CIVIL_TAIPEI_UTC_OFFSET;
  if (!s || !parse_date(&s, &w.date))
    return false;
  if (*s == 'T' || *s == 't' || *s == ' ') {
    s++;
    if (!parse_time(&s, &w) || !parse_zone(s, &offset))
      return false;
  } else if (*s) {
    return false;
  }
  *t = (int64_t)civil_unix(w, offset);
  return true;
}

bool open311_has_html(const char *text)
{
  for (const char *p = text ? strchr(text, '<') : NULL; p; p = strchr(p + 1, '<')) {
    char c = p[1];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '/' || c == '!' || c == '?')
      return true;
  }
  return false;
}

/* ---- creating a case ---------------------------------------------------------------------- */

static int refuse(struct open311_refusal *why, int status, const char *key, const char *attribute)
{
  why->status = status;
  why->key = key;
  snprintf(why->attribute, sizeof(why->attribute), "%s", attribute ? attribute : "");
  return status == 404 ? ST_NOTFOUND : ST_INVALID;
}

/* The Open311 field an intake refusal is about (its key names it), so the error names it too. */
static const char *field_of(const char *reason)
{
  if (reason && strstr(reason, "email"))
    return "email";
  if (reason && strstr(reason, "phone"))
    return "phone";
  return NULL;
}

static const char *nz(const char *s)
{
  return s ? s : "";
}

static bool line_ok(const char *s, size_t max_chars)
{
  return !*s || (str_valid_text(str_from(s), false) && text_length(s) <= max_chars);
}

/* Decimal degrees within limit: digits, sign, point and exponent only (strtod alone would
 * also take "0x10", "infinity" and leading spaces, and the text is kept as sent). */
static bool coordinate(const char *s, double limit)
{
  char *end = NULL;
  if (!*s || strlen(s) > 32 || strspn(s, "0123456789+-.eE") != strlen(s))
    return false;
  double v = strtod(s, &end);
  return end && !*end && v >= -limit && v <= limit;
}

static bool url_ok(const char *s)
{
  if (!*s)
    return true;
  return strlen(s) <= OPEN311_URL_MAX && str_valid_text(str_from(s), false) &&
         (!strncmp(s, "https://", 8) || !strncmp(s, "http://", 7)) && !strpbrk(s, " <>\"");
}

/* Everything but the attributes and the service. */
static int check_fields(const struct open311_submission *in, struct open311_refusal *why)
{
  const char *d = nz(in->description);
  if (*d && (!str_valid_text(str_from(d), true) || text_length(d) > OPEN311_DESCRIPTION_MAX ||
             open311_has_html(d)))
    return refuse(why, 400, "open311_err_description", NULL);
  if (!line_ok(nz(in->first_name), OPEN311_NAME_MAX) ||
      !line_ok(nz(in->last_name), OPEN311_NAME_MAX))
    return refuse(why, 400, "open311_err_name", NULL);
  if (!line_ok(nz(in->address), OPEN311_ADDRESS_MAX))
    return refuse(why, 400, "open311_err_address", NULL);
  bool lat = *nz(in->lat), lng = *nz(in->lng);
  if (lat != lng || (lat && (!coordinate(in->lat, 90) || !coordinate(in->lng, 180))))
    return refuse(why, 400, "open311_err_location", NULL);
  if (!url_ok(nz(in->media_url)))
    return refuse(why, 400, "open311_err_media_url", NULL);
  return ST_OK;
}

/* "陳" + "美玲" for Chinese names, "Mei-ling Chen" for Latin ones. */
static char *full_name(const struct open311_submission *in)
{
  const char *first = nz(in->first_name), *last = nz(in->last_name);
  bool latin = true;
  for (const char *p = first; *p; p++)
    latin = latin && (unsigned char)*p < 0x80;
  for (const char *p = last; *p; p++)
    latin = latin && (unsigned char)*p < 0x80;
  size_t n = strlen(first) + strlen(last) + 2;
  char *name = malloc(n);
  if (!name)
    return NULL;
  if (latin)
    snprintf(name, n, "%s%s%s", first, *first && *last ? " " : "", last);
  else
    snprintf(name, n, "%s%s", last, first);
  return name;
}

/* The service of the office by slug, published and online-capable, with its questions. */
static int find_service(const struct case_env *env, const struct open311_submission *in,
                        json_t **service, struct open311_refusal *why)
{
  if (!*nz(in->service_code))
    return refuse(why, 400, "open311_err_service_code", NULL);
  int rc = store_service_get(env->store, in->office_id, 0, in->service_code, service);
  if (rc == ST_NOTFOUND)
    return refuse(why, 404, "open311_err_service_unknown", NULL);
  if (rc)
    return rc;
  json_t *pub = json_object_get(*service, "published");
  json_t *online = json_object_get(*service, "online_capable");
  if (!(json_is_true(pub) || json_integer_value(pub)) ||
      !(json_is_true(online) || json_integer_value(online))) {
    json_decref(*service);
    *service = NULL;
    return refuse(why, 404, "open311_err_service_unknown", NULL);
  }
  return ST_OK;
}

static int record(const struct case_env *env, const struct open311_submission *in, json_t *answers,
                  const struct intake_result *out)
{
  char *text = json_dumps(answers, JSON_COMPACT);
  json_t *row = text ? json_pack("{s:I, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "case_id",
                                 (json_int_t)out->case_id, "office_id", (json_int_t)in->office_id,
                                 "api_key_id", (json_int_t)in->api_key_id, "description",
                                 nz(in->description), "answers", text, "address", nz(in->address),
                                 "lat", nz(in->lat), "lng", nz(in->lng), "media_url",
                                 nz(in->media_url), "requested_at", (json_int_t)env->now)
                     : NULL;
  int rc = row ? store_api_request_insert(env->store, row) : ST_NOMEM;
  json_decref(row);
  free(text);
  return rc;
}

static int create(const struct case_env *env, const struct open311_submission *in, json_t *service,
                  json_t *answers, struct intake_result *out, struct open311_refusal *why)
{
  const char *reason = NULL;
  char *name = full_name(in);
  if (!name)
    return ST_NOMEM;
  struct online_submission sub = {
      .office_id = in->office_id,
      .service_id = json_integer_value(json_object_get(service, "id")),
      .applicant_name = name,
      .email = nz(in->email),
      .phone = nz(in->phone),
      .lang = in->lang && !strcmp(in->lang, "en") ? "en" : "zh-TW",
      .channel = "api",
      .answers = answers,
      .description = nz(in->description),
  };
  /* The case and what the client sent are one transaction: no case without its API record. */
  int rc = store_begin(env->store);
  if (!rc)
    rc = case_submit_online_in_tx(env, &sub, out, &reason);
  if (!rc)
    rc = record(env, in, answers, out);
  free(name);
  if (rc) {
    store_rollback(env->store);
    return rc == ST_INVALID
               ? refuse(why, 400, reason ? reason : "open311_err_general", field_of(reason))
               : rc;
  }
  return store_commit(env->store);
}

int open311_submit(const struct case_env *env, const struct open311_submission *in,
                   struct intake_result *out, int64_t *due_at, struct open311_refusal *why)
{
  json_t *service = NULL, *answers = NULL, *c = NULL;
  struct form_error fe = {0};
  const char *bad = NULL;
  memset(why, 0, sizeof(*why));
  *due_at = 0;
  int rc = find_service(env, in, &service, why);
  if (!rc)
    rc = check_fields(in, why);
  if (!rc) {
    json_t *empty = in->attributes ? NULL : json_object();
    if (!form_answers(json_object_get(service, "questions"),
                      in->attributes ? in->attributes : empty, &answers, &bad, &fe))
      rc = refuse(why, 400, fe.key, bad);
    json_decref(empty);
  }
  if (!rc)
    rc = create(env, in, service, answers, out, why);
  if (!rc && store_case_get(env->store, in->office_id, out->case_id, &c) == ST_OK)
    *due_at = json_integer_value(json_object_get(c, "due_at"));
  json_decref(c);
  json_decref(answers);
  json_decref(service);
  return rc;
}
