/*
 * arena_test.c - the per-request memory pool: limits, cleanup hooks, and recycled arenas
 * (arena_new_recycled): what a request used is wiped before the next one gets the memory, and
 * the memory handed out is zeroed, whether it comes from the kept block or a grown one.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/arena.h"

#include "base/common.h"

static bool all_zero(const unsigned char *p, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (p[i])
      return false;
  return true;
}

static void count_up(void *data)
{
  (*(int *)data)++;
}

static void test_alloc_zeroed_and_limited(void **state)
{
  struct arena *a = arena_new(64 * 1024);
  assert_non_null(a);
  unsigned char *p = arena_alloc(a, 100);
  assert_non_null(p);
  assert_true(all_zero(p, 100));
  assert_int_equal((uintptr_t)p % 16, 0);
  assert_null(arena_alloc(a, 128 * 1024)); /* past the limit */
  char *s = arena_printf(a, "%s-%d", "case", 7);
  assert_string_equal(s, "case-7");
  int runs = 0;
  assert_int_equal(arena_on_free(a, count_up, &runs), ST_OK);
  arena_free(a);
  assert_int_equal(runs, 1);
}

/* A recycled arena comes back to the same thread: the bytes the last user wrote are gone and
 * everything handed out again reads as zeros, in the kept block and in grown ones. */
static void test_recycled_arena_is_wiped(void **state)
{
  struct arena *a = arena_new_recycled(1 << 20);
  assert_non_null(a);
  unsigned char *first = arena_alloc(a, 4000);
  assert_true(all_zero(first, 4000));
  memset(first, 0xA5, 4000);
  unsigned char *big = arena_alloc(a, 40000); /* past the kept block: a grown one */
  assert_non_null(big);
  assert_true(all_zero(big, 40000));
  memset(big, 0x5A, 40000);
  int runs = 0;
  assert_int_equal(arena_on_free(a, count_up, &runs), ST_OK);
  arena_free(a);
  assert_int_equal(runs, 1);

  struct arena *b = arena_new_recycled(1 << 20);
  assert_ptr_equal(b, a); /* this thread's spare */
  unsigned char *again = arena_alloc(b, 4000);
  assert_ptr_equal(again, first); /* the kept block, from its start */
  assert_true(all_zero(again, 4000));
  unsigned char *more = arena_alloc(b, 20000);
  assert_non_null(more);
  assert_true(all_zero(more, 20000));
  arena_free(b);
  assert_int_equal(runs, 1); /* hooks run once, not again on reuse */
}

/* The limit holds for a recycled arena too, also for one asked for with a smaller limit. */
static void test_recycled_arena_limit(void **state)
{
  struct arena *a = arena_new_recycled(1 << 20);
  assert_non_null(a);
  arena_free(a);
  struct arena *b = arena_new_recycled(8 * 1024);
  assert_non_null(b);
  assert_non_null(arena_alloc(b, 4 * 1024));
  assert_null(arena_alloc(b, 8 * 1024));
  arena_free(b);
  struct arena *c = arena_new_recycled(1 << 20);
  assert_non_null(c);
  assert_null(arena_alloc(c, 2 << 20));
  assert_non_null(arena_alloc(c, 100 * 1024));
  arena_free(c);
}

/* More arenas freed than a thread keeps: the rest are freed (AddressSanitizer's leak check
 * sees the ones kept by a thread that ended). */
static void *many_arenas(void *arg)
{
  struct arena *list[10];
  for (size_t i = 0; i < ARRAY_LEN(list); i++) {
    list[i] = arena_new_recycled(1 << 20);
    if (!list[i] || !arena_strdup(list[i], "personal"))
      return NULL;
  }
  for (size_t i = 0; i < ARRAY_LEN(list); i++)
    arena_free(list[i]);
  return arg;
}

static void test_spares_of_an_ended_thread(void **state)
{
  pthread_t t;
  int token = 1;
  void *out = NULL;
  assert_int_equal(pthread_create(&t, NULL, many_arenas, &token), 0);
  assert_int_equal(pthread_join(t, &out), 0);
  assert_ptr_equal(out, &token);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_alloc_zeroed_and_limited),
      cmocka_unit_test(test_recycled_arena_is_wiped),
      cmocka_unit_test(test_recycled_arena_limit),
      cmocka_unit_test(test_spares_of_an_ended_thread),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
