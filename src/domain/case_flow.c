/*
 * case_flow.c - moving cases along their workflow: status changes, corrections (補正) with
 * their rules, extensions (展期), reassignment, overdue notices, pickup, and the deadline scan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/civil.h"
#include "base/clock.h"
#include "base/str.h"
#include "base/text.h"
#include "domain/accounts.h"
#include "domain/audit.h"
#include "domain/cases_internal.h"
#include "domain/notify.h"
#include "domain/outcome_docs.h"
#include "store/store.h"

#include "base/common.h"

static int refuse(const char **reason, const char *key, int st)
{
  *reason = key;
  return st;
}

const struct workflow *case_workflow(const struct case_env *env, const struct case_record *c)
{
  const struct workflow *wf = NULL;
  if (workflow_load(env->store, c->office_id, c->workflow, c->workflow_version, &wf) || !wf)
    wf = workflow_find(c->workflow);
  return wf ? wf : workflow_find("simple");
}

/* The event a status move tells the applicant about, if any: a step that is a public notice
 * (public_notice_days > 0 in the case's workflow) starts or ends one. */
static const char *status_event(const struct workflow *wf, const char *from, const char *to)
{
  const struct workflow_step *f = workflow_step(wf, from), *t = workflow_step(wf, to);
  if (!strcmp(to, "closed"))
    return "ready";
  if (!strcmp(to, "rejected"))
    return "rejected";
  if (t && t->public_notice_days > 0)
    return "public_notice_start";
  if (f && f->public_notice_days > 0)
    return "public_notice_end";
  return NULL;
}

/* The notice of a status move, if it sends one: closed -> ready for pickup, rejected (with
 * the written reasons), the start and end of a public notice (公告). Corrections send theirs
 * with the items (case_issue_correction). */
static int notify_status(const struct case_env *env, const struct workflow *wf,
                         const struct case_record *c, const char *from, const char *to,
                         const char *note)
{
  const char *event = status_event(wf, from, to);
  json_t *documents = NULL;
  if (!event)
    return ST_OK;
  json_t *vars = json_pack("{s:s}", "reason", note ? note : "");
  int rc = vars ? ST_OK : ST_NOMEM;
  /* the ready notice names the outcome documents the case's link offers ("" when none) */
  if (!rc && !strcmp(event, "ready"))
    rc = outcome_doc_names(env->store, c->id, &documents);
  if (documents && json_object_set_new(vars, "documents", documents))
    rc = ST_NOMEM;
  if (!rc)
    rc = notify_case_event(env->store, env->now, c->office_id, c->id, event, 1, vars);
  json_decref(vars);
  return rc;
}

/* Moves c to `to` (checked against the workflow and the actor's roles) with its event. */
static int move(const struct case_env *env, const struct case_actor *actor, struct case_record *c,
                const char *to, const char *note, bool public_note, const char *on_behalf_of,
                json_t *data, const char **reason)
{
  const struct workflow *wf = case_workflow(env, c);
  const char *from = c->status;
  const struct workflow_transition *t = workflow_transition(wf, from, to, actor->roles);
  if (!t)
    return refuse(reason, "case_err_transition", ST_FORBIDDEN);
  if (!case_note_ok(note, t->note_required))
    return refuse(reason, t->note_required ? "case_err_note_required" : "case_err_note",
                  ST_INVALID);
  const struct workflow_step *step = workflow_step(wf, to);
  bool final = step && step->kind == STEP_FINAL;
  int rc = store_case_set_status(env->store, c->id, to, env->now, final);
  if (!rc)
    rc = case_event(env, actor, c->id, "status", from, to, note, public_note, on_behalf_of, data);
  if (!rc) {
    c->status = to; /* from still points to the row's text */
    rc = notify_status(env, wf, c, from, to, note);
  }
  return rc;
}

/* After a plain move out of a step whose clock stops (correction -> first review, the end of a
 * public notice, back from another agency, or withdrawn): the pause ends, and the clock of a
 * case still open runs again, as after cases_correction_done. */
static int leave_pause(const struct case_env *env, const struct case_record *c)
{
  const struct workflow_step *step = workflow_step(case_workflow(env, c), c->status);
  int rc = store_case_pause_end(env->store, c->id, env->now);
  if (!rc && step && step->kind != STEP_FINAL)
    rc = case_recompute_clock(env, c, c->extension_minutes);
  return rc;
}

