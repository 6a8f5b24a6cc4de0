/*
 * plan_import.c - the plan table's text rules (plan_import.h).
 */
#include <string.h>

#include "base/arena.h"
#include "base/civil.h"
#include "base/str.h"
#include "domain/plan_import.h"

#include "base/common.h"

enum { PLAN_COLUMNS = 6 };

static const char *const heading_zh[PLAN_COLUMNS] = {"工作要項", "工作重點", "業務單位",
                                                     "完成期限", "指標",     "目標"};
static const char *const heading_en[PLAN_COLUMNS] = {"item",     "focal_point", "unit",
                                                     "deadline", "indicator",   "target"};

/* The computed indicators a plan may link: name and the label the seeds write. */
static const struct {
  const char *name, *label;
} links[] = {{"on_time_rate", "案件如期完成率"},
             {"online_share", "線上申辦比率"},
             {"second_corrections", "二次補正件數"},
             {"overdue_open", "逾期未結案件數"}};

const char *plan_indicator_link(const char *cell)
{
  const char *name = strncmp(cell, "kpi:", 4) == 0 ? cell + 4 : NULL;
  for (size_t i = 0; i < ARRAY_LEN(links); i++)
    if ((name && !strcmp(name, links[i].name)) || !strcmp(cell, links[i].label))
      return links[i].name;
  return NULL;
}

/* A reader over the CSV text: one cell at a time. */
struct csv {
  const char *p, *end;
  struct arena *arena;
};

/* Copies the cell's characters up to its end (a comma or line end outside quotes) into
 * cell; *quoted stays true when a quote was left open. ST_INVALID over PLAN_CELL_MAX. */
static int csv_scan(struct csv *c, char *cell, size_t *n, bool *quoted)
{
  for (; c->p < c->end; c->p++) {
    char ch = *c->p;
    bool doubled = *quoted && ch == '"' && c->p + 1 < c->end && c->p[1] == '"';
    if (doubled)
      c->p++;
    else if (*quoted && ch == '"') {
      *quoted = false;
      continue;
    } else if (!*quoted && (ch == ',' || ch == '\n' || ch == '\r'))
      break;
    if (*n == PLAN_CELL_MAX)
      return ST_INVALID;
    cell[(*n)++] = ch;
  }
  return ST_OK;
}

/* The next cell into the arena (trimmed); *last set when it ended its row. ST_INVALID: an
 * unterminated quote or a cell over PLAN_CELL_MAX. */
static int csv_cell(struct csv *c, const char **out, bool *last)
{
  char *cell = arena_alloc(c->arena, PLAN_CELL_MAX + 1);
  size_t n = 0;
  bool quoted = c->p < c->end && *c->p == '"';
  if (!cell)
    return ST_NOMEM;
  c->p += quoted;
  int rc = csv_scan(c, cell, &n, &quoted);
  if (rc || quoted)
    return ST_INVALID;
  *last = c->p >= c->end || *c->p != ',';
  if (c->p < c->end && *c->p == '\r')
    c->p++;
  c->p += c->p < c->end;
  struct str t = str_trim((struct str){cell, n});
  *out = arena_strndup(c->arena, t.ptr, t.len);
  return *out ? ST_OK : ST_NOMEM;
}

/* One row of exactly PLAN_COLUMNS cells. ST_INVALID for another count. */
static int csv_row(struct csv *c, const char *cells[PLAN_COLUMNS])
{
  bool last = false;
  size_t n = 0;
  while (!last) {
    const char *cell = NULL;
    int rc = csv_cell(c, &cell, &last);
    if (rc)
      return rc;
    if (n == PLAN_COLUMNS)
      return ST_INVALID;
    cells[n++] = cell;
  }
  return n == PLAN_COLUMNS ? ST_OK : ST_INVALID;
}

static bool is_heading(const char *cells[PLAN_COLUMNS])
{
  bool zh = true, en = true;
  for (size_t i = 0; i < PLAN_COLUMNS; i++) {
    zh = zh && !strcmp(cells[i], heading_zh[i]);
    en = en && !strcmp(cells[i], heading_en[i]);
  }
  return zh || en;
}

/* Digits of text[from..] up to a separator: the number and where it ended. */
static int number_at(const char *text, size_t *at, int64_t min, int64_t max, int64_t *out)
{
  size_t start = *at;
  while (text[*at] >= '0' && text[*at] <= '9')
    (*at)++;
  return str_to_int64((struct str){text + start, *at - start}, min, max, out);
}

/* A separator then a number: the date's month or day. */
static int date_part(const char *text, size_t *at, char sep, int64_t max, int64_t *out)
{
  if (text[*at] != sep)
    return ST_INVALID;
  (*at)++;
  return number_at(text, at, 1, max, out);
}

int plan_deadline_parse(const char *text, char out[11])
{
  int64_t y = 0, m = 0, d = 0;
  size_t at = 0;
  int rc = number_at(text, &at, 1, 9999, &y);
  char sep = text[at];
  if (!rc && (!sep || !strchr("-/.", sep)))
    rc = ST_INVALID;
  if (!rc)
    rc = date_part(text, &at, sep, 12, &m);
  if (!rc)
    rc = date_part(text, &at, sep, 31, &d);
  if (rc || text[at])
    return ST_INVALID;
  struct civil_date date = {(int)(y < 1000 ? y + CIVIL_ROC_OFFSET : y), (int)m, (int)d};
  return civil_valid(date) ? civil_format_iso(date, out) : ST_INVALID;
}

