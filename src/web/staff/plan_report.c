/*
 * plan_report.c - the annual results report (執行成果) of a plan as ODT and PDF:
 * /staff/plan/{year}/report.odt and .pdf. One domain call (plan_report_read) gives the year;
 * this file lays it out as blocks and render/odt.h writes the document.
 *
 * Structure, after the seeds' result sections: a title (office, ROC year), 壹、辦理情形 (each
 * item 工作要項 with a table of its focal points: unit, deadline, outcome = the last progress
 * text, per cent done, the evidence files named), 貳、績效指標 (each indicator of the plan:
 * target, the year's figure, the previous year's, the trend, met or not). The report is in
 * Chinese whatever the page's language: it goes to the parent agency. The item tables are named
 * item<N>, the indicators' table indicators.
 */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/str.h"
#include "domain/plan.h"
#include "render/odt.h"
#include "web/app.h"
#include "web/staff/staff.h"

#include "base/common.h"

static const char *const kpi_labels[][2] = {{"on_time_rate", "案件如期完成率"},
                                            {"online_share", "線上申辦比率"},
                                            {"second_corrections", "二次補正件數"},
                                            {"overdue_open", "逾期未結案件數"}};
static const char *const status_labels[] = {"未訂目標", "達成", "接近目標", "未達成", "尚無資料"};

/* The blocks being laid out: headings, paragraphs and tables, all in the request's arena. */
struct layout {
  struct arena *arena;
  struct render_odt_block *blocks;
  size_t count, capacity;
  int rc;
};

static void add(struct layout *l, struct render_odt_block b)
{
  if (!l->rc && l->count == l->capacity)
    l->rc = ST_LIMIT;
  if (!l->rc)
    l->blocks[l->count++] = b;
}

/* A table being filled: room for the header and rows more. */
struct filling {
  struct render_table *table;
  const char **cells;
};

/* A table of the header head and room for rows rows; false when out of memory. */
static bool table(struct layout *l, const char *name, const char *const *head, size_t columns,
                  size_t rows, struct filling *f)
{
  f->table = arena_alloc(l->arena, sizeof(*f->table));
  f->cells = arena_alloc(l->arena, (rows + 1) * columns * sizeof(*f->cells));
  if (!f->table || !f->cells || !name) {
    l->rc = ST_NOMEM;
    return false;
  }
  memcpy(f->cells, head, columns * sizeof(*f->cells));
  *f->table = (struct render_table){name, columns, 1, f->cells};
  add(l, (struct render_odt_block){RENDER_ODT_TABLE, 0, NULL, f->table});
  return true;
}

static void table_row(struct filling *f, const char *const *cells)
{
  struct render_table *t = f->table;
  memcpy(f->cells + t->rows * t->columns, cells, t->columns * sizeof(*cells));
  t->rows++;
}

static const char *kpi_label(const struct plan_point *p)
{
  for (size_t i = 0; i < ARRAY_LEN(kpi_labels); i++)
    if (!strcmp(p->kpi_name, kpi_labels[i][0]))
      return kpi_labels[i][1];
  return p->indicator;
}

static const char *figure(struct arena *arena, const struct plan_point *p, int64_t milli)
{
  if (!p->kpi_name[0] || milli < 0)
    return "－";
  return plan_amount_text(arena, milli, plan_indicator_is_rate(p->kpi_name) ? "%" : "");
}

/* "上升 2.5%" / "下降 1" / "持平" / "－" between the previous year's figure and this one. */
static const char *trend(struct arena *arena, const struct plan_point *p)
{
  if (!p->kpi_name[0] || p->figure_milli < 0 || p->previous_milli < 0)
    return "－";
  int64_t d = p->figure_milli - p->previous_milli;
  if (!d)
    return "持平";
  const char *unit = plan_indicator_is_rate(p->kpi_name) ? "%" : "";
  return arena_printf(arena, "%s %s", d > 0 ? "上升" : "下降",
                      plan_amount_text(arena, d > 0 ? d : -d, unit));
}

/* The evidence files of every entry of the point, named and separated by "、" ("－": none). */
static const char *evidence_names(struct arena *arena, const struct plan_point *p)
{
  const char *names = "";
  for (size_t i = 0; i < p->entry_count && names; i++)
    for (size_t k = 0; k < p->entries[i].evidence_count && names; k++)
      names = arena_printf(arena, "%s%s%s", names, names[0] ? "、" : "",
                           p->entries[i].evidence[k].name);
  return !names ? NULL : names[0] ? names : "－";
}

static void item_section(struct layout *l, const struct plan_year *y, size_t *at)
{
  static const char *const head[] = {"工作重點", "業務單位", "完成期限",
                                     "執行成果", "完成度",   "佐證資料"};
  const struct plan_point *first = &y->points[*at];
  size_t end = *at;
  while (end < y->count && y->points[end].item_no == first->item_no)
    end++;
  add(l, (struct render_odt_block){RENDER_ODT_HEADING, 3, first->item, NULL});
  struct filling t;
  bool ok = table(l, arena_printf(l->arena, "item%d", first->item_no), head, ARRAY_LEN(head),
                  end - *at, &t);
  for (; *at < end && ok; (*at)++) {
    const struct plan_point *p = &y->points[*at];
    const char *cells[] = {p->point,
                           p->unit_id ? p->unit_zh : "各課",
                           p->deadline,
                           p->outcome[0] ? p->outcome : "（尚未填報）",
                           arena_printf(l->arena, "%d%%", p->percent),
                           evidence_names(l->arena, p)};
    table_row(&t, cells);
  }
  *at = end;
}

