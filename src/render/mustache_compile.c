/*
 * mustache_compile.c - turns mustache source into the flat node array of mustache_internal.h.
 *
 * The compiler applies the spec's whitespace rules once, here: a section, inverted, close,
 * comment, partial or set-delimiter tag that stands alone on its line takes the whole line with
 * it (its leading whitespace and its line ending). A standalone partial keeps that leading
 * whitespace as its indent, which the renderer puts before every line of the partial.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/mustache_internal.h"
#include "base/common.h"

struct tag {
  size_t start;      /* offset of the opening delimiter */
  size_t end;        /* offset just past the closing delimiter */
  char type;         /* '!', '#', '^', '/', '>', '=', '&', '{', '$', '<' or 0 for a variable */
  size_t name_off;   /* the trimmed content after the type character */
  size_t name_len;   /* ... */
  size_t line_start; /* standalone: where the tag's line begins */
  size_t next;       /* standalone: where the next line begins */
  bool standalone;
};

struct parser {
  struct mustache_template *tpl;
  const char *src;
  size_t len;
  size_t pos;        /* where scanning for the next tag continues */
  size_t text_start; /* start of literal text not yet emitted */
  char open[MUSTACHE_MAX_DELIMITER];
  size_t open_len;
  char close[MUSTACHE_MAX_DELIMITER + 1]; /* room for the '}' or '=' before the delimiter */
  size_t close_len;
  struct mustache_node *nodes;
  size_t count;
  size_t cap;
  struct view_key *keys;
  size_t key_count;
  size_t key_cap;
  uint32_t sections[MUSTACHE_MAX_NESTING]; /* indices of the sections still open */
  size_t depth;
  char *err;
  size_t err_size;
};

static bool is_blank(char c)
{
  return c == ' ' || c == '\t';
}

static bool is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static size_t line_of(const char *src, size_t pos)
{
  size_t line = 1;
  for (size_t i = 0; i < pos; i++)
    if (src[i] == '\n')
      line++;
  return line;
}

/* Writes "template 'name' line N: what" into the caller's err and returns ST_INVALID. */
static int fail(struct parser *p, size_t pos, const char *what)
{
  if (p->err && p->err_size)
    snprintf(p->err, p->err_size, "template '%s' line %zu: %s", p->tpl->name, line_of(p->src, pos),
             what);
  return ST_INVALID;
}

static const char *find(const char *hay, size_t hay_len, const char *needle, size_t needle_len)
{
  if (needle_len == 0 || hay_len < needle_len)
    return NULL;
  const char *last = hay + (hay_len - needle_len);
  for (const char *s = hay; s <= last; s++) {
    s = memchr(s, needle[0], (size_t)(last - s) + 1);
    if (!s)
      return NULL;
    if (memcmp(s, needle, needle_len) == 0)
      return s;
  }
  return NULL;
}

static int push_node(struct parser *p, enum mustache_kind kind, size_t off, size_t len)
{
  if (p->count == p->cap) {
    size_t cap = p->cap ? p->cap * 2 : 16;
    struct mustache_node *nodes = realloc(p->nodes, cap * sizeof(*nodes));
    if (!nodes)
      return ST_NOMEM;
    p->nodes = nodes;
    p->cap = cap;
  }
  p->nodes[p->count++] =
      (struct mustache_node){.kind = (uint8_t)kind, .off = (uint32_t)off, .len = (uint32_t)len};
  return ST_OK;
}

static int push_key(struct parser *p, const char *name, size_t len)
{
  if (p->key_count == p->key_cap) {
    size_t cap = p->key_cap ? p->key_cap * 2 : 16;
    struct view_key *keys = realloc(p->keys, cap * sizeof(*keys));
    if (!keys)
      return ST_NOMEM;
    p->keys = keys;
    p->key_cap = cap;
  }
  p->keys[p->key_count++] = view_key(name, len);
  return ST_OK;
}

/* Splits the name of the node just pushed at its dots into view keys (a part may be empty,
 * and then finds nothing, as "a..b" always did); "." alone has no parts. */
