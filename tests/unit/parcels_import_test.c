/*
 * parcels_import_test.c - the streaming CSV reader (RFC 4180 quoting, BOM, CRLF, blank lines,
 * malformed records with their line numbers, tiny reads), the parcel text forms (section
 * codes, numbers, buildings, addresses, dates, years) and the import on a fresh SQLite store:
 * a good file, a file with bad rows (nothing imported, every bad row reported), --skip-bad.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "domain/land/csv.h"
#include "domain/land/parcels.h"
#include "store/store.h"
#include "base/common.h"

static const struct civil_date today = {2026, 3, 2};

/* ---- CSV ---- */

/* Reads one byte at a time, to cross every buffer boundary. */
static int read_one_byte(void *ctx, char *buf, size_t size, size_t *got)
{
  return csv_read_memory(ctx, buf, size ? 1 : 0, got);
}

struct parsed {
  int status[16];
  long line[16];
  size_t count[16];
  char text[16][8][32];
  enum csv_err error[16];
  int n;
};

static void parse(const char *text, bool tiny_reads, struct parsed *p)
{
  struct csv_memory m = {text, strlen(text), 0};
  struct csv_reader *r = csv_open(tiny_reads ? read_one_byte : csv_read_memory, &m);
  struct csv_record rec;
  assert_non_null(r);
  memset(p, 0, sizeof(*p));
  for (int rc; p->n < 16 && (rc = csv_next(r, &rec)) != ST_NOTFOUND; p->n++) {
    p->status[p->n] = rc;
    p->line[p->n] = rec.line;
    p->count[p->n] = rc == ST_OK ? rec.count : 0;
    p->error[p->n] = rec.error;
    for (size_t i = 0; rc == ST_OK && i < rec.count && i < 8; i++)
      snprintf(p->text[p->n][i], sizeof(p->text[p->n][i]), "%s", rec.fields[i]);
  }
  csv_close(r);
}

static void test_csv_quoting_bom_crlf(void **state)
{
  static const char text[] = "\xEF\xBB\xBF"
                             "a,b,c\r\n"
                             "\"x, y\",\"say \"\"hi\"\"\",\r\n"
                             "\r\n"
                             "\"two\nlines\",2,3\n"
                             "last,,\"\"";
  for (int tiny = 0; tiny < 2; tiny++) {
    struct parsed p;
    parse(text, tiny, &p);
    assert_int_equal(p.n, 4);
    assert_string_equal(p.text[0][0], "a"); /* the BOM is gone */
    assert_int_equal(p.count[1], 3);
    assert_string_equal(p.text[1][0], "x, y");
    assert_string_equal(p.text[1][1], "say \"hi\"");
    assert_string_equal(p.text[1][2], "");
    assert_int_equal(p.line[2], 4); /* the blank line 3 is skipped */
    assert_string_equal(p.text[2][0], "two\nlines");
    assert_int_equal(p.line[3], 6);
    assert_int_equal(p.count[3], 3);
  }
}

static void test_csv_bad_records_are_reported_and_skipped(void **state)
{
  struct parsed p;
  parse("a,b\nx\"y,1\n\"ok\",2\n\"q\"z,3\n4,5\n\"open,6\n7,8\n", false, &p);
  assert_int_equal(p.n, 6);
  assert_int_equal(p.status[1], ST_INVALID);
  assert_int_equal(p.error[1], CSV_ERR_QUOTE);
  assert_int_equal(p.line[1], 2);
  assert_int_equal(p.status[2], ST_OK);
  assert_int_equal(p.status[3], ST_INVALID);
  assert_int_equal(p.line[3], 4);
  assert_string_equal(p.text[4][0], "4");
  assert_int_equal(p.status[5], ST_INVALID); /* the quote never closes */
  assert_int_equal(p.error[5], CSV_ERR_UNTERMINATED);
  assert_int_equal(p.line[5], 6);
}

