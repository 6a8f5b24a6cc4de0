/*
 * app.h - the web layer's shared context: the application settings handlers need and the
 * per-thread database connection.
 */
#ifndef BIANMIN_WEB_APP_H
#define BIANMIN_WEB_APP_H

#include <stddef.h>

#include "http/http.h"

struct store; /* an opaque handle passed to domain calls (domain/connection.h) */

struct web_app {
  const char *db_url;
  const char *read_db_url; /* [database] read_db: a read replica for public lookups, "" = none */
};

/* The calling thread's connection to the application's database, opened on first use and
 * closed when the thread ends. */
int web_store(struct http_request *req, struct store **out);
/* web_store for a domain call that may need the primary while reading elsewhere (req is the
 * struct http_request; domain/case_read.h case_writer_fn). */
int web_primary(void *req, struct store **out);
/* A read-only page: runs fn on the thread's connection to read_db when one is configured, and
 * again on the primary (web_store) when that cannot connect or fails with a database error (a
 * replica that is down, or read-only during a failover). fn must not write, and must not have
 * answered when it fails. Without read_db, fn runs on the primary. */
typedef int (*web_read_fn)(struct http_request *req, struct http_response *res,
                           struct store *store);
int web_read(struct http_request *req, struct http_response *res, web_read_fn fn);
/* For /readyz: ST_OK when this thread's connection answers. */
int web_ready(void *app);
/* http_app.session_load: the staff session behind a cookie token. */
/* http_app.forbidden: a 403 on a staff route goes to the audit trail (accounts_refusal_record). */
void web_forbidden(void *app, struct http_request *req);
int web_session_load(void *app, struct http_request *req, const char *token,
                     struct http_session *out);

/* The audit actor of a request: the signed-in person (if any), their office and address. */
struct audit_actor;
void web_actor(const struct http_request *req, struct audit_actor *actor);

/* Adds {"field", "message"} to view's "errors" array (created when missing). */
int web_form_error(struct http_request *req, json_t *view, const char *field, const char *key);
/* The same with a message already in the page's language. */
int web_form_error_text(json_t *view, const char *field, const char *message);
/* The same on a page built as a view (render/view.h): "errors", "field_errors" and
 * "has_errors" as web_form_error writes them. Call it once per page, after the page's own
 * members (the JSON answer keeps web_form_error's order). */
void web_form_error_tview(struct http_request *req, struct view_builder *b, struct view_map *page,
                          const char *field, const char *key);
/* The same for n refused fields at once (domain/refusal.h: each field with the translation key
 * of its message), in the order given: the error summary lists them all, each field shows its
 * first. */
struct form_refusal;
void web_form_errors_tview(struct http_request *req, struct view_builder *b, struct view_map *page,
                           const struct form_refusal *refused, size_t n);
/* A same-site path to return to after signing in: next if it is a staff path, else /staff/. */
const char *web_safe_next(const char *next);
/* The base of absolute links (QR codes, receipts, payment return URLs, Open311 discovery):
 * [notify] public_url when set, never the request's Host header then. Without it (allowed only
 * on a loopback listener: main refuses to start otherwise), this request's "scheme://host[:port]"
 * when Host is a plain host name or address (at most 255 bytes), else the loopback address. */
const char *web_origin(struct http_request *req);
/* Who did it, in the page's language: the stored actor names of citizens ("online application
 * (w***@x.tw)", "api (...)") get their translated label; staff names are shown as stored. */
const char *web_actor_label(struct http_request *req, const char *actor);
/* Unix time t as a date and time in words in the request's language (Asia/Taipei), "" for
 * t <= 0. In the request's arena. */
const char *web_datetime(struct http_request *req, int64_t t);
/* A month in the request's language: zh-TW "115年12月", en "Dec 2026" (what pages show; files
 * and open data keep "2026-12"). web_month reads "YYYY-MM" (or the first seven bytes of an ISO
 * date) and gives the text back unchanged when it is not one. In the request's arena. */
const char *web_month(struct http_request *req, const char *iso);
const char *web_month_of(struct http_request *req, int year, int month);
/* An ISO date "2026-03-02" as the request's language writes one ("115年3月2日", "2 Mar 2026");
 * the text unchanged when it is not a date, "" for NULL. In the request's arena. */
const char *web_date(struct http_request *req, const char *iso);
/* The same as a view text formatted in place in the arena (marked VIEW_HTML_PLAIN: a date has
 * nothing to escape); memo, when given, keeps the last day's date text between calls, as a
 * page's instants fall a few to a day (render/format.h). */
struct format_day;
struct view web_datetime_view(struct http_request *req, int64_t t, bool english,
                              struct format_day *memo);

/* The route table (web/routes.c). */
const struct http_route *web_routes(size_t *count);

/* Picks the language's variant of a bilingual field: field_en for English when not empty,
 * field_zh otherwise. Returns "" when neither exists. */
const char *web_field(json_t *record, const char *field, const char *lang);

/* The string field of a record, or "" when absent or not a string. */
const char *web_str(json_t *record, const char *field);
/* The integer field of a record (0 when missing or not an integer). */
int64_t web_int(json_t *record, const char *field);

#endif
