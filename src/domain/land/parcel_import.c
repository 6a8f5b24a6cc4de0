/*
 * parcel_import.c - the CSV import of parcels, resurvey mappings and addresses (parcels.h).
 *
 * One pass over the file inside one transaction: each row is validated (every column, so a
 * row's every problem is reported) and, while no row has been bad (or with skip_bad), queued
 * in a batch that is written when full. After the first bad row without skip_bad nothing more
 * is written, the rest of the file is only validated, and the transaction is rolled back.
 * Memory: the CSV reader's buffer, one batch of rows with its arena, and the office's
 * sections; never the file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "domain/land/parcels.h"
#include "domain/land/rational.h"
#include "store/store.h"

#include "base/common.h"

enum {
  IMPORT_BATCH = 256,
  IMPORT_ARENA_MAX = 16 * 1024 * 1024,
  IMPORT_SECTIONS_MAX = 4096,
  IMPORT_PROGRESS_EVERY = 4096,
  AREA_PLACES = 2
};
#define AREA_INT_MAX  10000000000LL   /* m² */
#define AMOUNT_MAX    1000000000000LL /* NT$ per m² */
#define AREA_TEXT_MAX 32

enum column {
  COL_SECTION_CODE,
  COL_SECTION_NAME,
  COL_SECTION_NAME_EN,
  COL_NUMBER,
  COL_AREA,
  COL_YEAR,
  COL_CURRENT_VALUE,
  COL_LAND_VALUE,
  COL_PREVIOUS_VALUE,
  COL_PREVIOUS_DATE,
  COL_OLD_SECTION_CODE,
  COL_OLD_SECTION_NAME,
  COL_OLD_NUMBER,
  COL_NEW_SECTION_CODE,
  COL_NEW_NUMBER,
  COL_ADDRESS,
  COL_BUILDING_NUMBER,
  COL_COUNT
};

/* Header names: the English name, or the Chinese one an office's own export may use. */
static const char *const column_names[COL_COUNT][2] = {
    [COL_SECTION_CODE] = {"section_code", "地段代碼"},
    [COL_SECTION_NAME] = {"section_name", "地段名稱"},
    [COL_SECTION_NAME_EN] = {"section_name_en", "地段英文名稱"},
    [COL_NUMBER] = {"number", "地號"},
    [COL_AREA] = {"area_m2", "面積"},
    [COL_YEAR] = {"year", "年度"},
    [COL_CURRENT_VALUE] = {"current_value", "公告土地現值"},
    [COL_LAND_VALUE] = {"land_value", "公告地價"},
    [COL_PREVIOUS_VALUE] = {"previous_value", "前次移轉現值"},
    [COL_PREVIOUS_DATE] = {"previous_date", "前次移轉日期"},
    [COL_OLD_SECTION_CODE] = {"old_section_code", "重測前地段代碼"},
    [COL_OLD_SECTION_NAME] = {"old_section_name", "重測前地段名稱"},
    [COL_OLD_NUMBER] = {"old_number", "重測前地號"},
    [COL_NEW_SECTION_CODE] = {"new_section_code", "重測後地段代碼"},
    [COL_NEW_NUMBER] = {"new_number", "重測後地號"},
    [COL_ADDRESS] = {"address", "門牌"},
    [COL_BUILDING_NUMBER] = {"building_number", "建號"},
};

#define BIT(c) (1u << (c))
static const struct {
  unsigned required, optional;
} kinds[] = {
    [PARCEL_IMPORT_PARCELS] = {BIT(COL_SECTION_CODE) | BIT(COL_NUMBER) | BIT(COL_AREA) |
                                   BIT(COL_YEAR) | BIT(COL_CURRENT_VALUE) | BIT(COL_LAND_VALUE),
                               BIT(COL_SECTION_NAME) | BIT(COL_SECTION_NAME_EN) |
                                   BIT(COL_PREVIOUS_VALUE) | BIT(COL_PREVIOUS_DATE)},
    [PARCEL_IMPORT_RESURVEY] = {BIT(COL_OLD_SECTION_CODE) | BIT(COL_OLD_SECTION_NAME) |
                                    BIT(COL_OLD_NUMBER) | BIT(COL_NEW_SECTION_CODE) |
                                    BIT(COL_NEW_NUMBER),
                                0},
    [PARCEL_IMPORT_ADDRESSES] = {BIT(COL_ADDRESS) | BIT(COL_SECTION_CODE) | BIT(COL_NUMBER),
                                 BIT(COL_BUILDING_NUMBER)},
};

