/*
 * app.c - the request's database connection (domain/connection.h) and small helpers shared by
 * handlers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "domain/accounts.h"
#include "domain/connection.h"
#include "domain/notify.h"
#include "domain/refusal.h"
#include "web/app.h"
#include "render/format.h"

#include "base/common.h"

int web_store(struct http_request *req, struct store **out)
{
  struct web_app *app = req->app;
  return connection_primary(app->db_url, out);
}

int web_primary(void *req, struct store **out)
{
  return web_store(req, out);
}

int web_read(struct http_request *req, struct http_response *res, web_read_fn fn)
{
  struct web_app *app = req->app;
  struct store *store;
  if (app->read_db_url && *app->read_db_url &&
      connection_replica(app->read_db_url, &store) == ST_OK) {
    int rc = fn(req, res, store);
    if (rc != ST_DB && rc != ST_IO)
      return rc;
    connection_read_failed(store);
  }
  int rc = web_store(req, &store);
  return rc ? rc : fn(req, res, store);
}

int web_ready(void *app)
{
  return connection_ready(((struct web_app *)app)->db_url);
}

const char *web_field(json_t *record, const char *field, const char *lang)
{
  char key[64];
  if (strcmp(lang, "en") == 0) {
    snprintf(key, sizeof(key), "%s_en", field);
    const char *en = json_string_value(json_object_get(record, key));
    if (en && *en)
      return en;
  }
  snprintf(key, sizeof(key), "%s_zh", field);
  const char *zh = json_string_value(json_object_get(record, key));
  return zh ? zh : "";
}

int64_t web_int(json_t *record, const char *field)
{
  return json_integer_value(json_object_get(record, field));
}

const char *web_str(json_t *record, const char *field)
{
  const char *s = json_string_value(json_object_get(record, field));
  return s ? s : "";
}

int web_session_load(void *app, struct http_request *req, const char *token,
                     struct http_session *out)
{
  struct store *store;
  struct connection_session s;
  int rc = connection_primary(((struct web_app *)app)->db_url, &store);
  if (!rc)
    rc = connection_session(store, req->arena, token, clock_now(), &s);
  if (rc)
    return rc;
  out->user_id = s.user_id;
  out->office_id = s.office_id;
  out->unit_id = s.unit_id;
  out->roles = s.roles;
  out->mfa_pending = s.mfa_pending;
  out->must_enrol = (s.roles & ROLE_ADMIN) && !s.totp_enabled;
  out->must_change_password = s.password_expired;
  out->username = s.username;
  out->display_name = s.display_name;
  out->csrf_token = s.csrf_token;
  return ST_OK;
}

void web_forbidden(void *app, struct http_request *req)
{
  struct store *store;
  struct audit_actor actor;
  if (!req->session || !req->route)
    return;
  web_actor(req, &actor);
  int rc = connection_primary(((struct web_app *)app)->db_url, &store);
  if (!rc)
    rc = accounts_refusal_record(store, &actor, req->method, req->route->pattern,
                                 req->session->roles, clock_now());
  if (rc)
    log_error("request %s: the refusal was not audited: %s", req->request_id, status_name(rc));
}

void web_actor(const struct http_request *req, struct audit_actor *actor)
{
  const struct http_session *s = req->session;
  actor->office_id = s ? s->office_id : 0;
  actor->user_id = s ? s->user_id : 0;
  actor->name = s ? s->username : "";
  actor->ip = req->client_ip;
  actor->lang = req->lang;
}

/* view[key], created as an empty object or array when missing. */
static json_t *member(json_t *view, const char *key, bool array)
{
  json_t *m = json_object_get(view, key);
  if (!m && json_object_set_new(view, key, array ? json_array() : json_object()) == 0)
    m = json_object_get(view, key);
  return m;
}

int web_form_error(struct http_request *req, json_t *view, const char *field, const char *key)
{
  return web_form_error_text(view, field, http_t(req, key));
}

int web_form_error_text(json_t *view, const char *field, const char *message)
{
  json_t *errors = member(view, "errors", true), *by_field = member(view, "field_errors", false);
  if (!errors || !by_field)
    return ST_NOMEM;
  if (json_array_append_new(errors, json_pack("{s:s, s:s}", "field", field, "message", message)) ||
      json_object_set_new(view, "has_errors", json_true()))
    return ST_NOMEM;
  if (!json_object_get(by_field, field) &&
      json_object_set_new(by_field, field, json_string(message)))
    return ST_NOMEM;
  return ST_OK;
}

void web_form_error_tview(struct http_request *req, struct view_builder *b, struct view_map *page,
                          const char *field, const char *key)
{
  web_form_errors_tview(req, b, page, &(struct form_refusal){field, key}, 1);
}

