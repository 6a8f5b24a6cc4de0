/*
 * survey_stats.h - the pure rules of survey analysis (issue 19), unit-tested on their own
 * (tests/unit/survey_stats_test.c): the satisfied share of a five-point question, the growth
 * rate between two periods and the small-cell suppression rule. Shares and rates are integers
 * in permille (853 = 85.3 %), rounded half away from zero, so a page and its exports print the
 * same figures from the same integers.
 */
#ifndef BIANMIN_DOMAIN_SURVEY_STATS_H
#define BIANMIN_DOMAIN_SURVEY_STATS_H

#include <stdbool.h>
#include <stdint.h>

/* Cells counting fewer answers than this (but more than none) are not shown ("<5"), and a
 * share or rate resting on fewer answers is not shown either. */
enum { SURVEY_SUPPRESS_BELOW = 5 };
/* No share or rate (nothing to divide by, or suppressed). */
#define SURVEY_NO_FIGURE INT64_MIN

/* The answers to one five-point question in a group: counts[v - 1] answered v. */
struct survey_tally {
  int64_t counts[5];
  int64_t n;
};
/* Counts value (1..5); other values are ignored (false). */
bool survey_tally_add(struct survey_tally *t, int64_t value);
/* Answers 4 and 5. */
int64_t survey_tally_satisfied(const struct survey_tally *t);

/* a / b in permille, rounded half away from zero; SURVEY_NO_FIGURE when b is 0. */
int64_t survey_permille(int64_t a, int64_t b);
/* The satisfied share (answers 4 and 5 of n) in permille; SURVEY_NO_FIGURE when the tally has
 * fewer than SURVEY_SUPPRESS_BELOW answers. */
int64_t survey_share(const struct survey_tally *t);
/* The growth rate from share before to share after ((after - before) / before) in permille;
 * SURVEY_NO_FIGURE when either is missing or before is 0. */
int64_t survey_growth(int64_t before, int64_t after);
/* Whether a count is suppressed: 0 < count < SURVEY_SUPPRESS_BELOW. */
bool survey_suppressed(int64_t count);

#endif
