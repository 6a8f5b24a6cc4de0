/*
 * internal.h - what the files of the HTTP layer share and nobody else sees.
 */
#ifndef BIANMIN_HTTP_INTERNAL_H
#define BIANMIN_HTTP_INTERNAL_H

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <time.h>

#include "base/buf.h"
#include "base/netaddr.h"
#include "http/http.h"
#include "render/i18n.h"
#include "render/mustache.h"

enum {
  HTTP_MAX_RESPONSE_HEADERS = 16,
  HTTP_MAX_PAGE_BYTES = 8 * 1024 * 1024,
  HTTP_REQUEST_ARENA_MAX = 16 * 1024 * 1024,
  HTTP_SERVER_ARENA_MAX = 16 * 1024 * 1024,
  /* Longest path plus query we answer (414 above, with our headers and page). libmicrohttpd
   * answers 414 itself, without them, only past the whole header memory (max_header_bytes). */
  HTTP_URI_MAX = 8 * 1024,
  HTTP_LANG_COUNT = 2,
  /* The most a rendering buffer starts with (server->last_body) */
  HTTP_RESERVE_MAX = 256 * 1024
};

struct http_response {
  int status;
  json_t *view;     /* a page built as jansson (http_page), owned */
  struct view page; /* what is rendered: view_json(view), or a view (http_page_view) */
  const char *template_name;
  const char *error_key;
  const char *content_type;
  const char *raw;
  size_t raw_len;
  bool is_error;
  const char *header_names[HTTP_MAX_RESPONSE_HEADERS];
  const char *header_values[HTTP_MAX_RESPONSE_HEADERS];
  size_t header_count;
  struct arena *arena;
  bool stream; /* http_stream: raw is the first text, then the topic's events */
  int64_t stream_topic, stream_last_id;
};

struct http_metrics;
struct http_ratelimit;
struct http_assets;
struct http_route_index;

struct http_server {
  struct MHD_Daemon *daemon;
  struct http_server_config config;
  const struct http_route *routes;
  size_t route_count;
  struct http_app app;
  struct mustache_set *templates;
  struct i18n_catalog *catalogs[HTTP_LANG_COUNT];
  struct view translations[HTTP_LANG_COUNT]; /* {{t.key}}: indexed maps in arena */
  struct arena *arena;                       /* what lives as long as the server */
  struct http_metrics *metrics;
  struct http_ratelimit *ratelimit;
  struct http_assets *assets;          /* the static folder as read at start (assets.c) */
  struct netaddr_list trusted_proxies; /* parsed from config.trusted_proxies */
  struct netaddr_list metrics_from;    /* parsed from config.metrics_from */
  atomic_int in_flight;
  int port;
  struct http_stream_hub *streams;      /* stream.c */
  struct http_route_index *route_index; /* route.c; NULL: every lookup scans the table */
  /* The size of the last answer rendered, and of the last page inside the layout: the room
   * the next one's buffers start with (response.c) */
  atomic_size_t last_body, last_content;
};

/* One request in flight: libmicrohttpd's per-connection-request pointer. */
struct http_ctx {
  struct http_server *server;
  struct http_request req;
  struct http_response res;
  struct buf body;
  struct timespec start;
  size_t route_index;    /* into the combined table, or route_total for "no route" */
  int early_status;      /* an answer decided before the body was read (404, 405, 413, 429, 400) */
  const char *error_key; /* the more specific message of an early answer, or NULL */
  bool body_too_large;
  bool responded;
  const char *anon_csrf; /* the anonymous CSRF token of this request, once known */
};

/* route.c */
const struct http_route *http_builtin_routes(size_t *count);
/* The table's routes grouped by their path's first segment, in server->arena, so that finding
 * a route tries only those that can match (http_route_find; the answer is the same without).
 * ST_NOMEM is the only failure. */
int http_route_index_build(struct http_server *server);
/* Finds the route for method+path among builtin and application routes. On success fills the
 * captures and *index; returns 404 when no pattern matches the path, 405 when one does but not
 * for this method (allow receives the allowed methods), 0 on success. */
