/*
 * table.c - CSV, ODS and XLSX writers for tables of text cells (table.h); the zip package is
 * render/package.c's.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "base/buf.h"
#include "render/package.h"
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

/* The document up to the open office:spreadsheet (EndDocument closes it all). */
static int ods_open(xmlTextWriterPtr w)
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
  return rc;
}

static int ods_table_start(xmlTextWriterPtr w, const char *name)
{
  int rc = xmlTextWriterStartElement(w, BAD_CAST "table:table");
  return rc >= 0 ? xmlTextWriterWriteAttribute(w, BAD_CAST "table:name", BAD_CAST name) : rc;
}

/* What render_tables_ods writes: one sheet of titled tables. */
struct tables_sheet {
  const struct render_table *tables;
  size_t count;
  const char *sheet;
};

static int ods_content(xmlTextWriterPtr w, const void *ctx)
{
  const struct tables_sheet *t = ctx;
  int rc = ods_open(w);
  if (rc >= 0)
    rc = ods_table_start(w, t->sheet);
  if (rc >= 0)
    rc = ods_tables(w, t->tables, t->count);
  if (rc >= 0)
    rc = xmlTextWriterEndDocument(w); /* closes every open element */
  return rc;
}

/* A cell of a typed sheet: NULL is an empty cell, numbers float cells with their value. */
static int ods_typed_cell(xmlTextWriterPtr w, enum render_cell_type type, const char *text)
{
  if (type == RENDER_CELL_AUTO && text)
    return ods_cell(w, text);
  int rc = xmlTextWriterStartElement(w, BAD_CAST "table:table-cell");
  bool number = type == RENDER_CELL_NUMBER;
  if (rc >= 0 && text)
    rc = xmlTextWriterWriteAttribute(w, BAD_CAST "office:value-type",
                                     BAD_CAST(number ? "float" : "string"));
  if (rc >= 0 && text && number)
    rc = xmlTextWriterWriteAttribute(w, BAD_CAST "office:value", BAD_CAST text);
  if (rc >= 0 && text)
    rc = xmlTextWriterWriteElement(w, BAD_CAST "text:p", BAD_CAST text);
  return rc >= 0 ? xmlTextWriterEndElement(w) : rc;
}

/* One sheet: row 0 as text, the others typed by column. */
static int ods_sheet(xmlTextWriterPtr w, const struct render_sheet *s)
{
  const struct render_table *t = s->table;
  int rc = ods_table_start(w, s->name ? s->name : "Sheet1");
  for (size_t r = 0; rc >= 0 && r < t->rows; r++) {
    rc = xmlTextWriterStartElement(w, BAD_CAST "table:table-row");
    for (size_t c = 0; rc >= 0 && c < t->columns; c++)
      rc = ods_typed_cell(w, r && s->types ? s->types[c] : RENDER_CELL_TEXT,
                          t->cells[r * t->columns + c]);
    if (rc >= 0)
      rc = xmlTextWriterEndElement(w);
  }
  return rc >= 0 ? xmlTextWriterEndElement(w) : rc;
}

struct sheets {
  const struct render_sheet *sheets;
  size_t count;
};

static int sheets_content(xmlTextWriterPtr w, const void *ctx)
{
  const struct sheets *s = ctx;
  int rc = ods_open(w);
  for (size_t i = 0; rc >= 0 && i < s->count; i++)
    rc = ods_sheet(w, &s->sheets[i]);
  return rc >= 0 ? xmlTextWriterEndDocument(w) : rc;
}

/* The mimetype first and stored, as OpenDocument requires. */
static int ods_zip_write(const void *content, size_t content_len, struct buf *out)
{
  const struct render_package_entry entries[] = {
      {"mimetype", ODS_MIMETYPE, strlen(ODS_MIMETYPE), true},
      {"META-INF/manifest.xml", manifest_xml, strlen(manifest_xml), false},
      {"content.xml", content, content_len, false},
  };
  return render_package_write(entries, ARRAY_LEN(entries), out);
}

