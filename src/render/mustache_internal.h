/*
 * mustache_internal.h - the compiled form of a mustache template, shared by the compiler
 * (mustache_compile.c), the renderer (mustache_render.c) and the set (mustache.c).
 *
 * A template is a flat array of nodes in source order. A section node's children are the nodes
 * that follow it, up to (not including) node[end]; rendering walks the array and skips a section
 * by jumping to its end. Names and literal text are slices of the template's own copy of the
 * source. A name is also split at compile time into its dotted parts, each a view_key with its
 * hashes (view.h), so that rendering neither scans nor hashes names. Compiling allocates four
 * blocks per template and rendering allocates nothing.
 */
#ifndef BIANMIN_RENDER_MUSTACHE_INTERNAL_H
#define BIANMIN_RENDER_MUSTACHE_INTERNAL_H

#if defined(BIANMIN_LAYER_DOMAIN)
#error                                                                                             \
    "domain/ formats and renders no text: it returns data, rendered in web/ or workers/ (docs/ARCHITECTURE.md, Layers)"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "render/html.h"
#include "render/mustache.h"

/* Limits with names. Templates are written by us, but the compiler still refuses input that
 * would make rendering recurse without bound. */
enum {
  MUSTACHE_MAX_SOURCE = 16 * 1024 * 1024, /* bytes of one template */
  MUSTACHE_MAX_NESTING = 100,             /* sections open at once while compiling */
  MUSTACHE_MAX_DELIMITER = 16,            /* bytes of a set-delimiter tag's delimiter */
  MUSTACHE_MAX_PARTIAL_DEPTH = 64,        /* partials rendering inside each other */
  MUSTACHE_MAX_INDENT = 512,              /* bytes of accumulated standalone partial indent */
  MUSTACHE_MAX_NAME = 256                 /* bytes of a dynamic partial's resolved name */
};

enum mustache_kind {
  MNODE_TEXT,     /* literal text: off/len */
  MNODE_ESCAPED,  /* {{name}} */
  MNODE_RAW,      /* {{{name}}} or {{&name}} */
  MNODE_SECTION,  /* {{#name}} ... children ... ; end = index after the children */
  MNODE_INVERTED, /* {{^name}} ... */
  MNODE_PARTIAL   /* {{>name}} or {{>*name}}; indent_* when standalone */
};

enum mustache_flag {
  MFLAG_STANDALONE = 1, /* the tag stood alone on its line and its line was removed */
  MFLAG_DYNAMIC = 2     /* {{>*name}}: the partial's name is looked up in the context */
};

struct mustache_node {
  uint8_t kind;
  uint8_t flags;
  uint32_t end;        /* sections: index of the first node after the section's children */
  uint32_t off;        /* text or name: offset into the template source */
  uint32_t len;        /* text or name: length */
  uint32_t indent_off; /* standalone partials: the whitespace before the tag */
  uint32_t indent_len;
  uint32_t pre_off; /* not text: literal text written before the node (the text node that */
  uint32_t pre_len; /* preceded it, merged into it by mustache_attach_text) */
  uint32_t key;     /* names (not of static partials): the first of its parts in the keys */
  uint32_t keys;    /* how many parts ("a.b" has two); 0 for "." (the current context) */
  union {
    uint32_t partial; /* static partials: the set's item index + 1 (0: no such template), linked
                         by the set after every template added (mustache.c) */
    uint32_t orig;    /* sections of a folded variant: the unfolded template's node index */
  };
};

struct mustache_template {
  char *name;
  size_t name_len;
  char *src; /* owned copy of the source; node slices point into it */
  size_t src_len;
  struct mustache_node *nodes;
  size_t count;
  struct view_key *keys; /* the nodes' name parts; their texts point into src */
  size_t key_count;
  /* mustache_set_fold's variants, one per folded map (NULL when the set is not folded). A
   * variant owns its src and nodes; its keys are this template's, its name and folds NULL. */
  struct mustache_template *folds;
  size_t fold_count;
  const struct mustache_template *unfolded; /* a variant's template, else NULL */
};

/* Writes a text value as {{name}} (escape) or {{{name}}} writes it: escaped only when it holds
 * a byte to escape (VIEW_HTML_PLAIN: known to hold none). The renderer and the folding at load
 * both write with it, so a folded translation has the bytes rendering would give it. */
static inline int mustache_put_text(struct buf *out, const char *s, size_t len, unsigned flags,
                                    bool escape)
{
  if (escape && !(flags & VIEW_HTML_PLAIN) && html_plain_prefix(s, len) < len)
    return html_escape_append(out, s, len);
  return html_append(out, s, len);
}

/* Builds tpl's variant for one folded map into out (mustache_fold.c): every {{name.key}} and
 * {{{name.key}}} whose key is a text in map becomes literal text, merged with the literal text
 * around it. A section whose context holds name renders tpl's own nodes (node->orig). */
int mustache_fold_template(const struct mustache_template *tpl, const struct view_key *name,
                           struct view map, struct mustache_template *out);
/* Frees tpl's variants. */
void mustache_unfold_template(struct mustache_template *tpl);
/* The folded name's key (mustache_set_fold), for rendering's sections to check. */
const struct view_key *mustache_set_fold_key(const struct mustache_set *set);
/* Which folded map the stack's name resolves to: its index + 1, or 0 (render unfolded). */
uint32_t mustache_set_fold_of(const struct mustache_set *set, const struct view *stack,
                              size_t count);

/* Merges every text node into the node after it (pre_off/pre_len) when that node is not text
 * and has the same parent (the text is not a section's last child), renumbering the sections'
 * ends: rendering then visits about half as many nodes. Run on every compiled template and
 * folded variant; nodes must not have pre text yet. ST_LIMIT when sections nest too deeply. */
int mustache_attach_text(struct mustache_node *nodes, size_t *count);

/* Compiles src into tpl (whose name must already be set). On failure writes a message naming
 * the template and line into err and leaves tpl without nodes. */
int mustache_compile(struct mustache_template *tpl, const char *src, size_t len, char *err,
                     size_t err_size);
void mustache_template_clear(struct mustache_template *tpl);

/* The set's template i (a static partial's link), or NULL past its end. */
const struct mustache_template *mustache_set_item(const struct mustache_set *set, uint32_t i);
/* The template called name, or NULL. name need not be NUL-terminated. */
const struct mustache_template *mustache_set_find(const struct mustache_set *set, const char *name,
                                                  size_t len);

/* Renders tpl: the renderer's entry point, called by mustache_render. */
int mustache_render_template(const struct mustache_set *set, const struct mustache_template *tpl,
                             const struct view *stack, size_t count, struct buf *out);

#endif
