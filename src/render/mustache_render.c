/*
 * mustache_render.c - walks a compiled template against a context stack of jansson values.
 *
 * Rendering keeps all its state in one struct on the caller's stack: the context frames pushed
 * by sections live in the stack frames of the recursive calls, and the indent of standalone
 * partials lives in a fixed array. Nothing is allocated except the output buffer's growth, and
 * nothing global is written, so any number of threads may render from one set.
 *
 * Truthiness: missing values, null, false, the empty array and the empty string are false;
 * everything else (including 0) is true. An array section renders once per element.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "render/mustache_internal.h"
#include "base/common.h"

/* A context pushed by a section; the frames chain down to the caller's stack array. */
struct frame {
  json_t *value;
  const struct frame *below;
};

struct render {
  const struct mustache_set *set;
  json_t *const *base; /* the caller's stack: base[nbase - 1] is searched first */
  size_t nbase;
  const struct frame *top;
  struct buf *out;
  unsigned partial_depth;
  unsigned depth;  /* sections and partials being rendered inside each other */
  bool line_start; /* the next literal character begins a line of an indented partial */
  size_t indent_len;
  char indent[MUSTACHE_MAX_INDENT];
};

enum { MUSTACHE_MAX_DEPTH = 4 * MUSTACHE_MAX_NESTING + MUSTACHE_MAX_PARTIAL_DEPTH };

static int render_nodes(struct render *r, const struct mustache_template *tpl, size_t begin,
                        size_t end);

static json_t *top_value(const struct render *r)
{
  if (r->top)
    return r->top->value;
  return r->nbase ? r->base[r->nbase - 1] : NULL;
}

/* The first context, from the top of the stack down, that is an object holding key. */
static json_t *find_in_stack(const struct render *r, const char *key, size_t len)
{
  json_t *v;
  for (const struct frame *f = r->top; f; f = f->below)
    if (json_is_object(f->value) && (v = json_object_getn(f->value, key, len)))
      return v;
  for (size_t i = r->nbase; i-- > 0;)
    if (json_is_object(r->base[i]) && (v = json_object_getn(r->base[i], key, len)))
      return v;
  return NULL;
}

/* Resolves a (possibly dotted) name: the first part searches the stack, later parts look only
 * inside the value found so far. NULL when any part is missing. */
static json_t *lookup(const struct render *r, const char *name, size_t len)
{
  if (len == 1 && name[0] == '.')
    return top_value(r);
  const char *dot = memchr(name, '.', len);
  size_t part = dot ? (size_t)(dot - name) : len;
  json_t *v = find_in_stack(r, name, part);
  while (v && dot) {
    name = dot + 1;
    len -= part + 1;
    dot = memchr(name, '.', len);
    part = dot ? (size_t)(dot - name) : len;
    v = json_is_object(v) ? json_object_getn(v, name, part) : NULL;
  }
  return v;
}

static json_t *node_value(const struct render *r, const struct mustache_template *tpl,
                          const struct mustache_node *n)
{
  return lookup(r, tpl->src + n->off, n->len);
}

static bool truthy(const json_t *v)
{
  if (!v)
    return false;
  switch (json_typeof(v)) {
  case JSON_NULL:
  case JSON_FALSE:
    return false;
  case JSON_ARRAY:
    return json_array_size(v) > 0;
  case JSON_STRING:
    return json_string_length(v) > 0;
  default:
    return true;
  }
}

static int flush_indent(struct render *r)
{
  if (!r->line_start)
    return ST_OK;
  r->line_start = false;
  return buf_append(r->out, r->indent, r->indent_len);
}

/* Literal template text; inside a standalone partial every line gets the partial's indent
 * (empty lines stay empty). */
static int put_text(struct render *r, const char *s, size_t len)
{
  if (r->indent_len == 0)
    return buf_append(r->out, s, len);
  while (len) {
    int rc = s[0] != '\n' && s[0] != '\r' ? flush_indent(r) : ST_OK;
    const char *nl = memchr(s, '\n', len);
    size_t n = nl ? (size_t)(nl - s) + 1 : len;
    if (!rc)
      rc = buf_append(r->out, s, n);
    if (rc)
      return rc;
    r->line_start = nl != NULL;
    s += n;
    len -= n;
  }
  return ST_OK;
}

/* 0xE2 leads the bidirectional controls: a marker, checked in put_escaped. */
static const char *const html_escapes[256] = {['&'] = "&amp;",  ['<'] = "&lt;",   ['>'] = "&gt;",
                                              ['"'] = "&quot;", ['\''] = "&#39;", [0xE2] = ""};

/* Escapes s for HTML. A bidirectional embedding, override or isolate control (U+202A..U+202E,
 * U+2066..U+2069), which input never accepts (str_valid_text) but older or imported text may
 * hold, is shown as U+FFFD: it cannot reorder the page around it. */
static int put_escaped(struct buf *out, const char *s, size_t len)
{
  size_t run = 0;
  int rc = ST_OK;
  for (size_t i = 0; i < len && !rc; i++) {
    const char *rep = html_escapes[(unsigned char)s[i]];
    if (!rep)
      continue;
    size_t skip = 0;
    if ((unsigned char)s[i] == 0xE2) {
      if (i + 2 >= len || !str_has_bidi_control((struct str){s + i, 3}))
        continue;
      rep = "\xEF\xBF\xBD";
      skip = 2;
    }
    rc = buf_append(out, s + run, i - run);
    if (!rc)
      rc = buf_puts(out, rep);
    i += skip;
    run = i + 1;
  }
  if (!rc)
    rc = buf_append(out, s + run, len - run);
  return rc;
}

