/*
 * clock.h - the one place the program reads the wall clock, so tests can move time.
 * BIANMIN_FAKE_NOW (unix seconds) fixes "now" for the whole process; it exists for tests of
 * deadlines and expiry and is documented as such (never set it in production).
 */
#ifndef BIANMIN_BASE_CLOCK_H
#define BIANMIN_BASE_CLOCK_H

#include <stdbool.h>
#include <time.h>

enum { CLOCK_ISO_SIZE = 21 };

time_t clock_now(void);
/* "2026-03-02T08:30:00Z" */
void clock_iso(time_t t, char out[CLOCK_ISO_SIZE]);
/* Parses the format clock_iso writes; returns -1 when s is not in it. */
time_t clock_parse_iso(const char *s);

/* True for a real calendar date "YYYY-MM-DD". */
bool clock_date_valid(const char *date);

#endif
