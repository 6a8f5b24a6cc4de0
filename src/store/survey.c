/*
 * survey.c - surveys, survey answers and quality records (store/survey.h), in portable SQL
 * over the db.h seam; every statement is a constant, so it is prepared once per connection.
 */
#include "store/survey.h"

#include "store/db.h"
#include "store/store_impl.h"

#include "base/common.h"

static struct db_param id_or_nil(int64_t id)
{
  return id > 0 ? DB_I(id) : DB_NIL;
}

int store_survey_put(struct store *store, const struct store_survey_put *s, int64_t *id)
{
  static const char sql[] =
      "INSERT INTO surveys (office_id, slug, measure, collect, title_zh, title_en, definition, "
      "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (office_id, slug) DO "
      "UPDATE SET measure = excluded.measure, collect = excluded.collect, title_zh = "
      "excluded.title_zh, title_en = excluded.title_en, definition = excluded.definition, "
      "updated_at = excluded.updated_at RETURNING id";
  if (s->office_id <= 0 || !s->slug || !s->collect || !s->title_zh || !s->definition)
    return store_fail(store, ST_INVALID, "survey: office, slug, collect, title and definition");
  return db_query_int(store, sql,
                      DB_ARGS(DB_I(s->office_id), DB_S(s->slug), DB_S(s->measure ? s->measure : ""),
                              DB_S(s->collect), DB_S(s->title_zh),
                              DB_S(s->title_en ? s->title_en : ""), DB_S(s->definition),
                              DB_I(s->now)),
                      id);
}

int store_survey_list(struct store *store, int64_t office_id, json_t **out)
{
  static const char sql[] =
      "SELECT s.id, s.slug, s.measure, s.collect, s.title_zh, s.title_en, s.updated_at, (SELECT "
      "count(*) FROM survey_answers a WHERE a.survey_id = s.id) AS answers FROM surveys s WHERE "
      "s.office_id = $1 ORDER BY s.slug";
  return db_query(store, sql, DB_ARGS(DB_I(office_id)), out);
}

int store_survey_get(struct store *store, int64_t office_id, int64_t id, const char *slug,
                     json_t **out)
{
  static const char by_id[] =
      "SELECT id, office_id, slug, measure, collect, title_zh, title_en, definition, updated_at "
      "FROM surveys WHERE office_id = $1 AND id = $2";
  static const char by_slug[] =
      "SELECT id, office_id, slug, measure, collect, title_zh, title_en, definition, updated_at "
      "FROM surveys WHERE office_id = $1 AND slug = $2";
  if (slug)
    return db_query_one(store, by_slug, DB_ARGS(DB_I(office_id), DB_S(slug)), out);
  return db_query_one(store, by_id, DB_ARGS(DB_I(office_id), DB_I(id)), out);
}

int store_survey_case_surveys(struct store *store, int64_t office_id, json_t **out)
{
  static const char sql[] =
      "SELECT id, office_id, slug, measure, collect, title_zh, title_en, definition, updated_at "
      "FROM surveys WHERE office_id = $1 AND collect = 'case' ORDER BY id";
  return db_query(store, sql, DB_ARGS(DB_I(office_id)), out);
}

int store_survey_answer_add(struct store *store, const struct store_survey_answer *a)
{
  static const char sql[] =
      "INSERT INTO survey_answers (survey_id, wave, month, channel, case_id, service_id, unit_id, "
      "counter, answers, answered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
  return db_exec(store, sql,
                 DB_ARGS(DB_I(a->survey_id), DB_S(a->wave), DB_S(a->month), DB_S(a->channel),
                         id_or_nil(a->case_id), id_or_nil(a->service_id), id_or_nil(a->unit_id),
                         DB_S(a->counter ? a->counter : ""), DB_S(a->answers), DB_I(a->now)),
                 NULL);
}

int store_survey_answered(struct store *store, int64_t survey_id, int64_t case_id, int *answered)
{
  static const char sql[] =
      "SELECT count(*) FROM survey_answers WHERE survey_id = $1 AND case_id = $2";
  int64_t n = 0;
  int rc = db_query_int(store, sql, DB_ARGS(DB_I(survey_id), DB_I(case_id)), &n);
  *answered = n > 0;
  return rc;
}

int store_survey_answers(struct store *store, int64_t survey_id, json_t **out)
{
  static const char sql[] =
      "SELECT wave, month, channel, service_id, unit_id, counter, answers, answered_at FROM "
      "survey_answers WHERE survey_id = $1 ORDER BY id";
  return db_query(store, sql, DB_ARGS(DB_I(survey_id)), out);
}

int store_survey_counter_case(struct store *store, int64_t office_id, const char *counter,
                              json_t **out)
{
  static const char sql[] =
      "SELECT id, service_id, unit_id, channel FROM cases WHERE office_id = $1 AND counter = $2 "
      "AND closed_at IS NOT NULL ORDER BY closed_at DESC, id DESC LIMIT 1";
  return db_query_one(store, sql, DB_ARGS(DB_I(office_id), DB_S(counter)), out);
}

int store_quality_add(struct store *store, const struct store_quality_record *r, int64_t *id)
{
  static const char sql[] =
      "INSERT INTO quality_records (office_id, unit_id, kind, held_on, topic, items, score, "
      "attendees, hours_tenths, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
      "$9, $10, $11) RETURNING id";
  return db_query_int(store, sql,
                      DB_ARGS(DB_I(r->office_id), id_or_nil(r->unit_id), DB_S(r->kind),
                              DB_S(r->held_on), DB_S(r->topic ? r->topic : ""),
                              DB_S(r->items ? r->items : "[]"), DB_I(r->score), DB_I(r->attendees),
                              DB_I(r->hours_tenths), id_or_nil(r->recorded_by), DB_I(r->now)),
                      id);
}

int store_quality_list(struct store *store, int64_t office_id, const char *from, const char *to,
                       json_t **out)
{
  static const char sql[] =
      "SELECT id, office_id, unit_id, kind, held_on, topic, items, score, attendees, "
      "hours_tenths, recorded_by, recorded_at FROM quality_records WHERE office_id = $1 AND "
      "held_on >= $2 AND held_on <= $3 ORDER BY held_on DESC, id DESC";
  return db_query(store, sql, DB_ARGS(DB_I(office_id), DB_S(from), DB_S(to)), out);
}
