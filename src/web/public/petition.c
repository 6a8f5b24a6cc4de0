/*
 * petition.c - petitions for citizens (petition.h): one domain call per page read or write;
 * the petitioner's own pages are reached by the link token of domain/petition.c (captured as
 * {token}, so logs redact it) or by number and check code. The office comes from the in-memory
 * directory; the pages are arena views (render/view.h) built from the domain's typed reads
 * (petition_categories_read, petition_public_read_by_*, petition_stats_read).
 */
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/str.h"
#include "domain/directory.h"
#include "domain/petition.h"
#include "render/format.h"
#include "web/app.h"
#include "web/public/catalog.h"
#include "web/public/office.h"
#include "web/public/petition.h"

#include "base/common.h"

static const char *form_text(struct http_request *req, const char *name)
{
  const char *v = http_form(req, name);
  return v ? v : "";
}

/* A date and time in words, "" for none. */
static const char *when(struct http_request *req, int64_t t)
{
  return t > 0 ? web_datetime(req, t) : "";
}

/* The office of the {office} capture with the page's store: one directory read. */
static int office_open(struct http_request *req, struct store **store,
                       const struct dir_office **office)
{
  int rc = web_store(req, store);
  return rc ? rc : office_of_request(req, *store, office);
}

/* A page of the office: its title and the office (every public petition page starts so). */
static struct view_map *office_page(struct http_request *req, struct view_builder *b,
                                    const struct dir_office *office, const char *title_key)
{
  struct view_map *page = view_map(b);
  view_add_text(b, page, "title", http_t(req, title_key));
  view_add(b, page, "office", office_dir_tview(req, b, office));
  return page;
}

static int send_page(struct http_response *res, struct view_builder *b, int status,
                     const char *template_name, struct view_map *page)
{
  if (view_done(b))
    return ST_NOMEM;
  return http_page_view(res, status, template_name, view_of_map(page));
}

/* ---- filing ----------------------------------------------------------------------------- */

static struct view category_options(struct http_request *req, struct view_builder *b,
                                    const struct petition_category_list *list, int64_t selected)
{
  struct view_list *out = view_list(b);
  for (size_t i = 0; i < list->count; i++) {
    const struct petition_category_row *c = &list->rows[i];
    struct view_map *m = view_map(b);
    view_add_int(b, m, "id", c->id);
    view_add_text(b, m, "name", directory_pick(c->name_zh, c->name_en, req->lang));
    view_add_bool(b, m, "selected", c->id == selected);
    view_push(b, out, view_of_map(m));
  }
  return view_of_list(out);
}

/* The form page, with what was typed (the contact and the text, never echoed elsewhere) and
 * the n refusals, each at its field. One domain read: the office's categories. */
static int form_page(struct http_request *req, struct http_response *res, struct store *store,
                     const struct dir_office *office, int status,
                     const struct form_refusal *refused, size_t n)
{
  struct petition_category_list categories;
  int64_t category = 0;
  int rc = petition_categories_read(store, req->arena, office->id, &categories);
  if (rc)
    return rc;
  str_to_int64(str_from(form_text(req, "category_id")), 0, INT64_MAX, &category);
  const char *kind_query = http_query(req, "kind");
  struct view_builder b = view_builder(req->arena);
  struct view_map *page = office_page(req, &b, office, "petition_title");
  view_add_text(&b, page, "action", arena_printf(req->arena, "/o/%s/petition", office->slug));
  view_add_text(&b, page, "stats_href",
                arena_printf(req->arena, "/o/%s/petitions/stats", office->slug));
  view_add(&b, page, "categories", category_options(req, &b, &categories, category));
  view_add_bool(&b, page, "mailbox",
                !strcmp(form_text(req, "kind"), "mailbox") ||
                    !strcmp(kind_query ? kind_query : "", "mailbox"));
  view_add_text(&b, page, "subject", form_text(req, "subject"));
  view_add_text(&b, page, "body", form_text(req, "body"));
  view_add_text(&b, page, "name", form_text(req, "name"));
  view_add_text(&b, page, "contact", form_text(req, "contact"));
  view_add_bool(&b, page, "kind_sms", !strcmp(form_text(req, "contact_kind"), "sms"));
  view_add_bool(&b, page, "confidential", !strcmp(form_text(req, "confidential"), "1"));
  if (n)
    web_form_errors_tview(req, &b, page, refused,
                          n < PETITION_REFUSALS_MAX ? n : PETITION_REFUSALS_MAX);
  return send_page(res, &b, status, "public/petition", page);
}

