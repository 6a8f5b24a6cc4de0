/*
 * opendata.c - the office's open datasets (domain/opendata.h): their dictionaries, and the
 * reads that fill a table of texts from the indicators' counters, the directory and the
 * published FAQ, withholding small counts.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/civil.h"
#include "base/clock.h"
#include "domain/catalog.h"
#include "domain/directory.h"
#include "domain/kpi.h"
#include "domain/opendata.h"
#include "domain/petition.h"
#include "domain/queue.h"
#include "domain/suppress.h"
#include "domain/survey.h"
#include "store/directory.h"
#include "store/kpi.h"
#include "store/opendata.h"
#include "store/store.h"

#include "base/common.h"

#define CASES_ZH "件"
#define CASES_EN "cases"
#define NOTE_FIELD                                                                                 \
  {                                                                                                \
    "note", OD_STRING, "備註（少於門檻之數值不公開）",                                             \
        "Note (counts under the threshold withheld)", "", ""                                       \
  }

static const struct od_field case_fields[] = {
    {"month", OD_STRING, "統計月份（西元年-月，臺北時間）", "Month (YYYY-MM, Taipei time)", "", ""},
    {"service_code", OD_STRING, "業務代碼", "Service code", "", ""},
    {"service_zh", OD_STRING, "業務名稱（中文）", "Service name (Chinese)", "", ""},
    {"service_en", OD_STRING, "業務名稱（英文）", "Service name (English)", "", ""},
    {"unit_zh", OD_STRING, "承辦單位（中文）", "Responsible unit (Chinese)", "", ""},
    {"unit_en", OD_STRING, "承辦單位（英文）", "Responsible unit (English)", "", ""},
    {"received", OD_INTEGER, "收件數", "Cases received", CASES_ZH, CASES_EN},
    {"online_received", OD_INTEGER, "線上收件數", "Cases received online", CASES_ZH, CASES_EN},
    {"online_share", OD_NUMBER, "線上申辦比率", "Share received online", "%", "%"},
    {"completed", OD_INTEGER, "結案數", "Cases completed", CASES_ZH, CASES_EN},
    {"on_time", OD_INTEGER, "如期結案數", "Cases completed on time", CASES_ZH, CASES_EN},
    {"on_time_rate", OD_NUMBER, "如期結案率", "On-time rate", "%", "%"},
    {"mean_hours", OD_NUMBER, "平均處理時間", "Mean processing time", "工作小時", "working hours"},
    {"median_hours", OD_INTEGER, "處理時間中位數", "Median processing time", "工作小時",
     "working hours"},
    NOTE_FIELD,
};
enum {
  C_MONTH,
  C_CODE,
  C_SZH,
  C_SEN,
  C_UZH,
  C_UEN,
  C_RECEIVED,
  C_ONLINE,
  C_ONLINE_SHARE,
  C_COMPLETED,
  C_ON_TIME,
  C_ON_TIME_RATE,
  C_MEAN,
  C_MEDIAN,
  C_NOTE,
  C_COUNT
};

static const struct od_field service_fields[] = {
    {"service_code", OD_STRING, "業務代碼", "Service code", "", ""},
    {"service_zh", OD_STRING, "業務名稱（中文）", "Service name (Chinese)", "", ""},
    {"service_en", OD_STRING, "業務名稱（英文）", "Service name (English)", "", ""},
    {"unit_zh", OD_STRING, "承辦單位（中文）", "Responsible unit (Chinese)", "", ""},
    {"unit_en", OD_STRING, "承辦單位（英文）", "Responsible unit (English)", "", ""},
    {"fee_zh", OD_STRING, "規費說明（中文）", "Fees (Chinese)", "", ""},
    {"fee_en", OD_STRING, "規費說明（英文）", "Fees (English)", "", ""},
    {"time_limit_hours", OD_NUMBER, "處理期限", "Time limit", "工作小時", "working hours"},
    {"online_capable", OD_BOOLEAN, "可線上申辦", "Can be applied for online", "", ""},
    {"documents_required", OD_INTEGER, "應備文件數", "Documents required", "件", "documents"},
};
enum { S_CODE, S_SZH, S_SEN, S_UZH, S_UEN, S_FZH, S_FEN, S_LIMIT, S_ONLINE, S_DOCS, S_COUNT };

static const struct od_field faq_fields[] = {
    {"faq_id", OD_INTEGER, "問答編號", "Question number", "", ""},
    {"category_zh", OD_STRING, "分類（中文）", "Category (Chinese)", "", ""},
    {"category_en", OD_STRING, "分類（英文）", "Category (English)", "", ""},
    {"question_zh", OD_STRING, "問題（中文）", "Question (Chinese)", "", ""},
    {"question_en", OD_STRING, "問題（英文）", "Question (English)", "", ""},
    {"answer_zh", OD_STRING, "回答（中文）", "Answer (Chinese)", "", ""},
    {"answer_en", OD_STRING, "回答（英文）", "Answer (English)", "", ""},
    {"helpful", OD_INTEGER, "認為有幫助的票數", "Votes: helpful", "票", "votes"},
    {"not_helpful", OD_INTEGER, "認為沒有幫助的票數", "Votes: not helpful", "票", "votes"},
    NOTE_FIELD,
};
enum { F_ID, F_CZH, F_CEN, F_QZH, F_QEN, F_AZH, F_AEN, F_HELPFUL, F_NOT, F_NOTE, F_COUNT };

static const struct od_field petition_fields[] = {
    {"dimension", OD_STRING, "統計維度（all 全部、month 月份、category 類別）",
     "Dimension (all, month, category)", "", ""},
    {"value", OD_STRING, "維度值（西元年-月或類別名稱）", "Value (YYYY-MM or the category's name)",
     "", ""},
    {"petitions", OD_INTEGER, "陳情件數", "Petitions", CASES_ZH, CASES_EN},
    {"answered", OD_INTEGER, "已答復件數（僅 all）", "Petitions answered (all only)", CASES_ZH,
     CASES_EN},
    {"mean_working_days", OD_NUMBER, "平均答復時間（僅 all）", "Mean time to answer (all only)",
     "工作天", "working days"},
    {"median_working_days", OD_NUMBER, "答復時間中位數（僅 all）",
     "Median time to answer (all only)", "工作天", "working days"},
    {"on_time_share", OD_NUMBER, "如期答復比率（僅 all）", "Share answered on time (all only)", "%",
     "%"},
    NOTE_FIELD,
};
enum { P_DIM, P_VALUE, P_COUNT, P_ANSWERED, P_MEAN, P_MEDIAN, P_SHARE, P_NOTE, P_FIELDS };

static const struct od_field queue_fields[] = {
    {"month", OD_STRING, "統計月份（西元年-月，臺北時間）", "Month (YYYY-MM, Taipei time)", "", ""},
    {"queue_code", OD_STRING, "櫃檯隊列代碼", "Queue code", "", ""},
    {"queue_zh", OD_STRING, "隊列名稱（中文）", "Queue name (Chinese)", "", ""},
    {"queue_en", OD_STRING, "隊列名稱（英文）", "Queue name (English)", "", ""},
    {"tickets", OD_INTEGER, "抽號數", "Tickets taken", "張", "tickets"},
    {"served", OD_INTEGER, "完成服務數", "Tickets served", "張", "tickets"},
    {"no_show", OD_INTEGER, "過號未到數", "Called but not present", "張", "tickets"},
    {"left", OD_INTEGER, "離隊數", "Left the queue", "張", "tickets"},
    {"mean_wait_minutes", OD_NUMBER, "平均等候時間（抽號至叫號）",
     "Mean wait (ticket to first call)", "分鐘", "minutes"},
    {"mean_service_minutes", OD_NUMBER, "平均服務時間", "Mean service time", "分鐘", "minutes"},
    NOTE_FIELD,
};
enum {
  Q_MONTH,
  Q_CODE,
  Q_ZH,
  Q_EN,
  Q_TICKETS,
  Q_SERVED,
  Q_NO_SHOW,
  Q_LEFT,
  Q_WAIT,
  Q_SERVICE,
  Q_NOTE,
  Q_FIELDS
};

static const struct od_field survey_fields[] = {
    {"survey_code", OD_STRING, "問卷代碼", "Survey code", "", ""},
    {"survey_zh", OD_STRING, "問卷名稱（中文）", "Survey title (Chinese)", "", ""},
    {"survey_en", OD_STRING, "問卷名稱（英文）", "Survey title (English)", "", ""},
    {"month", OD_STRING, "填答月份（西元年-月，臺北時間）", "Month answered (YYYY-MM, Taipei time)",
     "", ""},
    {"answers", OD_INTEGER, "整體滿意度題之填答數", "Answers to the overall five-point question",
     "份", "answers"},
    {"satisfied", OD_INTEGER, "滿意與非常滿意（4、5 分）數", "Satisfied or very satisfied (4 or 5)",
     "份", "answers"},
    {"satisfied_share", OD_NUMBER, "滿意度", "Share satisfied", "%", "%"},
    {"mean_score", OD_NUMBER, "平均分數（1 至 5）", "Mean score (1 to 5)", "分", "points"},
    NOTE_FIELD,
};
enum { V_SLUG, V_ZH, V_EN, V_MONTH, V_ANSWERS, V_SATISFIED, V_SHARE, V_MEAN, V_NOTE, V_FIELDS };

static const struct od_dataset datasets[] = {
    {"case-statistics", "各項業務每月案件統計", "Monthly case statistics by service",
     "每月各項業務之收件、結案、如期結案率、處理時間（工作小時）與線上申辦比率，由案件歷程累計之指"
     "標計算。",
     "Cases received and completed per month and service, the on-time rate, processing time in "
     "working hours and the online share, from the indicators counted from the case log.",
     case_fields, ARRAY_LEN(case_fields), true},
    {"services", "服務項目一覽", "Service catalogue",
     "公開之服務項目：名稱、承辦單位、規費、處理期限、可否線上申辦與應備文件數。",
     "The published services: name, unit, fees, time limit, whether they can be applied for "
     "online and how many documents they need.",
     service_fields, ARRAY_LEN(service_fields), true},
    {"faq", "常見問答", "Frequently asked questions", "公開之常見問答及讀者認為有幫助與否之票數。",
     "The published questions and answers with readers' helpful and not-helpful votes.", faq_fields,
     ARRAY_LEN(faq_fields), true},
    {"petition-statistics", "人民陳情案件統計", "Petition statistics",
     "人民陳情及首長信箱案件之總數、每月件數、各類別件數、答復時間（工作天）與如期答復比率。",
     "Petitions and letters to the director: the total, per month and per category, the time "
     "to answer in working days and the share answered on time.",
     petition_fields, ARRAY_LEN(petition_fields), true},
    {"queue-waits", "現場叫號每月等候時間", "Queue waiting times by month",
     "最近十二個月（含本月）各櫃檯隊列之抽號數、完成數、過號與離隊數、平均等候與服務時間。",
     "The last twelve months (this one included) per counter queue: tickets taken and served, "
     "no-shows and those who left, the mean wait and service time.",
     queue_fields, ARRAY_LEN(queue_fields), true},
    {"survey-results", "滿意度調查每月結果", "Satisfaction survey results by month",
     "各問卷每月之整體滿意度（第一個五分量表題）：填答數、滿意（4、5 "
     "分）數、滿意度與平均分數；不含文字意見。",
     "Each survey's overall five-point question per month: answers, satisfied (4 or 5), the "
     "share satisfied and the mean score; free-text answers are never published.",
     survey_fields, ARRAY_LEN(survey_fields), true},
};

const struct od_dataset *opendata_datasets(size_t *count)
{
  *count = ARRAY_LEN(datasets);
  return datasets;
}

const struct od_dataset *opendata_dataset(const char *id)
{
  for (size_t i = 0; id && i < ARRAY_LEN(datasets); i++)
    if (!strcmp(datasets[i].id, id))
      return &datasets[i];
  return NULL;
}

const char *opendata_type_name(enum od_type type)
{
  static const char *const names[] = {"string", "integer", "number", "boolean"};
  return (size_t)type < ARRAY_LEN(names) ? names[type] : "string";
}

bool opendata_count_shown(int64_t count, int threshold)
{
  return !suppress_small(count, threshold);
}

/* A table of rows x the dataset's fields, every cell empty. */
static int table_init(struct arena *arena, const struct od_dataset *set, size_t rows, int threshold,
                      struct od_table *t)
{
  *t = (struct od_table){set, NULL, rows, 0, threshold, 0};
  size_t n = rows * set->field_count;
  t->cells = n ? arena_alloc(arena, n * sizeof(*t->cells)) : NULL;
  if (n && !t->cells)
    return ST_NOMEM;
  for (size_t i = 0; i < n; i++)
    t->cells[i] = NULL;
  return ST_OK;
}