static void test_csv_limits_and_encoding(void **state)
{
  char text[CSV_RECORD_MAX + 64];
  memset(text, 'x', sizeof(text) - 8);
  memcpy(text + sizeof(text) - 8, "\nok,1\n", 7);
  struct parsed p;
  parse(text, false, &p);
  assert_int_equal(p.n, 2);
  assert_int_equal(p.error[0], CSV_ERR_TOO_LONG);
  assert_int_equal(p.status[1], ST_OK);
  parse("1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,"
        "33\nok\n",
        false, &p);
  assert_int_equal(p.error[0], CSV_ERR_TOO_MANY_FIELDS);
  assert_int_equal(p.status[1], ST_OK);
  parse("\xff\xfe,1\nok\n", false, &p);
  assert_int_equal(p.error[0], CSV_ERR_ENCODING);
  parse("", false, &p);
  assert_int_equal(p.n, 0);
}

/* ---- text forms ---- */

static void test_parcel_text_forms(void **state)
{
  char code[PARCEL_SECTION_CODE_SIZE], number[PARCEL_NUMBER_SIZE], shown[PARCEL_NUMBER_SIZE];
  char building[PARCEL_BUILDING_SIZE];
  assert_int_equal(parcel_section_code_normalize(" 12 ", code), ST_OK);
  assert_string_equal(code, "0012");
  assert_int_equal(parcel_section_code_normalize("12345", code), ST_INVALID);
  assert_int_equal(parcel_section_code_normalize("1a", code), ST_INVALID);
  assert_int_equal(parcel_number_normalize("123-4", number), ST_OK);
  assert_string_equal(number, "0123-0004");
  assert_int_equal(parcel_number_normalize("123", number), ST_OK);
  assert_string_equal(number, "0123-0000");
  const char *bad[] = {"", "-", "1-", "-1", "12345", "1-12345", "1-2-3", "a", "1 2"};
  for (size_t i = 0; i < ARRAY_LEN(bad); i++)
    assert_int_equal(parcel_number_normalize(bad[i], number), ST_INVALID);
  parcel_number_display("0123-0004", shown);
  assert_string_equal(shown, "123-4");
  parcel_number_display("0100-0000", shown);
  assert_string_equal(shown, "100");
  assert_int_equal(parcel_building_normalize("512-1", building), ST_OK);
  assert_string_equal(building, "00512-001");
  parcel_building_display(building, shown);
  assert_string_equal(shown, "512-1");
}

static void test_address_key_dates_years(void **state)
{
  struct arena *a = arena_new(1 << 16);
  assert_string_equal(parcel_address_key(a, "高雄市 新興區 南台路１２號"),
                      parcel_address_key(a, "高雄市新興區南臺路12號"));
  assert_string_equal(parcel_address_key(a, "ABC路"), "abc路");
  arena_free(a);
  struct civil_date d;
  assert_int_equal(parcel_date_parse("108/05/20", &d), ST_OK);
  assert_int_equal(d.year, 2019);
  assert_int_equal(parcel_date_parse("2019-05-20", &d), ST_OK);
  assert_int_equal(d.day, 20);
  assert_int_equal(parcel_date_parse("108/02/30", &d), ST_INVALID);
  assert_int_equal(parcel_date_parse("2019/05", &d), ST_INVALID);
  int year;
  assert_int_equal(parcel_year_parse("113", 2027, &year), ST_OK);
  assert_int_equal(year, 2024);
  assert_int_equal(parcel_year_parse("2027", 2027, &year), ST_OK);
  assert_int_equal(parcel_year_parse("2028", 2027, &year), ST_INVALID);
  assert_int_equal(parcel_year_parse("1900", 2027, &year), ST_INVALID);
}

/* ---- the import ---- */

struct problems {
  char lines[64][96];
  int n;
};

static void collect(void *ctx, const struct parcel_import_problem *p)
{
  struct problems *all = ctx;
  if (all->n < 64)
    snprintf(all->lines[all->n++], sizeof(all->lines[0]), "%ld %s %s", p->line,
             p->column ? p->column : "-", p->reason_key);
}

static bool reported(const struct problems *all, const char *line)
{
  for (int i = 0; i < all->n; i++)
    if (strcmp(all->lines[i], line) == 0)
      return true;
  return false;
}

static char temp_dir[256];

static int setup_store(void **state)
{
  char path[320], err[256];
  struct store *store;
  static int counter;
  snprintf(path, sizeof(path), "%s/t%d.db", temp_dir, ++counter);
  if (store_open(path, &store, err, sizeof(err)) || store_migrate(store, NULL))
    return -1;
  json_t *office =
      json_pack("{s:s, s:s, s:s}", "slug", "land", "name_zh", "測試地政事務所", "kind", "land");
  int64_t id;
  int rc = store_office_put(store, office, &id);
  json_decref(office);
  *state = store;
  return rc ? -1 : 0;
}

