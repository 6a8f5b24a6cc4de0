/*
 * petition_staff.c - petitions for staff: lists, one petition with its personal data (masked
 * for §170 confidential petitions unless a supervisor reads it), the actions (route, transfer
 * with the §172 notice, §173 flags and their confirmation, answers drafted, approved and sent,
 * with the rating link), the public statistics and the scanner's reminders (petition.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/civil.h"
#include "base/str.h"
#include "domain/accounts.h"
#include "domain/audit.h"
#include "domain/calendar.h"
#include "domain/cases.h"
#include "domain/lookup.h"
#include "domain/notify.h"
#include "domain/petition.h"
#include "domain/petition_internal.h"
#include "domain/read_model.h"
#include "domain/suppress.h"
#include "store/directory.h"
#include "store/petition.h"
#include "store/store.h"

#include "base/common.h"

enum { LIST_MAX = 200, MASK_MAX = 256, STATS_MONTHS = 400 };

/* ---- who sees what ------------------------------------------------------------------------ */

bool petition_scope_office(const struct petition_scope *scope)
{
  return (scope->roles & ROLE_ADMIN) || scope->unit_id == 0;
}

bool petition_scope_covers(const struct petition_scope *scope, int64_t unit_id)
{
  return petition_scope_office(scope) || unit_id == scope->unit_id;
}

static bool supervises(const struct petition_scope *scope)
{
  return (scope->roles & ROLE_SUPERVISOR) != 0;
}

/* The petition id of the actor's office, taken in and in scope (else ST_NOTFOUND). */
static int scoped_get(struct store *store, int64_t office_id, const struct petition_scope *scope,
                      int64_t id, json_t **p)
{
  *p = NULL;
  int rc = store_petition_get(store, office_id, id, p);
  if (!rc && (!strcmp(petition_text(*p, "status"), "unverified") ||
              !petition_scope_covers(scope, petition_int(*p, "unit_id"))))
    rc = ST_NOTFOUND;
  return rc;
}

/* ---- lists and one petition ------------------------------------------------------------- */

/* The name and contact opened, the name masked when hidden (malloc'd; personal_free). */
static int open_person(json_t *p, bool hidden, char **name, char **contact, char *masked,
                       size_t size)
{
  int rc = ST_OK;
  *name = *contact = NULL;
  if (*petition_text(p, "name_sealed"))
    rc = personal_open(petition_text(p, "name_sealed"), name);
  if (!rc && *petition_text(p, "contact_sealed") && !hidden)
    rc = personal_open(petition_text(p, "contact_sealed"), contact);
  if (!rc && *name && hidden)
    rc = personal_mask_name(*name, masked, size);
  return rc;
}

static int item_fill(struct arena *arena, json_t *p, time_t now, struct petition_item *out)
{
  bool open = !strcmp(petition_text(p, "status"), "open");
  *out = (struct petition_item){petition_int(p, "id"),
                                petition_int(p, "due_at"),
                                petition_int(p, "unit_id"),
                                read_model_text(arena, p, "petition_key"),
                                read_model_text(arena, p, "subject"),
                                read_model_text(arena, p, "status"),
                                read_model_text(arena, p, "flag"),
                                read_model_text(arena, p, "answer_state"),
                                read_model_text(arena, p, "kind"),
                                open && petition_int(p, "due_at") < now,
                                petition_int(p, "confidential") != 0};
  return out->key && out->subject && out->status && out->flag && out->answer_state && out->kind
             ? ST_OK
             : ST_NOMEM;
}

int petition_list_read(struct store *store, struct arena *arena, int64_t office_id,
                       const struct petition_scope *scope, const char *list, time_t now,
                       struct petition_items *out)
{
  static const char *const lists[] = {"open", "overdue", "flags", "approval", "all"};
  json_t *rows = NULL;
  bool known = false;
  *out = (struct petition_items){0};
  for (size_t i = 0; list && i < ARRAY_LEN(lists); i++)
    known = known || !strcmp(list, lists[i]);
  if (!known)
    return ST_INVALID;
  int rc = store_begin_read(store);
  if (rc)
    return rc;
  rc = store_petition_list(store, office_id, petition_scope_office(scope) ? 0 : scope->unit_id,
                           list, (int64_t)now, LIST_MAX, &rows);
  rc = store_end_read(store, rc);
  size_t n = json_array_size(rows);
  if (!rc && !(out->rows = read_model_array(arena, n, sizeof(*out->rows))))
    rc = ST_NOMEM;
  for (size_t i = 0; !rc && i < n; i++)
    rc = item_fill(arena, json_array_get(rows, i), now, &out->rows[i]);
  out->count = rc ? 0 : n;
  json_decref(rows);
  return rc;
}

