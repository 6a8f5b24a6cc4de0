/*
 * odf_test.c - the OpenDocument writers of render/ (table.h, odt.h): every package is a zip
 * whose first entry is the stored "mimetype"; render_sheets_ods writes one sheet per table with
 * the header as text, numbers (decimals too) as float cells carrying their value, NULL cells
 * empty and text cells as strings; render_tables_ods still writes whole numbers as numbers and
 * the rest as text; render_odt writes headings and named tables whose first row is the header.
 * content.xml is read back with libxml2's XPath, not compared as bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <zip.h>

#include "base/buf.h"
#include "render/odt.h"
#include "render/table.h"

#include "base/common.h"

struct package {
  zip_t *zip;
  xmlDocPtr content;
};

/* Opens the package in b: checks the mimetype entry (first, stored, the type) and parses
 * content.xml. */
static void open_package(const struct buf *b, const char *mimetype, struct package *p)
{
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t *src = zip_source_buffer_create(b->data, b->len, 0, &error);
  p->zip = src ? zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &error) : NULL;
  if (!p->zip)
    fail_msg("not a zip: %s", zip_error_strerror(&error));
  assert_string_equal(zip_get_name(p->zip, 0, 0), "mimetype");
  zip_stat_t st;
  assert_int_equal(zip_stat_index(p->zip, 0, 0, &st), 0);
  assert_int_equal(st.comp_method, ZIP_CM_STORE);
  char type[128] = "";
  zip_file_t *f = zip_fopen_index(p->zip, 0, 0);
  assert_non_null(f);
  assert_true(zip_fread(f, type, sizeof(type) - 1) > 0);
  zip_fclose(f);
  assert_string_equal(type, mimetype);
  assert_int_equal(zip_stat(p->zip, "content.xml", 0, &st), 0);
  char *xml = malloc(st.size + 1);
  f = zip_fopen(p->zip, "content.xml", 0);
  assert_true(xml && f && zip_fread(f, xml, st.size) == (zip_int64_t)st.size);
  zip_fclose(f);
  p->content = xmlReadMemory(xml, (int)st.size, "content.xml", NULL, XML_PARSE_NONET);
  free(xml);
  assert_non_null(p->content);
  assert_true(zip_name_locate(p->zip, "META-INF/manifest.xml", 0) >= 0);
}

static void close_package(struct package *p)
{
  xmlFreeDoc(p->content);
  zip_discard(p->zip);
}

/* The string value of an XPath expression over content.xml (malloc'd). */
static char *xpath(const struct package *p, const char *expr)
{
  xmlXPathContextPtr ctx = xmlXPathNewContext(p->content);
  xmlXPathRegisterNs(ctx, BAD_CAST "table",
                     BAD_CAST "urn:oasis:names:tc:opendocument:xmlns:table:1.0");
  xmlXPathRegisterNs(ctx, BAD_CAST "text",
                     BAD_CAST "urn:oasis:names:tc:opendocument:xmlns:text:1.0");
  xmlXPathRegisterNs(ctx, BAD_CAST "office",
                     BAD_CAST "urn:oasis:names:tc:opendocument:xmlns:office:1.0");
  char wrapped[512];
  snprintf(wrapped, sizeof(wrapped), "string(%s)", expr);
  xmlXPathObjectPtr r = xmlXPathEvalExpression(BAD_CAST wrapped, ctx);
  char *out = strdup(r && r->stringval ? (const char *)r->stringval : "");
  xmlXPathFreeObject(r);
  xmlXPathFreeContext(ctx);
  return out;
}

static void expect_xpath(const struct package *p, const char *expr, const char *expected)
{
  char *got = xpath(p, expr);
  if (strcmp(got, expected) != 0)
    fail_msg("%s: expected \"%s\", got \"%s\"", expr, expected, got);
  free(got);
}