static const char **row_of(struct od_table *t, size_t row)
{
  return &t->cells[row * t->dataset->field_count];
}

/* A count: its text when shown, else empty and counted as withheld. Returns whether shown. */
static bool put_count(struct arena *arena, struct od_table *t, const char **cell, int64_t n)
{
  if (!opendata_count_shown(n, t->threshold)) {
    t->suppressed++;
    return false;
  }
  *cell = arena_printf(arena, "%lld", (long long)n);
  return true;
}

/* A count the small-cell rule (domain/suppress.h) already judged: its text, or empty and
 * counted as withheld when hidden. */
static void put_judged(struct arena *arena, struct od_table *t, const char **cell, int64_t n,
                       bool hidden)
{
  if (hidden)
    t->suppressed++;
  else
    *cell = arena_printf(arena, "%lld", (long long)n);
}

/* part / whole in per cent with one decimal (the indicators' per-mille rounding). */
static const char *rate(struct arena *arena, int64_t part, int64_t whole)
{
  if (whole <= 0)
    return NULL;
  int64_t permille = (part * 1000 + whole / 2) / whole;
  return arena_printf(arena, "%lld.%lld", (long long)(permille / 10), (long long)(permille % 10));
}

static int threshold_of(struct store *store, int64_t office_id)
{
  char *value = NULL;
  int threshold = OPENDATA_MIN_CELL;
  if (store_setting_get(store, office_id, OPENDATA_MIN_CELL_SETTING, &value) == ST_OK && value) {
    char *end = NULL;
    long v = strtol(value, &end, 10);
    if (end != value && !*end && v >= 1 && v <= 100)
      threshold = (int)v;
  }
  free(value);
  return threshold;
}

