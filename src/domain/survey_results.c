/*
 * survey_results.c - a survey's results (survey.h, survey_results_read): distributions of
 * every question, the satisfied share of the five-point questions, the focus question's trend
 * by wave and by month with growth rates, its cross-tabs by service, unit, channel and counter,
 * and the free-text answers that match a search. One read transaction reads the survey and its
 * answers; services and units are named from the in-memory directory. Answers are tallied
 * here, in C, from their JSON: a survey holds thousands of answers, not millions.
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/arena.h"
#include "domain/directory.h"
#include "domain/read_model.h"
#include "domain/suppress.h"
#include "domain/survey.h"
#include "store/directory.h"
#include "store/survey.h"

#include "base/common.h"

enum { CROSS_ROWS_MAX = 300, MONTHS_MAX = 240 };

static const char *const scale_labels[5] = {"1", "2", "3", "4", "5"};

static int questions_init(struct arena *arena, struct survey_results *r)
{
  r->question_count = r->survey.question_count;
  r->questions = read_model_array(arena, r->question_count, sizeof(*r->questions));
  if (!r->questions)
    return ST_NOMEM;
  for (size_t i = 0; i < r->question_count; i++) {
    struct survey_question_result *qr = &r->questions[i];
    const struct survey_question *q = &r->survey.questions[i];
    qr->question = q;
    qr->share = SURVEY_NO_FIGURE;
    qr->count_count = q->kind == SURVEY_SCALE5 ? 5 : q->option_count;
    qr->counts = read_model_array(arena, qr->count_count, sizeof(*qr->counts));
    if (!qr->counts)
      return ST_NOMEM;
    for (size_t k = 0; k < qr->count_count; k++) {
      struct survey_count *c = &qr->counts[k];
      bool scale = q->kind == SURVEY_SCALE5;
      c->code = scale ? scale_labels[k] : q->options[k].code;
      c->label_zh = scale ? scale_labels[k] : q->options[k].zh;
      c->label_en = scale ? scale_labels[k] : q->options[k].en;
    }
  }
  return ST_OK;
}

static void count_value(struct survey_question_result *qr, const char *value)
{
  for (size_t k = 0; k < qr->count_count; k++)
    if (!strcmp(qr->counts[k].code, value))
      qr->counts[k].count++;
  if (qr->question->kind == SURVEY_SCALE5)
    survey_tally_add(&qr->tally, value[0] - '0');
}

static void count_answer(struct survey_question_result *qr, json_t *answer)
{
  json_t *v;
  size_t i;
  if (!answer)
    return;
  qr->answered++;
  if (json_is_string(answer) && qr->question->kind != SURVEY_TEXT)
    count_value(qr, json_string_value(answer));
  json_array_foreach(answer, i, v) if (json_is_string(v)) count_value(qr, json_string_value(v));
}

/* The focus question's value in answers (1..5), 0 when none. */
static int64_t focus_value(const struct survey_results *r, json_t *answers)
{
  const char *v = r->focus ? json_string_value(json_object_get(answers, r->focus->code)) : NULL;
  return v && v[0] >= '1' && v[0] <= '5' ? v[0] - '0' : 0;
}

/* The row of key in a cross-tab, added when new (NULL past CROSS_ROWS_MAX or out of room). */
static struct survey_cross_row *cross_row(struct arena *arena, struct survey_cross *x,
                                          const char *key)
{
  for (size_t i = 0; i < x->row_count; i++)
    if (!strcmp(x->rows[i].code, key))
      return &x->rows[i];
  if (x->row_count >= CROSS_ROWS_MAX)
    return NULL;
  if (!x->rows)
    x->rows = read_model_array(arena, CROSS_ROWS_MAX, sizeof(*x->rows));
  const char *code = x->rows ? arena_strdup(arena, key) : NULL;
  if (!code)
    return NULL;
  struct survey_cross_row *row = &x->rows[x->row_count++];
  *row = (struct survey_cross_row){code, "", "", {{0}, 0}, SURVEY_NO_FIGURE};
  return row;
}