/* After a plain move into a step whose clock stops (a public notice, a referral to another
 * agency): the time from now on does not count until the case leaves it. */
static int enter_pause(const struct case_env *env, const struct case_record *c)
{
  int rc = store_case_pause_start(env->store, c->id, env->now);
  return rc ? rc : case_recompute_clock(env, c, c->extension_minutes);
}

int cases_transition(const struct case_env *env, const struct case_actor *actor, int64_t id,
                     const char *to, const char *note, bool public_note, const char **reason)
{
  struct case_open open;
  struct case_record *c = &open.c;
  const char *behalf;
  *reason = NULL;
  if (!to || !strcmp(to, "correction") || !strcmp(to, "rejected"))
    return refuse(reason, "case_err_transition", ST_INVALID); /* they have their own calls */
  int rc = case_begin(env, actor, id, &open, &behalf, reason);
  if (rc)
    return rc;
  const struct workflow *wf = case_workflow(env, c);
  const struct workflow_step *from = workflow_step(wf, c->status);
  const struct workflow_step *dest = workflow_step(wf, to);
  bool was_stopped = from && from->clock_stops;
  bool stops = dest && dest->clock_stops && dest->kind != STEP_FINAL;
  struct case_notice notice;
  case_notice_of(c, from, dest, &notice);
  rc = move(env, actor, c, to, note, public_note, behalf, NULL, reason);
  if (!rc && was_stopped && !stops)
    rc = leave_pause(env, c);
  else if (!rc && stops && !was_stopped)
    rc = enter_pause(env, c);
  rc = case_finish(env, rc, &open);
  if (!rc)
    case_notice_after_move(env, &notice); /* logged when it fails: the move stands */
  return rc;
}

bool case_items_ok(json_t *items)
{
  size_t n = json_array_size(items), i;
  json_t *item;
  if (!json_is_array(items) || n == 0 || n > CASE_CORRECTION_ITEMS_MAX)
    return false;
  json_array_foreach(items, i, item)
  {
    const char *s = json_string_value(item);
    if (!s || !*s || !str_valid_text(str_from(s), false) || text_length(s) > 200)
      return false;
  }
  return true;
}

/* The items as one line ("a；b；c"), the note of a correction notice given without one. */
static char *join_items(json_t *items)
{
  size_t total = 1, i;
  json_t *item;
  json_array_foreach(items, i, item) total += strlen(json_string_value(item)) + 3;
  char *out = calloc(1, total);
  json_array_foreach(items, i, item)
  {
    if (out && i)
      memcpy(out + strlen(out), "；", 4);
    if (out)
      memcpy(out + strlen(out), json_string_value(item), strlen(json_string_value(item)) + 1);
  }
  return out;
}

/* The correction deadline: 15 days from the day the applicant receives the notice (taken as
 * the day it is issued: at the counter, by e-mail or SMS the same day), moved past days off
 * (行政程序法 §48). */
static int correction_deadline(const struct case_env *env, char out[11])
{
  struct civil_date today = civil_taipei(env->now).date, last;
  int rc = calendar_add_days_period(cases_calendar(), today.year, today.month, today.day,
                                    CASE_CORRECTION_DAYS, &last.year, &last.month, &last.day);
  if (!rc)
    rc = civil_format_iso(last, out);
  return rc;
}

/* The correction notice itself, inside the open transaction: the move, its items and
 * deadline, and the clock stopping. */
int case_issue_correction(const struct case_env *env, const struct case_actor *actor,
                          struct case_record *c, json_t *items, const char *note,
                          const char *behalf, const char **reason)
{
  char deadline[11];
  int64_t id = c->id, count = c->correction_count;
  int rc = correction_deadline(env, deadline);
  if (rc)
    return rc;
  json_t *data = json_pack("{s:O, s:s, s:I}", "items", items, "deadline", deadline, "number",
                           (json_int_t)count + 1);
  char *listed = note && *note ? NULL : join_items(items);
  char *text = json_dumps(items, JSON_COMPACT);
  rc = data && text ? ST_OK : ST_NOMEM;
  if (!rc)
    rc = move(env, actor, c, "correction", listed ? listed : note, true, behalf, data, reason);
  if (!rc)
    rc = store_case_set_correction(env->store, id, text, deadline, count + 1, env->now);
  if (!rc)
    rc = notify_case_event(env->store, env->now, c->office_id, id, "correction", count + 1, data);
  if (!rc)
    rc = store_case_pause_start(env->store, id, env->now);
  if (!rc)
    rc = case_recompute_clock(env, c, c->extension_minutes);
  free(listed);
  free(text);
  json_decref(data);
  return rc;
}