/* Reason keys (translated in po/<lang>/land.po) and their English text for the CLI. */
static const char *const messages[][2] = {
    {"parcel_err_missing", "is empty"},
    {"parcel_err_section_code", "is not a section code (1 to 4 digits)"},
    {"parcel_err_section_unknown",
     "names a section that is not in the database and not defined (with its name) on an "
     "earlier row"},
    {"parcel_err_sections_too_many", "defines more sections than an office may have (4096)"},
    {"parcel_err_name", "is not a name of 1 to 60 characters"},
    {"parcel_err_number", "is not a parcel number (1234 or 1234-5678)"},
    {"parcel_err_building", "is not a building number (12345 or 12345-678)"},
    {"parcel_err_area", "is not an area in m2 above 0 with at most 2 decimal places"},
    {"parcel_err_year", "is not a year from 1946 to next year (Gregorian, or ROC below 1000)"},
    {"parcel_err_value", "is not a whole NT$ amount of 0 or more"},
    {"parcel_err_date", "is not a date (YYYY-MM-DD, or ROC YYY/MM/DD)"},
    {"parcel_err_future_date", "is in the future"},
    {"parcel_err_previous_pair", "previous_value and previous_date must be given together"},
    {"parcel_err_address", "is not an address of 1 to 200 characters"},
    {"parcel_err_columns", "has a different number of columns from the header"},
    {"parcel_err_header_unknown", "is not a column of this kind of file"},
    {"parcel_err_header_duplicate", "appears twice in the header"},
    {"parcel_err_header_missing", "is a required column missing from the header"},
    {"parcel_err_empty_file", "the file is empty (it needs a header row)"},
    {"csv_err_quote", "has a quote inside an unquoted field or text after a closing quote"},
    {"csv_err_unterminated", "the file ends inside a quoted field"},
    {"csv_err_too_many_fields", "has more than 32 fields"},
    {"csv_err_too_long", "is longer than 4096 bytes"},
    {"csv_err_encoding", "is not UTF-8 text"},
};

struct section_entry {
  char code[PARCEL_SECTION_CODE_SIZE];
  int64_t id;
  bool named; /* defined (given a name) in this file */
};

/* A section a row names, and whether the row defines it. */
struct section_ref {
  char code[PARCEL_SECTION_CODE_SIZE];
  struct section_entry *entry; /* NULL when unknown */
  const char *name, *name_en;  /* non-empty name: the row defines the section */
};

struct importer {
  struct store *store;
  const struct parcel_import_options *o;
  struct parcel_import_stats *st;
  int index[COL_COUNT]; /* CSV column of each column, -1 when absent */
  size_t header_count;
  struct section_entry *sections;
  size_t section_count;
  struct arena *arena; /* this batch's strings */
  size_t batch_count;
  uint64_t queued; /* rows queued for writing in this run */
  struct store_parcel_row parcels[IMPORT_BATCH];
  struct store_resurvey_row resurvey[IMPORT_BATCH];
  struct store_address_row addresses[IMPORT_BATCH];
  bool writing; /* no bad row yet, or skip_bad */
  bool row_bad, nomem;
  long line;
  int max_year;
};

static const char *message_of(const char *key)
{
  for (size_t i = 0; i < ARRAY_LEN(messages); i++)
    if (strcmp(messages[i][0], key) == 0)
      return messages[i][1];
  return key;
}

static void report(struct importer *imp, long line, const char *column, const char *key)
{
  struct parcel_import_problem p = {line, column, key, message_of(key)};
  imp->st->problems++;
  if (imp->o->on_problem)
    imp->o->on_problem(imp->o->ctx, &p);
}

/* A problem with the current row. */
static void problem(struct importer *imp, enum column c, const char *key)
{
  imp->row_bad = true;
  report(imp, imp->line, (int)c >= 0 ? column_names[c][0] : NULL, key);
}

/* ---- fields ---- */

static bool ascii(const char *s, size_t len)
{
  for (size_t i = 0; i < len; i++)
    if ((unsigned char)s[i] >= 0x80)
      return false;
  return true;
}

/* The field of column c, trimmed and NFKC-normalised, in the batch arena ("" when the file has
 * no such column). */
