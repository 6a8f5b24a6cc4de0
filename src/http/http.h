/*
 * http.h - the HTTP layer: the only code that includes microhttpd.h (ARCHITECTURE.md).
 *
 * The web layer describes its routes as data (struct http_route) and writes handlers that fill
 * a view model (a json_t) and name a template. This layer does the rest: routing, limits
 * (body caps checked on Content-Length before reading, per-IP rate classes, connection limits),
 * language negotiation, content negotiation (the same view model answers HTML or JSON), error
 * pages in the citizen's language, security headers, request ids, the JSON-lines access log,
 * Prometheus metrics and graceful shutdown.
 */
#ifndef BIANMIN_HTTP_HTTP_H
#define BIANMIN_HTTP_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/str.h"
#include "render/view.h"

/* Rate classes: how many requests a client address may make per minute on a route. Public
 * pages are generous; lookups of private things (case numbers) and sign-in are strict. */
enum http_rate_class { HTTP_RATE_NONE, HTTP_RATE_PUBLIC, HTTP_RATE_LOOKUP, HTTP_RATE_LOGIN };

enum { HTTP_BODY_NONE = 0, HTTP_BODY_FORM = 64 * 1024, HTTP_MAX_PARAMS = 64, HTTP_MAX_PARTS = 32 };

struct http_request;
struct http_response;

/* A handler fills res (usually through http_page or http_error) and returns ST_OK, or returns
 * a status code: ST_NOTFOUND -> 404 page, ST_INVALID -> 400 page, anything else -> 500 page. */
typedef int (*http_handler_fn)(struct http_request *req, struct http_response *res);

/* Route flags. */
enum {
  /* Reachable by a signed-in person whose sign-in is not finished yet (second factor pending,
   * or a second factor that must be set up first). */
  HTTP_ROUTE_UNFINISHED_SIGNIN = 1,
  /* Never answers a request: lends its error_format to the paths its pattern matches that no
   * other route does ("/api/{path...}": an unknown path under /api/ gets the API's 404). */
  HTTP_ROUTE_ERRORS_ONLY = 2,
  /* The body types a route takes (ASVS 13.1.5): a route with a body cap takes a form
   * (application/x-www-form-urlencoded or multipart/form-data) unless one of these says
   * otherwise. A request with a body of any other Content-Type (or none) gets 415 before any
   * of it is read. */
  HTTP_ROUTE_BODY_JSON = 4,        /* application/json only (the JSON API) */
  HTTP_ROUTE_BODY_FORM_OR_JSON = 8 /* a form or application/json (a gateway's webhook) */
};

/* A route's own error format (Open311's error list): writes res (through http_raw) for an error
 * the HTTP layer or the generic handler path decided on the route's behalf - 400 (a malformed
 * query or body), 405, 413, 429, 500 - keeping status. message_key is the more specific key
 * given to http_error, or NULL. Returning anything but ST_OK, or leaving res without a body,
 * falls back to the generic error page. */
typedef int (*http_error_fn)(struct http_request *req, struct http_response *res, int status,
                             const char *message_key);

struct http_route {
  const char *method;  /* "GET", "POST", ... (a GET route also answers HEAD) */
  const char *pattern; /* "/o/{office}/search": {name} captures one path segment;
                          a trailing "{name...}" captures the rest of the path. A secret in
                          the path (a progress token, a resume link, a webhook secret) must be
                          captured as {token}: logs show it as "[redacted]" */
  http_handler_fn handler;
  unsigned roles;  /* 0 = public; otherwise a bit mask of roles (accounts issue) */
  bool csrf;       /* state-changing: requires the session's CSRF token */
  size_t body_max; /* largest accepted request body in bytes */
  enum http_rate_class rate;
  unsigned flags; /* HTTP_ROUTE_* */
  /* NULL = the generic error page or JSON error object. Set on a path's routes, it also
   * answers a 405 for another method and a 400 for a malformed query on that path. */
  http_error_fn error_format;
};

/* The signed-in staff member behind a request (loaded by the application's session_load). */
struct http_session {
  int64_t user_id;
  int64_t office_id;
  int64_t unit_id;
  unsigned roles;
  bool mfa_pending;          /* password accepted, second factor not yet */
  bool must_enrol;           /* must set up a second factor before anything else */
  bool must_change_password; /* an administrator set the password: choose one first */
  const char *username;
  const char *display_name;
  const char *csrf_token;
  const char *token; /* the cookie value */
};

struct http_param {
  struct str name;
  struct str value;
};

/* One part of a multipart/form-data body. name, filename (NULL for a plain field; reduced to
 * its last path component) and content_type (NULL when not sent) are NUL-terminated; data is
 * len bytes of the request body, not NUL-terminated. */
