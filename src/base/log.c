/* log.c - JSON-lines logging to stderr. */
#include "base/log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "base/common.h"

static enum log_level min_level = LOG_INFO;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

void log_set_level(enum log_level level)
{
  min_level = level;
}

void log_json_escape(char *dst, size_t dst_size, const char *s)
{
  size_t o = 0;
  for (; *s && o + 7 < dst_size; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') {
      dst[o++] = '\\';
      dst[o++] = (char)c;
    } else if (c < 0x20) {
      o += (size_t)snprintf(dst + o, dst_size - o, "\\u%04x", c);
    } else {
      dst[o++] = (char)c;
    }
  }
  if (dst_size)
    dst[o < dst_size ? o : dst_size - 1] = '\0';
}

/* One write per line (stderr is unbuffered: fwrite then fputc was two system calls, on every
 * request's access line); whatever a short write leaves goes through stdio. */
void log_line(const char *line, size_t len)
{
  struct iovec iov[2] = {{(void *)line, len}, {(void *)"\n", 1}};
  pthread_mutex_lock(&log_lock);
  fflush(stderr);
  ssize_t n = writev(STDERR_FILENO, iov, 2);
  size_t done = n > 0 ? (size_t)n : 0;
  if (done < len)
    fwrite(line + done, 1, len - done, stderr);
  if (done < len + 1)
    fputc('\n', stderr);
  fflush(stderr);
  pthread_mutex_unlock(&log_lock);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
  static const char *const names[] = {"debug", "info", "warn", "error"};
  if (level < min_level)
    return;
  char msg[2048], escaped[4096], line[4608], ts[32];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  log_json_escape(escaped, sizeof(escaped), msg);
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  struct tm tm;
  gmtime_r(&now.tv_sec, &tm);
  strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
  int n = snprintf(line, sizeof(line), "{\"ts\":\"%s\",\"level\":\"%s\",\"msg\":\"%s\"}", ts,
                   names[level], escaped);
  if (n > 0)
    log_line(line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}
