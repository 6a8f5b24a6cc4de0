/*
 * catalog_admin_io.c - the catalogue admin overview, a record's revision history (who, when,
 * which fields changed from the snapshot before), and the catalogue's JSON export (a download)
 * and import (an uploaded file; all or nothing, errors name the JSON path). Export and import
 * are recorded in the audit trail ("catalog.export", "catalog.import").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/civil.h"
#include "domain/audit.h"
#include "web/app.h"
#include "web/public/catalog.h"
#include "web/staff/catalog_admin.h"

#include "base/common.h"

enum { ERR_MAX = 512 };

static json_t *overview_view(struct http_request *req)
{
  static const char *const segments[][3] = {
      {"services", "catadmin_services_title", "catadmin_services_desc"},
      {"faq", "catadmin_faq_title", "catadmin_faq_desc"},
      {"announcements", "catadmin_news_title", "catadmin_news_desc"}};
  json_t *areas = json_array();
  for (size_t i = 0; i < ARRAY_LEN(segments); i++)
    json_array_append_new(
        areas,
        json_pack("{s:s, s:s, s:s}", "href",
                  arena_printf(req->arena, "/staff/admin/catalog/%s", segments[i][0]), "label",
                  http_t(req, segments[i][1]), "description", http_t(req, segments[i][2])));
  return json_pack("{s:s, s:o}", "title", http_t(req, "catadmin_title"), "areas", areas);
}

int catadmin_overview(struct http_request *req, struct http_response *res)
{
  json_t *view = overview_view(req);
  const char *s = http_query(req, "imported_services"), *f = http_query(req, "imported_faq"),
             *a = http_query(req, "imported_announcements");
  if (view && s && f && a)
    json_object_set_new(view, "imported",
                        json_pack("{s:s, s:s, s:s}", "services", s, "faq", f, "announcements", a));
  return view ? http_page(res, 200, "staff/catalog_admin", view) : ST_NOMEM;
}

/* ---- revision history ---- */

static bool ignored_key(const char *key)
{
  static const char *const keys[] = {"id", "office_id", "unit_id", "updated_at", "content_hash"};
  for (size_t i = 0; i < ARRAY_LEN(keys); i++)
    if (strcmp(key, keys[i]) == 0)
      return true;
  return false;
}

/* The labels of the fields that differ between two snapshots (before may be NULL: none). */
static json_t *changed_fields(struct http_request *req, const struct catadmin_kind *k,
                              json_t *before, json_t *after)
{
  json_t *list = json_array(), *value;
  const char *key;
  if (!before)
    return list;
  json_object_foreach(after, key, value)
  {
    if (!ignored_key(key) && !json_equal(value, json_object_get(before, key)))
      json_array_append_new(list, json_string(catadmin_key_label(req, k, key)));
  }
  json_object_foreach(before, key, value)
  {
    if (!ignored_key(key) && !json_object_get(after, key))
      json_array_append_new(list, json_string(catadmin_key_label(req, k, key)));
  }
  return list;
}

static json_t *revision_row(struct http_request *req, const struct catadmin_kind *k,
                            json_t *revision, json_t *older)
{
  const char *action = web_str(revision, "action"), *actor = web_str(revision, "actor");
  json_t *changes = changed_fields(req, k, older ? json_object_get(older, "snapshot") : NULL,
                                   json_object_get(revision, "snapshot"));
  return json_pack("{s:s, s:s, s:s, s:o, s:b}", "at",
                   catadmin_datetime(req, web_str(revision, "at")), "actor",
                   *actor ? actor : http_t(req, "catadmin_actor_system"), "action",
                   http_t(req, arena_printf(req->arena, "catadmin_action_%s", action)), "changes",
                   changes, "has_changes", json_array_size(changes) > 0);
}

int catadmin_history(struct http_request *req, struct http_response *res)
{
  const struct catadmin_kind *k = catadmin_kind_of(req);
  struct store *store;
  json_t *record = NULL, *revisions = NULL;
  int rc = web_store(req, &store);
  if (!rc)
    rc = catadmin_record(req, store, k, &record);
  int64_t id = json_integer_value(json_object_get(record, "id"));
  if (!rc)
    rc = catalog_revisions_read(store, k->entity, id, &revisions);
  if (rc) {
    json_decref(record);
    return rc;
  }
  json_t *rows = json_array();
  size_t n = json_array_size(revisions);
  for (size_t i = 0; i < n; i++)
    json_array_append_new(rows, revision_row(req, k, json_array_get(revisions, i),
                                             i + 1 < n ? json_array_get(revisions, i + 1) : NULL));
  json_t *view = json_pack("{s:s, s:s, s:s, s:o}", "title", http_t(req, k->history_key),
                           "record_title", web_field(record, k->title_field, req->lang),
                           "edit_href", catadmin_href(req, k, id), "revisions", rows);
  json_decref(revisions);
  json_decref(record);
  return http_page(res, 200, "staff/catalog_history", view);
}