int cases_correction(const struct case_env *env, const struct case_actor *actor, int64_t id,
                     json_t *items, const char *note, const char **reason)
{
  struct case_open open;
  struct case_record *c = &open.c;
  const char *behalf;
  *reason = NULL;
  if (!case_items_ok(items))
    return refuse(reason, "case_err_correction_items", ST_INVALID);
  int rc = case_begin(env, actor, id, &open, &behalf, reason);
  if (rc)
    return rc;
  bool needed = false;
  rc = case_correction_needs_approval(env, c, &needed);
  if (!rc && needed)
    rc = refuse(reason,
                c->correction_count >= 1 ? "case_err_second_correction"
                                         : "case_err_correction_approval",
                ST_FORBIDDEN);
  if (!rc)
    rc = case_issue_correction(env, actor, c, items, note, behalf, reason);
  return case_finish(env, rc, &open);
}

/* The step a case returns to when the applicant has corrected: the first open step the
 * workflow allows from "correction". */
static const char *resume_step(const struct workflow *wf, unsigned roles)
{
  for (size_t i = 0; i < wf->transition_count; i++) {
    const struct workflow_transition *t = &wf->transitions[i];
    const struct workflow_step *step = workflow_step(wf, t->to);
    if (!strcmp(t->from, "correction") && step && step->kind == STEP_OPEN && (t->roles & roles))
      return t->to;
  }
  return NULL;
}

int cases_correction_done(const struct case_env *env, const struct case_actor *actor, int64_t id,
                          const char *note, const char **reason)
{
  struct case_open open;
  struct case_record *c = &open.c;
  const char *behalf;
  *reason = NULL;
  int rc = case_begin(env, actor, id, &open, &behalf, reason);
  if (rc)
    return rc;
  const char *to = resume_step(case_workflow(env, c), actor->roles);
  if (strcmp(c->status, "correction") != 0 || !to)
    rc = refuse(reason, "case_err_transition", ST_FORBIDDEN);
  if (!rc)
    rc = move(env, actor, c, to, note, true, behalf, NULL, reason);
  if (!rc)
    rc = store_case_pause_end(env->store, id, env->now);
  if (!rc)
    rc = case_recompute_clock(env, c, c->extension_minutes);
  return case_finish(env, rc, &open);
}

int cases_approve_correction(const struct case_env *env, const struct case_actor *actor, int64_t id,
                             const char **reason)
{
  struct case_open open;
  struct case_record *c = &open.c;
  const char *behalf;
  *reason = NULL;
  if (!(actor->roles & ROLE_SUPERVISOR))
    return refuse(reason, "case_err_supervisor_only", ST_FORBIDDEN);
  int rc = case_begin(env, actor, id, &open, &behalf, reason);
  if (rc)
    return rc;
  if (c->correction_count < 1 || !strcmp(c->status, "correction"))
    rc = refuse(reason, "case_err_nothing_to_approve", ST_INVALID);
  if (!rc)
    rc = store_case_approve_correction(env->store, id, env->now);
  if (!rc)
    rc = case_event(env, actor, c->id, "correction_approved", "", "", "", false, behalf, NULL);
  return case_finish(env, rc, &open);
}

int cases_reject(const struct case_env *env, const struct case_actor *actor, int64_t id,
                 const char *reasons, const char **reason)
{
  struct case_open open;
  struct case_record *c = &open.c;
  const char *behalf;
  char today[11];
  *reason = NULL;
  if (!reasons || !*reasons)
    return refuse(reason, "case_err_reject_reasons", ST_INVALID);
  int rc = case_begin(env, actor, id, &open, &behalf, reason);
  if (rc)
    return rc;
  civil_taipei_iso(env->now, today);
  bool waiting = !strcmp(c->status, "correction");
  const struct workflow_step *step = workflow_step(case_workflow(env, c), c->status);
  if (waiting && strcmp(today, c->correction_deadline) <= 0)
    rc = refuse(reason, "case_err_correction_not_expired", ST_FORBIDDEN);
  if (!rc)
    rc = move(env, actor, c, "rejected", reasons, true, behalf, NULL, reason);
  if (!rc && step && step->clock_stops)
    rc = store_case_pause_end(env->store, id, env->now);
  if (!rc)
    rc = store_case_set_clock(env->store, id, 0, "closed", 0, c->extension_minutes, env->now);
  return case_finish(env, rc, &open);
}

