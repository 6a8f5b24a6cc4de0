/*
 * pg_search.c - full-text search documents and queries for PostgreSQL, over the same bigram
 * tokens SQLite's FTS5 indexes (base/search.h), so both backends find the same answers.
 *
 * Documents are tsvector literals cast with ::tsvector (no text search configuration touches
 * them: the tokens are already what is indexed): title tokens at positions 1.. with weight A,
 * body tokens after a gap with weight D, so a phrase never spans title and body (an FTS5 phrase
 * stays in one column). Queries are tsquery literals: a term's spelling is a phrase of its
 * tokens joined by <-> (followed by), a prefix term ends in :*, spellings are ORed and terms
 * ANDed, exactly the FTS5 MATCH expression sqlite_catalog.c builds.
 */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/search.h"
#include "store/pg_internal.h"

#include "base/common.h"

/* Longest document and query literal; a tsvector position stops at 16383. */
#define PG_DOC_MAX      (1024 * 1024)
#define PG_QUERY_MAX    8192
#define PG_POSITION_MAX 16383

struct doc_sink {
  struct buf *out;
  int position;
  char weight; /* 'A' or 0 */
  size_t tokens;
};

/* A lexeme in single quotes: quotes doubled, backslashes escaped. */
static int put_lexeme(struct buf *out, const char *token, size_t len)
{
  int rc = buf_putc(out, '\'');
  for (size_t i = 0; i < len && !rc; i++) {
    if (token[i] == '\'' || token[i] == '\\')
      rc = buf_putc(out, token[i]);
    if (!rc)
      rc = buf_putc(out, token[i]);
  }
  return rc ? rc : buf_putc(out, '\'');
}

static int doc_token(void *ctx, const char *token, size_t len, size_t start, size_t end)
{
  struct doc_sink *sink = ctx;
  int rc = sink->tokens++ ? buf_putc(sink->out, ' ') : ST_OK;
  if (!rc)
    rc = put_lexeme(sink->out, token, len);
  if (!rc)
    rc = buf_printf(sink->out, ":%d", sink->position);
  if (!rc && sink->weight)
    rc = buf_putc(sink->out, sink->weight);
  if (sink->position < PG_POSITION_MAX)
    sink->position++;
  return rc;
}

int pg_search_document(const char *title, const char *body, char **out)
{
  struct buf doc;
  buf_init(&doc, PG_DOC_MAX);
  struct doc_sink sink = {&doc, 1, 'A', 0};
  int rc = search_tokens(title, strlen(title), doc_token, &sink);
  sink.weight = 0;
  if (sink.position < PG_POSITION_MAX)
    sink.position++; /* the gap */
  if (!rc)
    rc = search_tokens(body, strlen(body), doc_token, &sink);
  if (rc) {
    buf_free(&doc);
    return ST_LIMIT;
  }
  *out = buf_detach(&doc, NULL);
  return *out ? ST_OK : ST_NOMEM;
}

struct phrase_sink {
  struct buf *out;
  size_t tokens;
};

static int phrase_token(void *ctx, const char *token, size_t len, size_t start, size_t end)
{
  struct phrase_sink *sink = ctx;
  int rc = sink->tokens++ ? buf_puts(sink->out, " <-> ") : ST_OK;
  return rc ? rc : put_lexeme(sink->out, token, len);
}

/* One spelling as a phrase; *tokens says how many it had (0: nothing was written). */
static int put_phrase(struct buf *out, const char *text, bool prefix, size_t *tokens)
{
  struct buf phrase;
  buf_init(&phrase, PG_QUERY_MAX);
  struct phrase_sink sink = {&phrase, 0};
  int rc = search_tokens(text, strlen(text), phrase_token, &sink);
  if (!rc && prefix && sink.tokens)
    rc = buf_puts(&phrase, ":*");
  *tokens = sink.tokens;
  if (!rc && sink.tokens)
    rc = buf_printf(out, "(%.*s)", (int)phrase.len, phrase.data);
  buf_free(&phrase);
  return rc;
}

/* (spelling | spelling ...); *written false when no spelling had a token. */
static int put_term(struct buf *out, const struct search_term *term, bool *written)
{
  size_t used = 0;
  int rc = buf_putc(out, '(');
  for (size_t v = 0; v < term->variant_count && !rc; v++) {
    size_t mark = out->len, tokens = 0;
    rc = used ? buf_puts(out, " | ") : ST_OK;
    if (!rc)
      rc = put_phrase(out, term->variants[v], v == 0 && (term->latin || term->lone_cjk), &tokens);
    if (!rc && !tokens) {
      out->len = mark; /* drop the separator of a spelling without tokens */
      out->data[mark] = '\0';
    }
    used += tokens ? 1 : 0;
  }
  if (!rc)
    rc = buf_putc(out, ')');
  *written = used > 0;
  return rc;
}

int pg_search_query(const struct search_term *terms, size_t count, char **out, bool *empty)
{
  struct buf query;
  buf_init(&query, PG_QUERY_MAX);
  int rc = ST_OK;
  *empty = count == 0;
  for (size_t i = 0; i < count && !rc && !*empty; i++) {
    bool written = false;
    rc = i ? buf_puts(&query, " & ") : ST_OK;
    if (!rc)
      rc = put_term(&query, &terms[i], &written);
    *empty = !written;
  }
  if (rc) {
    buf_free(&query);
    return ST_LIMIT;
  }
  *out = buf_detach(&query, NULL);
  return *out ? ST_OK : ST_NOMEM;
}
