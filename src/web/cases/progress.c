/*
 * progress.c - the public progress lookup (案件進度查詢), 24 hours a day: by number and check
 * code, or by the receipt's QR link. Wrong numbers and wrong check codes get one polite answer
 * that tells nothing apart; the route's rate class slows down guessing per address, and a case
 * whose check code was guessed wrong too often today answers "locked until midnight" to every
 * code (domain/case_read.h) while its QR link keeps working.
 */
#include <string.h>

#include "base/clock.h"
#include "domain/petition.h"
#include "domain/case_read.h"
#include "web/app.h"
#include "web/cases/case_view.h"
#include "web/cases/cases.h"
#include "web/payments/payments.h"
#include "web/public/apply.h"
#include "web/public/catalog.h"
#include "web/public/office.h"

#include "base/common.h"

static json_t *form_view(struct http_request *req, const struct dir_office *office,
                         const char *number, const char *check)
{
  return json_pack("{s:s, s:o, s:{s:s, s:s, s:s}}", "title", http_t(req, "progress_title"),
                   "office", office_dir_view(req, office), "form", "number", number ? number : "",
                   "check", check ? check : "", "action",
                   arena_printf(req->arena, "/o/%s/progress", office->slug));
}

/* The result page of a public case read (domain/case_read.h): the case view with its fee block
 * (under token the pay form, receipt link, documents and withdrawal; without it, read only). */
static int result_page(struct http_request *req, struct http_response *res,
                       const struct case_public *c, const char *token)
{
  struct view_builder b = view_builder(req->arena);
  struct view_map *view = case_public_tview(req, &b, c, req->wants_json);
  struct view_map *page = view_map(&b);
  view_add(&b, view, "payment", payments_fee_tview(req, &b, &c->fee, token));
  if (token) {
    apply_progress_view(req, &b, c, token, view);
    outcome_progress_view(req, &b, c, token, view);
  }
  view_add_text(&b, page, "title", http_t(req, "progress_result_title"));
  view_add(&b, page, "case", view_of_map(view));
  view_add(&b, page, "office", office_dir_tview(req, &b, c->office));
  if (view_done(&b))
    return ST_NOMEM;
  return http_page_view(res, 200, "public/progress_result", view_of_map(page));
}

/* The lookup of this case is locked until the day ends: the form again with the reason (the
 * same whether the code typed was right or not), 429 and Retry-After. */
static int progress_locked(struct http_request *req, struct http_response *res, time_t now,
                           json_t *page)
{
  long wait = (long)(case_check_day_end(now) - now);
  const char *retry = arena_printf(req->arena, "%ld", wait > 0 ? wait : 1);
  if (!page || !retry || http_header_add(res, "Retry-After", retry)) {
    json_decref(page);
    return ST_NOMEM;
  }
  web_form_error(req, page, "number", "progress_locked");
  return http_page(res, 429, "public/progress", page);
}

/* Nothing but spaces: a field the citizen left empty. */
static bool blank(const char *s)
{
  for (; s && *s; s++)
    if (*s != ' ' && *s != '\t')
      return false;
  return true;
}

/* A field left empty is asked for by name at the field (400), before any lookup: saying what
 * is missing tells nothing about any case, and no wrong code is counted. */
static int progress_missing(struct http_request *req, struct http_response *res, json_t *page,
                            const char *number, const char *check)
{
  if (!page)
    return ST_NOMEM;
  if ((blank(number) && web_form_error(req, page, "number", "progress_number_missing")) ||
      (blank(check) && web_form_error(req, page, "check", "progress_check_missing"))) {
    json_decref(page);
    return ST_NOMEM;
  }
  return http_page(res, 400, "public/progress", page);
}

/* A lookup by number and check code: the case, "locked until midnight", or the form again
 * with "not found" (wrong numbers and wrong codes alike). */
static int progress_lookup(struct http_request *req, struct http_response *res, struct store *store,
                           const struct dir_office *office, const char *number, const char *check)
{
  struct case_public c;
  time_t now = clock_now();
  int rc = case_public_by_number(store, req->arena, now, office->id, number, check, web_primary,
                                 req, &c);
  if (rc == ST_LIMIT)
    return progress_locked(req, res, now,
                           form_view(req, office, number, NULL)); /* the code not echoed */
  if (rc != ST_NOTFOUND)
    return rc ? rc : result_page(req, res, &c, NULL);
  json_t *page = form_view(req, office, number, check);
  if (!page)
    return ST_NOMEM;
  web_form_error(req, page, "number", "progress_not_found");
  return http_page(res, 404, "public/progress", page);
}

/* Public lookups only read (a wrong check code's count is written on the primary): they run on the
 * read replica when one is configured (web_read). */
static int progress_form_on(struct http_request *req, struct http_response *res,
                            struct store *store)
{
  const struct dir_office *office = NULL;
  const char *number = http_query(req, "number"), *check = http_query(req, "check");
  int rc = office_of_request(req, store, &office);
  if (rc)
    return rc;
  if (number && petition_number_like(number)) /* a petition's number: its own page */
    return http_redirect(res, 303,
                         arena_printf(req->arena, "/o/%s/petition/status?number=%s&check=%s",
                                      office->slug, http_url_encode(req->arena, number),
                                      http_url_encode(req->arena, check ? check : "")));
  if (!number && !check) { /* the form */
    json_t *page = form_view(req, office, NULL, NULL);
    return page ? http_page(res, 200, "public/progress", page) : ST_NOMEM;
  }
  if (blank(number) || blank(check))
    return progress_missing(req, res, form_view(req, office, number, check), number, check);
  return progress_lookup(req, res, store, office, number, check);
}

int progress_form(struct http_request *req, struct http_response *res)
{
  return web_read(req, res, progress_form_on);
}

static int progress_by_token_on(struct http_request *req, struct http_response *res,
                                struct store *store)
{
  struct case_public c;
  const char *token = http_capture(req, "token");
  int rc = case_public_by_token(store, req->arena, clock_now(), token, &c);
  if (rc == ST_NOTFOUND)
    return http_error(res, 404, "progress_link_not_found");
  return rc ? rc : result_page(req, res, &c, token);
}

int progress_by_token(struct http_request *req, struct http_response *res)
{
  return web_read(req, res, progress_by_token_on);
}

int progress_qr(struct http_request *req, struct http_response *res)
{
  const char *token = http_capture(req, "token");
  if (!token || strlen(token) != CASE_TOKEN_SIZE - 1)
    return ST_NOTFOUND;
  return catalog_qr_response(req, res, arena_printf(req->arena, "/p/%s", token));
}
