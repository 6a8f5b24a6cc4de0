/* clock.c - wall clock with test overrides read once per process (clock.h), ISO-8601 UTC
 * formatting. */
#include "base/clock.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/civil.h"
#include "base/str.h"

#include "base/common.h"

/* Set once by clock_setup (under pthread_once), read-only afterwards. */
static pthread_once_t clock_once = PTHREAD_ONCE_INIT;
static const int64_t *fake_clock; /* the mapped BIANMIN_FAKE_CLOCK file, or NULL */
static bool fake_fixed;           /* BIANMIN_FAKE_NOW was given */
static time_t fake_now;

/* Maps path read-only; NULL (after saying why on standard error) when it cannot. */
static const int64_t *clock_map(const char *path)
{
  struct stat st;
  void *map = MAP_FAILED;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd >= 0 && fstat(fd, &st) == 0 && st.st_size >= CLOCK_FILE_SIZE)
    map = mmap(NULL, CLOCK_FILE_SIZE, PROT_READ, MAP_SHARED, fd, 0);
  if (fd >= 0)
    close(fd);
  if (map != MAP_FAILED)
    return map;
  fprintf(stderr, "BIANMIN_FAKE_CLOCK=%s: not a readable file of %d bytes; using the real clock\n",
          path, CLOCK_FILE_SIZE);
  return NULL;
}

static void clock_setup(void)
{
  const char *file = getenv("BIANMIN_FAKE_CLOCK");
  const char *fixed = getenv("BIANMIN_FAKE_NOW");
  int64_t value;
  if (file && *file) {
    fake_clock = clock_map(file);
    if (fake_clock)
      return;
  }
  if (fixed && str_to_int64(str_from(fixed), 0, INT32_MAX * 4LL, &value) == ST_OK) {
    fake_fixed = true;
    fake_now = (time_t)value;
  }
}

time_t clock_now(void)
{
  pthread_once(&clock_once, clock_setup);
  if (fake_clock)
    return (time_t)__atomic_load_n(fake_clock, __ATOMIC_ACQUIRE);
  return fake_fixed ? fake_now : time(NULL);
}

void clock_iso(time_t t, char out[CLOCK_ISO_SIZE])
{
  struct civil_time w = civil_at(t, 0);
  char text[64]; /* room for any int the compiler cannot bound; the fields are in range */
  snprintf(text, sizeof(text), "%04d-%02d-%02dT%02d:%02d:%02dZ", w.date.year, w.date.month,
           w.date.day, w.hour, w.minute, w.second);
  size_t n = strnlen(text, CLOCK_ISO_SIZE - 1);
  memcpy(out, text, n);
  out[n] = '\0';
}

static int digits(const char *s, size_t n, int64_t max, int *out)
{
  int64_t v;
  if (str_to_int64((struct str){s, n}, 0, max, &v))
    return -1;
  *out = (int)v;
  return 0;
}

time_t clock_parse_iso(const char *s)
{
  struct civil_time w;
  if (!s || strlen(s) != 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z' ||
      civil_parse_iso((struct str){s, 10}, &w.date) || digits(s + 11, 2, 23, &w.hour) ||
      digits(s + 14, 2, 59, &w.minute) || digits(s + 17, 2, 60, &w.second))
    return -1;
  /* A leap second (:60) reads as the first second of the next minute, as timegm has it. */
  int leap = w.second == 60;
  w.second -= leap;
  return civil_unix(w, 0) + leap;
}

bool clock_date_valid(const char *date)
{
  struct civil_date d;
  return date && !civil_parse_iso(str_from(date), &d) && d.year >= CIVIL_ROC_FIRST_YEAR;
}