/* content.xml written by content(ctx), packaged into out. */
static int ods_write(int (*content)(xmlTextWriterPtr, const void *), const void *ctx,
                     struct buf *out)
{
  xmlBufferPtr xml = xmlBufferCreate();
  xmlTextWriterPtr w = xml ? xmlNewTextWriterMemory(xml, 0) : NULL;
  int rc = w ? content(w, ctx) : -1;
  if (w)
    xmlFreeTextWriter(w); /* flushes into xml */
  int st = rc < 0 || !xml ? ST_NOMEM
                          : ods_zip_write(xmlBufferContent(xml), (size_t)xmlBufferLength(xml), out);
  if (xml)
    xmlBufferFree(xml);
  return st;
}

int render_tables_ods(const struct render_table *tables, size_t count, const char *sheet,
                      struct buf *out)
{
  const struct tables_sheet t = {tables, count, sheet ? sheet : "Sheet1"};
  return ods_write(ods_content, &t, out);
}

int render_sheets_ods(const struct render_sheet *sheets, size_t count, struct buf *out)
{
  const struct sheets s = {sheets, count};
  return ods_write(sheets_content, &s, out);
}

/* ---- XLSX (Office Open XML, the minimal package: one sheet of inline strings and numbers) -- */

#define NS_SHEET "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_RELS  "http://schemas.openxmlformats.org/package/2006/relationships"
#define NS_DOCR  "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

