/*
 * fee_quote.c - a service's fee schedule and its computation for the pages (fee_quote.h).
 */
#include "domain/fee_quote.h"

#include <string.h>

#include "domain/directory.h"

#include "base/common.h"

static void list_services(const struct directory *dir, int64_t office_id, struct fee_quote *out)
{
  size_t count = 0;
  const struct dir_service *s = directory_services(dir, office_id, &count);
  for (size_t i = 0; i < count && out->service_count < FEE_QUOTE_SERVICES_MAX; i++) {
    if (!s[i].published)
      continue;
    const json_t *schedule = json_object_get(s[i].record, "fee_schedule");
    out->services[out->service_count++] = (struct fee_quote_service){
        s[i].slug, s[i].name_zh, s[i].name_en, json_array_size(schedule) > 0};
  }
}

static void list_waivers(struct fee_quote *out, struct civil_date today)
{
  for (size_t i = 0; i < out->schedule.count && out->waiver_count < FEE_QUOTE_WAIVERS_MAX; i++) {
    const struct fee_item *it = &out->schedule.items[i];
    if (it->kind == FEE_WAIVER && fee_item_in_effect(it, today))
      out->waivers[out->waiver_count++] = it;
  }
}

static int choose(const struct dir_service *s, struct civil_date today, struct fee_quote *out)
{
  char why[FEE_WHY_MAX];
  if (!s || !s->published)
    return ST_NOTFOUND;
  out->slug = s->slug;
  out->name_zh = s->name_zh;
  out->name_en = s->name_en;
  out->fee_zh = s->fee_zh;
  out->fee_en = s->fee_en;
  out->service_id = s->id;
  /* the store checked the schedule when it was saved; one that no longer parses counts as none */
  if (fee_schedule_parse(json_object_get(s->record, "fee_schedule"), &out->schedule, why,
                         sizeof(why)))
    memset(&out->schedule, 0, sizeof(out->schedule));
  out->has_schedule = out->schedule.count > 0;
  out->input_count = fee_schedule_inputs(&out->schedule, today, out->inputs, FEE_QUOTE_INPUTS_MAX);
  list_waivers(out, today);
  return ST_OK;
}

static int compute(const json_t *answers, struct civil_date today, bool allow_waiver,
                   struct fee_quote *out)
{
  json_t *copy = NULL;
  if (!allow_waiver && json_object_get(answers, "waiver")) {
    if (!(copy = json_deep_copy(answers)))
      return ST_NOMEM;
    json_object_del(copy, "waiver");
  }
  int rc = fee_compute(&out->schedule, copy ? copy : answers, today, &out->work, &out->error);
  json_decref(copy);
  out->computed = rc == ST_OK;
  return rc == ST_LIMIT ? ST_INVALID : rc;
}

int fee_quote_read(struct store *store, struct arena *arena, int64_t office_id, const char *slug,
                   const json_t *answers, struct civil_date today, bool allow_waiver,
                   struct fee_quote *out)
{
  const struct directory *dir = NULL;
  memset(out, 0, sizeof(*out));
  int rc = directory_acquire(store, arena, &dir);
  if (rc)
    return rc;
  list_services(dir, office_id, out);
  if (!slug || !*slug)
    return ST_OK;
  rc = choose(directory_service_by_slug(dir, office_id, slug), today, out);
  if (!rc && answers && out->has_schedule)
    rc = compute(answers, today, allow_waiver, out);
  return rc;
}
