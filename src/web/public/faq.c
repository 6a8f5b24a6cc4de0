/*
 * faq.c - an office's frequently asked questions: by category with full-text search, one
 * question's page (which counts views, for the "most asked" list on the office home page) and
 * the "was this helpful?" vote.
 */
#include <string.h>

#include "base/text.h"
#include "domain/catalog.h"
#include "web/app.h"
#include "web/public/catalog.h"

#include "base/common.h"

#define FAQ_QUERY_MAX_CHARS 100
#define FAQ_TOP_COUNT       5

static const char *faq_href(struct http_request *req, const char *slug, json_int_t id)
{
  const char *href = arena_printf(req->arena, "/o/%s/faq/%lld", slug, (long long)id);
  return href ? href : "";
}

static json_t *entry_view(struct http_request *req, const char *slug, json_t *faq)
{
  json_int_t id = json_integer_value(json_object_get(faq, "id"));
  json_t *answer = catalog_paragraphs(web_field(faq, "answer", req->lang));
  const char *first = json_string_value(json_array_get(answer, 0));
  return json_pack("{s:I, s:s, s:o, s:s, s:s}", "id", id, "question",
                   web_field(faq, "question", req->lang), "answer", answer, "summary",
                   first ? first : "", "href", faq_href(req, slug, id));
}

json_t *faq_top_view(struct http_request *req, struct store *store, int64_t office_id,
                     const char *slug)
{
  json_t *top = NULL, *list = json_array(), *faq;
  size_t i;
  if (catalog_faq_top(store, office_id, FAQ_TOP_COUNT, &top))
    return list;
  json_array_foreach(top, i, faq)
  {
    json_array_append_new(
        list, json_pack("{s:s, s:s}", "question", web_field(faq, "question", req->lang), "href",
                        faq_href(req, slug, json_integer_value(json_object_get(faq, "id")))));
  }
  json_decref(top);
  return list;
}

/* The group for a category, created in order of first appearance. */
static json_t *category_group(json_t *groups, const char *name)
{
  size_t i;
  json_t *group;
  json_array_foreach(groups, i, group)
  {
    if (strcmp(web_str(group, "name"), name) == 0)
      return group;
  }
  group = json_pack("{s:s, s:I, s:[]}", "name", name, "index", (json_int_t)i + 1, "entries");
  json_array_append_new(groups, group);
  return group;
}

static int categories_view(struct http_request *req, struct office_ctx *o, json_t **out)
{
  json_t *entries = NULL, *faq;
  size_t i;
  int rc = catalog_faq_published(o->store, o->id, &entries);
  if (rc)
    return rc;
  *out = json_array();
  json_array_foreach(entries, i, faq)
  {
    const char *category = web_field(faq, "category", req->lang);
    json_t *group = category_group(*out, *category ? category : http_t(req, "faq_other"));
    json_array_append_new(json_object_get(group, "entries"), entry_view(req, o->slug, faq));
  }
  json_decref(entries);
  return ST_OK;
}

/* Search results among the FAQ only, in the shape of entries. */
static int search_view(struct http_request *req, struct office_ctx *o, const char *q, json_t **out)
{
  json_t *found = NULL, *faq;
  size_t i;
  int rc = catalog_faq_search(o->store, o->id, q, catalog_today(req), &found);
  if (rc)
    return rc;
  json_array_foreach(found, i, faq) json_array_append_new(*out, entry_view(req, o->slug, faq));
  json_decref(found);
  return ST_OK;
}

int faq_index(struct http_request *req, struct http_response *res)
{
  struct office_ctx o = {0};
  json_t *groups = NULL, *results = json_array();
  const char *q = http_query(req, "q");
  struct str typed = str_trim(str_from(q ? q : ""));
  q = arena_strndup(req->arena, typed.ptr, typed.len);
  if (!q)
    return ST_NOMEM;
  if (text_length(q) > FAQ_QUERY_MAX_CHARS) {
    json_decref(results);
    return http_error(res, 400, "search_too_long");
  }
  int rc = office_ctx_open(req, &o);
  if (!rc)
    rc = categories_view(req, &o, &groups);
  if (!rc && *q)
    rc = search_view(req, &o, q, &results);
  const char *action = rc ? NULL : arena_printf(req->arena, "/o/%s/faq", o.slug);
  json_t *page = rc ? NULL
                    : json_pack("{s:s, s:O, s:o, s:{s:s, s:s}, s:o, s:I}", "title",
                                http_t(req, "faq_heading"), "office", o.view, "categories", groups,
                                "search", "action", action ? action : "", "q", q, "results",
                                results, "count", (json_int_t)json_array_size(results));
  if (rc) {
    json_decref(groups);
    json_decref(results);
  }
  static const char *const lists[] = {"results"};
  if (page)
    catalog_add_has(page, lists, 1);
  office_ctx_close(&o);
  return rc ? rc : http_page(res, 200, "public/faq", page);
}

int faq_entry(struct http_request *req, struct http_response *res)
{
  struct office_ctx o = {0};
  json_t *faq = NULL;
  int64_t id = catalog_id_capture(req, "id");
  int rc = id ? office_ctx_open(req, &o) : ST_NOTFOUND;
  if (!id)
    return rc;
  if (!rc)
    rc = catalog_faq_entry_read(o.store, o.id, id, &faq); /* ST_NOTFOUND unless published */
  json_t *entry = rc ? NULL : entry_view(req, o.slug, faq);
  const char *vote =
      rc ? NULL : arena_printf(req->arena, "/o/%s/faq/%lld/vote", o.slug, (long long)id);
  const char *back = rc ? NULL : arena_printf(req->arena, "/o/%s/faq", o.slug);
  const char *thanks = http_query(req, "thanks");
  json_t *page = rc ? NULL
                    : json_pack("{s:s, s:O, s:o, s:s, s:s, s:b, s:s, s:O, s:O}", "title",
                                web_str(entry, "question"), "office", o.view, "entry", entry,
                                "vote_action", vote ? vote : "", "faq_href", back ? back : "",
                                "thanks", thanks && strcmp(thanks, "1") == 0, "updated",
                                catalog_updated(req, web_str(faq, "updated_at")), "helpful",
                                json_object_get(faq, "helpful"), "not_helpful",
                                json_object_get(faq, "not_helpful"));
  json_decref(faq);
  office_ctx_close(&o);
  return rc ? rc : http_page(res, 200, "public/faq_entry", page);
}

int faq_vote(struct http_request *req, struct http_response *res)
{
  /* TODO(accounts): public forms get a double-submit CSRF token once the accounts work lands;
   * until then this route is csrf=false in the route table. A vote changes only a counter. */
  struct office_ctx o = {0};
  const char *helpful = http_form(req, "helpful");
  int64_t id = catalog_id_capture(req, "id");
  if (!id)
    return ST_NOTFOUND;
  if (!helpful || (strcmp(helpful, "yes") != 0 && strcmp(helpful, "no") != 0))
    return http_error(res, 400, "faq_vote_invalid");
  int rc = office_ctx_open(req, &o);
  if (!rc)
    rc = catalog_faq_vote(o.store, o.id, id, strcmp(helpful, "yes") == 0);
  const char *location =
      rc ? NULL : arena_printf(req->arena, "/o/%s/faq/%lld?thanks=1", o.slug, (long long)id);
  office_ctx_close(&o);
  if (rc)
    return rc;
  return location ? http_redirect(res, 303, location) : ST_NOMEM;
}
