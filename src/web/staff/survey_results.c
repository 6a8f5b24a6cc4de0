/*
 * survey_results.c - a survey's results (web/staff/survey.h): the page (HTML with inline SVG
 * charts, each with its data table beside it; JSON with Accept: application/json) and its CSV
 * and ODS exports. The tables are built once, here, from the domain's results; the page, the
 * charts and both files are written from those same tables, so a file's numbers are the
 * screen's. Counts the domain withheld (1 to 4 answers, and the complementary cells that would
 * let them be worked out from a total: domain/suppress.h) print as "<5" (a
 * complement of 5 or more as "×"); shares and growth rates resting on fewer
 * than 5 answers print as "–".
 */
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "domain/directory.h"
#include "domain/survey.h"
#include "render/table.h"
#include "web/app.h"
#include "web/staff/survey.h"

#include "base/common.h"

enum { QUERY_MAX_BYTES = 100, CHART_WIDTH = 220, TABLES_MAX = SURVEY_QUESTIONS_MAX + 8 };

/* A table and what its chart draws: one bar per row (bars[r - 1] for row r; -1: no bar),
 * scaled to bar_max. */
struct result_table {
  struct render_table t;
  const char **cells;
  int64_t *bars, bar_max;
  size_t value_column; /* the column a bar's label repeats */
  const char *id;
};
struct result_tables {
  struct result_table list[TABLES_MAX];
  size_t count;
};

/* hidden: withheld by the small-cell rule the domain applied (domain/suppress.h). */
static const char *count_text(struct http_request *req, int64_t count, bool hidden)
{
  if (hidden) /* a small count, or its complement (which is not small: marked apart) */
    return count < SURVEY_SUPPRESS_BELOW ? "<5" : "×";
  return arena_printf(req->arena, "%lld", (long long)count);
}

/* 853 -> "85.3%", -250 -> "-25.0%" (signed: "+10.0%"); SURVEY_NO_FIGURE -> "–". */
static const char *permille_text(struct http_request *req, int64_t p, bool sign)
{
  if (p == SURVEY_NO_FIGURE)
    return "–";
  int64_t a = p < 0 ? -p : p;
  return arena_printf(req->arena, "%s%lld.%lld%%",
                      p < 0           ? "-"
                      : sign && p > 0 ? "+"
                                      : "",
                      (long long)(a / 10), (long long)(a % 10));
}

/* A new table of rows x columns (the header included); NULL past TABLES_MAX or out of room. */
static struct result_table *table_new(struct http_request *req, struct result_tables *ts,
                                      const char *title, size_t rows, size_t columns)
{
  if (ts->count >= TABLES_MAX)
    return NULL;
  struct result_table *t = &ts->list[ts->count];
  t->cells = arena_alloc(req->arena, rows * columns * sizeof(*t->cells));
  t->bars = arena_alloc(req->arena, rows * sizeof(*t->bars));
  t->id = arena_printf(req->arena, "table-%zu", ts->count + 1);
  if (!t->cells || !t->bars || !t->id || !title)
    return NULL;
  memset(t->cells, 0, rows * columns * sizeof(*t->cells));
  for (size_t r = 0; r < rows; r++)
    t->bars[r] = -1;
  t->t = (struct render_table){title, columns, rows, t->cells};
  t->bar_max = 1;
  t->value_column = columns == 2 ? 1 : columns == 4 ? 2 : columns - 1;
  ts->count++;
  return t;
}

static void set_row(struct result_table *t, size_t row, const char *const *texts)
{
  for (size_t c = 0; c < t->t.columns; c++)
    t->cells[row * t->t.columns + c] = texts[c];
}

static const char *label(struct http_request *req, const char *zh, const char *en)
{
  return directory_pick(zh, en, req->lang);
}

/* A bar for a count: none when withheld. */
static int64_t count_bar(int64_t count, bool hidden)
{
  return hidden ? -1 : count;
}

