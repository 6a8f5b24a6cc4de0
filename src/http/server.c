/*
 * server.c - the libmicrohttpd daemon: start, the per-request state machine, limits, the access
 * log and graceful shutdown.
 *
 * libmicrohttpd calls on_request several times per request: first with the headers (we route,
 * rate-limit and check Content-Length against the route's body cap, and may answer at once),
 * then with each piece of the body, then once more with nothing (we run the handler).
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/log.h"
#include "http/internal.h"

#include "base/common.h"

static double now_seconds(const struct timespec *t)
{
  return (double)t->tv_sec + (double)t->tv_nsec / 1e9;
}

/* src copied into out (size bytes), cut to fit; out is always NUL-terminated. */
static void copy_text(char *out, size_t size, const char *src)
{
  size_t n = strlen(src);
  if (!size)
    return;
  if (n >= size)
    n = size - 1;
  memcpy(out, src, n);
  out[n] = '\0';
}

/* An IPv4 address in dotted decimal, as inet_ntop writes it, by hand (this runs for every
 * request, and inet_ntop's general formatting cost more than the rest of finding the client's
 * address). out holds at least INET_ADDRSTRLEN bytes. */
static void ipv4_text(const struct in_addr *a, char *out)
{
  const unsigned char *b = (const unsigned char *)&a->s_addr;
  char *p = out;
  for (int i = 0; i < 4; i++) {
    unsigned v = b[i];
    if (i)
      *p++ = '.';
    if (v >= 100)
      *p++ = (char)('0' + v / 100);
    if (v >= 10)
      *p++ = (char)('0' + v / 10 % 10);
    *p++ = (char)('0' + v % 10);
  }
  *p = '\0';
}

static void peer_address(struct MHD_Connection *conn, char *out, size_t size)
{
  const union MHD_ConnectionInfo *info =
      MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  copy_text(out, size, "unknown");
  if (!info || !info->client_addr)
    return;
  const struct sockaddr *sa = info->client_addr;
  if (sa->sa_family == AF_INET && size >= INET_ADDRSTRLEN)
    ipv4_text(&((const struct sockaddr_in *)sa)->sin_addr, out);
  else if (sa->sa_family == AF_INET)
    inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)size);
  else if (sa->sa_family == AF_INET6)
    inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, (socklen_t)size);
}

struct forwarded_walk {
  struct buf *joined;
  bool bad;
};

static enum MHD_Result collect_forwarded(void *cls, enum MHD_ValueKind kind, const char *key,
                                         size_t key_size, const char *value, size_t value_size)
{
  struct forwarded_walk *walk = cls;
  if (key_size != 15 || strncasecmp(key, "X-Forwarded-For", 15) != 0)
    return MHD_YES;
  if ((walk->joined->len && buf_append(walk->joined, ",", 1)) ||
      buf_append(walk->joined, value ? value : "", value ? value_size : 0)) {
    walk->bad = true;
    return MHD_NO;
  }
  return MHD_YES;
}

/* The client's address: the peer's, or behind a trusted proxy the one X-Forwarded-For names
 * (every such header, joined in order). */
static void client_address(struct http_server *server, struct MHD_Connection *conn, char *out,
                           size_t size)
{
  char peer[INET6_ADDRSTRLEN + 1];
  peer_address(conn, peer, sizeof(peer));
  copy_text(out, size, peer);
  if (!server->trusted_proxies.count || !netaddr_list_contains(&server->trusted_proxies, peer))
    return;
  struct buf joined;
  buf_init(&joined, 8192);
  struct forwarded_walk walk = {&joined, false};
  MHD_get_connection_values_n(conn, MHD_HEADER_KIND, collect_forwarded, &walk);
  if (!walk.bad && joined.len)
    netaddr_client(&server->trusted_proxies, peer, joined.data, out, size);
  buf_free(&joined);
}

