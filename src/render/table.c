/*
 * table.c - CSV and ODS writers for tables of text cells (table.h).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>
#include <zip.h>

#include "base/buf.h"
#include "render/table.h"

#include "base/common.h"

static const char *cell_of(const struct render_table *t, size_t row, size_t column)
{
  const char *c = t->cells[row * t->columns + column];
  return c ? c : "";
}

static int csv_field(struct buf *out, const char *s)
{
  if (!strpbrk(s, ",\"\r\n"))
    return buf_puts(out, s);
  int rc = buf_putc(out, '"');
  for (const char *p = s; !rc && *p; p++)
    rc = *p == '"' ? buf_puts(out, "\"\"") : buf_putc(out, *p);
  return rc ? rc : buf_putc(out, '"');
}

int render_tables_csv(const struct render_table *tables, size_t count, struct buf *out)
{
  int rc = buf_puts(out, "\xef\xbb\xbf");
  for (size_t i = 0; !rc && i < count; i++) {
    const struct render_table *t = &tables[i];
    rc = csv_field(out, t->title ? t->title : "");
    if (!rc)
      rc = buf_puts(out, "\r\n");
    for (size_t r = 0; !rc && r < t->rows; r++) {
      for (size_t c = 0; !rc && c < t->columns; c++) {
        rc = c ? buf_putc(out, ',') : ST_OK;
        if (!rc)
          rc = csv_field(out, cell_of(t, r, c));
      }
      if (!rc)
        rc = buf_puts(out, "\r\n");
    }
    if (!rc)
      rc = buf_puts(out, "\r\n");
  }
  return rc;
}

/* ---- ODS --------------------------------------------------------------------------------------
 */

#define ODS_MIMETYPE "application/vnd.oasis.opendocument.spreadsheet"
#define NS_OFFICE    "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
#define NS_TABLE     "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
#define NS_TEXT      "urn:oasis:names:tc:opendocument:xmlns:text:1.0"

static const char manifest_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" "
    "manifest:version=\"1.2\">\n"
    " <manifest:file-entry manifest:full-path=\"/\" manifest:version=\"1.2\" "
    "manifest:media-type=\"" ODS_MIMETYPE "\"/>\n"
    " <manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>\n"
    "</manifest:manifest>\n";

static bool whole_number(const char *s)
{
  size_t i = s[0] == '-' ? 1 : 0;
  if (!s[i] || strlen(s + i) > 15)
    return false;
  for (; s[i]; i++)
    if (s[i] < '0' || s[i] > '9')
      return false;
  return true;
}

static int ods_cell(xmlTextWriterPtr w, const char *text)
{
  bool number = whole_number(text);
  int rc = xmlTextWriterStartElement(w, BAD_CAST "table:table-cell");
  if (rc >= 0)
    rc = xmlTextWriterWriteAttribute(w, BAD_CAST "office:value-type",
                                     BAD_CAST(number ? "float" : "string"));
  if (rc >= 0 && number)
    rc = xmlTextWriterWriteAttribute(w, BAD_CAST "office:value", BAD_CAST text);
  if (rc >= 0 && *text)
    rc = xmlTextWriterWriteElement(w, BAD_CAST "text:p", BAD_CAST text);
  return rc >= 0 ? xmlTextWriterEndElement(w) : rc;
}

/* One row of texts (count of them); a row of one cell for a title, none for an empty row. */
static int ods_row(xmlTextWriterPtr w, const char *const *texts, size_t count)
{
  int rc = xmlTextWriterStartElement(w, BAD_CAST "table:table-row");
  for (size_t i = 0; rc >= 0 && i < count; i++)
    rc = ods_cell(w, texts[i] ? texts[i] : "");
  return rc >= 0 ? xmlTextWriterEndElement(w) : rc;
}

static int ods_tables(xmlTextWriterPtr w, const struct render_table *tables, size_t count)
{
  int rc = 0;
  for (size_t i = 0; rc >= 0 && i < count; i++) {
    const struct render_table *t = &tables[i];
    const char *title = t->title ? t->title : "";
    rc = ods_row(w, &title, 1);
    for (size_t r = 0; rc >= 0 && r < t->rows; r++)
      rc = ods_row(w, t->cells + r * t->columns, t->columns);
    if (rc >= 0)
      rc = ods_row(w, NULL, 0);
  }
  return rc;
}

