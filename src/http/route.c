/*
 * route.c - matching a request against the declarative route table. The HTTP layer's own
 * routes (health, readiness, metrics, static files) come first, then the application's.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "http/internal.h"

#include "base/common.h"
#include "base/str.h"

static const struct http_route builtin_routes[] = {
    {"GET", "/healthz", http_builtin_healthz, 0, false, HTTP_BODY_NONE, HTTP_RATE_NONE, 0},
    {"GET", "/readyz", http_builtin_readyz, 0, false, HTTP_BODY_NONE, HTTP_RATE_NONE, 0},
    {"GET", "/metrics", http_builtin_metrics, 0, false, HTTP_BODY_NONE, HTTP_RATE_NONE, 0},
    {"GET", "/static/{path...}", http_builtin_static, 0, false, HTTP_BODY_NONE, HTTP_RATE_NONE, 0},
};

const struct http_route *http_builtin_routes(size_t *count)
{
  *count = ARRAY_LEN(builtin_routes);
  return builtin_routes;
}

size_t http_route_total(const struct http_server *server)
{
  return ARRAY_LEN(builtin_routes) + server->route_count;
}

const struct http_route *http_route_at(const struct http_server *server, size_t index)
{
  if (index < ARRAY_LEN(builtin_routes))
    return &builtin_routes[index];
  index -= ARRAY_LEN(builtin_routes);
  return index < server->route_count ? &server->routes[index] : NULL;
}

/* A capture found while matching: where its name and value are (not yet copied). */
struct capture_span {
  const char *name, *value;
  size_t name_len, value_len;
};

struct match {
  struct capture_span caps[8]; /* as many as struct http_request holds */
  size_t count;
};

/* Matches one "{name}" or "{name...}" placeholder at *pat against *path, advancing both. */
static bool match_capture(struct match *m, const char **pat, const char **path)
{
  const char *close = strchr(*pat, '}');
  if (!close)
    return false;
  const char *name = *pat + 1;
  size_t name_len = (size_t)(close - name);
  bool rest = name_len > 3 && memcmp(close - 3, "...", 3) == 0;
  if (rest)
    name_len -= 3;
  const char *end = *path + (rest ? strlen(*path) : strcspn(*path, "/"));
  if (end == *path)
    return false;
  if (m) {
    if (m->count == ARRAY_LEN(m->caps))
      return false;
    m->caps[m->count++] = (struct capture_span){name, *path, name_len, (size_t)(end - *path)};
  }
  *pat = close + 1;
  *path = end;
  return true;
}

/* True when path fits pattern; with m set, notes where the captures are. */
static bool pattern_matches(const char *pattern, const char *path, struct match *m)
{
  if (m)
    m->count = 0;
  while (*pattern) {
    if (*pattern == '{') {
      if (!match_capture(m, &pattern, &path))
        return false;
      continue;
    }
    if (*pattern != *path)
      return false;
    pattern++;
    path++;
  }
  return *path == '\0';
}

/* The captures of a match, copied into the request's arena. */
static bool keep_captures(struct http_request *req, const struct match *m)
{
  req->capture_count = 0;
  for (size_t i = 0; i < m->count; i++) {
    const struct capture_span *c = &m->caps[i];
    char *n = arena_strndup(req->arena, c->name, c->name_len);
    char *v = arena_strndup(req->arena, c->value, c->value_len);
    if (!n || !v)
      return false;
    req->captures[i] = (struct http_param){{n, c->name_len}, {v, c->value_len}};
    req->capture_count = i + 1;
  }
  return true;
}

static bool method_matches(const char *route_method, const char *method)
{
  if (strcmp(route_method, method) == 0)
    return true;
  return strcmp(method, "HEAD") == 0 && strcmp(route_method, "GET") == 0;
}

static void allow_add(char *allow, size_t allow_size, const char *method)
{
  if (strstr(allow, method))
    return;
  size_t used = strlen(allow), n = strlen(method), sep = used ? 2 : 0;
  if (used + sep + n >= allow_size) /* does not fit: left out, as a cut name would mislead */
    return;
  memcpy(allow + used, ", ", sep);
  memcpy(allow + used + sep, method, n + 1);
}

/* ---- the index: routes by their path's first segment ------------------------------------ */

