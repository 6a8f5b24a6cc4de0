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
#include "domain/directory.h"
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

/* Labels and times of a petition (a list row: received_at 0), in the request's language. */
static int labels(struct http_request *req, const struct petition_item *p, int64_t received_at,
                  json_t *v)
{
  const struct {
    const char *key, *value;
  } texts[] = {{"status_label", label(req, "petition_status_", p->status)},
               {"flag_label", label(req, "petition_flag_", p->flag)},
               {"answer_state_label", label(req, "petition_answer_", p->answer_state)},
               {"due_text", web_datetime(req, p->due_at)},
               {"received_text", web_datetime(req, received_at)},
               {"href", arena_printf(req->arena, "/staff/petitions/%lld", (long long)p->id)}};
  for (size_t i = 0; i < ARRAY_LEN(texts); i++)
    if (json_object_set_new(v, texts[i].key, json_string(texts[i].value ? texts[i].value : "")))
      return ST_NOMEM;
  return ST_OK;
}

/* A petition's list row (no personal data). */
static json_t *item_view(const struct petition_item *p)
{
  return json_pack("{s:I, s:s, s:s, s:s, s:I, s:s, s:s, s:b, s:b, s:I, s:s}", "id",
                   (json_int_t)p->id, "key", p->key, "subject", p->subject, "status", p->status,
                   "due_at", (json_int_t)p->due_at, "flag", p->flag, "answer_state",
                   p->answer_state, "overdue", p->overdue, "confidential", p->confidential,
                   "unit_id", (json_int_t)p->unit_id, "kind", p->kind);
}

static json_t *list_view(struct http_request *req, const struct petition_items *items)
{
  json_t *list = json_array();
  for (size_t i = 0; list && i < items->count; i++) {
    json_t *v = item_view(&items->rows[i]);
    if (v && labels(req, &items->rows[i], 0, v)) {
      json_decref(v);
      v = NULL;
    }
    if (!v || json_array_append_new(list, v)) {
      json_decref(list);
      return NULL;
    }
  }
  return list;
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
  struct petition_items items;
  const char *list = http_query(req, "list") ? http_query(req, "list") : "open";
  struct petition_scope scope = scope_of(req);
  int rc = web_store(req, &store);
  if (!rc)
    rc = petition_list_read(store, req->arena, req->session->office_id, &scope, list, clock_now(),
                            &items);
  if (rc == ST_INVALID)
    return http_error(res, 400, NULL);
  if (rc)
    return rc;
  json_t *rows = list_view(req, &items);
  if (!rows)
    return ST_NOMEM;
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
  struct petition_category_list categories = {0};
  json_t *options = json_array();
  petition_categories_read(store, req->arena, req->session->office_id, &categories);
  for (size_t i = 0; options && i < categories.count; i++) {
    const struct petition_category_row *c = &categories.rows[i];
    json_array_append_new(options, json_pack("{s:I, s:s}", "id", (json_int_t)c->id, "name",
                                             directory_pick(c->name_zh, c->name_en, req->lang)));
  }
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
  struct petition_input in = {.kind = *form_text(req, "kind") ? form_text(req, "kind") : "petition",
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
  const struct directory *dir = NULL;
  size_t count = 0;
  json_t *out = json_array();
  const struct dir_unit *units = directory_acquire(store, req->arena, &dir)
                                     ? NULL
                                     : directory_units(dir, req->session->office_id, &count);
  for (size_t i = 0; out && units && i < count; i++)
    json_array_append_new(out,
                          json_pack("{s:I, s:s, s:b}", "id", (json_int_t)units[i].id, "name",
                                    directory_pick(units[i].name_zh, units[i].name_en, req->lang),
                                    "current", units[i].id == current));
  return out;
}

/* The timeline, the scans and the same contact's earlier petitions. */
static int attachments_view(struct http_request *req, const struct petition_staff *p, json_t *v)
{
  json_t *events = json_array(), *files = json_array(), *earlier = json_array();
  for (size_t i = 0; events && i < p->event_count; i++) {
    const struct petition_event *e = &p->events[i];
    /* the "received" event's note is the channel's code: shown in words */
    const char *shown =
        strcmp(e->kind, "received") == 0 ? label(req, "petition_channel_", e->note) : e->note;
    json_array_append_new(
        events, json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)e->id, "at",
                          (json_int_t)e->at, "kind", e->kind, "actor", e->actor, "note", e->note,
                          "note_text", shown, "what", label(req, "petition_event_", e->kind),
                          "when", web_datetime(req, e->at)));
  }
  for (size_t i = 0; files && i < p->file_count; i++) {
    const struct petition_scan *f = &p->files[i];
    json_array_append_new(files,
                          json_pack("{s:I, s:s, s:s, s:I, s:I}", "id", (json_int_t)f->id, "name",
                                    f->name, "mime", f->mime, "size", (json_int_t)f->size,
                                    "created_at", (json_int_t)f->created_at));
  }
  for (size_t i = 0; earlier && i < p->earlier_count; i++) {
    const struct petition_earlier *e = &p->earlier[i];
    json_array_append_new(earlier, json_pack("{s:I, s:s, s:s, s:s, s:b}", "id", (json_int_t)e->id,
                                             "key", e->key, "subject", e->subject, "status",
                                             e->status, "similar", e->similar));
  }
  return json_object_set_new(v, "events", events) || json_object_set_new(v, "files", files) ||
                 json_object_set_new(v, "earlier", earlier)
             ? ST_NOMEM
             : ST_OK;
}