static const char *field(struct importer *imp, const struct csv_record *rec, enum column c)
{
  int i = imp->index[c];
  if (i < 0 || (size_t)i >= rec->count)
    return "";
  struct str s = {rec->fields[i], rec->lengths[i]};
  const char *normal = ascii(s.ptr, s.len) ? s.ptr : text_normalize(imp->arena, s.ptr, false);
  char *copy = NULL;
  if (normal) { /* trimmed after NFKC, which turns U+3000 into a space */
    s = str_trim(ascii(s.ptr, s.len) ? s : str_from(normal));
    copy = arena_strndup(imp->arena, s.ptr, s.len);
  }
  if (copy)
    return copy;
  imp->nomem = true;
  return "";
}

/* Copy of normalised text in the arena. */
static const char *keep(struct importer *imp, const char *text)
{
  char *copy = arena_strdup(imp->arena, text);
  if (!copy)
    imp->nomem = true;
  return copy ? copy : "";
}

static bool present(struct importer *imp, const char *value, enum column c)
{
  if (*value)
    return true;
  problem(imp, c, "parcel_err_missing");
  return false;
}

static const char *check_number(struct importer *imp, const struct csv_record *rec, enum column c)
{
  char number[PARCEL_NUMBER_SIZE];
  const char *text = field(imp, rec, c);
  if (!present(imp, text, c))
    return "";
  if (parcel_number_normalize(text, number)) {
    problem(imp, c, "parcel_err_number");
    return "";
  }
  return keep(imp, number);
}

static const char *check_name(struct importer *imp, const struct csv_record *rec, enum column c,
                              bool required)
{
  const char *text = field(imp, rec, c);
  if (!*text && !required)
    return text;
  if (!present(imp, text, c))
    return "";
  if (!str_valid_text(str_from(text), false) || text_length(text) > PARCEL_NAME_MAX_CHARS) {
    problem(imp, c, "parcel_err_name");
    return "";
  }
  return text;
}

static struct section_entry *find_section(struct importer *imp, const char *code)
{
  for (size_t i = 0; i < imp->section_count; i++)
    if (strcmp(imp->sections[i].code, code) == 0)
      return &imp->sections[i];
  return NULL;
}

/* Reads the section code of column c into ref; a known section, or one this row defines
 * (define: names from its name columns), or a problem. */
static void check_section(struct importer *imp, const struct csv_record *rec, enum column c,
                          bool may_define, struct section_ref *ref)
{
  const char *text = field(imp, rec, c);
  memset(ref, 0, sizeof(*ref));
  if (may_define) {
    ref->name = check_name(imp, rec, COL_SECTION_NAME, false);
    ref->name_en = check_name(imp, rec, COL_SECTION_NAME_EN, false);
  }
  if (!present(imp, text, c))
    return;
  if (parcel_section_code_normalize(text, ref->code)) {
    problem(imp, c, "parcel_err_section_code");
    return;
  }
  ref->entry = find_section(imp, ref->code);
  if (!ref->entry && !(ref->name && *ref->name))
    problem(imp, c, "parcel_err_section_unknown");
}

/* After a good row: writes a section the row defines (the first definition in a file renames
 * a stored section) and gives its id. */
static int settle_section(struct importer *imp, struct section_ref *ref, int64_t *id)
{
  struct section_entry *e = ref->entry;
  if (e && (e->named || !ref->name || !*ref->name)) {
    *id = e->id;
    return ST_OK;
  }
  if (!e && imp->section_count >= IMPORT_SECTIONS_MAX) {
    problem(imp, COL_SECTION_CODE, "parcel_err_sections_too_many");
    return ST_OK;
  }
  if (!e) {
    e = &imp->sections[imp->section_count++];
    memcpy(e->code, ref->code, sizeof(e->code));
    e->id = 0;
  }
  e->named = true;
  int rc = imp->writing ? store_section_put(imp->store, imp->o->office_id, e->code, ref->name,
                                            ref->name_en, &e->id)
                        : ST_OK;
  *id = e->id;
  return rc;
}

static void check_amount(struct importer *imp, const struct csv_record *rec, enum column c,
                         int64_t *out)
{
  struct rational v;
  enum rational_parse_err why;
  const char *text = field(imp, rec, c);
  if (!present(imp, text, c))
    return;
  if (rational_parse_decimal(str_from(text), 0, AMOUNT_MAX, &v, &why) || rational_sign(v) < 0)
    problem(imp, c, "parcel_err_value");
  else
    *out = v.num;
}