/* Methods by number, so that a route's is compared without strcmp; 0 = another method. */
enum { METHOD_OTHER, METHOD_GET, METHOD_HEAD, METHOD_POST };

static int method_id(const char *method)
{
  static const char *const known[] = {NULL, "GET", "HEAD", "POST"};
  for (int i = METHOD_GET; i < (int)ARRAY_LEN(known); i++)
    if (strcmp(method, known[i]) == 0)
      return i;
  return METHOD_OTHER;
}

struct route_info {
  size_t slashes; /* '/' in the pattern: a path it matches has as many (more after {x...}) */
  bool rest;      /* ends in a {name...} capture */
  bool errors_only;
  int method;       /* method_id */
  const char *last; /* the pattern's last segment when it captures nothing, else NULL */
  size_t last_len;
};

/* The routes (indexes into the combined table, in table order) a path whose first segment is
 * seg may match: those whose first segment is seg, and those whose first segment captures. */
struct route_bucket {
  const char *seg;
  size_t seg_len;
  size_t *routes;
  size_t count;
};

/* A route whose first and last segments are literal and that does not end in {name...} can
 * only match a path with those very segments and as many '/': such routes are found by that
 * key in a hash table (exact_find), the others through the buckets. */
struct exact_key {
  const char *first, *last;
  size_t first_len, last_len, slashes;
};

struct exact_entry {
  struct exact_key key;
  bool used;
  size_t *routes; /* in table order */
  size_t count;
};

struct http_route_index {
  struct route_info *info;
  struct route_bucket *buckets; /* the routes without an exact key, by first segment */
  size_t bucket_count;
  struct route_bucket other; /* only the capturing ones: for any other first segment */
  struct exact_entry *exact;
  size_t exact_mask; /* the table's size - 1 (a power of two) */
  bool *keyed;       /* by route: found through the exact table */
};

/* A pattern's first segment (after the leading '/'); false when it holds a capture. */
static bool first_segment(const char *pattern, const char **seg, size_t *len)
{
  const char *p = pattern[0] == '/' ? pattern + 1 : pattern;
  size_t n = strcspn(p, "/");
  *seg = p;
  *len = n;
  return !memchr(p, '{', n);
}

static size_t count_slashes(const char *s)
{
  size_t n = 0;
  for (; *s; s++)
    n += *s == '/';
  return n;
}

static struct route_bucket *bucket_find(struct http_route_index *ix, const char *seg, size_t len)
{
  for (size_t i = 0; i < ix->bucket_count; i++)
    if (ix->buckets[i].seg_len == len && memcmp(ix->buckets[i].seg, seg, len) == 0)
      return &ix->buckets[i];
  return NULL;
}

static uint32_t key_hash(const struct exact_key *k)
{
  /* both segments, a '/' between them, and the '/' count */
  uint32_t h = str_hash(STR_HASH_START, k->first, k->first_len);
  h = str_hash(h, "/", 1);
  h = str_hash(h, k->last, k->last_len);
  unsigned char slashes = (unsigned char)k->slashes;
  return str_hash(h, &slashes, 1);
}

static bool key_equal(const struct exact_key *a, const struct exact_key *b)
{
  return a->slashes == b->slashes && a->first_len == b->first_len && a->last_len == b->last_len &&
         memcmp(a->first, b->first, a->first_len) == 0 &&
         memcmp(a->last, b->last, a->last_len) == 0;
}

/* The entry of key, or the free one where it would go (the table is never full). */
static struct exact_entry *exact_slot(const struct http_route_index *ix,
                                      const struct exact_key *key)
{
  size_t i = key_hash(key) & ix->exact_mask;
  while (ix->exact[i].used && !key_equal(&ix->exact[i].key, key))
    i = (i + 1) & ix->exact_mask;
  return &ix->exact[i];
}

/* A path's key: its first and last segments and its '/' count. */
static struct exact_key path_key(const char *path, size_t slashes)
{
  const char *first = path[0] == '/' ? path + 1 : path, *last = strrchr(path, '/');
  last = last ? last + 1 : path;
  return (struct exact_key){first, last, strcspn(first, "/"), strlen(last), slashes};
}