/* The record's texts and numbers beyond its list row. */
static int record_fill(struct arena *arena, json_t *p, struct petition_staff *s)
{
  const struct {
    const char **to, *key;
  } texts[] = {{&s->body, "body"},
               {&s->channel, "channel"},
               {&s->transferred_to, "transferred_to"},
               {&s->answer, "answer"},
               {&s->flag_by, "flag_by"},
               {&s->flag_confirmed_by, "flag_confirmed_by"},
               {&s->answer_by, "answer_by"},
               {&s->approved_by, "approved_by"},
               {&s->check_code, "check_code"},
               {&s->contact_kind, "contact_kind"},
               {&s->lang, "lang"}};
  for (size_t i = 0; i < ARRAY_LEN(texts); i++)
    if (!(*texts[i].to = read_model_text(arena, p, texts[i].key)))
      return ST_NOMEM;
  s->received_at = petition_int(p, "received_at");
  s->answered_at = petition_int(p, "answered_at");
  s->category_id = petition_int(p, "category_id");
  s->duplicate_of = petition_int(p, "duplicate_of");
  s->rating = petition_int(p, "rating");
  return ST_OK;
}

/* The petitioner's name and contact: opened (and the view audited), or masked for a
 * confidential petition read by someone who is not a supervisor (§170). */
static int person_fill(struct store *store, struct arena *arena, const struct audit_actor *actor,
                       bool supervisor, json_t *p, struct petition_staff *s)
{
  char *name = NULL, *contact = NULL, masked[MASK_MAX] = "";
  bool hidden = petition_int(p, "confidential") && !supervisor;
  int rc = open_person(p, hidden, &name, &contact, masked, sizeof(masked));
  s->personal_hidden = hidden;
  if (!rc) {
    s->name = arena_strdup(arena, hidden ? masked : name ? name : "");
    s->contact = arena_strdup(arena, hidden    ? petition_text(p, "contact_masked")
                                     : contact ? contact
                                               : "");
    rc = s->name && s->contact ? ST_OK : ST_NOMEM;
  }
  char object_id[24];
  snprintf(object_id, sizeof(object_id), "%lld", (long long)petition_int(p, "id"));
  if (!rc && !hidden && (name || contact))
    rc = audit_record(store, actor, "petition.personal.view", "petition", object_id, NULL);
  personal_free(name);
  personal_free(contact);
  return rc;
}

static int event_fill(struct arena *arena, const json_t *row, void *item)
{
  struct petition_event *e = item;
  *e = (struct petition_event){
      read_model_int(row, "id"), read_model_int(row, "at"), read_model_text(arena, row, "kind"),
      read_model_text(arena, row, "actor"), read_model_text(arena, row, "note")};
  return e->kind && e->actor && e->note ? ST_OK : ST_NOMEM;
}

static int scan_fill(struct arena *arena, const json_t *row, void *item)
{
  struct petition_scan *f = item;
  *f = (struct petition_scan){
      read_model_int(row, "id"), read_model_int(row, "size"), read_model_int(row, "created_at"),
      read_model_text(arena, row, "name"), read_model_text(arena, row, "mime")};
  return f->name && f->mime ? ST_OK : ST_NOMEM;
}

/* The same contact's earlier petitions in scope (number, subject, whether similar). */
static int earlier_fill(struct store *store, struct arena *arena,
                        const struct petition_scope *scope, json_t *p, struct petition_staff *s)
{
  json_t *rows = NULL;
  int rc = ST_OK;
  if (*petition_text(p, "contact_hash"))
    store_petition_same_contact(store, petition_int(p, "office_id"),
                                petition_text(p, "contact_hash"), petition_int(p, "id"), &rows);
  size_t n = json_array_size(rows);
  if (!(s->earlier = read_model_array(arena, n, sizeof(*s->earlier))))
    rc = ST_NOMEM;
  for (size_t i = 0; !rc && i < n; i++) {
    json_t *r = json_array_get(rows, i);
    if (!petition_scope_covers(scope, petition_int(r, "unit_id")))
      continue;
    struct petition_earlier *e = &s->earlier[s->earlier_count++];
    *e = (struct petition_earlier){
        petition_int(r, "id"), read_model_text(arena, r, "petition_key"),
        read_model_text(arena, r, "subject"), read_model_text(arena, r, "status"),
        petition_similar(petition_text(r, "subject"), petition_text(p, "subject"))};
    if (!e->key || !e->subject || !e->status)
      rc = ST_NOMEM;
  }
  json_decref(rows);
  return rc;
}

