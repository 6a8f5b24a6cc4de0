/*
 * case_views.c - what staff and the public see of a case. Staff views unseal the applicant's
 * data and say so in the audit trail; the public view holds no personal data but the masked
 * name, and answers "not found" alike for a wrong number and a wrong check code.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "domain/accounts.h"
#include "domain/audit.h"
#include "domain/cases_internal.h"
#include "domain/personal.h"
#include "store/store.h"

#include "base/common.h"

static int unseal_into(json_t *out, const char *key, const char *sealed)
{
  char *plain = NULL;
  int rc = *sealed ? personal_open(sealed, &plain) : ST_OK;
  if (!rc && json_object_set_new(out, key, json_string(plain ? plain : "")))
    rc = ST_NOMEM;
  personal_free(plain);
  return rc;
}

static int applicant(json_t *c, json_t **out)
{
  json_t *a = json_object();
  int rc = a ? ST_OK : ST_NOMEM;
  if (!rc)
    rc = unseal_into(a, "name", case_text(c, "applicant_name"));
  if (!rc)
    rc = unseal_into(a, "id", case_text(c, "applicant_id"));
  if (!rc)
    rc = unseal_into(a, "phone", case_text(c, "applicant_phone"));
  if (!rc)
    rc = unseal_into(a, "email", case_text(c, "applicant_email"));
  if (rc) {
    json_decref(a);
    return rc;
  }
  *out = a;
  return ST_OK;
}

static const char *const sealed_fields[] = {"applicant_name",    "applicant_id",
                                            "applicant_phone",   "applicant_email",
                                            "applicant_id_hash", "applicant_name_hash"};

static void strip(json_t *c)
{
  for (size_t i = 0; i < ARRAY_LEN(sealed_fields); i++)
    json_object_del(c, sealed_fields[i]);
}

/* Least privilege for personal data: clerks (the counter answers any applicant) and
 * supervisors see the office's cases; a handler sees the cases they may act on (their own, or
 * those of someone they stand in for) and their unit's. */
bool case_may_view(const struct case_env *env, const struct case_actor *actor, json_t *c)
{
  const char *behalf;
  if (actor->roles & (ROLE_CLERK | ROLE_SUPERVISOR))
    return true;
  if (actor->unit_id && case_int(c, "unit_id") == actor->unit_id)
    return true;
  return case_may_act(env, actor, c, &behalf) == ST_OK;
}

/* Adds what the actor may do with c: "next_steps", "may_act", "acting_for". */
static int add_actions(const struct case_env *env, const struct case_actor *actor, json_t *c)
{
  const char *behalf = NULL;
  bool may_act = case_may_act(env, actor, c, &behalf) == ST_OK;
  const struct workflow *wf = case_workflow(env, c);
  const struct workflow_step *step = workflow_step(wf, case_text(c, "status"));
  json_t *steps =
      may_act ? workflow_next_steps(wf, case_text(c, "status"), actor->roles) : json_array();
  if (json_object_set_new(c, "next_steps", steps) ||
      json_object_set_new(c, "step_names", workflow_step_names(wf)) ||
      json_object_set_new(c, "step_appointment", json_boolean(step && step->appointment)) ||
      json_object_set_new(c, "may_act", json_boolean(may_act)) ||
      json_object_set_new(c, "acting_for", json_string(behalf ? behalf : "")))
    return ST_NOMEM;
  return ST_OK;
}

int case_staff_row(const struct case_env *env, const struct case_actor *actor, int64_t id,
                   json_t **out)
{
  json_t *c = NULL, *events = NULL, *who = NULL;
  if (!(actor->roles & (ROLE_CLERK | ROLE_HANDLER | ROLE_SUPERVISOR)))
    return ST_FORBIDDEN;
  int rc = store_case_get(env->store, actor->office_id, id, &c);
  if (!rc && !case_may_view(env, actor, c))
    rc = ST_FORBIDDEN;
  if (!rc)
    rc = applicant(c, &who);
  if (!rc && json_object_set_new(c, "applicant", who))
    rc = ST_NOMEM;
  if (!rc)
    rc = store_case_events(env->store, id, false, &events);
  if (!rc && json_object_set_new(c, "events", events))
    rc = ST_NOMEM;
  if (rc) {
    json_decref(c);
    return rc;
  }
  strip(c);
  *out = c;
  return ST_OK;
}

int case_staff_record(const struct case_env *env, const struct case_actor *actor, int64_t id,
                      json_t **out)
{
  json_t *c = NULL;
  int rc = case_staff_row(env, actor, id, &c);
  if (!rc)
    rc = add_actions(env, actor, c);
  if (rc) {
    json_decref(c);
    return rc;
  }
  *out = c;
  return ST_OK;
}