static const char xlsx_types[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"rels\" "
    "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/"
    "vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
    "<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/"
    "vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/></Types>\n";
static const char xlsx_rels[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"" NS_RELS "\"><Relationship Id=\"rId1\" Type=\"" NS_DOCR
    "/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>\n";
static const char xlsx_workbook_rels[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"" NS_RELS "\"><Relationship Id=\"rId1\" Type=\"" NS_DOCR
    "/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>\n";

/* "A1"-style reference of a cell (column from 0, row from 1). */
static void cell_ref(size_t column, size_t row, char out[32])
{
  char letters[8];
  size_t n = 0;
  for (size_t c = column + 1; c > 0 && n < sizeof(letters); c = (c - 1) / 26)
    letters[n++] = (char)('A' + (c - 1) % 26);
  size_t k = 0;
  while (n > 0)
    out[k++] = letters[--n];
  snprintf(out + k, 32 - k, "%zu", row);
}

static int xlsx_cell(xmlTextWriterPtr w, size_t column, size_t row, const char *text)
{
  char ref[32];
  bool number = whole_number(text);
  cell_ref(column, row, ref);
  int rc = xmlTextWriterStartElement(w, BAD_CAST "c");
  if (rc >= 0)
    rc = xmlTextWriterWriteAttribute(w, BAD_CAST "r", BAD_CAST ref);
  if (rc >= 0 && !number)
    rc = xmlTextWriterWriteAttribute(w, BAD_CAST "t", BAD_CAST "inlineStr");
  if (rc >= 0 && number)
    rc = xmlTextWriterWriteElement(w, BAD_CAST "v", BAD_CAST text);
  if (rc >= 0 && !number)
    rc = xmlTextWriterStartElement(w, BAD_CAST "is");
  if (rc >= 0 && !number)
    rc = xmlTextWriterWriteElement(w, BAD_CAST "t", BAD_CAST text);
  if (rc >= 0 && !number)
    rc = xmlTextWriterEndElement(w);
  return rc >= 0 ? xmlTextWriterEndElement(w) : rc;
}

static int xlsx_row(xmlTextWriterPtr w, size_t row, const char *const *texts, size_t count)
{
  char number[24];
  snprintf(number, sizeof(number), "%zu", row);
  int rc = xmlTextWriterStartElement(w, BAD_CAST "row");
  if (rc >= 0)
    rc = xmlTextWriterWriteAttribute(w, BAD_CAST "r", BAD_CAST number);
  for (size_t i = 0; rc >= 0 && i < count; i++)
    if (texts[i] && *texts[i])
      rc = xlsx_cell(w, i, row, texts[i]);
  return rc >= 0 ? xmlTextWriterEndElement(w) : rc;
}

static int xlsx_sheet(xmlTextWriterPtr w, const struct render_table *tables, size_t count)
{
  size_t row = 1;
  int rc = xmlTextWriterStartDocument(w, "1.0", "UTF-8", "yes");
  if (rc >= 0)
    rc = xmlTextWriterStartElement(w, BAD_CAST "worksheet");
  if (rc >= 0)
    rc = xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns", BAD_CAST NS_SHEET);
  if (rc >= 0)
    rc = xmlTextWriterStartElement(w, BAD_CAST "sheetData");
  for (size_t i = 0; rc >= 0 && i < count; i++) {
    const struct render_table *t = &tables[i];
    const char *title = t->title ? t->title : "";
    rc = xlsx_row(w, row++, &title, 1);
    for (size_t r = 0; rc >= 0 && r < t->rows; r++)
      rc = xlsx_row(w, row++, t->cells + r * t->columns, t->columns);
    row++; /* an empty row between tables */
  }
  return rc >= 0 ? xmlTextWriterEndDocument(w) : rc;
}

static int xlsx_workbook(xmlTextWriterPtr w, const char *sheet)
{
  char name[32];
  snprintf(name, sizeof(name), "%s", sheet); /* sheet names have at most 31 characters */
  int rc = xmlTextWriterStartDocument(w, "1.0", "UTF-8", "yes");
  if (rc >= 0)
    rc = xmlTextWriterStartElement(w, BAD_CAST "workbook");
  if (rc >= 0)
    rc = xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns", BAD_CAST NS_SHEET);
  if (rc >= 0)
    rc = xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns:r", BAD_CAST NS_DOCR);
  if (rc >= 0)
    rc = xmlTextWriterStartElement(w, BAD_CAST "sheets");
  if (rc >= 0)
    rc = xmlTextWriterStartElement(w, BAD_CAST "sheet");
  if (rc >= 0)
    rc = xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST name);
  if (rc >= 0)
    rc = xmlTextWriterWriteAttribute(w, BAD_CAST "sheetId", BAD_CAST "1");
  if (rc >= 0)
    rc = xmlTextWriterWriteAttribute(w, BAD_CAST "r:id", BAD_CAST "rId1");
  return rc >= 0 ? xmlTextWriterEndDocument(w) : rc;
}

int render_tables_xlsx(const struct render_table *tables, size_t count, const char *sheet,
                       struct buf *out)
{
  xmlBufferPtr book = xmlBufferCreate(), data = xmlBufferCreate();
  xmlTextWriterPtr wb = book ? xmlNewTextWriterMemory(book, 0) : NULL;
  xmlTextWriterPtr ws = data ? xmlNewTextWriterMemory(data, 0) : NULL;
  int rc = wb && ws ? xlsx_workbook(wb, sheet && *sheet ? sheet : "Sheet1") : -1;
  if (rc >= 0)
    rc = xlsx_sheet(ws, tables, count);
  if (wb)
    xmlFreeTextWriter(wb);
  if (ws)
    xmlFreeTextWriter(ws);
  int st = ST_NOMEM;
  if (rc >= 0) {
    const struct render_package_entry entries[] = {
        {"[Content_Types].xml", xlsx_types, strlen(xlsx_types), false},
        {"_rels/.rels", xlsx_rels, strlen(xlsx_rels), false},
        {"xl/workbook.xml", xmlBufferContent(book), (size_t)xmlBufferLength(book), false},
        {"xl/_rels/workbook.xml.rels", xlsx_workbook_rels, strlen(xlsx_workbook_rels), false},
        {"xl/worksheets/sheet1.xml", xmlBufferContent(data), (size_t)xmlBufferLength(data), false},
    };
    st = render_package_write(entries, ARRAY_LEN(entries), out);
  }
  if (book)
    xmlBufferFree(book);
  if (data)
    xmlBufferFree(data);
  return st;
}
