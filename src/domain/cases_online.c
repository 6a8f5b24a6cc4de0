/*
 * cases_online.c - cases submitted without a clerk (cases.h cases_submit_online): the same
 * intake as at the counter (number, check code, deadline, handler by round robin, the
 * "received" notice), with no staff member behind it. The actor is the channel itself.
 *
 * This is the minimal version the open311 branch needs; the apply branch owns the full one
 * (which also keeps the answers and the description on the case). Until they are joined, API
 * clients' answers and descriptions are kept in api_requests (domain/open311.c).
 */
#include <string.h>

#include "domain/cases.h"

#include "base/common.h"

static const char *notify_for(const struct online_submission *in)
{
  bool mail = in->email && *in->email, sms = in->phone && *in->phone;
  return mail && sms ? "both" : mail ? "email" : sms ? "sms" : "none";
}

static bool online_capable(const struct case_env *env, const struct online_submission *in)
{
  json_t *service = NULL;
  bool ok = false;
  if (store_service_get(env->store, in->office_id, in->service_id, NULL, &service) == ST_OK) {
    json_t *pub = json_object_get(service, "published");
    json_t *online = json_object_get(service, "online_capable");
    ok = (json_is_true(pub) || json_integer_value(pub)) &&
         (json_is_true(online) || json_integer_value(online));
  }
  json_decref(service);
  return ok;
}

int cases_submit_online(const struct case_env *env, const struct online_submission *in,
                        struct intake_result *out, const char **reason)
{
  const char *field = NULL;
  memset(out, 0, sizeof(*out));
  *reason = NULL;
  if (!in->channel || (strcmp(in->channel, "online") != 0 && strcmp(in->channel, "api") != 0)) {
    *reason = "case_err_channel";
    return ST_INVALID;
  }
  if (!online_capable(env, in)) {
    *reason = "case_err_service";
    return ST_INVALID;
  }
  struct case_actor actor = {0, in->office_id, 0, 0, in->channel, ""};
  struct intake_input intake = {
      .service_id = in->service_id,
      .applicant_name = in->applicant_name ? in->applicant_name : "",
      .applicant_id = "",
      .applicant_phone = in->phone ? in->phone : "",
      .applicant_email = in->email ? in->email : "",
      .notify = notify_for(in),
      .channel = in->channel,
      .lang = in->lang,
      .documents = NULL,
      .handler_id = 0,
  };
  return cases_intake(env, &actor, &intake, out, reason, &field);
}