int plan_target_parse(struct arena *arena, const char *text, int64_t *milli, const char **unit)
{
  size_t at = 0, frac_digits = 0;
  int64_t whole = 0, frac = 0;
  *milli = -1;
  *unit = "";
  if (!text[0])
    return ST_OK;
  if (number_at(text, &at, 0, 1000000000, &whole))
    return ST_INVALID;
  if (text[at] == '.') {
    size_t start = ++at;
    while (text[at] >= '0' && text[at] <= '9' && at - start < 3)
      frac = frac * 10 + (text[at++] - '0');
    frac_digits = at - start;
    if (!frac_digits)
      return ST_INVALID;
  }
  for (; frac_digits < 3; frac_digits++)
    frac *= 10;
  *milli = whole * 1000 + frac;
  struct str rest = str_trim(str_from(text + at));
  *unit = arena_strndup(arena, rest.ptr, rest.len);
  return *unit ? ST_OK : ST_NOMEM;
}

/* A data row's cells into r; *reason names the cell that is wrong. */
static int row_of(struct arena *arena, const char *cells[PLAN_COLUMNS], struct plan_csv_row *r,
                  const char **reason)
{
  *r = (struct plan_csv_row){0, cells[0], cells[1], cells[2], cells[4], ""};
  r->target_text = cells[5];
  if (!r->point[0])
    return *reason = "plan_err_point", ST_INVALID;
  if (!r->unit[0])
    return *reason = "plan_err_unit", ST_INVALID;
  if (plan_deadline_parse(cells[3], r->deadline))
    return *reason = "plan_err_deadline", ST_INVALID;
  if (!strncmp(r->indicator, "kpi:", 4) && !plan_indicator_link(r->indicator))
    return *reason = "plan_err_indicator", ST_INVALID;
  int rc = plan_target_parse(arena, cells[5], &r->target_milli, &r->target_unit);
  if (rc == ST_INVALID || (r->indicator[0] && r->target_milli < 0))
    return *reason = "plan_err_target", ST_INVALID;
  return rc;
}

/* Numbers items in order of first appearance; an empty item continues the one above. */
static int number_item(struct plan_csv_row *rows, size_t n, const char **reason)
{
  struct plan_csv_row *r = &rows[n];
  if (!r->item[0]) {
    if (!n)
      return *reason = "plan_err_item", ST_INVALID;
    r->item = rows[n - 1].item;
  }
  int highest = 0;
  for (size_t i = 0; i < n; i++) {
    if (!strcmp(rows[i].item, r->item))
      r->item_no = rows[i].item_no;
    highest = rows[i].item_no > highest ? rows[i].item_no : highest;
  }
  if (!r->item_no)
    r->item_no = highest + 1;
  return ST_OK;
}

static bool blank_line(const struct csv *c)
{
  return c->p < c->end && (*c->p == '\n' || *c->p == '\r');
}

static int parse_rows(struct csv *c, struct plan_csv_row *rows, size_t *count, size_t *bad_row,
                      const char **reason)
{
  int rc = ST_OK;
  while (!rc && c->p < c->end) {
    const char *cells[PLAN_COLUMNS];
    if (blank_line(c) && (c->p++, true))
      continue;
    *bad_row = *count + 1;
    if (*count == PLAN_ROWS_MAX)
      return *reason = "plan_err_too_many", ST_INVALID;
    rc = csv_row(c, cells);
    if (rc == ST_INVALID)
      *reason = "plan_err_columns";
    if (!rc)
      rc = row_of(c->arena, cells, &rows[*count], reason);
    if (!rc)
      rc = number_item(rows, *count, reason);
    *count += !rc;
  }
  return rc;
}

int plan_csv_parse(struct arena *arena, const char *text, size_t len, struct plan_csv_row **rows,
                   size_t *count, size_t *bad_row, const char **reason)
{
  struct csv c = {text, text + len, arena};
  const char *cells[PLAN_COLUMNS];
  *rows = NULL, *count = 0, *bad_row = 0, *reason = "plan_err_heading";
  if (len > PLAN_CSV_MAX || !str_valid_text((struct str){text, len}, true))
    return *reason = "plan_err_file", ST_INVALID;
  if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
    c.p += 3;
  int rc = csv_row(&c, cells);
  if (rc)
    return rc;
  if (!is_heading(cells))
    return ST_INVALID;
  struct plan_csv_row *r = arena_alloc(arena, PLAN_ROWS_MAX * sizeof(*r));
  if (!r)
    return ST_NOMEM;
  rc = parse_rows(&c, r, count, bad_row, reason);
  if (!rc && !*count)
    return *reason = "plan_err_empty", ST_INVALID;
  *rows = rc ? NULL : r;
  *count = rc ? 0 : *count;
  if (!rc)
    *bad_row = 0;
  return rc;
}