static int add_keys(struct parser *p)
{
  struct mustache_node *n = &p->nodes[p->count - 1];
  const char *name = p->src + n->off;
  size_t len = n->len;
  if (p->key_count >= UINT32_MAX - len)
    return fail(p, n->off, "template too large");
  n->key = (uint32_t)p->key_count;
  if (len == 1 && name[0] == '.')
    return ST_OK;
  for (;;) {
    const char *dot = memchr(name, '.', len);
    size_t part = dot ? (size_t)(dot - name) : len;
    int rc = push_key(p, name, part);
    if (rc)
      return rc;
    n->keys++;
    if (!dot)
      return ST_OK;
    name = dot + 1;
    len -= part + 1;
  }
}

static int emit_text(struct parser *p, size_t end)
{
  if (end <= p->text_start)
    return ST_OK;
  return push_node(p, MNODE_TEXT, p->text_start, end - p->text_start);
}

static bool can_stand_alone(char type)
{
  return type && strchr("!#^/>=", type) != NULL;
}

/* A tag stands alone when only blanks precede it on its line and only blanks and a line
 * ending (or the end of the template) follow it. */
static void check_standalone(const struct parser *p, struct tag *t)
{
  size_t i = t->start;
  while (i > 0 && is_blank(p->src[i - 1]))
    i--;
  if (i > 0 && p->src[i - 1] != '\n')
    return;
  size_t j = t->end;
  while (j < p->len && is_blank(p->src[j]))
    j++;
  if (j < p->len && p->src[j] == '\n')
    j++;
  else if (j + 1 < p->len && p->src[j] == '\r' && p->src[j + 1] == '\n')
    j += 2;
  else if (j != p->len)
    return;
  t->standalone = true;
  t->line_start = i;
  t->next = j;
}

static void trim(const char *src, size_t *off, size_t *len)
{
  while (*len && is_space(src[*off])) {
    (*off)++;
    (*len)--;
  }
  while (*len && is_space(src[*off + *len - 1]))
    (*len)--;
}

/* Reads the tag whose opening delimiter is at start: its type, trimmed name and end. */
static int read_tag(struct parser *p, size_t start, struct tag *t)
{
  char close[MUSTACHE_MAX_DELIMITER + 1];
  size_t close_len = 0;
  size_t cs = start + p->open_len;
  *t = (struct tag){.start = start};
  if (cs < p->len && p->src[cs] != '\0' && strchr("!#^/>=&{$<", p->src[cs]))
    t->type = p->src[cs++];
  if (t->type == '{' || t->type == '=')
    close[close_len++] = t->type == '{' ? '}' : '=';
  memcpy(close + close_len, p->close, p->close_len);
  close_len += p->close_len;
  const char *hit = find(p->src + cs, p->len - cs, close, close_len);
  if (!hit)
    return fail(p, start, "unclosed tag");
  t->name_off = cs;
  t->name_len = (size_t)(hit - (p->src + cs));
  t->end = (size_t)(hit - p->src) + close_len;
  trim(p->src, &t->name_off, &t->name_len);
  if (can_stand_alone(t->type))
    check_standalone(p, t);
  return ST_OK;
}

static bool has_space(const char *s, size_t len)
{
  for (size_t i = 0; i < len; i++)
    if (is_space(s[i]))
      return true;
  return false;
}

static int check_name(struct parser *p, const struct tag *t)
{
  if (t->name_len == 0)
    return fail(p, t->start, "empty tag name");
  if (has_space(p->src + t->name_off, t->name_len))
    return fail(p, t->start, "tag name contains whitespace");
  return ST_OK;
}

/* {{=<% %>=}}: two delimiters separated by whitespace, neither containing '=' or whitespace. */
static int set_delimiters(struct parser *p, const struct tag *t)
{
  const char *s = p->src + t->name_off;
  size_t n = t->name_len;
  size_t a = 0;
  while (a < n && !is_space(s[a]))
    a++;
  size_t b = a;
  while (b < n && is_space(s[b]))
    b++;
  size_t close_len = n - b;
  if (a == 0 || close_len == 0 || a > MUSTACHE_MAX_DELIMITER ||
      close_len > MUSTACHE_MAX_DELIMITER || has_space(s + b, close_len) || memchr(s, '=', a) ||
      memchr(s + b, '=', close_len))
    return fail(p, t->start, "bad set-delimiter tag");
  memcpy(p->open, s, a);
  p->open_len = a;
  memcpy(p->close, s + b, close_len);
  p->close_len = close_len;
  return ST_OK;
}

