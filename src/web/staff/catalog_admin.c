/*
 * catalog_admin.c - the catalogue admin pages: the overview, the lists of services, FAQ and
 * announcements (published state, last update), the new and edit forms (zh-TW and English side
 * by side; a refused form answers 400 with every problem named and changes nothing), and
 * publishing. Saving goes through domain/catalog.h, which writes a revision with the actor.
 */
#include <stdio.h>
#include <string.h>

#include "domain/directory.h"
#include "web/app.h"
#include "web/public/catalog.h"
#include "web/staff/catalog_admin.h"

#include "base/common.h"

enum { ERR_MAX = 512 };

const char *catadmin_href(struct http_request *req, const struct catadmin_kind *k, int64_t id)
{
  return arena_printf(req->arena, "/staff/admin/catalog/%s/%lld", k->segment, (long long)id);
}

void catadmin_actor(const struct http_request *req, struct catalog_actor *actor)
{
  actor->user_id = req->session->user_id;
  actor->name = req->session->display_name && *req->session->display_name
                    ? req->session->display_name
                    : req->session->username;
}

int catadmin_record(struct http_request *req, struct store *store, const struct catadmin_kind *k,
                    json_t **record)
{
  int64_t id = catalog_id_capture(req, "id");
  if (!k || id <= 0)
    return ST_NOTFOUND;
  return k->get(store, req->session->office_id, id, NULL, record);
}

const char *catadmin_office_slug(struct http_request *req, struct store *store)
{
  const struct directory *dir = NULL;
  const struct dir_office *office = directory_acquire(store, req->arena, &dir)
                                        ? NULL
                                        : directory_office(dir, req->session->office_id);
  return office ? office->slug : "";
}

/* The office's records of a kind, newest rules of each list as the store orders them. */
static int list_records(struct http_request *req, struct store *store,
                        const struct catadmin_kind *k, json_t **out)
{
  return catalog_records_list(store, req->session->office_id, k->entity, out);
}

static json_t *list_item(struct http_request *req, const struct catadmin_kind *k, json_t *record)
{
  int64_t id = json_integer_value(json_object_get(record, "id"));
  return json_pack("{s:s, s:s, s:s, s:b, s:s, s:s}", "title",
                   web_field(record, k->title_field, req->lang), "slug", web_str(record, "slug"),
                   "href", catadmin_href(req, k, id), "published",
                   json_is_true(json_object_get(record, "published")), "updated",
                   catadmin_datetime(req, web_str(record, "updated_at")), "history_href",
                   arena_printf(req->arena, "%s/history", catadmin_href(req, k, id)));
}

int catadmin_list(struct http_request *req, struct http_response *res)
{
  const struct catadmin_kind *k = catadmin_kind_of(req);
  struct store *store;
  json_t *records = NULL, *record;
  size_t i;
  if (!k)
    return ST_NOTFOUND;
  int rc = web_store(req, &store);
  if (!rc)
    rc = list_records(req, store, k, &records);
  if (rc)
    return rc;
  json_t *items = json_array();
  json_array_foreach(records, i, record) json_array_append_new(items, list_item(req, k, record));
  json_decref(records);
  json_t *view = json_pack(
      "{s:s, s:s, s:s, s:o, s:b}", "title", http_t(req, k->list_key), "new_href",
      arena_printf(req->arena, "/staff/admin/catalog/%s/new", k->segment), "new_label",
      http_t(req, k->new_key), "items", items, "is_services", strcmp(k->segment, "services") == 0);
  return http_page(res, 200, "staff/catalog_list", view);
}

/* The form page of a record (record NULL: a new one) showing values; view may already hold
 * errors. Takes ownership of view. */
int catadmin_form_page(struct http_request *req, struct http_response *res, struct store *store,
                       const struct catadmin_kind *k, json_t *record, json_t *values, json_t *view,
                       int status)
{
  json_t *rows = NULL;
  bool is_new = record == NULL;
  int64_t id = is_new ? 0 : json_integer_value(json_object_get(record, "id"));
  int rc = catadmin_rows(req, store, k, values, is_new, view, &rows);
  if (rc) {
    json_decref(view);
    return rc;
  }
  json_object_set_new(view, "rows", rows);
  json_object_set_new(view, "title", json_string(http_t(req, is_new ? k->new_key : k->edit_key)));
  json_object_set_new(
      view, "action",
      json_string(is_new ? arena_printf(req->arena, "/staff/admin/catalog/%s", k->segment)
                         : catadmin_href(req, k, id)));
  json_object_set_new(view, "is_new", json_boolean(is_new));
  json_object_set_new(view, "list_href",
                      json_string(arena_printf(req->arena, "/staff/admin/catalog/%s", k->segment)));
  json_object_set_new(view, "list_label", json_string(http_t(req, k->list_key)));
  if (!is_new && (rc = catadmin_record_view(req, store, k, record, view)) != ST_OK) {
    json_decref(view);
    return rc;
  }
  return http_page(res, status, "staff/catalog_form", view);
}

int catadmin_new(struct http_request *req, struct http_response *res)
{
  const struct catadmin_kind *k = catadmin_kind_of(req);
  struct store *store;
  if (!k)
    return ST_NOTFOUND;
  int rc = web_store(req, &store);
  if (rc)
    return rc;
  json_t *blank =
      json_pack("{s:i, s:i, s:s, s:b}", "time_limit_minutes", 0, "remote_instant_minutes",
                CATALOG_REMOTE_INSTANT_DEFAULT, "kind", "general", "channel_counter", true);
  json_t *values = catadmin_values_from_record(k, blank);
  json_decref(blank);
  rc = catadmin_form_page(req, res, store, k, NULL, values, json_object(), 200);
  json_decref(values);
  return rc;
}