static int teardown_store(void **state)
{
  store_close(*state);
  return 0;
}

static int run_import(struct store *store, const char *text, enum parcel_import_kind kind,
                      bool skip_bad, struct problems *problems, struct parcel_import_stats *stats)
{
  struct csv_memory m = {text, strlen(text), 0};
  struct parcel_import_options o = {1,  kind,    skip_bad, today,   csv_read_memory,
                                    &m, collect, NULL,     problems};
  memset(problems, 0, sizeof(*problems));
  return parcel_import(store, &o, stats);
}

static int64_t count(struct store *store, const char *what)
{
  json_t *c;
  assert_int_equal(store_parcel_counts(store, 1, &c), ST_OK);
  int64_t n = json_integer_value(json_object_get(c, what));
  json_decref(c);
  return n;
}

static const char good[] =
    "地段代碼,地段名稱,地號,面積,年度,公告土地現值,公告地價,前次移轉現值,前次移轉日期\n"
    "1,東門段,1,100.5,114,\"10,000\",2000,3000,90/01/02\n"
    "1,,1,100.5,115,11000,2100,3000,90/01/02\n"
    "0001,,２-３,5,2026,10,1,,\n";

static void test_import_good_file_twice(void **state)
{
  struct store *store = *state;
  struct problems problems;
  struct parcel_import_stats stats;
  assert_int_equal(run_import(store, good, PARCEL_IMPORT_PARCELS, false, &problems, &stats), ST_OK);
  assert_int_equal(problems.n, 0);
  assert_int_equal(stats.rows, 3);
  assert_int_equal(stats.written, 3);
  assert_int_equal(count(store, "sections"), 1);
  assert_int_equal(count(store, "parcels"), 2);
  assert_int_equal(count(store, "values"), 3);
  json_t *parcel;
  assert_int_equal(store_parcel_get(store, 1, "0001", "0001-0000", &parcel), ST_OK);
  assert_string_equal(json_string_value(json_object_get(parcel, "area_m2")), "100.5");
  assert_string_equal(json_string_value(json_object_get(parcel, "previous_date")), "2001-01-02");
  json_t *latest = json_array_get(json_object_get(parcel, "values"), 0);
  assert_int_equal(json_integer_value(json_object_get(latest, "year")), 2026);
  assert_int_equal(json_integer_value(json_object_get(latest, "current_value")), 11000);
  json_decref(parcel);
  assert_int_equal(run_import(store, good, PARCEL_IMPORT_PARCELS, false, &problems, &stats), ST_OK);
  assert_int_equal(count(store, "parcels"), 2);
  assert_int_equal(count(store, "values"), 3);
}

static const char bad[] = "section_code,section_name,number,area_m2,year,current_value,land_value\n"
                          "2,西門段,1,10,2026,1,1\n" /* 2 good */
                          "2,,1-a,-1,2026,1,1\n"     /* 3 number, area_m2 */
                          "3,,1,10,2026,1,1\n"       /* 4 section_code (unknown) */
                          "2,,2,10,3000,x,1\n"       /* 5 year, current_value */
                          "2,,3,10.123,2026,1,1,9\n" /* 6 columns */
                          "2,,4,10,2026,1,1\n";      /* 7 good */

static void test_import_bad_rows(void **state)
{
  struct store *store = *state;
  struct problems problems;
  struct parcel_import_stats stats;
  assert_int_equal(run_import(store, bad, PARCEL_IMPORT_PARCELS, false, &problems, &stats),
                   ST_INVALID);
  assert_int_equal(stats.rows, 6);
  assert_int_equal(stats.bad_rows, 4);
  assert_int_equal(stats.written, 0);
  assert_true(reported(&problems, "3 number parcel_err_number"));
  assert_true(reported(&problems, "3 area_m2 parcel_err_area"));
  assert_true(reported(&problems, "4 section_code parcel_err_section_unknown"));
  assert_true(reported(&problems, "5 year parcel_err_year"));
  assert_true(reported(&problems, "5 current_value parcel_err_value"));
  assert_true(reported(&problems, "6 - parcel_err_columns"));
  assert_int_equal(problems.n, 6);
  assert_int_equal(count(store, "sections"), 0); /* nothing, not even the section */
  assert_int_equal(count(store, "parcels"), 0);

  assert_int_equal(run_import(store, bad, PARCEL_IMPORT_PARCELS, true, &problems, &stats), ST_OK);
  assert_int_equal(stats.written, 2);
  assert_int_equal(count(store, "parcels"), 2);
}

