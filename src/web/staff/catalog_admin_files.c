/*
 * catalog_admin_files.c - what the edit page shows of a stored record (state, links, a
 * service's form files) and uploading and removing a service's form files.
 *
 * An upload is a multipart/form-data body (http_part): the file must be named .odt or .pdf and
 * really be of that type (catalog_form_mime: an ODF text document, or a PDF), at most 5 MiB;
 * anything else is a 400 naming the problem, and nothing changes. The file is stored by its
 * SHA-256 (store_file_put) and linked to the service (store_service_forms_set) with a revision
 * by the signed-in actor, all in one transaction.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "web/app.h"
#include "web/staff/catalog_admin.h"

#include "base/common.h"

enum { TITLE_MAX_BYTES = 1000 };

static json_t *form_row(struct http_request *req, const char *base, json_t *form)
{
  const char *kind = web_str(form, "kind");
  return json_pack("{s:s, s:s, s:s, s:s, s:I, s:s}", "title", web_field(form, "title", req->lang),
                   "kind",
                   http_t(req, strcmp(kind, "example") == 0 ? "catadmin_form_kind_example"
                                                            : "catadmin_form_kind_form"),
                   "format", strcmp(web_str(form, "format"), "pdf") == 0 ? "PDF" : "ODT", "name",
                   web_str(form, "name"), "size",
                   (json_int_t)json_integer_value(json_object_get(form, "size")), "remove_action",
                   arena_printf(req->arena, "%s/forms/%s/remove", base, web_str(form, "sha256")));
}

static int forms_view(struct http_request *req, struct store *store, int64_t id, const char *base,
                      json_t *view)
{
  json_t *forms = NULL, *rows = json_array(), *form;
  size_t i;
  int rc = store_service_forms_list(store, id, &forms);
  if (rc) {
    json_decref(rows);
    return rc;
  }
  json_array_foreach(forms, i, form) json_array_append_new(rows, form_row(req, base, form));
  json_decref(forms);
  json_object_set_new(view, "is_service", json_true());
  json_object_set_new(view, "has_forms", json_boolean(json_array_size(rows) > 0));
  json_object_set_new(view, "forms", rows);
  json_object_set_new(view, "upload_action",
                      json_string(arena_printf(req->arena, "%s/forms", base)));
  return ST_OK;
}

static const char *public_path(struct http_request *req, struct store *store,
                               const struct catadmin_kind *k, json_t *record)
{
  const char *office = catadmin_office_slug(req, store);
  if (strcmp(k->segment, "services") == 0)
    return arena_printf(req->arena, "/o/%s/services/%s", office, web_str(record, "slug"));
  return arena_printf(req->arena, "/o/%s/%s/%lld", office,
                      strcmp(k->segment, "faq") == 0 ? "faq" : "news",
                      (long long)json_integer_value(json_object_get(record, "id")));
}

int catadmin_record_view(struct http_request *req, struct store *store,
                         const struct catadmin_kind *k, json_t *record, json_t *view)
{
  int64_t id = json_integer_value(json_object_get(record, "id"));
  const char *base = catadmin_href(req, k, id);
  bool published = json_is_true(json_object_get(record, "published"));
  json_t *info =
      json_pack("{s:I, s:s, s:b, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)id, "slug",
                web_str(record, "slug"), "published", published, "updated",
                catadmin_datetime(req, web_str(record, "updated_at")), "public_href",
                public_path(req, store, k, record), "publish_action",
                arena_printf(req->arena, "%s/%s", base, published ? "unpublish" : "publish"),
                "history_href", arena_printf(req->arena, "%s/history", base), "record_title",
                web_field(record, k->title_field, req->lang));
  if (!info || json_object_set_new(view, "record", info))
    return ST_NOMEM;
  return strcmp(k->segment, "services") == 0 ? forms_view(req, store, id, base, view) : ST_OK;
}

/* ---- upload and removal ---- */

struct upload {
  const struct http_part *file;
  const char *format, *mime, *kind, *title_zh, *title_en;
};

