/*
 * survey.h - satisfaction surveys and quality records (issue 19). A survey is one JSON
 * definition (its questions, options, conditions and waves; the same text the builder edits,
 * exports and imports); answers are collected from a case's private link (/s/<token>, printed
 * on the receipt and sent in the "ready" message), from the rating tablet at a counter (bound to
 * the counter's last closed case) or, for surveys open to all, from the office's page. One
 * answer per case; an answer keeps its case only for that check, and no result or export
 * names it.
 *
 * Every call is one domain call for a page or a write: reads run in one read transaction,
 * writes in one transaction with their audit row. Strings and arrays live in the caller's
 * arena and are never NULL.
 */
#ifndef BIANMIN_DOMAIN_SURVEY_H
#define BIANMIN_DOMAIN_SURVEY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "domain/survey_stats.h"

struct arena;
struct store;
struct audit_actor;

enum {
  SURVEY_QUESTIONS_MAX = 40,
  SURVEY_OPTIONS_MAX = 20,
  SURVEY_WAVES_MAX = 40,
  SURVEY_TEXT_MAX_BYTES = 2000,     /* a free-text answer */
  SURVEY_DEFINITION_MAX = 64 * 1024 /* bytes of a definition's JSON */
};

enum survey_kind { SURVEY_SCALE5, SURVEY_SINGLE, SURVEY_MULTI, SURVEY_TEXT };

struct survey_option {
  const char *code, *zh, *en;
};
/* Shown only when the earlier question when_question was answered with one of when_values
 * (for a multiple choice: any of them chosen); when_question "" = always shown. */
struct survey_question {
  const char *code, *text_zh, *text_en, *when_question;
  enum survey_kind kind;
  bool required;
  struct survey_option *options;
  size_t option_count;
  const char **when_values;
  size_t when_count;
};
/* A wave: answers given on opens..closes (Taipei dates, "YYYY-MM-DD", inclusive) belong to it. */
struct survey_wave {
  const char *code, *name_zh, *name_en, *opens, *closes;
};
struct survey {
  int64_t id, office_id, updated_at;
  const char *slug, *measure, *collect, *title_zh, *title_en;
  const char *definition; /* the JSON text as stored (the export) */
  struct survey_question *questions;
  size_t question_count;
  struct survey_wave *waves;
  size_t wave_count;
};

/* Parses and checks a definition: ST_INVALID with *error an i18n key ("survey_err_...") and
 * *where the offending question or wave code ("" when none). */
int survey_parse(struct arena *arena, json_t *definition, struct survey *out, const char **error,
                 const char **where);
/* The wave open on Taipei date today ("YYYY-MM-DD"): its code, "" for a survey without waves,
 * NULL when it has waves and none is open. */
const char *survey_wave_on(const struct survey *s, const char *today);
/* Whether question q is shown given the answers so far (an object code -> string or array). */
bool survey_question_shown(const struct survey *s, const struct survey_question *q,
                           json_t *answers);
/* Checks answers (code -> string, or array of strings for a multiple choice) against s:
 * *clean (new reference) holds only the shown questions' valid answers. ST_INVALID with
 * *error and *where (the question's code) for a missing required or invalid answer. quick (the
 * counter's tablet): only the first five-point question is asked, and it must be answered. */
int survey_answers_check(const struct survey *s, json_t *answers, bool quick, json_t **clean,
                         const char **error, const char **where);

/* ---- the builder ---------------------------------------------------------------------------- */

struct survey_row {
  int64_t id, answers, updated_at;
  const char *slug, *measure, *collect, *title_zh, *title_en;
};
int survey_list_read(struct store *store, struct arena *arena, int64_t office_id,
                     struct survey_row **rows, size_t *count);
/* One survey of the office (ST_NOTFOUND when none). */
int survey_read(struct store *store, struct arena *arena, int64_t office_id, int64_t id,
                struct survey *out);
/* Creates or replaces (by slug) the actor's office's survey from definition text (the import):
 * ST_INVALID with *error and *where as survey_parse (or "survey_err_json"). Audited. */
int survey_save(struct store *store, struct arena *arena, const struct audit_actor *who,
                const char *text, time_t now, int64_t *id, const char **error, const char **where);

/* ---- the builder's forms (survey_build.c) -------------------------------------------------- */

/* One change made with the builder's forms (no JSON typed): the definition is read, changed as
 * JSON, checked by survey_parse (so a fault is named as in the JSON editor) and saved like an
 * import, audited as "survey.build". */
