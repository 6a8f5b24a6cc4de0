/*
 * fee_counter.h - counter intake with the fee computed from the service's fee schedule
 * (issue 17): the case is taken in as cases_intake does and, in the same transaction, owes
 * what the schedule gives for the clerk's answers (parcels, areas, copies, declared value...),
 * with the working kept for the fee receipt. A clerk may apply one of the schedule's waivers
 * with a reason; the waiver, its legal basis and the reason are audited (payment.fee_waiver).
 * Services without a schedule are taken in as before (no fee is set).
 */
#ifndef BIANMIN_DOMAIN_FEE_COUNTER_H
#define BIANMIN_DOMAIN_FEE_COUNTER_H

#include <jansson.h>

#include "domain/cases.h"

enum { FEE_WAIVER_REASON_MAX = 200 }; /* characters */

struct fee_counter_input {
  const json_t *answers;     /* input key -> value (fee_schedule.h); "waiver" -> a waiver id */
  const char *waiver_reason; /* required with a waiver */
};

/* As cases_intake. *field names the intake form's input on a refusal: "fee_<input key>",
 * "fee_waiver" or "fee_waiver_reason" for the fee's. */
int fee_counter_intake(const struct case_env *env, const struct case_actor *actor,
                       const struct intake_input *in, const struct fee_counter_input *fee,
                       struct intake_result *out, const char **reason, const char **field);

#endif