int catadmin_edit(struct http_request *req, struct http_response *res)
{
  const struct catadmin_kind *k = catadmin_kind_of(req);
  struct store *store;
  json_t *record = NULL;
  int rc = web_store(req, &store);
  if (!rc)
    rc = catadmin_record(req, store, k, &record);
  if (rc)
    return rc;
  json_t *values = catadmin_values_from_record(k, record), *view = json_object();
  const char *notice = http_query(req, "saved")         ? "catadmin_saved"
                       : http_query(req, "published")   ? "catadmin_now_published"
                       : http_query(req, "unpublished") ? "catadmin_now_unpublished"
                       : http_query(req, "uploaded")    ? "catadmin_uploaded"
                       : http_query(req, "removed")     ? "catadmin_removed"
                                                        : NULL;
  if (notice)
    json_object_set_new(view, "notice", json_string(http_t(req, notice)));
  if (strcmp(k->segment, "services") == 0)
    rc = catadmin_fee_preview(
        req, record, catadmin_href(req, k, json_integer_value(json_object_get(record, "id"))),
        view);
  if (!rc)
    rc = catadmin_form_page(req, res, store, k, record, values, view, 200);
  json_decref(values);
  json_decref(record);
  return rc;
}

/* Saves a checked form through the domain; a refusal there is shown on the form too. */
static int save_form(struct http_request *req, struct http_response *res, struct store *store,
                     const struct catadmin_kind *k, json_t *existing, json_t *record,
                     json_t *values, json_t *view)
{
  struct catalog_actor actor;
  char err[ERR_MAX] = "";
  int64_t id = 0;
  catadmin_actor(req, &actor);
  int rc = k->save(store, req->session->office_id, record, &actor, &id, err, sizeof(err));
  if (rc == ST_INVALID) {
    const char *input = catadmin_error_input(req, k, err), *item = strstr(err, "fee item ");
    if (strcmp(input, "fee_schedule") == 0 && item) /* which item and what is wrong with it */
      web_form_error_text(view, input,
                          arena_printf(req->arena, "%s%s%s", http_t(req, "catadmin_err_invalid"),
                                       http_t(req, "tools_error_separator"), item));
    else
      web_form_error(req, view, input, "catadmin_err_invalid");
    return catadmin_form_page(req, res, store, k, existing, values, view, 400);
  }
  json_decref(view);
  if (rc)
    return rc;
  return http_redirect(res, 303, arena_printf(req->arena, "%s?saved=1", catadmin_href(req, k, id)));
}

/* Create (existing NULL) or update: read, check, save, or show the form again with 400. */
static int submit(struct http_request *req, struct http_response *res, struct store *store,
                  const struct catadmin_kind *k, json_t *existing)
{
  json_t *record = json_object(), *values = json_object(), *view = json_object();
  int rc = record && values && view ? ST_OK : ST_NOMEM;
  if (!rc)
    rc = catadmin_read_form(req, store, k, existing, record, values, view);
  if (!rc && json_is_true(json_object_get(view, "has_errors"))) {
    rc = catadmin_form_page(req, res, store, k, existing, values, view, 400);
    view = NULL;
  } else if (!rc) {
    rc = save_form(req, res, store, k, existing, record, values, view);
    view = NULL;
  }
  json_decref(view);
  json_decref(values);
  json_decref(record);
  return rc;
}

int catadmin_create(struct http_request *req, struct http_response *res)
{
  const struct catadmin_kind *k = catadmin_kind_of(req);
  struct store *store;
  if (!k)
    return ST_NOTFOUND;
  int rc = web_store(req, &store);
  return rc ? rc : submit(req, res, store, k, NULL);
}

int catadmin_update(struct http_request *req, struct http_response *res)
{
  const struct catadmin_kind *k = catadmin_kind_of(req);
  struct store *store;
  json_t *existing = NULL;
  int rc = web_store(req, &store);
  if (!rc)
    rc = catadmin_record(req, store, k, &existing);
  if (rc)
    return rc;
  rc = submit(req, res, store, k, existing);
  json_decref(existing);
  return rc;
}

static int set_published(struct http_request *req, struct http_response *res, bool published)
{
  const struct catadmin_kind *k = catadmin_kind_of(req);
  struct store *store;
  struct catalog_actor actor;
  json_t *record = NULL;
  char err[ERR_MAX];
  int rc = web_store(req, &store);
  if (!rc)
    rc = catadmin_record(req, store, k, &record);
  if (rc)
    return rc;
  int64_t id = json_integer_value(json_object_get(record, "id"));
  json_decref(record);
  catadmin_actor(req, &actor);
  rc = k->publish(store, req->session->office_id, id, published, &actor, err, sizeof(err));
  if (rc)
    return rc;
  return http_redirect(res, 303,
                       arena_printf(req->arena, "%s?%s=1", catadmin_href(req, k, id),
                                    published ? "published" : "unpublished"));
}

int catadmin_publish(struct http_request *req, struct http_response *res)
{
  return set_published(req, res, true);
}

int catadmin_unpublish(struct http_request *req, struct http_response *res)
{
  return set_published(req, res, false);
}
