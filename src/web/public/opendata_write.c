/*
 * opendata_write.c - the open datasets' files: CSV (UTF-8 with a BOM, RFC 4180 quoting), JSON
 * (jansson; numbers as numbers, empty cells as null), ODS (libxml2's xmlwriter for
 * content.xml, libzip for the package: the stored "mimetype" entry first, as ODF requires) and
 * the data dictionary as CSV or JSON.
 */
#include <jansson.h>
#include <libxml/xmlwriter.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

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

#define ODS_MIME  "application/vnd.oasis.opendocument.spreadsheet"
#define NS_TABLE  "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
#define NS_OFFICE "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
#define NS_TEXT   "urn:oasis:names:tc:opendocument:xmlns:text:1.0"

/* One cell: numbers as float cells (office:value), texts as strings, empty as an empty cell. */
static int ods_cell(xmlTextWriterPtr w, enum od_type type, const char *text)
{
  int rc = xmlTextWriterStartElement(w, BAD_CAST "table:table-cell");
  if (rc >= 0 && text && (type == OD_INTEGER || type == OD_NUMBER)) {
    rc = xmlTextWriterWriteAttribute(w, BAD_CAST "office:value-type", BAD_CAST "float");
    if (rc >= 0)
      rc = xmlTextWriterWriteAttribute(w, BAD_CAST "office:value", BAD_CAST text);
  } else if (rc >= 0 && text) {
    rc = xmlTextWriterWriteAttribute(w, BAD_CAST "office:value-type", BAD_CAST "string");
  }
  if (rc >= 0 && text)
    rc = xmlTextWriterWriteElement(w, BAD_CAST "text:p", BAD_CAST text);
  if (rc >= 0)
    rc = xmlTextWriterEndElement(w);
  return rc < 0 ? ST_NOMEM : ST_OK;
}

static int ods_row(xmlTextWriterPtr w, const char *const *cells, const struct od_field *fields,
                   size_t n)
{
  int rc = xmlTextWriterStartElement(w, BAD_CAST "table:table-row") < 0 ? ST_NOMEM : ST_OK;
  for (size_t i = 0; !rc && i < n; i++)
    rc = ods_cell(w, fields ? fields[i].type : OD_STRING, cells[i]);
  if (!rc && xmlTextWriterEndElement(w) < 0)
    rc = ST_NOMEM;
  return rc;
}

static int ods_start_table(xmlTextWriterPtr w, const char *name)
{
  int rc = xmlTextWriterStartElement(w, BAD_CAST "table:table");
  if (rc >= 0)
    rc = xmlTextWriterWriteAttribute(w, BAD_CAST "table:name", BAD_CAST name);
  return rc < 0 ? ST_NOMEM : ST_OK;
}

static int ods_data(xmlTextWriterPtr w, const struct od_table *t)
{
  const struct od_dataset *set = t->dataset;
  const char *names[32];
  size_t n = set->field_count < ARRAY_LEN(names) ? set->field_count : ARRAY_LEN(names);
  for (size_t i = 0; i < n; i++)
    names[i] = set->fields[i].name;
  int rc = ods_start_table(w, set->id);
  if (!rc)
    rc = ods_row(w, names, NULL, n);
  for (size_t r = 0; !rc && r < t->rows; r++)
    rc = ods_row(w, &t->cells[r * set->field_count], set->fields, n);
  return rc ? rc : (xmlTextWriterEndElement(w) < 0 ? ST_NOMEM : ST_OK);
}

static int ods_about(xmlTextWriterPtr w, const struct od_table *t, const struct od_meta *meta)
{
  const char *rows[][2] = {{"dataset", t->dataset->id},
                           {"title", t->dataset->title_zh},
                           {"title_en", t->dataset->title_en},
                           {"license", OPENDATA_LICENSE_ZH " / " OPENDATA_LICENSE_EN},
                           {"license_url", OPENDATA_LICENSE_URL},
                           {"publisher", meta->publisher_zh},
                           {"publisher_en", meta->publisher_en},
                           {"modified", meta->modified}};
  int rc = ods_start_table(w, "about");
  for (size_t i = 0; !rc && i < ARRAY_LEN(rows); i++)
    rc = ods_row(w, rows[i], NULL, 2);
  return rc ? rc : (xmlTextWriterEndElement(w) < 0 ? ST_NOMEM : ST_OK);
}

