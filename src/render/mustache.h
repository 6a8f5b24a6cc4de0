/*
 * mustache.h - the mustache template renderer over views (render/view.h) and jansson values
 * (ARCHITECTURE.md).
 *
 * A template set is compiled once at start (or per request with the dev reload flag) and is
 * immutable afterwards, so any number of threads may render from it at once. Variables are
 * HTML-escaped by default ({{name}}); {{{name}}} and {{&name}} write raw text. Partials
 * ({{> name}}) are looked up by name in the same set. The renderer passes every required file of
 * the official mustache spec (tests/conformance/mustache-spec); lambdas are not supported
 * (they need code in the data), inheritance and dynamic names are optional spec modules.
 */
#ifndef BIANMIN_RENDER_MUSTACHE_H
#define BIANMIN_RENDER_MUSTACHE_H

#if defined(BIANMIN_LAYER_DOMAIN)
#error                                                                                             \
    "domain/ formats and renders no text: it returns data, rendered in web/ or workers/ (docs/ARCHITECTURE.md, Layers)"
#endif

#include <jansson.h>
#include <stddef.h>

#include "base/buf.h"
#include "render/view.h"

enum { MUSTACHE_MAX_STACK = 16 }; /* contexts a caller may pass to mustache_render */

struct mustache_set;

struct mustache_set *mustache_set_new(void);
void mustache_set_free(struct mustache_set *set);

/* Compiles src under name. On a syntax error returns ST_INVALID and writes a message naming
 * the template, line and problem into err. A later add of the same name replaces it. */
int mustache_set_add(struct mustache_set *set, const char *name, const char *src, size_t len,
                     char *err, size_t err_size);

/* Adds every *.mustache file below dir; the name is the relative path without the extension
 * ("public/home", "partials/header"). Fails on the first file that does not compile. */
int mustache_set_load_dir(struct mustache_set *set, const char *dir, char *err, size_t err_size);

int mustache_set_has(const struct mustache_set *set, const char *name);

/* Folds a name's map of texts into the templates (the translations, {{t.key}}): makes, for each
 * of the count maps, a variant of every template in which {{name.key}} and {{{name.key}}}
 * outside sections are the key's text, escaped as rendering would escape it and merged with
 * the literal text around it. Rendering uses a map's variant when the name resolves, in the
 * stack it is given, to that very map (the same view_map), and keeps the lookup inside sections
 * (whose context could shadow the name) and for a key whose text holds a line break (standalone
 * partials indent template lines, not values) or is empty; the bytes are those an unfolded set
 * renders. The maps must stay unchanged while the set lives. An add undoes the folding (fold
 * again after it). ST_LIMIT past MUSTACHE_MAX_FOLDS maps, ST_INVALID for a value not a map. */
enum { MUSTACHE_MAX_FOLDS = 8 };
int mustache_set_fold(struct mustache_set *set, const char *name, const struct view *maps,
                      size_t count);

/* Renders template name with the context stack: stack[0] is the bottom (searched last),
 * stack[count-1] the top. Appends to out. ST_NOTFOUND for an unknown template name, ST_LIMIT when
 * out's maximum is reached or partials nest deeper than a fixed limit; on failure out is left as
 * it was. Sections treat a missing value, null, false, [] and "" as false (0 is true). */
int mustache_render_views(const struct mustache_set *set, const char *name,
                          const struct view *stack, size_t count, struct buf *out);

/* The same over jansson values (each walked in place as view_json); at most MUSTACHE_MAX_STACK
 * of them. */
int mustache_render(const struct mustache_set *set, const char *name, json_t *const *stack,
                    size_t count, struct buf *out);

#endif