static int question_table(struct http_request *req, struct result_tables *ts,
                          const struct survey_question_result *qr, size_t number)
{
  const struct survey_question *q = qr->question;
  bool scale = q->kind == SURVEY_SCALE5;
  size_t rows = 1 + qr->count_count + 1 + (scale ? 1 : 0);
  const char *title =
      arena_printf(req->arena, "Q%zu. %s", number, label(req, q->text_zh, q->text_en));
  struct result_table *t = table_new(req, ts, title, rows, 2);
  if (!t)
    return ST_NOMEM;
  set_row(t, 0,
          (const char *[]){http_t(req, "survey_col_answer"), http_t(req, "survey_col_count")});
  for (size_t k = 0; k < qr->count_count; k++) {
    const struct survey_count *c = &qr->counts[k];
    const char *name = scale ? http_t(req, arena_printf(req->arena, "survey_scale_%s", c->code))
                             : label(req, c->label_zh, c->label_en);
    set_row(t, k + 1, (const char *[]){name, count_text(req, c->count, c->hidden)});
    t->bars[k + 1] = count_bar(c->count, c->hidden);
    t->bar_max = c->count > t->bar_max ? c->count : t->bar_max;
  }
  set_row(t, qr->count_count + 1,
          (const char *[]){http_t(req, "survey_answered"),
                           count_text(req, qr->answered, qr->answered_hidden)});
  if (scale)
    set_row(
        t, rows - 1,
        (const char *[]){http_t(req, "survey_satisfied"), permille_text(req, qr->share, false)});
  return ST_OK;
}

/* A table by wave or by month (months: "2026-12" written as the language writes a month, in the
 * page and its downloads alike). */
static int period_table(struct http_request *req, struct result_tables *ts, const char *title,
                        const char *first, const struct survey_period *p, size_t n, bool months)
{
  struct result_table *t = table_new(req, ts, title, n + 1, 4);
  if (!t)
    return ST_NOMEM;
  set_row(t, 0,
          (const char *[]){first, http_t(req, "survey_col_count"), http_t(req, "survey_satisfied"),
                           http_t(req, "survey_growth")});
  t->bar_max = 1000;
  for (size_t i = 0; i < n; i++) {
    set_row(t, i + 1,
            (const char *[]){
                months ? web_month(req, p[i].code) : label(req, p[i].label_zh, p[i].label_en),
                count_text(req, p[i].tally.n, p[i].n_hidden), permille_text(req, p[i].share, false),
                permille_text(req, p[i].growth, true)});
    t->bars[i + 1] = p[i].share == SURVEY_NO_FIGURE ? -1 : p[i].share;
  }
  return ST_OK;
}

static const char *cross_label(struct http_request *req, int by, const struct survey_cross_row *x)
{
  if (by == SURVEY_BY_CHANNEL)
    return http_t(req, arena_printf(req->arena, "survey_channel_%s", x->code));
  if (by == SURVEY_BY_COUNTER)
    return *x->code ? x->code : "–";
  if (!strcmp(x->code, "0"))
    return "–";
  return label(req, x->label_zh, x->label_en);
}

static int cross_table(struct http_request *req, struct result_tables *ts, int by,
                       const struct survey_cross *x, const char *focus)
{
  static const char *const titles[] = {"survey_by_service", "survey_by_unit", "survey_by_channel",
                                       "survey_by_counter"};
  const char *title = arena_printf(req->arena, "%s — %s", http_t(req, titles[by]), focus);
  struct result_table *t = table_new(req, ts, title, x->row_count + 1, 8);
  if (!t)
    return ST_NOMEM;
  set_row(t, 0,
          (const char *[]){http_t(req, titles[by]), "1", "2", "3", "4", "5",
                           http_t(req, "survey_col_count"), http_t(req, "survey_satisfied")});
  t->bar_max = 1000;
  for (size_t i = 0; i < x->row_count; i++) {
    const struct survey_cross_row *r = &x->rows[i];
    const char *cells[8] = {cross_label(req, by, r)};
    for (int v = 0; v < 5; v++)
      cells[v + 1] = count_text(req, r->tally.counts[v], r->hidden[v]);
    cells[6] = count_text(req, r->tally.n, r->n_hidden);
    cells[7] = permille_text(req, r->share, false);
    set_row(t, i + 1, cells);
    t->bars[i + 1] = r->share == SURVEY_NO_FIGURE ? -1 : r->share;
  }
  return ST_OK;
}