static int ods_open(xmlTextWriterPtr w)
{
  static const char *const ns[][2] = {{"xmlns:office", NS_OFFICE},
                                      {"xmlns:table", NS_TABLE},
                                      {"xmlns:text", NS_TEXT},
                                      {"office:version", "1.2"}};
  int rc = xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL);
  if (rc >= 0)
    rc = xmlTextWriterStartElement(w, BAD_CAST "office:document-content");
  for (size_t i = 0; rc >= 0 && i < ARRAY_LEN(ns); i++)
    rc = xmlTextWriterWriteAttribute(w, BAD_CAST ns[i][0], BAD_CAST ns[i][1]);
  if (rc >= 0)
    rc = xmlTextWriterStartElement(w, BAD_CAST "office:body");
  if (rc >= 0)
    rc = xmlTextWriterStartElement(w, BAD_CAST "office:spreadsheet");
  return rc < 0 ? ST_NOMEM : ST_OK;
}

static int ods_content(const struct od_table *t, const struct od_meta *meta, xmlBufferPtr xb)
{
  xmlTextWriterPtr w = xmlNewTextWriterMemory(xb, 0);
  int rc = w ? ods_open(w) : ST_NOMEM;
  if (!rc)
    rc = ods_data(w, t);
  if (!rc)
    rc = ods_about(w, t, meta);
  if (!rc && xmlTextWriterEndDocument(w) < 0)
    rc = ST_NOMEM;
  if (w)
    xmlFreeTextWriter(w); /* flushes into xb */
  return rc;
}

static const char manifest[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" "
    "manifest:version=\"1.2\">\n"
    " <manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"" ODS_MIME "\"/>\n"
    " <manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>\n"
    "</manifest:manifest>\n";

/* Adds name with a copy of data (freed by libzip); stored uncompressed when store is set. */
static int zip_put(zip_t *z, const char *name, const void *data, size_t len, bool store)
{
  void *copy = malloc(len ? len : 1);
  if (copy)
    memcpy(copy, data, len);
  zip_source_t *src = copy ? zip_source_buffer(z, copy, len, 1) : NULL;
  if (!src) {
    free(copy);
    return ST_NOMEM;
  }
  zip_int64_t at = zip_file_add(z, name, src, ZIP_FL_ENC_UTF_8);
  if (at < 0) {
    zip_source_free(src);
    return ST_NOMEM;
  }
  return zip_set_file_compression(z, (zip_uint64_t)at, store ? ZIP_CM_STORE : ZIP_CM_DEFLATE, 0) < 0
             ? ST_NOMEM
             : ST_OK;
}

/* Closes the archive written to src and copies its bytes into out. */
static int zip_finish(zip_t *z, zip_source_t *src, struct buf *out)
{
  zip_source_keep(src);
  int rc = zip_close(z) < 0 ? ST_NOMEM : ST_OK;
  if (rc)
    zip_discard(z);
  zip_stat_t st;
  if (!rc && (zip_source_stat(src, &st) < 0 || zip_source_open(src) < 0))
    rc = ST_NOMEM;
  char *bytes = rc ? NULL : buf_extend(out, (size_t)st.size);
  if (!rc && (!bytes || zip_source_read(src, bytes, st.size) != (zip_int64_t)st.size))
    rc = ST_NOMEM;
  if (!rc)
    zip_source_close(src);
  zip_source_free(src);
  return rc;
}

int od_ods(const struct od_table *t, const struct od_meta *meta, struct buf *out)
{
  xmlBufferPtr xb = xmlBufferCreate();
  int rc = xb ? ods_content(t, meta, xb) : ST_NOMEM;
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t *src = rc ? NULL : zip_source_buffer_create(NULL, 0, 0, &error);
  zip_t *z = src ? zip_open_from_source(src, ZIP_TRUNCATE, &error) : NULL;
  if (!rc && !z)
    rc = ST_NOMEM;
  if (!rc)
    rc = zip_put(z, "mimetype", ODS_MIME, strlen(ODS_MIME), true);
  if (!rc)
    rc = zip_put(z, "content.xml", xmlBufferContent(xb), (size_t)xmlBufferLength(xb), false);
  if (!rc)
    rc = zip_put(z, "META-INF/manifest.xml", manifest, strlen(manifest), false);
  if (!rc)
    rc = zip_finish(z, src, out);
  else if (z)
    zip_discard(z);
  else if (src)
    zip_source_free(src);
  zip_error_fini(&error);
  if (xb)
    xmlBufferFree(xb);
  return rc;
}