static void indicators_section(struct layout *l, const struct plan_year *y)
{
  static const char *const head[] = {"指標",         "目標", "本年度實績",
                                     "前一年度實績", "趨勢", "達成情形"};
  add(l, (struct render_odt_block){RENDER_ODT_HEADING, 2, "貳、績效指標", NULL});
  struct filling t;
  bool ok = table(l, "indicators", head, ARRAY_LEN(head), y->count, &t);
  for (size_t i = 0; ok && i < y->count; i++) {
    const struct plan_point *p = &y->points[i];
    if (!p->kpi_name[0] && !p->indicator[0])
      continue;
    const char *target = plan_amount_text(l->arena, p->target_milli, p->target_unit);
    const char *cells[] = {kpi_label(p),
                           target && target[0] ? target : "－",
                           figure(l->arena, p, p->figure_milli),
                           figure(l->arena, p, p->previous_milli),
                           trend(l->arena, p),
                           p->kpi_name[0] ? status_labels[p->status] : (p->done ? "達成" : "－")};
    table_row(&t, cells);
  }
}

/* The report as blocks: a title, one heading and table per item, the indicators' table. */
static int lay_out(struct arena *arena, const struct plan_report *r, struct layout *l)
{
  const struct plan_year *y = &r->year;
  *l = (struct layout){arena, NULL, 0, 4 + 2 * y->count, ST_OK};
  l->blocks = arena_alloc(arena, l->capacity * sizeof(*l->blocks));
  if (!l->blocks)
    return ST_NOMEM;
  add(l,
      (struct render_odt_block){
          RENDER_ODT_HEADING, 1,
          arena_printf(arena, "%s %d 年度提升服務計畫執行成果", r->office_zh, y->roc_year), NULL});
  add(l, (struct render_odt_block){RENDER_ODT_HEADING, 2, "壹、辦理情形", NULL});
  for (size_t at = 0; at < y->count && !l->rc;)
    item_section(l, y, &at);
  indicators_section(l, y);
  for (size_t i = 0; !l->rc && i < l->count; i++)
    if (l->blocks[i].kind == RENDER_ODT_HEADING && !l->blocks[i].text)
      l->rc = ST_NOMEM;
  return l->rc;
}

static int year_of(struct http_request *req, int *year)
{
  int64_t y = 0;
  const char *text = http_capture(req, "year");
  if (!text || str_to_int64(str_from(text), PLAN_YEAR_MIN, PLAN_YEAR_MAX, &y))
    return ST_NOTFOUND;
  *year = (int)y;
  return ST_OK;
}

/* The report's ODT into out (one domain call, on the primary: linked indicators count first). */
static int report_odt(struct http_request *req, int year, struct buf *out)
{
  struct store *store;
  struct plan_report r;
  struct layout l;
  int rc = web_primary(req, &store);
  if (!rc)
    rc = plan_report_read(store, req->arena, clock_now(), req->session->office_id, year, &r);
  if (!rc)
    rc = lay_out(req->arena, &r, &l);
  return rc ? rc : render_odt(l.blocks, l.count, out);
}

static int send(struct http_request *req, struct http_response *res, int year, const char *type,
                const char *extension, const struct buf *b)
{
  int rc = http_header_add(
      res, "Content-Disposition",
      arena_printf(req->arena, "attachment; filename=\"plan-%d-results.%s\"", year, extension));
  return rc ? rc : http_raw(res, 200, type, b->data, b->len);
}

int plan_report_odt_get(struct http_request *req, struct http_response *res)
{
  int year = 0;
  struct buf odt;
  buf_init(&odt, RENDER_ODT_MAX_BYTES);
  int rc = year_of(req, &year);
  if (!rc)
    rc = report_odt(req, year, &odt);
  if (!rc)
    rc = send(req, res, year, "application/vnd.oasis.opendocument.text", "odt", &odt);
  buf_free(&odt);
  return rc;
}

int plan_report_pdf_get(struct http_request *req, struct http_response *res)
{
  int year = 0;
  struct buf odt, pdf;
  buf_init(&odt, RENDER_ODT_MAX_BYTES);
  buf_init(&pdf, RENDER_ODT_MAX_BYTES);
  int rc = year_of(req, &year);
  if (!rc)
    rc = report_odt(req, year, &odt);
  if (!rc)
    rc = render_odt_pdf(odt.data, odt.len, &pdf);
  if (rc == ST_IO) {
    const char *message = http_t(req, "plan_err_pdf");
    rc = http_raw(res, 503, "text/plain; charset=utf-8", message, strlen(message));
  } else if (!rc) {
    rc = send(req, res, year, "application/pdf", "pdf", &pdf);
  }
  buf_free(&odt);
  buf_free(&pdf);
  return rc;
}
