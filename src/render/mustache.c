/*
 * mustache.c - a set of compiled mustache templates, looked up by name.
 *
 * The set keeps its templates sorted by name (a binary search finds one), and links every static
 * partial to its template's index whenever a template is added, so that rendering finds a
 * partial without a search. Adding templates is for start-up (or a dev reload that builds a new
 * set); once rendering starts the set is read-only and may be shared by any number of threads.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "render/mustache_internal.h"
#include "base/common.h"

enum {
  MUSTACHE_MAX_DIR_DEPTH = 16, /* directory levels below the template root */
  MUSTACHE_MAX_PATH = 4096
};

static const char MUSTACHE_EXT[] = ".mustache";

struct mustache_set {
  struct mustache_template *items; /* sorted by name */
  size_t count;
  size_t cap;
  /* mustache_set_fold: the maps folded (each template's folds[i] is made from maps[i]) and
   * the name they are found under */
  struct view fold_maps[MUSTACHE_MAX_FOLDS];
  size_t fold_count;
  char fold_name[64];
  struct view_key fold_key;
};

static void unfold(struct mustache_set *set)
{
  for (size_t i = 0; i < set->count; i++)
    mustache_unfold_template(&set->items[i]);
  set->fold_count = 0;
}

struct mustache_set *mustache_set_new(void)
{
  return calloc(1, sizeof(struct mustache_set));
}

void mustache_set_free(struct mustache_set *set)
{
  if (!set)
    return;
  unfold(set);
  for (size_t i = 0; i < set->count; i++) {
    mustache_template_clear(&set->items[i]);
    free(set->items[i].name);
  }
  free(set->items);
  free(set);
}

static int compare_name(const char *name, size_t len, const struct mustache_template *item)
{
  size_t item_len = item->name_len;
  int c = memcmp(name, item->name, len < item_len ? len : item_len);
  if (c)
    return c;
  return len < item_len ? -1 : len > item_len;
}

/* Binary search: the index of name, or where it would be inserted (with *found false). */
static size_t position_of(const struct mustache_set *set, const char *name, size_t len, int *found)
{
  size_t lo = 0, hi = set->count;
  *found = 0;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = compare_name(name, len, &set->items[mid]);
    if (c == 0) {
      *found = 1;
      return mid;
    }
    if (c < 0)
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo;
}

const struct mustache_template *mustache_set_find(const struct mustache_set *set, const char *name,
                                                  size_t len)
{
  int found;
  size_t i = position_of(set, name, len, &found);
  return found ? &set->items[i] : NULL;
}

const struct mustache_template *mustache_set_item(const struct mustache_set *set, uint32_t i)
{
  return i < set->count ? &set->items[i] : NULL;
}

/* Links every static partial of the set to the template it names (node->partial), so that
 * rendering finds it without a search by name. Run after every template added: adding moves
 * the others' indexes. */
static void link_partials(struct mustache_set *set)
{
  for (size_t t = 0; t < set->count; t++) {
    struct mustache_template *tpl = &set->items[t];
    for (size_t i = 0; i < tpl->count; i++) {
      struct mustache_node *n = &tpl->nodes[i];
      int found = 0;
      if (n->kind != MNODE_PARTIAL || (n->flags & MFLAG_DYNAMIC))
        continue;
      size_t at = position_of(set, tpl->src + n->off, n->len, &found);
      n->partial = found ? (uint32_t)at + 1 : 0;
    }
  }
}