int case_staff_viewed(const struct case_env *env, const struct case_actor *actor, json_t *c)
{
  struct audit_actor a = {actor->office_id, actor->user_id, actor->username, actor->ip};
  return audit_record(env->store, &a, "person.view", "case", case_text(c, "case_key"), NULL);
}

int cases_get_for_staff(const struct case_env *env, const struct case_actor *actor, int64_t id,
                        json_t **out)
{
  json_t *c = NULL;
  int rc = case_staff_record(env, actor, id, &c);
  if (!rc)
    rc = case_staff_viewed(env, actor, c);
  if (rc) {
    json_decref(c);
    return rc;
  }
  *out = c;
  return ST_OK;
}

/* The applicant's history: the public events and every status move, the latter without its
 * note when the note was internal; never staff names. */
static json_t *public_events(json_t *all)
{
  json_t *events = json_array(), *e;
  size_t i;
  json_array_foreach(all, i, e)
  {
    bool shown = case_int(e, "public") != 0;
    if (!events || (!shown && strcmp(case_text(e, "kind"), "status") != 0))
      continue;
    if (!shown && (json_object_set_new(e, "note", json_string("")) ||
                   json_object_set_new(e, "data", json_string(""))))
      continue;
    json_object_del(e, "actor"); /* staff names are not for the public */
    json_object_del(e, "actor_id");
    json_object_del(e, "on_behalf_of");
    json_array_append(events, e);
  }
  json_decref(all);
  return events;
}

/* The public part of a case with its history. */
static int public_view(const struct case_env *env, json_t *c, json_t **out)
{
  json_t *all = NULL;
  int rc = store_case_events(env->store, case_int(c, "id"), false, &all);
  if (rc)
    return rc;
  json_t *events = public_events(all);
  static const char *const keep[] = {"office_id",
                                     "service_id",
                                     "unit_id",
                                     "roc_year",
                                     "word_code",
                                     "serial",
                                     "case_key",
                                     "status",
                                     "workflow",
                                     "channel",
                                     "counter",
                                     "received_at",
                                     "due_at",
                                     "due_state",
                                     "correction_items",
                                     "correction_deadline",
                                     "overdue_reason",
                                     "overdue_new_date",
                                     "fee_amount",
                                     "applicant_name_masked",
                                     "picked_up_at",
                                     "closed_at",
                                     "time_limit_minutes",
                                     "extension_minutes"};
  size_t i;
  json_t *view = events ? json_object() : NULL;
  for (i = 0; view && i < ARRAY_LEN(keep); i++)
    json_object_set(view, keep[i], json_object_get(c, keep[i]));
  if (view && strcmp(case_text(c, "status"), "correction") != 0) {
    json_object_del(view, "correction_items"); /* only while a correction is awaited */
    json_object_del(view, "correction_deadline");
  }
  if (!view || json_object_set_new(view, "events", events)) {
    json_decref(view ? NULL : events); /* set_new releases events itself when it fails */
    json_decref(view);
    return ST_NOMEM;
  }
  *out = view;
  return ST_OK;
}

int cases_public_by_number(const struct case_env *env, int64_t office_id, const char *number,
                           const char *check_code, json_t **out)
{
  struct case_number n;
  char key[CASE_KEY_SIZE], code[CASE_CHECK_CODE_LEN + 1];
  json_t *c;
  if (case_number_parse(number, &n) || case_check_code_parse(check_code, code) ||
      case_number_key(&n, key, sizeof(key)))
    return ST_NOTFOUND;
  int rc = store_case_by_key(env->store, office_id, key, &c);
  if (rc)
    return rc;
  const char *stored = case_text(c, "check_code");
  if (strlen(stored) != CASE_CHECK_CODE_LEN ||
      sodium_memcmp(stored, code, CASE_CHECK_CODE_LEN) != 0) {
    json_decref(c);
    return ST_NOTFOUND;
  }
  rc = public_view(env, c, out);
  json_decref(c);
  return rc;
}

int cases_public_by_token(const struct case_env *env, const char *token, json_t **out)
{
  char hash[65];
  json_t *c;
  if (!token || strlen(token) != CASE_TOKEN_SIZE - 1)
    return ST_NOTFOUND;
  accounts_token_hash(token, hash);
  int rc = store_case_by_token(env->store, hash, &c);
  if (rc)
    return rc;
  rc = public_view(env, c, out);
  json_decref(c);
  return rc;
}
