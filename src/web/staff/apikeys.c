/*
 * apikeys.c - the admins' API keys page: the office's keys (name, the first characters, who
 * issued it and when, when it was last used, revoked or not), a form to issue one and a revoke
 * button per key. A new key's secret is on the answer to the form and nowhere else: the
 * page says so, and is sent with Cache-Control: no-store.
 */
#include <sodium.h>
#include <string.h>

#include "base/clock.h"
#include "domain/apikeys.h"
#include "render/format.h"
#include "web/app.h"
#include "web/staff/apikeys.h"

#include "base/common.h"

static json_t *key_row(struct http_request *req, const struct apikey_row *k)
{
  return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:b, s:s}", "id", (json_int_t)k->id, "name",
                   k->name, "prefix", k->prefix, "created_text", web_datetime(req, k->created_at),
                   "created_by", k->created_by, "last_used_text",
                   web_datetime(req, k->last_used_at), "revoked", k->revoked_at != 0,
                   "revoked_text", web_datetime(req, k->revoked_at));
}

/* The page's view; secret and name are those of a key just issued (or NULL). */
static int page_view(struct http_request *req, struct store *store, const char *secret,
                     const char *name, json_t **out)
{
  struct apikey_list keys;
  int rc = apikey_list_read(store, req->arena, req->session->office_id, &keys);
  if (rc)
    return rc;
  json_t *list = json_array();
  for (size_t i = 0; i < keys.count; i++)
    json_array_append_new(list, key_row(req, &keys.rows[i]));
  *out = json_pack("{s:s, s:o, s:s, s:s, s:b, s:[]}", "title", http_t(req, "apikeys_title"), "keys",
                   list, "secret", secret ? secret : "", "new_name", name ? name : "",
                   "revoked_notice", http_query(req, "revoked") != NULL, "errors");
  return *out ? ST_OK : ST_NOMEM;
}

int apikeys_page(struct http_request *req, struct http_response *res)
{
  struct store *store;
  json_t *view = NULL;
  int rc = web_store(req, &store);
  if (!rc)
    rc = page_view(req, store, NULL, NULL, &view);
  return rc ? rc : http_page(res, 200, "staff/apikeys", view);
}

int apikeys_issue(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct audit_actor actor;
  char secret[APIKEY_SECRET_SIZE];
  const char *reason = NULL, *name = http_form(req, "name");
  int64_t id = 0;
  json_t *view = NULL;
  web_actor(req, &actor);
  int rc = web_store(req, &store);
  if (rc)
    return rc;
  rc = apikey_issue(store, &actor, req->session->office_id, name ? name : "", clock_now(), secret,
                    &id, &reason);
  if (rc == ST_INVALID) {
    rc = page_view(req, store, NULL, NULL, &view);
    if (rc)
      return rc;
    json_object_set_new(view, "name_value", json_string(name ? name : ""));
    web_form_error(req, view, "name", reason);
    return http_page(res, 400, "staff/apikeys", view);
  }
  if (!rc)
    rc = page_view(req, store, secret, name, &view);
  sodium_memzero(secret, sizeof(secret));
  if (rc)
    return rc;
  http_header_add(res, "Cache-Control", "no-store");
  return http_page(res, 200, "staff/apikeys", view);
}

int apikeys_revoke(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct audit_actor actor;
  int64_t id = 0;
  const char *text = http_capture(req, "id");
  if (!text || str_to_int64(str_from(text), 1, INT64_MAX, &id))
    return ST_NOTFOUND;
  web_actor(req, &actor);
  int rc = web_store(req, &store);
  if (!rc)
    rc = apikey_revoke(store, &actor, req->session->office_id, id, clock_now());
  if (rc)
    return rc;
  return http_redirect(res, 303, "/staff/admin/api-keys?revoked=1");
}
