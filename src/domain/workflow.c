/*
 * workflow.c - the shipped workflows, as tables.
 */
#include "domain/workflow.h"

#include <string.h>

#include "domain/accounts.h"

#include "base/common.h"

#define H ROLE_HANDLER
#define S ROLE_SUPERVISOR
#define C ROLE_CLERK

/* {code, kind, completed, clock stops} */
static const struct workflow_step land_steps[] = {
    {"received", STEP_OPEN, false, false},        {"first_review", STEP_OPEN, false, false},
    {"second_review", STEP_OPEN, false, false},   {"public_notice", STEP_OPEN, false, true},
    {"recording", STEP_OPEN, false, false},       {"proofreading", STEP_OPEN, false, false},
    {"records_updated", STEP_OPEN, false, false}, {"referred", STEP_OPEN, false, true},
    {"correction", STEP_PAUSED, false, true},     {"closed", STEP_FINAL, true, false},
    {"archived", STEP_FINAL, true, false},        {"rejected", STEP_FINAL, false, false},
    {"withdrawn", STEP_FINAL, false, false},
};

/* Corrections and rejections have further rules in domain/cases.c (one notice listing every
 * item; a second correction needs a supervisor's approval; rejection after the deadline with
 * written reasons). */
static const struct workflow_transition land_transitions[] = {
    {"received", "first_review", H | S, false},
    {"first_review", "second_review", H | S, false},
    {"first_review", "referred", H | S, true},
    {"second_review", "first_review", H | S, true},
    {"second_review", "public_notice", H | S, false},
    {"second_review", "recording", H | S, false},
    {"referred", "first_review", S, true},
    {"referred", "second_review", S, true},
    {"public_notice", "recording", H | S, false},
    {"recording", "proofreading", H | S, false},
    {"proofreading", "records_updated", H | S, false},
    {"records_updated", "closed", H | S | C, false},
    {"closed", "archived", H | S | C, false},
    {"received", "correction", H | S, true},
    {"first_review", "correction", H | S, true},
    {"second_review", "correction", H | S, true},
    {"correction", "first_review", H | S, false},
    {"correction", "rejected", S, true},
    {"first_review", "rejected", S, true},
    {"second_review", "rejected", S, true},
    {"*", "withdrawn", C | H | S, true},
};

static const struct workflow_step simple_steps[] = {
    {"received", STEP_OPEN, false, false},    {"processing", STEP_OPEN, false, false},
    {"correction", STEP_PAUSED, false, true}, {"closed", STEP_FINAL, true, false},
    {"rejected", STEP_FINAL, false, false},   {"withdrawn", STEP_FINAL, false, false},
};

static const struct workflow_transition simple_transitions[] = {
    {"received", "processing", H | S, false},  {"received", "closed", H | S | C, false},
    {"processing", "closed", H | S, false},    {"received", "correction", H | S, true},
    {"processing", "correction", H | S, true}, {"correction", "processing", H | S, false},
    {"correction", "rejected", S, true},       {"processing", "rejected", S, true},
    {"*", "withdrawn", C | H | S, true},
};

/* Land survey (鑑界, 分割, 建物測量): an appointment is set with the applicant, the surveyor
 * measures on site, the results are drawn (and the records updated), then it closes. */
static const struct workflow_step survey_steps[] = {
    {"received", STEP_OPEN, false, false},    {"scheduled", STEP_OPEN, false, false},
    {"surveyed", STEP_OPEN, false, false},    {"results_drawn", STEP_OPEN, false, false},
    {"correction", STEP_PAUSED, false, true}, {"closed", STEP_FINAL, true, false},
    {"archived", STEP_FINAL, true, false},    {"rejected", STEP_FINAL, false, false},
    {"withdrawn", STEP_FINAL, false, false},
};

static const struct workflow_transition survey_transitions[] = {
    {"received", "scheduled", H | S, false},     {"scheduled", "surveyed", H | S, false},
    {"surveyed", "results_drawn", H | S, false}, {"results_drawn", "closed", H | S | C, false},
    {"closed", "archived", H | S | C, false},    {"received", "correction", H | S, true},
    {"scheduled", "correction", H | S, true},    {"correction", "received", H | S, false},
    {"correction", "rejected", S, true},         {"received", "rejected", S, true},
    {"*", "withdrawn", C | H | S, true},
};