struct http_part {
  const char *name;
  const char *filename;
  const char *raw_filename; /* the file name as sent (before reduction), or NULL */
  const char *content_type;
  const char *data;
  size_t len;
};

/* What a handler sees of a request. Everything lives in req->arena. */
struct http_request {
  struct arena *arena;
  const struct http_route *route;
  const char *method;
  const char *path;      /* percent-decoded, valid UTF-8 */
  const char *lang;      /* "zh-TW" or "en", negotiated */
  const char *client_ip; /* the client's address: the peer, or behind a trusted proxy the
                            address X-Forwarded-For names (netaddr_client) */
  char request_id[33];   /* 32 hex characters, also sent as X-Request-Id */
  bool wants_json;       /* Accept prefers application/json */
  bool tls;              /* served over TLS, or behind a TLS-terminating proxy (config) */
  struct http_param captures[8];
  size_t capture_count;
  struct http_param *query;
  size_t query_count;
  struct http_param *form; /* parsed urlencoded body, or the plain fields of a multipart one */
  size_t form_count;
  struct http_part *parts; /* parsed multipart/form-data body (all its parts) */
  size_t part_count;
  const char *body;
  size_t body_len;
  struct http_session *session; /* NULL when nobody is signed in (or the route is public) */
  void *connection;             /* opaque: the libmicrohttpd connection */
  void *app;                    /* the application context given to http_server_start */
};

/* Values of a request. Captures, query and form values are valid UTF-8 without control
 * characters (newlines allowed in form values); a request that breaks this gets 400 before any
 * handler runs. All return NULL when absent. */
const char *http_capture(const struct http_request *req, const char *name);
const char *http_query(const struct http_request *req, const char *name);
const char *http_form(const struct http_request *req, const char *name);
/* The first part called name of a multipart/form-data body (a file or a plain field), or NULL.
 * A malformed multipart body gets 400 before any handler runs. */
const struct http_part *http_part(const struct http_request *req, const char *name);
const char *http_header(const struct http_request *req, const char *name);
const char *http_cookie(const struct http_request *req, const char *name);

/* The request's own path and query with parameter name set to value (replacing any earlier
 * value), percent-encoded, in the arena. For links such as the language switch. */
char *http_self_url(const struct http_request *req, const char *name, const char *value);
/* The address this request arrived at, "127.0.0.1:8080" or "[::1]:8080", for a call back to
 * this very server (the payment sandbox's callback). ST_IO when it cannot be known. */
int http_local_address(const struct http_request *req, char *out, size_t size);
/* Percent-encodes s for a query string value (RFC 3986 unreserved characters kept). */
char *http_url_encode(struct arena *arena, const char *s);

/* Whether the route table lets the signed-in person (req->session, NULL = nobody) call method
 * on path: the very check http_authorize makes before a handler runs. Pages use it to offer
 * only the links and forms that will not answer 403 (the route table is the one statement of
 * who may do what; a handler may still refuse a particular record). */
bool http_may(struct http_request *req, const char *method, const char *path);
/* The role check alone: a public route, or a finished sign-in holding one of route->roles. */
bool http_roles_allow(const struct http_route *route, const struct http_session *session);

/* The text of translation key in the request's language (the key itself when missing). */
const char *http_t(const struct http_request *req, const char *key);

/* The view model: takes ownership of view; template is a name in the template set
 * ("public/home"). title goes to <title> and the JSON view. */
int http_page(struct http_response *res, int status, const char *template_name, json_t *view);
/* The same with a view built in the request's arena (render/view.h): the pages read most often
 * are built this way, without jansson. A VIEW_NULL view (a failed build) is ST_NOMEM. */
int http_page_view(struct http_response *res, int status, const char *template_name,
                   struct view view);
/* A localised error page (or JSON error object) for one of 400 403 404 405 413 415 429 500;
 * message_key optionally names a translation key more specific than the generic message. */
int http_error(struct http_response *res, int status, const char *message_key);
/* A raw body (static files, metrics, QR SVG); data is copied into the response. */
int http_raw(struct http_response *res, int status, const char *content_type, const void *data,
             size_t len);
int http_redirect(struct http_response *res, int status, const char *location);
/* Adds a response header (Set-Cookie, Cache-Control, ...); name and value are copied into the
 * response (a stack buffer may be passed). ST_INVALID for a CR or LF (or a colon in the name). */
int http_header_add(struct http_response *res, const char *name, const char *value);
/* The same, replacing the value of a header of that name (any case) already added. */
int http_header_set(struct http_response *res, const char *name, const char *value);