static int build_tables(struct http_request *req, const struct survey_results *r,
                        struct result_tables *ts)
{
  int rc = ST_OK;
  ts->count = 0;
  for (size_t i = 0; !rc && i < r->question_count; i++)
    if (r->questions[i].question->kind != SURVEY_TEXT)
      rc = question_table(req, ts, &r->questions[i], i + 1);
  if (rc || !r->focus)
    return rc;
  const char *focus = label(req, r->focus->text_zh, r->focus->text_en);
  if (r->wave_count)
    rc = period_table(req, ts,
                      arena_printf(req->arena, "%s — %s", http_t(req, "survey_by_wave"), focus),
                      http_t(req, "survey_wave"), r->waves, r->wave_count, false);
  if (!rc)
    rc = period_table(req, ts,
                      arena_printf(req->arena, "%s — %s", http_t(req, "survey_by_month"), focus),
                      http_t(req, "survey_month"), r->months, r->month_count, true);
  for (int by = 0; !rc && by < SURVEY_CROSS_COUNT; by++)
    rc = cross_table(req, ts, by, &r->cross[by], focus);
  return rc;
}

/* ---- the page ---------------------------------------------------------------------------------
 */

static json_t *chart_view(struct http_request *req, const struct result_table *t)
{
  json_t *bars = json_array();
  size_t shown = 0;
  for (size_t r = 1; bars && r < t->t.rows; r++) {
    if (t->bars[r] < 0)
      continue;
    int64_t w = t->bars[r] * CHART_WIDTH / (t->bar_max ? t->bar_max : 1);
    int64_t y = (int64_t)shown++ * 36;
    const char *value = t->cells[r * t->t.columns + t->value_column];
    json_array_append_new(bars, json_pack("{s:s, s:s, s:I, s:I, s:I, s:I}", "label",
                                          t->cells[r * t->t.columns], "value", value, "y",
                                          (json_int_t)y + 16, "w", (json_int_t)w, "ty",
                                          (json_int_t)y + 12, "vx", (json_int_t)w + 4));
  }
  return json_pack("{s:o, s:I}", "bars", bars, "height", (json_int_t)shown * 36 + 4);
}

static json_t *table_view(struct http_request *req, const struct result_table *t)
{
  json_t *header = json_array(), *rows = json_array();
  for (size_t c = 0; header && c < t->t.columns; c++)
    json_array_append_new(header, json_string(t->cells[c]));
  for (size_t r = 1; rows && r < t->t.rows; r++) {
    json_t *row = json_array();
    for (size_t c = 0; row && c < t->t.columns; c++)
      json_array_append_new(
          row, json_pack("{s:s, s:b}", "text", t->cells[r * t->t.columns + c], "first", c == 0));
    json_array_append_new(rows, row);
  }
  return json_pack("{s:s, s:s, s:o, s:o, s:o}", "id", t->id, "title", t->t.title, "header", header,
                   "rows", rows, "chart", chart_view(req, t));
}

static json_t *texts_view(struct http_request *req, const struct survey_results *r)
{
  json_t *list = json_array();
  for (size_t i = 0; list && i < r->text_count; i++)
    json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s}", "question", r->texts[i].question,
                                          "text", r->texts[i].text, "month", r->texts[i].month,
                                          "month_label", web_month(req, r->texts[i].month)));
  return list;
}

static json_t *focus_view(struct http_request *req, const struct survey_results *r)
{
  json_t *list = json_array();
  for (size_t i = 0; list && i < r->survey.question_count; i++) {
    const struct survey_question *q = &r->survey.questions[i];
    if (q->kind == SURVEY_SCALE5)
      json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "code", q->code, "text",
                                            label(req, q->text_zh, q->text_en), "selected",
                                            q == r->focus));
  }
  return list;
}

