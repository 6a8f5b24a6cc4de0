/*
 * suppress.c - primary and complementary small-cell suppression (suppress.h). Pure.
 *
 * A line is walked through a start cell and a stride, so rows and columns share one loop: a
 * row r is cells r * columns + k (k < columns), a column c is cells k * columns + c
 * (k < rows); the line's total is its last cell when the table has totals that way.
 */
#include "domain/suppress.h"

struct line {
  size_t start, stride, length;
};

bool suppress_small(int64_t count, int64_t threshold)
{
  return count > 0 && count < threshold;
}

static size_t cell_of(const struct line *l, size_t k)
{
  return l->start + k * l->stride;
}

/* The member of l to hide next to its only hidden one: the smallest shown non-zero member,
 * else a shown zero, else the shown total; l->length when none is left. */
static size_t complement_of(const struct suppress_table *t, const struct line *l)
{
  size_t best = l->length, last = l->length - 1;
  for (size_t k = 0; k < last; k++) {
    size_t c = cell_of(l, k);
    if (t->hidden[c])
      continue;
    if (best == l->length) {
      best = k;
      continue;
    }
    int64_t n = t->counts[c], b = t->counts[cell_of(l, best)];
    if ((b == 0 && n > 0) || (n > 0 && n < b))
      best = k;
  }
  if (best == l->length && !t->hidden[cell_of(l, last)])
    best = last;
  return best;
}

/* Hides one more member of l when it has exactly one hidden member; whether it did. */
static bool line_settle(const struct suppress_table *t, const struct line *l)
{
  size_t hidden = 0;
  for (size_t k = 0; k < l->length; k++)
    hidden += t->hidden[cell_of(l, k)];
  if (hidden != 1)
    return false;
  size_t k = complement_of(t, l);
  if (k == l->length)
    return false;
  t->hidden[cell_of(l, k)] = true;
  return true;
}

/* One pass over every line with a total; whether any cell was hidden. */
static bool pass(const struct suppress_table *t)
{
  bool changed = false;
  for (size_t r = 0; t->row_totals && t->columns > 1 && r < t->rows; r++) {
    struct line l = {r * t->columns, 1, t->columns};
    changed |= line_settle(t, &l);
  }
  for (size_t c = 0; t->column_totals && t->rows > 1 && c < t->columns; c++) {
    struct line l = {c, t->columns, t->rows};
    changed |= line_settle(t, &l);
  }
  return changed;
}

size_t suppress_apply(const struct suppress_table *t)
{
  size_t cells = t->rows * t->columns, hidden = 0;
  for (size_t i = 0; i < cells; i++)
    if (!t->hidden[i] && suppress_small(t->counts[i], t->threshold))
      t->hidden[i] = true;
  /* every pass hides at least one cell or ends: at most cells passes */
  for (size_t i = 0; i < cells && pass(t); i++)
    ;
  for (size_t i = 0; i < cells; i++)
    hidden += t->hidden[i];
  return hidden;
}