static const char *note(struct arena *arena, const struct od_table *t)
{
  return arena_printf(arena, "少於%d之數值不公開 / counts under %d withheld", t->threshold,
                      t->threshold);
}

/* The median of the hours rows h[*at..] of (month, service), moving *at past them. */
static int64_t median_of(struct arena *arena, const struct store_od_hours *h, size_t n, size_t *at,
                         const struct store_od_month *m)
{
  while (*at < n && (h[*at].month < m->month ||
                     (h[*at].month == m->month && h[*at].service_id < m->service_id)))
    (*at)++;
  size_t from = *at;
  while (*at < n && h[*at].month == m->month && h[*at].service_id == m->service_id)
    (*at)++;
  size_t k = *at - from;
  int64_t *hours = k ? arena_alloc(arena, k * sizeof(*hours)) : NULL;
  int64_t *cases = k ? arena_alloc(arena, k * sizeof(*cases)) : NULL;
  if (!hours || !cases)
    return -1;
  for (size_t i = 0; i < k; i++)
    hours[i] = h[from + i].hours, cases[i] = h[from + i].cases;
  return kpi_percentile(hours, cases, k, 50);
}

static void case_names(const struct directory *dir, const struct store_od_month *m, const char **r)
{
  const struct dir_service *s = directory_service(dir, m->service_id);
  const struct dir_unit *u = s ? directory_unit(dir, s->unit_id) : NULL;
  r[C_CODE] = s ? s->slug : NULL;
  r[C_SZH] = s ? s->name_zh : NULL;
  r[C_SEN] = s ? s->name_en : NULL;
  r[C_UZH] = u ? u->name_zh : NULL;
  r[C_UEN] = u ? u->name_en : NULL;
}