/* Server-Sent Events (text/event-stream). A handler answers with http_stream: the stream
 * sends initial (len bytes of complete event lines, e.g. "retry: 3000\n\n" and the events the
 * client missed since its Last-Event-ID) at once, then every event published on topic with an
 * id above last_id, as it is published, until the client goes or the server stops. No thread
 * waits for a stream while it has nothing to send (stream.c). initial must live until the
 * handler returns. */
int http_stream(struct http_response *res, int64_t topic, int64_t last_id, const char *initial,
                size_t len);
struct http_server;
/* From any thread: adds an event (len bytes of complete lines: "id: 7\nevent: call\ndata: ...\n\n";
 * ids rise per topic) and wakes the topic's streams. ST_LIMIT above 4 KB. */
int http_stream_publish(struct http_server *server, int64_t topic, int64_t id, const char *text,
                        size_t len);
/* Sends a comment line on every stream (every 15 s or so: keeps proxies from closing idle
 * streams and ends those whose client went away). */
void http_stream_heartbeat(struct http_server *server);
/* How many streams are open (for tests and metrics). */
size_t http_stream_count(const struct http_server *server);

struct http_server_config {
  const char *host; /* numeric IPv4 or IPv6 address */
  int port;         /* 0 = any free port (see http_server_port) */
  int threads;
  int max_connections;
  int per_ip_connections;
  int timeout_seconds;
  int max_header_bytes;
  bool behind_tls;
  /* Peers whose X-Forwarded-For names the client (base/netaddr.h list syntax); NULL or "" =
   * none: the socket's peer is the client address for rate limits, logs and the audit. */
  const char *trusted_proxies;
  /* Client addresses (the same list syntax) that may read /metrics; others get 403. NULL or
   * "" = nobody. The client address is the one the rate limits see (after trusted proxies). */
  const char *metrics_from;
  bool dev_reload;           /* reload templates from disk for every request */
  const char *templates_dir; /* mustache templates */
  const char *static_dir;    /* served under /static/ */
  const char *locale_dir;    /* <lang>.mo translation catalogues */
  int rate_public_per_minute;
  int rate_lookup_per_minute;
  int rate_login_per_minute;
};

/* Services the application lends to the HTTP layer (wired in main.c). */
struct http_app {
  void *ctx;
  /* ST_OK when the database answers (for /readyz). */
  int (*ready)(void *ctx);
  /* Fills out (strings in req->arena) for the session cookie token; ST_NOTFOUND when there is
   * no valid session. */
  int (*session_load)(void *ctx, struct http_request *req, const char *token,
                      struct http_session *out);
  const char *signin_path;   /* where an anonymous request for a staff page is sent */
  const char *mfa_path;      /* where a pending sign-in is sent */
  const char *enrol_path;    /* where someone who must set up a second factor is sent */
  const char *password_path; /* where someone whose password has expired is sent */
  /* Called once for every 403 answered to a signed-in person on a route that needs a role
   * (the route table's or the handler's refusal; ASVS 7.2.2): the application audits it.
   * NULL = nothing. */
  void (*forbidden)(void *ctx, struct http_request *req);
};

/* The session cookie's name (ASVS 3.4.4): with the __Host- prefix when served over TLS or
 * behind a TLS proxy (req->tls, [server] behind_tls), so that the browser keeps it only when it
 * is Secure, for Path=/ and without a Domain; plain over HTTP (development), where a browser
 * would refuse a __Host- cookie without Secure. */
#define HTTP_SESSION_COOKIE     "bm_session"
#define HTTP_SESSION_COOKIE_TLS "__Host-bm_session"
const char *http_session_cookie_name(const struct http_request *req);

/* Sets (max_age_seconds > 0) or clears (0) the session cookie: HttpOnly, SameSite=Strict,
 * Secure when served over TLS. */
int http_session_cookie(struct http_response *res, const struct http_request *req,
                        const char *token, int max_age_seconds);
/* The CSRF token forms must carry (field "csrf", or header X-CSRF-Token): the session's, or
 * for anonymous forms a random token kept in a cookie. */
const char *http_csrf_token(struct http_request *req);

struct http_server;

/* Loads templates and translations, binds and starts serving. err says what failed. */
int http_server_start(const struct http_server_config *config, const struct http_route *routes,
                      size_t route_count, const struct http_app *app, struct http_server **out,
                      char *err, size_t err_size);
int http_server_port(const struct http_server *server);
/* Stops accepting, waits up to grace_seconds for requests in flight, then stops. */
void http_server_stop(struct http_server *server, int grace_seconds);

#endif