/* The timeline, the scans and the same contact's earlier petitions. */
static int attachments_fill(struct store *store, struct arena *arena,
                            const struct petition_scope *scope, json_t *p, struct petition_staff *s)
{
  json_t *events = NULL, *files = NULL;
  int64_t id = petition_int(p, "id");
  int rc = store_petition_events(store, id, &events);
  if (!rc)
    rc = read_model_rows(arena, events, sizeof(*s->events), event_fill, (void **)&s->events,
                         &s->event_count);
  if (!rc)
    rc = store_petition_files(store, id, &files);
  if (!rc)
    rc = read_model_rows(arena, files, sizeof(*s->files), scan_fill, (void **)&s->files,
                         &s->file_count);
  json_decref(events);
  json_decref(files);
  return rc ? rc : earlier_fill(store, arena, scope, p, s);
}

int petition_staff_read(struct store *store, struct arena *arena, const struct audit_actor *actor,
                        const struct petition_scope *scope, int64_t id, time_t now,
                        struct petition_staff *out)
{
  json_t *p = NULL;
  *out = (struct petition_staff){0};
  /* a write transaction: the audit row of the personal data read commits with the read */
  int rc = store_begin(store);
  if (rc)
    return rc;
  rc = scoped_get(store, actor->office_id, scope, id, &p);
  if (!rc)
    rc = item_fill(arena, p, now, &out->item);
  if (!rc)
    rc = record_fill(arena, p, out);
  if (!rc)
    rc = person_fill(store, arena, actor, supervises(scope), p, out);
  if (!rc)
    rc = attachments_fill(store, arena, scope, p, out);
  if (!rc)
    rc = store_commit(store);
  if (rc) {
    store_rollback(store);
    *out = (struct petition_staff){0};
  }
  json_decref(p);
  return rc;
}

int petition_file_get(struct store *store, const struct audit_actor *actor,
                      const struct petition_scope *scope, int64_t id, int64_t file_id,
                      struct petition_file *out)
{
  json_t *meta = NULL, *p = NULL;
  char object_id[24];
  memset(out, 0, sizeof(*out));
  snprintf(object_id, sizeof(object_id), "%lld", (long long)id);
  int rc = store_begin(store);
  if (rc)
    return rc;
  rc = scoped_get(store, actor->office_id, scope, id, &p);
  json_decref(p);
  if (!rc)
    rc = store_petition_file_get(store, actor->office_id, id, file_id, &meta, &out->bytes,
                                 &out->len);
  if (!rc)
    rc = audit_record(store, actor, "petition.document", "petition", object_id, NULL);
  if (!rc)
    rc = store_commit(store);
  if (rc) {
    store_rollback(store);
    free(out->bytes);
    out->bytes = NULL;
  }
  snprintf(out->name, sizeof(out->name), "%s", petition_text(meta, "name"));
  snprintf(out->mime, sizeof(out->mime), "%s", petition_text(meta, "mime"));
  json_decref(meta);
  return rc;
}

/* ---- actions -------------------------------------------------------------------------------- */

static bool is_open(json_t *p)
{
  return !strcmp(petition_text(p, "status"), "open");
}

static int set_text(json_t *p, const char *key, const char *value)
{
  return json_object_set_new(p, key, json_string(value ? value : "")) ? ST_NOMEM : ST_OK;
}

static bool note_ok(const char *s, bool required)
{
  if (!s || !*s)
    return !required;
  return strlen(s) <= PETITION_NOTE_MAX && str_valid_text(str_from(s), true);
}