/* The shortest decimal that reads back as the same double: 1.21 prints as "1.21". */
static int put_real(struct buf *out, double d)
{
  char tmp[40];
  for (int precision = 1; precision <= 17; precision++) {
    snprintf(tmp, sizeof(tmp), "%.*g", precision, d);
    if (strtod(tmp, NULL) == d)
      break;
  }
  return buf_puts(out, tmp);
}

static int put_value(struct render *r, const json_t *v, bool escape)
{
  int rc = flush_indent(r);
  if (rc || !v)
    return rc;
  switch (json_typeof(v)) {
  case JSON_STRING:
    if (escape)
      return put_escaped(r->out, json_string_value(v), json_string_length(v));
    return buf_append(r->out, json_string_value(v), json_string_length(v));
  case JSON_INTEGER:
    return buf_printf(r->out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
  case JSON_REAL:
    return put_real(r->out, json_real_value(v));
  case JSON_TRUE:
    return buf_puts(r->out, "true");
  case JSON_FALSE:
    return buf_puts(r->out, "false");
  default:
    return ST_OK; /* null, objects and arrays print nothing */
  }
}

static int render_with(struct render *r, json_t *value, const struct mustache_template *tpl,
                       size_t begin, size_t end)
{
  struct frame f = {value, r->top};
  r->top = &f;
  int rc = render_nodes(r, tpl, begin, end);
  r->top = f.below;
  return rc;
}

static int render_section(struct render *r, const struct mustache_template *tpl, size_t i)
{
  const struct mustache_node *n = &tpl->nodes[i];
  json_t *v = node_value(r, tpl, n);
  int rc = ST_OK;
  if (!truthy(v))
    return ST_OK;
  if (!json_is_array(v))
    return render_with(r, v, tpl, i + 1, n->end);
  for (size_t k = 0; k < json_array_size(v) && !rc; k++)
    rc = render_with(r, json_array_get(v, k), tpl, i + 1, n->end);
  return rc;
}

/* The partial a node names: its own name, or for {{>*name}} the string the name resolves to. */
static const struct mustache_template *partial_of(const struct render *r,
                                                  const struct mustache_template *tpl,
                                                  const struct mustache_node *n)
{
  if (!(n->flags & MFLAG_DYNAMIC))
    return mustache_set_find(r->set, tpl->src + n->off, n->len);
  json_t *v = node_value(r, tpl, n);
  if (!json_is_string(v))
    return NULL;
  return mustache_set_find(r->set, json_string_value(v), json_string_length(v));
}

static int render_partial(struct render *r, const struct mustache_template *tpl,
                          const struct mustache_node *n)
{
  const struct mustache_template *partial = partial_of(r, tpl, n);
  size_t saved_indent = r->indent_len;
  int rc = ST_OK;
  if (!partial)
    return ST_OK; /* a missing partial renders as nothing, as the spec says */
  if (r->partial_depth >= MUSTACHE_MAX_PARTIAL_DEPTH)
    return ST_LIMIT;
  if (n->flags & MFLAG_STANDALONE) {
    if (sizeof(r->indent) - r->indent_len < n->indent_len)
      return ST_LIMIT;
    memcpy(r->indent + r->indent_len, tpl->src + n->indent_off, n->indent_len);
    r->indent_len += n->indent_len;
    r->line_start = true;
  } else {
    rc = flush_indent(r);
    r->indent_len = 0; /* an inline partial is not indented */
  }
  r->partial_depth++;
  if (!rc)
    rc = render_nodes(r, partial, 0, partial->count);
  r->partial_depth--;
  r->indent_len = saved_indent;
  if (!(n->flags & MFLAG_STANDALONE))
    r->line_start = false;
  return rc;
}

static int render_node(struct render *r, const struct mustache_template *tpl, size_t i)
{
  const struct mustache_node *n = &tpl->nodes[i];
  switch (n->kind) {
  case MNODE_TEXT:
    return put_text(r, tpl->src + n->off, n->len);
  case MNODE_ESCAPED:
    return put_value(r, node_value(r, tpl, n), true);
  case MNODE_RAW:
    return put_value(r, node_value(r, tpl, n), false);
  case MNODE_SECTION:
    return render_section(r, tpl, i);
  case MNODE_INVERTED:
    if (truthy(node_value(r, tpl, n)))
      return ST_OK;
    return render_nodes(r, tpl, i + 1, n->end);
  case MNODE_PARTIAL:
    return render_partial(r, tpl, n);
  default:
    return ST_INVALID;
  }
}

static int render_nodes(struct render *r, const struct mustache_template *tpl, size_t begin,
                        size_t end)
{
  int rc = ST_OK;
  if (r->depth >= MUSTACHE_MAX_DEPTH)
    return ST_LIMIT;
  r->depth++;
  for (size_t i = begin; i < end && !rc;) {
    const struct mustache_node *n = &tpl->nodes[i];
    rc = render_node(r, tpl, i);
    i = n->kind == MNODE_SECTION || n->kind == MNODE_INVERTED ? n->end : i + 1;
  }
  r->depth--;
  return rc;
}

int mustache_render_template(const struct mustache_set *set, const struct mustache_template *tpl,
                             json_t *const *stack, size_t count, struct buf *out)
{
  struct render r = {.set = set, .base = stack, .nbase = count, .out = out};
  size_t start = out->len;
  int rc = render_nodes(&r, tpl, 0, tpl->count);
  if (rc) {
    /* Leave out as it was: a half-rendered page must not be sent. */
    out->len = start;
    if (out->data)
      out->data[start] = '\0';
  }
  return rc;
}
