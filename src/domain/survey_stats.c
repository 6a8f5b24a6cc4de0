/*
 * survey_stats.c - shares, growth rates and suppression (survey_stats.h). Pure functions.
 */
#include "domain/survey_stats.h"
#include "domain/suppress.h"

bool survey_tally_add(struct survey_tally *t, int64_t value)
{
  if (value < 1 || value > 5)
    return false;
  t->counts[value - 1]++;
  t->n++;
  return true;
}

int64_t survey_tally_satisfied(const struct survey_tally *t)
{
  return t->counts[3] + t->counts[4];
}

int64_t survey_permille(int64_t a, int64_t b)
{
  if (b == 0)
    return SURVEY_NO_FIGURE;
  bool negative = (a < 0) != (b < 0);
  int64_t num = (a < 0 ? -a : a) * 1000, den = b < 0 ? -b : b;
  int64_t q = (num + den / 2) / den;
  return negative ? -q : q;
}

int64_t survey_share(const struct survey_tally *t)
{
  if (t->n < SURVEY_SUPPRESS_BELOW)
    return SURVEY_NO_FIGURE;
  return survey_permille(survey_tally_satisfied(t), t->n);
}

int64_t survey_growth(int64_t before, int64_t after)
{
  if (before == SURVEY_NO_FIGURE || after == SURVEY_NO_FIGURE || before == 0)
    return SURVEY_NO_FIGURE;
  return survey_permille(after - before, before);
}

bool survey_suppressed(int64_t count)
{
  return suppress_small(count, SURVEY_SUPPRESS_BELOW);
}
