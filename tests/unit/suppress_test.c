/*
 * suppress_test.c - primary and complementary small-cell suppression (domain/suppress.c):
 * rows, columns, the repeat until stable, totals hidden alone, tables already safe, and that
 * no hidden value can be worked out from a line's total afterwards.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain/suppress.h"

enum { CELLS_MAX = 64 };

/* A table's hidden flags as a string of '#' (hidden) and '.' (shown), rows split by '|'. */
static const char *pattern(const struct suppress_table *t, char *out)
{
  size_t at = 0;
  for (size_t r = 0; r < t->rows; r++) {
    if (r)
      out[at++] = '|';
    for (size_t c = 0; c < t->columns; c++)
      out[at++] = t->hidden[r * t->columns + c] ? '#' : '.';
  }
  out[at] = '\0';
  return out;
}

/* Whether every line with a total has zero or at least two hidden members (no hidden value
 * follows from the total and the shown members). */
static bool safe(const struct suppress_table *t)
{
  for (size_t r = 0; t->row_totals && r < t->rows; r++) {
    size_t n = 0;
    for (size_t c = 0; c < t->columns; c++)
      n += t->hidden[r * t->columns + c];
    if (n == 1)
      return false;
  }
  for (size_t c = 0; t->column_totals && c < t->columns; c++) {
    size_t n = 0;
    for (size_t r = 0; r < t->rows; r++)
      n += t->hidden[r * t->columns + c];
    if (n == 1)
      return false;
  }
  return true;
}

static void test_primary_only_without_totals(void **state)
{
  (void)state;
  const int64_t counts[] = {0, 1, 4, 5, 12};
  bool hidden[5] = {false};
  char p[CELLS_MAX];
  struct suppress_table t = {1, 5, counts, hidden, 5, false, false};
  assert_int_equal(suppress_apply(&t), 2);
  assert_string_equal(pattern(&t, p), ".##..");
  assert_true(suppress_small(1, 5));
  assert_false(suppress_small(0, 5));
  assert_false(suppress_small(5, 5));
  assert_true(suppress_small(9, 10));
}

/* One row with its total: 3 alone would be total - 20 - 9 - 7; the smallest other (7) goes. */
static void test_row_complement_takes_the_next_smallest(void **state)
{
  (void)state;
  const int64_t counts[] = {20, 3, 9, 7, 39};
  bool hidden[5] = {false};
  char p[CELLS_MAX];
  struct suppress_table t = {1, 5, counts, hidden, 5, true, false};
  assert_int_equal(suppress_apply(&t), 2);
  assert_string_equal(pattern(&t, p), ".#.#.");
  assert_true(safe(&t));
}

/* One column with its total (the last row); zeros are passed over while a non-zero is left. */
static void test_column_complement_skips_zeros(void **state)
{
  (void)state;
  const int64_t counts[] = {0, 2, 0, 30, 8, 40};
  bool hidden[6] = {false};
  char p[CELLS_MAX];
  struct suppress_table t = {6, 1, counts, hidden, 5, false, true};
  assert_int_equal(suppress_apply(&t), 2);
  assert_string_equal(pattern(&t, p), ".|#|.|.|#|.");
  assert_true(safe(&t));
}

/* Only zeros left beside the hidden one: a zero is hidden (a reader no longer knows which). */
static void test_zero_taken_when_nothing_else(void **state)
{
  (void)state;
  const int64_t counts[] = {-1, 0, 0, 7};
  bool hidden[4] = {true, false, false, false}; /* withheld by its caller */
  char p[CELLS_MAX];
  struct suppress_table t = {1, 4, counts, hidden, 5, true, false};
  assert_int_equal(suppress_apply(&t), 2);
  assert_string_equal(pattern(&t, p), "##..");
}

/* Rows and columns with totals: the row's complement leaves its column with one hidden cell,
 * which is settled in turn, and so on until stable. */
static void test_iterates_until_stable(void **state)
{
  (void)state;
  /* 3 x 3 inner cells, row totals in column 3, column totals in row 3 */
  const int64_t counts[] = {
      2,  10, 20,  32,  /* */
      9,  6,  30,  45,  /* */
      15, 40, 50,  105, /* */
      26, 56, 100, 182,
  };
  bool hidden[16] = {false};
  char p[CELLS_MAX];
  struct suppress_table t = {4, 4, counts, hidden, 5, true, true};
  size_t n = suppress_apply(&t);
  /* 2 is hidden; row 0 takes 10, column 0 takes 9; column 1 (10 hidden) takes 6; row 1 then
   * holds 9 and 6: settled; every line now has 0 or 2 hidden */
  assert_string_equal(pattern(&t, p), "##..|##..|....|....");
  assert_int_equal(n, 4);
  assert_true(safe(&t));
}

static void test_already_safe_table_is_unchanged(void **state)
{
  (void)state;
  const int64_t counts[] = {
      3, 4, 20, 27, /* */
      2, 1, 30, 33, /* */
      5, 5, 50, 60,
  };
  bool hidden[12] = {false};
  char p[CELLS_MAX];
  struct suppress_table t = {3, 4, counts, hidden, 5, true, true};
  assert_int_equal(suppress_apply(&t), 4);
  assert_string_equal(pattern(&t, p), "##..|##..|....");
  const int64_t big[] = {10, 20, 30, 60};
  bool none[4] = {false};
  struct suppress_table b = {1, 4, big, none, 5, true, false};
  assert_int_equal(suppress_apply(&b), 0);
  assert_string_equal(pattern(&b, p), "....");
}

/* A total hidden by the primary rule while its members... cannot all be shown: a member of a
 * small total is small too. A total withheld by the caller with every member shown gets its
 * smallest member hidden, so the total cannot be added up. */
static void test_hidden_total_alone(void **state)
{
  (void)state;
  const int64_t counts[] = {8, 6, 9, -1};
  bool hidden[4] = {false, false, false, true};
  char p[CELLS_MAX];
  struct suppress_table t = {1, 4, counts, hidden, 5, true, false};
  assert_int_equal(suppress_apply(&t), 2);
  assert_string_equal(pattern(&t, p), ".#.#");
}

/* A higher threshold (an office's open data setting) hides more. */
static void test_threshold(void **state)
{
  (void)state;
  const int64_t counts[] = {7, 12, 30, 49};
  bool hidden[4] = {false};
  char p[CELLS_MAX];
  struct suppress_table t = {1, 4, counts, hidden, 10, true, false};
  assert_int_equal(suppress_apply(&t), 2);
  assert_string_equal(pattern(&t, p), "##..");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_primary_only_without_totals),
      cmocka_unit_test(test_row_complement_takes_the_next_smallest),
      cmocka_unit_test(test_column_complement_skips_zeros),
      cmocka_unit_test(test_zero_taken_when_nothing_else),
      cmocka_unit_test(test_iterates_until_stable),
      cmocka_unit_test(test_already_safe_table_is_unchanged),
      cmocka_unit_test(test_hidden_total_alone),
      cmocka_unit_test(test_threshold),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