static int act_route(struct store *store, json_t *p, const struct petition_action *a,
                     const char **reason)
{
  if (!is_open(p))
    return petition_refuse(reason, "petition_err_state");
  if (a->unit_id <= 0 || !lookup_unit_belongs(store, petition_int(p, "office_id"), a->unit_id) ||
      a->unit_id == petition_int(p, "unit_id"))
    return petition_refuse(reason, "petition_err_unit");
  if (!note_ok(a->note, petition_int(p, "unit_id") > 0))
    return petition_refuse(reason, "petition_err_note");
  return json_object_set_new(p, "unit_id", json_integer(a->unit_id)) ? ST_NOMEM : ST_OK;
}

static int act_transfer(struct store *store, json_t *p, const struct petition_action *a, time_t now,
                        const char **reason)
{
  if (!is_open(p))
    return petition_refuse(reason, "petition_err_state");
  if (!a->agency || !*a->agency || strlen(a->agency) > 200 ||
      !str_valid_text(str_from(a->agency), false))
    return petition_refuse(reason, "petition_err_agency");
  if (!note_ok(a->note, false))
    return petition_refuse(reason, "petition_err_note");
  int rc = set_text(p, "transferred_to", a->agency);
  if (!rc)
    rc = set_text(p, "status", "transferred");
  json_t *vars = json_pack("{s:s, s:s}", "agency", a->agency, "reason", a->note ? a->note : "");
  if (!rc)
    rc = vars ? petition_notify(store, now, p, "petition_transferred", vars) : ST_NOMEM;
  json_decref(vars);
  return rc;
}

static int act_flag(json_t *p, const struct petition_action *a, const char *who,
                    const char **reason)
{
  static const char *const flags[] = {"anonymous", "unclear", "repeated"};
  bool known = false;
  for (size_t i = 0; a->flag && i < ARRAY_LEN(flags); i++)
    known = known || !strcmp(a->flag, flags[i]);
  if (!is_open(p) || *petition_text(p, "flag_confirmed_by"))
    return petition_refuse(reason, "petition_err_state");
  if (!known)
    return petition_refuse(reason, "petition_err_flag");
  if (!note_ok(a->note, false))
    return petition_refuse(reason, "petition_err_note");
  int rc = set_text(p, "flag", a->flag);
  return rc ? rc : set_text(p, "flag_by", who);
}

/* §173 confirmed: no answer is due, the petition is closed. */
static int act_confirm_flag(json_t *p, bool supervisor, const char *who, const char **reason)
{
  if (!supervisor)
    return ST_FORBIDDEN;
  if (!is_open(p) || !*petition_text(p, "flag") || *petition_text(p, "flag_confirmed_by"))
    return petition_refuse(reason, "petition_err_state");
  int rc = set_text(p, "flag_confirmed_by", who);
  return rc ? rc : set_text(p, "status", "closed");
}

static bool approval_required(struct store *store, int64_t office_id)
{
  char *value = NULL;
  bool on = !store_setting_get(store, office_id, "petition_approval", &value) && value &&
            !strcmp(value, "1");
  free(value);
  return on;
}

int petition_settings_read(struct store *store, int64_t office_id, bool *approval,
                           json_t **categories)
{
  *categories = NULL;
  int rc = store_begin_read(store);
  if (rc)
    return rc;
  *approval = approval_required(store, office_id);
  rc = store_petition_categories(store, office_id, categories);
  return store_end_read(store, rc);
}

int petition_approval_save(struct store *store, const struct audit_actor *actor, bool required)
{
  int rc = store_begin(store);
  if (rc)
    return rc;
  rc = store_setting_put(store, actor->office_id, "petition_approval", required ? "1" : "0");
  if (!rc)
    rc = audit_record(store, actor, "petition.settings", "setting", "petition_approval", NULL);
  if (!rc)
    rc = store_commit(store);
  if (rc)
    store_rollback(store);
  return rc;
}

static bool code_ok(const char *code)
{
  size_t n = code ? strlen(code) : 0;
  if (n < 1 || n > 32)
    return false;
  for (size_t i = 0; i < n; i++)
    if (!((code[i] >= 'a' && code[i] <= 'z') || (code[i] >= '0' && code[i] <= '9') ||
          code[i] == '-' || code[i] == '_'))
      return false;
  return true;
}

static bool name_ok(const char *s, bool required)
{
  if (!s || !*s)
    return !required;
  return strlen(s) <= 200 && str_valid_text(str_from(s), false);
}

