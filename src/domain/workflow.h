/*
 * workflow.h - the steps a case goes through and who may move it (DOMAIN.md "Case statuses").
 *
 * Workflows are data (issue 15): a JSON definition per office, code and version (store
 * migration 21; the format is README.md "Editing workflows"). Six ship as
 * data/workflows/<code>.json, compiled into the program: "land_registration" (the land office
 * integrated system's steps), "land_survey" (鑑界, 分割, 建物測量: received -> scheduled ->
 * surveyed -> results drawn -> closed), "instant" (即時 services such as transcripts: received ->
 * closed), "simple" (received -> processing -> closed), "mediation" (a district office's 調解:
 * received -> session scheduled -> settled / not settled -> closed) and "rent_subsidy" (received ->
 * review -> correction -> approved / rejected -> closed). A service names one by its code
 * ("land_registration" and "land-registration" are the same code: the catalogue writes
 * hyphens).
 *
 * Versions: saving an office's workflow adds the next version; the shipped definition is
 * version 1. A case remembers the version it started on and finishes on it (the case page,
 * its moves and the progress page read that version); new cases take the newest.
 *
 * A step is open (the case is being worked on), paused (correction: the applicant must act) or
 * final (closed, archived, rejected, withdrawn). A step whose clock stops does not count
 * towards the time limit: a correction, a public notice (公告, its length set by law), a case
 * referred to another agency.
 */
#ifndef BIANMIN_DOMAIN_WORKFLOW_H
#define BIANMIN_DOMAIN_WORKFLOW_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

enum workflow_kind { STEP_OPEN, STEP_PAUSED, STEP_FINAL };

enum {
  WORKFLOW_CODE_MAX = 40,          /* a workflow's or a step's code: [a-z0-9_], 1..40 */
  WORKFLOW_STEPS_MAX = 40,         /* steps of one workflow */
  WORKFLOW_TRANSITIONS_MAX = 200,  /* transitions of one workflow */
  WORKFLOW_NAME_MAX = 60,          /* characters of a step's name */
  WORKFLOW_PLAIN_MAX = 400,        /* characters of a step's plain words */
  WORKFLOW_NOTICE_DAYS_MAX = 365,  /* days of a public notice */
  WORKFLOW_DEFINITION_MAX = 65536, /* bytes of a definition as JSON */
};

struct workflow_step {
  const char *code; /* "first_review" */
  enum workflow_kind kind;
  bool completed;   /* counts as completed work (closed, archived): for on-time rates */
  bool clock_stops; /* time spent at this step does not count towards the time limit */
  /* What staff read (name) and what a citizen reads on the progress page (plain words), in
   * each language; never NULL. */
  const char *name_zh, *name_en, *plain_zh, *plain_en;
  bool appointment;       /* entering it sets an appointment (date, time, place, officer, map) */
  int public_notice_days; /* 0, or a public notice (公告) of that many days */
  bool outcome_document;  /* the step issues an outcome document */
};

struct workflow_transition {
  const char *from; /* "*" = any open or paused step */
  const char *to;
  unsigned roles; /* who may (domain/accounts.h ROLE_* bits) */
  bool note_required;
};

struct workflow {
  const char *code;
  const char *initial;
  const struct workflow_step *steps;
  size_t step_count;
  const struct workflow_transition *transitions;
  size_t transition_count;
  const char *name_zh, *name_en; /* the workflow's own name */
  int64_t office_id;             /* 0: the shipped definition */
  int64_t version;               /* 1: the shipped definition */
  const json_t *definition;      /* the JSON it was read from; read only */
};

/* The shipped workflow called code (hyphens and underscores alike), or NULL. Valid for the
 * life of the process. */
const struct workflow *workflow_find(const char *code);
/* The shipped workflows in code order; *count receives how many. */
const struct workflow *const *workflow_shipped(size_t *count);

const struct workflow_step *workflow_step(const struct workflow *wf, const char *code);
/* The transition from -> to that roles may take, or NULL. */
const struct workflow_transition *workflow_transition(const struct workflow *wf, const char *from,
                                                      const char *to, unsigned roles);
/* The steps roles may move a case at step from to, as a JSON array of step codes. */
json_t *workflow_next_steps(const struct workflow *wf, const char *from, unsigned roles);
/* Every step's names as {code: {"zh-TW": name, "en": name}} (for records read as JSON). */
json_t *workflow_step_names(const struct workflow *wf);
/* The codes of every open or paused step of every shipped workflow, each once, into
 * out[0..max); the count, or 0 when they do not fit (a case's status is one of these exactly
 * while it is not closed; the work lists only count them to choose their statements, and find
 * open cases by closed_at, so a step an office adds needs no entry here). */
size_t workflow_open_statuses(const char **out, size_t max);

/* A code as stored: hyphens become underscores; false when it is not [a-z0-9_-], 1..40. */
bool workflow_code_norm(const char *code, char out[WORKFLOW_CODE_MAX + 1]);

/* Checks a definition (the JSON format above). ST_OK, or ST_INVALID with *problems an array
 * of {"key": a translation key "workflow_err_*", "what": the step, transition or field at
 * fault} listing every fault found (the caller owns it). */
int workflow_check(const json_t *definition, json_t **problems);
/* A checked definition as a workflow (heap; workflow_free). ST_INVALID when it does not check. */
int workflow_parse(const json_t *definition, int64_t office_id, int64_t version,
                   const struct workflow **out);
void workflow_free(const struct workflow *wf);

/* The workflow of (office_id, code) at version (0: the newest), read through the store inside
 * the caller's transaction and cached for the life of the process (versions never change).
 * The shipped definition is version 1 of every office that has no row for it. ST_NOTFOUND
 * when there is none. */
int workflow_load(struct store *store, int64_t office_id, const char *code, int64_t version,
                  const struct workflow **out);
/* Writes the shipped definitions as version 1 of every code office_id has none of (inside the
 * caller's transaction). */
int workflow_install(struct store *store, int64_t office_id, int64_t now);

#endif
