/*
 * mustache_fold.c - a template's variant with one map's texts folded in (mustache_set_fold):
 * {{t.key}} becomes the translation's text, written as rendering would write it, and merged
 * with the literal text around it, so that a page renders fewer nodes and looks up fewer names.
 *
 * A variant is the template's node array rewritten: literal runs (text nodes and folded names
 * next to each other, within one section level) become one text node whose bytes are appended
 * to a copy of the source; every other node is copied, and sections' ends are renumbered. A run
 * never crosses a section's start or end, so a section still renders exactly its children.
 * Names inside sections are folded too: a section remembers its node in the template (orig),
 * and rendering goes back to the template's nodes for a context that holds the folded name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/mustache_internal.h"
#include "base/common.h"

/* Whether node n's value is known at load: a variable (escaped or raw) named name.key, whose key is
 * a non-empty text without line breaks in map. A line break would be indented inside a standalone
 * partial were it template text, and an empty value still writes a pending indent, so those keep
 * their lookup. */
static bool folded_value(const struct mustache_template *tpl, const struct mustache_node *n,
                         const struct view_key *name, struct view map, struct view *text)
{
  if ((n->kind != MNODE_ESCAPED && n->kind != MNODE_RAW) || n->keys != 2)
    return false;
  const struct view_key *key = &tpl->keys[n->key];
  if (key->len != name->len || key->hash != name->hash || memcmp(key->s, name->s, name->len))
    return false;
  *text = view_force(view_get_key(map, &key[1]));
  return text->type == VIEW_TEXT && text->len > 0 && !memchr(text->u.s, '\n', text->len) &&
         !memchr(text->u.s, '\r', text->len);
}

/* The rewriting's state: out's nodes so far, at[i] the variant's index of tpl's node i. */
struct folding {
  const struct mustache_template *tpl;
  struct mustache_node *nodes;
  size_t count;
  uint32_t *at;
  struct buf src;
  bool in_run; /* nodes[count - 1] is a literal run that may grow */
};

/* The literal run being written: the last node when it is one, else a new one. */
static struct mustache_node *open_run(struct folding *f)
{
  if (!f->in_run) {
    f->nodes[f->count++] = (struct mustache_node){.kind = MNODE_TEXT, .off = (uint32_t)f->src.len};
    f->in_run = true;
  }
  return &f->nodes[f->count - 1];
}

/* Adds tpl's node i to the variant: its text before it (pre) to the open literal run, then
 * the node to the run too when it is literal (text, or a folded value given in text), else
 * as it is (without its pre text: mustache_attach_text merges the runs again). at[i] is where
 * the node's first bytes went. */
static int fold_node(struct folding *f, size_t i, bool literal, struct view text)
{
  const struct mustache_node *n = &f->tpl->nodes[i];
  struct mustache_node *run = NULL;
  int rc = ST_OK;
  bool into_run = f->in_run && (n->pre_len || literal); /* first bytes go to the open run */
  f->at[i] = (uint32_t)f->count - (into_run ? 1 : 0);
  if (n->pre_len) {
    run = open_run(f);
    rc = buf_append(&f->src, f->tpl->src + n->pre_off, n->pre_len);
    run->len = (uint32_t)(f->src.len - run->off);
  }
  if (!literal) {
    f->in_run = false;
    f->nodes[f->count] = *n;
    f->nodes[f->count].pre_off = f->nodes[f->count].pre_len = 0;
    if (n->kind == MNODE_SECTION)
      f->nodes[f->count].orig = (uint32_t)i;
    f->count++;
    return rc;
  }
  run = open_run(f);
  if (!rc)
    rc = n->kind == MNODE_TEXT
             ? buf_append(&f->src, f->tpl->src + n->off, n->len)
             : mustache_put_text(&f->src, text.u.s, text.len, text.flags, n->kind == MNODE_ESCAPED);
  run->len = (uint32_t)(f->src.len - run->off);
  return rc;
}

/* Walks tpl's nodes: runs break where a section starts or ends (ends[] holds the open
 * sections' ends). */
static int fold_nodes(struct folding *f, const struct view_key *name, struct view map)
{
  const struct mustache_template *tpl = f->tpl;
  uint32_t ends[MUSTACHE_MAX_NESTING + 1];
  size_t open = 0;
  int rc = ST_OK;
  for (size_t i = 0; i < tpl->count && !rc; i++) {
    const struct mustache_node *n = &tpl->nodes[i];
    for (; open && ends[open - 1] <= i; open--)
      f->in_run = false; /* a section ended here */
    struct view text = view_missing();
    bool literal = n->kind == MNODE_TEXT || folded_value(tpl, n, name, map, &text);
    rc = fold_node(f, i, literal, text);
    if (n->kind != MNODE_SECTION && n->kind != MNODE_INVERTED)
      continue;
    if (open > MUSTACHE_MAX_NESTING)
      return ST_LIMIT;
    ends[open++] = n->end;
  }
  f->at[tpl->count] = (uint32_t)f->count;
  return rc;
}

int mustache_fold_template(const struct mustache_template *tpl, const struct view_key *name,
                           struct view map, struct mustache_template *out)
{
  struct folding f = {.tpl = tpl};
  int rc = ST_OK;
  buf_init(&f.src, 2 * (size_t)MUSTACHE_MAX_SOURCE);
  /* a node with text before it may become two: the run and the node */
  f.nodes = malloc((2 * tpl->count + 1) * sizeof(*f.nodes));
  f.at = malloc((tpl->count + 1) * sizeof(*f.at));
  if (!f.nodes || !f.at) {
    rc = ST_NOMEM;
    goto out;
  }
  rc = buf_append(&f.src, tpl->src ? tpl->src : "", tpl->src_len);
  if (!rc)
    rc = fold_nodes(&f, name, map);
  if (rc)
    goto out;
  for (size_t j = 0; j < f.count; j++)
    if (f.nodes[j].kind == MNODE_SECTION || f.nodes[j].kind == MNODE_INVERTED)
      f.nodes[j].end = f.at[f.nodes[j].end];
  rc = mustache_attach_text(f.nodes, &f.count);
  if (rc)
    goto out;
  *out = (struct mustache_template){.src = f.src.data,
                                    .src_len = f.src.len,
                                    .nodes = f.nodes,
                                    .count = f.count,
                                    .keys = tpl->keys,
                                    .key_count = tpl->key_count,
                                    .unfolded = tpl};
  f.src.data = NULL;
  f.nodes = NULL;
out:
  buf_free(&f.src);
  free(f.nodes);
  free(f.at);
  return rc;
}

void mustache_unfold_template(struct mustache_template *tpl)
{
  for (size_t k = 0; k < tpl->fold_count; k++) {
    free(tpl->folds[k].src);
    free(tpl->folds[k].nodes);
  }
  free(tpl->folds);
  tpl->folds = NULL;
  tpl->fold_count = 0;
}