static int check_category(struct store *store, int64_t office_id,
                          const struct petition_category_input *in, const char **reason)
{
  if (!code_ok(in->code))
    return petition_refuse(reason, "petition_err_category_code");
  if (!name_ok(in->name_zh, true) || !name_ok(in->name_en, false))
    return petition_refuse(reason, "petition_err_category_name");
  if (in->answer_days < 1 || in->answer_days > 3650)
    return petition_refuse(reason, "petition_err_category_days");
  if (in->unit_id && !lookup_unit_belongs(store, office_id, in->unit_id))
    return petition_refuse(reason, "petition_err_unit");
  if (!note_ok(in->canned_zh, false) || !note_ok(in->canned_en, false))
    return petition_refuse(reason, "petition_err_answer");
  return ST_OK;
}

int petition_category_save(struct store *store, const struct audit_actor *actor,
                           const struct petition_category_input *in, const char **reason)
{
  int rc = check_category(store, actor->office_id, in, reason);
  if (rc)
    return rc;
  json_t *c = json_pack("{s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:I}", "code", in->code, "name_zh",
                        in->name_zh, "name_en", in->name_en ? in->name_en : "", "unit_id",
                        (json_int_t)in->unit_id, "answer_days", (json_int_t)in->answer_days,
                        "canned_zh", in->canned_zh ? in->canned_zh : "", "canned_en",
                        in->canned_en ? in->canned_en : "", "sort", (json_int_t)in->sort);
  rc = c ? store_begin(store) : ST_NOMEM;
  if (rc) {
    json_decref(c);
    return rc;
  }
  rc = store_petition_category_put(store, actor->office_id, c);
  if (!rc)
    rc = audit_record(store, actor, "petition.category", "petition_category", in->code, NULL);
  if (!rc)
    rc = store_commit(store);
  if (rc)
    store_rollback(store);
  json_decref(c);
  return rc;
}

static int act_draft(struct store *store, json_t *p, const struct petition_action *a,
                     const char *who, const char **reason)
{
  const char *answer = a->answer;
  json_t *category = NULL;
  if (!is_open(p))
    return petition_refuse(reason, "petition_err_state");
  if (!answer || !*answer) { /* the category's canned answer in the petitioner's language */
    category =
        petition_category_of(store, petition_int(p, "office_id"), petition_int(p, "category_id"));
    const char *en = petition_text(category, "canned_en");
    answer =
        !strcmp(petition_text(p, "lang"), "en") && *en ? en : petition_text(category, "canned_zh");
  }
  int rc = ST_OK;
  if (strlen(answer) > PETITION_BODY_MAX)
    rc = petition_refuse(reason, "petition_err_answer_long");
  else if (!*answer || !str_valid_text(str_from(answer), true))
    rc = petition_refuse(reason, "petition_err_answer");
  bool approval = approval_required(store, petition_int(p, "office_id"));
  if (!rc)
    rc = set_text(p, "answer", answer);
  if (!rc)
    rc = set_text(p, "answer_state", approval ? "pending" : "draft");
  if (!rc)
    rc = set_text(p, "answer_by", who);
  if (!rc)
    rc = set_text(p, "approved_by", "");
  json_decref(category);
  return rc;
}

static int act_approve(json_t *p, bool supervisor, const char *who, const char **reason)
{
  if (!supervisor)
    return ST_FORBIDDEN;
  if (!is_open(p) || strcmp(petition_text(p, "answer_state"), "pending"))
    return petition_refuse(reason, "petition_err_state");
  int rc = set_text(p, "answer_state", "approved");
  return rc ? rc : set_text(p, "approved_by", who);
}

static int act_send(struct store *store, json_t *p, time_t now, const char **reason)
{
  const char *state = petition_text(p, "answer_state");
  if (!is_open(p) || (strcmp(state, "draft") && strcmp(state, "approved")))
    return petition_refuse(reason, "petition_err_state");
  int rc = set_text(p, "answer_state", "sent");
  if (!rc)
    rc = set_text(p, "status", "answered");
  if (!rc && json_object_set_new(p, "answered_at", json_integer(now)))
    rc = ST_NOMEM;
  json_t *vars = json_pack("{s:s}", "answer", petition_text(p, "answer"));
  if (!rc)
    rc = vars ? petition_notify(store, now, p, "petition_answered", vars) : ST_NOMEM;
  json_decref(vars);
  return rc;
}