/* Whether route i has an exact key (into *key). */
static bool route_key(const struct http_route_index *ix, const struct http_route *route, size_t i,
                      struct exact_key *key)
{
  const struct route_info *info = &ix->info[i];
  const char *first;
  size_t first_len;
  if (!first_segment(route->pattern, &first, &first_len) || !info->last || info->rest ||
      info->errors_only)
    return false;
  *key = (struct exact_key){first, info->last, first_len, info->last_len, info->slashes};
  return true;
}

/* Fills the exact table: entries and their sizes first, then their routes in table order. */
static int index_exact(struct http_server *server, struct http_route_index *ix)
{
  size_t total = http_route_total(server), size = 16;
  while (size < 2 * total)
    size *= 2;
  ix->exact = arena_alloc(server->arena, sizeof(*ix->exact) * size);
  ix->keyed = arena_alloc(server->arena, sizeof(*ix->keyed) * (total ? total : 1));
  if (!ix->exact || !ix->keyed)
    return ST_NOMEM;
  ix->exact_mask = size - 1;
  struct exact_key key;
  for (size_t i = 0; i < total; i++) {
    ix->keyed[i] = route_key(ix, http_route_at(server, i), i, &key);
    struct exact_entry *e = ix->keyed[i] ? exact_slot(ix, &key) : NULL;
    if (e)
      *e = (struct exact_entry){key, true, NULL, e->count + 1};
  }
  for (size_t i = 0; i < size; i++) {
    struct exact_entry *e = &ix->exact[i];
    e->routes = e->used ? arena_alloc(server->arena, sizeof(*e->routes) * e->count) : NULL;
    if (e->used && !e->routes)
      return ST_NOMEM;
    e->count = 0;
  }
  for (size_t i = 0; i < total; i++)
    if (ix->keyed[i] && route_key(ix, http_route_at(server, i), i, &key)) {
      struct exact_entry *e = exact_slot(ix, &key);
      e->routes[e->count++] = i;
    }
  return ST_OK;
}

/* Every route i belongs to the bucket of its first segment, a capturing one to all. */
static bool bucket_takes(const struct http_route *route, const struct route_bucket *b)
{
  const char *seg;
  size_t len;
  if (!first_segment(route->pattern, &seg, &len))
    return true;
  return b->seg && len == b->seg_len && memcmp(seg, b->seg, len) == 0;
}

static int bucket_fill(const struct http_server *server, const struct http_route_index *ix,
                       struct route_bucket *b)
{
  size_t total = http_route_total(server);
  b->routes = arena_alloc(server->arena, sizeof(*b->routes) * (total ? total : 1));
  if (!b->routes)
    return ST_NOMEM;
  for (size_t i = 0; i < total; i++)
    if (!ix->keyed[i] && bucket_takes(http_route_at(server, i), b))
      b->routes[b->count++] = i;
  return ST_OK;
}

static int index_buckets(struct http_server *server, struct http_route_index *ix)
{
  size_t total = http_route_total(server);
  for (size_t i = 0; i < total; i++) {
    const char *seg;
    size_t len;
    if (first_segment(http_route_at(server, i)->pattern, &seg, &len) && !bucket_find(ix, seg, len))
      ix->buckets[ix->bucket_count++] = (struct route_bucket){seg, len, NULL, 0};
  }
  for (size_t i = 0; i < ix->bucket_count; i++)
    if (bucket_fill(server, ix, &ix->buckets[i]))
      return ST_NOMEM;
  return bucket_fill(server, ix, &ix->other);
}

int http_route_index_build(struct http_server *server)
{
  size_t total = http_route_total(server);
  struct http_route_index *ix = arena_alloc(server->arena, sizeof(*ix));
  if (!ix)
    return ST_NOMEM;
  ix->info = arena_alloc(server->arena, sizeof(*ix->info) * (total ? total : 1));
  ix->buckets = arena_alloc(server->arena, sizeof(*ix->buckets) * (total ? total : 1));
  if (!ix->info || !ix->buckets)
    return ST_NOMEM;
  for (size_t i = 0; i < total; i++) {
    const struct http_route *route = http_route_at(server, i);
    size_t n = strlen(route->pattern);
    const char *last = strrchr(route->pattern, '/');
    last = last ? last + 1 : route->pattern;
    bool literal = !strchr(last, '{');
    ix->info[i] = (struct route_info){count_slashes(route->pattern),
                                      n > 4 && memcmp(route->pattern + n - 4, "...}", 4) == 0,
                                      (route->flags & HTTP_ROUTE_ERRORS_ONLY) != 0,
                                      method_id(route->method),
                                      literal ? last : NULL,
                                      literal ? strlen(last) : 0};
  }
  int rc = index_exact(server, ix);
  if (!rc)
    rc = index_buckets(server, ix);
  if (!rc)
    server->route_index = ix;
  return rc;
}

