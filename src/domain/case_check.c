/*
 * case_check.c - lifting a case's check-code lock (domain/case_read.h) before the day ends:
 * a staff-only timeline entry and an audit row in the same transaction.
 */
#include "base/arena.h"
#include "domain/audit.h"
#include "domain/case_read.h"
#include "domain/cases_internal.h"
#include "store/case_read.h"
#include "store/store.h"

#include "base/common.h"

int cases_check_unlock(const struct case_env *env, const struct case_actor *actor, int64_t id,
                       const char **reason)
{
  struct case_open open;
  struct case_record *c = &open.c;
  const char *behalf;
  bool was_locked = false;
  *reason = NULL;
  int rc = case_begin(env, actor, id, &open, &behalf, reason);
  if (rc)
    return rc;
  rc = store_case_check_unlock(env->store, id, &was_locked);
  if (!rc && !was_locked) {
    *reason = "case_err_check_not_locked";
    rc = ST_INVALID;
  }
  if (!rc)
    rc = case_event(env, actor, c->id, "check_unlocked", "", "", "", false, behalf, NULL);
  struct audit_actor a = {actor->office_id, actor->user_id, actor->username, actor->ip};
  if (!rc)
    rc = audit_record(env->store, &a, "case.check_unlock", "case", c->case_key, NULL);
  return case_finish(env, rc, &open);
}