static int apply_action(struct store *store, json_t *p, const struct audit_actor *actor,
                        bool supervisor, time_t now, const struct petition_action *a,
                        const char **reason)
{
  const char *action = a->action ? a->action : "";
  if (!strcmp(action, "route"))
    return act_route(store, p, a, reason);
  if (!strcmp(action, "transfer"))
    return act_transfer(store, p, a, now, reason);
  if (!strcmp(action, "flag"))
    return act_flag(p, a, actor->name, reason);
  if (!strcmp(action, "confirm_flag"))
    return act_confirm_flag(p, supervisor, actor->name, reason);
  if (!strcmp(action, "draft"))
    return act_draft(store, p, a, actor->name, reason);
  if (!strcmp(action, "approve"))
    return act_approve(p, supervisor, actor->name, reason);
  if (!strcmp(action, "send"))
    return act_send(store, p, now, reason);
  return ST_NOTFOUND;
}

/* What the audit row keeps of a change of unit: both units and the reason (NULL otherwise;
 * new reference). */
static json_t *route_detail(const struct petition_action *a, int64_t from)
{
  if (!a->action || strcmp(a->action, "route"))
    return NULL;
  return json_pack("{s:I, s:I, s:s}", "from_unit", (json_int_t)from, "to_unit",
                   (json_int_t)a->unit_id, "reason", a->note ? a->note : "");
}

int petition_act(struct store *store, const struct audit_actor *actor,
                 const struct petition_scope *scope, time_t now, int64_t id,
                 const struct petition_action *a, const char **reason)
{
  json_t *p = NULL, *detail = NULL;
  char object_id[24], action[48];
  snprintf(object_id, sizeof(object_id), "%lld", (long long)id);
  snprintf(action, sizeof(action), "petition.%.30s", a->action ? a->action : "");
  int rc = store_begin(store);
  if (rc)
    return rc;
  rc = scoped_get(store, actor->office_id, scope, id, &p);
  if (!rc)
    detail = route_detail(a, petition_int(p, "unit_id"));
  if (!rc)
    rc = apply_action(store, p, actor, supervises(scope), now, a, reason);
  if (!rc)
    rc = store_petition_update(store, p);
  const char *note = a->note && *a->note ? a->note : a->agency ? a->agency : a->flag;
  if (!rc)
    rc = petition_event(store, p, now, a->action, actor->name, note ? note : "");
  if (!rc)
    rc = audit_record(store, actor, action, "petition", object_id, detail);
  if (!rc)
    rc = store_commit(store);
  if (rc)
    store_rollback(store);
  json_decref(detail);
  json_decref(p);
  return rc;
}

/* ---- statistics ----------------------------------------------------------------------------- */

static int compare_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int petition_cells_suppress(struct arena *arena, struct petition_stat_cell *cells, size_t n,
                            int64_t total, int threshold, bool *total_hidden)
{
  int64_t *counts = arena_alloc(arena, (n + 1) * sizeof(*counts));
  bool *hidden = arena_alloc(arena, (n + 1) * sizeof(*hidden));
  if (!counts || !hidden)
    return ST_NOMEM;
  for (size_t i = 0; i < n; i++)
    counts[i] = cells[i].count, hidden[i] = cells[i].suppressed;
  counts[n] = total, hidden[n] = *total_hidden;
  suppress_apply(&(struct suppress_table){1, n + 1, counts, hidden, threshold, true, false});
  *total_hidden = hidden[n];
  for (size_t i = 0; i < n; i++)
    if (hidden[i])
      cells[i].count = -1, cells[i].suppressed = true;
  return ST_OK;
}