bool cases_may_manage_dates(const struct case_actor *actor)
{
  return (actor->roles & (ROLE_HANDLER | ROLE_SUPERVISOR)) != 0;
}

int cases_extend(const struct case_env *env, const struct case_actor *actor, int64_t id,
                 int64_t minutes, const char *note, const char **reason)
{
  struct case_open open;
  struct case_record *c = &open.c;
  const char *behalf;
  *reason = NULL;
  if (!cases_may_manage_dates(actor))
    return refuse(reason, "case_err_transition", ST_FORBIDDEN);
  /* whether the case is the actor's first: someone else's case answers 403 whatever was typed */
  int rc = case_begin(env, actor, id, &open, &behalf, reason);
  if (rc)
    return rc;
  const struct workflow_step *step = workflow_step(case_workflow(env, c), c->status);
  if (minutes < 1 || minutes > CASE_EXTENSION_MAX_MINUTES)
    rc = refuse(reason, "case_err_extension_minutes", ST_INVALID);
  else if (!case_note_ok(note, true))
    rc = refuse(reason, "case_err_note_required", ST_INVALID);
  else if (!step || step->kind == STEP_FINAL)
    rc = refuse(reason, "case_err_transition", ST_FORBIDDEN);
  int64_t total = c->extension_minutes + minutes;
  if (!rc)
    rc = case_recompute_clock(env, c, total);
  json_t *data = json_pack("{s:I}", "minutes", (json_int_t)minutes);
  if (!rc)
    rc = case_event(env, actor, c->id, "extension", "", "", note, true, behalf, data);
  json_decref(data);
  return case_finish(env, rc, &open);
}

int cases_reassign(const struct case_env *env, const struct case_actor *actor, int64_t id,
                   int64_t handler_id, const char *note, const char **reason)
{
  struct case_open open;
  struct case_record *c = &open.c;
  json_t *user = NULL;
  const char *behalf;
  *reason = NULL;
  if (!(actor->roles & ROLE_SUPERVISOR))
    return refuse(reason, "case_err_supervisor_only", ST_FORBIDDEN);
  if (!case_note_ok(note, false))
    return refuse(reason, "case_err_note", ST_INVALID);
  int rc = case_begin(env, actor, id, &open, &behalf, reason);
  if (rc)
    return rc;
  if (c->closed_at)
    rc = refuse(reason, "case_err_transition", ST_FORBIDDEN); /* finished: nothing to hand on */
  if (!rc)
    rc = store_user_get(env->store, actor->office_id, handler_id, &user);
  if (rc == ST_NOTFOUND ||
      (!rc && (!(case_int(user, "roles") & ROLE_HANDLER) || case_int(user, "disabled"))))
    rc = refuse(reason, "case_err_handler", ST_INVALID);
  json_t *data = rc ? NULL
                    : json_pack("{s:I, s:s}", "handler_id", (json_int_t)handler_id, "handler",
                                case_text(user, "display_name"));
  if (!rc)
    rc = store_case_set_handler(env->store, id, handler_id, c->counter, env->now);
  if (!rc)
    rc = case_event(env, actor, c->id, "reassigned", "", "", note, false, behalf, data);
  json_decref(data);
  json_decref(user);
  return case_finish(env, rc, &open);
}

/* The notice of an event that may happen again (a second overdue notice, overdue again after
 * an extension): its occurrence is the count of such timeline events, the one just added
 * included. */
static int notify_event_counted(const struct case_env *env, const struct case_record *c,
                                const char *kind, json_t *data, const char *why)
{
  int64_t n = 0;
  int rc = store_case_event_count(env->store, c->id, kind, &n);
  json_t *vars = data ? json_deep_copy(data) : json_object();
  if (!vars)
    rc = rc ? rc : ST_NOMEM;
  if (!rc && why && json_object_set_new(vars, "reason", json_string(why)))
    rc = ST_NOMEM;
  if (!rc)
    rc = notify_case_event(env->store, env->now, c->office_id, c->id, kind, n, vars);
  json_decref(vars);
  return rc;
}

