/*
 * survey_quality.c - quality records (survey.h): phone-courtesy tests, counter spot checks and
 * staff professional tests with their score sheets, and training sessions, recorded by unit;
 * and the mean score by unit and month that the indicators read.
 *
 * A score sheet is typed as lines "item: score/max" (電話禮貌: 問候語: 4/5); the record's score
 * is the sum of scores over the sum of maxima, in permille.
 */
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/civil.h"
#include "base/str.h"
#include "domain/audit.h"
#include "domain/directory.h"
#include "domain/read_model.h"
#include "domain/survey.h"
#include "store/store.h"
#include "store/survey.h"

#include "base/common.h"

enum { QUALITY_ITEM_MAX_BYTES = 200, QUALITY_SCORE_MAX = 1000 };

static const char *const kinds[] = {"phone", "counter", "test", "training"};

bool quality_kind_valid(const char *kind)
{
  for (size_t i = 0; kind && i < ARRAY_LEN(kinds); i++)
    if (!strcmp(kind, kinds[i]))
      return true;
  return false;
}

/* A whole number 0..QUALITY_SCORE_MAX from text (digits only, surrounding spaces allowed). */
static bool number_of(const char *p, const char *end, int64_t *out)
{
  while (p < end && *p == ' ')
    p++;
  while (end > p && end[-1] == ' ')
    end--;
  *out = 0;
  if (p == end || end - p > 4)
    return false;
  for (; p < end; p++) {
    if (*p < '0' || *p > '9')
      return false;
    *out = *out * 10 + (*p - '0');
  }
  return *out <= QUALITY_SCORE_MAX;
}

/* Where the colon of a line is (ASCII or full-width), and its length in *skip; NULL: none. */
static const char *colon_of(const char *line, size_t len, size_t *skip)
{
  for (size_t i = 0; i < len; i++) {
    *skip = line[i] == ':' ? 1 : i + 3 <= len && !memcmp(line + i, "\xef\xbc\x9a", 3) ? 3 : 0;
    if (*skip)
      return line + i;
  }
  return NULL;
}

/* One line "item: score/max" (the colon may be full-width). */
static int item_of(struct arena *arena, const char *line, size_t len, json_t *items)
{
  size_t skip = 0;
  const char *colon = colon_of(line, len, &skip), *slash = NULL;
  for (const char *p = colon ? colon + skip : line + len; p < line + len; p++)
    if (*p == '/')
      slash = p;
  int64_t score, max;
  if (!slash || colon == line || colon - line > QUALITY_ITEM_MAX_BYTES ||
      !number_of(colon + skip, slash, &score) || !number_of(slash + 1, line + len, &max) ||
      max == 0 || score > max)
    return ST_INVALID;
  const char *item = arena_strndup(arena, line, (size_t)(colon - line));
  json_t *o = item ? json_pack("{s:s, s:I, s:I}", "item", item, "score", (json_int_t)score, "max",
                               (json_int_t)max)
                   : NULL;
  return o && !json_array_append_new(items, o) ? ST_OK : ST_NOMEM;
}

/* The score sheet's lines as a JSON array and the score in permille. */
static int sheet_of(struct arena *arena, const char *text, json_t **items, int64_t *score)
{
  int64_t sum = 0, max = 0;
  json_t *o;
  size_t i;
  *items = json_array();
  int rc = *items ? ST_OK : ST_NOMEM;
  for (const char *p = text ? text : ""; !rc && *p;) {
    const char *end = strchr(p, '\n');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    size_t trimmed = len && p[len - 1] == '\r' ? len - 1 : len;
    if (trimmed)
      rc = json_array_size(*items) >= QUALITY_ITEMS_MAX ? ST_INVALID
                                                        : item_of(arena, p, trimmed, *items);
    p += end ? len + 1 : len;
  }
  json_array_foreach(*items, i, o)
  {
    sum += json_integer_value(json_object_get(o, "score"));
    max += json_integer_value(json_object_get(o, "max"));
  }
  *score = max ? survey_permille(sum, max) : 0;
  return rc;
}

