/*
 * petition.c - petitions for staff (petition.h). One domain call per read and per change; the
 * units for the routing choice come from the in-memory directory (domain/lookup.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/str.h"
#include "domain/accounts.h"
#include "domain/audit.h"
#include "domain/lookup.h"
#include "domain/petition.h"
#include "web/app.h"
#include "web/staff/petition.h"

#include "base/common.h"

static const char *form_text(struct http_request *req, const char *name)
{
  const char *v = http_form(req, name);
  return v ? v : "";
}

static bool supervisor(struct http_request *req)
{
  return (req->session->roles & ROLE_SUPERVISOR) != 0;
}

/* The petitions the signed-in account works on (domain/petition.h, struct petition_scope). */
static struct petition_scope scope_of(const struct http_request *req)
{
  return (struct petition_scope){req->session->unit_id, req->session->roles};
}

static const char *label(struct http_request *req, const char *prefix, const char *code)
{
  return *code ? http_t(req, arena_printf(req->arena, "%s%s", prefix, code)) : "";
}

/* Labels and times of a list row or a petition, in the request's language. */
static void localise(struct http_request *req, json_t *p)
{
  json_object_set_new(p, "status_label",
                      json_string(label(req, "petition_status_", web_str(p, "status"))));
  json_object_set_new(p, "flag_label",
                      json_string(label(req, "petition_flag_", web_str(p, "flag"))));
  json_object_set_new(p, "answer_state_label",
                      json_string(label(req, "petition_answer_", web_str(p, "answer_state"))));
  json_object_set_new(p, "due_text", json_string(web_datetime(req, web_int(p, "due_at"))));
  json_object_set_new(p, "received_text",
                      json_string(web_datetime(req, web_int(p, "received_at"))));
  json_object_set_new(
      p, "href",
      json_string(arena_printf(req->arena, "/staff/petitions/%lld", (long long)web_int(p, "id"))));
}

static json_t *list_tabs(struct http_request *req, const char *current)
{
  static const char *const lists[] = {"open", "overdue", "flags", "approval", "all"};
  json_t *out = json_array();
  for (size_t i = 0; i < ARRAY_LEN(lists); i++)
    json_array_append_new(out,
                          json_pack("{s:s, s:s, s:b}", "href",
                                    arena_printf(req->arena, "/staff/petitions?list=%s", lists[i]),
                                    "label", label(req, "petition_list_", lists[i]), "current",
                                    !strcmp(lists[i], current)));
  return out;
}

int petition_staff_list(struct http_request *req, struct http_response *res)
{
  struct store *store;
  json_t *rows = NULL, *p;
  size_t i;
  const char *list = http_query(req, "list") ? http_query(req, "list") : "open";
  struct petition_scope scope = scope_of(req);
  int rc = web_store(req, &store);
  if (!rc)
    rc = petition_list(store, req->session->office_id, &scope, list, clock_now(), &rows);
  if (rc == ST_INVALID)
    return http_error(res, 400, NULL);
  if (rc)
    return rc;
  json_array_foreach(rows, i, p) localise(req, p);
  const char *done = http_query(req, "done") ? http_query(req, "done") : "";
  const char *notice = !strcmp(done, "route")    ? http_t(req, "petition_routed_away")
                       : !strcmp(done, "record") ? http_t(req, "petition_recorded_away")
                                                 : NULL;
  return http_page(res, 200, "staff/petitions",
                   json_pack("{s:s, s:o, s:o, s:s, s:s*}", "title",
                             http_t(req, "petition_staff_title"), "petitions", rows, "tabs",
                             list_tabs(req, list), "list", list, "notice", notice));
}

/* ---- recording a petition from the counter, a call or a letter ----------------------------- */

static json_t *record_view(struct http_request *req, struct store *store)
{
  json_t *rows = NULL, *c, *options = json_array();
  size_t i;
  petition_categories(store, req->session->office_id, &rows);
  json_array_foreach(rows, i, c)
  {
    json_array_append_new(options, json_pack("{s:I, s:s}", "id", (json_int_t)web_int(c, "id"),
                                             "name", web_field(c, "name", req->lang)));
  }
  json_decref(rows);
  return json_pack("{s:s, s:o, s:s, s:s, s:s, s:s}", "title", http_t(req, "petition_record_title"),
                   "categories", options, "subject", form_text(req, "subject"), "body",
                   form_text(req, "body"), "name", form_text(req, "name"), "contact",
                   form_text(req, "contact"));
}

int petition_staff_new(struct http_request *req, struct http_response *res)
{
  struct store *store;
  int rc = web_store(req, &store);
  return rc ? rc : http_page(res, 200, "staff/petition_new", record_view(req, store));
}