/* One (month, service) row; the rates and times only from counts that are shown. */
static void case_row(struct arena *arena, struct od_table *t, const char **r,
                     const struct store_od_month *m, int64_t median)
{
  size_t before = t->suppressed;
  r[C_MONTH] = arena_printf(arena, "%04lld-%02lld", (long long)(m->month / 100),
                            (long long)(m->month % 100));
  bool received = put_count(arena, t, &r[C_RECEIVED], m->received);
  bool online = put_count(arena, t, &r[C_ONLINE], m->online_received);
  bool completed = put_count(arena, t, &r[C_COMPLETED], m->completed);
  bool on_time = put_count(arena, t, &r[C_ON_TIME], m->on_time);
  if (received && online)
    r[C_ONLINE_SHARE] = rate(arena, m->online_received, m->received);
  if (completed && on_time)
    r[C_ON_TIME_RATE] = rate(arena, m->on_time, m->completed);
  if (completed && m->completed > 0)
    r[C_MEAN] = arena_printf(arena, "%.1f", (double)m->used_minutes / 60.0 / (double)m->completed);
  if (completed && median >= 0)
    r[C_MEDIAN] = arena_printf(arena, "%lld", (long long)median);
  if (t->suppressed > before)
    r[C_NOTE] = note(arena, t);
}

