/*
 * survey_collect.c - the builder's reads and writes and the collection of answers
 * (survey.h): the office's surveys, one survey, saving an imported definition, the answer
 * page's read and the answer's write, and the survey link of a case.
 */
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/civil.h"
#include "domain/audit.h"
#include "domain/case_read.h"
#include "domain/read_model.h"
#include "domain/survey.h"
#include "store/directory.h"
#include "store/store.h"
#include "store/survey.h"

#include "base/common.h"

static const char *const channel_names[] = {"case", "tablet", "open"};

int survey_list_read(struct store *store, struct arena *arena, int64_t office_id,
                     struct survey_row **rows, size_t *count)
{
  json_t *list = NULL, *row;
  size_t i;
  *count = 0;
  int rc = store_survey_list(store, office_id, &list);
  *rows = rc ? NULL : read_model_array(arena, json_array_size(list), sizeof(**rows));
  if (!rc && !*rows)
    rc = ST_NOMEM;
  json_array_foreach(rc ? NULL : list, i, row)
  {
    struct survey_row *r = &(*rows)[i];
    r->id = read_model_int(row, "id");
    r->answers = read_model_int(row, "answers");
    r->updated_at = read_model_int(row, "updated_at");
    r->slug = read_model_text(arena, row, "slug");
    r->measure = read_model_text(arena, row, "measure");
    r->collect = read_model_text(arena, row, "collect");
    r->title_zh = read_model_text(arena, row, "title_zh");
    r->title_en = read_model_text(arena, row, "title_en");
    if (!r->title_en)
      rc = ST_NOMEM;
  }
  *count = rc ? 0 : json_array_size(list);
  json_decref(list);
  return rc;
}

/* A stored survey row parsed (its definition was checked when saved). */
static int survey_of_row(struct arena *arena, json_t *row, struct survey *out)
{
  const char *error, *where;
  const char *text = json_string_value(json_object_get(row, "definition"));
  json_t *def = text ? json_loads(text, 0, NULL) : NULL;
  int rc = def ? survey_parse(arena, def, out, &error, &where) : ST_DB;
  json_decref(def);
  if (rc)
    return rc == ST_NOMEM ? rc : ST_DB;
  out->id = read_model_int(row, "id");
  out->office_id = read_model_int(row, "office_id");
  out->updated_at = read_model_int(row, "updated_at");
  out->definition = arena_strdup(arena, text);
  return out->definition ? ST_OK : ST_NOMEM;
}

int survey_read(struct store *store, struct arena *arena, int64_t office_id, int64_t id,
                struct survey *out)
{
  json_t *row = NULL;
  int rc = store_survey_get(store, office_id, id, NULL, &row);
  if (!rc)
    rc = survey_of_row(arena, row, out);
  json_decref(row);
  return rc;
}

