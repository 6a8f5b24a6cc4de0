/*
 * cases_online.c - cases that arrive without a clerk: the online journey (channel "online")
 * and the APIs (channel "api"). The case is taken in exactly as at the counter (numbering,
 * deadline, unit, handler, timeline, the "received" notice) with a non-staff actor named
 * after the channel and the applicant's masked contact; the answers and description are kept
 * on the case. Also the applicant's withdrawal before review starts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "base/text.h"
#include "domain/accounts.h"
#include "domain/audit.h"
#include "domain/cases_internal.h"
#include "domain/form.h"
#include "domain/fee_schedule.h"
#include "domain/notify.h"
#include "domain/payment.h"
#include "domain/personal.h"
#include "store/case_documents.h"
#include "store/store.h"

#include "base/common.h"

enum { DESCRIPTION_MAX_CHARS = FORM_TEXT_MAX };

static bool truthy(json_t *v)
{
  return json_is_true(v) || json_integer_value(v) != 0;
}

/* The actor's name in the timeline and the audit trail: "online application (w***@x.tw)". */
static void actor_name(const struct online_submission *in, char *out, size_t size)
{
  char masked[128] = "";
  if (in->email && *in->email)
    personal_mask_email(in->email, masked, sizeof(masked));
  else if (in->phone && *in->phone)
    personal_mask_phone(in->phone, masked, sizeof(masked));
  const char *what = in->channel && !strcmp(in->channel, "api") ? "api" : "online application";
  snprintf(out, size, *masked ? "%s (%s)" : "%s", what, masked);
}

static const char *notify_of(const struct online_submission *in)
{
  bool mail = in->email && *in->email, sms = in->phone && *in->phone;
  return mail && sms ? "both" : mail ? "email" : sms ? "sms" : "none";
}

/* Checks the service (published, online-capable, of the office) and the answers against its
 * form, inside the open transaction. *clean receives the normalised answers. */
static int check_service(const struct case_env *env, const struct online_submission *in,
                         json_t **clean, int64_t *fee, const char **reason)
{
  struct fee_error fee_why = {0};
  json_t *service = NULL;
  const char *bad = NULL;
  struct form_error why = {0};
  int rc = store_service_get(env->store, in->office_id, in->service_id, NULL, &service);
  if (rc == ST_NOTFOUND || (!rc && (!truthy(json_object_get(service, "published")) ||
                                    !truthy(json_object_get(service, "online_capable"))))) {
    *reason = "case_err_service";
    rc = ST_INVALID;
  }
  if (!rc && !form_answers(json_object_get(service, "questions"), in->answers, clean, &bad, &why)) {
    *reason = why.key ? why.key : "form_err_unknown";
    rc = ST_INVALID;
  }
  /* What the application owes at submission: the service's fee schedule (or fee_amount x
   * copies) for these answers; an applicant never picks a waiver. */
  if (!rc &&
      payment_fee_on(service, *clean, civil_taipei(env->now).date, false, fee, NULL, &fee_why)) {
    *reason = fee_why.reason_key ? fee_why.reason_key : "fee_err_number";
    rc = ST_INVALID;
  }
  json_decref(service);
  return rc;
}

static int check_input(const struct online_submission *in, const char **reason)
{
  static const char *const channels[] = {"online", "api"};
  bool channel_ok = false;
  for (size_t i = 0; in->channel && i < ARRAY_LEN(channels); i++)
    channel_ok = channel_ok || !strcmp(in->channel, channels[i]);
  const char *d = in->description ? in->description : "";
  *reason = NULL;
  if (!channel_ok)
    *reason = "case_err_channel";
  else if (!json_is_object(in->answers) && in->answers)
    *reason = "form_err_unknown";
  else if (*d && (!str_valid_text(str_from(d), true) || text_length(d) > DESCRIPTION_MAX_CHARS))
    *reason = "form_err_too_long";
  return *reason ? ST_INVALID : ST_OK;
}

/* The answers and description on the new case, and its channel as given ("api" cases are
 * marked as such for staff). */
