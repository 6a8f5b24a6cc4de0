/*
 * table.h - tables of text cells written as CSV (RFC 4180, UTF-8 with a byte-order mark so
 * spreadsheet programs read Chinese) or as an OpenDocument spreadsheet (ODS: a zip, written with
 * libzip, of content.xml written with libxml2's xmlTextWriter) or XLSX (the same way). The survey
 * results page and its exports are built from the same tables, so the numbers in a file are the
 * numbers on screen.
 */
#ifndef BIANMIN_RENDER_TABLE_H
#define BIANMIN_RENDER_TABLE_H

#include <stddef.h>

struct buf;

/* cells: rows x columns texts, row-major; row 0 is the header. NULL cells are empty. */
struct render_table {
  const char *title;
  size_t columns, rows;
  const char *const *cells;
};

enum { RENDER_TABLE_MAX_BYTES = 16 * 1024 * 1024 };

/* Each table as its title on a line, its rows, then an empty line. */
int render_tables_csv(const struct render_table *tables, size_t count, struct buf *out);
/* One sheet holding the tables one under another as in the CSV; a cell that is a whole number
 * is written as a number, every other cell as text. */
int render_tables_ods(const struct render_table *tables, size_t count, const char *sheet,
                      struct buf *out);

/* A column's cell type in render_sheets_ods: text, a number (a float cell carrying its value,
 * decimals too), or as render_tables_ods decides (whole numbers as numbers, the rest text). */
enum render_cell_type { RENDER_CELL_AUTO, RENDER_CELL_TEXT, RENDER_CELL_NUMBER };

/* A sheet of one table without a title row: row 0 (the header) as text, every other cell of
 * its column's type (types NULL: text); a NULL cell is an empty cell (no value type). */
struct render_sheet {
  const char *name;
  const struct render_table *table;
  const enum render_cell_type *types; /* one per column, or NULL */
};
/* An OpenDocument spreadsheet of several sheets, in order (the open data files: the data and
 * an "about" sheet). */
int render_sheets_ods(const struct render_sheet *sheets, size_t count, struct buf *out);

/* The same as an Office Open XML workbook (XLSX) of one sheet: text cells as inline strings,
 * whole numbers as numbers (no shared strings, no styles). */
int render_tables_xlsx(const struct render_table *tables, size_t count, const char *sheet,
                       struct buf *out);

#endif