static bool info_method_matches(const struct route_info *info, const struct http_route *route,
                                int method, const char *name)
{
  if (info->method == METHOD_OTHER || method == METHOD_OTHER)
    return method_matches(route->method, name);
  return info->method == method || (method == METHOD_HEAD && info->method == METHOD_GET);
}

/* Whether a path whose last segment is last (len bytes) may match the route: a route ending
 * in a literal segment (not after a {name...} capture) needs that very segment. */
static bool last_may_match(const struct route_info *info, const char *last, size_t len)
{
  return !info->last || info->rest || (info->last_len == len && memcmp(info->last, last, len) == 0);
}

/* The first route of the path's exact entry that answers method on it (SIZE_MAX: none). */
static size_t exact_find(const struct http_server *server, const struct http_request *req,
                         const struct exact_key *key, int method, struct match *m)
{
  const struct http_route_index *ix = server->route_index;
  const struct exact_entry *e = exact_slot(ix, key);
  for (size_t k = 0; e->used && k < e->count; k++) {
    size_t i = e->routes[k];
    const struct http_route *route = http_route_at(server, i);
    if (info_method_matches(&ix->info[i], route, method, req->method) &&
        pattern_matches(route->pattern, req->path, m))
      return i;
  }
  return SIZE_MAX;
}

/* The first route in table order that answers method on path: the path's exact entry, then
 * the routes of its bucket before that one; those of another method, '/' count or last
 * segment are passed over first, then the pattern decides. */
static bool index_find(const struct http_server *server, struct http_request *req, size_t *index,
                       struct match *m)
{
  struct http_route_index *ix = server->route_index;
  struct exact_key key = path_key(req->path, count_slashes(req->path));
  int method = method_id(req->method);
  size_t best = exact_find(server, req, &key, method, m);
  const struct route_bucket *b = bucket_find(ix, key.first, key.first_len);
  if (!b)
    b = &ix->other;
  struct match loose;
  for (size_t k = 0; k < b->count && b->routes[k] < best; k++) {
    size_t i = b->routes[k];
    const struct route_info *info = &ix->info[i];
    const struct http_route *route = http_route_at(server, i);
    if (info->errors_only ||
        (info->rest ? key.slashes < info->slashes : key.slashes != info->slashes) ||
        !info_method_matches(info, route, method, req->method) ||
        !last_may_match(info, key.last, key.last_len) ||
        !pattern_matches(route->pattern, req->path, &loose))
      continue;
    *m = loose;
    best = i;
    break;
  }
  *index = best;
  return best != SIZE_MAX;
}

int http_route_find(const struct http_server *server, struct http_request *req, size_t *index,
                    char *allow, size_t allow_size)
{
  size_t total = http_route_total(server);
  bool path_known = false;
  struct match m;
  allow[0] = '\0';
  if (server->route_index && index_find(server, req, index, &m)) {
    req->route = http_route_at(server, *index);
    return keep_captures(req, &m) ? 0 : 500;
  }
  /* Without an index, or none answers: the whole table, for the 405's Allow or the 404. */
  for (size_t i = 0; i < total; i++) {
    const struct http_route *route = http_route_at(server, i);
    if ((route->flags & HTTP_ROUTE_ERRORS_ONLY) || !pattern_matches(route->pattern, req->path, &m))
      continue;
    path_known = true;
    allow_add(allow, allow_size, route->method);
    if (!method_matches(route->method, req->method))
      continue;
    *index = i;
    req->route = route;
    return keep_captures(req, &m) ? 0 : 500;
  }
  if (path_known && strstr(allow, "GET"))
    allow_add(allow, allow_size, "HEAD");
  return path_known ? 405 : 404;
}

