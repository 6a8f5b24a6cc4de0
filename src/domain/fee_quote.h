/*
 * fee_quote.h - what a service's fee schedule asks and what it computes to, for the pages that
 * show it: the public calculator (/o/{office}/tools/fees, "by service") and the counter intake.
 * One read from the in-memory directory (the schedule is part of the service's record, so the
 * directory's version moves when an admin edits it); no transaction is needed.
 */
#ifndef BIANMIN_DOMAIN_FEE_QUOTE_H
#define BIANMIN_DOMAIN_FEE_QUOTE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/civil.h"
#include "domain/fee_schedule.h"

struct store;
struct arena;

enum { FEE_QUOTE_SERVICES_MAX = 200, FEE_QUOTE_INPUTS_MAX = 16, FEE_QUOTE_WAIVERS_MAX = 8 };

struct fee_quote_service {
  const char *slug, *name_zh, *name_en;
  bool has_schedule;
};

struct fee_quote {
  /* the office's published services, in catalogue order, for the chooser */
  struct fee_quote_service services[FEE_QUOTE_SERVICES_MAX];
  size_t service_count;
  /* the chosen one (slug NULL when none was asked for or it is unknown) */
  const char *slug, *name_zh, *name_en, *fee_zh, *fee_en;
  int64_t service_id;
  bool has_schedule;
  struct fee_schedule schedule; /* points into the directory's record: lives with the arena */
  const struct fee_input_def *inputs[FEE_QUOTE_INPUTS_MAX];
  size_t input_count;
  const struct fee_item *waivers[FEE_QUOTE_WAIVERS_MAX];
  size_t waiver_count;
  /* computed when answers were given and the service has a schedule */
  bool computed;
  struct fee_work work;
  struct fee_error error; /* reason_key set when the answers were refused */
};

/* Fills *out for office_id's service `slug` (NULL: only the list) on `today`. With answers,
 * computes the fee (a "waiver" answer only when allow_waiver). ST_NOTFOUND for an unknown or
 * unpublished slug; ST_INVALID with out->error for refused answers (the rest of *out is filled
 * so the page can be shown again). */
int fee_quote_read(struct store *store, struct arena *arena, int64_t office_id, const char *slug,
                   const json_t *answers, struct civil_date today, bool allow_waiver,
                   struct fee_quote *out);

#endif