/* What may be done now: "open", "can_send", "can_approve", "can_confirm", "action_base". */
static json_t *offers(struct http_request *req, const struct petition_staff *p)
{
  const struct petition_item *it = &p->item;
  bool open = !strcmp(it->status, "open");
  const char *state = it->answer_state;
  bool sv = supervisor(req);
  return json_pack("{s:b, s:b, s:b, s:b, s:s}", "open", open, "can_send",
                   open && (!strcmp(state, "draft") || !strcmp(state, "approved")), "can_approve",
                   open && sv && !strcmp(state, "pending"), "can_confirm",
                   open && sv && *it->flag && !*p->flag_confirmed_by, "action_base",
                   arena_printf(req->arena, "/staff/petitions/%lld", (long long)it->id));
}

/* The whole petition as staff read it: its list row, its record, the petitioner, the
 * attachments, the labels, and what may be done now. */
static json_t *petition_view(struct http_request *req, const struct petition_staff *p)
{
  const struct petition_item *it = &p->item;
  json_t *v = item_view(it);
  json_t *more = json_pack(
      "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:s, "
      "s:s, s:b}",
      "body", p->body, "channel", p->channel, "transferred_to", p->transferred_to, "answer",
      p->answer, "flag_by", p->flag_by, "flag_confirmed_by", p->flag_confirmed_by, "answer_by",
      p->answer_by, "approved_by", p->approved_by, "check_code", p->check_code, "contact_kind",
      p->contact_kind, "lang", p->lang, "received_at", (json_int_t)p->received_at, "answered_at",
      (json_int_t)p->answered_at, "category_id", (json_int_t)p->category_id, "duplicate_of",
      (json_int_t)p->duplicate_of, "rating", (json_int_t)p->rating, "name", p->name, "contact",
      p->contact, "personal_hidden", p->personal_hidden);
  /* shown only when the petitioner rated (0: not rated) or an earlier petition is linked (0:
   * none; a number is always true to a section), and the channel in words */
  if (more && (json_object_set_new(more, "rated", json_boolean(p->rating > 0)) ||
               json_object_set_new(more, "has_duplicate", json_boolean(p->duplicate_of > 0)) ||
               json_object_set_new(more, "channel_label",
                                   json_string(label(req, "petition_channel_", p->channel))))) {
    json_decref(more);
    more = NULL;
  }
  json_t *flags = offers(req, p);
  int rc = v && more && flags && !json_object_update(v, more) ? ST_OK : ST_NOMEM;
  if (!rc)
    rc = attachments_view(req, p, v);
  if (!rc)
    rc = labels(req, it, p->received_at, v);
  if (!rc && json_object_update(v, flags))
    rc = ST_NOMEM;
  json_decref(more);
  json_decref(flags);
  if (rc) {
    json_decref(v);
    return NULL;
  }
  return v;
}

/* The input a refusal of action is about, from its key (petition_err_agency -> "agency"); a
 * note is the action's own ("transfer-note"). */
static const char *refused_field(struct http_request *req, const char *action, const char *reason)
{
  static const char *const fields[] = {"agency", "answer", "flag", "unit"};
  for (size_t i = 0; reason && i < ARRAY_LEN(fields); i++)
    if (strstr(reason, fields[i]))
      return !strcmp(fields[i], "unit") ? "unit_id" : fields[i];
  return arena_printf(req->arena, "%s-note", action ? action : "route");
}

/* The petition's page; with reason (a translation key), again with the refusal on it. */
static int petition_show(struct http_request *req, struct http_response *res, int64_t id,
                         int status, const char *field, const char *reason)
{
  struct store *store;
  struct audit_actor actor;
  struct petition_staff p;
  struct petition_scope scope = scope_of(req);
  web_actor(req, &actor);
  int rc = web_store(req, &store);
  if (!rc)
    rc = petition_staff_read(store, req->arena, &actor, &scope, id, clock_now(), &p);
  if (rc)
    return rc;
  json_t *v = petition_view(req, &p);
  if (!v)
    return ST_NOMEM;
  json_t *page = json_pack("{s:s, s:o, s:o, s:b}", "title", p.item.key, "petition", v, "units",
                           unit_options(req, store, p.item.unit_id), "done",
                           !reason && http_query(req, "done") != NULL);
  if (page && reason && web_form_error(req, page, field, reason)) {
    json_decref(page);
    page = NULL;
  }
  return page ? http_page(res, status, "staff/petition", page) : ST_NOMEM;
}

int petition_staff_page(struct http_request *req, struct http_response *res)
{
  int64_t id = 0;
  if (str_to_int64(str_from(http_capture(req, "id")), 1, INT64_MAX, &id))
    return ST_NOTFOUND;
  return petition_show(req, res, id, 200, NULL, NULL);
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
  if (rc == ST_INVALID && reason) /* the page again, the refusal on it (what to mend) */
    return petition_show(req, res, id, 400, refused_field(req, a.action, reason), reason);
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
