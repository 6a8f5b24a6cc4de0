/*
 * log.h - diagnostics as JSON lines on stderr: {"ts":...,"level":...,"msg":...}. The access
 * log (http/) writes its own JSON lines through log_access_line().
 */
#ifndef BIANMIN_BASE_LOG_H
#define BIANMIN_BASE_LOG_H

#include <stddef.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(enum log_level level);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Writes one already-formatted line (without newline) at once, in one write; the access lines
 * gathered so far are written before it, so lines keep their order. */
void log_line(const char *line, size_t len);
/* An access line (without newline): gathered in memory after log_access_start, else written at
 * once like log_line. */
void log_access_line(const char *line, size_t len);
/* Gathers access lines in a buffer of buffer_bytes (0: none, every line is written at once, as
 * before this was called). The buffer is written in one write when the next line would not fit,
 * before any other line (log_line, log_msg), flush_seconds after its first line at the latest
 * (a thread of its own waits for that), at log_flush, log_access_stop and at exit(). A crash
 * loses what it holds: at most flush_seconds of access lines. ST_NOMEM or ST_IO (no thread) on
 * failure, with lines then written at once. Call before threads log; once. */
int log_access_start(size_t buffer_bytes, int flush_seconds);
/* Writes what is gathered now. */
void log_flush(void);
/* Writes what is gathered, ends the thread; lines are written at once afterwards. */
void log_access_stop(void);
/* Escapes s into dst as the inside of a JSON string; always NUL-terminates. */
void log_json_escape(char *dst, size_t dst_size, const char *s);

#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