int http_route_find(const struct http_server *server, struct http_request *req, size_t *index,
                    char *allow, size_t allow_size);
/* The first route whose pattern matches path, whatever its method (for the error format of a
 * request refused before or without routing); NULL when none does. */
const struct http_route *http_route_for_path(const struct http_server *server, const char *path);
/* The marker that stands for a secret in logs. */
#define HTTP_REDACTED "[redacted]"
/* path as the access log and error reports show it (into out, cut to size; matched, the route
 * the request matched or NULL, is tried first): the capture of
 * every {token} of the route table replaced by HTTP_REDACTED (a route's secret path segment -
 * a progress token, a resume link, a webhook secret - is always captured as {token}); a path
 * no route matches loses every segment of 16 or more token characters ([A-Za-z0-9_-]). The
 * query string is never logged. */
void http_path_redact(const struct http_server *server, const struct http_route *matched,
                      const char *path, char *out, size_t size);
/* The route that answers method on path (the first in table order), or NULL. */
const struct http_route *http_route_for_method(const struct http_server *server, const char *method,
                                               const char *path);
const struct http_route *http_route_at(const struct http_server *server, size_t index);
size_t http_route_total(const struct http_server *server);

/* form.c */
/* libmicrohttpd's unescaper for the path and query arguments: decodes %HH in place (a broken
 * escape stays as typed) and returns the new length. %00 becomes \x01, a control character the
 * text checks refuse (400), where a NUL would silently cut the path short. */
size_t http_unescape(char *s);
int http_form_parse(struct arena *arena, const char *data, size_t len, bool allow_newlines,
                    struct http_param **out, size_t *count);

/* multipart.c: the boundary parameter of a multipart/form-data Content-Type; and the body's
 * parts (see multipart.c for the contract). ST_INVALID for anything malformed, ST_LIMIT for
 * more than HTTP_MAX_PARTS parts. */
int http_multipart_boundary(const char *content_type, char *out, size_t out_size);
int http_multipart_parse(struct arena *arena, const char *content_type, const char *data,
                         size_t len, struct http_part **out, size_t *count);

/* negotiate.c */
bool http_accept_prefers_json(const char *accept);

/* compress.c: gzip for dynamic answers (ARCHITECTURE.md, "Compressed answers"). Bodies below
 * HTTP_COMPRESS_MIN_BYTES are sent as they are: gzip's 18 bytes of framing and the CPU are not
 * worth it. Level 1 is zlib's fastest; on our pages it is within 10 % of level 6's size. */
enum { HTTP_COMPRESS_MIN_BYTES = 1024, HTTP_GZIP_LEVEL = 1 };
/* Whether a Content-Type is text worth compressing (text/..., JSON, XML, JavaScript, SVG). */
bool http_compress_type_ok(const char *content_type);
/* data as one gzip stream in *out (malloc'd; the caller frees it). ST_LIMIT when it would not
 * be smaller, ST_NOMEM, or ST_IO when zlib fails otherwise; *out is NULL on every failure. */
int http_gzip(const char *data, size_t len, char **out, size_t *out_len);

/* response.c */
int http_send(struct http_ctx *ctx);
void http_security_headers(struct http_ctx *ctx, void *mhd_response);

/* metrics.c */
struct http_metrics *http_metrics_new(size_t route_count);
void http_metrics_free(struct http_metrics *metrics);
void http_metrics_observe(struct http_metrics *metrics, size_t route_index, int status,
                          double seconds);
int http_metrics_render(struct http_metrics *metrics, const struct http_server *server,
                        struct buf *out);

/* ratelimit.c */
struct http_ratelimit *http_ratelimit_new(void);
void http_ratelimit_free(struct http_ratelimit *limiter);
/* True when the client may make one more request of this class now (and counts it). */
bool http_ratelimit_allow(struct http_ratelimit *limiter, enum http_rate_class rate,
                          const char *client_ip, int per_minute, double now);

