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
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(out, CLOCK_ISO_SIZE, "%Y-%m-%dT%H:%M:%SZ", &tm);
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
  if (!s || strlen(s) != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
      s[16] != ':' || s[19] != 'Z')
    return -1;
  struct tm tm = {0};
  int year, month;
  if (digits(s, 4, 9999, &year) || digits(s + 5, 2, 12, &month) ||
      digits(s + 8, 2, 31, &tm.tm_mday) || digits(s + 11, 2, 23, &tm.tm_hour) ||
      digits(s + 14, 2, 59, &tm.tm_min) || digits(s + 17, 2, 60, &tm.tm_sec))
    return -1;
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  return timegm(&tm);
}

bool clock_date_valid(const char *date)
{
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int year, month, day;
  if (!date || strlen(date) != 10 || date[4] != '-' || date[7] != '-' ||
      digits(date, 4, 9999, &year) || digits(date + 5, 2, 12, &month) ||
      digits(date + 8, 2, 31, &day) || month < 1 || day < 1 || year < 1912)
    return false;
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= days[month - 1] + (month == 2 && leap);
}