static void test_sheets_typed_cells_and_about(void **state)
{
  (void)state;
  const char *data_cells[] = {"month",   "service",      "median", "count", /* header */
                              "2026-03", "買賣移轉登記", "2.5",    "12",
                              "2026-04", "抵押權設定",   NULL,     "0"};
  const enum render_cell_type types[] = {RENDER_CELL_TEXT, RENDER_CELL_TEXT, RENDER_CELL_NUMBER,
                                         RENDER_CELL_NUMBER};
  const char *about_cells[] = {"dataset", "case-statistics", "license", "政府資料開放授權條款"};
  const struct render_table data = {"case-statistics", 4, 3, data_cells};
  const struct render_table about = {"about", 2, 2, about_cells};
  const struct render_sheet sheets[] = {{"case-statistics", &data, types}, {"about", &about, NULL}};
  struct buf b;
  buf_init(&b, RENDER_TABLE_MAX_BYTES);
  assert_int_equal(render_sheets_ods(sheets, ARRAY_LEN(sheets), &b), ST_OK);
  struct package p;
  open_package(&b, "application/vnd.oasis.opendocument.spreadsheet", &p);
  expect_xpath(&p, "count(//table:table)", "2");
  expect_xpath(&p, "(//table:table)[1]/@table:name", "case-statistics");
  expect_xpath(&p, "(//table:table)[2]/@table:name", "about");
  /* the header is text, even above number columns */
  expect_xpath(&p, "(//table:table)[1]/table:table-row[1]/table:table-cell[3]/@office:value-type",
               "string");
  expect_xpath(&p, "(//table:table)[1]/table:table-row[2]/table:table-cell[3]/@office:value-type",
               "float");
  expect_xpath(&p, "(//table:table)[1]/table:table-row[2]/table:table-cell[3]/@office:value",
               "2.5");
  expect_xpath(&p, "(//table:table)[1]/table:table-row[2]/table:table-cell[2]", "買賣移轉登記");
  expect_xpath(&p, "(//table:table)[1]/table:table-row[2]/table:table-cell[2]/@office:value-type",
               "string");
  /* a NULL cell is empty: no type, no text; zero is a number */
  expect_xpath(
      &p, "count((//table:table)[1]/table:table-row[3]/table:table-cell[3]/@office:value-type)",
      "0");
  expect_xpath(&p, "(//table:table)[1]/table:table-row[3]/table:table-cell[4]/@office:value", "0");
  expect_xpath(&p, "count((//table:table)[1]/table:table-row)", "3");
  expect_xpath(&p, "(//table:table)[2]/table:table-row[2]/table:table-cell[2]",
               "政府資料開放授權條款");
  close_package(&p);
  buf_free(&b);
}

static void test_tables_ods_keeps_its_layout(void **state)
{
  (void)state;
  const char *cells[] = {"unit", "answers", "登記課", "7", "測量課", "3.5"};
  const struct render_table t = {"by unit", 2, 3, cells};
  struct buf b;
  buf_init(&b, RENDER_TABLE_MAX_BYTES);
  assert_int_equal(render_tables_ods(&t, 1, "results", &b), ST_OK);
  struct package p;
  open_package(&b, "application/vnd.oasis.opendocument.spreadsheet", &p);
  expect_xpath(&p, "count(//table:table)", "1");
  expect_xpath(&p, "//table:table/@table:name", "results");
  expect_xpath(&p, "//table:table/table:table-row[1]/table:table-cell[1]", "by unit");
  expect_xpath(&p, "//table:table/table:table-row[3]/table:table-cell[2]/@office:value", "7");
  /* not a whole number: text */
  expect_xpath(&p, "//table:table/table:table-row[4]/table:table-cell[2]/@office:value-type",
               "string");
  close_package(&p);
  buf_free(&b);
}

static void test_odt_headings_and_tables(void **state)
{
  (void)state;
  const char *cells[] = {"工作重點",         "完成度", "佐證資料", "案件如期完成", "40%", "sop.pdf",
                         "會同地點 QR code", "0%",     "－"};
  const struct render_table t = {"item1", 3, 3, cells};
  const struct render_odt_block blocks[] = {
      {RENDER_ODT_HEADING, 1, "新興地政事務所 115 年度提升服務計畫執行成果", NULL},
      {RENDER_ODT_PARAGRAPH, 0, "說明 & <備註>", NULL},
      {RENDER_ODT_TABLE, 0, NULL, &t},
  };
  struct buf b;
  buf_init(&b, RENDER_ODT_MAX_BYTES);
  assert_int_equal(render_odt(blocks, ARRAY_LEN(blocks), &b), ST_OK);
  struct package p;
  open_package(&b, "application/vnd.oasis.opendocument.text", &p);
  expect_xpath(&p, "//text:h[@text:outline-level='1']",
               "新興地政事務所 115 年度提升服務計畫執行成果");
  expect_xpath(&p, "//office:text/text:p", "說明 & <備註>");
  expect_xpath(&p,
               "//table:table[@table:name='item1']/table:table-column/"
               "@table:number-columns-repeated",
               "3");
  expect_xpath(&p,
               "//table:table[@table:name='item1']/table:table-header-rows/table:table-row/"
               "table:table-cell[3]",
               "佐證資料");
  expect_xpath(&p, "count(//table:table[@table:name='item1']/table:table-row)", "2");
  expect_xpath(&p, "//table:table[@table:name='item1']/table:table-row[1]/table:table-cell[3]",
               "sop.pdf");
  close_package(&p);
  buf_free(&b);
}

/* A limit too small for the package is a refusal, not a truncated file. */
static void test_limit_refused(void **state)
{
  (void)state;
  const char *cells[] = {"a", "b"};
  const struct render_table t = {"t", 1, 2, cells};
  const struct render_odt_block blocks[] = {{RENDER_ODT_TABLE, 0, NULL, &t}};
  struct buf b;
  buf_init(&b, 64);
  assert_int_not_equal(render_odt(blocks, ARRAY_LEN(blocks), &b), ST_OK);
  buf_free(&b);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sheets_typed_cells_and_about),
      cmocka_unit_test(test_tables_ods_keeps_its_layout),
      cmocka_unit_test(test_odt_headings_and_tables),
      cmocka_unit_test(test_limit_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
