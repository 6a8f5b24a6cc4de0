/*
 * tools.h - a land office's public calculators (area, land value increment tax, fees) and
 * parcel lookups, and what their handlers share. Every page is a GET form: the inputs are
 * query parameters, so a result is bookmarkable and works without JavaScript on a kiosk.
 * Offices that are not land offices answer 404.
 */
#ifndef BIANMIN_WEB_PUBLIC_TOOLS_H
#define BIANMIN_WEB_PUBLIC_TOOLS_H

#include <jansson.h>
#include <stdbool.h>

#include "domain/land/input.h"
#include "domain/land/rational.h"
#include "http/http.h"

struct store;

/* Handlers (routes.c). */
int tools_index(struct http_request *req, struct http_response *res);
int tools_area(struct http_request *req, struct http_response *res);
int tools_tax(struct http_request *req, struct http_response *res);
int tools_fees(struct http_request *req, struct http_response *res);
int parcels_lookup(struct http_request *req, struct http_response *res);
int parcels_resurvey(struct http_request *req, struct http_response *res);
int parcels_address(struct http_request *req, struct http_response *res);

/* The land office of the {office} capture, from the directory (*office, held until the
 * request's arena is freed) and the page's base view (*page, new reference): {"title",
 * "office": office_dir_view, "links": {...}}. ST_NOTFOUND for an unknown office or one that is
 * not a land office. */
struct dir_office;
int tools_page(struct http_request *req, const char *title_key, struct store **store,
               const struct dir_office **office, json_t **page);

/* A query parameter as typed (trimmed), and NFKC-normalised for parsing; NULL when absent. */
const char *tools_typed(struct http_request *req, const char *name);
const char *tools_input(struct http_request *req, const char *name);
/* The input name, or fallback when it is missing or empty. */
const char *tools_choice(struct http_request *req, const char *name, const char *fallback);
/* A form object with each of the NULL-terminated fields as typed (for redisplay). */
json_t *tools_typed_form(struct http_request *req, const char *const *fields);
/* True when any of the NULL-terminated names is a query parameter (the form was sent). */
bool tools_submitted(struct http_request *req, const char *const *names);
/* Whether the request only fills a form in (`prefill=1`, the parcel lookup's links carry the
 * parcel's figures): the page shows the form with them and a note to complete it, calculates
 * nothing and answers 200, so a citizen never lands on an error for fields not yet typed.
 * Sets the view's "prefilled" when it does: true, or {<calc>: true} when the
 * request names the form (`calc`, the fee page's sections). */
bool tools_prefill(struct http_request *req, json_t *page);

/* Adds "<label>: <reason>" to the view's error summary for form field id (the label is the
 * translation key "tools_label_<id>", the reason land_err_*'s key). */
int tools_field_error(struct http_request *req, json_t *view, const char *id,
                      const char *reason_key);

/* "NT$1,234,567" or "NT$1,234.5" (at most 2 places, half-up); in the request's arena. */
const char *tools_money(struct http_request *req, struct rational amount);
const char *tools_money_int(struct http_request *req, int64_t amount);
/* A plain decimal with thousands separators and at most `places` places. */
const char *tools_number(struct http_request *req, struct rational value, unsigned places);

/* Today in Taiwan (UTC+8). */
struct civil_date tools_today(void);

/* http_page(res, status, template_name, page) when rc is ST_OK; otherwise drops page and
 * returns rc. */
int tools_finish(struct http_response *res, int rc, int status, const char *template_name,
                 json_t *page);

/* The fee estimates page's "by service" section (tools_fee_schedule.c): view["schedule"], and
 * *status 400 with a field error for refused answers. */
int tools_fee_schedule(struct http_request *req, int64_t office_id, struct store *store,
                       json_t *page, int *status);
/* A fee schedule's working as the pages show it: {lines [{label, quantity, unit_price, amount,
 * source, rounding, waiver}], total}. */
struct fee_work;
json_t *tools_fee_working_view(struct http_request *req, const struct fee_work *w);
/* The answers of a fee schedule from the fields fee_<input key> of the query (or the form, with
 * fee_waiver too): lists split on spaces, ";" and "、". NULL when a field is too long. */
json_t *tools_fee_answers(struct http_request *req, bool from_form);
/* The longest answer tools_fee_answers takes (bytes); a longer one makes it answer NULL. */
enum { TOOLS_FEE_ANSWER_MAX = 2000 };
/* Sets view[key] to value (taking the reference); ST_NOMEM when value is NULL. */
int tools_set(json_t *view, const char *key, json_t *value);

#endif