static void cross_add(struct arena *arena, struct survey_results *r, json_t *row, int64_t value)
{
  char id[24];
  const char *keys[SURVEY_CROSS_COUNT];
  snprintf(id, sizeof(id), "%lld", (long long)read_model_int(row, "service_id"));
  keys[SURVEY_BY_SERVICE] = arena_strdup(arena, id);
  snprintf(id, sizeof(id), "%lld", (long long)read_model_int(row, "unit_id"));
  keys[SURVEY_BY_UNIT] = arena_strdup(arena, id);
  keys[SURVEY_BY_CHANNEL] = json_string_value(json_object_get(row, "channel"));
  keys[SURVEY_BY_COUNTER] = json_string_value(json_object_get(row, "counter"));
  for (int by = 0; by < SURVEY_CROSS_COUNT; by++) {
    struct survey_cross_row *x = keys[by] ? cross_row(arena, &r->cross[by], keys[by]) : NULL;
    if (x)
      survey_tally_add(&x->tally, value);
  }
}

/* The period of key in list (months: added in order when new). */
static struct survey_period *period_of(struct survey_period *list, size_t *count, size_t max,
                                       const char *key, bool add)
{
  for (size_t i = 0; i < *count; i++)
    if (!strcmp(list[i].code, key))
      return &list[i];
  if (!add || *count >= max)
    return NULL;
  struct survey_period *p = &list[(*count)++];
  *p = (struct survey_period){key, key, key, {{0}, 0}, SURVEY_NO_FIGURE, SURVEY_NO_FIGURE};
  return p;
}

static bool text_matches(const char *text, const char *query)
{
  size_t n = strlen(query);
  if (n == 0)
    return true;
  for (const char *p = text; *p; p++)
    if (strncasecmp(p, query, n) == 0)
      return true;
  return false;
}

static void texts_add(struct arena *arena, struct survey_results *r, json_t *answers,
                      const char *month, const char *query)
{
  for (size_t i = 0; i < r->survey.question_count; i++) {
    const struct survey_question *q = &r->survey.questions[i];
    const char *text = json_string_value(json_object_get(answers, q->code));
    if (q->kind != SURVEY_TEXT || !text || !text_matches(text, query) ||
        r->text_count >= SURVEY_TEXTS_MAX)
      continue;
    struct survey_text_answer *t = &r->texts[r->text_count++];
    *t =
        (struct survey_text_answer){q->code, arena_strdup(arena, text), arena_strdup(arena, month)};
  }
}

/* Tallies one stored answer row. */
static int tally_row(struct arena *arena, struct survey_results *r, json_t *row, const char *query)
{
  const char *text = json_string_value(json_object_get(row, "answers"));
  json_t *answers = text ? json_loads(text, 0, NULL) : NULL;
  if (!answers)
    return ST_DB;
  for (size_t i = 0; i < r->question_count; i++)
    count_answer(&r->questions[i], json_object_get(answers, r->questions[i].question->code));
  int64_t value = focus_value(r, answers);
  const char *month = read_model_text(arena, row, "month");
  const char *wave = json_string_value(json_object_get(row, "wave"));
  struct survey_period *w = period_of(r->waves, &r->wave_count, r->wave_count, wave, false);
  struct survey_period *m =
      month ? period_of(r->months, &r->month_count, MONTHS_MAX, month, true) : NULL;
  if (value && w)
    survey_tally_add(&w->tally, value);
  if (value && m)
    survey_tally_add(&m->tally, value);
  if (value)
    cross_add(arena, r, row, value);
  texts_add(arena, r, answers, month ? month : "", query);
  json_decref(answers);
  r->answer_count++;
  return ST_OK;
}

static int periods_init(struct arena *arena, struct survey_results *r)
{
  r->wave_count = r->survey.wave_count;
  r->waves = read_model_array(arena, r->wave_count, sizeof(*r->waves));
  r->months = read_model_array(arena, MONTHS_MAX, sizeof(*r->months));
  r->texts = read_model_array(arena, SURVEY_TEXTS_MAX, sizeof(*r->texts));
  if (!r->waves || !r->months || !r->texts)
    return ST_NOMEM;
  for (size_t i = 0; i < r->wave_count; i++) {
    const struct survey_wave *w = &r->survey.waves[i];
    r->waves[i] =
        (struct survey_period){w->code,  w->name_zh,       *w->name_en ? w->name_en : w->name_zh,
                               {{0}, 0}, SURVEY_NO_FIGURE, SURVEY_NO_FIGURE};
  }
  return ST_OK;
}

static int cmp_period(const void *a, const void *b)
{
  return strcmp(((const struct survey_period *)a)->code, ((const struct survey_period *)b)->code);
}

static void periods_finish(struct survey_period *list, size_t count)
{
  for (size_t i = 0; i < count; i++) {
    list[i].share = survey_share(&list[i].tally);
    list[i].growth = i ? survey_growth(list[i - 1].share, list[i].share) : SURVEY_NO_FIGURE;
  }
}