static int open_section(struct parser *p, const struct tag *t, enum mustache_kind kind)
{
  int rc = check_name(p, t);
  if (rc)
    return rc;
  if (p->depth == MUSTACHE_MAX_NESTING)
    return fail(p, t->start, "sections nested too deeply");
  if (p->count >= UINT32_MAX)
    return fail(p, t->start, "template too large");
  p->sections[p->depth++] = (uint32_t)p->count;
  rc = push_node(p, kind, t->name_off, t->name_len);
  return rc ? rc : add_keys(p);
}

static int close_section(struct parser *p, const struct tag *t)
{
  char msg[160];
  if (p->depth == 0)
    return fail(p, t->start, "close tag without an open section");
  struct mustache_node *open = &p->nodes[p->sections[p->depth - 1]];
  if (open->len != t->name_len || memcmp(p->src + open->off, p->src + t->name_off, open->len)) {
    snprintf(msg, sizeof(msg), "close tag '%.*s' does not match open section '%.*s'",
             (int)(t->name_len > 60 ? 60 : t->name_len), p->src + t->name_off,
             (int)(open->len > 60 ? 60 : open->len), p->src + open->off);
    return fail(p, t->start, msg);
  }
  open->end = (uint32_t)p->count;
  p->depth--;
  return ST_OK;
}

/* {{>name}} or {{>*name}}; a standalone partial remembers its indent. */
static int add_partial(struct parser *p, struct tag *t)
{
  uint8_t flags = 0;
  if (t->name_len && p->src[t->name_off] == '*') {
    flags |= MFLAG_DYNAMIC;
    t->name_off++;
    t->name_len--;
    trim(p->src, &t->name_off, &t->name_len);
  }
  int rc = check_name(p, t);
  if (!rc)
    rc = push_node(p, MNODE_PARTIAL, t->name_off, t->name_len);
  if (rc)
    return rc;
  struct mustache_node *node = &p->nodes[p->count - 1];
  node->flags = flags;
  rc = flags & MFLAG_DYNAMIC ? add_keys(p) : ST_OK;
  if (rc)
    return rc;
  if (t->standalone) {
    node->flags |= MFLAG_STANDALONE;
    node->indent_off = (uint32_t)t->line_start;
    node->indent_len = (uint32_t)(t->start - t->line_start);
  }
  return ST_OK;
}

static int add_variable(struct parser *p, const struct tag *t, enum mustache_kind kind)
{
  int rc = check_name(p, t);
  if (!rc)
    rc = push_node(p, kind, t->name_off, t->name_len);
  return rc ? rc : add_keys(p);
}

static int handle_tag(struct parser *p, struct tag *t)
{
  switch (t->type) {
  case '!':
    return ST_OK;
  case '=':
    return set_delimiters(p, t);
  case '#':
    return open_section(p, t, MNODE_SECTION);
  case '^':
    return open_section(p, t, MNODE_INVERTED);
  case '/':
    return close_section(p, t);
  case '>':
    return add_partial(p, t);
  case '$':
  case '<':
    return fail(p, t->start, "template inheritance ({{<parent}}, {{$block}}) is not supported");
  case '&':
  case '{':
    return add_variable(p, t, MNODE_RAW);
  default:
    return add_variable(p, t, MNODE_ESCAPED);
  }
}

static int parse(struct parser *p)
{
  int rc = ST_OK;
  for (;;) {
    const char *hit = find(p->src + p->pos, p->len - p->pos, p->open, p->open_len);
    if (!hit)
      break;
    struct tag t;
    rc = read_tag(p, (size_t)(hit - p->src), &t);
    if (!rc)
      rc = emit_text(p, t.standalone ? t.line_start : t.start);
    if (!rc)
      rc = handle_tag(p, &t);
    if (rc)
      return rc;
    p->pos = p->text_start = t.standalone ? t.next : t.end;
  }
  rc = emit_text(p, p->len);
  if (!rc && p->depth > 0) {
    char msg[120];
    const struct mustache_node *open = &p->nodes[p->sections[p->depth - 1]];
    snprintf(msg, sizeof(msg), "unclosed section '%.*s'", (int)(open->len > 60 ? 60 : open->len),
             p->src + open->off);
    /* Point at the opening tag: its name lies on the tag's line. */
    rc = fail(p, open->off, msg);
  }
  return rc;
}

