/*
 * catalog_admin_files.c - what the edit page shows of a stored record (state, links, a
 * service's form files) and uploading and removing a service's form files.
 *
 * An upload is a multipart/form-data body (http_part): the file must be named .odt or .pdf and
 * really be of that type (catalog_form_mime: an ODF text document, or a PDF), at most 5 MiB;
 * anything else is a 400 naming the problem, and nothing changes. The file is stored by its
 * SHA-256 and linked to the service with a revision by the signed-in actor, all in one
 * transaction of the domain (catalog_service_forms_change).
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
  int rc = catalog_service_forms_read(store, id, &forms);
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

/* Stores and links the upload u, or (u NULL) removes the link to the file remove_sha. */
static int change_links(struct http_request *req, struct store *store, int64_t id,
                        const char *remove_sha, const struct upload *u)
{
  struct catalog_actor actor;
  catadmin_actor(req, &actor);
  struct catalog_form_upload upload = {0};
  if (u)
    upload =
        (struct catalog_form_upload){u->file->data, u->file->len, u->mime,     u->file->filename,
                                     u->kind,       u->format,    u->title_zh, u->title_en};
  return catalog_service_forms_change(store, req->session->office_id, id, &actor, remove_sha,
                                      u ? &upload : NULL);
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
  const char *sha = http_capture(req, "sha256");
  int rc = open_service(req, &store, &service);
  if (rc)
    return rc;
  int64_t id = json_integer_value(json_object_get(service, "id"));
  json_decref(service);
  rc = change_links(req, store, id, sha, NULL);
  if (rc)
    return rc;
  return http_redirect(
      res, 303,
      arena_printf(req->arena, "/staff/admin/catalog/services/%lld?removed=1", (long long)id));
}