/* Shares, growth rates and the names of services and units. */
static void results_finish(struct survey_results *r, const struct directory *dir)
{
  for (size_t i = 0; i < r->question_count; i++)
    if (r->questions[i].question->kind == SURVEY_SCALE5)
      r->questions[i].share = survey_share(&r->questions[i].tally);
  qsort(r->months, r->month_count, sizeof(*r->months), cmp_period);
  periods_finish(r->waves, r->wave_count);
  periods_finish(r->months, r->month_count);
  for (int by = 0; by < SURVEY_CROSS_COUNT; by++) {
    for (size_t i = 0; i < r->cross[by].row_count; i++) {
      struct survey_cross_row *x = &r->cross[by].rows[i];
      int64_t id = strtoll(x->code, NULL, 10);
      const struct dir_service *s =
          by == SURVEY_BY_SERVICE && dir ? directory_service(dir, id) : NULL;
      const struct dir_unit *u = by == SURVEY_BY_UNIT && dir ? directory_unit(dir, id) : NULL;
      x->label_zh = s ? s->name_zh : u ? u->name_zh : x->code;
      x->label_en = s ? s->name_en : u ? u->name_en : x->code;
      x->share = survey_share(&x->tally);
    }
  }
}

static void focus_pick(struct survey_results *r, const char *focus)
{
  const struct survey_question *first = NULL, *chosen = NULL;
  for (size_t i = 0; i < r->survey.question_count; i++) {
    const struct survey_question *q = &r->survey.questions[i];
    if (q->kind != SURVEY_SCALE5)
      continue;
    first = first ? first : q;
    if (focus && !strcmp(q->code, focus))
      chosen = q;
  }
  r->focus = chosen ? chosen : first;
}

static int results_tally(struct store *store, struct arena *arena, struct survey_results *r,
                         const char *query)
{
  json_t *rows = NULL, *row;
  size_t i;
  int rc = store_survey_answers(store, r->survey.id, &rows);
  json_array_foreach(rc ? NULL : rows, i, row)
  {
    rc = tally_row(arena, r, row, query ? query : "");
    if (rc)
      break;
  }
  json_decref(rows);
  /* newest first */
  for (size_t a = 0, b = r->text_count; !rc && b > a + 1; a++, b--) {
    struct survey_text_answer t = r->texts[a];
    r->texts[a] = r->texts[b - 1];
    r->texts[b - 1] = t;
  }
  return rc;
}

/* ---- the small-cell rule (domain/suppress.h) ------------------------------------------------ */

struct scratch {
  int64_t *counts;
  bool *hidden;
  struct suppress_table t;
};

static int scratch_new(struct arena *arena, size_t rows, size_t columns, bool row_totals,
                       bool column_totals, struct scratch *s)
{
  size_t n = rows * columns;
  s->counts = arena_alloc(arena, n * sizeof(*s->counts));
  s->hidden = arena_alloc(arena, n * sizeof(*s->hidden));
  if (!s->counts || !s->hidden)
    return ST_NOMEM;
  memset(s->hidden, 0, n * sizeof(*s->hidden));
  s->t = (struct suppress_table){
      rows, columns, s->counts, s->hidden, SURVEY_SUPPRESS_BELOW, row_totals, column_totals};
  return ST_OK;
}

/* Sets *flag from hidden; whether it was newly set. */
static bool take(bool *flag, bool hidden)
{
  bool added = hidden && !*flag;
  *flag = *flag || hidden;
  return added;
}

/* A question's distribution and its answered total as one row (a multiple choice's answers
 * do not add up to it: each count on its own). */
static int question_suppress(struct arena *arena, struct survey_question_result *qr, bool *changed)
{
  size_t n = qr->count_count;
  struct scratch s;
  int rc = scratch_new(arena, 1, n + 1, qr->question->kind != SURVEY_MULTI, false, &s);
  if (rc)
    return rc;
  for (size_t k = 0; k < n; k++)
    s.counts[k] = qr->counts[k].count, s.hidden[k] = qr->counts[k].hidden;
  s.counts[n] = qr->answered, s.hidden[n] = qr->answered_hidden;
  suppress_apply(&s.t);
  for (size_t k = 0; k < n; k++)
    *changed |= take(&qr->counts[k].hidden, s.hidden[k]);
  *changed |= take(&qr->answered_hidden, s.hidden[n]);
  return ST_OK;
}