/* Whether text node i moves into node i + 1: that node is not text and is not past the end of
 * the innermost open section (whose end is inner, 0 when none is open). */
static bool text_moves(const struct mustache_node *nodes, size_t n, size_t i, uint32_t inner)
{
  return nodes[i].kind == MNODE_TEXT && i + 1 < n && nodes[i + 1].kind != MNODE_TEXT &&
         inner != i + 1;
}

/* Sections' ends from old indexes to new (at). */
static void renumber_ends(struct mustache_node *nodes, size_t count, const uint32_t *at)
{
  for (size_t j = 0; j < count; j++)
    if (nodes[j].kind == MNODE_SECTION || nodes[j].kind == MNODE_INVERTED)
      nodes[j].end = at[nodes[j].end];
}

int mustache_attach_text(struct mustache_node *nodes, size_t *count)
{
  size_t n = *count, out = 0;
  uint32_t ends[MUSTACHE_MAX_NESTING + 1]; /* the open sections' ends (old indexes) */
  size_t open = 0;
  uint32_t *at = malloc((n + 1) * sizeof(*at)); /* old index -> new index */
  if (!at)
    return ST_NOMEM;
  for (size_t i = 0; i < n; i++) {
    struct mustache_node node = nodes[i];
    for (; open && ends[open - 1] <= i; open--)
      ;
    at[i] = (uint32_t)out;
    if (text_moves(nodes, n, i, open ? ends[open - 1] : 0)) {
      nodes[i + 1].pre_off = node.off; /* i + 1 > out: not yet moved */
      nodes[i + 1].pre_len = node.len;
      continue;
    }
    nodes[out++] = node;
    if (node.kind != MNODE_SECTION && node.kind != MNODE_INVERTED)
      continue;
    if (open > MUSTACHE_MAX_NESTING) {
      free(at);
      return ST_LIMIT;
    }
    ends[open++] = node.end;
  }
  at[n] = (uint32_t)out;
  renumber_ends(nodes, out, at);
  *count = out;
  free(at);
  return ST_OK;
}

void mustache_template_clear(struct mustache_template *tpl)
{
  free(tpl->src);
  free(tpl->nodes);
  free(tpl->keys);
  tpl->src = NULL;
  tpl->nodes = NULL;
  tpl->keys = NULL;
  tpl->src_len = 0;
  tpl->count = 0;
  tpl->key_count = 0;
}

int mustache_compile(struct mustache_template *tpl, const char *src, size_t len, char *err,
                     size_t err_size)
{
  struct parser p = {.tpl = tpl, .err = err, .err_size = err_size};
  int rc = ST_OK;
  mustache_template_clear(tpl);
  if (len > MUSTACHE_MAX_SOURCE) {
    if (err && err_size)
      snprintf(err, err_size, "template '%s': larger than %d bytes", tpl->name,
               MUSTACHE_MAX_SOURCE);
    return ST_LIMIT;
  }
  tpl->src = malloc(len + 1);
  if (!tpl->src)
    return ST_NOMEM;
  if (len)
    memcpy(tpl->src, src, len);
  tpl->src[len] = '\0';
  tpl->src_len = len;
  p.src = tpl->src;
  p.len = len;
  memcpy(p.open, "{{", 2);
  memcpy(p.close, "}}", 2);
  p.open_len = p.close_len = 2;
  rc = parse(&p);
  if (!rc)
    rc = mustache_attach_text(p.nodes, &p.count);
  if (rc)
    goto out;
  tpl->nodes = p.nodes;
  tpl->count = p.count;
  tpl->keys = p.keys;
  tpl->key_count = p.key_count;
  p.nodes = NULL;
  p.keys = NULL;
out:
  free(p.nodes);
  free(p.keys);
  if (rc)
    mustache_template_clear(tpl);
  return rc;
}
