/*
 * case_corrections.c - corrections (補正) that need a supervisor's approval: the handler asks
 * (with the items and a reason), the request waits in the supervisor's work list ("awaiting my
 * approval"), the supervisor approves (the correction is issued with the asked items, in the same
 * step) or refuses (with a reason), and the handler is told (the timeline and the "decisions
 * waiting for you" count until noted). The office setting CASES_CORRECTION_APPROVAL makes every
 * correction need approval; the count of second corrections by month is an indicator.
 *
 * The state lives in cases.second_correction_approved (store.h: 0 none, 1 approved, 2 asked,
 * 3 refused, 4 approved and issued); the asked items and reason in the "correction_asked" event.
 */
#include <stdlib.h>
#include <string.h>

#include "base/civil.h"
#include "domain/accounts.h"
#include "domain/audit.h"
#include "domain/cases_internal.h"
#include "store/store.h"

#include "base/common.h"

enum { APPROVAL_NONE, APPROVAL_GRANTED, APPROVAL_ASKED, APPROVAL_REFUSED, APPROVAL_ISSUED };

static int refuse(const char **reason, const char *key, int st)
{
  *reason = key;
  return st;
}

int cases_correction_approval_get(struct store *store, int64_t office_id, bool *on)
{
  char *value = NULL;
  int rc = store_setting_get(store, office_id, CASES_CORRECTION_APPROVAL, &value);
  *on = rc == ST_OK && value && !strcmp(value, "1");
  free(value);
  return rc == ST_NOTFOUND ? ST_OK : rc;
}

int cases_correction_approval_set(struct store *store, const struct audit_actor *who, bool on)
{
  int rc = store_begin(store);
  if (rc)
    return rc;
  rc = store_setting_put(store, who->office_id, CASES_CORRECTION_APPROVAL, on ? "1" : "0");
  if (!rc)
    rc = audit_record(store, who, "settings.correction_approval", "office", on ? "1" : "0", NULL);
  if (rc) {
    store_rollback(store);
    return rc;
  }
  return store_commit(store);
}

int case_correction_needs_approval(const struct case_env *env, const struct case_record *c,
                                   bool *needed)
{
  bool office = false;
  int rc = ST_OK;
  *needed = false;
  if (c->second_correction_approved == APPROVAL_GRANTED)
    return ST_OK;
  if (c->correction_count >= 1)
    *needed = true;
  else
    rc = cases_correction_approval_get(env->store, c->office_id, &office);
  *needed = *needed || office;
  return rc;
}

/* Whether the actor may ask about c now: nothing asked yet, a correction possible from the
 * case's step (the workflow's move to "correction" for the actor's roles), and an approval
 * needed. */
static int ask_allowed(const struct case_env *env, const struct case_actor *actor,
                       const struct case_record *c, const char **reason)
{
  bool needed = false;
  const struct workflow *wf = case_workflow(env, c);
  if (c->second_correction_approved == APPROVAL_ASKED)
    return refuse(reason, "case_err_correction_asked", ST_INVALID);
  if (!workflow_transition(wf, c->status, "correction", actor->roles))
    return refuse(reason, "case_err_transition", ST_FORBIDDEN);
  int rc = case_correction_needs_approval(env, c, &needed);
  if (!rc && !needed)
    rc = refuse(reason, "case_err_correction_no_approval", ST_INVALID);
  return rc;
}

int cases_correction_ask(const struct case_env *env, const struct case_actor *actor, int64_t id,
                         json_t *items, const char *note, const char **reason)
{
  struct case_open open;
  struct case_record *c = &open.c;
  const char *behalf;
  *reason = NULL;
  if (!(actor->roles & ROLE_HANDLER))
    return refuse(reason, "case_err_transition", ST_FORBIDDEN);
  if (!case_items_ok(items))
    return refuse(reason, "case_err_correction_items", ST_INVALID);
  if (!case_note_ok(note, true))
    return refuse(reason, "case_err_correction_ask_reason", ST_INVALID);
  int rc = case_begin(env, actor, id, &open, &behalf, reason);
  if (rc)
    return rc;
  rc = ask_allowed(env, actor, c, reason);
  json_t *data =
      rc ? NULL
         : json_pack("{s:O, s:I}", "items", items, "number", (json_int_t)c->correction_count + 1);
  if (!rc && !data)
    rc = ST_NOMEM;
  if (!rc)
    rc = case_event(env, actor, c->id, "correction_asked", "", "", note, false, behalf, data);
  if (!rc)
    rc = store_case_set_correction_approval(env->store, id, APPROVAL_ASKED, env->now);
  json_decref(data);
  return case_finish(env, rc, &open);
}

