/*
 * plan_import.h - the plan table (管考表) as the seeds lay it out, one row per focal point:
 * 工作要項 (item), 工作重點 (focal point), 業務單位 (responsible unit), 完成期限 (deadline),
 * 指標 (indicator), 目標 (target). Pure text rules, no database: the domain (plan.h) resolves
 * units against the directory and stores the rows all or nothing.
 *
 * The CSV: UTF-8 (a BOM is skipped), RFC 4180 quoting, a heading row naming the six columns in
 * that order, in Chinese or English (item, focal_point, unit, deadline, indicator, target).
 * An empty item cell continues the item above (the seeds' tables leave it blank). Deadlines are
 * ISO (2026-06-30) or ROC (115/06/30, 115-06-30, 115.06.30). A target is a number with an
 * optional unit after it ("95%", "0 件", "12 場"); indicator and target may both be empty.
 * An indicator "kpi:<name>" (or its Chinese label) links a computed indicator (plan.h).
 */
#ifndef BIANMIN_DOMAIN_PLAN_IMPORT_H
#define BIANMIN_DOMAIN_PLAN_IMPORT_H

#include <stddef.h>
#include <stdint.h>

struct arena;

enum {
  PLAN_ROWS_MAX = 500,       /* focal points a plan */
  PLAN_CELL_MAX = 4000,      /* bytes a cell */
  PLAN_CSV_MAX = 1024 * 1024 /* bytes of an import */
};

struct plan_csv_row {
  int item_no; /* 1.. in order of first appearance */
  const char *item, *point, *unit, *indicator, *target_unit;
  char deadline[11];       /* YYYY-MM-DD */
  int64_t target_milli;    /* target * 1000; -1 when none */
  const char *target_text; /* as written */
};

/* Parses text (len bytes). On ST_INVALID, *bad_row is the 1-based data row (0: the heading or
 * the file as a whole) and *reason a translation key (plan_err_*). */
int plan_csv_parse(struct arena *arena, const char *text, size_t len, struct plan_csv_row **rows,
                   size_t *count, size_t *bad_row, const char **reason);

/* "2026-06-30" from an ISO or ROC date; ST_INVALID when it is neither or not a real date. */
int plan_deadline_parse(const char *text, char out[11]);
/* A target "95%" -> 95000 and "%"; "" -> -1 and "". ST_INVALID when it is not a number. */
int plan_target_parse(struct arena *arena, const char *text, int64_t *milli, const char **unit);

/* The computed indicators a plan may link, by name: "on_time_rate", "online_share" (per mille
 * figures, targets in %), "second_corrections", "overdue_open" (counts, at most the target).
 * The name of a linked indicator cell ("kpi:on_time_rate" or "案件如期完成率"), or NULL. */
const char *plan_indicator_link(const char *cell);

#endif
