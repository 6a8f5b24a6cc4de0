/*
 * log_test.c - the access-line buffer of base/log.c with stderr sent to a file: lines wait in
 * memory until the buffer would overflow, another kind of line is logged (written after them,
 * so the order holds), log_flush or log_access_stop; without a buffer each line is written at
 * once.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/log.h"

#include "base/common.h"

static char path[] = "/tmp/bianmin-log-test-XXXXXX";
static int saved_stderr = -1;

static int setup(void **state)
{
  int fd = mkstemp(path);
  saved_stderr = dup(STDERR_FILENO);
  if (fd < 0 || saved_stderr < 0 || dup2(fd, STDERR_FILENO) < 0)
    return -1;
  close(fd);
  return 0;
}

static int teardown(void **state)
{
  dup2(saved_stderr, STDERR_FILENO);
  close(saved_stderr);
  unlink(path);
  return 0;
}

/* What the file holds now (static, NUL-terminated). */
static const char *written(void)
{
  static char text[8192];
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  size_t n = fread(text, 1, sizeof(text) - 1, f);
  text[n] = '\0';
  fclose(f);
  return text;
}

static void access_line(const char *s)
{
  log_access_line(s, strlen(s));
}

/* Runs after the buffered test has stopped the buffer: each line is written at once. */
static void test_unbuffered_written_at_once(void **state)
{
  access_line("{\"n\":\"plain\"}");
  assert_non_null(strstr(written(), "{\"n\":\"plain\"}\n"));
}

static void test_buffered_order_and_flushes(void **state)
{
  /* 64 bytes; flushes by the timer only after an hour, so none happens during the test */
  assert_int_equal(log_access_start(64, 3600), ST_OK);
  access_line("{\"n\":\"a1\"}");
  access_line("{\"n\":\"a2\"}");
  assert_null(strstr(written(), "a1"));
  log_line("{\"n\":\"other\"}", 13); /* the gathered lines first, then this one */
  assert_non_null(strstr(written(), "{\"n\":\"a1\"}\n{\"n\":\"a2\"}\n{\"n\":\"other\"}\n"));
  /* 5 lines of 11 bytes fill 55 of 64: the sixth does not fit, the five are written first */
  for (int i = 0; i < 6; i++) {
    char line[16];
    snprintf(line, sizeof(line), "{\"n\":\"b%d\"}", i);
    access_line(line);
  }
  assert_non_null(strstr(written(), "{\"n\":\"b4\"}\n"));
  assert_null(strstr(written(), "b5"));
  /* longer than the whole buffer: written at once, after what was gathered */
  access_line("{\"n\":\"a line longer than the sixty-four bytes of the buffer........\"}");
  assert_non_null(strstr(written(), "b5\"}\n{\"n\":\"a line longer"));
  access_line("{\"n\":\"c1\"}");
  log_flush();
  assert_non_null(strstr(written(), "{\"n\":\"c1\"}\n"));
  access_line("{\"n\":\"c2\"}");
  log_access_stop();
  assert_non_null(strstr(written(), "{\"n\":\"c1\"}\n{\"n\":\"c2\"}\n"));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_buffered_order_and_flushes),
      cmocka_unit_test(test_unbuffered_written_at_once),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