static const char *check_area(struct importer *imp, const struct csv_record *rec)
{
  struct rational v;
  enum rational_parse_err why;
  char text_out[AREA_TEXT_MAX];
  const char *text = field(imp, rec, COL_AREA);
  if (!present(imp, text, COL_AREA))
    return "";
  if (rational_parse_decimal(str_from(text), AREA_PLACES, AREA_INT_MAX, &v, &why) ||
      rational_sign(v) <= 0 ||
      rational_format(v, AREA_PLACES, true, text_out, sizeof(text_out), NULL)) {
    problem(imp, COL_AREA, "parcel_err_area");
    return "";
  }
  return keep(imp, text_out);
}

static void check_year(struct importer *imp, const struct csv_record *rec, int64_t *out)
{
  int year;
  const char *text = field(imp, rec, COL_YEAR);
  if (!present(imp, text, COL_YEAR))
    return;
  if (parcel_year_parse(text, imp->max_year, &year))
    problem(imp, COL_YEAR, "parcel_err_year");
  else
    *out = year;
}

/* previous_value and previous_date: both or neither; the date not after today. */
static void check_previous(struct importer *imp, const struct csv_record *rec,
                           struct store_parcel_row *row)
{
  const char *value = field(imp, rec, COL_PREVIOUS_VALUE);
  const char *date = field(imp, rec, COL_PREVIOUS_DATE);
  struct civil_date d;
  char iso[16];
  if (!*value && !*date)
    return;
  if (!*value || !*date) {
    problem(imp, *value ? COL_PREVIOUS_DATE : COL_PREVIOUS_VALUE, "parcel_err_previous_pair");
    return;
  }
  check_amount(imp, rec, COL_PREVIOUS_VALUE, &row->previous_value);
  if (parcel_date_parse(date, &d)) {
    problem(imp, COL_PREVIOUS_DATE, "parcel_err_date");
  } else if (civil_compare(d, imp->o->today) > 0) {
    problem(imp, COL_PREVIOUS_DATE, "parcel_err_future_date");
  } else {
    snprintf(iso, sizeof(iso), "%04d-%02d-%02d", d.year, d.month, d.day);
    row->previous_date = keep(imp, iso);
  }
}

/* ---- rows ---- */

/* A validated row takes a place in the batch (the batch writes only while writing). */
static bool queue(struct importer *imp)
{
  if (imp->row_bad || imp->nomem)
    return false;
  if (imp->writing)
    imp->queued++;
  return true;
}

static int parcel_row(struct importer *imp, const struct csv_record *rec)
{
  struct store_parcel_row row = {.previous_value = -1};
  struct section_ref section;
  check_section(imp, rec, COL_SECTION_CODE, true, &section);
  row.number = check_number(imp, rec, COL_NUMBER);
  row.area_m2 = check_area(imp, rec);
  check_year(imp, rec, &row.year);
  check_amount(imp, rec, COL_CURRENT_VALUE, &row.current_value);
  check_amount(imp, rec, COL_LAND_VALUE, &row.land_value);
  check_previous(imp, rec, &row);
  if (imp->row_bad || imp->nomem)
    return imp->nomem ? ST_NOMEM : ST_OK;
  int rc = settle_section(imp, &section, &row.section_id);
  if (rc == ST_OK && queue(imp))
    imp->parcels[imp->batch_count++] = row;
  return rc;
}

static int resurvey_row(struct importer *imp, const struct csv_record *rec)
{
  struct store_resurvey_row row;
  struct section_ref new_section;
  char old_code[PARCEL_SECTION_CODE_SIZE] = "";
  const char *old_text = field(imp, rec, COL_OLD_SECTION_CODE);
  if (present(imp, old_text, COL_OLD_SECTION_CODE) &&
      parcel_section_code_normalize(old_text, old_code))
    problem(imp, COL_OLD_SECTION_CODE, "parcel_err_section_code");
  row.old_section_name = check_name(imp, rec, COL_OLD_SECTION_NAME, true);
  row.old_number = check_number(imp, rec, COL_OLD_NUMBER);
  check_section(imp, rec, COL_NEW_SECTION_CODE, false, &new_section);
  row.new_number = check_number(imp, rec, COL_NEW_NUMBER);
  row.old_section_code = keep(imp, old_code);
  row.new_section_code = keep(imp, new_section.code);
  if (queue(imp))
    imp->resurvey[imp->batch_count++] = row;
  return imp->nomem ? ST_NOMEM : ST_OK;
}

