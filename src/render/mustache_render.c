/*
 * mustache_render.c - walks a compiled template against a context stack of views (view.h),
 * which may hold jansson values walked in place.
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

#include "render/mustache_internal.h"
#include "base/common.h"
#include "render/html.h"

/* A context pushed by a section; the frames chain down to the caller's stack array. */
struct frame {
  struct view value;
  const struct frame *below;
};

struct render {
  const struct mustache_set *set;
  const struct view *base; /* the caller's stack: base[nbase - 1] is searched first */
  size_t nbase;
  const struct frame *top;
  struct buf *out;
  const struct view_key *fold_key; /* the set's folded name (mustache_set_fold_key) */
  /* the set's folded variant being rendered (index + 1), or 0: while it is not 0, no context
   * on the stack above the caller's holds the folded name (render_with checks each) */
  uint32_t fold;
  unsigned partial_depth;
  unsigned depth;  /* sections and partials being rendered inside each other */
  bool line_start; /* the next literal character begins a line of an indented partial */
  size_t indent_len;
  char indent[MUSTACHE_MAX_INDENT];
};

enum {
  MUSTACHE_MAX_DEPTH = 4 * MUSTACHE_MAX_NESTING + MUSTACHE_MAX_PARTIAL_DEPTH,
  MUSTACHE_FIRST_OUTPUT =
      8 * 1024 - 1 /* bytes first reserved in an empty output buffer (and its NUL) */
};

static int render_nodes(struct render *r, const struct mustache_template *tpl, size_t begin,
                        size_t end);

static struct view top_value(const struct render *r)
{
  if (r->top)
    return r->top->value;
  return r->nbase ? view_force(r->base[r->nbase - 1]) : view_missing();
}

/* Whether a context can hold names: a map, a jansson value (an object) or a lazy value (it may
 * compute one). The contexts pushed by sections on true, a number or a text (has_files,
 * in_correction) cannot, and are passed over without a call. */
static inline bool may_hold_names(struct view v)
{
  return v.type == VIEW_MAP || v.type == VIEW_JSON || v.type == VIEW_LAZY;
}

/* The first context, from the top of the stack down, that is a map holding key. */
static struct view find_in_stack(const struct render *r, const struct view_key *key)
{
  struct view v;
  for (const struct frame *f = r->top; f; f = f->below)
    if (may_hold_names(f->value) && (v = view_get_key(f->value, key)).type != VIEW_MISSING)
      return v;
  for (size_t i = r->nbase; i-- > 0;)
    if ((v = view_get_key(r->base[i], key)).type != VIEW_MISSING)
      return v;
  return view_missing();
}

/* Resolves a node's name from its parts (split at compile time): the first part searches the
 * stack, later parts look only inside the value found so far. VIEW_MISSING when any part is
 * missing. */