int petition_form(struct http_request *req, struct http_response *res)
{
  struct store *store;
  const struct dir_office *office = NULL;
  int rc = office_open(req, &store, &office);
  return rc ? rc : form_page(req, res, store, office, 200, NULL, 0);
}

static void input_of(struct http_request *req, struct petition_input *in, const char *channel)
{
  int64_t category = 0;
  str_to_int64(str_from(form_text(req, "category_id")), 0, INT64_MAX, &category);
  /* not given: the form's default; anything else is the domain's to refuse (petition_err_kind) */
  in->kind = *form_text(req, "kind") ? form_text(req, "kind") : "petition";
  in->channel = channel;
  in->category_id = category;
  in->subject = form_text(req, "subject");
  in->body = form_text(req, "body");
  in->name = form_text(req, "name");
  in->contact_kind = form_text(req, "contact_kind");
  in->contact = form_text(req, "contact");
  in->lang = req->lang;
  in->confidential = !strcmp(form_text(req, "confidential"), "1");
}

int petition_submit(struct http_request *req, struct http_response *res)
{
  struct store *store;
  const struct dir_office *office = NULL;
  struct petition_input in;
  char token[PETITION_TOKEN_SIZE];
  const char *reason = NULL, *field = NULL;
  int rc = office_open(req, &store, &office);
  input_of(req, &in, "online");
  if (!rc)
    rc = petition_start_online(store, clock_now(), office->id, &in,
                               http_t(req, "petition_code_subject"),
                               http_t(req, "petition_code_text"), token, &reason, &field);
  if ((rc == ST_INVALID || rc == ST_IO || rc == ST_LIMIT) && reason) {
    /* every refused field at once when the input is at fault; else the one refusal */
    struct form_refusal refused[PETITION_REFUSALS_MAX];
    size_t n = rc == ST_INVALID ? petition_input_refusals(&in, true, refused) : 0;
    if (!n)
      refused[n++] = (struct form_refusal){field ? field : "contact", reason};
    return form_page(req, res, store, office,
                     rc == ST_IO      ? 503
                     : rc == ST_LIMIT ? 429
                                      : 400,
                     refused, n);
  }
  return rc ? rc
            : http_redirect(
                  res, 303,
                  arena_printf(req->arena, "/o/%s/petition/verify/%s", office->slug, token));
}

/* The code's page (the petition behind the token is known to exist), with error_key at the
 * code field. */
static int verify_page(struct http_request *req, struct http_response *res,
                       const struct dir_office *office, int status, const char *error_key)
{
  const char *action = arena_printf(req->arena, "/o/%s/petition/verify/%s", office->slug,
                                    http_capture(req, "token"));
  struct view_builder b = view_builder(req->arena);
  struct view_map *page = office_page(req, &b, office, "petition_verify_title");
  view_add_text(&b, page, "action", action);
  view_add_text(&b, page, "resend_action", arena_printf(req->arena, "%s/resend", action));
  view_add_bool(&b, page, "resent", http_query(req, "resent") != NULL);
  if (error_key)
    web_form_error_tview(req, &b, page, "code", error_key);
  return send_page(res, &b, status, "public/petition_verify", page);
}

int petition_verify_page(struct http_request *req, struct http_response *res)
{
  struct store *store;
  const struct dir_office *office = NULL;
  struct petition_public p;
  int rc = office_open(req, &store, &office);
  if (!rc)
    rc = petition_public_read_by_token(store, req->arena, office->id, http_capture(req, "token"),
                                       &p);
  return rc ? rc : verify_page(req, res, office, 200, NULL);
}

