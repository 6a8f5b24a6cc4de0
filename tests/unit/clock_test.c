/*
 * clock_test.c - base/clock.h's test-only overrides: BIANMIN_FAKE_CLOCK is a file whose time
 * the program follows as it is moved, the environment is read once per process, and a file
 * that cannot be mapped leaves the real clock. Each case that needs a fresh process runs in a
 * child (fork), since the overrides are read at the first clock_now() of a process.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/clock.h"

#include "base/common.h"

enum { START = 1767225600 }; /* 2026-01-01T00:00:00Z */

/* A clock file in /tmp set to START, mapped shared and writable in *value. */
static void make_clock(char path[64], int64_t **value)
{
  snprintf(path, 64, "/tmp/bianmin-clock-test-XXXXXX");
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  assert_int_equal(ftruncate(fd, CLOCK_FILE_SIZE), 0);
  void *map = mmap(NULL, CLOCK_FILE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  assert_true(map != MAP_FAILED);
  *value = map;
  __atomic_store_n(*value, (int64_t)START, __ATOMIC_RELEASE);
}

/* Runs check in a child process with the environment variable name=value; its exit status. */
static int in_child(const char *name, const char *value, int (*check)(void))
{
  pid_t pid = fork();
  if (pid == 0) {
    setenv(name, value, 1);
    _exit(check());
  }
  int status = -1;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int64_t *shared_value; /* the parent's mapping, inherited by the child */

/* The child follows the file as the value moves, and ignores later changes of environment. */
static int follows_file(void)
{
  if (clock_now() != START)
    return 1;
  __atomic_store_n(shared_value, (int64_t)START + 90, __ATOMIC_RELEASE);
  if (clock_now() != START + 90)
    return 2;
  setenv("BIANMIN_FAKE_CLOCK", "/nonexistent", 1);
  setenv("BIANMIN_FAKE_NOW", "1000", 1);
  __atomic_store_n(shared_value, (int64_t)START - 5, __ATOMIC_RELEASE);
  return clock_now() == START - 5 ? 0 : 3;
}

static void test_iso_round_trip(void **state)
{
  (void)state;
  char out[CLOCK_ISO_SIZE];
  clock_iso(START, out);
  assert_string_equal(out, "2026-01-01T00:00:00Z");
  assert_int_equal(clock_parse_iso(out), START);
  clock_iso(951868799, out); /* the last second of a leap day in a year divisible by 400 */
  assert_string_equal(out, "2000-02-29T23:59:59Z");
  assert_int_equal(clock_parse_iso("2000-02-29T23:59:59Z"), 951868799);
  /* A leap second is the first second of the next minute. */
  assert_int_equal(clock_parse_iso("2016-12-31T23:59:60Z"), 1483228800);
}

static void test_iso_refuses_dates_that_do_not_exist(void **state)
{
  (void)state;
  const char *bad[] = {"2026-02-29T00:00:00Z",
                       "2026-04-31T12:00:00Z",
                       "2026-00-10T00:00:00Z",
                       "2026-01-00T00:00:00Z",
                       "2026-13-01T00:00:00Z",
                       "2026-01-01T24:00:00Z",
                       "2026-01-01T00:60:00Z",
                       "2026-01-01 00:00:00Z",
                       "2026-01-01T00:00:00",
                       "2026-1-01T00:00:00Z",
                       "+026-01-01T00:00:00Z",
                       "",
                       NULL};
  for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
    assert_int_equal(clock_parse_iso(bad[i]), -1);
}

static void test_date_valid(void **state)
{
  (void)state;
  assert_true(clock_date_valid("2024-02-29"));
  assert_true(clock_date_valid("1912-01-01"));
  assert_false(clock_date_valid("1911-12-31")); /* before ROC year 1 */
  assert_false(clock_date_valid("2100-02-29"));
  assert_false(clock_date_valid("2026-06-31"));
  assert_false(clock_date_valid("2026-6-30"));
  assert_false(clock_date_valid(NULL));
}

static void test_fake_clock_file_is_followed(void **state)
{
  char path[64];
  make_clock(path, &shared_value);
  assert_int_equal(in_child("BIANMIN_FAKE_CLOCK", path, follows_file), 0);
  munmap(shared_value, CLOCK_FILE_SIZE);
  unlink(path);
}

/* BIANMIN_FAKE_NOW fixes the time; setting it again later changes nothing. */
static int fixed_once(void)
{
  if (clock_now() != START)
    return 1;
  setenv("BIANMIN_FAKE_NOW", "1000", 1);
  return clock_now() == START ? 0 : 2;
}

static void test_fake_now_read_once(void **state)
{
  char value[32];
  snprintf(value, sizeof(value), "%d", START);
  assert_int_equal(in_child("BIANMIN_FAKE_NOW", value, fixed_once), 0);
}

/* A clock file that is missing or too short: the real clock (between two readings of it). */
static int real_clock(void)
{
  time_t before = time(NULL), now = clock_now(), after = time(NULL);
  return now >= before && now <= after ? 0 : 1;
}

static void test_unusable_file_leaves_the_real_clock(void **state)
{
  char path[64];
  snprintf(path, sizeof(path), "/tmp/bianmin-clock-test-XXXXXX");
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, "1234", 4), 4); /* shorter than CLOCK_FILE_SIZE */
  close(fd);
  assert_int_equal(in_child("BIANMIN_FAKE_CLOCK", path, real_clock), 0);
  assert_int_equal(in_child("BIANMIN_FAKE_CLOCK", "/nonexistent/clock", real_clock), 0);
  unlink(path);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_iso_round_trip),
      cmocka_unit_test(test_iso_refuses_dates_that_do_not_exist),
      cmocka_unit_test(test_date_valid),
      cmocka_unit_test(test_fake_clock_file_is_followed),
      cmocka_unit_test(test_fake_now_read_once),
      cmocka_unit_test(test_unusable_file_leaves_the_real_clock),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