int mustache_set_fold(struct mustache_set *set, const char *name, const struct view *maps,
                      size_t count)
{
  size_t len = strlen(name);
  int rc = ST_OK;
  unfold(set);
  if (count > MUSTACHE_MAX_FOLDS || len >= sizeof(set->fold_name))
    return ST_LIMIT;
  for (size_t k = 0; k < count; k++)
    if (maps[k].type != VIEW_MAP)
      return ST_INVALID;
  memcpy(set->fold_name, name, len + 1);
  set->fold_key = view_key(set->fold_name, len);
  for (size_t i = 0; i < set->count && !rc; i++) {
    struct mustache_template *tpl = &set->items[i];
    tpl->folds = calloc(count ? count : 1, sizeof(*tpl->folds));
    if (!tpl->folds)
      rc = ST_NOMEM;
    else
      tpl->fold_count = count;
    for (size_t k = 0; k < count && !rc; k++)
      rc = mustache_fold_template(tpl, &set->fold_key, maps[k], &tpl->folds[k]);
  }
  if (rc) {
    for (size_t i = 0; i < set->count; i++)
      mustache_unfold_template(&set->items[i]);
    return rc;
  }
  memcpy(set->fold_maps, maps, count * sizeof(*maps));
  set->fold_count = count;
  return ST_OK;
}

const struct view_key *mustache_set_fold_key(const struct mustache_set *set)
{
  return &set->fold_key;
}

uint32_t mustache_set_fold_of(const struct mustache_set *set, const struct view *stack,
                              size_t count)
{
  if (!set->fold_count)
    return 0;
  for (size_t i = count; i-- > 0;) {
    struct view v = view_force(view_get_key(stack[i], &set->fold_key));
    if (v.type == VIEW_MISSING)
      continue;
    for (size_t k = 0; k < set->fold_count && v.type == VIEW_MAP; k++)
      if (set->fold_maps[k].u.map == v.u.map)
        return (uint32_t)k + 1;
    return 0; /* the nearest context holding the name decides, as in rendering */
  }
  return 0;
}

int mustache_set_has(const struct mustache_set *set, const char *name)
{
  return mustache_set_find(set, name, strlen(name)) != NULL;
}

static int insert_at(struct mustache_set *set, size_t i, const struct mustache_template *tpl)
{
  if (set->count == set->cap) {
    size_t cap = set->cap ? set->cap * 2 : 16;
    struct mustache_template *items = realloc(set->items, cap * sizeof(*items));
    if (!items)
      return ST_NOMEM;
    set->items = items;
    set->cap = cap;
  }
  memmove(&set->items[i + 1], &set->items[i], (set->count - i) * sizeof(*set->items));
  set->items[i] = *tpl;
  set->count++;
  return ST_OK;
}

int mustache_set_add(struct mustache_set *set, const char *name, const char *src, size_t len,
                     char *err, size_t err_size)
{
  struct mustache_template tpl = {0};
  int found;
  int rc = ST_OK;
  tpl.name = strdup(name);
  if (!tpl.name)
    return ST_NOMEM;
  tpl.name_len = strlen(name);
  rc = mustache_compile(&tpl, src, len, err, err_size);
  if (rc)
    goto out;
  unfold(set); /* the variants' partial links would go stale */
  size_t i = position_of(set, name, tpl.name_len, &found);
  if (found) {
    mustache_template_clear(&set->items[i]);
    free(set->items[i].name);
    set->items[i] = tpl;
  } else {
    rc = insert_at(set, i, &tpl);
  }
  if (!rc)
    link_partials(set);
out:
  if (rc) {
    mustache_template_clear(&tpl);
    free(tpl.name);
  }
  return rc;
}

