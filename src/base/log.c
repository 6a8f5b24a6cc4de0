/* log.c - JSON-lines logging to stderr, with the access lines optionally gathered in memory. */
#include "base/log.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "base/common.h"

static enum log_level min_level = LOG_INFO;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

/* The access-line buffer (log_access_start), under log_lock. size 0: no buffer, each line is
 * written at once. The flusher thread sleeps on wake while the buffer is empty (idle) and is
 * signalled by the line that makes it non-empty; it then waits flush_seconds (or for stop) and
 * writes whatever has gathered. */
static struct {
  char *data;
  size_t len, size;
  int flush_seconds;
  bool running, stopping, idle;
  pthread_t flusher;
  pthread_cond_t wake; /* on CLOCK_MONOTONIC */
} acc;

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

/* All of iov written to stderr, short writes and interruptions continued; a failing stderr
 * loses the rest (there is nowhere to report it). Under log_lock. */
static void write_all(struct iovec *iov, int count)
{
  fflush(stderr); /* whatever stdio holds goes first */
  while (count > 0) {
    ssize_t n = writev(STDERR_FILENO, iov, count);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return;
    size_t done = (size_t)n;
    while (count > 0 && done >= iov->iov_len) {
      done -= iov->iov_len;
      iov++;
      count--;
    }
    if (count > 0) {
      iov->iov_base = (char *)iov->iov_base + done;
      iov->iov_len -= done;
    }
  }
}

/* Writes the gathered access lines. Under log_lock. */
static void flush_locked(void)
{
  if (!acc.len)
    return;
  struct iovec iov = {acc.data, acc.len};
  write_all(&iov, 1);
  acc.len = 0;
}

static void write_line_locked(const char *line, size_t len)
{
  struct iovec iov[2] = {{(void *)line, len}, {(void *)"\n", 1}};
  write_all(iov, 2);
}

/* One write per line; the access lines gathered so far are written first, so the order of the
 * lines holds. */
void log_line(const char *line, size_t len)
{
  pthread_mutex_lock(&log_lock);
  flush_locked();
  write_line_locked(line, len);
  pthread_mutex_unlock(&log_lock);
}

/* Appends line and its newline to the buffer, writing the buffer first when it has no room.
 * Under log_lock, with a buffer. */
static void append_locked(const char *line, size_t len)
{
  if (len + 1 > acc.size - acc.len)
    flush_locked();
  if (len + 1 > acc.size) {
    write_line_locked(line, len); /* longer than the whole buffer */
    return;
  }
  bool was_empty = acc.len == 0;
  memcpy(acc.data + acc.len, line, len);
  acc.data[acc.len + len] = '\n';
  acc.len += len + 1;
  if (was_empty && acc.idle)
    pthread_cond_signal(&acc.wake);
}

void log_access_line(const char *line, size_t len)
{
  pthread_mutex_lock(&log_lock);
  if (acc.size)
    append_locked(line, len);
  else
    write_line_locked(line, len);
  pthread_mutex_unlock(&log_lock);
}

void log_flush(void)
{
  pthread_mutex_lock(&log_lock);
  flush_locked();
  pthread_mutex_unlock(&log_lock);
}

/* The flusher: asleep while nothing is gathered; once a line is, writes the buffer
 * flush_seconds later (sooner when the buffer fills, another kind of line is logged, or the
 * log stops). */
static void *flusher_main(void *arg)
{
  pthread_mutex_lock(&log_lock);
  while (!acc.stopping) {
    if (!acc.len) {
      acc.idle = true;
      pthread_cond_wait(&acc.wake, &log_lock);
      acc.idle = false;
      continue;
    }
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += acc.flush_seconds;
    /* woken early only by a stop; ETIMEDOUT (or any failure) ends the wait */
    while (!acc.stopping && pthread_cond_timedwait(&acc.wake, &log_lock, &deadline) == 0)
      ;
    flush_locked();
  }
  flush_locked();
  pthread_mutex_unlock(&log_lock);
  return arg;
}

static void flush_at_exit(void)
{
  log_flush();
}

/* The flusher's condition variable, on the monotonic clock. */
static int wake_init(void)
{
  pthread_condattr_t attr;
  if (pthread_condattr_init(&attr))
    return ST_NOMEM;
  int rc = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) || pthread_cond_init(&acc.wake, &attr)
               ? ST_IO
               : ST_OK;
  pthread_condattr_destroy(&attr);
  return rc;
}

int log_access_start(size_t buffer_bytes, int flush_seconds)
{
  if (!buffer_bytes || acc.running)
    return ST_OK;
  char *data = malloc(buffer_bytes);
  if (!data)
    return ST_NOMEM;
  int rc = wake_init();
  if (rc) {
    free(data);
    return rc;
  }
  pthread_mutex_lock(&log_lock);
  acc.data = data;
  acc.size = buffer_bytes;
  acc.flush_seconds = flush_seconds > 0 ? flush_seconds : 1;
  acc.stopping = false;
  acc.running = pthread_create(&acc.flusher, NULL, flusher_main, NULL) == 0;
  if (!acc.running) {
    acc.data = NULL;
    acc.size = 0;
  }
  pthread_mutex_unlock(&log_lock);
  if (!acc.running) {
    pthread_cond_destroy(&acc.wake);
    free(data);
    return ST_IO;
  }
  atexit(flush_at_exit);
  return ST_OK;
}

void log_access_stop(void)
{
  if (!acc.running)
    return;
  pthread_mutex_lock(&log_lock);
  acc.stopping = true;
  pthread_cond_signal(&acc.wake);
  pthread_mutex_unlock(&log_lock);
  pthread_join(acc.flusher, NULL);
  pthread_mutex_lock(&log_lock);
  flush_locked();
  free(acc.data);
  acc.data = NULL;
  acc.size = 0;
  acc.running = false;
  pthread_mutex_unlock(&log_lock);
  pthread_cond_destroy(&acc.wake);
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
