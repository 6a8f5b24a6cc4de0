/*
 * parcels_large_test.c - `bianmin parcels-import` of a large file (1,000,000 rows in the
 * optimised builds, 100,000 under ASan+UBSan, where a million takes about a minute;
 * BIANMIN_LARGE_IMPORT_ROWS sets another count) in bounded memory: every row is imported and
 * the child's peak resident set size (wait4's ru_maxrss) stays under LARGE_IMPORT_RSS_MAX_KB.
 * This is a memory bound, not a time bound. Under ASan the child runs with a small
 * quarantine, which otherwise holds up to 256 MiB of freed memory on purpose.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"
#include "store/store.h"

#ifdef BIANMIN_SANITIZED
#define DEFAULT_ROWS 100000L
#else
#define DEFAULT_ROWS 1000000L
#endif
#define LARGE_IMPORT_RSS_MAX_KB (64L * 1024) /* 64 MiB */
#define ROWS_PER_SECTION        10000L

static struct server server;

static int setup(void **state)
{
  return server_start(&server, NULL) ? -1 : 0;
}

static int teardown(void **state)
{
  return server_stop(&server) == 0 ? 0 : -1;
}

static long rows_wanted(void)
{
  const char *env = getenv("BIANMIN_LARGE_IMPORT_ROWS");
  long n = env ? strtol(env, NULL, 10) : DEFAULT_ROWS;
  return n > 0 ? n : DEFAULT_ROWS;
}

/* Sections 0100.., 10,000 parcels each ("1-0" .. "1000-9"), one year of values per parcel. */
static void write_rows(const char *path, long rows)
{
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs("section_code,section_name,number,area_m2,year,current_value,land_value,previous_value,"
        "previous_date\n",
        f);
  for (long i = 0; i < rows; i++) {
    long section = 100 + i / ROWS_PER_SECTION, j = i % ROWS_PER_SECTION;
    fprintf(f, "%04ld,%s,%ld-%ld,%ld.25,2026,%ld,%ld,900,2001-02-03\n", section,
            j == 0 ? "測試大段" : "", j / 10 + 1, j % 10, i % 9000 + 10, 1000 + i % 5000,
            100 + i % 700);
  }
  assert_int_equal(fclose(f), 0);
}

static int64_t parcel_count(const char *slug)
{
  struct store *store;
  json_t *office, *counts;
  char err[256];
  assert_int_equal(store_open(server.db, &store, err, sizeof(err)), 0);
  assert_int_equal(store_office_get(store, slug, &office), 0);
  assert_int_equal(
      store_parcel_counts(store, json_integer_value(json_object_get(office, "id")), &counts), 0);
  int64_t n = json_integer_value(json_object_get(counts, "parcels"));
  json_decref(counts);
  json_decref(office);
  store_close(store);
  return n;
}

static void test_large_import_in_bounded_memory(void **state)
{
  long rows = rows_wanted(), rss_kb = 0;
  char path[400], *out = NULL, summary[128];
  snprintf(path, sizeof(path), "%s/large.csv", server.dir);
  write_rows(path, rows);
  int64_t before = parcel_count("anle");
  const char *args[] = {"parcels-import", "--office", "anle", "--progress", path, NULL};
  const char *env[] = {"ASAN_OPTIONS=quarantine_size_mb=8:thread_local_quarantine_size_kb=64",
                       NULL};
  int status = server_cli_capture(&server, args, env, &out, &rss_kb);
  if (status != 0)
    fail_msg("parcels-import exited %d:\n%.3000s", status, out ? out : "");
  snprintf(summary, sizeof(summary), "%ld rows read, 0 bad (0 problems), %ld imported", rows, rows);
  if (!strstr(out, summary))
    fail_msg("expected \"%s\" in:\n%.3000s", summary, out);
  assert_non_null(strstr(out, "rows/s")); /* --progress lines */
  free(out);
  assert_int_equal(parcel_count("anle") - before, rows);
  printf("imported %ld rows; peak resident set size %ld KiB (bound %ld KiB)\n", rows, rss_kb,
         LARGE_IMPORT_RSS_MAX_KB);
  assert_true(rss_kb > 0);
  assert_true(rss_kb < LARGE_IMPORT_RSS_MAX_KB);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_large_import_in_bounded_memory),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