/* A date from today to CASE_DATE_AHEAD_DAYS ahead: a new expected date or an appointment (a
 * typing slip like 9999-12-31 would be shown to the applicant as a promise). */
static bool date_ok(const char *d, const char *today)
{
  struct civil_date first, given;
  char last[CIVIL_ISO_SIZE];
  if (!d || civil_parse_iso(str_from(today), &first) ||
      civil_format_iso(civil_add_days(first, CASE_DATE_AHEAD_DAYS), last))
    return false;
  return !civil_parse_iso(str_from(d), &given) && strcmp(d, today) >= 0 && strcmp(d, last) <= 0;
}

int cases_overdue_notice(const struct case_env *env, const struct case_actor *actor, int64_t id,
                         const char *why, const char *new_date, const char **reason)
{
  struct case_open open;
  struct case_record *c = &open.c;
  const char *behalf;
  char today[11];
  *reason = NULL;
  civil_taipei_iso(env->now, today);
  if (!cases_may_manage_dates(actor))
    return refuse(reason, "case_err_transition", ST_FORBIDDEN);
  int rc = case_begin(env, actor, id, &open, &behalf, reason); /* the case's access first */
  if (rc)
    return rc;
  if (!case_note_ok(why, true))
    rc = refuse(reason, "case_err_overdue_reason", ST_INVALID);
  else if (!date_ok(new_date, today))
    rc = refuse(reason, "case_err_new_date", ST_INVALID);
  if (!rc)
    rc = store_case_set_overdue(env->store, id, why, new_date, env->now);
  json_t *data = json_pack("{s:s}", "new_date", new_date);
  if (!rc)
    rc = case_event(env, actor, c->id, "overdue_notice", "", "", why, true, behalf, data);
  if (!rc)
    rc = notify_event_counted(env, c, "overdue_notice", data, why);
  json_decref(data);
  return case_finish(env, rc, &open);
}

int cases_pickup(const struct case_env *env, const struct case_actor *actor, int64_t id,
                 const char **reason)
{
  struct case_open open;
  struct case_record *c = &open.c;
  const char *behalf;
  *reason = NULL;
  int rc = case_begin(env, actor, id, &open, &behalf, reason);
  if (rc)
    return rc;
  if (c->picked_up_at || strcmp(c->status, "closed") != 0)
    rc = refuse(reason, "case_err_pickup", ST_INVALID);
  if (!rc)
    rc = store_case_set_pickup(env->store, id, env->now);
  if (!rc)
    rc = case_event(env, actor, c->id, "picked_up", "", "", "", true, behalf, NULL);
  return case_finish(env, rc, &open);
}

/* ---- the deadline scan ----------------------------------------------------------------- */

/* c is a row of store_case_open: an open case whose clock runs ({id, office_id, due_at,
 * due_state}); its due state is recorded when the calendar says it has moved. */
static int scan_one(const struct case_env *env, const struct case_record *c, int64_t *changed)
{
  if (!c->due_at)
    return ST_OK;
  enum calendar_due due;
  int rc = calendar_due_state(cases_calendar(), NULL, env->now, (time_t)c->due_at, &due);
  const char *state = calendar_due_name(due);
  if (rc || !strcmp(state, c->due_state))
    return rc;
  static const struct case_actor system = {0, 0, 0, 0, "system", "scanner"};
  rc = store_begin(env->store);
  if (rc)
    return rc;
  bool moved = false;
  rc = store_case_set_due_state(env->store, c->id, c->due_state, state, &moved);
  if (!rc && moved && due != CALENDAR_ON_TIME)
    rc = case_event(env, &system, c->id, state, "", "", "", false, NULL, NULL);
  if (!rc && moved && due == CALENDAR_OVERDUE)
    rc = notify_event_counted(env, c, "overdue", NULL, NULL);
  if (rc || !moved) {
    store_rollback(env->store);
    return rc;
  }
  (*changed)++;
  return store_commit(env->store);
}

/* Reminds the applicant once when a completed case has waited CASE_PICKUP_REMINDER_DAYS
 * without being picked up. The case is marked reminded in the same transaction, which takes it
 * out of the index the next scans read; a case another node reminded first is left alone. */
