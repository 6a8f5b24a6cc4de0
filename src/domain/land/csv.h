/*
 * csv.h - a streaming CSV reader (RFC 4180) for imports: fields separated by commas, quoted
 * fields with "" for a quote and with line breaks inside, CRLF or LF line ends, a UTF-8 byte
 * order mark at the start ignored, blank lines skipped.
 *
 * It is pure (it reads through a callback and knows no files) and bounded: it holds one read
 * buffer and one record, never the whole input; a record has at most CSV_FIELDS_MAX fields and
 * CSV_RECORD_MAX bytes. A malformed record is reported with its line number and the reader
 * goes on with the next one, so that an import can name every bad row in one run.
 */
#ifndef BIANMIN_DOMAIN_LAND_CSV_H
#define BIANMIN_DOMAIN_LAND_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
  CSV_FIELDS_MAX = 32,
  CSV_RECORD_MAX = 4096, /* bytes of field text in one record */
  CSV_BUFFER_SIZE = 64 * 1024
};

enum csv_err {
  CSV_ERR_NONE = 0,
  CSV_ERR_QUOTE,           /* a quote inside an unquoted field, or text after a closing quote */
  CSV_ERR_UNTERMINATED,    /* the input ends inside a quoted field */
  CSV_ERR_TOO_MANY_FIELDS, /* more than CSV_FIELDS_MAX fields */
  CSV_ERR_TOO_LONG,        /* more than CSV_RECORD_MAX bytes */
  CSV_ERR_ENCODING         /* not UTF-8 text (or a NUL or control character) */
};

/* Reads up to size bytes into buf; *got = 0 at the end of the input. ST_OK or ST_IO. */
typedef int (*csv_read_fn)(void *ctx, char *buf, size_t size, size_t *got);

struct csv_record {
  long line; /* physical line (1-based) where the record starts */
  size_t count;
  const char *fields[CSV_FIELDS_MAX]; /* NUL-terminated; valid until the next csv_next */
  size_t lengths[CSV_FIELDS_MAX];
  enum csv_err error; /* why, when csv_next returned ST_INVALID */
};

struct csv_reader;

/* NULL when out of memory. */
struct csv_reader *csv_open(csv_read_fn read, void *ctx);
void csv_close(struct csv_reader *r);

/* The next record: ST_OK, ST_NOTFOUND at the end of the input, ST_INVALID for a malformed
 * record (rec->line and rec->error say where and why; the next call continues after it), or
 * ST_IO when reading failed. */
int csv_next(struct csv_reader *r, struct csv_record *rec);

/* Bytes of input consumed so far (for progress). */
uint64_t csv_bytes_read(const struct csv_reader *r);

/* "csv_err_quote", ... (reason keys for import reports). */
const char *csv_err_key(enum csv_err e);

/* A csv_read_fn over a memory block; ctx is a struct csv_memory. */
struct csv_memory {
  const char *data;
  size_t len;
  size_t pos;
};
int csv_read_memory(void *ctx, char *buf, size_t size, size_t *got);
/* A csv_read_fn over a stdio stream; ctx is a FILE *. */
int csv_read_stdio(void *ctx, char *buf, size_t size, size_t *got);

#endif
