/*
 * catalog_admin.c - the catalogue admin pages' reads (records, revisions, form files) and the
 * change of a service's form files in one transaction with its revision (catalog.h).
 */
#include <string.h>

#include "domain/catalog.h"
#include "store/store.h"

#include "base/common.h"

int catalog_service_read(struct store *store, int64_t office_id, int64_t id, const char *slug,
                         json_t **out)
{
  return store_service_get(store, office_id, id, slug, out);
}

int catalog_faq_read(struct store *store, int64_t office_id, int64_t id, const char *slug,
                     json_t **out)
{
  return store_faq_get(store, office_id, id, slug, out);
}

int catalog_announcement_read(struct store *store, int64_t office_id, int64_t id, const char *slug,
                              json_t **out)
{
  return store_announcement_get(store, office_id, id, slug, out);
}

int catalog_records_list(struct store *store, int64_t office_id, const char *entity, json_t **out)
{
  if (strcmp(entity, "service") == 0)
    return store_service_list(store, office_id, false, out);
  if (strcmp(entity, "faq") == 0)
    return store_faq_list(store, office_id, false, out);
  if (strcmp(entity, "announcement") == 0)
    return store_announcement_list(store, office_id, STORE_ANNOUNCEMENTS_ALL, NULL, out);
  return ST_INVALID;
}

int catalog_revisions_read(struct store *store, const char *entity, int64_t id, json_t **out)
{
  return store_revision_list(store, entity, id, out);
}

int catalog_service_forms_read(struct store *store, int64_t service_id, json_t **out)
{
  return store_service_forms_list(store, service_id, out);
}

/* The service's links as store_service_forms_set takes them, without the one of skip_sha;
 * *count the links there were, *max_sort their highest sort. NULL on failure. */
static json_t *links_without(struct store *store, int64_t service_id, const char *skip_sha,
                             size_t *count, int64_t *max_sort)
{
  static const char *const keys[] = {"sha256", "kind", "format", "title_zh", "title_en", "sort"};
  json_t *forms = NULL, *links = json_array(), *form;
  size_t i;
  *max_sort = 0;
  if (!links || store_service_forms_list(store, service_id, &forms)) {
    json_decref(links);
    return NULL;
  }
  *count = json_array_size(forms);
  json_array_foreach(forms, i, form)
  {
    int64_t sort = json_integer_value(json_object_get(form, "sort"));
    const char *sha = json_string_value(json_object_get(form, "sha256"));
    *max_sort = sort > *max_sort ? sort : *max_sort;
    if (skip_sha && strcmp(sha ? sha : "", skip_sha) == 0)
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
static int forms_revision(struct store *store, int64_t office_id, int64_t id,
                          const struct catalog_actor *actor)
{
  json_t *snapshot = NULL, *forms = NULL;
  int rc = store_service_get(store, office_id, id, NULL, &snapshot);
  if (!rc)
    rc = store_service_forms_list(store, id, &forms);
  if (!rc && json_object_set_new(snapshot, "forms", forms))
    rc = ST_NOMEM;
  if (!rc)
    rc = store_revision_add(store, office_id, "service", id, "update", actor->user_id, actor->name,
                            snapshot);
  json_decref(snapshot);
  return rc;
}

/* The new link of an upload, sorted after the others. */
static json_t *upload_link(const struct catalog_form_upload *u, const char *sha, int64_t sort)
{
  return json_pack("{s:s, s:s, s:s, s:s, s:s, s:I}", "sha256", sha, "kind", u->kind, "format",
                   u->format, "title_zh", u->title_zh, "title_en", u->title_en ? u->title_en : "",
                   "sort", (json_int_t)sort);
}

/* The links after the change, inside the open transaction. */
static int changed_links(struct store *store, int64_t service_id, const char *remove_sha,
                         const struct catalog_form_upload *u, json_t **links)
{
  char sha[65] = "";
  int64_t max_sort = 0;
  size_t before = 0;
  int rc = ST_OK;
  if (u)
    rc = store_file_put(store, u->bytes, u->len, u->mime, u->filename, sha);
  if (!rc && !(*links = links_without(store, service_id, u ? sha : remove_sha, &before, &max_sort)))
    rc = ST_DB;
  if (!rc && !u && json_array_size(*links) == before)
    rc = ST_NOTFOUND; /* no such file linked to this service */
  if (!rc && u && json_array_append_new(*links, upload_link(u, sha, max_sort + 1)))
    rc = ST_NOMEM;
  return rc;
}

int catalog_service_forms_change(struct store *store, int64_t office_id, int64_t service_id,
                                 const struct catalog_actor *actor, const char *remove_sha,
                                 const struct catalog_form_upload *upload)
{
  json_t *links = NULL;
  if (!upload && !remove_sha)
    return ST_NOTFOUND;
  int rc = store_begin(store);
  if (rc)
    return rc;
  rc = changed_links(store, service_id, remove_sha, upload, &links);
  if (!rc)
    rc = store_service_forms_set(store, service_id, links);
  if (!rc)
    rc = forms_revision(store, office_id, service_id, actor);
  if (!rc)
    rc = store_commit(store);
  if (rc)
    store_rollback(store);
  json_decref(links);
  return rc;
}