struct query_walk {
  struct http_request *req;
  struct http_param *params; /* HTTP_MAX_PARAMS of them, on the stack */
  size_t count;
  size_t bytes; /* names and values so far */
  bool bad;
  bool bidi; /* the bad value holds a bidirectional control (str_has_bidi_control) */
};

static enum MHD_Result collect_query_value(void *cls, enum MHD_ValueKind kind, const char *key,
                                           size_t key_size, const char *value, size_t value_size)
{
  struct query_walk *walk = cls;
  struct http_request *req = walk->req;
  if (walk->count == HTTP_MAX_PARAMS) { /* more than that */
    walk->bad = true;
    return MHD_NO;
  }
  struct str name = {key, key_size}, val = {value ? value : "", value ? value_size : 0};
  walk->bytes += name.len + val.len + 2;
  if (!str_valid_text(name, false) || !str_valid_text(val, false)) {
    walk->bad = true;
    walk->bidi = str_has_bidi_control(name) || str_has_bidi_control(val);
    return MHD_NO;
  }
  char *n = arena_strndup(req->arena, name.ptr, name.len);
  char *v = arena_strndup(req->arena, val.ptr, val.len);
  if (!n || !v) {
    walk->bad = true;
    return MHD_NO;
  }
  walk->params[walk->count++] = (struct http_param){{n, name.len}, {v, val.len}};
  return MHD_YES;
}

/* The query's values, checked as text; *bidi tells a refusal for a bidirectional control.
 * ST_LIMIT when the path and query are longer than HTTP_URI_MAX. */
static int collect_query(struct http_request *req, struct MHD_Connection *conn, bool *bidi)
{
  /* One walk over the request's values, gathered on the stack; the arena then keeps as many
   * entries as there are parameters (it is wiped when the request ends, so 64 entries every
   * time cost 2 KiB of wiping) */
  struct http_param params[HTTP_MAX_PARAMS];
  struct query_walk walk = {req, params, 0, strlen(req->path), false, false};
  MHD_get_connection_values_n(conn, MHD_GET_ARGUMENT_KIND, collect_query_value, &walk);
  req->query = arena_alloc(req->arena, sizeof(*req->query) * (walk.count ? walk.count : 1));
  if (!req->query)
    return ST_NOMEM;
  memcpy(req->query, params, sizeof(*params) * walk.count);
  req->query_count = walk.count;
  *bidi = walk.bidi;
  if (walk.bytes > HTTP_URI_MAX)
    return ST_LIMIT;
  return walk.bad ? ST_INVALID : ST_OK;
}

/* Content-Length against the route's cap, before any of the body is read. */
static bool body_fits(struct MHD_Connection *conn, const struct http_route *route)
{
  const char *length = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
  if (!length)
    return true;
  int64_t n;
  if (str_to_int64(str_from(length), 0, INT64_MAX, &n))
    return false;
  return (uint64_t)n <= route->body_max;
}

/* The Content-Type against the body types the route takes, before any of the body is read
 * (a route that takes no body takes any type: its cap refused a body already). */
static bool body_type_ok(struct MHD_Connection *conn, const struct http_route *route)
{
  if (route->body_max == HTTP_BODY_NONE)
    return true;
  const char *length = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
  const char *chunked = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Transfer-Encoding");
  bool has_body = chunked || (length && strcmp(length, "0") != 0);
  const char *type = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");
  return http_body_type_ok(route, type && *type ? type : NULL, has_body);
}

static int route_and_limit(struct http_ctx *ctx, struct MHD_Connection *conn)
{
  struct http_server *server = ctx->server;
  struct http_request *req = &ctx->req;
  char allow[64];
  int status = http_route_find(server, req, &ctx->route_index, allow, sizeof(allow));
  if (status == 405)
    http_header_add(&ctx->res, "Allow", arena_strdup(req->arena, allow));
  if (status)
    return status;
  const struct http_route *route = req->route;
  int per_minute = route->rate == HTTP_RATE_LOOKUP  ? server->config.rate_lookup_per_minute
                   : route->rate == HTTP_RATE_LOGIN ? server->config.rate_login_per_minute
                                                    : server->config.rate_public_per_minute;
  if (!http_ratelimit_allow(server->ratelimit, route->rate, req->client_ip, per_minute,
                            now_seconds(&ctx->start))) {
    http_header_add(&ctx->res, "Retry-After", "60");
    return 429;
  }
  if (!body_fits(conn, route))
    return 413;
  if (!body_type_ok(conn, route))
    return 415;
  buf_init(&ctx->body, route->body_max);
  return http_authorize(ctx);
}