static int remind_one(const struct case_env *env, const struct case_record *c, int64_t *changed)
{
  static const struct case_actor system = {0, 0, 0, 0, "system", "scanner"};
  bool moved = false;
  int rc = store_begin(env->store);
  if (rc)
    return rc;
  rc = store_case_set_pickup_reminded(env->store, c->id, env->now, &moved);
  if (!rc && moved)
    rc = case_event(env, &system, c->id, "not_picked_up", "", "", "", false, NULL, NULL);
  if (!rc && moved)
    rc = notify_event_counted(env, c, "not_picked_up", NULL, NULL);
  if (rc || !moved) {
    store_rollback(env->store);
    return rc;
  }
  (*changed)++;
  return store_commit(env->store);
}

/* Walks the cases a query returns in id order, 500 at a time, visiting each. */
typedef int (*case_batch_fn)(const struct case_env *env, int64_t after, json_t **rows);
typedef int (*case_visit_fn)(const struct case_env *env, const struct case_record *c,
                             int64_t *changed);

static int each_case(const struct case_env *env, case_batch_fn batch, case_visit_fn visit,
                     int64_t *changed)
{
  int64_t after = 0;
  for (;;) {
    json_t *rows;
    int rc = batch(env, after, &rows);
    if (rc)
      return rc;
    size_t i, n = json_array_size(rows);
    json_t *row;
    json_array_foreach(rows, i, row)
    {
      struct case_record c;
      case_record_of(row, &c);
      rc = visit(env, &c, changed);
      after = c.id;
      if (rc)
        break;
    }
    json_decref(rows);
    if (rc || n < 500)
      return rc;
  }
}

static int open_batch(const struct case_env *env, int64_t after, json_t **rows)
{
  return store_case_open(env->store, after, 500, rows);
}

static int unpicked_batch(const struct case_env *env, int64_t after, json_t **rows)
{
  int64_t before = (int64_t)env->now - CASE_PICKUP_REMINDER_DAYS * 86400;
  return store_case_unpicked(env->store, before, after, 500, rows);
}

int cases_scan(const struct case_env *env, int64_t *changed)
{
  *changed = 0;
  int rc = each_case(env, open_batch, scan_one, changed);
  return rc ? rc : each_case(env, unpicked_batch, remind_one, changed);
}

static bool is_handler(struct store *store, int64_t office_id, int64_t id)
{
  json_t *user;
  if (id <= 0 || store_user_get(store, office_id, id, &user))
    return false;
  bool ok = (case_int(user, "roles") & ROLE_HANDLER) && !case_int(user, "disabled");
  json_decref(user);
  return ok;
}

/* A delegation's days: real dates, the end not before the start, neither more than
 * CASE_DATE_AHEAD_DAYS from today (a stand-in is named for a leave, not for years). */
static bool delegation_dates_ok(const char *starts_on, const char *ends_on, time_t now)
{
  struct civil_date today = civil_taipei(now).date, from, to;
  int64_t first = civil_to_days(today) - CASE_DATE_AHEAD_DAYS;
  int64_t last = civil_to_days(today) + CASE_DATE_AHEAD_DAYS;
  if (!clock_date_valid(starts_on) || !clock_date_valid(ends_on) ||
      civil_parse_iso(str_from(starts_on), &from) || civil_parse_iso(str_from(ends_on), &to))
    return false;
  int64_t a = civil_to_days(from), b = civil_to_days(to);
  return a <= b && a >= first && b <= last;
}

int cases_delegate(const struct case_env *env, const struct case_actor *actor, int64_t user_id,
                   int64_t delegate_id, const char *starts_on, const char *ends_on, const char *why,
                   const char **reason, const char **field)
{
  *reason = NULL;
  *field = NULL;
  if (!(actor->roles & ROLE_SUPERVISOR))
    return refuse(reason, "case_err_supervisor_only", ST_FORBIDDEN);
  *field = "user_id";
  if (!is_handler(env->store, actor->office_id, user_id))
    return refuse(reason, "case_err_handler", ST_INVALID);
  *field = "delegate_id";
  if (delegate_id == user_id || !is_handler(env->store, actor->office_id, delegate_id))
    return refuse(reason, "case_err_delegate", ST_INVALID);
  *field = "starts_on";
  if (!delegation_dates_ok(starts_on, ends_on, env->now))
    return refuse(reason, "case_err_dates", ST_INVALID);
  *field = "note";
  if (!case_note_ok(why, false))
    return refuse(reason, "case_err_note", ST_INVALID);
  int rc = store_begin(env->store);
  if (rc)
    return rc;
  rc = store_delegation_add(env->store, actor->office_id, user_id, delegate_id, starts_on, ends_on,
                            why ? why : "");
  struct audit_actor a = {actor->office_id, actor->user_id, actor->username, actor->ip};
  json_t *detail = json_pack("{s:I, s:I, s:s, s:s}", "user_id", (json_int_t)user_id, "delegate_id",
                             (json_int_t)delegate_id, "starts_on", starts_on, "ends_on", ends_on);
  if (!rc)
    rc = audit_record(env->store, &a, "case.delegate", "user", "", detail);
  json_decref(detail);
  if (rc) {
    store_rollback(env->store);
    return rc;
  }
  return store_commit(env->store);
}

