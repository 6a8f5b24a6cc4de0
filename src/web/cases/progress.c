/*
 * progress.c - the public progress lookup (案件進度查詢), 24 hours a day: by number and check
 * code, or by the receipt's QR link. Wrong numbers and wrong check codes get one polite answer
 * that tells nothing apart; the route's rate class slows down guessing per address.
 */
#include <string.h>

#include "base/clock.h"
#include "web/app.h"
#include "web/cases/case_view.h"
#include "web/cases/cases.h"
#include "web/payments/payments.h"
#include "web/public/apply.h"
#include "web/public/catalog.h"
#include "web/public/office.h"

#include "base/common.h"

static json_t *form_view(struct http_request *req, json_t *office, const char *number,
                         const char *check)
{
  return json_pack("{s:s, s:O, s:{s:s, s:s, s:s}}", "title", http_t(req, "progress_title"),
                   "office", office, "form", "number", number ? number : "", "check",
                   check ? check : "", "action",
                   arena_printf(req->arena, "/o/%s/progress",
                                json_string_value(json_object_get(office, "slug"))));
}

static int result_page(struct http_request *req, struct http_response *res, struct store *store,
                       json_t *c, json_t *office_view)
{
  int rc = case_view_decorate(req, store, c);
  if (rc) {
    json_decref(c);
    return rc;
  }
  json_t *view = json_pack("{s:s, s:o, s:O}", "title", http_t(req, "progress_result_title"), "case",
                           c, "office", office_view);
  return http_page(res, 200, "public/progress_result", view);
}

/* Public lookups only read: they run on the read replica when one is configured (web_read). */
static int progress_form_on(struct http_request *req, struct http_response *res,
                            struct store *store)
{
  json_t *office = NULL, *view = NULL, *c = NULL;
  const char *number = http_query(req, "number"), *check = http_query(req, "check");
  int rc = office_from_request(req, store, &office, &view);
  if (rc)
    return rc;
  json_t *page = form_view(req, view, number, check);
  if (!number && !check) {
    json_decref(office);
    json_decref(view);
    return http_page(res, 200, "public/progress", page);
  }
  struct case_env env = {store, clock_now()};
  rc = cases_public_by_number(&env, json_integer_value(json_object_get(office, "id")), number,
                              check, &c);
  json_decref(office);
  if (rc == ST_NOTFOUND) {
    json_decref(view);
    web_form_error(req, page, "number", "progress_not_found");
    return http_page(res, 404, "public/progress", page);
  }
  json_decref(page);
  if (!rc && (rc = payments_lookup_view(req, store, c)) != ST_OK) /* the fee, read only */
    json_decref(c);
  rc = rc ? rc : result_page(req, res, store, c, view);
  json_decref(view);
  return rc;
}

int progress_form(struct http_request *req, struct http_response *res)
{
  return web_read(req, res, progress_form_on);
}

static int progress_by_token_on(struct http_request *req, struct http_response *res,
                                struct store *store)
{
  json_t *c = NULL, *offices = NULL, *view = NULL;
  struct case_env env = {store, clock_now()};
  int rc = cases_public_by_token(&env, http_capture(req, "token"), &c);
  if (rc == ST_NOTFOUND)
    return http_error(res, 404, "progress_link_not_found");
  if (!rc)
    rc = store_office_list(store, &offices);
  size_t i;
  json_t *o;
  json_array_foreach(offices, i, o) if (json_integer_value(json_object_get(o, "id")) ==
                                        json_integer_value(json_object_get(c, "office_id"))) view =
      office_view(req, o);
  json_decref(offices);
  if (!rc && !view)
    rc = ST_NOTFOUND;
  if (rc) {
    json_decref(c);
    return rc;
  }
  rc = apply_progress_decorate(req, store, c); /* documents, withdrawal */
  if (!rc)
    rc = payments_progress_view(req, store, http_capture(req, "token"), c); /* the fee block */
  if (rc)
    json_decref(c);
  else
    rc = result_page(req, res, store, c, view);
  json_decref(view);
  return rc;
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
