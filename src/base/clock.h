/*
 * clock.h - the one place the program reads the wall clock, so tests can move time.
 *
 * Two test-only overrides, read from the environment once per process (never set them in
 * production):
 * - BIANMIN_FAKE_CLOCK=<file>: "now" is the time in that file, which a test moves while the
 *   program runs. Its first CLOCK_FILE_SIZE bytes hold a signed 64-bit count of unix seconds in
 *   the machine's byte order. It is mapped once (shared, read-only) and each
 *   clock_now() is one atomic load from the mapping, so a writer that stores the value with an
 *   atomic 8-byte store in its own shared mapping (tests/http/harness.c) is never seen half
 *   written. A file that cannot be mapped is reported on standard error and the real clock used.
 * - BIANMIN_FAKE_NOW=<unix seconds>: "now" is that instant for the whole process.
 * BIANMIN_FAKE_CLOCK wins when both are set.
 */
#ifndef BIANMIN_BASE_CLOCK_H
#define BIANMIN_BASE_CLOCK_H

#include <stdbool.h>
#include <time.h>

enum { CLOCK_ISO_SIZE = 21, CLOCK_FILE_SIZE = 8 };

time_t clock_now(void);
/* "2026-03-02T08:30:00Z" */
void clock_iso(time_t t, char out[CLOCK_ISO_SIZE]);
/* Parses the format clock_iso writes (a real date: civil_parse_iso); returns -1 when s is not
 * in it. */
time_t clock_parse_iso(const char *s);

/* True for a real calendar date "YYYY-MM-DD" from 1912 (ROC year 1) on. */
bool clock_date_valid(const char *date);

#endif
