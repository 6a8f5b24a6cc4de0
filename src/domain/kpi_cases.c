/*
 * kpi_cases.c - from a figure of the case indicators to the cases behind it (kpi.h), read as
 * a page of the work list (case_staff_read.h) in one read transaction.
 */
#include <string.h>

#include "base/arena.h"
#include "base/civil.h"
#include "domain/case_staff_read.h"
#include "domain/cases.h"
#include "domain/cases_internal.h"
#include "domain/kpi.h"
#include "domain/workflow.h"
#include "store/case_read.h"
#include "store/directory.h"
#include "store/kpi_service.h"
#include "store/store.h"

#include "base/common.h"

enum { KPI_STEPS_TEXT_MAX = 2048 };

static const char *const figures[] = {"received",    "completed",          "on_time",
                                      "corrections", "second_corrections", "overdue"};

bool kpi_case_figure_valid(const char *figure)
{
  for (size_t i = 0; figure && i < ARRAY_LEN(figures); i++)
    if (!strcmp(figure, figures[i]))
      return true;
  return false;
}

/* ",a,b," of the shipped workflows' final steps (completed only, or all). */
static const char *final_steps(struct arena *arena, bool completed_only)
{
  size_t count = 0, len = 1;
  char text[KPI_STEPS_TEXT_MAX] = ",";
  const struct workflow *const *all = workflow_shipped(&count);
  for (size_t w = 0; w < count; w++)
    for (size_t i = 0; i < all[w]->step_count; i++) {
      const struct workflow_step *s = &all[w]->steps[i];
      size_t n = strlen(s->code);
      if (s->kind != STEP_FINAL || (completed_only && !s->completed))
        continue;
      char probe[WORKFLOW_CODE_MAX + 3];
      if (n > WORKFLOW_CODE_MAX || len + n + 2 > sizeof(text))
        return NULL;
      probe[0] = ',';
      memcpy(probe + 1, s->code, n);
      probe[n + 1] = ',';
      probe[n + 2] = '\0';
      if (strstr(text, probe))
        continue;
      memcpy(text + len, s->code, n);
      len += n;
      text[len++] = ',';
      text[len] = '\0';
    }
  return arena_strdup(arena, text);
}

static int list_in(struct store *store, struct arena *arena, struct store_kpi_case_filter *f,
                   const struct kpi_case_query *q, struct case_worklist *out)
{
  struct store_case_list_row *rows = NULL;
  size_t n = 0;
  int rc = store_kpi_case_count(store, f, &out->total);
  if (rc)
    return rc;
  out->page = case_worklist_page(out->total, q->page, q->page_size);
  f->offset = (out->page - 1) * q->page_size;
  rc = store_kpi_case_list(store, arena, f, &rows, &n);
  return rc ? rc : case_worklist_fill(store, arena, f->office_id, rows, n, out);
}

int kpi_case_list_read(const struct case_env *env, const struct case_actor *actor,
                       struct arena *arena, const struct kpi_case_query *q,
                       struct case_worklist *out)
{
  const struct kpi_filter *k = &q->filter;
  *out = (struct case_worklist){0};
  if (!kpi_case_figure_valid(q->figure) || k->roc_year < 1 || k->month < 0 || k->month > 12 ||
      q->page_size < 1)
    return ST_INVALID;
  int year = k->roc_year + CIVIL_ROC_OFFSET, m1 = k->month ? k->month : 1;
  int m2 = k->month ? k->month : 12;
  struct civil_date last = {year, m2, civil_days_in_month(year, m2)};
  struct store_kpi_case_filter f = {
      actor->office_id,
      (int64_t)civil_taipei_midnight((struct civil_date){year, m1, 1}),
      (int64_t)civil_taipei_midnight(civil_add_days(last, 1)),
      k->unit_id,
      k->service_id,
      k->channel ? k->channel : "",
      q->figure,
      final_steps(arena, true),
      final_steps(arena, false),
      q->page_size,
      0};
  if (!f.completed || !f.final)
    return ST_NOMEM;
  int rc = store_begin_read(env->store);
  if (rc)
    return rc;
  return store_end_read(env->store, list_in(env->store, arena, &f, q, out));
}
