/*
 * case_views.c - who of the staff may see a case, and its row for the staff read
 * (case_staff_read.c) with the applicant's data unsealed; the view is said in the audit trail.
 * The public's view is case_read.c's.
 */
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
bool case_may_view(const struct case_env *env, const struct case_actor *actor,
                   const struct case_record *c)
{
  const char *behalf;
  if (actor->roles & (ROLE_CLERK | ROLE_SUPERVISOR))
    return true;
  if (actor->unit_id && c->unit_id == actor->unit_id)
    return true;
  return case_may_act(env, actor, c, &behalf) == ST_OK;
}

int case_view_open(const struct case_env *env, const struct case_actor *actor, int64_t id,
                   json_t **row, struct case_record *c)
{
  *row = NULL;
  if (!(actor->roles & (ROLE_CLERK | ROLE_HANDLER | ROLE_SUPERVISOR)))
    return ST_FORBIDDEN;
  int rc = store_case_get(env->store, actor->office_id, id, row);
  if (!rc)
    case_record_of(*row, c);
  if (!rc && !case_may_view(env, actor, c))
    rc = ST_FORBIDDEN;
  if (rc) {
    json_decref(*row);
    *row = NULL;
  }
  return rc;
}

int case_staff_row(const struct case_env *env, const struct case_actor *actor, int64_t id,
                   json_t **out)
{
  json_t *c = NULL, *events = NULL, *who = NULL;
  struct case_record r;
  int rc = case_view_open(env, actor, id, &c, &r);
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

int case_staff_viewed(const struct case_env *env, const struct case_actor *actor,
                      const struct case_record *c)
{
  struct audit_actor a = {actor->office_id, actor->user_id, actor->username, actor->ip};
  return audit_record(env->store, &a, "person.view", "case", c->case_key, NULL);
}