static int case_reads(struct store *store, struct arena *arena, int64_t office_id,
                      struct store_od_month **m, size_t *nm, struct store_od_hours **h, size_t *nh,
                      int64_t *modified)
{
  int rc = store_od_months_read(store, arena, office_id, m, nm);
  if (!rc)
    rc = store_od_hours_read(store, arena, office_id, h, nh);
  if (!rc)
    rc = store_kpi_updated_at(store, modified);
  return rc;
}

static int case_statistics(struct store *store, struct arena *arena, const struct directory *dir,
                           int64_t office_id, struct od_table *t)
{
  struct store_od_month *m = NULL;
  struct store_od_hours *h = NULL;
  size_t nm = 0, nh = 0, at = 0;
  int64_t modified = 0;
  int rc = store_begin_read(store);
  if (!rc)
    rc = store_end_read(store, case_reads(store, arena, office_id, &m, &nm, &h, &nh, &modified));
  int threshold = rc ? 0 : threshold_of(store, office_id);
  if (!rc)
    rc = table_init(arena, &datasets[0], nm, threshold, t);
  for (size_t i = 0; !rc && i < nm; i++) {
    const char **r = row_of(t, i);
    case_names(dir, &m[i], r);
    case_row(arena, t, r, &m[i], median_of(arena, h, nh, &at, &m[i]));
  }
  t->modified = modified;
  return rc;
}

static int64_t later(int64_t modified, const json_t *record)
{
  const char *at = json_string_value(json_object_get(record, "updated_at"));
  time_t t = at ? clock_parse_iso(at) : -1;
  return t > modified ? (int64_t)t : modified;
}

static void service_row(struct arena *arena, const struct directory *dir,
                        const struct dir_service *s, const char **r)
{
  const struct dir_unit *u = directory_unit(dir, s->unit_id);
  r[S_CODE] = s->slug, r[S_SZH] = s->name_zh, r[S_SEN] = s->name_en;
  r[S_UZH] = u ? u->name_zh : NULL, r[S_UEN] = u ? u->name_en : NULL;
  r[S_FZH] = s->fee_zh, r[S_FEN] = s->fee_en;
  r[S_LIMIT] = arena_printf(arena, "%.2f", (double)s->time_limit_minutes / 60.0);
  r[S_ONLINE] = s->online_capable ? "true" : "false";
  r[S_DOCS] = arena_printf(arena, "%zu", s->info.documents_zh.count);
}

/* The published services, from the directory (no query). */
static int services(struct arena *arena, const struct directory *dir, int64_t office_id,
                    struct od_table *t)
{
  size_t n = 0, shown = 0;
  const struct dir_service *s = directory_services(dir, office_id, &n);
  for (size_t i = 0; i < n; i++)
    shown += s[i].published;
  int rc = table_init(arena, &datasets[1], shown, OPENDATA_MIN_CELL, t);
  for (size_t i = 0, row = 0; !rc && i < n; i++) {
    if (!s[i].published)
      continue;
    service_row(arena, dir, &s[i], row_of(t, row++));
    t->modified = later(t->modified, s[i].record);
  }
  return rc;
}

static const char *text_of(struct arena *arena, const json_t *record, const char *key)
{
  const char *s = json_string_value(json_object_get(record, key));
  return s ? arena_strdup(arena, s) : NULL;
}

static void faq_row(struct arena *arena, struct od_table *t, const json_t *f, const char **r)
{
  static const char *const keys[] = {"category_zh", "category_en", "question_zh",
                                     "question_en", "answer_zh",   "answer_en"};
  size_t before = t->suppressed;
  r[F_ID] = arena_printf(arena, "%lld", (long long)json_integer_value(json_object_get(f, "id")));
  for (size_t k = 0; k < ARRAY_LEN(keys); k++)
    r[F_CZH + k] = text_of(arena, f, keys[k]);
  put_count(arena, t, &r[F_HELPFUL], json_integer_value(json_object_get(f, "helpful")));
  put_count(arena, t, &r[F_NOT], json_integer_value(json_object_get(f, "not_helpful")));
  if (t->suppressed > before)
    r[F_NOTE] = note(arena, t);
}

