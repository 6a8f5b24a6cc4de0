/*
 * odt.c - OpenDocument Text from blocks (odt.h): content.xml written with libxml2's
 * xmlwriter, the package by render/package.c.
 */
#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "render/odt.h"
#include "render/package.h"

#include "base/common.h"

#define NS_OFFICE "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
#define NS_TEXT   "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
#define NS_TABLE  "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
#define ODT_MIME  "application/vnd.oasis.opendocument.text"

static const char styles_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document-styles xmlns:office=\"" NS_OFFICE
    "\" office:version=\"1.3\"><office:styles/></office:document-styles>\n";
static const char meta_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document-meta xmlns:office=\"" NS_OFFICE
    "\" xmlns:meta=\"urn:oasis:names:tc:opendocument:xmlns:meta:1.0\" office:version=\"1.3\">"
    "<office:meta><meta:generator>bianmin</meta:generator></office:meta>"
    "</office:document-meta>\n";
static const char manifest_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<manifest:manifest "
    "xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" "
    "manifest:version=\"1.3\"><manifest:file-entry manifest:full-path=\"/\" "
    "manifest:version=\"1.3\" manifest:media-type=\"" ODT_MIME "\"/>"
    "<manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>"
    "<manifest:file-entry manifest:full-path=\"styles.xml\" manifest:media-type=\"text/xml\"/>"
    "<manifest:file-entry manifest:full-path=\"meta.xml\" manifest:media-type=\"text/xml\"/>"
    "</manifest:manifest>\n";

/* xmlwriter calls answer -1 on failure; any failure sticks in rc. */
struct odt {
  xmlTextWriterPtr w;
  int rc;
};

static void check(struct odt *o, int written)
{
  if (written < 0)
    o->rc = ST_NOMEM;
}

static void start(struct odt *o, const char *name)
{
  check(o, xmlTextWriterStartElement(o->w, BAD_CAST name));
}

static void attr(struct odt *o, const char *name, const char *value)
{
  check(o, xmlTextWriterWriteAttribute(o->w, BAD_CAST name, BAD_CAST(value ? value : "")));
}

static void end(struct odt *o)
{
  check(o, xmlTextWriterEndElement(o->w));
}

static void element(struct odt *o, const char *name, const char *text)
{
  check(o, xmlTextWriterWriteElement(o->w, BAD_CAST name, BAD_CAST(text ? text : "")));
}

static void heading(struct odt *o, int level, const char *text)
{
  start(o, "text:h");
  attr(o, "text:outline-level", level <= 1 ? "1" : level == 2 ? "2" : "3");
  check(o, xmlTextWriterWriteString(o->w, BAD_CAST(text ? text : "")));
  end(o);
}

static void row(struct odt *o, const char *const *cells, size_t n)
{
  start(o, "table:table-row");
  for (size_t i = 0; i < n; i++) {
    start(o, "table:table-cell");
    attr(o, "office:value-type", "string");
    element(o, "text:p", cells[i]);
    end(o);
  }
  end(o);
}

/* Row 0 as the header rows, the others as the body. */
static void table(struct odt *o, const struct render_table *t)
{
  char columns[24];
  snprintf(columns, sizeof(columns), "%zu", t->columns);
  start(o, "table:table");
  attr(o, "table:name", t->title);
  start(o, "table:table-column");
  attr(o, "table:number-columns-repeated", columns);
  end(o);
  if (t->rows) {
    start(o, "table:table-header-rows");
    row(o, t->cells, t->columns);
    end(o);
  }
  for (size_t r = 1; r < t->rows && !o->rc; r++)
    row(o, t->cells + r * t->columns, t->columns);
  end(o);
}

static void blocks(struct odt *o, const struct render_odt_block *b, size_t count)
{
  for (size_t i = 0; i < count && !o->rc; i++) {
    if (b[i].kind == RENDER_ODT_HEADING)
      heading(o, b[i].level, b[i].text);
    else if (b[i].kind == RENDER_ODT_PARAGRAPH)
      element(o, "text:p", b[i].text);
    else if (b[i].table)
      table(o, b[i].table);
  }
}

static int content_xml(const struct render_odt_block *b, size_t count, xmlBufferPtr buf)
{
  struct odt o = {xmlNewTextWriterMemory(buf, 0), ST_OK};
  if (!o.w)
    return ST_NOMEM;
  check(&o, xmlTextWriterStartDocument(o.w, NULL, "UTF-8", NULL));
  start(&o, "office:document-content");
  attr(&o, "xmlns:office", NS_OFFICE);
  attr(&o, "xmlns:text", NS_TEXT);
  attr(&o, "xmlns:table", NS_TABLE);
  attr(&o, "office:version", "1.3");
  start(&o, "office:body");
  start(&o, "office:text");
  blocks(&o, b, count);
  check(&o, xmlTextWriterEndDocument(o.w)); /* closes every open element */
  xmlFreeTextWriter(o.w);                   /* flushes into buf */
  return o.rc;
}

int render_odt(const struct render_odt_block *b, size_t count, struct buf *out)
{
  xmlBufferPtr content = xmlBufferCreate();
  int rc = content ? content_xml(b, count, content) : ST_NOMEM;
  if (!rc) {
    const struct render_package_entry entries[] = {
        {"mimetype", ODT_MIME, strlen(ODT_MIME), true},
        {"content.xml", xmlBufferContent(content), (size_t)xmlBufferLength(content), false},
        {"styles.xml", styles_xml, strlen(styles_xml), false},
        {"meta.xml", meta_xml, strlen(meta_xml), false},
        {"META-INF/manifest.xml", manifest_xml, strlen(manifest_xml), false},
    };
    rc = render_package_write(entries, ARRAY_LEN(entries), out);
  }
  if (content)
    xmlBufferFree(content);
  return rc;
}