static bool training_valid(const struct quality_record *r)
{
  return r->topic && *r->topic && r->attendees > 0 && r->hours_tenths > 0 &&
         r->attendees <= 100000 && r->hours_tenths <= 10000;
}

static int record_check(const struct quality_record *r, size_t items, const char **error)
{
  struct civil_date d;
  bool scored = r->kind && strcmp(r->kind, "training") != 0;
  *error = "quality_err_kind";
  if (!quality_kind_valid(r->kind))
    return ST_INVALID;
  *error = "quality_err_date";
  if (!r->held_on || strlen(r->held_on) != 10 || civil_parse_iso(str_from(r->held_on), &d))
    return ST_INVALID;
  *error = scored ? "quality_err_items" : "quality_err_training";
  if (scored ? items == 0 : !training_valid(r))
    return ST_INVALID;
  *error = "";
  return ST_OK;
}

static bool unit_of_office(struct store *store, struct arena *arena, int64_t office_id,
                           int64_t unit_id)
{
  const struct directory *dir = NULL;
  const struct dir_unit *u =
      directory_acquire(store, arena, &dir) ? NULL : directory_unit(dir, unit_id);
  return u && u->office_id == office_id;
}

/* The record's row and its audit row, in one transaction. */
static int record_write(struct store *store, struct arena *arena, const struct audit_actor *who,
                        const struct quality_record *r, const char *items, int64_t score,
                        time_t now)
{
  int64_t id = 0;
  struct store_quality_record row = {who->office_id,  r->unit_id,   score, r->attendees,
                                     r->hours_tenths, who->user_id, now,   r->kind,
                                     r->held_on,      r->topic,     items};
  int rc = store_begin(store);
  if (rc)
    return rc;
  rc = store_quality_add(store, &row, &id);
  const char *object = rc ? NULL : arena_printf(arena, "%lld", (long long)id);
  if (!rc)
    rc = audit_record(store, who, "quality.record", "quality_record", object ? object : "", NULL);
  return rc ? (store_rollback(store), rc) : store_commit(store);
}

int quality_record_add(struct store *store, const struct audit_actor *who,
                       const struct quality_record *r, const char *items_text, time_t now,
                       const char **error)
{
  json_t *items = NULL;
  int64_t score = 0;
  struct arena *arena = arena_new(64 * 1024);
  int rc = arena ? sheet_of(arena, items_text, &items, &score) : ST_NOMEM;
  *error = rc == ST_INVALID ? "quality_err_items" : "";
  if (!rc)
    rc = record_check(r, json_array_size(items), error);
  if (!rc && r->unit_id && !unit_of_office(store, arena, who->office_id, r->unit_id))
    rc = (*error = "quality_err_unit", ST_INVALID);
  char *text = rc ? NULL : json_dumps(items, JSON_COMPACT | JSON_PRESERVE_ORDER);
  if (!rc)
    rc = text ? record_write(store, arena, who, r, text, score, now) : ST_NOMEM;
  free(text);
  json_decref(items);
  arena_free(arena);
  return rc;
}

static int items_read(struct arena *arena, json_t *row, struct quality_record *out)
{
  json_t *items = json_loads(json_string_value(json_object_get(row, "items")), 0, NULL), *o;
  size_t i;
  out->item_count = json_array_size(items);
  out->items = read_model_array(arena, out->item_count, sizeof(*out->items));
  json_array_foreach(out->items ? items : NULL, i, o)
  {
    out->items[i] = (struct quality_item){read_model_text(arena, o, "item"),
                                          read_model_int(o, "score"), read_model_int(o, "max")};
  }
  json_decref(items);
  return out->items ? ST_OK : ST_NOMEM;
}

