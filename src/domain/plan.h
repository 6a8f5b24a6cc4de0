/*
 * plan.h - plan control (管考, issue 20): an office's yearly service-improvement plan as data
 * (items 工作要項, focal points 工作重點 with their responsible unit, deadline, indicator and
 * target), imported from the seeds' table layout (plan_import.h), and the monthly progress the
 * responsible units enter against it; the meeting view puts late focal points first.
 *
 * Rules:
 * - an import replaces the year's focal points all or nothing, and only while no progress was
 *   entered for that year (progress would lose its focal point: ST_CONFLICT);
 * - a unit named "各課", "各單位" or "all" is every unit (unit 0): each enters its own progress;
 *   any other unit name must be one of the office's units (directory), by name or code;
 * - progress is entered by administrators, and by supervisors for their own unit's focal
 *   points (or every unit's); one entry per focal point, unit and Taipei month (a second one
 *   that month replaces it);
 * - a focal point is done when its latest entry says 100%; it is late when it is not done and
 *   either its deadline has passed or (in the current year) no entry was made this month;
 * - a linked indicator's figure is the year's from kpi_report_read (on_time_rate and
 *   online_share in per cent, higher is better; second_corrections and overdue_open counts,
 *   lower is better): met at or beyond the target, at risk within 2 points below (rates), else
 *   missed.
 */
#ifndef BIANMIN_DOMAIN_PLAN_H
#define BIANMIN_DOMAIN_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "domain/kpi.h"

struct arena;
struct audit_actor;
struct store;

/* PLAN_BODY_MAX: characters (code points) of a progress entry's text, as its message says. */
enum { PLAN_BODY_MAX = 2000, PLAN_YEAR_MIN = 90, PLAN_YEAR_MAX = 200 };

/* An evidence file on a progress entry (plan_evidence.c). */
struct plan_evidence {
  int64_t id, size, at, created_by;
  const char *name, *mime, *author;
};

struct plan_entry {
  int64_t month, unit_id, percent, at; /* month: YYYYMM */
  const char *body, *author, *unit_zh, *unit_en;
  int64_t id;
  struct plan_evidence *evidence; /* oldest first */
  size_t evidence_count;
};

struct plan_point {
  int64_t id, unit_id, target_milli, seq;
  int item_no;
  const char *item, *point, *deadline, *kpi_name, *indicator, *target_unit;
  const char *unit_zh, *unit_en; /* "" for every unit */
  struct plan_entry *entries;    /* oldest first */
  size_t entry_count;
  int percent;         /* the latest entry's, 0 without one */
  const char *outcome; /* the latest entry's text, "" without one */
  bool done, late, past_deadline, missing_this_month;
  /* a linked indicator: the year's figure and the previous year's (x1000, -1: none) */
  int64_t figure_milli, previous_milli;
  enum kpi_status status;
};

struct plan_year {
  int64_t office_id;
  int roc_year;
  bool exists;
  int reminder_day;   /* the office's monthly progress day, 0: no reminders */
  int64_t this_month; /* YYYYMM in Taipei */
  struct plan_point *points;
  size_t count;
};

/* The ROC years the office has a plan for, newest first. */
int plan_years_read(struct store *store, struct arena *arena, int64_t office_id, int64_t **years,
                    size_t *count);
/* One read for a plan page: the focal points with their progress and linked figures; with
 * meeting, late ones first (then in plan order). Needs the primary (the indicators count first:
 * kpi.h). */
int plan_year_read(struct store *store, struct arena *arena, time_t now, int64_t office_id,
                   int roc_year, bool meeting, struct plan_year *out);

/* Why an import was refused: the 1-based data row (0: the file) and a translation key. */
struct plan_import_error {
  size_t row;
  const char *reason;
};
/* Replaces the year's plan with the CSV's rows (plan_import.h), all or nothing, audited.
 * ST_INVALID with *err; ST_CONFLICT when the year already has progress. */
int plan_import(struct store *store, struct arena *arena, const struct audit_actor *actor,
                int64_t office_id, int roc_year, const char *csv, size_t len, time_t now,
                struct plan_import_error *err);