/* Counts per category. */
static int categories_count(struct arena *arena, json_t *categories, json_t *rows,
                            struct petition_stats *s)
{
  size_t n = json_array_size(categories);
  int64_t counted = 0;
  /* room for one more: the petitions of no category, so the line adds up to the total */
  if (!(s->by_category = read_model_array(arena, n + 1, sizeof(*s->by_category))))
    return ST_NOMEM;
  for (size_t i = 0; i < n; i++) {
    json_t *c = json_array_get(categories, i), *r;
    size_t j;
    int64_t count = 0;
    json_array_foreach(rows, j, r) count += petition_int(r, "category_id") == petition_int(c, "id");
    counted += count;
    s->by_category[i] =
        (struct petition_stat_cell){read_model_text(arena, c, "name_zh"),
                                    read_model_text(arena, c, "name_en"), count, false, false};
    if (!s->by_category[i].name_zh || !s->by_category[i].name_en)
      return ST_NOMEM;
  }
  int64_t other = (int64_t)json_array_size(rows) - counted;
  if (other > 0)
    s->by_category[n++] = (struct petition_stat_cell){"", "", other, false, true};
  s->category_count = n;
  return ST_OK;
}

/* Counts per Taipei month of taking in, oldest first. */
static int months_count(struct arena *arena, json_t *rows, struct petition_stats *s)
{
  int months[STATS_MONTHS];
  int64_t counts[STATS_MONTHS];
  size_t n = 0, i;
  json_t *r;
  json_array_foreach(rows, i, r)
  {
    struct civil_time t = civil_taipei((time_t)petition_int(r, "received_at"));
    int m = t.date.year * 12 + t.date.month - 1;
    size_t k = 0;
    while (k < n && months[k] != m)
      k++;
    if (k == n && n < STATS_MONTHS) {
      months[n] = m;
      counts[n++] = 0;
    }
    if (k < n)
      counts[k]++;
  }
  if (!(s->by_month = read_model_array(arena, n, sizeof(*s->by_month))))
    return ST_NOMEM;
  for (size_t a = 0; a < n; a++) { /* few months: insertion order is by id, sort by month */
    for (size_t b = a + 1; b < n; b++)
      if (months[b] < months[a]) {
        int tm = months[a];
        int64_t tc = counts[a];
        months[a] = months[b], counts[a] = counts[b];
        months[b] = tm, counts[b] = tc;
      }
    const char *label = arena_printf(arena, "%04d-%02d", months[a] / 12, months[a] % 12 + 1);
    if (!label)
      return ST_NOMEM;
    s->by_month[a] = (struct petition_stat_cell){label, label, counts[a], false};
  }
  s->month_count = n;
  return ST_OK;
}

/* Answer times in working days (mean, median) and the on-time share. */
static int times_count(struct arena *arena, json_t *rows, struct petition_stats *s)
{
  size_t i, n = 0, on_time = 0;
  json_t *r;
  double *days = arena_alloc(arena, (json_array_size(rows) + 1) * sizeof(*days));
  if (!days)
    return ST_NOMEM;
  json_array_foreach(rows, i, r)
  {
    int64_t minutes = 0, answered = petition_int(r, "answered_at");
    if (!answered || calendar_working_minutes_between(cases_calendar(), NULL,
                                                      (time_t)petition_int(r, "received_at"),
                                                      (time_t)answered, &minutes))
      continue;
    days[n++] = (double)minutes / PETITION_DAY_MINUTES;
    on_time += answered <= petition_int(r, "due_at");
  }
  qsort(days, n, sizeof(*days), compare_double);
  double sum = 0;
  for (i = 0; i < n; i++)
    sum += days[i];
  s->answered = petition_cell((int64_t)n);
  /* too few answers say nothing and may point at people */
  s->times_known = n >= PETITION_STATS_MIN_CELL;
  if (s->times_known) {
    s->mean_days = sum / (double)n;
    s->median_days = n % 2 ? days[n / 2] : (days[n / 2 - 1] + days[n / 2]) / 2;
    s->on_time_percent = 100.0 * (double)on_time / (double)n;
  }
  return ST_OK;
}

int petition_stats_suppress(struct arena *arena, struct petition_stats *s, int64_t total,
                            int threshold, bool *total_hidden)
{
  /* both lines share the total: categories again when the months withheld it */
  int rc = petition_cells_suppress(arena, s->by_category, s->category_count, total, threshold,
                                   total_hidden);
  if (!rc)
    rc =
        petition_cells_suppress(arena, s->by_month, s->month_count, total, threshold, total_hidden);
  if (!rc)
    rc = petition_cells_suppress(arena, s->by_category, s->category_count, total, threshold,
                                 total_hidden);
  return rc;
}

