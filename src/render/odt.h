/*
 * odt.h - OpenDocument Text (ODT) from a document given as data: headings, paragraphs and
 * tables of text cells (render/table.h's struct render_table: row 0 is the header row, the
 * title is the table's name), in order. The package is written as OpenDocument requires
 * (libzip: the stored "mimetype" entry first, then content.xml written with libxml2's
 * xmlwriter, styles.xml, meta.xml and META-INF/manifest.xml).
 *
 * render_odt_pdf converts an ODT to PDF with LibreOffice headless (`soffice --headless
 * --convert-to pdf`, Debian libreoffice-writer-nogui) in a private temporary directory with its
 * own profile (two conversions at once must not share one), removed afterwards; ST_IO when
 * soffice is not installed or the conversion fails.
 */
#ifndef BIANMIN_RENDER_ODT_H
#define BIANMIN_RENDER_ODT_H

#include <stddef.h>

#include "render/table.h"

struct buf;

enum render_odt_kind { RENDER_ODT_HEADING, RENDER_ODT_PARAGRAPH, RENDER_ODT_TABLE };

struct render_odt_block {
  enum render_odt_kind kind;
  int level;                        /* a heading's outline level, 1..3 */
  const char *text;                 /* a heading's or paragraph's text */
  const struct render_table *table; /* a table (its title is the table:name) */
};

enum { RENDER_ODT_MAX_BYTES = 32 * 1024 * 1024 };

int render_odt(const struct render_odt_block *blocks, size_t count, struct buf *out);
int render_odt_pdf(const void *odt, size_t len, struct buf *out);

#endif