static struct view node_value(const struct render *r, const struct mustache_template *tpl,
                              const struct mustache_node *n)
{
  if (n->keys == 0)
    return top_value(r);
  const struct view_key *key = &tpl->keys[n->key];
  struct view v = find_in_stack(r, key);
  for (uint32_t i = 1; i < n->keys && v.type != VIEW_MISSING; i++)
    v = view_get_key(v, &key[i]);
  return v;
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
    return html_append(r->out, s, len);
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

/* Template text: appended without a call outside indented partials. */
static inline int put_literal(struct render *r, const char *s, size_t len)
{
  return r->indent_len ? put_text(r, s, len) : html_append(r->out, s, len);
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

static int put_json_value(struct render *r, const json_t *v, bool escape)
{
  switch (json_typeof(v)) {
  case JSON_STRING:
    if (escape)
      return html_escape_append(r->out, json_string_value(v), json_string_length(v));
    return buf_append(r->out, json_string_value(v), json_string_length(v));
  case JSON_INTEGER:
    return buf_put_int(r->out, json_integer_value(v));
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

static int put_value(struct render *r, struct view v, bool escape)
{
  v = view_force(v);
  int rc = flush_indent(r);
  if (rc)
    return rc;
  /* most values are texts that need no escaping: found by one scan, written by one inline
   * append; tested before the switch, whose jump the other types take */
  if (v.type == VIEW_TEXT)
    return mustache_put_text(r->out, v.u.s, v.len, v.flags, escape);
  switch (v.type) {
  case VIEW_INT:
    return buf_put_int(r->out, v.u.i);
  case VIEW_TRUE:
    return buf_puts(r->out, "true");
  case VIEW_FALSE:
    return buf_puts(r->out, "false");
  case VIEW_JSON:
    return put_json_value(r, v.u.json, escape);
  default:
    return ST_OK; /* missing, null, maps and lists print nothing */
  }
}

static int render_with(struct render *r, struct view value, const struct mustache_template *tpl,
                       size_t begin, size_t end)
{
  struct frame f = {value, r->top};
  r->top = &f;
  int rc = render_nodes(r, tpl, begin, end);
  r->top = f.below;
  return rc;
}

/* Section node i's children with value as their context. In a folded variant, a context that
 * holds the folded name (it would shadow the folded map) gets the template's own children,
 * rendered by lookup, with no variant below it. */
static int render_context(struct render *r, struct view value, const struct mustache_template *tpl,
                          size_t i)
{
  const struct mustache_node *n = &tpl->nodes[i];
  /* only a map or a jansson object can hold the name (true, a text, a list's item that is not
   * a map: no lookup) */
  if (!tpl->unfolded || !may_hold_names(value) ||
      view_get_key(value, r->fold_key).type == VIEW_MISSING)
    return render_with(r, value, tpl, i + 1, n->end);
  const struct mustache_template *own = tpl->unfolded;
  uint32_t fold = r->fold;
  r->fold = 0;
  int rc = render_with(r, value, own, n->orig + 1, own->nodes[n->orig].end);
  r->fold = fold;
  return rc;
}

/* view_truthy, with the values sections mostly test (a missing name, true, false, a map, a
 * text) answered without a call. */
static inline bool truthy(struct view v)
{
  if (v.type <= VIEW_FALSE)
    return false; /* missing, null, false */
  if (v.type == VIEW_TRUE || v.type == VIEW_MAP || v.type == VIEW_INT)
    return true;
  return v.type == VIEW_TEXT ? v.len > 0 : view_truthy(v);
}

static int render_section(struct render *r, const struct mustache_template *tpl, size_t i)
{
  const struct mustache_node *n = &tpl->nodes[i];
  struct view v = view_force(node_value(r, tpl, n));
  int rc = ST_OK;
  if (!truthy(v))
    return ST_OK;
  if (v.type != VIEW_LIST && !(v.type == VIEW_JSON && json_is_array(v.u.json)))
    return render_context(r, v, tpl, i);
  size_t count = view_count(v);
  for (size_t k = 0; k < count && !rc; k++)
    rc = render_context(r, view_item(v, k), tpl, i);
  return rc;
}

/* The partial a node names: its own name, or for {{>*name}} the string the name resolves to. */
static const struct mustache_template *partial_of(const struct render *r,
                                                  const struct mustache_template *tpl,
                                                  const struct mustache_node *n)
{
  if (!(n->flags & MFLAG_DYNAMIC))
    return n->partial ? mustache_set_item(r->set, n->partial - 1) : NULL;
  struct view v = view_force(node_value(r, tpl, n));
  if (v.type == VIEW_TEXT)
    return mustache_set_find(r->set, v.u.s, v.len);
  if (v.type != VIEW_JSON || !json_is_string(v.u.json))
    return NULL;
  return mustache_set_find(r->set, json_string_value(v.u.json), json_string_length(v.u.json));
}

static int render_partial(struct render *r, const struct mustache_template *tpl,
                          const struct mustache_node *n)
{
  const struct mustache_template *partial = partial_of(r, tpl, n);
  size_t saved_indent = r->indent_len;
  int rc = ST_OK;
  if (!partial)
    return ST_OK; /* a missing partial renders as nothing, as the spec says */
  /* r->fold: no context above the caller's shadows the map the variant was made for */
  if (r->fold && partial->folds)
    partial = &partial->folds[r->fold - 1];
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

/* The nodes that open a block or call a partial (not text, not a variable). */
static int render_block(struct render *r, const struct mustache_template *tpl, size_t i)
{
  const struct mustache_node *n = &tpl->nodes[i];
  switch (n->kind) {
  case MNODE_SECTION:
    return render_section(r, tpl, i);
  case MNODE_INVERTED:
    if (truthy(view_force(node_value(r, tpl, n))))
      return ST_OK;
    return render_nodes(r, tpl, i + 1, n->end);
  case MNODE_PARTIAL:
    return render_partial(r, tpl, n);
  default:
    return ST_INVALID;
  }
}

/* Text and variables, most of a page's nodes, are told apart by two tests rather than a jump
 * through a table (which a processor mispredicts whenever the kind differs from the last
 * node's); the text before a node is merged into it at load (mustache_attach_text), and
 * literal text outside indented partials is appended here without a call. */
static int render_nodes(struct render *r, const struct mustache_template *tpl, size_t begin,
                        size_t end)
{
  int rc = ST_OK;
  if (r->depth >= MUSTACHE_MAX_DEPTH)
    return ST_LIMIT;
  r->depth++;
  for (size_t i = begin; i < end && !rc;) {
    const struct mustache_node *n = &tpl->nodes[i];
    if (n->kind == MNODE_TEXT) {
      rc = put_literal(r, tpl->src + n->off, n->len);
      i++;
      continue;
    }
    if (n->pre_len) /* the text before the node, merged into it at load */
      rc = put_literal(r, tpl->src + n->pre_off, n->pre_len);
    if (rc)
      break;
    if (n->kind == MNODE_ESCAPED || n->kind == MNODE_RAW) {
      rc = put_value(r, node_value(r, tpl, n), n->kind == MNODE_ESCAPED);
      i++;
    } else {
      rc = render_block(r, tpl, i);
      i = n->kind == MNODE_SECTION || n->kind == MNODE_INVERTED ? n->end : i + 1;
    }
  }
  r->depth--;
  return rc;
}

int mustache_render_template(const struct mustache_set *set, const struct mustache_template *tpl,
                             const struct view *stack, size_t count, struct buf *out)
{
  struct render r = {.set = set,
                     .base = stack,
                     .nbase = count,
                     .out = out,
                     .fold_key = mustache_set_fold_key(set)};
  r.fold = mustache_set_fold_of(set, stack, count);
  if (r.fold && tpl->folds)
    tpl = &tpl->folds[r.fold - 1];
  size_t start = out->len;
  int rc = ST_OK;
  /* A fresh buffer gets room for a page at once, instead of growing (and copying) by doubling
   * from 1 KB as the page is written. */
  if (!out->data && buf_extend(out, MUSTACHE_FIRST_OUTPUT)) {
    out->len = start;
    out->data[start] = '\0';
  }
  rc = render_nodes(&r, tpl, 0, tpl->count);
  if (rc) {
    /* Leave out as it was: a half-rendered page must not be sent. */
    out->len = start;
    if (out->data)
      out->data[start] = '\0';
  }
  return rc;
}