/* The items of the case's last "correction_asked" event (a new reference), or NULL. */
static json_t *asked_items(const struct case_env *env, int64_t id)
{
  json_t *events = NULL, *items = NULL, *e;
  size_t i;
  if (store_case_events(env->store, id, false, &events))
    return NULL;
  json_array_foreach(events, i, e)
  {
    if (strcmp(case_text(e, "kind"), "correction_asked") != 0)
      continue;
    json_t *data = json_loads(case_text(e, "data"), 0, NULL);
    json_decref(items);
    items = json_incref(json_object_get(data, "items"));
    json_decref(data);
  }
  json_decref(events);
  return items;
}

/* Approval: the decision on the timeline, then the correction with the asked items. */
static int approve(const struct case_env *env, const struct case_actor *actor,
                   struct case_record *c, const char *note, const char *behalf, const char **reason)
{
  int64_t id = c->id;
  json_t *items = asked_items(env, id);
  int rc = case_items_ok(items) ? ST_OK : ST_INVALID;
  if (!rc)
    rc = case_event(env, actor, c->id, "correction_approved", "", "", note, false, behalf, NULL);
  if (!rc)
    rc = case_issue_correction(env, actor, c, items, NULL, behalf, reason);
  if (!rc)
    rc = store_case_set_correction_approval(env->store, id, APPROVAL_ISSUED, env->now);
  json_decref(items);
  return rc;
}

int cases_correction_decide(const struct case_env *env, const struct case_actor *actor, int64_t id,
                            bool approved, const char *note, const char **reason)
{
  struct case_open open;
  struct case_record *c = &open.c;
  const char *behalf;
  *reason = NULL;
  if (!(actor->roles & ROLE_SUPERVISOR))
    return refuse(reason, "case_err_supervisor_only", ST_FORBIDDEN);
  if (!approved && !case_note_ok(note, true))
    return refuse(reason, "case_err_correction_refuse_reason", ST_INVALID);
  int rc = case_begin(env, actor, id, &open, &behalf, reason);
  if (rc)
    return rc;
  if (c->second_correction_approved != APPROVAL_ASKED)
    rc = refuse(reason, "case_err_nothing_to_approve", ST_INVALID);
  if (!rc && approved)
    rc = approve(env, actor, c, note, behalf, reason);
  if (!rc && !approved)
    rc = case_event(env, actor, c->id, "correction_refused", "", "", note, false, behalf, NULL);
  if (!rc && !approved)
    rc = store_case_set_correction_approval(env->store, id, APPROVAL_REFUSED, env->now);
  return case_finish(env, rc, &open);
}

int cases_correction_noted(const struct case_env *env, const struct case_actor *actor, int64_t id,
                           const char **reason)
{
  struct case_open open;
  struct case_record *c = &open.c;
  const char *behalf;
  *reason = NULL;
  int rc = case_begin(env, actor, id, &open, &behalf, reason);
  if (rc)
    return rc;
  int64_t state = c->second_correction_approved;
  if (state != APPROVAL_REFUSED && state != APPROVAL_ISSUED)
    rc = refuse(reason, "case_err_nothing_to_note", ST_INVALID);
  if (!rc)
    rc = store_case_set_correction_approval(env->store, id, APPROVAL_NONE, env->now);
  return case_finish(env, rc, &open);
}

/* ---- the indicator: second corrections by month ------------------------------------------- */

static int64_t month_index(time_t t)
{
  struct civil_date d = civil_taipei(t).date;
  return (int64_t)d.year * 12 + (d.month - 1);
}

int cases_second_corrections_by_month(struct store *store, int64_t office_id, time_t from,
                                      time_t to, struct case_month_count *out, size_t max,
                                      size_t *count)
{
  json_t *rows = NULL, *row;
  size_t i;
  *count = 0;
  if (to <= from)
    return ST_INVALID;
  int64_t first = month_index(from), last = month_index(to - 1);
  if (last - first + 1 > (int64_t)max)
    return ST_LIMIT;
  for (int64_t m = first; m <= last; m++)
    out[(*count)++] = (struct case_month_count){(int)(m / 12), (int)(m % 12) + 1, 0};
  int rc = store_case_second_corrections(store, office_id, from, to, &rows);
  json_array_foreach(rows, i, row)
  {
    int64_t m = month_index((time_t)case_int(row, "at")) - first;
    if (m >= 0 && m < (int64_t)*count)
      out[m].count++;
  }
  json_decref(rows);
  if (rc)
    *count = 0;
  return rc;
}