static int keep_answers(const struct case_env *env, const struct online_submission *in,
                        json_t *clean, int64_t case_id)
{
  char *answers = json_dumps(clean ? clean : in->answers, JSON_COMPACT | JSON_SORT_KEYS);
  int rc = answers ? store_case_set_online(env->store, case_id, answers,
                                           in->description ? in->description : "")
                   : ST_NOMEM;
  if (!rc && strcmp(in->channel, "online") != 0)
    rc = store_case_set_channel(env->store, case_id, in->channel);
  if (!rc && strcmp(in->channel, "online") != 0) /* its documents record too (issue 20) */
    rc = store_case_documents_set_channel(env->store, case_id, in->channel);
  free(answers);
  return rc;
}

int case_submit_online_in_tx(const struct case_env *env, const struct online_submission *in,
                             struct intake_result *out, const char **reason)
{
  char who[160];
  json_t *clean = NULL;
  const char *field = NULL;
  int64_t fee = 0;
  memset(out, 0, sizeof(*out));
  int rc = check_input(in, reason);
  if (rc)
    return rc;
  actor_name(in, who, sizeof(who));
  struct case_actor actor = {0, in->office_id, 0, 0, who, "online"};
  struct intake_input intake = {in->service_id,
                                in->applicant_name && *in->applicant_name ? in->applicant_name
                                                                          : "-",
                                "",
                                in->phone ? in->phone : "",
                                in->email ? in->email : "",
                                notify_of(in),
                                "online",
                                in->lang,
                                NULL,
                                0,
                                0,
                                in->documents_online};
  rc = case_intake_check(&intake, reason, &field);
  if (!rc)
    rc = check_service(env, in, &clean, &fee, reason);
  if (!rc)
    rc = case_intake_in_tx(env, &actor, &intake, out, reason, &field);
  if (!rc && fee > 0)
    rc = payment_set_due(env->store, out->case_id, fee);
  if (!rc)
    rc = keep_answers(env, in, clean, out->case_id);
  json_decref(clean);
  return rc;
}

int cases_submit_online(const struct case_env *env, const struct online_submission *in,
                        struct intake_result *out, const char **reason)
{
  *reason = NULL;
  int rc = store_begin(env->store);
  if (rc)
    return rc;
  rc = case_submit_online_in_tx(env, in, out, reason);
  if (rc) {
    store_rollback(env->store);
    return rc;
  }
  return store_commit(env->store);
}

/* ---- withdrawal by the applicant ---------------------------------------------------------- */

bool cases_withdrawable(const struct case_record *c)
{
  return (!strcmp(c->channel, "online") || !strcmp(c->channel, "api")) &&
         !strcmp(c->status, "received");
}

int cases_withdraw_by_token(const struct case_env *env, const char *token, const char **reason)
{
  char hash[65];
  json_t *row = NULL;
  struct case_record c = {0};
  *reason = NULL;
  if (!token || strlen(token) != CASE_TOKEN_SIZE - 1)
    return ST_NOTFOUND;
  accounts_token_hash(token, hash);
  int rc = store_begin(env->store);
  if (rc)
    return rc;
  rc = store_case_by_token(env->store, hash, &row);
  if (!rc)
    case_record_of(row, &c);
  if (!rc && !cases_withdrawable(&c)) {
    *reason = "apply_err_not_withdrawable";
    rc = ST_INVALID;
  }
  struct case_actor actor = {0, c.office_id, 0, 0, "applicant", "online"};
  if (!rc)
    rc = store_case_set_status(env->store, c.id, "withdrawn", env->now, true);
  if (!rc)
    rc = case_event(env, &actor, c.id, "status", "received", "withdrawn", "", true, NULL, NULL);
  if (!rc)
    rc = store_case_set_clock(env->store, c.id, 0, "on_time", 0, c.extension_minutes, env->now);
  if (!rc) /* the confirmation, so a withdrawal nobody asked for does not go unnoticed */
    rc = notify_case_event(env->store, env->now, actor.office_id, c.id, "withdrawn", 1, NULL);
  struct audit_actor who = {actor.office_id, 0, "applicant", "online"};
  if (!rc)
    rc = audit_record(env->store, &who, "case.withdraw", "case", c.case_key, NULL);
  json_decref(row);
  if (rc) {
    store_rollback(env->store);
    return rc;
  }
  return store_commit(env->store);
}
