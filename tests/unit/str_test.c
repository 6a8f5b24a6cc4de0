/*
 * str_test.c - base/str.h: hex digits and hex text to bytes (the form decoder and the stores'
 * blob reading share them).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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

/* Every embedding, override and isolate control is refused, at any place; the marks and
 * their neighbours in the same UTF-8 block are not. */
static void test_bidi_controls(void **state)
{
  (void)state;
  static const char *const refused[] = {"\xE2\x80\xAA", "\xE2\x80\xAB", "\xE2\x80\xAC",
                                        "\xE2\x80\xAD", "\xE2\x80\xAE", "\xE2\x81\xA6",
                                        "\xE2\x81\xA7", "\xE2\x81\xA8", "\xE2\x81\xA9"};
  static const char *const allowed[] = {"\xE2\x80\x8E", "\xE2\x80\x8F", "\xD8\x9C",
                                        "\xE2\x80\xAF", "\xE2\x81\xA5", "\xE2\x81\xAA",
                                        "\xE2\x80\x94"};
  char text[32];
  for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
    snprintf(text, sizeof(text), "ab%scd", refused[i]);
    assert_true(str_has_bidi_control(str_from(text)));
    assert_false(str_valid_text(str_from(text), true));
    assert_true(str_has_bidi_control(str_from(refused[i])));
  }
  for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
    snprintf(text, sizeof(text), "ab%scd", allowed[i]);
    assert_false(str_has_bidi_control(str_from(text)));
    assert_true(str_valid_text(str_from(text), true));
  }
  /* a cut sequence is only invalid UTF-8 */
  assert_false(str_has_bidi_control((struct str){"\xE2\x80", 2}));
}

/* U+FFFE and U+FFFF are refused (XML has no such characters); their neighbours are text. */
static void test_noncharacters(void **state)
{
  (void)state;
  assert_false(str_valid_text(str_from("a\xEF\xBF\xBE"
                                       "b"),
                              true));
  assert_false(str_valid_text(str_from("\xEF\xBF\xBF"), false));
  assert_true(str_valid_text(str_from("a\xEF\xBF\xBD"
                                      "b"),
                             false));                               /* U+FFFD */
  assert_true(str_valid_text(str_from("\xEF\xBC\x91"), false));     /* U+FF11 */
  assert_true(str_valid_text(str_from("\xF0\x9F\x98\x80"), false)); /* U+1F600 */
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hex_value),
      cmocka_unit_test(test_bidi_controls),
      cmocka_unit_test(test_unhex),
      cmocka_unit_test(test_noncharacters),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
