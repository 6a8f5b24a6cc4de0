/*
 * route.c - matching a request against the declarative route table. The HTTP layer's own
 * routes (health, readiness, metrics, static files) come first, then the application's.
 */
#include <stdio.h>
#include <string.h>

#include "http/internal.h"

#include "base/common.h"

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

static bool add_capture(struct http_request *req, const char *name, size_t name_len,
                        const char *value, size_t value_len)
{
  if (req->capture_count == ARRAY_LEN(req->captures))
    return false;
  char *n = arena_strndup(req->arena, name, name_len);
  char *v = arena_strndup(req->arena, value, value_len);
  if (!n || !v)
    return false;
  req->captures[req->capture_count++] = (struct http_param){{n, name_len}, {v, value_len}};
  return true;
}

/* Matches one "{name}" or "{name...}" placeholder at *pat against *path, advancing both. */
static bool match_capture(struct http_request *req, const char **pat, const char **path)
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
  if (req && !add_capture(req, name, name_len, *path, (size_t)(end - *path)))
    return false;
  *pat = close + 1;
  *path = end;
  return true;
}

/* True when path fits pattern; with req set, records the captures. */
static bool pattern_matches(const char *pattern, const char *path, struct http_request *req)
{
  if (req)
    req->capture_count = 0;
  while (*pattern) {
    if (*pattern == '{') {
      if (!match_capture(req, &pattern, &path))
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

int http_route_find(const struct http_server *server, struct http_request *req, size_t *index,
                    char *allow, size_t allow_size)
{
  size_t total = http_route_total(server);
  bool path_known = false;
  allow[0] = '\0';
  for (size_t i = 0; i < total; i++) {
    const struct http_route *route = http_route_at(server, i);
    if ((route->flags & HTTP_ROUTE_ERRORS_ONLY) ||
        !pattern_matches(route->pattern, req->path, NULL))
      continue;
    path_known = true;
    allow_add(allow, allow_size, route->method);
    if (!method_matches(route->method, req->method))
      continue;
    pattern_matches(route->pattern, req->path, req);
    *index = i;
    req->route = route;
    return 0;
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
  if (path && matched && redact_along(matched->pattern, path, out, size))
    return;
  for (size_t i = 0; path && i < total; i++)
    if (redact_along(http_route_at(server, i)->pattern, path, out, size))
      return;
  /* No route: every segment that looks like a token goes. */
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
