/*
 * qr_test.c - QR codes as SVG (render/qr.h): the structure (viewBox with the quiet zone, one
 * path, role and title), the module count of a known version, escaping, and refusals.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "render/qr.h"
#include "base/common.h"

static size_t count(const char *haystack, const char *needle)
{
  size_t n = 0;
  for (const char *p = strstr(haystack, needle); p; p = strstr(p + 1, needle))
    n++;
  return n;
}

static void test_short_url_is_version_2(void **state)
{
  char *svg = NULL;
  size_t len = 0;
  int modules = 0;
  /* 20 bytes at level M need version 2 (capacity 26 bytes): 25 modules, 33 with the margin. */
  assert_int_equal(qr_svg("https://example.tw/a", &svg, &len, &modules), ST_OK);
  assert_int_equal(modules, 25);
  assert_int_equal(strlen(svg), len);
  assert_non_null(strstr(svg, "viewBox=\"0 0 33 33\""));
  assert_non_null(strstr(svg, "role=\"img\""));
  assert_non_null(strstr(svg, "<title>https://example.tw/a</title>"));
  assert_int_equal(count(svg, "<path"), 1);
  assert_true(strncmp(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39) == 0);
  /* The top-left finder pattern starts a run of 7 dark modules at the quiet zone's edge. */
  assert_non_null(strstr(svg, "M4 4h7v1h-7z"));
  free(svg);
}

static void test_version_1(void **state)
{
  char *svg = NULL;
  size_t len = 0;
  int modules = 0;
  assert_int_equal(qr_svg("HELLO", &svg, &len, &modules), ST_OK);
  assert_int_equal(modules, 21);
  assert_non_null(strstr(svg, "viewBox=\"0 0 29 29\""));
  free(svg);
}

static void test_title_is_escaped(void **state)
{
  char *svg = NULL;
  size_t len = 0;
  assert_int_equal(qr_svg("https://x.tw/?a=1&b=<2>\"", &svg, &len, NULL), ST_OK);
  assert_non_null(strstr(svg, "<title>https://x.tw/?a=1&amp;b=&lt;2&gt;&quot;</title>"));
  free(svg);
}

static void test_refusals(void **state)
{
  char *svg = NULL;
  size_t len = 0;
  char long_text[QR_TEXT_MAX + 2];
  memset(long_text, 'a', sizeof(long_text) - 1);
  long_text[sizeof(long_text) - 1] = '\0';
  assert_int_equal(qr_svg(long_text, &svg, &len, NULL), ST_LIMIT);
  assert_int_equal(qr_svg("", &svg, &len, NULL), ST_INVALID);
  assert_int_equal(qr_svg(NULL, &svg, &len, NULL), ST_INVALID);
  long_text[QR_TEXT_MAX] = '\0'; /* exactly the limit is accepted */
  assert_int_equal(qr_svg(long_text, &svg, &len, NULL), ST_OK);
  free(svg);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_short_url_is_version_2),
      cmocka_unit_test(test_version_1),
      cmocka_unit_test(test_title_is_escaped),
      cmocka_unit_test(test_refusals),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