/* Who enters progress: roles (accounts.h ROLE_*) and unit of the signed-in person. */
struct plan_author {
  const struct audit_actor *actor;
  unsigned roles;
  int64_t unit_id;
};
/* Enters this month's progress of a focal point. ST_NOTFOUND: no such focal point in the
 * year; ST_FORBIDDEN: not the author's unit; ST_INVALID: percent outside 0..100, empty or
 * too long text. Audited. */
int plan_progress_enter(struct store *store, const struct plan_author *author, int64_t office_id,
                        int roc_year, int64_t point_id, int percent, const char *body, time_t now);

/* A target or figure x1000 as text with its unit: "95%", "97.5%", "2 場"; "" when milli < 0.
 * In the arena (NULL when out of memory). */
const char *plan_amount_text(struct arena *arena, int64_t milli, const char *unit);
/* Whether a linked indicator is a rate in per cent (else a count). */
bool plan_indicator_is_rate(const char *kpi_name);

/* The annual results report's data (執行成果): the year as plan_year_read reads it (with each
 * entry's evidence files) and the office's name. The document itself is written by render/
 * (render/odt.h), its PDF converted there too. */
struct plan_report {
  struct plan_year year;
  const char *office_zh, *office_en;
};
int plan_report_read(struct store *store, struct arena *arena, time_t now, int64_t office_id,
                     int roc_year, struct plan_report *out);

/* The monthly reminders (plan_remind.c): e-mails the supervisors of units that owe this
 * month's progress, in the days before the office's progress day (setting plan.reminder_day).
 * The deadline scanner calls it every pass; each reminder is queued once a month. */
int plan_remind(struct store *store, time_t now, int64_t *sent);
/* The office's progress day of the month (1..28), 0 for none; setting it (0 turns reminders
 * off) is audited. ST_INVALID outside 0..28. */
int plan_reminder_day(struct store *store, int64_t office_id);
int plan_reminder_day_set(struct store *store, const struct audit_actor *actor, int64_t office_id,
                          int day);

/* The CSV (plan_import.h layout) of a year's plan, in the arena. */
int plan_export_csv(struct arena *arena, const struct plan_year *plan, const char **csv,
                    size_t *len);

/* ---- Evidence files on progress entries (plan_evidence.c) ----------------------------------
 * The responsible unit attaches files (PDF, JPEG, PNG or ODF, as case documents: libmagic
 * reads the bytes, apply_file_type) to a progress entry; the bytes are kept once per SHA-256
 * with the case documents'. Who attaches: administrators, and supervisors of the entry's unit.
 * Who removes: the uploader, administrators, and supervisors of the entry's unit. Who
 * downloads: the plan's readers of the office (the route's roles). Each attach, removal and
 * download is an audit row (plan.evidence_attach, _remove, _download). Refusals are
 * ST_INVALID or ST_FORBIDDEN with *reason a translation key; nothing is stored. */
enum {
  PLAN_EVIDENCE_FILE_MAX = 10 * 1024 * 1024, /* bytes of one file */
  PLAN_EVIDENCE_PER_ENTRY = 10,              /* files on one entry */
  /* the upload route's body cap: one file and the form's few fields */
  PLAN_EVIDENCE_BODY_MAX = PLAN_EVIDENCE_FILE_MAX + 64 * 1024
};
struct apply_file;
struct apply_document;
/* The rights above, for pages to offer only what will be accepted. */
bool plan_evidence_may_attach(const struct plan_author *author, const struct plan_entry *entry);
bool plan_evidence_may_remove(const struct plan_author *author, const struct plan_entry *entry,
                              const struct plan_evidence *file);
/* Attaches to entry_id, which must be an entry of point_id (else ST_NOTFOUND). */
int plan_evidence_attach(struct store *store, const struct plan_author *author, int64_t office_id,
                         int roc_year, int64_t point_id, int64_t entry_id,
                         const struct apply_file *file, time_t now, const char **reason);
int plan_evidence_remove(struct store *store, struct arena *arena, const struct plan_author *author,
                         int64_t office_id, int roc_year, int64_t evidence_id, const char **reason);
/* A file for download (out->bytes malloc'd: the caller frees it), audited before it is sent. */
int plan_evidence_download(struct store *store, struct arena *arena,
                           const struct audit_actor *actor, int64_t office_id, int roc_year,
                           int64_t evidence_id, struct apply_document *out);

#endif
