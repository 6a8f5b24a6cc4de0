/* cases_internal.h - what the files of the cases module share (cases.c, case_flow.c). */
#ifndef BIANMIN_DOMAIN_CASES_INTERNAL_H
#define BIANMIN_DOMAIN_CASES_INTERNAL_H

#include "domain/case_number.h"
#include "domain/cases.h"
#include "domain/workflow.h"

struct arena;

int64_t case_int(json_t *row, const char *key);
const char *case_text(json_t *row, const char *key);
/* The store's case row typed, its texts borrowed from row (so valid while row is): a key the
 * row lacks reads as 0 or "". case_record_keep copies the texts into arena (ST_NOMEM when it
 * is full), for a record that outlives its row. */
void case_record_of(json_t *row, struct case_record *c);
int case_record_keep(struct arena *arena, struct case_record *c);
/* A case opened for a change by case_begin, until case_finish: its row typed (c) and the row
 * that holds its texts. A move sets c.status to the step entered, so the rules after it read
 * the case as it now stands. */
struct case_open {
  struct case_record c;
  json_t *row;
};
/* The workflow c runs: its office's version it started on (workflow_load), else the shipped
 * one of its code, else "simple"; never NULL. */
const struct workflow *case_workflow(const struct case_env *env, const struct case_record *c);

/* A move's public notice (case_notice.c): what is needed after the move commits to publish
 * the notice of a step entered (days > 0) or take down that of a step left (leaving). */
struct case_notice {
  int64_t office_id, service_id;
  int roc_year;
  int64_t serial;
  int days;     /* > 0: the step entered is a public notice of that many days */
  bool leaving; /* the step left was one (and the step entered is not) */
  char case_key[48], word_code[CASE_WORD_CODE_MAX + 1], masked[64];
};
/* From c and its move from -> to (either may be NULL), before c is released. */
void case_notice_of(const struct case_record *c, const struct workflow_step *from,
                    const struct workflow_step *to, struct case_notice *out);
/* After the move committed: publishes or takes down the notice (its own transaction). */
int case_notice_after_move(const struct case_env *env, const struct case_notice *n);
/* Adds an event to case case_id's timeline in the open transaction. */
int case_event(const struct case_env *env, const struct case_actor *actor, int64_t case_id,
               const char *kind, const char *from, const char *to, const char *note,
               bool public_note, const char *on_behalf_of, json_t *data);
/* Recomputes due_at and due_state from the limit, pauses and extensions; stores them. */
int case_recompute_clock(const struct case_env *env, const struct case_record *c,
                         int64_t extension_minutes);
/* The working minutes case c has used (until it closed, else until now: the time its pauses
 * stopped left out, calendar_used_minutes_with_pauses) and those it is allowed (its limit plus
 * extensions): the same calendar and pauses as case_recompute_clock, so a case is overdue by
 * its stored deadline exactly when it has used more than it is allowed. */
int case_clock_used(const struct case_env *env, const struct case_record *c, int64_t *used,
                    int64_t *allowed);
/* Whether actor may act on c: same office, and a handler only on their own cases or those of
 * someone they stand in for today (*on_behalf_of receives that person's username), a supervisor
 * on their unit's cases. */
int case_may_act(const struct case_env *env, const struct case_actor *actor,
                 const struct case_record *c, const char **on_behalf_of);
/* Whether actor may see c on the staff case page: clerks and supervisors of its office, staff of
 * its unit, and whoever may act on it. */
bool case_may_view(const struct case_env *env, const struct case_actor *actor,
                   const struct case_record *c);
/* Loads case id of the actor's office and checks case_may_act; begins a transaction. On
 * failure nothing is open. */
int case_begin(const struct case_env *env, const struct case_actor *actor, int64_t id,
               struct case_open *out, const char **on_behalf_of, const char **reason);
/* Commits when rc is ST_OK, else rolls back; releases open's row; returns rc. */
int case_finish(const struct case_env *env, int rc, struct case_open *open);
/* Case id of the actor's office for a staff member's eyes: staff roles and case_may_view, else
 * ST_FORBIDDEN. *row (a new reference) holds c's texts. */
int case_view_open(const struct case_env *env, const struct case_actor *actor, int64_t id,
                   json_t **row, struct case_record *c);
/* The staff read in two (case_staff_read.c): the row with "applicant" unsealed and "events"
 * (reads only, for a read transaction), then the audit row saying the actor saw the applicant's
 * data (a write, after the read). */
int case_staff_row(const struct case_env *env, const struct case_actor *actor, int64_t id,
                   json_t **out);
int case_staff_viewed(const struct case_env *env, const struct case_actor *actor,
                      const struct case_record *c);
/* The token of the link /p/<token> of case record c for its receipt's QR code: derived again
 * (case_link_token) and checked against the one stored. ST_NOTFOUND (out "") for a case taken
 * in before links were derived, or without a key: only its first receipt knew its random
 * token. */
int case_receipt_link(struct store *store, const struct case_record *c, char out[CASE_TOKEN_SIZE]);
bool case_note_ok(const char *note, bool required);
/* Checks an intake's fields (name, ID, contact, channel, documents). */
int case_intake_check(const struct intake_input *in, const char **reason, const char **field);
/* Takes in a case of actor->office_id inside the open transaction (cases_intake without the
 * checks and the transaction); the actor may be a non-staff one (user_id 0). */
int case_intake_in_tx(const struct case_env *env, const struct case_actor *actor,
                      const struct intake_input *in, struct intake_result *out, const char **reason,
                      const char **field);

/* The correction notice, inside the open transaction: the move, its items and deadline, the
 * notice and the clock stopping (case_flow.c). */
int case_issue_correction(const struct case_env *env, const struct case_actor *actor,
                          struct case_record *c, json_t *items, const char *note,
                          const char *behalf, const char **reason);
/* Correction items: 1..CASE_CORRECTION_ITEMS_MAX strings of usable text, 200 characters each. */
bool case_items_ok(json_t *items);
/* Whether the next correction of c needs a supervisor's approval first: a second or later one,
 * or any when the office says so (setting CASES_CORRECTION_APPROVAL), unless approved (state
 * 1) already (case_corrections.c). */
int case_correction_needs_approval(const struct case_env *env, const struct case_record *c,
                                   bool *needed);

/* The work list's paging and rows, shared by the work list (case_staff_read.c) and a figure's
 * cases (kpi_cases.c): the page asked for within 1..the last (the last past it), and the
 * store's rows as the list's rows in the arena (out->rows, out->row_count). */
struct arena;
struct store;
struct store_case_list_row;
struct case_worklist;
int64_t case_worklist_page(int64_t total, int64_t page, int64_t page_size);
int case_worklist_fill(struct store *store, struct arena *arena, int64_t office_id,
                       const struct store_case_list_row *rows, size_t n, struct case_worklist *out);

#endif
