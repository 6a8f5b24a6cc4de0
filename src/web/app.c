/*
 * app.c - per-thread database connections and small helpers shared by handlers.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "domain/accounts.h"
#include "web/app.h"
#include "render/format.h"

#include "base/common.h"

static pthread_key_t store_key;
static pthread_once_t store_key_once = PTHREAD_ONCE_INIT;

static void close_thread_store(void *store)
{
  store_close(store);
}

static void make_store_key(void)
{
  pthread_key_create(&store_key, close_thread_store);
}

static int thread_store(struct web_app *app, struct store **out)
{
  pthread_once(&store_key_once, make_store_key);
  struct store *store = pthread_getspecific(store_key);
  if (!store) {
    char err[256];
    int rc = store_open(app->db_url, &store, err, sizeof(err));
    if (rc) {
      log_error("cannot open database: %s", err);
      return rc;
    }
    pthread_setspecific(store_key, store);
  }
  *out = store;
  return ST_OK;
}

int web_store(struct http_request *req, struct store **out)
{
  return thread_store(req->app, out);
}

/* The read replica's connections, one per thread like the primary's. A connection that failed
 * is closed, so the next request connects again (the replica may be back). */
static pthread_key_t read_key;
static pthread_once_t read_key_once = PTHREAD_ONCE_INIT;

static void make_read_key(void)
{
  pthread_key_create(&read_key, close_thread_store);
}

static int thread_read_store(struct web_app *app, struct store **out)
{
  pthread_once(&read_key_once, make_read_key);
  struct store *store = pthread_getspecific(read_key);
  if (!store) {
    char err[256];
    int rc = store_open(app->read_db_url, &store, err, sizeof(err));
    if (rc) {
      log_warn("cannot open the read database, using the primary: %s", err);
      return rc;
    }
    pthread_setspecific(read_key, store);
  }
  *out = store;
  return ST_OK;
}

static void drop_read_store(struct store *store)
{
  log_warn("the read database failed, using the primary: %s", store_last_error(store));
  store_close(store);
  pthread_setspecific(read_key, NULL);
}

int web_read(struct http_request *req, struct http_response *res, web_read_fn fn)
{
  struct web_app *app = req->app;
  struct store *store;
  if (app->read_db_url && *app->read_db_url && thread_read_store(app, &store) == ST_OK) {
    int rc = fn(req, res, store);
    if (rc != ST_DB && rc != ST_IO)
      return rc;
    drop_read_store(store);
  }
  int rc = web_store(req, &store);
  return rc ? rc : fn(req, res, store);
}

int web_ready(void *app)
{
  struct store *store;
  int rc = thread_store(app, &store);
  return rc ? rc : store_ping(store);
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

static const char *arena_field(struct http_request *req, json_t *row, const char *key)
{
  const char *s = json_string_value(json_object_get(row, key));
  return arena_strdup(req->arena, s ? s : "");
}

int web_session_load(void *app, struct http_request *req, const char *token,
                     struct http_session *out)
{
  struct store *store;
  json_t *row;
  int rc = thread_store(app, &store);
  if (!rc)
    rc = accounts_session(store, &accounts_default_policy, token, clock_now(), &row);
  if (rc)
    return rc;
  out->user_id = json_integer_value(json_object_get(row, "user_id"));
  out->office_id = json_integer_value(json_object_get(row, "office_id"));
  out->unit_id = json_integer_value(json_object_get(row, "unit_id"));
  out->roles = (unsigned)json_integer_value(json_object_get(row, "roles"));
  out->mfa_pending = json_integer_value(json_object_get(row, "mfa_pending")) != 0;
  out->must_enrol =
      (out->roles & ROLE_ADMIN) && json_integer_value(json_object_get(row, "totp_enabled")) == 0;
  out->username = arena_field(req, row, "username");
  out->display_name = arena_field(req, row, "display_name");
  out->csrf_token = arena_field(req, row, "csrf_token");
  json_decref(row);
  return out->username && out->display_name && out->csrf_token ? ST_OK : ST_NOMEM;
}

void web_actor(const struct http_request *req, struct audit_actor *actor)
{
  const struct http_session *s = req->session;
  actor->office_id = s ? s->office_id : 0;
  actor->user_id = s ? s->user_id : 0;
  actor->name = s ? s->username : "";
  actor->ip = req->client_ip;
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

const char *web_datetime(struct http_request *req, int64_t t)
{
  char buf[64];
  if (t <= 0 || format_datetime((time_t)t, req->lang, buf, sizeof(buf)))
    return "";
  return arena_strdup(req->arena, buf);
}

const char *web_origin(struct http_request *req)
{
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