int petition_verify_submit(struct http_request *req, struct http_response *res)
{
  struct store *store;
  const struct dir_office *office = NULL;
  struct petition_filed filed;
  const char *reason = NULL, *token = http_capture(req, "token");
  int rc = office_open(req, &store, &office);
  if (!rc)
    rc = petition_verify(store, clock_now(), office->id, token, form_text(req, "code"), &filed,
                         &reason);
  if (rc == ST_INVALID && reason)
    return verify_page(req, res, office, 400, reason);
  return rc ? rc
            : http_redirect(
                  res, 303,
                  arena_printf(req->arena, "/o/%s/petition/filed/%s", office->slug, token));
}

int petition_resend_submit(struct http_request *req, struct http_response *res)
{
  struct store *store;
  const struct dir_office *office = NULL;
  const char *reason = NULL, *token = http_capture(req, "token");
  int rc = office_open(req, &store, &office);
  if (!rc)
    rc = petition_resend_code(store, clock_now(), office->id, token,
                              http_t(req, "petition_code_subject"),
                              http_t(req, "petition_code_text"), &reason);
  if ((rc == ST_LIMIT || rc == ST_INVALID || rc == ST_IO) && reason)
    return verify_page(req, res, office, rc == ST_LIMIT ? 429 : rc == ST_IO ? 503 : 400, reason);
  return rc ? rc
            : http_redirect(res, 303,
                            arena_printf(req->arena, "/o/%s/petition/verify/%s?resent=1",
                                         office->slug, token));
}

/* ---- the petition's own page ---------------------------------------------------------------- */

/* The petition as its petitioner sees it, with its labels and dates in words. */
static struct view status_view(struct http_request *req, struct view_builder *b,
                               const struct petition_public *p)
{
  bool answered = !strcmp(p->status, "answered");
  struct view_map *m = view_map(b);
  view_add_text(b, m, "key", p->key);
  view_add_text(b, m, "check_code", p->check_code);
  view_add_text(b, m, "status", p->status);
  view_add_text(b, m, "kind", p->kind);
  view_add_text(b, m, "subject", p->subject);
  view_add_text(b, m, "category", directory_pick(p->category_zh, p->category_en, req->lang));
  view_add_int(b, m, "received_at", p->received_at);
  view_add_int(b, m, "due_at", p->due_at);
  view_add_int(b, m, "answered_at", p->answered_at);
  view_add_text(b, m, "answer", p->answer);
  view_add_text(b, m, "transferred_to", p->transferred_to);
  view_add_int(b, m, "rating", p->rating);
  view_add_bool(b, m, "rated", p->rated);
  view_add_bool(b, m, "verified", p->verified);
  view_add_text(b, m, "status_label",
                http_t(req, arena_printf(req->arena, "petition_status_%s", p->status)));
  view_add_text(b, m, "received_text", when(req, p->received_at));
  view_add_text(b, m, "due_text", when(req, p->due_at));
  view_add_text(b, m, "answered_text", when(req, p->answered_at));
  view_add(b, m, "answer_paragraphs", catalog_paragraphs_view(b, p->answer));
  view_add_bool(b, m, "answered", answered);
  view_add_bool(b, m, "transferred", !strcmp(p->status, "transferred"));
  view_add_bool(b, m, "can_rate", answered && !p->rated);
  return view_of_map(m);
}

static int own_page(struct http_request *req, struct http_response *res,
                    const struct dir_office *office, const struct petition_public *p,
                    const char *rate_action)
{
  struct view_builder b = view_builder(req->arena);
  struct view_map *page = office_page(req, &b, office, "petition_own_title");
  view_add(&b, page, "petition", status_view(req, &b, p));
  view_add_text(&b, page, "rate_action", rate_action ? rate_action : "");
  view_add_bool(&b, page, "rated_now", http_query(req, "rated") != NULL);
  view_add_bool(&b, page, "has_link", rate_action != NULL);
  return send_page(res, &b, 200, "public/petition_status", page);
}

int petition_own_page(struct http_request *req, struct http_response *res)
{
  struct store *store;
  const struct dir_office *office = NULL;
  struct petition_public p;
  const char *token = http_capture(req, "token");
  int rc = office_open(req, &store, &office);
  if (!rc)
    rc = petition_public_read_by_token(store, req->arena, office->id, token, &p);
  if (!rc && !p.verified)
    rc = ST_NOTFOUND;
  return rc ? rc
            : own_page(req, res, office, &p,
                       arena_printf(req->arena, "/o/%s/petition/rate/%s", office->slug, token));
}

