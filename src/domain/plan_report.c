/*
 * plan_report.c - the annual results report's data (plan.h, plan_report_read): the year with
 * its progress and evidence files, and the office's name. The document is written by render/
 * (render/odt.h) from what web makes of this (web/staff/plan_report.c).
 */
#include "domain/directory.h"
#include "domain/plan.h"

#include "base/common.h"

int plan_report_read(struct store *store, struct arena *arena, time_t now, int64_t office_id,
                     int roc_year, struct plan_report *out)
{
  const struct directory *dir = NULL;
  *out = (struct plan_report){0};
  int rc = plan_year_read(store, arena, now, office_id, roc_year, false, &out->year);
  if (!rc)
    rc = directory_acquire(store, arena, &dir);
  const struct dir_office *office = rc ? NULL : directory_office(dir, office_id);
  if (!rc && !office)
    rc = ST_NOTFOUND;
  if (!rc) {
    out->office_zh = office->name_zh;
    out->office_en = office->name_en;
  }
  return rc;
}