int petition_staff_record(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct audit_actor actor;
  struct petition_filed filed;
  int64_t category = 0;
  const char *reason = NULL, *field = NULL;
  str_to_int64(str_from(form_text(req, "category_id")), 0, INT64_MAX, &category);
  struct petition_input in = {.kind = !strcmp(form_text(req, "kind"), "mailbox") ? "mailbox"
                                                                                 : "petition",
                              .channel = form_text(req, "channel"),
                              .category_id = category,
                              .subject = form_text(req, "subject"),
                              .body = form_text(req, "body"),
                              .name = form_text(req, "name"),
                              .contact_kind = form_text(req, "contact_kind"),
                              .contact = form_text(req, "contact"),
                              .lang = !strcmp(form_text(req, "lang"), "en") ? "en" : "zh-TW",
                              .confidential = !strcmp(form_text(req, "confidential"), "1")};
  const struct http_part *scan = http_part(req, "scan");
  if (scan && scan->filename && scan->len) { /* a letter's scan */
    in.scan = scan->data;
    in.scan_len = scan->len;
    in.scan_name = scan->filename;
  }
  web_actor(req, &actor);
  int rc = web_store(req, &store);
  if (!rc)
    rc = petition_record(store, &actor, clock_now(), &in, &filed, &reason, &field);
  if (rc == ST_INVALID && reason) {
    json_t *view = record_view(req, store);
    web_form_error(req, view, field ? field : "subject", reason);
    return http_page(res, 400, "staff/petition_new", view);
  }
  if (rc)
    return rc;
  struct petition_scope scope = scope_of(req); /* routed to another unit: back to the list */
  return petition_scope_covers(&scope, filed.unit_id)
             ? http_redirect(res, 303,
                             arena_printf(req->arena, "/staff/petitions/%lld", (long long)filed.id))
             : http_redirect(res, 303, "/staff/petitions?done=record");
}

/* ---- one petition -----------------------------------------------------------------------------
 */

static json_t *unit_options(struct http_request *req, struct store *store, int64_t current)
{
  json_t *units = NULL, *u, *out = json_array();
  size_t i;
  lookup_units(store, req->session->office_id, &units);
  json_array_foreach(units, i, u)
  {
    json_array_append_new(out, json_pack("{s:I, s:s, s:b}", "id", (json_int_t)web_int(u, "id"),
                                         "name", web_field(u, "name", req->lang), "current",
                                         web_int(u, "id") == current));
  }
  json_decref(units);
  return out;
}

static void events_view(struct http_request *req, json_t *p)
{
  json_t *e;
  size_t i;
  json_array_foreach(json_object_get(p, "events"), i, e)
  {
    json_object_set_new(e, "what", json_string(label(req, "petition_event_", web_str(e, "kind"))));
    json_object_set_new(e, "when", json_string(web_datetime(req, web_int(e, "at"))));
  }
}

int petition_staff_page(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct audit_actor actor;
  json_t *p = NULL;
  int64_t id = 0;
  if (str_to_int64(str_from(http_capture(req, "id")), 1, INT64_MAX, &id))
    return ST_NOTFOUND;
  struct petition_scope scope = scope_of(req);
  web_actor(req, &actor);
  int rc = web_store(req, &store);
  if (!rc)
    rc = petition_staff_get(store, &actor, &scope, id, clock_now(), &p);
  if (rc)
    return rc;
  localise(req, p);
  events_view(req, p);
  bool open = !strcmp(web_str(p, "status"), "open");
  const char *state = web_str(p, "answer_state");
  json_object_set_new(p, "open", json_boolean(open));
  json_object_set_new(
      p, "can_send", json_boolean(open && (!strcmp(state, "draft") || !strcmp(state, "approved"))));
  json_object_set_new(p, "can_approve",
                      json_boolean(open && supervisor(req) && !strcmp(state, "pending")));
  json_object_set_new(p, "can_confirm",
                      json_boolean(open && supervisor(req) && *web_str(p, "flag") &&
                                   !*web_str(p, "flag_confirmed_by")));
  json_object_set_new(
      p, "action_base",
      json_string(arena_printf(req->arena, "/staff/petitions/%lld", (long long)id)));
  return http_page(res, 200, "staff/petition",
                   json_pack("{s:s, s:o, s:o, s:b}", "title", web_str(p, "key"), "petition", p,
                             "units", unit_options(req, store, web_int(p, "unit_id")), "done",
                             http_query(req, "done") != NULL));
}

