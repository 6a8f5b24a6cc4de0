/*
 * open311.h - Open311 GeoReport v2 (../shared/design/OPEN311.md) at /open311/v2/ (every office,
 * jurisdiction_id = the office's slug) and /o/{office}/open311/v2/ (one office), and the
 * writer both it and the JSON API use.
 */
#ifndef BIANMIN_WEB_OPEN311_OPEN311_H
#define BIANMIN_WEB_OPEN311_OPEN311_H

#include <jansson.h>
#include <stdbool.h>

#include "domain/directory.h"
#include "domain/open311.h"
#include "http/http.h"

struct store;

/* The route handlers: GET and POST under the shared base and under an office's base. Each
 * takes the rest of the path ({path...}) and answers in the format of its suffix. */
int open311_get(struct http_request *req, struct http_response *res);
int open311_post(struct http_request *req, struct http_response *res);
/* The routes' error format (http_error_fn): what the HTTP layer refuses on an Open311 path
 * (400 malformed query or body, 405, 413, 429, 500) as Open311's error list in the format of
 * the path's suffix, with the HTTP status kept as status and code. */
int open311_http_error(struct http_request *req, struct http_response *res, int status,
                       const char *message_key);

/* ---- inside web/open311 ---------------------------------------------------------------- */

enum o311_format { O311_XML, O311_JSON };

/* What a request is about, once the path and the jurisdiction are read. */
struct o311_ctx {
  struct http_request *req;
  struct http_response *res;
  struct store *store;
  enum o311_format format;
  const char *base;                /* "/open311/v2/" or "/o/xinxing/open311/v2/" */
  const char *scoped;              /* the office slug of a per-office base, else NULL */
  const struct dir_office *office; /* the jurisdiction, from the directory (NULL for discovery) */
  int64_t office_id;
};

/* Answers doc in the context's format: JSON as it is (Spark mapping), XML with root (the
 * list's element, or the object's) and every array's items named by the array's name
 * (services -> service, attributes -> attribute, ...). Takes ownership of doc. */
int o311_send(struct o311_ctx *ctx, int status, const char *root, json_t *doc);
/* The error list [{code, description}] with status 400, 403, 404 (or 405/413/415/429/500);
 * description is the translation of key in the request's language, prefixed with attribute when
 * given. */
int o311_error(struct o311_ctx *ctx, int status, const char *key, const char *attribute);
/* A parameter from the query string or the POST body; NULL when absent or empty. */
const char *o311_param(struct http_request *req, const char *name);
/* "2026-11-20T09:15:00+08:00" as a new JSON string; JSON null for t <= 0. */
json_t *o311_time(int64_t t);

/* The resources (services.c, requests.c). */
int o311_discovery(struct o311_ctx *ctx);
int o311_services(struct o311_ctx *ctx);
int o311_service_definition(struct o311_ctx *ctx, const char *code);
int o311_requests(struct o311_ctx *ctx);
int o311_request(struct o311_ctx *ctx, const char *id);
int o311_token(struct o311_ctx *ctx, const char *token);
int o311_create(struct o311_ctx *ctx);

/* Shared with the JSON API (web/api): a service's Open311 attributes in the request's
 * language (new reference), and creating a case for an API client. ST_OK fills *out (new
 * reference: service_request_id, service_notice, case_number, check_code, progress_url,
 * expected_datetime); ST_INVALID / ST_NOTFOUND fill why; other codes are failures. */
json_t *o311_attributes(struct http_request *req, json_t *questions);
int o311_submit(struct http_request *req, struct store *store, const struct open311_submission *in,
                json_t **out, struct open311_refusal *why);
/* The text of a refusal in the request's language ("copies required", "copies：必填"). */
const char *o311_refusal_text(struct http_request *req, const struct open311_refusal *why);

#endif