static bool has_suffix(const char *name, const char *suffix)
{
  size_t n = strlen(name), s = strlen(suffix);
  return n > s && strcasecmp(name + n - s, suffix) == 0;
}

static bool one_line(const char *text, bool required)
{
  return text && (!required || *text) && strlen(text) <= TITLE_MAX_BYTES && !strchr(text, '\n') &&
         !strchr(text, '\r');
}

/* Why the upload is refused: {input id, translation key}, or NULL input when it is fine. */
static const char *upload_problem(struct http_request *req, struct upload *u, const char **input)
{
  u->file = http_part(req, "file");
  u->kind = http_form(req, "form_kind");
  u->title_zh = http_form(req, "form_title_zh");
  u->title_en = http_form(req, "form_title_en");
  *input = "form_file";
  if (!u->file || !u->file->filename || u->file->len == 0)
    return "catadmin_err_file_missing";
  if (u->file->len > CATALOG_FORM_MAX)
    return "catadmin_err_file_size";
  u->format = has_suffix(u->file->filename, ".odt")   ? "odt"
              : has_suffix(u->file->filename, ".pdf") ? "pdf"
                                                      : NULL;
  u->mime = u->format ? catalog_form_mime(u->file->data, u->file->len, u->format) : NULL;
  if (!u->mime)
    return "catadmin_err_file_type";
  *input = "form_kind";
  if (!u->kind || (strcmp(u->kind, "form") != 0 && strcmp(u->kind, "example") != 0))
    return "catadmin_err_choice";
  *input = "form_title_zh";
  if (!one_line(u->title_zh, true))
    return "catadmin_err_form_title";
  *input = "form_title_en";
  if (u->title_en && !one_line(u->title_en, false))
    return "catadmin_err_form_title";
  *input = NULL;
  return NULL;
}

/* The service's links as store_service_forms_set takes them, without the one of skip_sha. */
static json_t *links_without(struct store *store, int64_t service_id, const char *skip_sha,
                             int64_t *max_sort)
{
  static const char *const keys[] = {"sha256", "kind", "format", "title_zh", "title_en", "sort"};
  json_t *forms = NULL, *links = json_array(), *form;
  size_t i;
  *max_sort = 0;
  if (!links || store_service_forms_list(store, service_id, &forms)) {
    json_decref(links);
    return NULL;
  }
  json_array_foreach(forms, i, form)
  {
    int64_t sort = json_integer_value(json_object_get(form, "sort"));
    *max_sort = sort > *max_sort ? sort : *max_sort;
    if (skip_sha && strcmp(web_str(form, "sha256"), skip_sha) == 0)
      continue;
    json_t *link = json_object();
    for (size_t k = 0; k < ARRAY_LEN(keys); k++)
      json_object_set(link, keys[k], json_object_get(form, keys[k]));
    json_array_append_new(links, link);
  }
  json_decref(forms);
  return links;
}

/* A revision of the service after its forms changed: the record plus its forms. */
static int forms_revision(struct http_request *req, struct store *store, int64_t id)
{
  struct catalog_actor actor;
  json_t *snapshot = NULL, *forms = NULL;
  int rc = store_service_get(store, req->session->office_id, id, NULL, &snapshot);
  if (!rc)
    rc = store_service_forms_list(store, id, &forms);
  if (!rc && json_object_set_new(snapshot, "forms", forms))
    rc = ST_NOMEM;
  catadmin_actor(req, &actor);
  if (!rc)
    rc = store_revision_add(store, req->session->office_id, "service", id, "update", actor.user_id,
                            actor.name, snapshot);
  json_decref(snapshot);
  return rc;
}

/* The new link of an upload, sorted after the others. */
static json_t *upload_link(const struct upload *u, const char *sha, int64_t sort)
{
  return json_pack("{s:s, s:s, s:s, s:s, s:s, s:I}", "sha256", sha, "kind", u->kind, "format",
                   u->format, "title_zh", u->title_zh, "title_en", u->title_en ? u->title_en : "",
                   "sort", (json_int_t)sort);
}