static int address_row(struct importer *imp, const struct csv_record *rec)
{
  struct store_address_row row = {0};
  struct section_ref section;
  char building[PARCEL_BUILDING_SIZE] = "";
  const char *address = field(imp, rec, COL_ADDRESS);
  const char *building_text = field(imp, rec, COL_BUILDING_NUMBER);
  if (present(imp, address, COL_ADDRESS) && (!str_valid_text(str_from(address), false) ||
                                             text_length(address) > PARCEL_ADDRESS_MAX_CHARS))
    problem(imp, COL_ADDRESS, "parcel_err_address");
  check_section(imp, rec, COL_SECTION_CODE, false, &section);
  row.number = check_number(imp, rec, COL_NUMBER);
  if (*building_text && parcel_building_normalize(building_text, building))
    problem(imp, COL_BUILDING_NUMBER, "parcel_err_building");
  row.address = address;
  row.address_key = *address ? parcel_address_key(imp->arena, address) : "";
  row.section_code = keep(imp, section.code);
  row.building_number = keep(imp, building);
  if (!row.address_key)
    imp->nomem = true;
  if (queue(imp))
    imp->addresses[imp->batch_count++] = row;
  return imp->nomem ? ST_NOMEM : ST_OK;
}

/* Writes the batch (while writing) and starts a new one. */
static int flush(struct importer *imp)
{
  int rc = ST_OK;
  const struct parcel_import_options *o = imp->o;
  if (imp->writing && imp->batch_count) {
    if (o->kind == PARCEL_IMPORT_PARCELS)
      rc = store_parcel_put_batch(imp->store, o->office_id, imp->parcels, imp->batch_count);
    else if (o->kind == PARCEL_IMPORT_RESURVEY)
      rc = store_resurvey_put_batch(imp->store, o->office_id, imp->resurvey, imp->batch_count);
    else
      rc = store_address_put_batch(imp->store, o->office_id, imp->addresses, imp->batch_count);
  }
  imp->batch_count = 0;
  arena_free(imp->arena);
  imp->arena = arena_new(IMPORT_ARENA_MAX);
  return rc ? rc : imp->arena ? ST_OK : ST_NOMEM;
}

static int import_row(struct importer *imp, const struct csv_record *rec, int csv_rc)
{
  int rc = ST_OK;
  imp->row_bad = false;
  imp->line = rec->line;
  if (csv_rc == ST_INVALID)
    problem(imp, -1, csv_err_key(rec->error));
  else if (rec->count != imp->header_count)
    problem(imp, -1, "parcel_err_columns");
  else if (imp->o->kind == PARCEL_IMPORT_PARCELS)
    rc = parcel_row(imp, rec);
  else if (imp->o->kind == PARCEL_IMPORT_RESURVEY)
    rc = resurvey_row(imp, rec);
  else
    rc = address_row(imp, rec);
  if (imp->row_bad) {
    imp->st->bad_rows++;
    if (!imp->o->skip_bad && imp->writing) {
      imp->writing = false;
      imp->queued = 0;
    }
  }
  if (rc == ST_OK && imp->batch_count == IMPORT_BATCH)
    rc = flush(imp);
  return rc;
}

/* ---- header ---- */

static int column_of(enum parcel_import_kind kind, struct str name)
{
  unsigned allowed = kinds[kind].required | kinds[kind].optional;
  for (int c = 0; c < COL_COUNT; c++)
    if ((allowed & BIT(c)) &&
        (str_eq_cstr(name, column_names[c][0]) || str_eq_cstr(name, column_names[c][1])))
      return c;
  return -1;
}

static void header_column(struct importer *imp, const struct csv_record *rec, size_t i, bool *bad)
{
  struct str name = str_trim((struct str){rec->fields[i], rec->lengths[i]});
  char shown[64];
  int c = column_of(imp->o->kind, name);
  snprintf(shown, sizeof(shown), "%.*s", (int)(name.len < 60 ? name.len : 60), name.ptr);
  if (c < 0 || imp->index[c] >= 0) {
    report(imp, rec->line, shown,
           c < 0 ? "parcel_err_header_unknown" : "parcel_err_header_duplicate");
    *bad = true;
    return;
  }
  imp->index[c] = (int)i;
}

