/*
 * outcome_docs.c - outcome documents on the case pages (domain/outcome_docs.h): the staff case
 * page's list and forms, attach (a multipart upload) and withdraw, the staff download, and the
 * applicant's list and download through the case's link /p/<token>.
 */
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "domain/case_read.h"
#include "domain/case_staff_read.h"
#include "domain/outcome_docs.h"
#include "web/app.h"
#include "web/cases/case_view.h"
#include "web/cases/cases.h"
#include "web/public/apply.h"
#include "web/public/catalog.h"

#include "base/common.h"

/* One document for the staff page. */
static json_t *staff_item(struct http_request *req, int64_t case_id, const struct outcome_doc *d,
                          bool may_withdraw)
{
  return json_pack(
      "{s:I, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:s, s:b, s:s}", "id", (json_int_t)d->id,
      "name", d->name, "size", apply_size_text(req, d->size), "created_text",
      web_datetime(req, d->created_at), "created_by", d->created_by_name, "href",
      arena_printf(req->arena, "/staff/cases/%lld/outcomes/%lld", (long long)case_id,
                   (long long)d->id),
      "withdrawn", d->withdrawn_at != 0, "withdrawn_text", web_datetime(req, d->withdrawn_at),
      "withdrawn_by", d->withdrawn_by_name, "withdrawn_reason", d->withdrawn_reason, "may_withdraw",
      may_withdraw && !d->withdrawn_at, "withdraw_action",
      arena_printf(req->arena, "/staff/cases/%lld/outcomes/%lld/withdraw", (long long)case_id,
                   (long long)d->id));
}

int outcome_staff_view(struct http_request *req, const struct case_staff *s, json_t *c)
{
  struct case_actor actor;
  case_actor_of(req, &actor);
  int64_t id = s->c.id;
  /* withdrawn also after closing (a wrong document found later); attached only while open */
  bool may = s->may_act && outcome_docs_may_manage(&actor);
  bool open = !s->c.closed_at;
  json_t *list = json_array();
  for (size_t i = 0; list && i < s->outcome_count; i++)
    if (json_array_append_new(list, staff_item(req, id, &s->outcomes[i], may)))
      return ST_NOMEM;
  if (!list || json_object_set_new(c, "outcomes", list) ||
      json_object_set_new(c, "has_outcomes", json_boolean(s->outcome_count > 0)) ||
      json_object_set_new(c, "outcome_attach", json_boolean(may && open)))
    return ST_NOMEM;
  return ST_OK;
}

void outcome_progress_view(struct http_request *req, struct view_builder *b,
                           const struct case_public *c, const char *token, struct view_map *view)
{
  struct view_list *docs = view_list(b);
  for (size_t i = 0; docs && i < c->outcome_count; i++) {
    const struct outcome_doc *d = &c->outcomes[i];
    struct view_map *m = view_map(b);
    view_add_int(b, m, "id", d->id);
    view_add_text(b, m, "name", d->name);
    view_add_text(b, m, "size", apply_size_text(req, d->size));
    view_add_text(b, m, "date", web_datetime(req, d->created_at));
    view_add_text(b, m, "href",
                  arena_printf(req->arena, "/p/%s/outcomes/%lld", token, (long long)d->id));
    view_push(b, docs, view_of_map(m));
  }
  view_set(b, view, "has_outcomes", view_bool(c->outcome_count > 0));
  view_set(b, view, "outcomes", view_of_list(docs));
}

/* The request's file part named "document" (an empty file input sends a part with no name and
 * no bytes: no file). */
static bool document_part(struct http_request *req, struct apply_file *out)
{
  for (size_t i = 0; i < req->part_count; i++) {
    const struct http_part *p = &req->parts[i];
    if (!p->filename || strcmp(p->name, "document") != 0 || (p->len == 0 && !*p->filename))
      continue;
    *out = (struct apply_file){p->filename, p->raw_filename, p->data, p->len};
    return true;
  }
  return false;
}

/* Back to the case page, or the page again with the refusal (400, 403). */
static int answer(struct http_request *req, struct http_response *res, int64_t id, int rc,
                  const char *field, const char *reason)
{
  if ((rc == ST_INVALID || rc == ST_FORBIDDEN) && reason)
    return case_page_refused(req, res, rc == ST_INVALID ? 400 : 403, field, reason);
  if (rc)
    return rc;
  return http_redirect(res, 303,
                       arena_printf(req->arena, "/staff/cases/%lld#outcomes-title", (long long)id));
}

int outcome_attach(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct case_actor actor;
  struct apply_file file = {0};
  const char *reason = NULL;
  int64_t id = case_view_id(req);
  if (!id)
    return ST_NOTFOUND;
  case_actor_of(req, &actor);
  int rc = web_store(req, &store);
  struct case_env env = {store, clock_now()};
  if (!rc)
    rc = outcome_doc_attach(&env, &actor, id, document_part(req, &file) ? &file : NULL, &reason);
  return answer(req, res, id, rc, "document", reason);
}

int outcome_withdraw(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct case_actor actor;
  const char *reason = NULL;
  int64_t id = case_view_id(req), doc = catalog_id_capture(req, "doc");
  if (!id || doc <= 0)
    return ST_NOTFOUND;
  case_actor_of(req, &actor);
  int rc = web_store(req, &store);
  struct case_env env = {store, clock_now()};
  if (!rc)
    rc = outcome_doc_withdraw(&env, &actor, id, doc, http_form(req, "reason"), &reason);
  return answer(req, res, id, rc, arena_printf(req->arena, "withdraw_reason-%lld", (long long)doc),
                reason);
}

int outcome_file_staff(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct case_actor actor;
  struct apply_document doc = {0};
  int64_t id = case_view_id(req);
  case_actor_of(req, &actor);
  int rc = id ? web_store(req, &store) : ST_NOTFOUND;
  struct case_env env = {rc ? NULL : store, clock_now()};
  if (!rc)
    rc = outcome_doc_for_staff(&env, &actor, req->arena, id, catalog_id_capture(req, "doc"), &doc);
  if (!rc)
    rc = apply_send_document(req, res, &doc);
  free(doc.bytes);
  return rc;
}

/* The applicant's download: audited by the domain before the bytes go out. Runs on the primary
 * (the audit row is a write). */
int outcome_file_public(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct apply_document doc = {0};
  int rc = web_store(req, &store);
  struct case_env env = {rc ? NULL : store, clock_now()};
  if (!rc)
    rc = outcome_doc_by_token(&env, req->arena, http_capture(req, "token"),
                              catalog_id_capture(req, "doc"), req->client_ip, &doc);
  if (rc == ST_NOTFOUND)
    return http_error(res, 404, "progress_link_not_found");
  if (!rc)
    rc = apply_send_document(req, res, &doc);
  free(doc.bytes);
  return rc;
}
