/*
 * suppress.h - the small-cell rule of every published table (issue 19): survey results and
 * cross-tabs, the petitions' public statistics and the open data datasets. Written once here,
 * pure, and unit-tested on its own (tests/unit/suppress_test.c).
 *
 * Primary suppression: a count of 1 to threshold - 1 is hidden (0 and larger counts are shown).
 * Complementary suppression: a line (a row or a column whose total is part of the table) that
 * has exactly one hidden member would let a reader work the hidden value out from the total and
 * the other members, so the smallest other shown member of that line is hidden too (non-zero
 * counts first, then zeros, and the line's total only when nothing else is left). Hiding a cell
 * can leave another line with exactly one hidden member, so the pass repeats until no line
 * changes. A line whose total is hidden and whose members are all shown is the same case: its
 * smallest member is hidden, so the total cannot be added up either.
 */
#ifndef BIANMIN_DOMAIN_SUPPRESS_H
#define BIANMIN_DOMAIN_SUPPRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* rows x columns counts, row-major. With row_totals the last column holds each row's total
 * (the sum of the row's other cells); with column_totals the last row holds each column's
 * total. hidden (rows x columns) is read and written: a cell already true stays hidden (a
 * value withheld for another reason; its count is then never read and may be -1). Set a
 * total only when it really is its line's sum (a multiple choice's "answered" is not). */
struct suppress_table {
  size_t rows, columns;
  const int64_t *counts;
  bool *hidden;
  int64_t threshold; /* counts 0 < n < threshold are hidden */
  bool row_totals, column_totals;
};

/* Applies primary then complementary suppression to t->hidden; returns how many cells are
 * hidden in all. */
size_t suppress_apply(const struct suppress_table *t);
/* Whether one count is hidden by the primary rule: 0 < count < threshold. */
bool suppress_small(int64_t count, int64_t threshold);

#endif