static void test_import_resurvey_and_addresses(void **state)
{
  struct store *store = *state;
  struct problems problems;
  struct parcel_import_stats stats;
  assert_int_equal(run_import(store, good, PARCEL_IMPORT_PARCELS, false, &problems, &stats), ST_OK);
  assert_int_equal(run_import(store,
                              "old_section_code,old_section_name,old_number,new_section_code,"
                              "new_number\n901,舊段,77-1,1,1\n902,,1,9,1\n",
                              PARCEL_IMPORT_RESURVEY, false, &problems, &stats),
                   ST_INVALID);
  assert_true(reported(&problems, "3 old_section_name parcel_err_missing"));
  assert_true(reported(&problems, "3 new_section_code parcel_err_section_unknown"));
  assert_int_equal(run_import(store,
                              "old_section_code,old_section_name,old_number,new_section_code,"
                              "new_number\n901,舊段,77-1,1,1\n",
                              PARCEL_IMPORT_RESURVEY, false, &problems, &stats),
                   ST_OK);
  json_t *m;
  assert_int_equal(store_resurvey_find(store, 1, "0901", "0077-0001", &m), ST_OK);
  assert_string_equal(json_string_value(json_object_get(m, "new_section_name_zh")), "東門段");
  json_decref(m);
  assert_int_equal(run_import(store,
                              "address,section_code,number,building_number\n"
                              "新竹市東區東門街 1 號,1,1,12-3\n新竹市東區東門街2號,1,1,x\n",
                              PARCEL_IMPORT_ADDRESSES, true, &problems, &stats),
                   ST_OK);
  assert_true(reported(&problems, "3 building_number parcel_err_building"));
  json_t *rows;
  assert_int_equal(store_address_find(store, 1, "東門街1號", 10, &rows), ST_OK);
  assert_int_equal(json_array_size(rows), 1);
  assert_string_equal(
      json_string_value(json_object_get(json_array_get(rows, 0), "building_number")), "00012-003");
  json_decref(rows);
}

static void test_import_header_problems(void **state)
{
  struct store *store = *state;
  struct problems problems;
  struct parcel_import_stats stats;
  assert_int_equal(run_import(store, "", PARCEL_IMPORT_PARCELS, false, &problems, &stats),
                   ST_INVALID);
  assert_true(reported(&problems, "0 - parcel_err_empty_file"));
  assert_int_equal(run_import(store, "section_code,number,number,bogus\n", PARCEL_IMPORT_PARCELS,
                              true, &problems, &stats),
                   ST_INVALID);
  assert_true(reported(&problems, "1 number parcel_err_header_duplicate"));
  assert_true(reported(&problems, "1 bogus parcel_err_header_unknown"));
  assert_true(reported(&problems, "1 area_m2 parcel_err_header_missing"));
}

int main(void)
{
  snprintf(temp_dir, sizeof(temp_dir), "/tmp/bianmin-parcels-XXXXXX");
  if (!mkdtemp(temp_dir))
    return 1;
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_csv_quoting_bom_crlf),
      cmocka_unit_test(test_csv_bad_records_are_reported_and_skipped),
      cmocka_unit_test(test_csv_limits_and_encoding),
      cmocka_unit_test(test_parcel_text_forms),
      cmocka_unit_test(test_address_key_dates_years),
      cmocka_unit_test_setup_teardown(test_import_good_file_twice, setup_store, teardown_store),
      cmocka_unit_test_setup_teardown(test_import_bad_rows, setup_store, teardown_store),
      cmocka_unit_test_setup_teardown(test_import_resurvey_and_addresses, setup_store,
                                      teardown_store),
      cmocka_unit_test_setup_teardown(test_import_header_problems, setup_store, teardown_store),
  };
  int failed = cmocka_run_group_tests(tests, NULL, NULL);
  char cmd[300];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", temp_dir);
  if (system(cmd) != 0)
    fprintf(stderr, "could not remove %s\n", temp_dir);
  return failed;
}
