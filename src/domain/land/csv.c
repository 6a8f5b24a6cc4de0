/* csv.c - the streaming CSV reader (csv.h): a character state machine over a read buffer. */
#include "domain/land/csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"

#include "base/common.h"

enum { CSV_EOF = -1, BOM_LEN = 3 };

struct csv_reader {
  csv_read_fn read;
  void *ctx;
  char buf[CSV_BUFFER_SIZE];
  size_t len, pos;
  bool eof, started, io_error;
  uint64_t consumed;
  long line;
  /* field text and a NUL after each field */
  char record[CSV_RECORD_MAX + CSV_FIELDS_MAX + 1];
  size_t used, field_start;
};

enum state { S_START, S_PLAIN, S_QUOTED, S_QUOTE, S_SKIP, S_DONE, S_BLANK };

static const char *const err_keys[] = {
    [CSV_ERR_NONE] = "csv_err_none",
    [CSV_ERR_QUOTE] = "csv_err_quote",
    [CSV_ERR_UNTERMINATED] = "csv_err_unterminated",
    [CSV_ERR_TOO_MANY_FIELDS] = "csv_err_too_many_fields",
    [CSV_ERR_TOO_LONG] = "csv_err_too_long",
    [CSV_ERR_ENCODING] = "csv_err_encoding",
};

const char *csv_err_key(enum csv_err e)
{
  return (unsigned)e < ARRAY_LEN(err_keys) ? err_keys[e] : "csv_err_unknown";
}

struct csv_reader *csv_open(csv_read_fn read, void *ctx)
{
  struct csv_reader *r = calloc(1, sizeof(*r));
  if (r) {
    r->read = read;
    r->ctx = ctx;
    r->line = 1;
  }
  return r;
}

void csv_close(struct csv_reader *r)
{
  free(r);
}

uint64_t csv_bytes_read(const struct csv_reader *r)
{
  return r->consumed;
}

int csv_read_memory(void *ctx, char *buf, size_t size, size_t *got)
{
  struct csv_memory *m = ctx;
  size_t n = m->len - m->pos < size ? m->len - m->pos : size;
  if (n)
    memcpy(buf, m->data + m->pos, n);
  m->pos += n;
  *got = n;
  return ST_OK;
}

int csv_read_stdio(void *ctx, char *buf, size_t size, size_t *got)
{
  FILE *f = ctx;
  *got = fread(buf, 1, size, f);
  return *got == 0 && ferror(f) ? ST_IO : ST_OK;
}

/* Appends what the callback gives at buf[len..]; false at the end of the input. */
static bool fill(struct csv_reader *r)
{
  size_t got = 0;
  if (r->eof || r->len >= sizeof(r->buf))
    return false;
  if (r->read(r->ctx, r->buf + r->len, sizeof(r->buf) - r->len, &got) != ST_OK) {
    r->io_error = true;
    got = 0;
  }
  if (got == 0)
    r->eof = true;
  r->len += got;
  return got > 0;
}

static int peek(struct csv_reader *r)
{
  if (r->pos >= r->len) {
    r->pos = r->len = 0;
    if (!fill(r))
      return CSV_EOF;
  }
  return (unsigned char)r->buf[r->pos];
}

static int next_char(struct csv_reader *r)
{
  int c = peek(r);
  if (c != CSV_EOF) {
    r->pos++;
    r->consumed++;
  }
  return c;
}

/* Skips a byte order mark at the very start (reading until three bytes are there). */
static void skip_bom(struct csv_reader *r)
{
  r->started = true;
  while (r->len < BOM_LEN && fill(r))
    ;
  if (r->len >= BOM_LEN && memcmp(r->buf, "\xEF\xBB\xBF", BOM_LEN) == 0) {
    r->pos = BOM_LEN;
    r->consumed = BOM_LEN;
  }
}

struct parse {
  struct csv_reader *r;
  struct csv_record *rec;
  enum csv_err err;
  bool any; /* a character of this record was read */
};

static void fail(struct parse *p, enum csv_err err)
{
  if (!p->err)
    p->err = err;
}

static void append(struct parse *p, int c)
{
  struct csv_reader *r = p->r;
  if (p->err)
    return;
  if (r->used - p->rec->count >= CSV_RECORD_MAX) { /* text bytes, without the NULs */
    fail(p, CSV_ERR_TOO_LONG);
    return;
  }
  r->record[r->used++] = (char)c;
}