enum survey_edit_action {
  SURVEY_EDIT_SETTINGS,        /* titles, measure, collect */
  SURVEY_EDIT_QUESTION,        /* add (target "") or change the question target */
  SURVEY_EDIT_QUESTION_REMOVE, /* remove the question target */
  SURVEY_EDIT_QUESTION_UP,     /* move the question target one place up */
  SURVEY_EDIT_QUESTION_DOWN,   /* ... or down */
  SURVEY_EDIT_WAVE,            /* add (target "") or change the wave target */
  SURVEY_EDIT_WAVE_REMOVE      /* remove the wave target */
};
/* The form's fields as typed (NULL reads as ""). options: one option a line, "code | 中文 |
 * English" (or "中文 | English", or "中文": a code is made up); when_values: the values of
 * when_question that show the question, separated by commas or spaces (when_question "":
 * always shown). A question's code "" is made up ("q1", "q2", ...); renaming a question
 * renames it in the conditions that name it. */
struct survey_edit {
  enum survey_edit_action action;
  const char *target;
  int64_t version; /* the updated_at the form was drawn from: ST_CONFLICT when it changed since
                      (0: not checked) */
  const char *title_zh, *title_en, *measure, *collect;
  const char *code, *kind, *text_zh, *text_en, *options, *when_question, *when_values;
  bool required;
  const char *name_zh, *name_en, *opens, *closes;
};
/* Applies e to the definition def (pure): ST_NOTFOUND when the target is not there, ST_INVALID
 * ("survey_err_json") when def is not a definition's shape; the result still has to pass
 * survey_parse, which names any fault. */
int survey_definition_edit(json_t *def, const struct survey_edit *e, const char **error,
                           const char **where);
/* Reads the office's survey id, applies e and saves it when it still passes survey_parse
 * (ST_INVALID with *error and *where as survey_parse names the fault, nothing saved). */
int survey_edit_apply(struct store *store, struct arena *arena, const struct audit_actor *who,
                      int64_t id, const struct survey_edit *e, time_t now, const char **error,
                      const char **where);
/* A new survey from the builder's first form (code: the slug; titles, measure, collect) with
 * one five-point question to start from; ST_CONFLICT when the office has that slug already. */
int survey_create(struct store *store, struct arena *arena, const struct audit_actor *who,
                  const struct survey_edit *e, time_t now, int64_t *id, const char **error,
                  const char **where);

/* The demo's survey (`bianmin demo`): xinxing's lunch-hour survey, open to all, without waves;
 * put again (by slug) when the demo is loaded again. ST_OK when there is no xinxing office. */
int survey_demo_load(struct store *store, time_t now);

/* ---- collection ----------------------------------------------------------------------------- */

enum survey_channel { SURVEY_BY_CASE, SURVEY_BY_TABLET, SURVEY_OPEN };
/* Where an answer comes from: a case's token; an office and counter (tablet); an office and
 * slug (open to all). */
struct survey_where {
  enum survey_channel channel;
  const char *token;
  int64_t office_id;
  const char *counter, *slug;
};
/* What the answer page shows. survey NULL-free when found; wave NULL: the survey is closed
 * today; answered: this case already answered (a second answer is refused); no_case: the
 * tablet's counter has no closed case yet. */
struct survey_take {
  struct survey survey;
  int64_t office_id, case_id, service_id, unit_id;
  const char *wave, *counter, *channel;
  bool answered, no_case;
};
/* ST_NOTFOUND: no such case, or the office has no survey for that channel. */
int survey_take_read(struct store *store, struct arena *arena, const struct survey_where *where,
                     time_t now, struct survey_take *out);
/* Records one answer: ST_CONFLICT when the case already answered (or the tablet's case),
 * ST_LIMIT when the survey is closed today, ST_INVALID with *error and *where for bad answers. */
int survey_answer(struct store *store, struct arena *arena, const struct survey_where *where,
                  json_t *answers, time_t now, const char **error, const char **where_code);
/* The link of the office's open case survey for a case's receipt or "ready" message: "" when
 * the office has no case survey open today (path "/s/<token>" otherwise). */
int survey_case_link(struct store *store, struct arena *arena, int64_t office_id, const char *token,
                     time_t now, const char **out);

/* Whether the office has a case survey open on now's Taipei day, for the "ready" message's
 * {{survey_url}}: reads without a transaction of its own (the message is queued inside the
 * caller's). */
int survey_case_survey_open(struct store *store, int64_t office_id, time_t now, bool *open);

/* ---- results -------------------------------------------------------------------------------- */

