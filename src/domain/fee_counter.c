/*
 * fee_counter.c - counter intake with the schedule's fee (fee_counter.h).
 */
#include "domain/fee_counter.h"

#include <string.h>

#include "base/arena.h"
#include "base/str.h"
#include "base/text.h"
#include "domain/audit.h"
#include "domain/cases_internal.h"
#include "domain/directory.h"
#include "domain/fee_schedule.h"
#include "domain/payment.h"
#include "store/store.h"

#include "base/common.h"

enum { FEE_ARENA_BYTES = 4096 }; /* holds only the directory snapshot's hold */

/* The intake form's field for an input key (static strings: *field outlives the call). */
static const char *form_field(const char *key)
{
  static const struct {
    const char *key, *field;
  } fields[] = {
      {"copies", "fee_copies"},
      {"manual_copies", "fee_manual_copies"},
      {"sheets", "fee_sheets"},
      {"parcels", "fee_parcels"},
      {"buildings", "fee_buildings"},
      {"area_m2", "fee_area_m2"},
      {"floor_area_m2", "fee_floor_area_m2"},
      {"points", "fee_points"},
      {"segments", "fee_segments"},
      {"minutes", "fee_minutes"},
      {"declared_value", "fee_declared_value"},
      {"months_late", "fee_months_late"},
      {"waiver", "fee_waiver"},
  };
  for (size_t i = 0; key && i < ARRAY_LEN(fields); i++)
    if (strcmp(fields[i].key, key) == 0)
      return fields[i].field;
  return "service_id";
}

static int refuse(const char **reason, const char **field, const char *r, const char *f)
{
  *reason = r;
  *field = f;
  return ST_INVALID;
}

static const char *chosen_waiver(const json_t *answers)
{
  const char *w = json_string_value(json_object_get(answers, "waiver"));
  return w && *w ? w : NULL;
}

/* The waiver line of the working (its label and legal basis), for the audit row. */
static json_t *waiver_detail(json_t *working, const char *waiver, const char *why, int64_t amount)
{
  json_t *lines = json_object_get(working, "lines"), *line, *found = NULL;
  size_t i;
  json_array_foreach(lines, i, line) if (strcmp(json_string_value(json_object_get(line, "id")),
                                                waiver) == 0) found = line;
  return json_pack("{s:s, s:s, s:O?, s:O?, s:I}", "waiver", waiver, "reason", why, "source",
                   json_object_get(found, "source"), "waived", json_object_get(found, "amount"),
                   "amount", (json_int_t)amount);
}

static int audit_waiver(const struct case_env *env, const struct case_actor *actor,
                        const char *case_key, json_t *working, const struct fee_counter_input *fee,
                        int64_t amount)
{
  struct audit_actor who = {actor->office_id, actor->user_id, actor->username, actor->ip};
  json_t *detail = waiver_detail(working, chosen_waiver(fee->answers), fee->waiver_reason, amount);
  int rc = detail ? audit_record(env->store, &who, "payment.fee_waiver", "case", case_key, detail)
                  : ST_NOMEM;
  json_decref(detail);
  return rc;
}

static int check_waiver_reason(const struct fee_counter_input *fee, const char **reason,
                               const char **field)
{
  const char *why = fee->waiver_reason ? fee->waiver_reason : "";
  if (!chosen_waiver(fee->answers))
    return ST_OK;
  if (!str_trim(str_from(why)).len)
    return refuse(reason, field, "fee_err_waiver_reason", "fee_waiver_reason");
  if (!str_valid_text(str_from(why), false) || text_length(why) > FEE_WAIVER_REASON_MAX)
    return refuse(reason, field, "fee_err_waiver_reason_long", "fee_waiver_reason");
  return ST_OK;
}

/* The service's record from the in-memory directory (read only, held until arena is freed),
 * NULL when the directory has none of that office (the case was just taken in on it). */
static json_t *service_record(const struct case_env *env, struct arena *arena, int64_t office_id,
                              int64_t service_id)
{
  const struct directory *dir = NULL;
  if (!arena || directory_acquire(env->store, arena, &dir))
    return NULL;
  const struct dir_service *s = directory_service(dir, service_id);
  return s && s->office_id == office_id ? (json_t *)s->record : NULL;
}

/* What the case owes under service's schedule (a non-empty one), inside the transaction. */
static int owe_on(const struct case_env *env, const struct case_actor *actor,
                  const struct fee_counter_input *fee, json_t *service,
                  const struct intake_result *taken, const char **reason, const char **field)
{
  /* the case just taken in is named by the intake itself, not read again */
  json_t *working = NULL;
  struct fee_error e = {0};
  int64_t amount = 0;
  int rc = ST_OK;
  if (payment_fee_on(service, fee->answers, civil_taipei(env->now).date, true, &amount, &working,
                     &e))
    rc = refuse(reason, field, e.reason_key ? e.reason_key : "fee_err_number", form_field(e.field));
  /* nothing owed and nothing waived: no fee row, as before schedules */
  if (!rc && working && (amount > 0 || chosen_waiver(fee->answers)))
    rc = payment_set_due_worked(env->store, actor->office_id, taken->case_id, amount, env->now,
                                actor->username, actor->user_id, working);
  if (!rc && working && chosen_waiver(fee->answers))
    rc = audit_waiver(env, actor, taken->case_key, working, fee, amount);
  json_decref(working);
  return rc;
}

/* After the case is in: what it owes under the service's schedule. A service without a
 * schedule owes nothing here (no fee row, as before schedules). Neither the case nor the
 * service is read again from the database. */
static int owe(const struct case_env *env, const struct case_actor *actor,
               const struct fee_counter_input *fee, int64_t service_id,
               const struct intake_result *taken, const char **reason, const char **field)
{
  struct arena *arena = arena_new(FEE_ARENA_BYTES);
  json_t *service = service_record(env, arena, actor->office_id, service_id);
  int rc = service ? ST_OK : ST_NOTFOUND;
  if (!rc && json_array_size(json_object_get(service, "fee_schedule")))
    rc = owe_on(env, actor, fee, service, taken, reason, field);
  arena_free(arena);
  return rc;
}

int fee_counter_intake(const struct case_env *env, const struct case_actor *actor,
                       const struct intake_input *in, const struct fee_counter_input *fee,
                       struct intake_result *out, const char **reason, const char **field)
{
  memset(out, 0, sizeof(*out));
  *reason = NULL;
  *field = NULL;
  int rc = case_intake_check(in, reason, field);
  if (!rc)
    rc = check_waiver_reason(fee, reason, field);
  if (rc)
    return rc;
  rc = store_begin(env->store);
  if (rc)
    return rc;
  rc = case_intake_in_tx(env, actor, in, out, reason, field);
  if (!rc)
    rc = owe(env, actor, fee, in->service_id, out, reason, field);
  if (rc) {
    store_rollback(env->store);
    memset(out, 0, sizeof(*out));
    return rc;
  }
  return store_commit(env->store);
}