int quality_list_read(struct store *store, struct arena *arena, int64_t office_id, const char *from,
                      const char *to, struct quality_record **rows, size_t *count)
{
  json_t *list = NULL, *row;
  size_t i;
  *count = 0;
  int rc = store_quality_list(store, office_id, from, to, &list);
  *rows = rc ? NULL : read_model_array(arena, json_array_size(list), sizeof(**rows));
  if (!rc && !*rows)
    rc = ST_NOMEM;
  json_array_foreach(rc ? NULL : list, i, row)
  {
    struct quality_record *r = &(*rows)[i];
    r->id = read_model_int(row, "id");
    r->unit_id = read_model_int(row, "unit_id");
    r->attendees = read_model_int(row, "attendees");
    r->hours_tenths = read_model_int(row, "hours_tenths");
    r->score = read_model_int(row, "score");
    r->kind = read_model_text(arena, row, "kind");
    r->held_on = read_model_text(arena, row, "held_on");
    r->topic = read_model_text(arena, row, "topic");
    rc = r->topic ? items_read(arena, row, r) : ST_NOMEM;
    if (rc)
      break;
  }
  *count = rc ? 0 : json_array_size(list);
  json_decref(list);
  return rc;
}

static int cmp_score(const void *a, const void *b)
{
  const struct quality_score *x = a, *y = b;
  if (x->unit_id != y->unit_id)
    return x->unit_id < y->unit_id ? -1 : 1;
  int c = strcmp(x->month, y->month);
  return c ? c : strcmp(x->kind, y->kind);
}

/* Adds a scored record to its (unit, month, kind) row; *out rows so far. */
static void score_add(struct arena *arena, const struct quality_record *r,
                      struct quality_score *rows, int64_t *sums, size_t *out)
{
  size_t k = 0;
  const char *month = arena_strndup(arena, r->held_on, 7);
  if (!strcmp(r->kind, "training") || !month)
    return;
  while (k < *out && (rows[k].unit_id != r->unit_id || strcmp(rows[k].month, month) ||
                      strcmp(rows[k].kind, r->kind)))
    k++;
  if (k == *out)
    rows[(*out)++] = (struct quality_score){r->unit_id, 0, 0, month, r->kind};
  rows[k].records++;
  sums[k] += r->score;
}

int quality_scores_by_unit_month(struct store *store, struct arena *arena, int64_t office_id,
                                 const char *from, const char *to, struct quality_score **rows,
                                 size_t *count)
{
  struct quality_record *records;
  size_t n, out = 0;
  int rc = quality_list_read(store, arena, office_id, from, to, &records, &n);
  int64_t *sums = rc ? NULL : read_model_array(arena, n, sizeof(*sums));
  *rows = rc ? NULL : read_model_array(arena, n, sizeof(**rows));
  *count = 0;
  if (rc || !*rows || !sums)
    return rc ? rc : ST_NOMEM;
  for (size_t i = 0; i < n; i++)
    score_add(arena, &records[i], *rows, sums, &out);
  for (size_t k = 0; k < out; k++)
    (*rows)[k].mean = survey_permille(sums[k], (*rows)[k].records * 1000);
  qsort(*rows, out, sizeof(**rows), cmp_score);
  *count = out;
  return ST_OK;
}

int quality_page_read(struct store *store, struct arena *arena, int64_t office_id, const char *from,
                      const char *to, struct quality_page *out)
{
  const struct directory *dir = NULL;
  memset(out, 0, sizeof(*out));
  int rc = directory_acquire(store, arena, &dir);
  if (!rc)
    out->units = directory_units(dir, office_id, &out->unit_count);
  if (!rc)
    rc = quality_list_read(store, arena, office_id, from, to, &out->records, &out->record_count);
  if (!rc)
    rc = quality_scores_by_unit_month(store, arena, office_id, from, to, &out->scores,
                                      &out->score_count);
  return rc;
}