int survey_save(struct store *store, struct arena *arena, const struct audit_actor *who,
                const char *text, time_t now, int64_t *id, const char **error, const char **where)
{
  struct survey s;
  json_t *def = text && strlen(text) <= SURVEY_DEFINITION_MAX
                    ? json_loads(text, JSON_REJECT_DUPLICATES, NULL)
                    : NULL;
  *error = "survey_err_json";
  *where = "";
  int rc = !arena ? ST_NOMEM : !def ? ST_INVALID : survey_parse(arena, def, &s, error, where);
  char *canonical = rc ? NULL : json_dumps(def, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  if (!rc && !canonical)
    rc = ST_NOMEM;
  if (!rc)
    rc = store_begin(store);
  if (!rc) {
    struct store_survey_put put = {who->office_id, s.slug,     s.measure, s.collect,
                                   s.title_zh,     s.title_en, canonical, (int64_t)now};
    rc = store_survey_put(store, &put, id);
    const char *object = rc ? NULL : arena_printf(arena, "%lld", (long long)*id);
    if (!rc)
      rc = audit_record(store, who, "survey.save", "survey", object ? object : "", NULL);
    rc = rc ? (store_rollback(store), rc) : store_commit(store);
  }
  free(canonical);
  json_decref(def);
  return rc;
}

/* ---- collection ----------------------------------------------------------------------------- */

/* The first of the office's case surveys open today, with its wave; when none is open, the
 * first of them with *wave NULL (the page says it is closed); ST_NOTFOUND when it has none. */
static int open_case_survey(struct store *store, struct arena *arena, int64_t office_id,
                            const char *today, struct survey *out, const char **wave)
{
  json_t *rows = NULL, *row;
  size_t i;
  int rc = store_survey_case_surveys(store, office_id, &rows);
  *wave = NULL;
  json_array_foreach(rc ? NULL : rows, i, row)
  {
    rc = survey_of_row(arena, row, out);
    *wave = rc ? NULL : survey_wave_on(out, today);
    if (rc || *wave)
      break;
  }
  if (!rc && !*wave)
    rc = json_array_size(rows) ? survey_of_row(arena, json_array_get(rows, 0), out) : ST_NOTFOUND;
  json_decref(rows);
  return rc;
}

/* The case behind a token, or the tablet counter's last closed case, into out. */
static int case_of(struct store *store, struct arena *arena, const struct survey_where *where,
                   time_t now, struct survey_take *out)
{
  if (where->channel == SURVEY_BY_CASE) {
    struct case_public c;
    int rc = case_public_by_token(store, arena, now, where->token, &c);
    if (!rc) {
      out->office_id = c.office_id;
      out->case_id = c.id;
      out->service_id = c.service_id;
      out->unit_id = c.unit_id;
      out->counter = c.counter;
    }
    return rc;
  }
  json_t *row = NULL;
  out->office_id = where->office_id;
  out->counter = where->counter ? where->counter : "";
  if (where->channel != SURVEY_BY_TABLET)
    return ST_OK;
  int rc = store_survey_counter_case(store, where->office_id, out->counter, &row);
  out->no_case = rc == ST_NOTFOUND;
  if (!rc) {
    out->case_id = read_model_int(row, "id");
    out->service_id = read_model_int(row, "service_id");
    out->unit_id = read_model_int(row, "unit_id");
  }
  json_decref(row);
  return rc == ST_NOTFOUND ? ST_OK : rc;
}

/* The survey of the channel and whether this case answered it; inside a read transaction. */
static int take_survey(struct store *store, struct arena *arena, const struct survey_where *where,
                       const char *today, struct survey_take *out)
{
  json_t *row = NULL;
  int rc, answered = 0;
  if (where->channel == SURVEY_OPEN) {
    rc = store_survey_get(store, out->office_id, 0, where->slug ? where->slug : "", &row);
    if (!rc && strcmp(json_string_value(json_object_get(row, "collect")), "open") != 0)
      rc = ST_NOTFOUND;
    if (!rc)
      rc = survey_of_row(arena, row, &out->survey);
    json_decref(row);
    out->wave = rc ? NULL : survey_wave_on(&out->survey, today);
  } else {
    rc = open_case_survey(store, arena, out->office_id, today, &out->survey, &out->wave);
  }
  if (!rc && out->case_id)
    rc = store_survey_answered(store, out->survey.id, out->case_id, &answered);
  out->answered = answered != 0;
  return rc;
}

int survey_take_read(struct store *store, struct arena *arena, const struct survey_where *where,
                     time_t now, struct survey_take *out)
{
  char today[CIVIL_ISO_SIZE];
  memset(out, 0, sizeof(*out));
  out->channel = channel_names[where->channel];
  civil_taipei_iso(now, today);
  int rc = case_of(store, arena, where, now, out);
  if (!rc) {
    rc = store_begin_read(store);
    if (!rc)
      rc = store_end_read(store, take_survey(store, arena, where, today, out));
  }
  return rc;
}

static int answer_write(struct store *store, const struct survey_take *t, const char *answers,
                        time_t now)
{
  char month[CIVIL_ISO_SIZE];
  civil_taipei_iso(now, month);
  month[7] = '\0';
  struct store_survey_answer a = {t->survey.id, t->case_id, t->service_id, t->unit_id, (int64_t)now,
                                  t->wave,      month,      t->channel,    t->counter, answers};
  int rc = store_begin(store);
  if (rc)
    return rc;
  rc = store_survey_answer_add(store, &a);
  return rc ? (store_rollback(store), rc) : store_commit(store);
}

int survey_answer(struct store *store, struct arena *arena, const struct survey_where *where,
                  json_t *answers, time_t now, const char **error, const char **where_code)
{
  struct survey_take t;
  json_t *clean = NULL;
  *error = "";
  *where_code = "";
  int rc = survey_take_read(store, arena, where, now, &t);
  if (!rc && (t.answered || t.no_case))
    rc = ST_CONFLICT;
  if (!rc && !t.wave)
    rc = ST_LIMIT;
  if (!rc)
    rc = survey_answers_check(&t.survey, answers, where->channel == SURVEY_BY_TABLET, &clean, error,
                              where_code);
  char *text = rc ? NULL : json_dumps(clean, JSON_COMPACT | JSON_PRESERVE_ORDER);
  if (!rc && !text)
    rc = ST_NOMEM;
  if (!rc)
    rc = answer_write(store, &t, text, now);
  free(text);
  json_decref(clean);
  return rc;
}

int survey_case_link(struct store *store, struct arena *arena, int64_t office_id, const char *token,
                     time_t now, const char **out)
{
  struct survey s;
  const char *wave = NULL;
  char today[CIVIL_ISO_SIZE];
  civil_taipei_iso(now, today);
  *out = "";
  int rc = store_begin_read(store);
  if (!rc)
    rc = store_end_read(store, open_case_survey(store, arena, office_id, today, &s, &wave));
  if (rc == ST_NOTFOUND || (!rc && !wave))
    return ST_OK;
  if (!rc && token && *token)
    *out = arena_printf(arena, "/s/%s", token);
  return rc ? rc : (*out ? ST_OK : ST_NOMEM);
}

int survey_case_survey_open(struct store *store, int64_t office_id, time_t now, bool *open)
{
  struct survey s;
  const char *wave = NULL;
  char today[CIVIL_ISO_SIZE];
  struct arena *arena = arena_new(256 * 1024);
  civil_taipei_iso(now, today);
  int rc = arena ? open_case_survey(store, arena, office_id, today, &s, &wave) : ST_NOMEM;
  *open = rc == ST_OK && wave != NULL;
  arena_free(arena);
  return rc == ST_NOTFOUND ? ST_OK : rc;
}

/* The demo survey's definition: one choice, one five-point question, one free text. */
static const char demo_definition[] =
    "{\"slug\": \"lunch-hour\", \"measure\": \"lunch-hour\", \"collect\": \"open\", "
    "\"title_zh\": \"中午不打烊服務滿意度\", \"title_en\": \"Lunch-hour service survey\", "
    "\"questions\": [{\"code\": \"used\", \"kind\": \"single\", \"required\": true, "
    "\"text_zh\": \"您是否在中午時段到所辦理？\", \"text_en\": \"Did you visit at lunch "
    "time?\", \"options\": [{\"code\": \"yes\", \"zh\": \"是\", \"en\": \"Yes\"}, "
    "{\"code\": \"no\", \"zh\": \"否\", \"en\": \"No\"}]}, {\"code\": \"overall\", "
    "\"kind\": \"scale5\", \"text_zh\": \"您對中午服務滿意嗎？\", \"text_en\": \"How "
    "satisfied are you with the lunch-hour service?\", \"when\": {\"question\": \"used\", "
    "\"in\": [\"yes\"]}}, {\"code\": \"say\", \"kind\": \"text\", \"text_zh\": "
    "\"其他建議\", \"text_en\": \"Anything else?\"}]}";

int survey_demo_load(struct store *store, time_t now)
{
  json_t *office = NULL, *def = json_loads(demo_definition, 0, NULL);
  int64_t id = 0;
  struct survey s;
  const char *error, *where;
  struct arena *arena = arena_new(64 * 1024);
  /* the definition is checked as an import would be */
  int rc = def && arena ? survey_parse(arena, def, &s, &error, &where) : ST_NOMEM;
  json_decref(def);
  arena_free(arena);
  if (!rc)
    rc = store_office_get(store, "xinxing", &office);
  if (rc)
    return rc == ST_NOTFOUND ? ST_OK : rc;
  struct store_survey_put put = {json_integer_value(json_object_get(office, "id")),
                                 "lunch-hour",
                                 "lunch-hour",
                                 "open",
                                 "中午不打烊服務滿意度",
                                 "Lunch-hour service survey",
                                 demo_definition,
                                 (int64_t)now};
  rc = store_survey_put(store, &put, &id);
  json_decref(office);
  return rc;
}
