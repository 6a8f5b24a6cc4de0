/*
 * response.c - turning a handler's answer into bytes: the view model as HTML (page template
 * inside the layout) or JSON, error pages in the citizen's language, and the headers every
 * response carries.
 */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/log.h"
#include "http/internal.h"

#include "base/common.h"

static const char csp[] = "default-src 'self'; script-src 'self'; style-src 'self'; "
                          "img-src 'self' data:; font-src 'self'; object-src 'none'; "
                          "base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

int http_page(struct http_response *res, int status, const char *template_name, json_t *view)
{
  if (!view)
    return ST_NOMEM;
  json_decref(res->view);
  res->view = view;
  res->page = view_json(view);
  res->status = status;
  res->template_name = template_name;
  res->is_error = false;
  return ST_OK;
}

int http_page_view(struct http_response *res, int status, const char *template_name,
                   struct view view)
{
  if (view.type != VIEW_MAP)
    return ST_NOMEM;
  json_decref(res->view);
  res->view = NULL;
  res->page = view;
  res->status = status;
  res->template_name = template_name;
  res->is_error = false;
  return ST_OK;
}

int http_error(struct http_response *res, int status, const char *message_key)
{
  json_decref(res->view);
  res->view = NULL;
  res->page = view_missing();
  res->status = status;
  res->is_error = true;
  res->error_key = message_key;
  res->raw = NULL;
  return ST_OK;
}

int http_raw(struct http_response *res, int status, const char *content_type, const void *data,
             size_t len)
{
  char *copy = arena_alloc(res->arena, len + 1);
  if (!copy)
    return ST_NOMEM;
  memcpy(copy, data, len);
  res->status = status;
  res->content_type = content_type;
  res->raw = copy;
  res->raw_len = len;
  return ST_OK;
}

int http_redirect(struct http_response *res, int status, const char *location)
{
  res->status = status;
  res->raw = "";
  res->raw_len = 0;
  res->content_type = "text/plain; charset=utf-8";
  return http_header_add(res, "Location", location);
}

int http_header_add(struct http_response *res, const char *name, const char *value)
{
  if (!name || !value || strpbrk(name, "\r\n:") || strpbrk(value, "\r\n") ||
      res->header_count == HTTP_MAX_RESPONSE_HEADERS)
    return ST_INVALID;
  /* Copies in the response's arena: a caller may pass a buffer on its stack or one it reuses
   * (the answer is sent after the handler returned). */
  char *n = arena_strdup(res->arena, name), *v = arena_strdup(res->arena, value);
  if (!n || !v)
    return ST_NOMEM;
  res->header_names[res->header_count] = n;
  res->header_values[res->header_count] = v;
  res->header_count++;
  return ST_OK;
}

int http_header_set(struct http_response *res, const char *name, const char *value)
{
  for (size_t i = 0; name && i < res->header_count; i++)
    if (!strcasecmp(res->header_names[i], name)) {
      if (!value || strpbrk(value, "\r\n"))
        return ST_INVALID;
      char *v = arena_strdup(res->arena, value);
      if (!v)
        return ST_NOMEM;
      res->header_values[i] = v;
      return ST_OK;
    }
  return http_header_add(res, name, value);
}

static size_t lang_index(const char *lang)
{
  return strcmp(lang, "en") == 0 ? 1 : 0;
}

static const char *translate(struct http_ctx *ctx, const char *key)
{
  return i18n_get(ctx->server->catalogs[lang_index(ctx->req.lang)], key);
}

static const char *error_code(int status)
{
  switch (status) {
  case 400:
    return "bad_request";
  case 401:
    return "unauthorized";
  case 403:
    return "forbidden";
  case 404:
    return "not_found";
  case 405:
    return "method_not_allowed";
  case 413:
    return "payload_too_large";
  case 415:
    return "unsupported_media_type";
  case 429:
    return "too_many_requests";
  case 503:
    return "unavailable";
  default:
    return "internal_error";
  }
}