void web_form_errors_tview(struct http_request *req, struct view_builder *b, struct view_map *page,
                           const struct form_refusal *refused, size_t n)
{
  struct view_list *errors = view_list(b);
  struct view_map *by_field = view_map(b);
  for (size_t i = 0; i < n; i++) {
    const char *message = http_t(req, refused[i].reason);
    struct view_map *e = view_map(b);
    view_add_text(b, e, "field", refused[i].field);
    view_add_text(b, e, "message", message);
    view_push(b, errors, view_of_map(e));
    bool had = false; /* a field's first message is the one at it, as web_form_error */
    for (size_t j = 0; j < i && !had; j++)
      had = !strcmp(refused[j].field, refused[i].field);
    if (!had)
      view_add_text(b, by_field, refused[i].field, message);
  }
  view_add(b, page, "errors", view_of_list(errors));
  view_add(b, page, "field_errors", view_of_map(by_field));
  view_add_bool(b, page, "has_errors", true);
}

const char *web_datetime(struct http_request *req, int64_t t)
{
  char buf[64];
  if (t <= 0 || format_datetime((time_t)t, req->lang, buf, sizeof(buf)))
    return "";
  return arena_strdup(req->arena, buf);
}

const char *web_month_of(struct http_request *req, int year, int month)
{
  char buf[32];
  if (format_month(year, month, req->lang, buf, sizeof(buf)))
    return arena_printf(req->arena, "%04d-%02d", year, month);
  return arena_strdup(req->arena, buf);
}

const char *web_month(struct http_request *req, const char *iso)
{
  if (!iso)
    return "";
  bool digits = strlen(iso) >= 7 && iso[4] == '-';
  for (int i = 0; digits && i < 7; i++)
    digits = i == 4 || (iso[i] >= '0' && iso[i] <= '9');
  if (!digits || (iso[7] != '\0' && iso[7] != '-'))
    return iso;
  int year = (int)strtol(iso, NULL, 10), month = (int)strtol(iso + 5, NULL, 10);
  char buf[32];
  if (format_month(year, month, req->lang, buf, sizeof(buf)))
    return iso;
  return arena_strdup(req->arena, buf);
}

const char *web_date(struct http_request *req, const char *iso)
{
  if (!iso)
    return "";
  bool digits = strlen(iso) == 10 && iso[4] == '-' && iso[7] == '-';
  for (int i = 0; digits && i < 10; i++)
    digits = i == 4 || i == 7 || (iso[i] >= '0' && iso[i] <= '9');
  char buf[48];
  if (!digits || format_date((int)strtol(iso, NULL, 10), (int)strtol(iso + 5, NULL, 10),
                             (int)strtol(iso + 8, NULL, 10), req->lang, buf, sizeof(buf)))
    return iso;
  const char *copy = arena_strdup(req->arena, buf);
  return copy ? copy : iso;
}

struct view web_datetime_view(struct http_request *req, int64_t t, bool english,
                              struct format_day *memo)
{
  char *out = t > 0 ? arena_alloc(req->arena, FORMAT_DATETIME_SIZE) : NULL;
  size_t n = out ? format_datetime_to((time_t)t, english, memo, out) : 0;
  struct view v = view_textn(n ? out : "", n);
  v.flags = VIEW_HTML_PLAIN; /* view_text_plain without its strlen */
  return v;
}

const char *web_origin(struct http_request *req)
{
  const struct notify_settings *settings = notify_settings();
  if (settings->public_url_set) /* main refuses to serve a non-local address without it */
    return settings->public_url;
  const char *host = http_header(req, "Host");
  if (!host || !*host || strlen(host) > 255 ||
      strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") !=
          strlen(host))
    host = "127.0.0.1";
  return arena_printf(req->arena, "%s://%s", req->tls ? "https" : "http", host);
}

const char *web_safe_next(const char *next)
{
  if (!next || strncmp(next, "/staff/", 7) != 0 || strstr(next, "//") || strchr(next, '\\'))
    return "/staff/";
  return next;
}

const char *web_actor_label(struct http_request *req, const char *actor)
{
  static const struct {
    const char *prefix, *key;
  } kinds[] = {{"online application", "actor_online"}, {"api", "actor_api"}};
  if (!actor)
    return "";
  for (size_t i = 0; i < ARRAY_LEN(kinds); i++) {
    size_t n = strlen(kinds[i].prefix);
    if (strncmp(actor, kinds[i].prefix, n) == 0 && (actor[n] == '\0' || actor[n] == ' '))
      return arena_printf(req->arena, "%s%s", http_t(req, kinds[i].key), actor + n);
  }
  return actor;
}