/* assets.c: the static folder read at start, with hashed names and precompressed variants. */
enum http_encoding {
  HTTP_ENCODING_IDENTITY,
  HTTP_ENCODING_GZIP,
  HTTP_ENCODING_BR,
  HTTP_ENCODING_COUNT
};
enum { HTTP_ASSET_HASH_HEX = 8, HTTP_STATIC_MAX_BYTES = 4 * 1024 * 1024 };
struct http_asset {
  char *path;        /* below the static folder: "css/bianmin.css" */
  char *hashed_path; /* "css/bianmin.3f2a9c1e.css" */
  const char *type;  /* Content-Type */
  char hash[HTTP_ASSET_HASH_HEX + 1];
  char etags[HTTP_ENCODING_COUNT][24];   /* "3f2a9c1e", "3f2a9c1e-gzip", ... with quotes */
  const char *data[HTTP_ENCODING_COUNT]; /* NULL: no such variant (identity is always there) */
  size_t len[HTTP_ENCODING_COUNT];
};
/* Reads every file of a known type below dir (plain names only, within the limits in
 * assets.c; a file left out is logged) with its variants. hashed_urls false (templates reloaded
 * for development): the template URLs name the plain files. ST_NOMEM is the only failure; a
 * missing folder gives an empty set. */
int http_assets_load(const char *dir, bool hashed_urls, struct http_assets **out);
void http_assets_free(struct http_assets *assets);
/* The template global "asset" (borrowed reference; null for no set), e.g.
 * {"css": {"bianmin_css": "/static/css/bianmin.<hash>.css"}, "favicon_svg": ...}. */
json_t *http_assets_urls(const struct http_assets *assets);
/* The file rel names: its hashed name (*current = true: these bytes forever), its plain name, or
 * the name of an older version (both *current = false). NULL when none (or assets is NULL). */
const struct http_asset *http_assets_find(const struct http_assets *assets, const char *rel,
                                          bool *current);
/* Which encoding to send among those available (bit 1 << encoding) for this Accept-Encoding
 * header (NULL when absent): q-values honoured, ties to the smaller, identity as the fallback. */
enum http_encoding http_encoding_choose(const char *accept_encoding, unsigned available);
const char *http_encoding_name(enum http_encoding encoding);
/* Static paths are plain names: letters, digits, '-', '_', '.', '/' separated segments, none
 * empty or starting with '.', so nothing outside the static folder can be named. */
bool http_static_path_ok(const char *path);
/* The Content-Type for a static file's name, NULL for a type not served. */
const char *http_static_type(const char *path);

/* stream.c: the event streams of a server (see stream.c). http_stream_hub_close ends every
 * stream (the server is stopping); http_stream_queue answers a handler's http_stream. */
struct http_stream_hub;
int http_stream_hub_new(struct http_stream_hub **out);
void http_stream_hub_close(struct http_stream_hub *hub);
void http_stream_hub_free(struct http_stream_hub *hub);
int http_stream_queue(struct http_ctx *ctx);
/* builtin.c */
int http_builtin_healthz(struct http_request *req, struct http_response *res);
int http_builtin_readyz(struct http_request *req, struct http_response *res);
int http_builtin_metrics(struct http_request *req, struct http_response *res);
int http_builtin_static(struct http_request *req, struct http_response *res);

/* session.c: 0 when the request may proceed, else the status to answer with (a 303 has its
 * Location set already). */
int http_authorize(struct http_ctx *ctx);
bool http_csrf_ok(struct http_request *req);

/* handler.c: runs the route's handler (after form parsing) and returns an error status to
 * answer with, or 0 when the handler filled the response. */
int http_run_handler(struct http_ctx *ctx);
/* Whether a request with (has_body) a body of content_type (NULL = none sent) may reach
 * route: its body types (HTTP_ROUTE_BODY_*); a request without a body always may. */
bool http_body_type_ok(const struct http_route *route, const char *content_type, bool has_body);

#endif