int petition_staff_action(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct audit_actor actor;
  int64_t id = 0, unit = 0;
  const char *reason = NULL;
  if (str_to_int64(str_from(http_capture(req, "id")), 1, INT64_MAX, &id))
    return ST_NOTFOUND;
  str_to_int64(str_from(form_text(req, "unit_id")), 0, INT64_MAX, &unit);
  struct petition_action a = {.action = http_capture(req, "action"),
                              .unit_id = unit,
                              .agency = form_text(req, "agency"),
                              .note = form_text(req, "note"),
                              .flag = form_text(req, "flag"),
                              .answer = form_text(req, "answer")};
  struct petition_scope scope = scope_of(req);
  web_actor(req, &actor);
  int rc = web_store(req, &store);
  if (!rc)
    rc = petition_act(store, &actor, &scope, clock_now(), id, &a, &reason);
  if (rc == ST_FORBIDDEN)
    return http_error(res, 403, NULL);
  if (rc == ST_INVALID)
    return http_error(res, 400, reason);
  if (rc)
    return rc;
  if (a.action && !strcmp(a.action, "route") &&
      !petition_scope_covers(&scope, unit)) /* no longer ours */
    return http_redirect(res, 303, "/staff/petitions?done=route");
  return http_redirect(
      res, 303, arena_printf(req->arena, "/staff/petitions/%lld?done=%s", (long long)id, a.action));
}

/* A letter's scan, for download (audited by the domain call). */
int petition_staff_file(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct audit_actor actor;
  struct petition_file f;
  int64_t id = 0, file = 0;
  if (str_to_int64(str_from(http_capture(req, "id")), 1, INT64_MAX, &id) ||
      str_to_int64(str_from(http_capture(req, "file")), 1, INT64_MAX, &file))
    return ST_NOTFOUND;
  struct petition_scope scope = scope_of(req);
  web_actor(req, &actor);
  int rc = web_store(req, &store);
  if (!rc)
    rc = petition_file_get(store, &actor, &scope, id, file, &f);
  if (rc)
    return rc;
  const char *mime = arena_printf(req->arena, "%s", f.mime); /* the response keeps the pointer */
  rc = http_raw(res, 200, mime, f.bytes, f.len);
  free(f.bytes);
  if (!rc)
    rc = http_header_add(res, "Content-Disposition",
                         arena_printf(req->arena, "attachment; filename*=UTF-8''%s",
                                      http_url_encode(req->arena, f.name)));
  if (!rc)
    rc = http_header_add(res, "Cache-Control", "private, no-store");
  return rc;
}

/* ---- the office's setting ------------------------------------------------------------------- */

int petition_settings_page(struct http_request *req, struct http_response *res)
{
  struct store *store;
  bool required = false;
  json_t *categories = NULL, *c;
  size_t i;
  int rc = web_store(req, &store);
  if (!rc)
    rc = petition_settings_read(store, req->session->office_id, &required, &categories);
  if (rc)
    return rc;
  json_array_foreach(categories, i, c)
  {
    json_object_set_new(c, "units", unit_options(req, store, web_int(c, "unit_id")));
  }
  return http_page(res, 200, "staff/petition_settings",
                   json_pack("{s:s, s:b, s:b, s:o, s:o}", "title",
                             http_t(req, "petition_settings_title"), "approval", required, "saved",
                             http_query(req, "saved") != NULL, "categories", categories,
                             "new_units", unit_options(req, store, 0)));
}

int petition_settings_save(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct audit_actor actor;
  web_actor(req, &actor);
  int rc = web_store(req, &store);
  if (!rc)
    rc = petition_approval_save(store, &actor, !strcmp(form_text(req, "approval"), "1"));
  return rc ? rc : http_redirect(res, 303, "/staff/admin/petitions?saved=1");
}

int petition_category_submit(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct audit_actor actor;
  const char *reason = NULL;
  struct petition_category_input in = {.code = form_text(req, "code"),
                                       .name_zh = form_text(req, "name_zh"),
                                       .name_en = form_text(req, "name_en"),
                                       .canned_zh = form_text(req, "canned_zh"),
                                       .canned_en = form_text(req, "canned_en")};
  if (str_to_int64(str_from(form_text(req, "answer_days")), 1, 3650, &in.answer_days))
    in.answer_days = 0; /* refused by the domain with its message */
  str_to_int64(str_from(form_text(req, "unit_id")), 0, INT64_MAX, &in.unit_id);
  str_to_int64(str_from(form_text(req, "sort")), 0, 100000, &in.sort);
  web_actor(req, &actor);
  int rc = web_store(req, &store);
  if (!rc)
    rc = petition_category_save(store, &actor, &in, &reason);
  if (rc == ST_INVALID)
    return http_error(res, 400, reason);
  return rc ? rc : http_redirect(res, 303, "/staff/admin/petitions?saved=1");
}