static bool time_of_day_ok(const char *t)
{
  return t && strlen(t) == 5 && t[2] == ':' && t[0] >= '0' && t[0] <= '2' && t[1] >= '0' &&
         t[1] <= '9' && t[3] >= '0' && t[3] <= '5' && t[4] >= '0' && t[4] <= '9' &&
         (t[0] < '2' || t[1] <= '3');
}

/* "" or an https:// link without spaces or quotes, at most 300 bytes. */
static bool map_url_ok(const char *u)
{
  if (!u || !*u)
    return true;
  if (strncmp(u, "https://", 8) != 0 || strlen(u) > 300 || strlen(u) < 12)
    return false;
  for (const char *p = u; *p; p++)
    if ((unsigned char)*p <= ' ' || *p == '"' || *p == '<' || *p == '>' || *p == '\\')
      return false;
  return true;
}

static int appointment_checked(const struct case_actor *actor, const struct case_appointment *a,
                               const char *today, const char **reason)
{
  if (!cases_may_manage_dates(actor))
    return refuse(reason, "case_err_transition", ST_FORBIDDEN);
  if (!date_ok(a->date, today) || !time_of_day_ok(a->time_of_day))
    return refuse(reason, "case_err_appointment_when", ST_INVALID);
  if (!a->place || !*a->place || !case_note_ok(a->place, false) || text_length(a->place) > 100)
    return refuse(reason, "case_err_appointment_place", ST_INVALID);
  if (a->officer && (!case_note_ok(a->officer, false) || text_length(a->officer) > 60))
    return refuse(reason, "case_err_appointment_officer", ST_INVALID);
  if (!map_url_ok(a->map_url))
    return refuse(reason, "case_err_appointment_map", ST_INVALID);
  return ST_OK;
}

int cases_appointment_set(const struct case_env *env, const struct case_actor *actor, int64_t id,
                          const struct case_appointment *a, const char **reason)
{
  struct case_open open;
  struct case_record *c = &open.c;
  const char *behalf;
  char today[11];
  int64_t before = 0;
  *reason = NULL;
  civil_taipei_iso(env->now, today);
  if (!cases_may_manage_dates(actor))
    return refuse(reason, "case_err_transition", ST_FORBIDDEN);
  int rc = case_begin(env, actor, id, &open, &behalf, reason); /* the case's access first */
  if (rc)
    return rc;
  rc = appointment_checked(actor, a, today, reason);
  if (!rc)
    rc = store_case_event_count(env->store, id, "appointment_set", &before);
  const char *kind = before ? "appointment_postponed" : "appointment_set";
  json_t *data =
      json_pack("{s:s, s:s, s:s}", "date", a->date, "time", a->time_of_day, "place", a->place);
  if (data && a->officer && *a->officer)
    json_object_set_new(data, "officer", json_string(a->officer));
  if (data && a->map_url && *a->map_url)
    json_object_set_new(data, "map_url", json_string(a->map_url));
  if (!rc)
    rc =
        data ? case_event(env, actor, c->id, kind, "", "", a->place, true, behalf, data) : ST_NOMEM;
  if (!rc)
    rc = notify_event_counted(env, c, kind, data, NULL);
  json_decref(data);
  return case_finish(env, rc, &open);
}

int cases_appointment(const struct case_env *env, const struct case_actor *actor, int64_t id,
                      const char *date, const char *time_of_day, const char *place,
                      const char **reason)
{
  struct case_appointment a = {date, time_of_day, place, "", ""};
  return cases_appointment_set(env, actor, id, &a, reason);
}