static void end_field(struct parse *p)
{
  struct csv_reader *r = p->r;
  struct csv_record *rec = p->rec;
  if (p->err)
    return;
  if (rec->count >= CSV_FIELDS_MAX) {
    fail(p, CSV_ERR_TOO_MANY_FIELDS);
    return;
  }
  r->record[r->used] = '\0';
  rec->fields[rec->count] = r->record + r->field_start;
  rec->lengths[rec->count] = r->used - r->field_start;
  rec->count++;
  r->used++;
  r->field_start = r->used;
}

static bool is_line_end(int c)
{
  return c == '\r' || c == '\n';
}

/* Counts a line end; CR LF is one. */
static void line_end(struct csv_reader *r, int c)
{
  if (c == '\r' && peek(r) == '\n')
    next_char(r);
  r->line++;
}

static enum state step_start(struct parse *p, int c)
{
  if (c == '"')
    return S_QUOTED;
  if (c == ',') {
    end_field(p);
    return S_START;
  }
  if (is_line_end(c)) {
    line_end(p->r, c);
    if (p->rec->count == 0)
      return S_BLANK;
    end_field(p);
    return S_DONE;
  }
  append(p, c);
  return S_PLAIN;
}

static enum state step_plain(struct parse *p, int c)
{
  if (c == ',') {
    end_field(p);
    return S_START;
  }
  if (is_line_end(c)) {
    line_end(p->r, c);
    end_field(p);
    return S_DONE;
  }
  if (c == '"') {
    fail(p, CSV_ERR_QUOTE);
    return S_SKIP;
  }
  append(p, c);
  return S_PLAIN;
}

static enum state step_quoted(struct parse *p, int c)
{
  if (c == '"')
    return S_QUOTE;
  if (c == '\n')
    p->r->line++;
  append(p, c);
  return S_QUOTED;
}

static enum state step_quote(struct parse *p, int c)
{
  if (c == '"') {
    append(p, c);
    return S_QUOTED;
  }
  if (c == ',' || is_line_end(c))
    return step_plain(p, c);
  fail(p, CSV_ERR_QUOTE);
  return S_SKIP;
}

static enum state step(struct parse *p, enum state s, int c)
{
  switch (s) {
  case S_START:
    return step_start(p, c);
  case S_PLAIN:
    return step_plain(p, c);
  case S_QUOTED:
    return step_quoted(p, c);
  case S_QUOTE:
    return step_quote(p, c);
  default: /* S_SKIP: to the end of the line */
    if (is_line_end(c)) {
      line_end(p->r, c);
      return S_DONE;
    }
    return S_SKIP;
  }
}

/* The input ended in state s: the last record ends too (or it was inside quotes). */
static enum state at_end(struct parse *p, enum state s)
{
  if (!p->any)
    return S_BLANK;
  if (s == S_QUOTED)
    fail(p, CSV_ERR_UNTERMINATED);
  else if (s != S_SKIP)
    end_field(p);
  return S_DONE;
}

static void check_text(struct parse *p)
{
  for (size_t i = 0; !p->err && i < p->rec->count; i++)
    if (!str_valid_text((struct str){p->rec->fields[i], p->rec->lengths[i]}, true))
      fail(p, CSV_ERR_ENCODING);
}

/* Reads one record (or a blank line: S_BLANK). */
static enum state parse_record(struct parse *p)
{
  enum state s = S_START;
  p->r->used = p->r->field_start = 0;
  p->rec->count = 0;
  p->rec->line = p->r->line;
  while (s != S_DONE && s != S_BLANK) {
    int c = next_char(p->r);
    if (c == CSV_EOF)
      return at_end(p, s);
    p->any = true;
    s = step(p, s, c);
  }
  return s;
}

int csv_next(struct csv_reader *r, struct csv_record *rec)
{
  struct parse p = {r, rec, CSV_ERR_NONE, false};
  enum state s;
  if (!r->started)
    skip_bom(r);
  do {
    p.any = false;
    s = parse_record(&p);
  } while (s == S_BLANK && p.any);
  if (r->io_error)
    return ST_IO;
  if (s == S_BLANK)
    return ST_NOTFOUND;
  check_text(&p);
  rec->error = p.err;
  return p.err ? ST_INVALID : ST_OK;
}