/* Builds the error's view model (localised title and message). */
static json_t *error_view(struct http_ctx *ctx)
{
  int status = ctx->res.status;
  if (status != 400 && status != 401 && status != 403 && status != 404 && status != 405 &&
      status != 413 && status != 414 && status != 415 && status != 429)
    status = 500;
  char title_key[32], message_key[32];
  snprintf(title_key, sizeof(title_key), "error_%d_title", status);
  snprintf(message_key, sizeof(message_key), "error_%d_message", status);
  const char *key = ctx->res.error_key ? ctx->res.error_key : message_key;
  const char *title = translate(ctx, title_key);
  return json_pack("{s:s, s:{s:i, s:s, s:s, s:s}}", "title", title, "error", "status",
                   ctx->res.status, "code", error_code(ctx->res.status), "title", title, "message",
                   translate(ctx, key));
}

const char *http_t(const struct http_request *req, const char *key)
{
  const struct http_ctx *ctx =
      (const struct http_ctx *)((const char *)req - offsetof(struct http_ctx, req));
  return i18n_get(ctx->server->catalogs[lang_index(req->lang)], key);
}

static struct view staff_global(const struct http_request *req, struct view_builder *b)
{
  if (!req->session)
    return view_null();
  struct view_map *m = view_map(b);
  view_add_text(b, m, "display_name", req->session->display_name);
  view_add_text(b, m, "username", req->session->username);
  view_add_bool(b, m, "signed_in", !req->session->mfa_pending && !req->session->must_enrol);
  return view_of_map(m);
}

static struct view csrf_now(void *ctx)
{
  return view_text(http_csrf_token(ctx));
}

/* Kiosk mode (issue 18): ?kiosk=1 on a public page turns it on for this browser (a session
 * cookie), ?kiosk=0 off; the layout then uses large type and loads the idle reset
 * (static/js/queue.js). Staff pages never are in kiosk mode. */
