/*
 * catalog.h - the public catalogue pages: services, form downloads, FAQ, announcements and their
 * QR codes, plus the view helpers they share (catalog_view.c).
 */
#ifndef BIANMIN_WEB_PUBLIC_CATALOG_H
#define BIANMIN_WEB_PUBLIC_CATALOG_H

#include <jansson.h>
#include <stdint.h>

#include "http/http.h"

struct store;

/* catalog.c */
int catalog_services(struct http_request *req, struct http_response *res);
int catalog_service(struct http_request *req, struct http_response *res);
int catalog_service_qr(struct http_request *req, struct http_response *res);
int catalog_file(struct http_request *req, struct http_response *res);

/* faq.c */
int faq_index(struct http_request *req, struct http_response *res);
int faq_entry(struct http_request *req, struct http_response *res);
int faq_vote(struct http_request *req, struct http_response *res);
/* The office's most viewed questions as links (new reference, an array of {question, href}). */
json_t *faq_top_view(struct http_request *req, struct store *store, int64_t office_id,
                     const char *slug);

/* news.c */
int news_current(struct http_request *req, struct http_response *res);
int news_archive(struct http_request *req, struct http_response *res);
int news_entry(struct http_request *req, struct http_response *res);
int news_qr(struct http_request *req, struct http_response *res);

/* catalog_view.c: shared by the pages above and the office search. */

/* An office page's context: the store, the directory's office, its localised view and slug. */
struct dir_office;
struct office_ctx {
  struct store *store;
  const struct dir_office *office; /* the directory's, held until the request's arena is freed */
  json_t *view;                    /* its localised public view (office_dir_view) */
  int64_t id;
  const char *slug;
};
/* Loads the {office} capture's office; ST_NOTFOUND when there is none. */
int office_ctx_open(struct http_request *req, struct office_ctx *ctx);
void office_ctx_close(struct office_ctx *ctx);

/* Today in Taiwan, "YYYY-MM-DD", in the arena. */
const char *catalog_today(struct http_request *req);
/* A stored "YYYY-MM-DDTHH:MM:SSZ" as the Taiwan date in the request's language ("115年3月2日",
 * "2 Mar 2026"); "" when it cannot be read. */
const char *catalog_updated(struct http_request *req, const char *iso);
/* A date "YYYY-MM-DD" in the request's language. */
const char *catalog_date(struct http_request *req, const char *date);
/* A time limit in working minutes in plain words: 即時 / 4 小時 / 3 個工作天 ... */
const char *catalog_time_limit(struct http_request *req, int64_t minutes);
/* A text's paragraphs (split at line breaks, empty ones dropped) as an array of strings. */
json_t *catalog_paragraphs(const char *text);
/* The same as a view list of slices of text (which must outlive the view). */
struct view catalog_paragraphs_view(struct view_builder *b, const char *text);
/* A list field of a service (directory.h) in the page's language, English falling back to
 * Chinese (directory_pick_lines): its lines as texts, which the directory's snapshot, held
 * until the request's arena is freed, keeps. */
struct dir_lines;
struct view catalog_lines_view(struct view_builder *b, const struct dir_lines *zh,
                               const struct dir_lines *en, const char *lang);
/* Answers an SVG QR code of this server's absolute URL for path (cacheable for an hour, except
 * a case's private links /p/... and /s/...: no-store). */
int catalog_qr_response(struct http_request *req, struct http_response *res, const char *path);
/* The numeric {name} capture, or 0 when it is not a positive number. */
int64_t catalog_id_capture(struct http_request *req, const char *name);
/* Sets "has_<key>" in view to whether view's array <key> is non-empty, for each key (templates
 * show a heading once only when its list has items). */
void catalog_add_has(json_t *view, const char *const *keys, size_t count);
/* The label of a topic code (translation "topic_<code>"). */
const char *catalog_topic_label(struct http_request *req, const char *topic);

#endif
