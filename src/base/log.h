/*
 * log.h - diagnostics as JSON lines on stderr: {"ts":...,"level":...,"msg":...}. The access
 * log (http/) writes its own JSON lines through log_line().
 */
#ifndef BIANMIN_BASE_LOG_H
#define BIANMIN_BASE_LOG_H

#include <stddef.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(enum log_level level);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Writes one already-formatted line (without newline) atomically. */
void log_line(const char *line, size_t len);
/* Escapes s into dst as the inside of a JSON string; always NUL-terminates. */
void log_json_escape(char *dst, size_t dst_size, const char *s);

#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