int petition_rate_submit(struct http_request *req, struct http_response *res)
{
  struct store *store;
  const struct dir_office *office = NULL;
  int64_t rating = 0;
  const char *token = http_capture(req, "token");
  if (str_to_int64(str_from(form_text(req, "rating")), 1, 5, &rating))
    return http_error(res, 400, "petition_err_rating");
  int rc = office_open(req, &store, &office);
  if (!rc)
    rc = petition_rate(store, clock_now(), office->id, token, rating);
  if (rc == ST_CONFLICT)
    return http_error(res, 409, "petition_err_rated");
  if (rc == ST_INVALID)
    return http_error(res, 400, "petition_err_rating");
  return rc ? rc
            : http_redirect(
                  res, 303,
                  arena_printf(req->arena, "/o/%s/petition/filed/%s?rated=1", office->slug, token));
}

int petition_lookup(struct http_request *req, struct http_response *res)
{
  struct store *store;
  const struct dir_office *office = NULL;
  struct petition_public p;
  const char *number = http_query(req, "number"), *check = http_query(req, "check");
  int rc = office_open(req, &store, &office);
  if (rc)
    return rc;
  rc = petition_public_read_by_number(store, req->arena, office->id, number ? number : "",
                                      check ? check : "", &p);
  if (rc == ST_NOTFOUND)
    return http_error(res, 404, "petition_not_found");
  return rc ? rc : own_page(req, res, office, &p, NULL);
}

/* ---- statistics ----------------------------------------------------------------------------- */

/* The cells of a table by category ({name}) or by month ({month: "2026-12", month_label: as the
 * page's language writes a month}). */
static json_t *cells_view(struct http_request *req, const struct petition_stat_cell *cells,
                          size_t n, const char *label_key)
{
  bool months = !strcmp(label_key, "month");
  json_t *list = json_array();
  for (size_t i = 0; list && i < n; i++) {
    const char *label = cells[i].uncategorised
                            ? http_t(req, "petition_stats_uncategorised")
                            : directory_pick(cells[i].name_zh, cells[i].name_en, req->lang);
    json_t *cell = json_pack("{s:s, s:I, s:b}", label_key, label, "count",
                             (json_int_t)cells[i].count, "suppressed", cells[i].suppressed);
    if (cell && months &&
        json_object_set_new(cell, "month_label", json_string(web_month(req, label))))
      json_decref(cell), cell = NULL;
    json_array_append_new(list, cell);
  }
  return list;
}

/* The statistics as the page shows them: counts (-1 withheld), the answer times in working
 * days with one decimal and the on-time share in whole percent ("" while too few). */
static json_t *stats_view(struct http_request *req, const struct petition_stats *s)
{
  char mean[32] = "", median[32] = "", share[32] = "";
  if (s->times_known) {
    snprintf(mean, sizeof(mean), "%.1f", s->mean_days);
    snprintf(median, sizeof(median), "%.1f", s->median_days);
    snprintf(share, sizeof(share), "%.0f", s->on_time_percent);
  }
  return json_pack("{s:I, s:b, s:o, s:o, s:I, s:s, s:s, s:s}", "total", (json_int_t)s->total,
                   "total_suppressed", s->total_suppressed, "by_category",
                   cells_view(req, s->by_category, s->category_count, "name"), "by_month",
                   cells_view(req, s->by_month, s->month_count, "month"), "answered",
                   (json_int_t)s->answered, "mean_days", mean, "median_days", median,
                   "on_time_share", share);
}

int petition_stats_page(struct http_request *req, struct http_response *res)
{
  struct office_ctx o = {0};
  struct petition_stats stats;
  int rc = office_ctx_open(req, &o);
  if (!rc)
    rc = petition_stats_read(o.store, req->arena, o.id, &stats);
  json_t *view =
      rc ? NULL
         : json_pack("{s:s, s:O, s:o, s:i}", "title", http_t(req, "petition_stats_title"), "office",
                     o.view, "stats", stats_view(req, &stats), "min_cell", PETITION_STATS_MIN_CELL);
  office_ctx_close(&o);
  if (rc)
    return rc;
  return view ? http_page(res, 200, "public/petition_stats", view) : ST_NOMEM;
}