static int stats_in(struct store *store, struct arena *arena, int64_t office_id,
                    struct petition_stats *out)
{
  json_t *rows = NULL, *categories = NULL;
  int rc = store_begin_read(store);
  if (rc)
    return rc;
  rc = store_petition_stats_rows(store, office_id, &rows);
  if (!rc)
    rc = store_petition_categories(store, office_id, &categories);
  rc = store_end_read(store, rc);
  int64_t total = (int64_t)json_array_size(rows);
  bool hidden = false; /* the rule decides on the total with the cells */
  if (!rc)
    rc = categories_count(arena, categories, rows, out);
  if (!rc)
    rc = months_count(arena, rows, out);
  if (!rc)
    rc = petition_stats_suppress(arena, out, total, PETITION_STATS_MIN_CELL, &hidden);
  out->total = hidden ? -1 : total;
  out->total_suppressed = hidden;
  if (!rc)
    rc = times_count(arena, rows, out);
  json_decref(rows);
  json_decref(categories);
  return rc;
}

int petition_stats_read(struct store *store, struct arena *arena, int64_t office_id,
                        struct petition_stats *out)
{
  *out = (struct petition_stats){0};
  int rc = stats_in(store, arena, office_id, out);
  if (rc)
    *out = (struct petition_stats){0};
  return rc;
}

/* ---- the scanner ---------------------------------------------------------------------------- */

int petition_remind(struct store *store, time_t now, int64_t *count)
{
  json_t *rows = NULL, *p;
  size_t i;
  time_t horizon = now;
  *count = 0;
  calendar_add_working_minutes(cases_calendar(), NULL, now,
                               (int64_t)PETITION_REMIND_DAYS * PETITION_DAY_MINUTES, &horizon);
  int64_t purged = 0;
  int rc = store_begin(store);
  if (rc)
    return rc;
  rc = store_petition_purge_unverified(store, (int64_t)now - PETITION_UNVERIFIED_KEEP, &purged);
  if (!rc)
    rc = store_petition_reminders_due(store, (int64_t)horizon, &rows);
  json_array_foreach(rows, i, p)
  {
    if (rc || !petition_remind_now(cases_calendar(), now, (time_t)petition_int(p, "due_at")))
      continue;
    json_object_set_new(p, "reminded_at", json_integer(now));
    rc = store_petition_update(store, p);
    if (!rc)
      rc = petition_event(store, p, now, "reminder", "", "");
    *count += !rc;
  }
  if (!rc)
    rc = store_commit(store);
  if (rc)
    store_rollback(store);
  json_decref(rows);
  return rc;
}

/* ---- demo data ------------------------------------------------------------------------------ */

int petition_demo_categories(struct store *store)
{
  json_t *offices = NULL, *o;
  size_t i;
  int rc = lookup_offices(store, &offices);
  if (!rc)
    rc = store_begin(store);
  if (rc) {
    json_decref(offices);
    return rc;
  }
  json_array_foreach(offices, i, o)
  {
    json_t *units = NULL;
    if (rc || (rc = lookup_units(store, petition_int(o, "id"), &units)))
      continue;
    int64_t unit = petition_int(json_array_get(units, 0), "id");
    json_t *list = json_pack(
        "[{s:s, s:s, s:s, s:I, s:i, s:s, s:s, s:i}, {s:s, s:s, s:s, s:I, s:i, s:s, s:s, s:i}]",
        "code", "service", "name_zh", "服務態度與流程", "name_en", "Service and procedures",
        "unit_id", (json_int_t)unit, "answer_days", 6, "canned_zh",
        "感謝您的指教，本機關已請相關同仁檢討改進。", "canned_en",
        "Thank you; we have asked the staff concerned to review and improve.", "sort", 1, "code",
        "land", "name_zh", "地政業務", "name_en", "Land administration", "unit_id",
        (json_int_t)unit, "answer_days", 10, "canned_zh",
        "有關您所陳事項，本機關已查明並說明如下：", "canned_en",
        "We have looked into the matter you raised; here is what we found:", "sort", 2);
    for (size_t k = 0; !rc && list && k < json_array_size(list); k++)
      rc = store_petition_category_put(store, petition_int(o, "id"), json_array_get(list, k));
    rc = rc ? rc : list ? ST_OK : ST_NOMEM;
    json_decref(list);
    json_decref(units);
  }
  json_decref(offices);
  if (!rc)
    return store_commit(store);
  store_rollback(store);
  return rc;
}