/* In one transaction with a revision: stores and links the upload u (replacing a link to the
 * same file), or (u NULL) removes the link to the file remove_sha. */
static int change_links(struct http_request *req, struct store *store, int64_t id,
                        const char *remove_sha, const struct upload *u)
{
  char sha[65] = "";
  int64_t max_sort = 0;
  json_t *links = NULL;
  int rc = store_begin(store);
  if (rc)
    return rc;
  if (u)
    rc = store_file_put(store, u->file->data, u->file->len, u->mime, u->file->filename, sha);
  if (!rc)
    links = links_without(store, id, u ? sha : remove_sha, &max_sort);
  if (!rc && !links)
    rc = ST_DB;
  if (!rc && u && json_array_append_new(links, upload_link(u, sha, max_sort + 1)))
    rc = ST_NOMEM;
  if (!rc)
    rc = store_service_forms_set(store, id, links);
  if (!rc)
    rc = forms_revision(req, store, id);
  if (!rc)
    rc = store_commit(store);
  if (rc)
    store_rollback(store);
  json_decref(links);
  return rc;
}

static int refused(struct http_request *req, struct http_response *res, struct store *store,
                   json_t *service, const char *input, const char *key)
{
  const struct catadmin_kind *k = catadmin_kind_by_entity("service");
  json_t *values = catadmin_values_from_record(k, service), *view = json_object();
  const char *title_zh = http_form(req, "form_title_zh"),
             *title_en = http_form(req, "form_title_en");
  web_form_error(req, view, input, key);
  json_object_set_new(view, "upload_values",
                      json_pack("{s:s, s:s}", "title_zh", title_zh ? title_zh : "", "title_en",
                                title_en ? title_en : ""));
  int rc = catadmin_form_page(req, res, store, k, service, values, view,
                              strcmp(key, "catadmin_err_file_size") == 0 ? 413 : 400);
  json_decref(values);
  return rc;
}

static int open_service(struct http_request *req, struct store **store, json_t **service)
{
  const struct catadmin_kind *k = catadmin_kind_by_entity("service");
  int rc = web_store(req, store);
  return rc ? rc : catadmin_record(req, *store, k, service);
}

int catadmin_form_upload(struct http_request *req, struct http_response *res)
{
  struct store *store;
  json_t *service = NULL;
  struct upload u;
  const char *input;
  int rc = open_service(req, &store, &service);
  if (rc)
    return rc;
  int64_t id = json_integer_value(json_object_get(service, "id"));
  const char *problem = upload_problem(req, &u, &input);
  rc = problem ? refused(req, res, store, service, input, problem)
               : change_links(req, store, id, NULL, &u);
  json_decref(service);
  if (rc || problem)
    return rc;
  return http_redirect(
      res, 303,
      arena_printf(req->arena, "/staff/admin/catalog/services/%lld?uploaded=1", (long long)id));
}

int catadmin_form_remove(struct http_request *req, struct http_response *res)
{
  struct store *store;
  json_t *service = NULL;
  int64_t max_sort;
  const char *sha = http_capture(req, "sha256");
  int rc = open_service(req, &store, &service);
  if (rc)
    return rc;
  int64_t id = json_integer_value(json_object_get(service, "id"));
  json_decref(service);
  json_t *kept = links_without(store, id, sha, &max_sort);
  json_t *all = links_without(store, id, NULL, &max_sort);
  if (!kept || !all)
    rc = ST_DB;
  else if (json_array_size(kept) == json_array_size(all))
    rc = ST_NOTFOUND; /* no such file linked to this service */
  json_decref(kept);
  json_decref(all);
  if (!rc)
    rc = change_links(req, store, id, sha, NULL);
  if (rc)
    return rc;
  return http_redirect(
      res, 303,
      arena_printf(req->arena, "/staff/admin/catalog/services/%lld?removed=1", (long long)id));
}