static int ods_content(xmlTextWriterPtr w, const struct render_table *tables, size_t count,
                       const char *sheet)
{
  int rc = xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL);
  if (rc >= 0)
    rc = xmlTextWriterStartElement(w, BAD_CAST "office:document-content");
  if (rc >= 0)
    rc = xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns:office", BAD_CAST NS_OFFICE);
  if (rc >= 0)
    rc = xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns:table", BAD_CAST NS_TABLE);
  if (rc >= 0)
    rc = xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns:text", BAD_CAST NS_TEXT);
  if (rc >= 0)
    rc = xmlTextWriterWriteAttribute(w, BAD_CAST "office:version", BAD_CAST "1.2");
  if (rc >= 0)
    rc = xmlTextWriterStartElement(w, BAD_CAST "office:body");
  if (rc >= 0)
    rc = xmlTextWriterStartElement(w, BAD_CAST "office:spreadsheet");
  if (rc >= 0)
    rc = xmlTextWriterStartElement(w, BAD_CAST "table:table");
  if (rc >= 0)
    rc = xmlTextWriterWriteAttribute(w, BAD_CAST "table:name", BAD_CAST sheet);
  if (rc >= 0)
    rc = ods_tables(w, tables, count);
  if (rc >= 0)
    rc = xmlTextWriterEndDocument(w); /* closes every open element */
  return rc;
}

/* Adds a file to the archive from bytes that stay valid until zip_close. */
static int ods_zip_add(zip_t *z, const char *name, const void *data, size_t len, bool store)
{
  zip_source_t *src = zip_source_buffer(z, data, len, 0);
  zip_int64_t index = src ? zip_file_add(z, name, src, ZIP_FL_ENC_UTF_8) : -1;
  if (index < 0) {
    zip_source_free(src);
    return ST_NOMEM;
  }
  if (store && zip_set_file_compression(z, (zip_uint64_t)index, ZIP_CM_STORE, 0) < 0)
    return ST_NOMEM;
  return ST_OK;
}

/* The files of the archive (the mimetype first and stored, as OpenDocument requires). */
static int ods_zip_files(zip_t *z, const void *content, size_t content_len)
{
  int rc = ods_zip_add(z, "mimetype", ODS_MIMETYPE, strlen(ODS_MIMETYPE), true);
  if (!rc)
    rc = ods_zip_add(z, "META-INF/manifest.xml", manifest_xml, strlen(manifest_xml), false);
  if (!rc)
    rc = ods_zip_add(z, "content.xml", content, content_len, false);
  return rc;
}

/* The bytes of a finished in-memory archive appended to out. */
static int ods_zip_read(zip_source_t *archive, struct buf *out)
{
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_source_stat(archive, &st) < 0 || zip_source_open(archive) < 0)
    return ST_NOMEM;
  char *bytes = buf_extend(out, (size_t)st.size);
  int rc =
      bytes && zip_source_read(archive, bytes, st.size) == (zip_int64_t)st.size ? ST_OK : ST_LIMIT;
  zip_source_close(archive);
  return rc;
}

/* The archive of content.xml into out. */
static int ods_zip_write(const void *content, size_t content_len, struct buf *out)
{
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t *archive = zip_source_buffer_create(NULL, 0, 0, &error);
  zip_t *z = archive ? zip_open_from_source(archive, ZIP_TRUNCATE, &error) : NULL;
  int rc = z ? ST_OK : ST_NOMEM;
  if (z) {
    zip_source_keep(archive);
    rc = ods_zip_files(z, content, content_len);
    if (rc)
      zip_discard(z);
    else if (zip_close(z) < 0)
      rc = ST_NOMEM;
  }
  if (!rc)
    rc = ods_zip_read(archive, out);
  if (archive)
    zip_source_free(archive);
  zip_error_fini(&error);
  return rc;
}

int render_tables_ods(const struct render_table *tables, size_t count, const char *sheet,
                      struct buf *out)
{
  xmlBufferPtr xml = xmlBufferCreate();
  xmlTextWriterPtr w = xml ? xmlNewTextWriterMemory(xml, 0) : NULL;
  int rc = w ? ods_content(w, tables, count, sheet ? sheet : "Sheet1") : -1;
  if (w)
    xmlFreeTextWriter(w);
  int st = rc < 0 || !xml ? ST_NOMEM
                          : ods_zip_write(xmlBufferContent(xml), (size_t)xmlBufferLength(xml), out);
  if (xml)
    xmlBufferFree(xml);
  return st;
}
