/*
 * opendata_write.c - the open datasets' files: CSV (UTF-8 with a BOM, RFC 4180 quoting), JSON
 * (jansson; numbers as numbers, empty cells as null), ODS (render/table.h's
 * render_sheets_ods: the data sheet and an "about" sheet) and the data dictionary as CSV or
 * JSON.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "render/table.h"
#include "web/public/opendata.h"

#include "base/common.h"

static int csv_field(struct buf *out, const char *s, bool last)
{
  int rc = ST_OK;
  s = s ? s : "";
  if (strpbrk(s, ",\"\r\n")) {
    rc = buf_putc(out, '"');
    for (const char *p = s; !rc && *p; p++)
      rc = *p == '"' ? buf_puts(out, "\"\"") : buf_append(out, p, 1);
    if (!rc)
      rc = buf_putc(out, '"');
  } else {
    rc = buf_puts(out, s);
  }
  return rc ? rc : buf_puts(out, last ? "\r\n" : ",");
}

int od_csv(const struct od_table *t, struct buf *out)
{
  const struct od_dataset *set = t->dataset;
  int rc = buf_puts(out, "\xEF\xBB\xBF"); /* a BOM: spreadsheets then read the text as UTF-8 */
  for (size_t f = 0; !rc && f < set->field_count; f++)
    rc = csv_field(out, set->fields[f].name, f + 1 == set->field_count);
  for (size_t r = 0; !rc && r < t->rows; r++)
    for (size_t f = 0; !rc && f < set->field_count; f++)
      rc = csv_field(out, t->cells[r * set->field_count + f], f + 1 == set->field_count);
  return rc;
}

static json_t *cell_json(enum od_type type, const char *text)
{
  if (!text)
    return json_null();
  if (type == OD_INTEGER)
    return json_integer(strtoll(text, NULL, 10));
  if (type == OD_NUMBER)
    return json_real(strtod(text, NULL));
  if (type == OD_BOOLEAN)
    return json_boolean(!strcmp(text, "true"));
  return json_string(text);
}

static json_t *meta_json(const struct od_dataset *set, const struct od_meta *meta)
{
  return json_pack("{s:s, s:{s:s, s:s}, s:{s:s, s:s}, s:{s:s, s:s, s:s}, s:s}", "dataset", set->id,
                   "title", "zh-TW", set->title_zh, "en", set->title_en, "publisher", "zh-TW",
                   meta->publisher_zh, "en", meta->publisher_en, "license", "zh-TW",
                   OPENDATA_LICENSE_ZH, "en", OPENDATA_LICENSE_EN, "url", OPENDATA_LICENSE_URL,
                   "modified", meta->modified);
}

static int dump(json_t *doc, struct buf *out)
{
  char *text = doc ? json_dumps(doc, JSON_INDENT(1) | JSON_PRESERVE_ORDER) : NULL;
  int rc = text ? buf_puts(out, text) : ST_NOMEM;
  free(text);
  json_decref(doc);
  return rc;
}

static json_t *rows_json(const struct od_table *t)
{
  const struct od_dataset *set = t->dataset;
  json_t *rows = json_array();
  for (size_t r = 0; rows && r < t->rows; r++) {
    json_t *row = json_object();
    for (size_t f = 0; row && f < set->field_count; f++)
      json_object_set_new(row, set->fields[f].name,
                          cell_json(set->fields[f].type, t->cells[r * set->field_count + f]));
    if (!row || json_array_append_new(rows, row))
      return json_decref(rows), NULL;
  }
  return rows;
}

int od_json(const struct od_table *t, const struct od_meta *meta, struct buf *out)
{
  json_t *doc = meta_json(t->dataset, meta), *rows = rows_json(t);
  char note[160];
  snprintf(note, sizeof(note),
           "少於%d之數值不公開（空白）/ counts from 1 to %d are withheld (null)", t->threshold,
           t->threshold - 1);
  if (!doc || !rows) {
    json_decref(doc);
    json_decref(rows);
    return ST_NOMEM;
  }
  /* rows first: set_new takes it over even when it fails */
  if (json_object_set_new(doc, "rows", rows) ||
      json_object_set_new(doc, "suppression", json_string(note)) ||
      json_object_set_new(doc, "suppressed_cells", json_integer((json_int_t)t->suppressed))) {
    json_decref(doc);
    return ST_NOMEM;
  }
  return dump(doc, out);
}