static bool kiosk_mode(struct http_ctx *ctx)
{
  const struct http_route *route = ctx->req.route;
  if (!route || route->roles)
    return false;
  const char *asked = http_query(&ctx->req, "kiosk");
  if (asked && (strcmp(asked, "1") == 0 || strcmp(asked, "0") == 0)) {
    bool on = asked[0] == '1';
    http_header_add(&ctx->res, "Set-Cookie",
                    on ? "bm_kiosk=1; Path=/; HttpOnly; SameSite=Strict"
                       : "bm_kiosk=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
    return on;
  }
  const char *cookie = http_cookie(&ctx->req, "bm_kiosk");
  return cookie && strcmp(cookie, "1") == 0;
}

/* The footer's privacy notice (ASVS 8.3.3): the office's on an office's pages, else the
 * installation's. */
static const char *privacy_href(struct http_ctx *ctx)
{
  const char *office = ctx->req.route ? http_capture(&ctx->req, "office") : NULL;
  const char *slug = office ? http_url_encode(ctx->req.arena, office) : NULL;
  size_t n = slug ? strlen(slug) : 0;
  char *href = slug ? arena_alloc(ctx->req.arena, n + sizeof("/o//privacy")) : NULL;
  if (!href)
    return "/privacy";
  memcpy(href, "/o/", 3);
  memcpy(href + 3, slug, n);
  memcpy(href + 3 + n, "/privacy", sizeof("/privacy")); /* with its NUL */
  return href;
}

/* What every page's layout reads: the language and its switch, the translations (shared,
 * built at start), asset names, the request id, the CSRF token, who is signed in and where
 * the privacy notice is. */
static struct view globals(struct http_ctx *ctx, struct view_builder *b)
{
  const char *lang = ctx->req.lang;
  bool en = strcmp(lang, "en") == 0;
  const char *href = http_self_url(&ctx->req, "lang", en ? "zh-TW" : "en");
  struct view_map *g = view_map(b), *sw = view_map(b);
  view_add_text(b, sw, "href", href ? href : "/");
  view_add_text(b, sw, "label", en ? "中文" : "English");
  view_add_text(b, sw, "hreflang", en ? "zh-Hant-TW" : "en");
  view_add_text(b, g, "lang", lang);
  view_add_text(b, g, "html_lang", i18n_html_lang(lang));
  view_add(b, g, "t", ctx->server->translations[lang_index(lang)]);
  view_add_text(b, g, "asset_base", "/static");
  view_add(b, g, "asset", view_json(http_assets_urls(ctx->server->assets)));
  view_add_text(b, g, "request_id", ctx->req.request_id);
  view_add(b, g, "lang_switch", view_of_map(sw));
  /* Made (with its cookie) only for pages that show a form: the others stay compressible. */
  struct view_lazy *csrf = arena_alloc(ctx->req.arena, sizeof(*csrf));
  if (csrf)
    *csrf = (struct view_lazy){.fn = csrf_now, .ctx = &ctx->req};
  else
    b->failed = true;
  view_add(b, g, "csrf_token", view_of_lazy(csrf));
  view_add(b, g, "staff", staff_global(&ctx->req, b));
  view_add_bool(b, g, "kiosk_mode", kiosk_mode(ctx));
  view_add_text(b, g, "privacy_href", privacy_href(ctx));
  return view_of_map(g);
}

/* Room in b for about as much as the last answer of its kind took (*last): one allocation
 * instead of a chain of reallocations as it fills. */
static void reserve_like_last(struct buf *b, atomic_size_t *last)
{
  size_t n = atomic_load_explicit(last, memory_order_relaxed);
  if (n > HTTP_RESERVE_MAX)
    n = HTTP_RESERVE_MAX;
  if (n && buf_extend(b, n))
    buf_reset(b);
}

static void note_size(atomic_size_t *last, size_t n)
{
  atomic_store_explicit(last, n, memory_order_relaxed);
}

/* The page's template, then the layout around it; the page's text is handed to the layout
 * in place ({{{content}}}), not copied. */
static int render_html(struct http_ctx *ctx, const struct mustache_set *set, struct view page,
                       const char *template_name, struct buf *out)
{
  struct view_builder b = view_builder(ctx->req.arena);
  struct view g = globals(ctx, &b);
  struct view_map *content = view_map(&b);
  struct buf text;
  buf_init(&text, HTTP_MAX_PAGE_BYTES);
  reserve_like_last(&text, &ctx->server->last_content);
  int rc = view_done(&b);
  if (!rc) {
    struct view stack[] = {g, page};
    rc = mustache_render_views(set, template_name, stack, 2, &text);
  }
  if (!rc)
    note_size(&ctx->server->last_content, text.len);
  if (!rc) {
    view_add(&b, content, "content", view_textn(text.data ? text.data : "", text.len));
    rc = view_done(&b);
  }
  if (!rc) {
    struct view stack[] = {g, page, view_of_map(content)};
    rc = mustache_render_views(set, "layout", stack, 3, out);
  }
  buf_free(&text);
  return rc;
}

/* Renders with the dev-reload template set when asked for, else the one loaded at start. */
static int render_view(struct http_ctx *ctx, struct view view, const char *template_name,
                       struct buf *out)
{
  const struct http_server_config *c = &ctx->server->config;
  if (!c->dev_reload)
    return render_html(ctx, ctx->server->templates, view, template_name, out);
  char err[512];
  struct mustache_set *fresh = mustache_set_new();
  int rc = fresh ? mustache_set_load_dir(fresh, c->templates_dir, err, sizeof(err)) : ST_NOMEM;
  if (rc)
    log_error("template reload failed: %s", err);
  else
    rc = render_html(ctx, fresh, view, template_name, out);
  mustache_set_free(fresh);
  return rc;
}

/* Fills out with the body; on a rendering failure, falls back once to the 500 page. */
static int build_body(struct http_ctx *ctx, struct buf *out, const char **type)
{
  struct http_response *res = &ctx->res;
  if (res->is_error) {
    json_t *view = error_view(ctx);
    if (!view)
      return ST_NOMEM;
    json_decref(res->view);
    res->view = view;
    res->page = view_json(view);
    res->template_name = "errors/error";
  }
  *type = ctx->req.wants_json ? "application/json; charset=utf-8" : "text/html; charset=utf-8";
  if (ctx->req.wants_json) {
    if (res->is_error)
      return view_write_json(out, view_json(json_object_get(res->view, "error")));
    return view_write_json(out, res->page);
  }
  return render_view(ctx, res->page, res->template_name, out);
}

static bool own_header(const struct http_response *res, const char *name)
{
  for (size_t i = 0; i < res->header_count; i++)
    if (strcasecmp(res->header_names[i], name) == 0)
      return true;
  return false;
}

void http_security_headers(struct http_ctx *ctx, void *mhd_response)
{
  struct MHD_Response *r = mhd_response;
  /* A handler's own policy replaces this one (two policies would both apply): the page that
   * posts an order to a payment gateway widens form-action to that gateway only. */
  if (!own_header(&ctx->res, "Content-Security-Policy"))
    MHD_add_response_header(r, "Content-Security-Policy", csp);
  MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(r, "X-Frame-Options", "DENY");
  MHD_add_response_header(r, "Referrer-Policy", "same-origin");
  MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
  MHD_add_response_header(r, "Permissions-Policy", "camera=(), microphone=(), geolocation=()");
  MHD_add_response_header(r, "X-Request-Id", ctx->req.request_id);
  if (ctx->req.tls)
    MHD_add_response_header(r, "Strict-Transport-Security", "max-age=31536000");
}

/* Whether needle (NUL-terminated, not empty) occurs in the len bytes at hay. */
static bool contains(const char *hay, size_t len, const char *needle)
{
  size_t n = strlen(needle);
  for (const char *p = hay; n && (size_t)(hay + len - p) >= n; p++) {
    p = memchr(p, needle[0], (size_t)(hay + len - p) - n + 1);
    if (!p)
      return false;
    if (memcmp(p, needle, n) == 0)
      return true;
  }
  return false;
}

/* Whether the body holds a secret that text an attacker can make the page reflect could be
 * guessed against by watching compressed sizes (BREACH; ARCHITECTURE.md, "Compressed answers"):
 * every answer to a signed-in session, and any answer carrying this request's CSRF token. */
static bool carries_secret(const struct http_ctx *ctx, const char *body, size_t len)
{
  if (ctx->req.session)
    return true;
  return ctx->anon_csrf && contains(body, len, ctx->anon_csrf);
}

/* Whether this answer is sent gzip'd to a client that accepts gzip: a body large enough, of a
 * text type, that its handler neither encoded nor tagged (static files, with an ETag per
 * encoding), without a secret inside. The answer then varies with Accept-Encoding. */
static bool compressible(const struct http_ctx *ctx, const char *body, size_t len, const char *type)
{
  const struct http_response *res = &ctx->res;
  if (len < HTTP_COMPRESS_MIN_BYTES || res->status == 204 || res->status == 304 ||
      !http_compress_type_ok(type) || own_header(res, "Content-Encoding") ||
      own_header(res, "ETag"))
    return false;
  return !carries_secret(ctx, body, len);
}

/* The body to send. When compressible and the client accepts gzip (not for HEAD, whose body
 * is never sent), *out is the gzip'd body (malloc'd) and *gzip is set; otherwise the body as
 * it is. A failure to compress sends the body as it is. */
static void choose_body(struct http_ctx *ctx, const char *body, size_t len, bool *gzip, char **out,
                        size_t *out_len)
{
  *gzip = false;
  *out = NULL;
  if (!ctx->req.method || strcmp(ctx->req.method, "HEAD") == 0 || /* NULL: out of memory */
      http_encoding_choose(http_header(&ctx->req, "Accept-Encoding"),
                           1u << HTTP_ENCODING_IDENTITY | 1u << HTTP_ENCODING_GZIP) !=
          HTTP_ENCODING_GZIP)
    return;
  int rc = http_gzip(body, len, out, out_len);
  if (rc && rc != ST_LIMIT)
    log_warn("request %s: answer sent uncompressed: %s", ctx->req.request_id, status_name(rc));
  *gzip = rc == ST_OK;
}

static struct MHD_Response *create_response(struct http_ctx *ctx, const char *body, size_t len,
                                            bool must_free, const char *type, bool *varies)
{
  bool gzip = false;
  char *packed = NULL;
  size_t packed_len = 0;
  *varies = compressible(ctx, body, len, type);
  if (*varies)
    choose_body(ctx, body, len, &gzip, &packed, &packed_len);
  if (!gzip)
    return MHD_create_response_from_buffer(
        len, (void *)body, must_free ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
  if (must_free)
    free((void *)body);
  struct MHD_Response *r =
      MHD_create_response_from_buffer(packed_len, packed, MHD_RESPMEM_MUST_FREE);
  if (!r)
    free(packed);
  else
    MHD_add_response_header(r, "Content-Encoding", "gzip");
  return r;
}

/* Whether the answer may hold personal data or secrets: anything to a signed-in person or on a
 * staff route, and the public routes of the lookup and sign-in rate classes (the progress
 * result, /p/<token> and its receipt, files and payments, the API's case answer). Such answers
 * are "no-store" so that no shared or browser cache keeps them; the others "no-cache". */
static bool private_answer(const struct http_ctx *ctx)
{
  const struct http_route *route = ctx->req.route;
  return ctx->req.session || (route && (route->roles || route->rate == HTTP_RATE_LOOKUP ||
                                        route->rate == HTTP_RATE_LOGIN ||
                                        (route->flags & HTTP_ROUTE_UNFINISHED_SIGNIN)));
}

static int queue(struct http_ctx *ctx, const char *body, size_t len, const char *type,
                 bool must_free)
{
  struct http_response *res = &ctx->res;
  bool varies;
  struct MHD_Response *r = create_response(ctx, body, len, must_free, type, &varies);
  if (!r)
    return ST_NOMEM;
  http_security_headers(ctx, r);
  MHD_add_response_header(r, "Content-Type", type);
  if (!res->raw) {
    MHD_add_response_header(r, "Content-Language", i18n_html_lang(ctx->req.lang));
    MHD_add_response_header(r, "Vary",
                            varies ? "Accept, Accept-Encoding, Accept-Language, Cookie"
                                   : "Accept, Accept-Language, Cookie");
  } else if (varies) {
    MHD_add_response_header(r, "Vary", "Accept-Encoding");
  }
  bool private = private_answer(ctx);
  if (!own_header(res, "Cache-Control") && (private || !res->raw)) /* a handler's own wins */
    MHD_add_response_header(r, "Cache-Control", private ? "no-store" : "no-cache");
  for (size_t i = 0; i < res->header_count; i++)
    MHD_add_response_header(r, res->header_names[i], res->header_values[i]);
  enum MHD_Result ok = MHD_queue_response(ctx->req.connection, (unsigned)res->status, r);
  MHD_destroy_response(r);
  return ok == MHD_YES ? ST_OK : ST_IO;
}

/* An error on a path whose routes have an error format of their own (Open311): that format,
 * whether the route was matched or the request was refused before (405, a bad query). */
static void route_error_format(struct http_ctx *ctx)
{
  struct http_response *res = &ctx->res;
  if (!res->is_error || res->raw)
    return;
  const struct http_route *route = ctx->req.route;
  if (!route)
    route = http_route_for_path(ctx->server, ctx->req.path);
  if (!route || !route->error_format)
    return;
  if (route->error_format(&ctx->req, res, res->status, res->error_key) != ST_OK)
    res->raw = NULL;
}

int http_send(struct http_ctx *ctx)
{
  struct http_response *res = &ctx->res;
  route_error_format(ctx);
  if (res->stream && !res->is_error)
    return http_stream_queue(ctx);
  if (res->raw)
    return queue(ctx, res->raw, res->raw_len, res->content_type, false);
  struct buf out;
  buf_init(&out, HTTP_MAX_PAGE_BYTES);
  reserve_like_last(&out, &ctx->server->last_body);
  const char *type = "text/html; charset=utf-8";
  int rc = build_body(ctx, &out, &type);
  if (!rc)
    note_size(&ctx->server->last_body, out.len);
  if (rc && !res->is_error) {
    log_error("request %s: rendering %s failed: %s", ctx->req.request_id,
              res->template_name ? res->template_name : "?", status_name(rc));
    http_error(res, 500, NULL);
    buf_reset(&out);
    rc = build_body(ctx, &out, &type);
  }
  if (rc) {
    buf_free(&out);
    static const char fallback[] = "500 Internal Server Error\n";
    res->status = 500;
    return queue(ctx, fallback, sizeof(fallback) - 1, "text/plain; charset=utf-8", false);
  }
  size_t len;
  char *body = buf_detach(&out, &len);
  return queue(ctx, body, len, type, true);
}