static void negotiate(struct http_ctx *ctx, struct MHD_Connection *conn)
{
  struct http_request *req = &ctx->req;
  const char *query_lang = http_query(req, "lang");
  req->lang = i18n_negotiate(query_lang, http_cookie(req, "lang"),
                             MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept-Language"));
  if (query_lang && i18n_normalize(query_lang, strlen(query_lang))) {
    const char *cookie = arena_printf(req->arena,
                                      "lang=%s; Path=/; Max-Age=31536000; "
                                      "SameSite=Lax; HttpOnly%s",
                                      req->lang, req->tls ? "; Secure" : "");
    http_header_add(&ctx->res, "Set-Cookie", cookie);
  }
  req->wants_json =
      http_accept_prefers_json(MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept"));
}

/* The first call of a request: everything that can be decided from the headers. */
static int prepare(struct http_ctx *ctx, struct MHD_Connection *conn, const char *url,
                   const char *method)
{
  struct http_request *req = &ctx->req;
  char ip[INET6_ADDRSTRLEN + 1];
  client_address(ctx->server, conn, ip, sizeof(ip));
  req->client_ip = arena_strdup(req->arena, ip);
  req->method = arena_strdup(req->arena, method);
  req->path = arena_strdup(req->arena, url);
  if (!req->client_ip || !req->method || !req->path)
    return 500;
  req->lang = I18N_DEFAULT_LANG;
  bool bidi = false;
  int query = collect_query(req, conn, &bidi);
  bool path_ok = str_valid_text(str_from(req->path), false) && req->path[0] == '/';
  negotiate(ctx, conn);
  if (query == ST_OK && path_ok)
    return route_and_limit(ctx, conn);
  if (query == ST_LIMIT)
    return 414;
  /* Refused input, in the visitor's language, saying why for a bidirectional control. */
  if (bidi || str_has_bidi_control(str_from(req->path)))
    ctx->error_key = "error_bidi";
  return 400;
}

/* A request's id for logs and error pages: unique, not secret. Eight random bytes drawn once
 * per thread and a per-thread count, so a request costs no getrandom system call. */
static void request_id(char *out, size_t size)
{
  static _Thread_local unsigned char id[16];
  static _Thread_local uint64_t count;
  if (count == 0)
    randombytes_buf(id, 8);
  count++;
  for (int i = 0; i < 8; i++)
    id[8 + i] = (unsigned char)(count >> (8 * i));
  /* lowercase hex as sodium_bin2hex writes it, without its constant-time care (the id is no
   * secret) */
  static const char hex[] = "0123456789abcdef";
  size_t n = 0;
  for (size_t i = 0; i < sizeof(id) && n + 2 < size; i++) {
    out[n++] = hex[id[i] >> 4];
    out[n++] = hex[id[i] & 15];
  }
  if (size)
    out[n] = '\0';
}

/* The request's state lives at the start of its own arena (a recycled one: no allocation and
 * no clearing per request; ARCHITECTURE.md, "The request's memory"). */
static struct http_ctx *ctx_new(struct http_server *server, struct MHD_Connection *conn)
{
  struct arena *arena = arena_new_recycled(HTTP_REQUEST_ARENA_MAX);
  struct http_ctx *ctx = arena ? arena_alloc(arena, sizeof(*ctx)) : NULL;
  if (!ctx) {
    arena_free(arena);
    return NULL;
  }
  ctx->req.arena = arena;
  ctx->server = server;
  ctx->res.arena = ctx->req.arena;
  ctx->route_index = http_route_total(server);
  ctx->req.connection = conn;
  ctx->req.app = server->app.ctx;
  ctx->req.tls = server->config.behind_tls;
  request_id(ctx->req.request_id, sizeof(ctx->req.request_id));
  clock_gettime(CLOCK_MONOTONIC, &ctx->start);
  atomic_fetch_add(&server->in_flight, 1);
  return ctx;
}

/* A 403 to a signed-in person on a route that needs a role goes to the application's audit. */
static void report_forbidden(struct http_ctx *ctx)
{
  const struct http_app *app = &ctx->server->app;
  struct http_request *req = &ctx->req;
  if (ctx->res.status == 403 && req->route && req->route->roles && req->session && app->forbidden)
    app->forbidden(app->ctx, req);
}

static enum MHD_Result respond(struct http_ctx *ctx, int status)
{
  if (status && !(status == 303 && ctx->res.raw))
    http_error(&ctx->res, status, ctx->error_key);
  report_forbidden(ctx);
  ctx->responded = true;
  return http_send(ctx) ? MHD_NO : MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls)
{
  struct http_ctx *ctx = *con_cls;
  if (!ctx) {
    ctx = ctx_new(cls, conn);
    if (!ctx)
      return MHD_NO;
    *con_cls = ctx;
    ctx->early_status = prepare(ctx, conn, url, method);
    return ctx->early_status ? respond(ctx, ctx->early_status) : MHD_YES;
  }
  if (ctx->responded) {
    *upload_size = 0;
    return MHD_YES;
  }
  if (*upload_size) {
    if (!ctx->body_too_large && buf_append(&ctx->body, upload_data, *upload_size))
      ctx->body_too_large = true;
    *upload_size = 0;
    return MHD_YES;
  }
  if (ctx->body_too_large)
    return respond(ctx, 413);
  return respond(ctx, http_run_handler(ctx));
}

/* A line being written into a fixed buffer; what does not fit is cut (the line is then not
 * JSON, as snprintf's cut line was not). */
struct line {
  char *p;
  size_t len, size;
};

static void line_put(struct line *l, const char *s)
{
  size_t n = strlen(s);
  if (n > l->size - 1 - l->len)
    n = l->size - 1 - l->len;
  memcpy(l->p + l->len, s, n);
  l->len += n;
}

/* v's decimal digits, at least min_digits of them (zeros in front). */
static void line_put_uint(struct line *l, uint64_t v, int min_digits)
{
  char digits[24];
  int k = 0;
  do {
    digits[k++] = (char)('0' + v % 10);
    v /= 10;
  } while ((v || k < min_digits) && k < (int)sizeof(digits));
  while (k > 0 && l->len + 1 < l->size)
    l->p[l->len++] = digits[--k];
}

/* The access line, written by hand (snprintf's format interpretation, with "%.3f" for the
 * time, was a sizeable part of a small request's work), from a list of pieces put by one loop
 * (little code: this runs after the page, when its code has left the instruction cache):
 * milliseconds rounded to three decimals, as "%.3f" wrote them. */
static void access_log(struct http_ctx *ctx, double seconds)
{
  char shown[768], path[1024], line[1600], status[24], ms[48];
  const struct http_route *route = http_route_at(ctx->server, ctx->route_index);
  double us = seconds * 1e6;
  uint64_t micros = us > 0 && us < 1e18 ? (uint64_t)(us + 0.5) : 0;
  int code = ctx->res.status;
  struct line st = {status, 0, sizeof(status)}, t = {ms, 0, sizeof(ms)};
  if (code < 0)
    line_put(&st, "-");
  line_put_uint(&st, (uint64_t)(code < 0 ? -(int64_t)code : code), 1);
  status[st.len] = '\0';
  line_put_uint(&t, micros / 1000, 1);
  line_put(&t, ".");
  line_put_uint(&t, micros % 1000, 3);
  ms[t.len] = '\0';
  http_path_redact(ctx->server, route, ctx->req.path, shown, sizeof(shown));
  log_json_escape(path, sizeof(path), shown);
  const char *const parts[] = {"{\"type\":\"access\",\"id\":\"",
                               ctx->req.request_id,
                               "\",\"ip\":\"",
                               ctx->req.client_ip ? ctx->req.client_ip : "",
                               "\",\"method\":\"",
                               ctx->req.method ? ctx->req.method : "",
                               "\",\"path\":\"",
                               path,
                               "\",\"route\":\"",
                               route ? route->pattern : "",
                               "\",\"status\":",
                               status,
                               ",\"ms\":",
                               ms,
                               ",\"lang\":\"",
                               ctx->req.lang ? ctx->req.lang : "",
                               "\"}"};
  struct line l = {line, 0, sizeof(line)};
  for (size_t i = 0; i < ARRAY_LEN(parts); i++)
    line_put(&l, parts[i]);
  log_access_line(line, l.len);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
  struct http_ctx *ctx = *con_cls;
  if (!ctx)
    return;
  struct timespec end;
  clock_gettime(CLOCK_MONOTONIC, &end);
  double seconds = now_seconds(&end) - now_seconds(&ctx->start);
  if (ctx->res.status == 0)
    ctx->res.status = 499; /* the client went away before an answer */
  http_metrics_observe(ctx->server->metrics, ctx->route_index, ctx->res.status, seconds);
  access_log(ctx, seconds);
  json_decref(ctx->res.view);
  buf_free(&ctx->body);
  struct http_server *server = ctx->server;
  arena_free(ctx->req.arena); /* ctx with it */
  atomic_fetch_sub(&server->in_flight, 1);
  *con_cls = NULL;
}

static int load_translations(struct http_server *server, char *err, size_t err_size)
{
  static const char *const files[HTTP_LANG_COUNT] = {"zh_TW.mo", "en.mo"};
  server->arena = arena_new(HTTP_SERVER_ARENA_MAX);
  if (!server->arena)
    return ST_NOMEM;
  struct view_builder b = view_builder(server->arena);
  for (size_t i = 0; i < HTTP_LANG_COUNT; i++) {
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", server->config.locale_dir, files[i]);
    int rc = i18n_load_mo(path, &server->catalogs[i], err, err_size);
    if (rc)
      return rc;
    server->translations[i] = i18n_to_view(server->catalogs[i], &b);
    if (view_done(&b))
      return ST_NOMEM;
  }
  return ST_OK;
}

static int load_resources(struct http_server *server, char *err, size_t err_size)
{
  int rc = load_translations(server, err, err_size);
  if (rc)
    return rc;
  server->templates = mustache_set_new();
  if (!server->templates)
    return ST_NOMEM;
  rc = mustache_set_load_dir(server->templates, server->config.templates_dir, err, err_size);
  if (rc)
    return rc;
  /* {{t.key}} written into the templates per language at load (the dev reload's fresh sets
   * render them by lookup); the translations live as long as the templates */
  rc = mustache_set_fold(server->templates, "t", server->translations, HTTP_LANG_COUNT);
  if (rc)
    return rc;
  rc = http_assets_load(server->config.static_dir, !server->config.dev_reload, &server->assets);
  if (rc)
    return rc;
  server->metrics = http_metrics_new(http_route_total(server));
  server->ratelimit = http_ratelimit_new();
  if (!server->metrics || !server->ratelimit)
    return ST_NOMEM;
  return http_route_index_build(server);
}

static int bind_address(const struct http_server_config *config, struct sockaddr_storage *addr,
                        unsigned *flags)
{
  memset(addr, 0, sizeof(*addr));
  struct sockaddr_in *v4 = (struct sockaddr_in *)addr;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)addr;
  if (inet_pton(AF_INET, config->host, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons((uint16_t)config->port);
    return ST_OK;
  }
  if (inet_pton(AF_INET6, config->host, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons((uint16_t)config->port);
    *flags |= MHD_USE_IPv6;
    return ST_OK;
  }
  return ST_INVALID;
}

static size_t unescape(void *cls, struct MHD_Connection *conn, char *s)
{
  return http_unescape(s);
}

static struct MHD_Daemon *start_daemon(struct http_server *server, char *err, size_t err_size)
{
  const struct http_server_config *c = &server->config;
  struct sockaddr_storage addr;
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
                   MHD_USE_ERROR_LOG;
  if (bind_address(c, &addr, &flags)) {
    snprintf(err, err_size, "listen address %s is not a numeric IP address", c->host);
    return NULL;
  }
  struct MHD_Daemon *d = MHD_start_daemon(
      flags, (uint16_t)c->port, NULL, NULL, on_request, server, MHD_OPTION_SOCK_ADDR, &addr,
      MHD_OPTION_THREAD_POOL_SIZE, (unsigned)c->threads, MHD_OPTION_CONNECTION_LIMIT,
      (unsigned)c->max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
      (unsigned)c->per_ip_connections, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)c->timeout_seconds,
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)c->max_header_bytes, MHD_OPTION_NOTIFY_COMPLETED,
      on_completed, server, MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL, MHD_OPTION_END);
  if (!d)
    snprintf(err, err_size, "cannot listen on %s:%d (in use, or not allowed)", c->host, c->port);
  return d;
}

static void server_free(struct http_server *server)
{
  if (!server)
    return;
  for (size_t i = 0; i < HTTP_LANG_COUNT; i++)
    i18n_free(server->catalogs[i]);
  arena_free(server->arena);
  mustache_set_free(server->templates);
  http_assets_free(server->assets);
  http_metrics_free(server->metrics);
  http_ratelimit_free(server->ratelimit);
  http_stream_hub_free(server->streams);
  free(server);
}

int http_server_start(const struct http_server_config *config, const struct http_route *routes,
                      size_t route_count, const struct http_app *app, struct http_server **out,
                      char *err, size_t err_size)
{
  if (sodium_init() < 0) {
    snprintf(err, err_size, "libsodium failed to initialise");
    return ST_IO;
  }
  struct http_server *server = calloc(1, sizeof(*server));
  if (!server)
    return ST_NOMEM;
  server->config = *config;
  server->routes = routes;
  server->route_count = route_count;
  server->app = *app;
  int rc = netaddr_list_parse(config->trusted_proxies, &server->trusted_proxies, err, err_size);
  if (!rc)
    rc = netaddr_list_parse(config->metrics_from, &server->metrics_from, err, err_size);
  if (!rc)
    rc = load_resources(server, err, err_size);
  if (!rc)
    rc = http_stream_hub_new(&server->streams);
  if (!rc) {
    server->daemon = start_daemon(server, err, err_size);
    rc = server->daemon ? ST_OK : ST_IO;
  }
  if (rc) {
    server_free(server);
    return rc;
  }
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(server->daemon, MHD_DAEMON_INFO_BIND_PORT);
  server->port = info ? info->port : config->port;
  *out = server;
  return ST_OK;
}

int http_server_port(const struct http_server *server)
{
  return server->port;
}

void http_server_stop(struct http_server *server, int grace_seconds)
{
  if (!server)
    return;
  MHD_socket listener = MHD_quiesce_daemon(server->daemon);
  if (listener != MHD_INVALID_SOCKET)
    close(listener);
  http_stream_hub_close(server->streams); /* event streams end: they are never done otherwise */
  for (int waited = 0; atomic_load(&server->in_flight) > 0 && waited < grace_seconds * 100;
       waited++)
    usleep(10000);
  MHD_stop_daemon(server->daemon);
  log_flush(); /* every request's access line is out (the last ones may wait in the buffer) */
  server_free(server);
}