static int faq(struct store *store, struct arena *arena, int64_t office_id, struct od_table *t)
{
  json_t *list = NULL, *f;
  size_t i;
  int rc = catalog_faq_published(store, office_id, &list);
  int threshold = rc ? 0 : threshold_of(store, office_id);
  if (!rc)
    rc = table_init(arena, &datasets[2], json_array_size(list), threshold, t);
  json_array_foreach(list, i, f)
  {
    if (rc)
      break;
    faq_row(arena, t, f, row_of(t, i));
    t->modified = later(t->modified, f);
  }
  json_decref(list);
  return rc;
}

enum { QUEUE_MONTHS = 12 };

/* A mean of seconds in minutes with one decimal, from n (shown only when n is). */
static const char *mean_minutes(struct arena *arena, const struct od_table *t, int64_t sum,
                                int64_t n)
{
  if (n <= 0 || !opendata_count_shown(n, t->threshold))
    return NULL;
  return arena_printf(arena, "%.1f", (double)sum / 60.0 / (double)n);
}

static void queue_row(struct arena *arena, struct od_table *t, const char **r, const char *month,
                      const struct queue_row *q, const struct queue_figure *f)
{
  size_t before = t->suppressed;
  r[Q_MONTH] = month;
  r[Q_CODE] = q ? q->code : NULL, r[Q_ZH] = q ? q->name_zh : NULL, r[Q_EN] = q ? q->name_en : NULL;
  /* served, no-shows and left add up to the tickets of a month gone by: one line */
  const int64_t counts[4] = {f->done, f->no_show, f->left, f->tickets};
  bool hidden[4] = {false};
  suppress_apply(&(struct suppress_table){1, 4, counts, hidden, t->threshold, true, false});
  put_judged(arena, t, &r[Q_TICKETS], f->tickets, hidden[3]);
  put_judged(arena, t, &r[Q_SERVED], f->done, hidden[0]);
  put_judged(arena, t, &r[Q_NO_SHOW], f->no_show, hidden[1]);
  put_judged(arena, t, &r[Q_LEFT], f->left, hidden[2]);
  r[Q_WAIT] = mean_minutes(arena, t, f->wait_sum, f->wait_n);
  r[Q_SERVICE] = mean_minutes(arena, t, f->service_sum, f->service_n);
  if (t->suppressed > before || (f->wait_n > 0 && !r[Q_WAIT]) ||
      (f->service_n > 0 && !r[Q_SERVICE]))
    r[Q_NOTE] = note(arena, t);
}

static const struct queue_row *queue_of(const struct queue_office *o, int64_t id)
{
  for (size_t i = 0; i < o->queue_count; i++)
    if (o->queues[i].id == id)
      return &o->queues[i];
  return NULL;
}

/* Room for more rows in t (the cells double, copied, in the arena). */
static int grow(struct arena *arena, struct od_table *t, size_t rows, size_t need, size_t *cap)
{
  if (need <= *cap)
    return ST_OK;
  size_t want = need * 2, n = t->dataset->field_count;
  const char **cells = arena_alloc(arena, want * n * sizeof(*cells));
  if (!cells)
    return ST_NOMEM;
  for (size_t i = 0; i < want * n; i++)
    cells[i] = i < rows * n ? t->cells[i] : NULL;
  t->cells = cells, *cap = want;
  return ST_OK;
}

/* One month's figures (d: its first day) appended to t as a row per queue. */
static int queue_month(struct store *store, struct arena *arena, int64_t office_id,
                       struct civil_date d, struct od_table *t, size_t *rows, size_t *cap)
{
  struct queue_figures f;
  int64_t from = civil_to_days(d);
  int64_t to = from + civil_days_in_month(d.year, d.month) - 1;
  int rc = queue_figures_read(store, arena, office_id, from, to, &f);
  const char *month = arena_printf(arena, "%04d-%02d", d.year, d.month);
  if (!rc)
    rc = grow(arena, t, *rows, *rows + f.queue_count, cap);
  for (size_t i = 0; !rc && i < f.queue_count; i++)
    queue_row(arena, t, row_of(t, (*rows)++), month, queue_of(&f.office, f.by_queue[i].key),
              &f.by_queue[i]);
  return rc;
}