/* A cross-tab (values 1..5 and n per row) with the focus question's distribution and answered
 * total as its last row. *changed: that last row changed. */
static int cross_suppress(struct arena *arena, struct survey_cross *x,
                          struct survey_question_result *fq, bool *changed)
{
  size_t rows = x->row_count + 1;
  struct scratch s;
  int rc = scratch_new(arena, rows, 6, true, true, &s);
  if (rc)
    return rc;
  for (size_t i = 0; i < rows; i++) {
    struct survey_cross_row *row = i < x->row_count ? &x->rows[i] : NULL;
    for (size_t v = 0; v < 5; v++) {
      s.counts[i * 6 + v] = row ? row->tally.counts[v] : fq->counts[v].count;
      s.hidden[i * 6 + v] = row ? row->hidden[v] : fq->counts[v].hidden;
    }
    s.counts[i * 6 + 5] = row ? row->tally.n : fq->answered;
    s.hidden[i * 6 + 5] = row ? row->n_hidden : fq->answered_hidden;
  }
  suppress_apply(&s.t);
  for (size_t i = 0; i < x->row_count; i++) {
    for (size_t v = 0; v < 5; v++)
      take(&x->rows[i].hidden[v], s.hidden[i * 6 + v]);
    take(&x->rows[i].n_hidden, s.hidden[i * 6 + 5]);
  }
  for (size_t v = 0; v < 5; v++)
    *changed |= take(&fq->counts[v].hidden, s.hidden[x->row_count * 6 + v]);
  *changed |= take(&fq->answered_hidden, s.hidden[x->row_count * 6 + 5]);
  return ST_OK;
}

/* The periods' answer counts as one column with the focus question's answered total. */
static int periods_suppress(struct arena *arena, struct survey_period *list, size_t count,
                            struct survey_question_result *fq, bool *changed)
{
  struct scratch s;
  int rc = scratch_new(arena, count + 1, 1, false, true, &s);
  if (rc)
    return rc;
  for (size_t i = 0; i < count; i++)
    s.counts[i] = list[i].tally.n, s.hidden[i] = list[i].n_hidden;
  s.counts[count] = fq->answered, s.hidden[count] = fq->answered_hidden;
  suppress_apply(&s.t);
  for (size_t i = 0; i < count; i++)
    take(&list[i].n_hidden, s.hidden[i]);
  *changed |= take(&fq->answered_hidden, s.hidden[count]);
  return ST_OK;
}

/* The focus question's tables share its distribution as their totals: they are settled in
 * turn until none hides another of those cells (flags are only ever set, so this ends). */
static int focus_suppress(struct arena *arena, struct survey_results *r,
                          struct survey_question_result *fq)
{
  bool changed = true;
  int rc = ST_OK;
  while (!rc && changed) {
    changed = false;
    rc = question_suppress(arena, fq, &changed);
    for (int by = 0; !rc && by < SURVEY_CROSS_COUNT; by++)
      rc = cross_suppress(arena, &r->cross[by], fq, &changed);
    if (!rc)
      rc = periods_suppress(arena, r->waves, r->wave_count, fq, &changed);
    if (!rc)
      rc = periods_suppress(arena, r->months, r->month_count, fq, &changed);
  }
  return rc;
}

static int results_suppress(struct arena *arena, struct survey_results *r)
{
  struct survey_question_result *fq = NULL;
  bool changed = false;
  int rc = ST_OK;
  for (size_t i = 0; !rc && i < r->question_count; i++) {
    if (r->questions[i].question == r->focus)
      fq = &r->questions[i];
    else
      rc = question_suppress(arena, &r->questions[i], &changed);
  }
  return rc || !fq ? rc : focus_suppress(arena, r, fq);
}

int survey_results_read(struct store *store, struct arena *arena, int64_t office_id, int64_t id,
                        const char *focus, const char *query, struct survey_results *out)
{
  const struct directory *dir = NULL;
  memset(out, 0, sizeof(*out));
  int rc = directory_acquire(store, arena, &dir);
  if (!rc)
    rc = store_begin_read(store);
  if (rc)
    return rc;
  rc = survey_read(store, arena, office_id, id, &out->survey);
  if (!rc)
    rc = questions_init(arena, out);
  if (!rc)
    rc = periods_init(arena, out);
  if (!rc)
    focus_pick(out, focus);
  if (!rc)
    rc = results_tally(store, arena, out, query);
  rc = store_end_read(store, rc);
  if (!rc)
    results_finish(out, dir);
  return rc ? rc : results_suppress(arena, out);
}