/* ---- export and import ---- */

static int audit(struct http_request *req, struct store *store, const char *action,
                 const char *office, json_t *detail)
{
  struct audit_actor actor;
  web_actor(req, &actor);
  int rc = audit_record(store, &actor, action, "office", office, detail);
  json_decref(detail);
  return rc;
}

static json_t *counts(json_t *doc)
{
  return json_pack("{s:I, s:I, s:I}", "services",
                   (json_int_t)json_array_size(json_object_get(doc, "services")), "faq",
                   (json_int_t)json_array_size(json_object_get(doc, "faq")), "announcements",
                   (json_int_t)json_array_size(json_object_get(doc, "announcements")));
}

int catadmin_export(struct http_request *req, struct http_response *res)
{
  struct store *store;
  json_t *doc = NULL;
  char *text = NULL, date[11];
  int rc = web_store(req, &store);
  if (!rc)
    rc = catalog_export(store, req->session->office_id, &doc);
  if (rc)
    return rc;
  const char *office = catadmin_office_slug(req, store);
  json_object_set_new(doc, "office", json_string(office));
  text = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS);
  rc = text ? audit(req, store, "catalog.export", office, counts(doc)) : ST_NOMEM;
  json_decref(doc);
  civil_taipei_iso(clock_now(), date);
  const char *disposition =
      arena_printf(req->arena, "attachment; filename=\"catalog-%s-%s.json\"", office, date);
  if (!rc)
    rc = http_raw(res, 200, "application/json; charset=utf-8", text, strlen(text));
  if (!rc)
    rc = http_header_add(res, "Content-Disposition", disposition);
  free(text);
  return rc;
}

/* The overview again with the import's problem, 400; nothing was changed. */
static int import_refused(struct http_request *req, struct http_response *res, const char *text)
{
  json_t *view = overview_view(req);
  if (!view)
    return ST_NOMEM;
  web_form_error_text(view, "file", text);
  return http_page(res, 400, "staff/catalog_admin", view);
}

static const char *parse_problem(struct http_request *req, const json_error_t *error)
{
  return arena_printf(req->arena, "%s%s%d%s%d%s%s", http_t(req, "catadmin_import_bad_json"),
                      http_t(req, "catadmin_import_line"), error->line,
                      http_t(req, "catadmin_import_column"), error->column,
                      http_t(req, "catadmin_import_after"), error->text);
}

int catadmin_import(struct http_request *req, struct http_response *res)
{
  struct store *store;
  json_error_t error;
  char err[ERR_MAX] = "";
  const struct http_part *file = http_part(req, "file");
  int rc = web_store(req, &store);
  if (rc)
    return rc;
  if (!file || !file->filename || file->len == 0)
    return import_refused(req, res, http_t(req, "catadmin_err_import_missing"));
  json_t *doc = json_loadb(file->data, file->len, JSON_REJECT_DUPLICATES, &error);
  if (!doc)
    return import_refused(req, res, parse_problem(req, &error));
  struct catalog_actor actor;
  catadmin_actor(req, &actor);
  rc = catalog_import(store, req->session->office_id, doc, &actor, err, sizeof(err));
  json_t *summary = counts(doc);
  json_decref(doc);
  if (rc == ST_INVALID) {
    json_decref(summary);
    return import_refused(
        req, res, arena_printf(req->arena, "%s%s", http_t(req, "catadmin_import_refused"), err));
  }
  const char *to = arena_printf(
      req->arena,
      "/staff/admin/catalog?imported_services=%lld&imported_faq=%lld&imported_announcements=%lld",
      (long long)json_integer_value(json_object_get(summary, "services")),
      (long long)json_integer_value(json_object_get(summary, "faq")),
      (long long)json_integer_value(json_object_get(summary, "announcements")));
  if (!rc)
    rc = audit(req, store, "catalog.import", catadmin_office_slug(req, store), summary);
  else
    json_decref(summary);
  return rc ? rc : http_redirect(res, 303, to);
}