static struct civil_date month_step(struct civil_date d, int by)
{
  int m = d.year * 12 + (d.month - 1) + by;
  return (struct civil_date){m / 12, m % 12 + 1, 1};
}

/* The last QUEUE_MONTHS Taipei months, oldest first, from the tickets (one read per month:
 * queue_figures_read); modified: the last ticket taken or finished. */
static int queue_waits(struct store *store, struct arena *arena, int64_t office_id,
                       struct od_table *t)
{
  struct civil_date d = month_step(civil_taipei(clock_now()).date, -(QUEUE_MONTHS - 1));
  size_t rows = 0, cap = 0;
  int rc = table_init(arena, &datasets[4], 0, threshold_of(store, office_id), t);
  for (int i = 0; !rc && i < QUEUE_MONTHS; i++, d = month_step(d, 1))
    rc = queue_month(store, arena, office_id, d, t, &rows, &cap);
  if (!rc)
    rc = store_od_activity(store, office_id, OD_ACTIVITY_TICKETS, &t->modified);
  t->rows = rc ? 0 : rows;
  return rc;
}

/* One survey's months (its focus question: the first five-point one) as rows. */
static int survey_months(struct store *store, struct arena *arena, int64_t office_id,
                         const struct survey_row *s, struct od_table *t, size_t *rows, size_t *cap)
{
  struct survey_results res;
  int rc = survey_results_read(store, arena, office_id, s->id, "", "", &res);
  if (!rc && res.focus)
    rc = grow(arena, t, *rows, *rows + res.month_count, cap);
  for (size_t i = 0; !rc && res.focus && i < res.month_count; i++) {
    const struct survey_period *p = &res.months[i];
    const char **r = row_of(t, (*rows)++);
    size_t before = t->suppressed;
    int64_t satisfied = survey_tally_satisfied(&p->tally), sum = 0;
    for (int v = 0; v < 5; v++)
      sum += (v + 1) * p->tally.counts[v];
    r[V_SLUG] = s->slug, r[V_ZH] = s->title_zh, r[V_EN] = s->title_en, r[V_MONTH] = p->code;
    /* no total of a survey is in the dataset: the months are not a line (domain/suppress.h) */
    bool n = put_count(arena, t, &r[V_ANSWERS], p->tally.n);
    bool sat = put_count(arena, t, &r[V_SATISFIED], satisfied);
    if (n && sat)
      r[V_SHARE] = rate(arena, satisfied, p->tally.n);
    if (n && p->tally.n > 0)
      r[V_MEAN] = arena_printf(arena, "%.2f", (double)sum / (double)p->tally.n);
    if (t->suppressed > before)
      r[V_NOTE] = note(arena, t);
  }
  return rc;
}

/* Every survey of the office, month by month; modified: the last answer. */
static int surveys(struct store *store, struct arena *arena, int64_t office_id, struct od_table *t)
{
  struct survey_row *list = NULL;
  size_t n = 0, rows = 0, cap = 0;
  int rc = survey_list_read(store, arena, office_id, &list, &n);
  if (!rc)
    rc = table_init(arena, &datasets[5], 0, threshold_of(store, office_id), t);
  for (size_t i = 0; !rc && i < n; i++) {
    rc = survey_months(store, arena, office_id, &list[i], t, &rows, &cap);
  }
  if (!rc)
    rc = store_od_activity(store, office_id, OD_ACTIVITY_SURVEYS, &t->modified);
  t->rows = rc ? 0 : rows;
  return rc;
}

/* A count of the petition statistics: -1 (withheld there, under PETITION_STATS_MIN_CELL) or
 * under this table's threshold is empty. */
static void petition_count(struct arena *arena, struct od_table *t, const char **cell, int64_t v)
{
  if (v < 0)
    t->suppressed++;
  else
    put_count(arena, t, cell, v);
}

static void petition_row(struct arena *arena, struct od_table *t, const char **r, const char *dim,
                         const char *value, int64_t count)
{
  size_t before = t->suppressed;
  r[P_DIM] = dim;
  r[P_VALUE] = value ? arena_strdup(arena, value) : NULL;
  petition_count(arena, t, &r[P_COUNT], count);
  if (t->suppressed > before)
    r[P_NOTE] = note(arena, t);
}