static json_t *field_json(const struct od_field *f)
{
  return json_pack("{s:s, s:s, s:{s:s, s:s}, s:{s:s, s:s}}", "field", f->name, "type",
                   opendata_type_name(f->type), "meaning", "zh-TW", f->meaning_zh, "en",
                   f->meaning_en, "unit", "zh-TW", f->unit_zh, "en", f->unit_en);
}

int od_dictionary_json(const struct od_dataset *set, const struct od_meta *meta, struct buf *out)
{
  json_t *doc = meta_json(set, meta), *fields = json_array();
  for (size_t i = 0; fields && i < set->field_count; i++)
    if (json_array_append_new(fields, field_json(&set->fields[i])))
      json_decref(fields), fields = NULL;
  if (!doc || !fields) {
    json_decref(doc);
    json_decref(fields);
    return ST_NOMEM;
  }
  if (json_object_set_new(doc, "fields", fields)) {
    json_decref(doc);
    return ST_NOMEM;
  }
  return dump(doc, out);
}

int od_dictionary_csv(const struct od_dataset *set, const struct od_meta *meta, struct buf *out)
{
  static const char *const head[] = {"field",      "type",    "meaning_zh",
                                     "meaning_en", "unit_zh", "unit_en"};
  int rc = buf_puts(out, "\xEF\xBB\xBF");
  for (size_t i = 0; !rc && i < ARRAY_LEN(head); i++)
    rc = csv_field(out, head[i], i + 1 == ARRAY_LEN(head));
  for (size_t i = 0; !rc && i < set->field_count; i++) {
    const struct od_field *f = &set->fields[i];
    const char *cells[] = {
        f->name, opendata_type_name(f->type), f->meaning_zh, f->meaning_en, f->unit_zh, f->unit_en};
    for (size_t c = 0; !rc && c < ARRAY_LEN(cells); c++)
      rc = csv_field(out, cells[c], c + 1 == ARRAY_LEN(cells));
  }
  /* what the file is and under which terms, as rows after the fields (field column "#") */
  const char *about[][2] = {{"# license", OPENDATA_LICENSE_ZH " / " OPENDATA_LICENSE_EN},
                            {"# license_url", OPENDATA_LICENSE_URL},
                            {"# publisher", meta->publisher_zh},
                            {"# modified", meta->modified}};
  for (size_t i = 0; !rc && i < ARRAY_LEN(about); i++) {
    rc = csv_field(out, about[i][0], false);
    if (!rc)
      rc = csv_field(out, about[i][1], false);
    if (!rc)
      rc = buf_puts(out, ",,,\r\n");
  }
  return rc;
}

/* The data sheet: the field names, then the rows; numbers as numbers (render/table.h). */
static int data_sheet(const struct od_table *t, const char **cells, enum render_cell_type *types,
                      struct render_table *table)
{
  const struct od_dataset *set = t->dataset;
  size_t n = set->field_count;
  for (size_t f = 0; f < n; f++) {
    cells[f] = set->fields[f].name;
    types[f] = set->fields[f].type == OD_INTEGER || set->fields[f].type == OD_NUMBER
                   ? RENDER_CELL_NUMBER
                   : RENDER_CELL_TEXT;
  }
  if (t->rows)
    memcpy(cells + n, t->cells, t->rows * n * sizeof(*cells));
  *table = (struct render_table){set->id, n, t->rows + 1, cells};
  return ST_OK;
}

int od_ods(const struct od_table *t, const struct od_meta *meta, struct buf *out)
{
  const char *about[] = {"dataset",      t->dataset->id,
                         "title",        t->dataset->title_zh,
                         "title_en",     t->dataset->title_en,
                         "license",      OPENDATA_LICENSE_ZH " / " OPENDATA_LICENSE_EN,
                         "license_url",  OPENDATA_LICENSE_URL,
                         "publisher",    meta->publisher_zh,
                         "publisher_en", meta->publisher_en,
                         "modified",     meta->modified};
  size_t n = t->dataset->field_count;
  const char **cells = malloc((t->rows + 1) * (n ? n : 1) * sizeof(*cells));
  enum render_cell_type *types = malloc((n ? n : 1) * sizeof(*types));
  struct render_table data, about_table = {"about", 2, ARRAY_LEN(about) / 2, about};
  int rc = cells && types ? data_sheet(t, cells, types, &data) : ST_NOMEM;
  const struct render_sheet sheets[] = {{t->dataset->id, &data, types},
                                        {"about", &about_table, NULL}};
  if (!rc)
    rc = render_sheets_ods(sheets, ARRAY_LEN(sheets), out);
  free(cells);
  free(types);
  return rc;
}