/* One line of a distribution: an option, or a value 1..5 of a five-point question. */
struct survey_count {
  const char *code, *label_zh, *label_en;
  int64_t count;
  bool hidden; /* withheld by the small-cell rule (domain/suppress.h): print "<5" */
};
struct survey_question_result {
  const struct survey_question *question;
  int64_t answered;
  struct survey_count *counts;
  size_t count_count;
  struct survey_tally tally; /* five-point questions */
  int64_t share;             /* permille, SURVEY_NO_FIGURE when not shown */
  bool answered_hidden;      /* answered withheld (domain/suppress.h) */
};
/* A period (a wave or a month) of the focus question: n answers, share and growth rate over the
 * period before (permille, SURVEY_NO_FIGURE when not shown). */
struct survey_period {
  const char *code, *label_zh, *label_en;
  struct survey_tally tally;
  int64_t share, growth;
  bool n_hidden; /* tally.n withheld (domain/suppress.h) */
};
/* A cross-tab row: a service, unit, channel or counter and the focus question's answers. */
struct survey_cross_row {
  const char *code, *label_zh, *label_en;
  struct survey_tally tally;
  int64_t share;
  bool hidden[5], n_hidden; /* tally.counts[v] and tally.n withheld (domain/suppress.h) */
};
enum survey_cross_by {
  SURVEY_BY_SERVICE,
  SURVEY_BY_UNIT,
  SURVEY_BY_CHANNEL,
  SURVEY_BY_COUNTER,
  SURVEY_CROSS_COUNT
};
struct survey_cross {
  struct survey_cross_row *rows;
  size_t row_count;
};
struct survey_text_answer {
  const char *question, *text, *month;
};
struct survey_results {
  struct survey survey;
  int64_t answer_count;
  const struct survey_question *focus; /* the five-point question trends and cross-tabs read;
                                          NULL when the survey has none */
  struct survey_question_result *questions;
  size_t question_count;
  struct survey_period *waves, *months;
  size_t wave_count, month_count;
  struct survey_cross cross[SURVEY_CROSS_COUNT];
  struct survey_text_answer *texts; /* free text containing query (all when ""), newest first */
  size_t text_count;
};
enum { SURVEY_TEXTS_MAX = 200 };
/* focus: a five-point question's code ("" or unknown: the first one); query: searched in the
 * free-text answers (case-insensitive for ASCII). Every count carries its hidden flag: the
 * small-cell rule (domain/suppress.h) is applied here, once, to each question's distribution
 * with its answered total, to the cross-tabs with the focus question's distribution as their
 * column totals and to the waves and months with its total, repeated until no table changes. */
int survey_results_read(struct store *store, struct arena *arena, int64_t office_id, int64_t id,
                        const char *focus, const char *query, struct survey_results *out);

/* ---- quality records ------------------------------------------------------------------------ */

/* kind: "phone" (phone-courtesy test), "counter" (counter spot check), "test" (staff
 * professional test), "training" (training session). Score sheets (phone, counter, test) carry
 * items with a score and a maximum; training carries a topic, attendees and hours. */
struct quality_item {
  const char *item;
  int64_t score, max;
};
struct quality_record {
  int64_t id, unit_id, attendees, hours_tenths, score; /* score: permille of the maximum */
  const char *kind, *held_on, *topic;
  struct quality_item *items;
  size_t item_count;
};
enum { QUALITY_ITEMS_MAX = 30 };
bool quality_kind_valid(const char *kind);
/* Records one (items parsed from lines "item: score/max"); ST_INVALID with *error for bad
 * input; the score is computed from the items. Audited. */
int quality_record_add(struct store *store, const struct audit_actor *who,
                       const struct quality_record *r, const char *items_text, time_t now,
                       const char **error);
/* The office's records held on [from, to], newest first. */
int quality_list_read(struct store *store, struct arena *arena, int64_t office_id, const char *from,
                      const char *to, struct quality_record **rows, size_t *count);
/* Scores by unit and month (for the indicators): the mean score (permille) of the scored
 * records (phone, counter, test) of each (unit, month, kind), in that order. */
struct quality_score {
  int64_t unit_id, records, mean; /* mean permille */
  const char *month, *kind;
};
int quality_scores_by_unit_month(struct store *store, struct arena *arena, int64_t office_id,
                                 const char *from, const char *to, struct quality_score **rows,
                                 size_t *count);
/* The quality page: the records held on [from, to], their scores by unit and month, and the
 * office's units (from the directory) to record against. */
struct dir_unit;
struct quality_page {
  struct quality_record *records;
  size_t record_count;
  struct quality_score *scores;
  size_t score_count;
  const struct dir_unit *units;
  size_t unit_count;
};
int quality_page_read(struct store *store, struct arena *arena, int64_t office_id, const char *from,
                      const char *to, struct quality_page *out);

#endif