static int read_file(const char *path, struct buf *content, char *err, size_t err_size)
{
  char chunk[8192];
  int rc = ST_OK;
  FILE *f = fopen(path, "rb");
  if (!f) {
    snprintf(err, err_size, "cannot open '%s': %s", path, strerror(errno));
    return ST_IO;
  }
  size_t n;
  while (!rc && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
    rc = buf_append(content, chunk, n);
  if (!rc && ferror(f))
    rc = ST_IO;
  if (rc)
    snprintf(err, err_size, "cannot read '%s': %s", path,
             rc == ST_LIMIT ? "template too large" : "read error");
  fclose(f);
  return rc;
}

/* Adds the template file at path under the name rel minus its extension. */
static int load_file(struct mustache_set *set, const char *path, const char *rel, char *err,
                     size_t err_size)
{
  char name[MUSTACHE_MAX_PATH];
  struct buf content;
  size_t rel_len = strlen(rel) - (sizeof(MUSTACHE_EXT) - 1);
  buf_init(&content, MUSTACHE_MAX_SOURCE + 1);
  memcpy(name, rel, rel_len);
  name[rel_len] = '\0';
  int rc = read_file(path, &content, err, err_size);
  if (!rc)
    rc = mustache_set_add(set, name, content.data ? content.data : "", content.len, err, err_size);
  buf_free(&content);
  return rc;
}

static int has_extension(const char *name)
{
  size_t len = strlen(name), ext = sizeof(MUSTACHE_EXT) - 1;
  return len > ext && memcmp(name + len - ext, MUSTACHE_EXT, ext) == 0;
}

static int walk(struct mustache_set *set, const char *root, const char *rel, int depth, char *err,
                size_t err_size);

/* Handles one directory entry: recurses into directories, loads *.mustache files. Names that
 * start with a dot (editor files, .git) are skipped. */
static int visit(struct mustache_set *set, const char *root, const char *rel, const char *entry,
                 int depth, char *err, size_t err_size)
{
  char path[MUSTACHE_MAX_PATH], sub[MUSTACHE_MAX_PATH];
  struct stat st;
  if (entry[0] == '.')
    return ST_OK;
  int n = snprintf(sub, sizeof(sub), "%s%s%s", rel, rel[0] ? "/" : "", entry);
  int m = snprintf(path, sizeof(path), "%s/%s", root, sub);
  if (n < 0 || m < 0 || (size_t)n >= sizeof(sub) || (size_t)m >= sizeof(path)) {
    snprintf(err, err_size, "path too long below '%s'", root);
    return ST_LIMIT;
  }
  if (stat(path, &st) != 0) {
    snprintf(err, err_size, "cannot stat '%s': %s", path, strerror(errno));
    return ST_IO;
  }
  if (S_ISDIR(st.st_mode))
    return walk(set, root, sub, depth + 1, err, err_size);
  if (S_ISREG(st.st_mode) && has_extension(entry))
    return load_file(set, path, sub, err, err_size);
  return ST_OK;
}

static int walk(struct mustache_set *set, const char *root, const char *rel, int depth, char *err,
                size_t err_size)
{
  char path[MUSTACHE_MAX_PATH];
  int rc = ST_OK;
  if (depth > MUSTACHE_MAX_DIR_DEPTH) {
    snprintf(err, err_size, "templates nested too deeply at '%s/%s'", root, rel);
    return ST_LIMIT;
  }
  snprintf(path, sizeof(path), "%s%s%s", root, rel[0] ? "/" : "", rel);
  DIR *dir = opendir(path);
  if (!dir) {
    snprintf(err, err_size, "cannot open directory '%s': %s", path, strerror(errno));
    return ST_IO;
  }
  struct dirent *d;
  while (!rc && (d = readdir(dir)) != NULL)
    rc = visit(set, root, rel, d->d_name, depth, err, err_size);
  closedir(dir);
  return rc;
}

int mustache_set_load_dir(struct mustache_set *set, const char *dir, char *err, size_t err_size)
{
  char scratch[1];
  if (!err || !err_size) {
    err = scratch;
    err_size = sizeof(scratch);
  }
  return walk(set, dir, "", 0, err, err_size);
}

int mustache_render_views(const struct mustache_set *set, const char *name,
                          const struct view *stack, size_t count, struct buf *out)
{
  const struct mustache_template *tpl = mustache_set_find(set, name, strlen(name));
  if (!tpl)
    return ST_NOTFOUND;
  return mustache_render_template(set, tpl, stack, count, out);
}

int mustache_render(const struct mustache_set *set, const char *name, json_t *const *stack,
                    size_t count, struct buf *out)
{
  struct view views[MUSTACHE_MAX_STACK];
  if (count > MUSTACHE_MAX_STACK)
    return ST_LIMIT;
  for (size_t i = 0; i < count; i++)
    views[i] = view_json(stack[i]);
  return mustache_render_views(set, name, views, count, out);
}
