/*
 * survey.h - surveys, their answers and quality records (migration 28, domain/survey.c), in
 * portable SQL over the db.h seam. Records cross as jansson objects (the columns by name).
 */
#ifndef BIANMIN_STORE_SURVEY_H
#define BIANMIN_STORE_SURVEY_H

#if defined(BIANMIN_LAYER_WEB) || defined(BIANMIN_LAYER_WORKERS)
#error                                                                                             \
    "web/ and workers/ may not include store/ headers: call the domain (docs/ARCHITECTURE.md, Layers)"
#endif

#include <jansson.h>
#include <stdint.h>

struct store;

/* A survey row: {id, office_id, slug, measure, collect, title_zh, title_en, definition (JSON
 * text), updated_at}. */
struct store_survey_put {
  int64_t office_id;
  const char *slug, *measure, *collect, *title_zh, *title_en, *definition;
  int64_t now;
};
/* Inserts or replaces the office's survey of that slug; *id its id. */
int store_survey_put(struct store *store, const struct store_survey_put *s, int64_t *id);
/* The office's surveys by slug (no definition text). */
int store_survey_list(struct store *store, int64_t office_id, json_t **out);
/* One survey of the office by id (slug NULL) or by slug; ST_NOTFOUND when none. */
int store_survey_get(struct store *store, int64_t office_id, int64_t id, const char *slug,
                     json_t **out);
/* The office's surveys collected from cases (collect = 'case'), oldest first, with definition. */
int store_survey_case_surveys(struct store *store, int64_t office_id, json_t **out);

/* One answer; ST_CONFLICT when the survey already has an answer for case_id (0: none). */
struct store_survey_answer {
  int64_t survey_id, case_id, service_id, unit_id, now; /* 0: none */
  const char *wave, *month, *channel, *counter, *answers;
};
int store_survey_answer_add(struct store *store, const struct store_survey_answer *a);
/* Whether the survey has an answer for the case. */
int store_survey_answered(struct store *store, int64_t survey_id, int64_t case_id, int *answered);
/* Every answer of a survey, oldest first: {wave, month, channel, service_id, unit_id, counter,
 * answers, answered_at}; never the case. */
int store_survey_answers(struct store *store, int64_t survey_id, json_t **out);
/* The last closed case of the office at a counter: {id, service_id, unit_id, channel};
 * ST_NOTFOUND when none. */
int store_survey_counter_case(struct store *store, int64_t office_id, const char *counter,
                              json_t **out);

/* Quality records: {id, office_id, unit_id, kind, held_on, topic, items (JSON text), score,
 * attendees, hours_tenths, recorded_by, recorded_at}. */
struct store_quality_record {
  int64_t office_id, unit_id, score, attendees, hours_tenths, recorded_by, now;
  const char *kind, *held_on, *topic, *items;
};
int store_quality_add(struct store *store, const struct store_quality_record *r, int64_t *id);
/* The office's records held on [from, to] ("YYYY-MM-DD"), newest first. */
int store_quality_list(struct store *store, int64_t office_id, const char *from, const char *to,
                       json_t **out);

#endif