/* Reads the survey's results and builds their tables. */
static int results_of(struct http_request *req, struct survey_results *r, struct result_tables *ts)
{
  struct store *store;
  const char *s = http_capture(req, "id"), *query = http_query(req, "q");
  char *end = NULL;
  long long id = s ? strtoll(s, &end, 10) : 0;
  if (!end || *end || id <= 0)
    return ST_NOTFOUND;
  if (query && strlen(query) > QUERY_MAX_BYTES)
    return ST_INVALID;
  int rc = web_store(req, &store);
  if (!rc)
    rc = survey_results_read(store, req->arena, req->session->office_id, (int64_t)id,
                             http_query(req, "focus"), query ? query : "", r);
  return rc ? rc : build_tables(req, r, ts);
}

int survey_results_page(struct http_request *req, struct http_response *res)
{
  struct survey_results r;
  struct result_tables *ts = arena_alloc(req->arena, sizeof(*ts));
  int rc = ts ? results_of(req, &r, ts) : ST_NOMEM;
  if (rc)
    return rc;
  json_t *tables = json_array();
  for (size_t i = 0; tables && i < ts->count; i++)
    json_array_append_new(tables, table_view(req, &ts->list[i]));
  const char *base = arena_printf(req->arena, "/staff/surveys/%lld", (long long)r.survey.id);
  const char *q = http_query(req, "q");
  return http_page(res, 200, "staff/survey_results",
                   json_pack("{s:s, s:s, s:I, s:o, s:o, s:o, s:s, s:s, s:s, s:s, s:s}", "title",
                             http_t(req, "survey_results_title"), "survey",
                             label(req, r.survey.title_zh, r.survey.title_en), "answers",
                             (json_int_t)r.answer_count, "tables", tables, "texts",
                             texts_view(req, &r), "focus", focus_view(req, &r), "q", q ? q : "",
                             "action", arena_printf(req->arena, "%s/results", base), "csv_href",
                             arena_printf(req->arena, "%s/results.csv", base), "ods_href",
                             arena_printf(req->arena, "%s/results.ods", base), "xlsx_href",
                             arena_printf(req->arena, "%s/results.xlsx", base)));
}

/* ---- the files --------------------------------------------------------------------------------
 */

enum result_format { RESULT_CSV, RESULT_ODS, RESULT_XLSX };

static const struct {
  const char *extension, *type;
} formats[] = {
    {"csv", "text/csv; charset=utf-8"},
    {"ods", "application/vnd.oasis.opendocument.spreadsheet"},
    {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
};

static int write_file(const struct render_table *tables, size_t count, enum result_format format,
                      const char *sheet, struct buf *out)
{
  if (format == RESULT_ODS)
    return render_tables_ods(tables, count, sheet, out);
  if (format == RESULT_XLSX)
    return render_tables_xlsx(tables, count, sheet, out);
  return render_tables_csv(tables, count, out);
}

static int send_file(struct http_request *req, struct http_response *res, enum result_format format)
{
  struct survey_results r;
  struct result_tables *ts = arena_alloc(req->arena, sizeof(*ts));
  struct render_table *tables = arena_alloc(req->arena, TABLES_MAX * sizeof(*tables));
  struct buf out;
  int rc = ts && tables ? results_of(req, &r, ts) : ST_NOMEM;
  if (rc)
    return rc;
  for (size_t i = 0; i < ts->count; i++)
    tables[i] = ts->list[i].t;
  buf_init(&out, RENDER_TABLE_MAX_BYTES);
  rc = write_file(tables, ts->count, format, r.survey.slug, &out);
  const char *name = arena_printf(req->arena, "attachment; filename=\"survey-%s-results.%s\"",
                                  r.survey.slug, formats[format].extension);
  if (!rc)
    rc = http_raw(res, 200, formats[format].type, out.data, out.len);
  buf_free(&out);
  if (!rc)
    rc = name ? http_header_add(res, "Content-Disposition", name) : ST_NOMEM;
  return rc;
}

int survey_results_csv(struct http_request *req, struct http_response *res)
{
  return send_file(req, res, RESULT_CSV);
}

int survey_results_ods(struct http_request *req, struct http_response *res)
{
  return send_file(req, res, RESULT_ODS);
}

int survey_results_xlsx(struct http_request *req, struct http_response *res)
{
  return send_file(req, res, RESULT_XLSX);
}