static int read_header(struct importer *imp, struct csv_reader *csv)
{
  struct csv_record rec;
  bool bad = false;
  int rc = csv_next(csv, &rec);
  if (rc == ST_NOTFOUND || rc == ST_INVALID) {
    report(imp, rc == ST_NOTFOUND ? 0 : rec.line, NULL,
           rc == ST_NOTFOUND ? "parcel_err_empty_file" : csv_err_key(rec.error));
    return ST_INVALID;
  }
  if (rc)
    return rc;
  for (size_t i = 0; i < rec.count; i++)
    header_column(imp, &rec, i, &bad);
  for (int c = 0; c < COL_COUNT; c++) {
    if ((kinds[imp->o->kind].required & BIT(c)) && imp->index[c] < 0) {
      report(imp, rec.line, column_names[c][0], "parcel_err_header_missing");
      bad = true;
    }
  }
  imp->header_count = rec.count;
  return bad ? ST_INVALID : ST_OK;
}

/* ---- the run ---- */

static int load_sections(struct importer *imp)
{
  json_t *list, *s;
  size_t i;
  int rc = store_section_list(imp->store, imp->o->office_id, &list);
  if (rc)
    return rc;
  json_array_foreach(list, i, s)
  {
    if (imp->section_count >= IMPORT_SECTIONS_MAX)
      break;
    struct section_entry *e = &imp->sections[imp->section_count++];
    snprintf(e->code, sizeof(e->code), "%s", json_string_value(json_object_get(s, "code")));
    e->id = json_integer_value(json_object_get(s, "id"));
  }
  json_decref(list);
  return ST_OK;
}

static void progress(struct importer *imp, struct csv_reader *csv)
{
  imp->st->bytes = csv_bytes_read(csv);
  if (imp->o->on_progress)
    imp->o->on_progress(imp->o->ctx, imp->st->bytes, imp->st->rows);
}

static int read_rows(struct importer *imp, struct csv_reader *csv)
{
  struct csv_record rec;
  int rc;
  while ((rc = csv_next(csv, &rec)) == ST_OK || rc == ST_INVALID) {
    imp->st->rows++;
    rc = import_row(imp, &rec, rc);
    if (rc)
      return rc;
    if (imp->st->rows % IMPORT_PROGRESS_EVERY == 0)
      progress(imp, csv);
  }
  return rc == ST_NOTFOUND ? flush(imp) : rc;
}

static int run(struct importer *imp)
{
  struct csv_reader *csv = csv_open(imp->o->read, imp->o->read_ctx);
  int rc = csv ? store_begin(imp->store) : ST_NOMEM;
  if (rc) {
    csv_close(csv);
    return rc;
  }
  rc = load_sections(imp);
  if (rc == ST_OK)
    rc = read_header(imp, csv);
  if (rc == ST_OK)
    rc = read_rows(imp, csv);
  progress(imp, csv);
  csv_close(csv);
  if (rc == ST_OK && imp->st->bad_rows && !imp->o->skip_bad)
    rc = ST_INVALID;
  if (rc == ST_OK)
    rc = store_commit(imp->store);
  if (rc)
    store_rollback(imp->store);
  imp->st->written = rc ? 0 : imp->queued;
  return rc;
}

int parcel_import(struct store *store, const struct parcel_import_options *options,
                  struct parcel_import_stats *stats)
{
  memset(stats, 0, sizeof(*stats));
  if ((unsigned)options->kind >= ARRAY_LEN(kinds) || !options->read)
    return ST_INVALID;
  struct importer *imp = calloc(1, sizeof(*imp));
  if (!imp)
    return ST_NOMEM;
  imp->store = store;
  imp->o = options;
  imp->st = stats;
  imp->writing = true;
  imp->max_year = options->today.year + 1;
  for (int c = 0; c < COL_COUNT; c++)
    imp->index[c] = -1;
  imp->sections = calloc(IMPORT_SECTIONS_MAX, sizeof(*imp->sections));
  imp->arena = arena_new(IMPORT_ARENA_MAX);
  int rc = imp->sections && imp->arena ? run(imp) : ST_NOMEM;
  arena_free(imp->arena);
  free(imp->sections);
  free(imp);
  return rc;
}