/* The all-petitions row: the total, answered, and the answer times (working days, one decimal)
 * and on-time share (whole percent) when known. */
static void petition_all(struct arena *arena, struct od_table *t, const struct petition_stats *st)
{
  const char **r = row_of(t, 0);
  petition_row(arena, t, r, "all", NULL, st->total);
  petition_count(arena, t, &r[P_ANSWERED], st->answered);
  if (st->times_known) {
    r[P_MEAN] = arena_printf(arena, "%.1f", st->mean_days);
    r[P_MEDIAN] = arena_printf(arena, "%.1f", st->median_days);
    r[P_SHARE] = arena_printf(arena, "%.0f", st->on_time_percent);
  }
  r[P_NOTE] = t->suppressed ? note(arena, t) : NULL;
}

/* The petitions' own statistics (domain/petition.h, which withholds under 5) as rows: all,
 * then each month, then each category; again at the office's threshold when it is higher. */
static int petitions(struct store *store, struct arena *arena, int64_t office_id,
                     struct od_table *t)
{
  struct petition_stats st;
  size_t row = 1;
  int rc = petition_stats_read(store, arena, office_id, &st);
  int threshold = rc ? 0 : threshold_of(store, office_id);
  bool hidden = st.total < 0;
  if (!rc)
    rc = table_init(arena, &datasets[3], 1 + st.month_count + st.category_count,
                    threshold > PETITION_STATS_MIN_CELL ? threshold : PETITION_STATS_MIN_CELL, t);
  if (!rc)
    rc = petition_stats_suppress(arena, &st, st.total, t->threshold, &hidden);
  if (!rc && hidden)
    st.total = -1;
  if (!rc)
    petition_all(arena, t, &st);
  for (size_t i = 0; !rc && i < st.month_count; i++)
    petition_row(arena, t, row_of(t, row++), "month", st.by_month[i].name_zh, st.by_month[i].count);
  for (size_t i = 0; !rc && i < st.category_count; i++)
    petition_row(arena, t, row_of(t, row++), "category",
                 st.by_category[i].uncategorised ? "（未分類）" : st.by_category[i].name_zh,
                 st.by_category[i].count);
  if (!rc) /* modified: the last petition received or answered */
    rc = store_od_activity(store, office_id, OD_ACTIVITY_PETITIONS, &t->modified);
  return rc;
}

int opendata_read(struct store *store, struct arena *arena, int64_t office_id, const char *id,
                  struct od_table *out)
{
  const struct od_dataset *set = opendata_dataset(id);
  const struct directory *dir = NULL;
  *out = (struct od_table){set};
  if (!set || !set->available)
    return ST_NOTFOUND;
  int rc = directory_acquire(store, arena, &dir);
  if (rc)
    return rc;
  if (set == &datasets[0])
    return case_statistics(store, arena, dir, office_id, out);
  if (set == &datasets[1])
    return services(arena, dir, office_id, out);
  if (set == &datasets[3])
    return petitions(store, arena, office_id, out);
  if (set == &datasets[4])
    return queue_waits(store, arena, office_id, out);
  if (set == &datasets[5])
    return surveys(store, arena, office_id, out);
  return faq(store, arena, office_id, out);
}

int opendata_modified(struct store *store, struct arena *arena, int64_t office_id,
                      int64_t **modified, size_t *count, int *threshold)
{
  if (threshold)
    *threshold = threshold_of(store, office_id);
  *count = ARRAY_LEN(datasets);
  *modified = arena_alloc(arena, ARRAY_LEN(datasets) * sizeof(**modified));
  if (!*modified)
    return ST_NOMEM;
  int rc = ST_OK;
  for (size_t i = 0; i < ARRAY_LEN(datasets); i++) {
    struct od_table t = {0};
    (*modified)[i] = 0;
    /* the case statistics: the counters' time below; the others: what their read finds (the
     * services' and questions' update times, the last petition, ticket or survey answer) */
    if (!rc && i > 0)
      rc = opendata_read(store, arena, office_id, datasets[i].id, &t);
    (*modified)[i] = t.modified;
  }
  if (!rc)
    rc = store_kpi_updated_at(store, &(*modified)[0]);
  return rc;
}
