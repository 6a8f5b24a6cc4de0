/*
 * plan.h - the store's part of plan control (domain/plan.h): plans per office and ROC year,
 * their focal points and the monthly progress entries. Strings of the typed rows live in the
 * caller's arena ("" for NULL).
 */
#ifndef BIANMIN_STORE_PLAN_H
#define BIANMIN_STORE_PLAN_H

#if defined(BIANMIN_LAYER_WEB) || defined(BIANMIN_LAYER_WORKERS)
#error                                                                                             \
    "web/ and workers/ may not include store/ headers: call the domain (docs/ARCHITECTURE.md, Layers)"
#endif

#include <stddef.h>
#include <stdint.h>

struct arena;
struct store;

struct store_plan_point {
  int64_t id, seq, item_no, unit_id, target_milli;
  const char *item, *point, *deadline, *kpi_name, *indicator, *target_unit;
};

struct store_plan_progress {
  int64_t point_id, month, unit_id, percent, at;
  const char *body, *author;
  int64_t id; /* read back only */
};

/* The ROC years the office has a plan for, newest first. */
int store_plan_years(struct store *store, struct arena *arena, int64_t office_id, int64_t **years,
                     size_t *count);
/* The plan of (office, year), made when missing; *progress: its progress entries so far. */
int store_plan_upsert(struct store *store, int64_t office_id, int64_t roc_year, int64_t now,
                      int64_t *plan_id, int64_t *progress);
/* Forgets the plan's focal points (their progress with them). */
int store_plan_points_clear(struct store *store, int64_t plan_id);
int store_plan_point_add(struct store *store, int64_t plan_id, const struct store_plan_point *p);
/* The focal points of (office, year) by seq; none when there is no plan. */
int store_plan_points_read(struct store *store, struct arena *arena, int64_t office_id,
                           int64_t roc_year, struct store_plan_point **rows, size_t *count);
/* Every progress entry of (office, year) by point, month, unit. */
int store_plan_progress_read(struct store *store, struct arena *arena, int64_t office_id,
                             int64_t roc_year, struct store_plan_progress **rows, size_t *count);
/* The responsible unit of a focal point of (office, year); ST_NOTFOUND when it is not one. */
int store_plan_point_unit(struct store *store, int64_t office_id, int64_t roc_year,
                          int64_t point_id, int64_t *unit_id);
/* Sets the progress of (point, month, unit), replacing an earlier entry of that month. */
int store_plan_progress_put(struct store *store, const struct store_plan_progress *p);

/* A supervisor who receives the monthly reminder: enabled, with an e-mail address. */
struct store_plan_recipient {
  int64_t user_id, unit_id;
  const char *email;
};
/* The office's enabled supervisors with an e-mail address, by unit. */
int store_plan_recipients(struct store *store, struct arena *arena, int64_t office_id,
                          struct store_plan_recipient **rows, size_t *count);

/* ---- Evidence files on progress entries (migration 34) ---------------------------------- */

/* A progress entry of (office, year): its focal point and unit, and how many files it has;
 * ST_NOTFOUND when it is not one of theirs. */
int store_plan_entry_get(struct store *store, int64_t office_id, int64_t roc_year, int64_t id,
                         int64_t *point_id, int64_t *unit_id, int64_t *files);

struct store_plan_evidence {
  int64_t id, progress_id, size, created_at, created_by;
  const char *name, *mime, *created_by_name, *sha256;
};
/* Stores the bytes once per SHA-256 (upload_blobs) and the row; *id the new row's. */
int store_plan_evidence_add(struct store *store, int64_t office_id,
                            const struct store_plan_evidence *e, const void *bytes, int64_t *id);
/* Every file of (office, year) by entry, then id (sha256 ""). */
int store_plan_evidence_read(struct store *store, struct arena *arena, int64_t office_id,
                             int64_t roc_year, struct store_plan_evidence **rows, size_t *count);
/* One file of (office, year) with its entry's unit; *bytes malloc'd (NULL: metadata only). */
int store_plan_evidence_get(struct store *store, struct arena *arena, int64_t office_id,
                            int64_t roc_year, int64_t id, struct store_plan_evidence *out,
                            int64_t *unit_id, void **bytes, size_t *len);
/* Deletes one file's row (its blob stays, shared by SHA-256). */
int store_plan_evidence_delete(struct store *store, int64_t office_id, int64_t id);

#endif
