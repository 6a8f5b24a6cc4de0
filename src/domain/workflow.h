/*
 * workflow.h - the steps a case goes through and who may move it (DOMAIN.md "Case statuses").
 * Workflows are data: a service names one by its code ("land_registration" and
 * "land-registration" are the same code: the catalogue writes hyphens). Four ship:
 * "land_registration" (the land office integrated system's steps), "land_survey" (鑑界,
 * 分割, 建物測量: received -> scheduled -> surveyed -> results drawn -> closed), "instant"
 * (即時 services such as transcripts: received -> closed) and "simple" (received ->
 * processing -> closed, e.g. a district office's mediation).
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

enum workflow_kind { STEP_OPEN, STEP_PAUSED, STEP_FINAL };

struct workflow_step {
  const char *code; /* "first_review"; the label key is "status_" + code */
  enum workflow_kind kind;
  bool completed;   /* counts as completed work (closed, archived): for on-time rates */
  bool clock_stops; /* time spent at this step does not count towards the time limit */
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
};

/* The workflow called code (hyphens and underscores alike), or NULL. */
const struct workflow *workflow_find(const char *code);
const struct workflow_step *workflow_step(const struct workflow *wf, const char *code);
/* The transition from -> to that roles may take, or NULL. */
const struct workflow_transition *workflow_transition(const struct workflow *wf, const char *from,
                                                      const char *to, unsigned roles);
/* The steps roles may move a case at step from to, as a JSON array of step codes. */
json_t *workflow_next_steps(const struct workflow *wf, const char *from, unsigned roles);
/* The codes of every open or paused step of every workflow, each once, into out[0..max); the
 * count, or 0 when they do not fit (a case's status is one of these exactly while it is not
 * closed: the work lists use them to search the (office, status) index). */
size_t workflow_open_statuses(const char **out, size_t max);

#endif