/* 即時 services (transcripts, land value queries): issued while the applicant waits at the
 * counter (the intake closes them, domain/cases.c), or within the office's limit for remote
 * 即時 work when they arrive online, by post or through the API. */
static const struct workflow_step instant_steps[] = {
    {"received", STEP_OPEN, false, false},   {"correction", STEP_PAUSED, false, true},
    {"closed", STEP_FINAL, true, false},     {"rejected", STEP_FINAL, false, false},
    {"withdrawn", STEP_FINAL, false, false},
};

static const struct workflow_transition instant_transitions[] = {
    {"received", "closed", H | S | C, false}, {"received", "correction", H | S, true},
    {"correction", "received", H | S, false}, {"correction", "rejected", S, true},
    {"received", "rejected", S, true},        {"*", "withdrawn", C | H | S, true},
};

static const struct workflow workflows[] = {
    {"land_registration", "received", land_steps, ARRAY_LEN(land_steps), land_transitions,
     ARRAY_LEN(land_transitions)},
    {"land_survey", "received", survey_steps, ARRAY_LEN(survey_steps), survey_transitions,
     ARRAY_LEN(survey_transitions)},
    {"instant", "received", instant_steps, ARRAY_LEN(instant_steps), instant_transitions,
     ARRAY_LEN(instant_transitions)},
    {"simple", "received", simple_steps, ARRAY_LEN(simple_steps), simple_transitions,
     ARRAY_LEN(simple_transitions)},
};

/* Codes compare with '-' and '_' alike: the catalogue writes "land-survey". */
static bool same_code(const char *a, const char *b)
{
  for (; *a && *b; a++, b++)
    if (*a != *b && !((*a == '-' || *a == '_') && (*b == '-' || *b == '_')))
      return false;
  return *a == *b;
}

const struct workflow *workflow_find(const char *code)
{
  for (size_t i = 0; code && i < ARRAY_LEN(workflows); i++)
    if (same_code(workflows[i].code, code))
      return &workflows[i];
  return NULL;
}

const struct workflow_step *workflow_step(const struct workflow *wf, const char *code)
{
  for (size_t i = 0; code && i < wf->step_count; i++)
    if (strcmp(wf->steps[i].code, code) == 0)
      return &wf->steps[i];
  return NULL;
}

static bool from_matches(const struct workflow *wf, const char *pattern, const char *from)
{
  if (strcmp(pattern, "*") != 0)
    return strcmp(pattern, from) == 0;
  const struct workflow_step *step = workflow_step(wf, from);
  return step && step->kind != STEP_FINAL;
}

const struct workflow_transition *workflow_transition(const struct workflow *wf, const char *from,
                                                      const char *to, unsigned roles)
{
  for (size_t i = 0; i < wf->transition_count; i++) {
    const struct workflow_transition *t = &wf->transitions[i];
    if (strcmp(t->to, to) == 0 && from_matches(wf, t->from, from) && (t->roles & roles))
      return t;
  }
  return NULL;
}

json_t *workflow_next_steps(const struct workflow *wf, const char *from, unsigned roles)
{
  json_t *list = json_array();
  for (size_t i = 0; list && i < wf->transition_count; i++) {
    const struct workflow_transition *t = &wf->transitions[i];
    if (from_matches(wf, t->from, from) && (t->roles & roles))
      json_array_append_new(list, json_string(t->to));
  }
  return list;
}

static bool listed(const char **list, size_t n, const char *code)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp(list[i], code) == 0)
      return true;
  return false;
}

size_t workflow_open_statuses(const char **out, size_t max)
{
  size_t n = 0;
  for (size_t w = 0; w < ARRAY_LEN(workflows); w++)
    for (size_t i = 0; i < workflows[w].step_count; i++) {
      const struct workflow_step *step = &workflows[w].steps[i];
      if (step->kind == STEP_FINAL || listed(out, n, step->code))
        continue;
      if (n == max)
        return 0;
      out[n++] = step->code;
    }
  return n;
}
