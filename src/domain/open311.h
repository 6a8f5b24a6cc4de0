/*
 * open311.h - what Open311 GeoReport v2 and the JSON API need from the domain, apart from the
 * formats (those are the web layer's): creating a case from an API client's request, the
 * collapse of our statuses to open/closed, and W3C datetimes in Taiwan's offset.
 */
#ifndef BIANMIN_DOMAIN_OPEN311_H
#define BIANMIN_DOMAIN_OPEN311_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/civil.h"
#include "domain/cases.h"

enum {
  OPEN311_DESCRIPTION_MAX = 4000,                 /* characters (GeoReport v2) */
  OPEN311_ADDRESS_MAX = 200,                      /* characters */
  OPEN311_NAME_MAX = 50,                          /* characters of first_name, of last_name */
  OPEN311_URL_MAX = 2000,                         /* bytes of media_url */
  OPEN311_DATETIME_SIZE = CIVIL_ISO_DATETIME_SIZE /* "2026-11-20T09:15:00+08:00" + NUL */
};

/* A request to create a case (POST requests, POST /api/v1/.../requests). Strings may be NULL
 * or "" (absent). attributes is {code: string | [string, ...]} (borrowed, may be NULL). */
struct open311_submission {
  int64_t office_id;
  const char *service_code; /* the service's slug */
  json_t *attributes;
  const char *description;
  const char *email, *phone, *first_name, *last_name;
  const char *lang; /* the applicant's language: "zh-TW" or "en" */
  const char *address, *lat, *lng, *media_url;
  int64_t api_key_id;
};

/* Why a request was refused: the HTTP status (400 or 404), a translation key, and the
 * attribute code when one answer was refused (key is then a form_err_* key). */
struct open311_refusal {
  int status;
  const char *key;
  char attribute[128]; /* "" when the refusal is not about one answer */
};

/* Checks the request (service, attributes with form_answers, description at most 4000
 * characters without HTML, contact, location) and creates the case through
 * cases_submit_online (channel "api"), then records what the client sent. ST_OK fills out and
 * *due_at (0 when unknown); ST_INVALID / ST_NOTFOUND fill why; other codes are failures. */
int open311_submit(const struct case_env *env, const struct open311_submission *in,
                   struct intake_result *out, int64_t *due_at, struct open311_refusal *why);

struct workflow;
/* Whether status is a final step of wf, the workflow version the case runs (domain/workflow.h):
 * what Open311 calls closed, so a final step an office adds to its workflow counts. With wf
 * NULL (unknown) the step is looked up in the shipped workflows. */
bool open311_closed(const struct workflow *wf, const char *status);
/* The outcome of a final step: "rejected" and "withdrawn" for those steps, "completed" for one
 * that counts as completed work (closed, archived, an office's own); NULL when open or for a
 * final step that is none of these. */
const char *open311_outcome(const struct workflow *wf, const char *status);

/* t as "2026-11-20T09:15:00+08:00" (Asia/Taipei: no daylight saving). */
void open311_datetime(int64_t t, char out[OPEN311_DATETIME_SIZE]);
/* Parses a W3C datetime: "YYYY-MM-DD" (midnight in Taipei), or with "THH:MM[:SS[.frac]]" and
 * "Z" or "+HH:MM" / "-HH:MM" / "+HHMM" (no zone: Taipei). False when it is none of these. */
bool open311_parse_datetime(const char *s, int64_t *t);

/* Whether text holds HTML markup: "<" followed by a letter, "/", "!" or "?". */
bool open311_has_html(const char *text);

#endif
