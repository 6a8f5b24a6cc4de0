/*
 * str_test.c - base/str.h: hex digits and hex text to bytes (the form decoder and the stores'
 * blob reading share them).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/common.h"
#include "base/str.h"

static void test_hex_value(void **state)
{
  assert_int_equal(str_hex_value('0'), 0);
  assert_int_equal(str_hex_value('9'), 9);
  assert_int_equal(str_hex_value('a'), 10);
  assert_int_equal(str_hex_value('F'), 15);
  assert_int_equal(str_hex_value('g'), -1);
  assert_int_equal(str_hex_value('\0'), -1);
}

static void test_unhex(void **state)
{
  unsigned char *bytes = NULL;
  size_t len = 0;
  assert_int_equal(str_unhex("00ff7A", &bytes, &len), ST_OK);
  assert_int_equal(len, 3);
  assert_memory_equal(bytes, "\x00\xff\x7a", 3);
  free(bytes);
  assert_int_equal(str_unhex("", &bytes, &len), ST_OK);
  assert_int_equal(len, 0);
  free(bytes);
  bytes = NULL;
  assert_int_equal(str_unhex("abc", &bytes, &len), ST_INVALID); /* odd length */
  assert_int_equal(str_unhex("zz", &bytes, &len), ST_INVALID);
  assert_null(bytes);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hex_value),
      cmocka_unit_test(test_unhex),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