/* A route that answers path, else an errors-only route whose pattern matches it. */
const struct http_route *http_route_for_path(const struct http_server *server, const char *path)
{
  size_t total = http_route_total(server);
  const struct http_route *fallback = NULL;
  for (size_t i = 0; path && i < total; i++) {
    const struct http_route *route = http_route_at(server, i);
    if (!pattern_matches(route->pattern, path, NULL))
      continue;
    if (!(route->flags & HTTP_ROUTE_ERRORS_ONLY))
      return route;
    if (!fallback)
      fallback = route;
  }
  return fallback;
}

const struct http_route *http_route_for_method(const struct http_server *server, const char *method,
                                               const char *path)
{
  size_t total = http_route_total(server);
  for (size_t i = 0; path && i < total; i++) {
    const struct http_route *route = http_route_at(server, i);
    if (method_matches(route->method, method) && pattern_matches(route->pattern, path, NULL))
      return route;
  }
  return NULL;
}

/* ---- the path as logs see it ------------------------------------------------------------ */

static bool secret_capture(const char *name, size_t len)
{
  return len == 5 && memcmp(name, "token", 5) == 0;
}

/* Appends n bytes of s to out (size, *used), cutting at the end. */
static void put(char *out, size_t size, size_t *used, const char *s, size_t n)
{
  if (*used + 1 >= size)
    return;
  if (n > size - 1 - *used)
    n = size - 1 - *used;
  memcpy(out + *used, s, n);
  *used += n;
  out[*used] = '\0';
}

/* path along pattern with secret captures replaced; false when it does not match. */
static bool redact_along(const char *pattern, const char *path, char *out, size_t size)
{
  size_t used = 0;
  out[0] = '\0';
  while (*pattern) {
    if (*pattern != '{') {
      if (*pattern++ != *path)
        return false;
      put(out, size, &used, path++, 1);
      continue;
    }
    const char *close = strchr(pattern, '}');
    if (!close)
      return false;
    size_t name_len = (size_t)(close - pattern - 1);
    bool rest = name_len > 3 && memcmp(close - 3, "...", 3) == 0;
    size_t n = rest ? strlen(path) : strcspn(path, "/");
    if (n == 0)
      return false;
    bool secret = secret_capture(pattern + 1, rest ? name_len - 3 : name_len);
    put(out, size, &used, secret ? HTTP_REDACTED : path, secret ? strlen(HTTP_REDACTED) : n);
    path += n;
    pattern = close + 1;
  }
  return *path == '\0';
}

/* A segment that may be a secret: long and made of token characters (base64url, hex). */
static bool token_like(const char *s, size_t n)
{
  if (n < 16)
    return false;
  for (size_t i = 0; i < n; i++)
    if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
          (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_'))
      return false;
  return true;
}

/* A path no route matches: every segment that looks like a token goes. */
static void redact_unrouted(const char *path, char *out, size_t size)
{
  size_t used = 0;
  out[0] = '\0';
  for (const char *p = path ? path : ""; *p;) {
    size_t n = strcspn(p, "/");
    if (token_like(p, n))
      put(out, size, &used, HTTP_REDACTED, strlen(HTTP_REDACTED));
    else
      put(out, size, &used, p, n);
    p += n;
    if (*p)
      put(out, size, &used, p++, 1);
  }
}

/* Along the route the request matched; false when it does not match. A route that captures
 * no token hides nothing: the path as it is (what redact_along writes, without its walk). */
static bool redact_matched(const struct http_route *matched, const char *path, char *out,
                           size_t size)
{
  if (strstr(matched->pattern, "{token"))
    return redact_along(matched->pattern, path, out, size);
  out[0] = '\0';
  put(out, size, &(size_t){0}, path, strlen(path));
  return true;
}

void http_path_redact(const struct http_server *server, const struct http_route *matched,
                      const char *path, char *out, size_t size)
{
  size_t total = http_route_total(server);
  if (!size)
    return;
  /* A path refused as text (invalid UTF-8, controls) is not repeated in a JSON log line. */
  if (path && !str_valid_text(str_from(path), false)) {
    snprintf(out, size, "%s", "[refused path]");
    return;
  }
  if (path && matched && redact_matched(matched, path, out, size))
    return;
  for (size_t i = 0; path && i < total; i++)
    if (redact_along(http_route_at(server, i)->pattern, path, out, size))
      return;
  redact_unrouted(path, out, size);
}
