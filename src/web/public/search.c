/*
 * search.c - an office's site search: the catalogue's full-text index (published services,
 * published FAQ and current announcements, best first; store_search), then the unit directory
 * (who handles what).
 */
#include <stdio.h>
#include <string.h>

#include "base/text.h"
#include "web/app.h"
#include "web/public/catalog.h"
#include "web/public/home.h"
#include "web/public/office.h"

#include "base/common.h"

enum { SEARCH_QUERY_MAX_CHARS = 100, SEARCH_SUMMARY_MAX_CHARS = 120, SEARCH_RESULTS_MAX = 50 };

/* The first SEARCH_SUMMARY_MAX_CHARS characters of text, with "…" when cut. */
static const char *shorten(struct http_request *req, const char *text)
{
  size_t chars = 0, i = 0;
  for (; text[i]; i++) {
    if (((unsigned char)text[i] & 0xC0) != 0x80 && chars++ == SEARCH_SUMMARY_MAX_CHARS)
      break;
  }
  if (!text[i])
    return text;
  const char *cut = arena_printf(req->arena, "%.*s…", (int)i, text);
  return cut ? cut : "";
}

static const char *result_href(struct http_request *req, const char *slug, json_t *hit)
{
  const char *kind = web_str(hit, "kind");
  long long id = (long long)json_integer_value(json_object_get(hit, "id"));
  const char *href;
  if (strcmp(kind, "service") == 0)
    href = arena_printf(req->arena, "/o/%s/services/%s", slug, web_str(hit, "slug"));
  else if (strcmp(kind, "faq") == 0)
    href = arena_printf(req->arena, "/o/%s/faq/%lld", slug, id);
  else
    href = arena_printf(req->arena, "/o/%s/news/%lld", slug, id);
  return href ? href : "";
}

static int add_catalog_results(struct http_request *req, struct store *store, json_t *office,
                               const char *slug, const char *query, json_t *results)
{
  json_t *hits = NULL, *hit;
  size_t i;
  int rc = store_search(store, json_integer_value(json_object_get(office, "id")), query,
                        catalog_today(req), SEARCH_RESULTS_MAX, &hits);
  if (rc == ST_INVALID)
    return ST_OK;
  json_array_foreach(hits, i, hit)
  {
    char key[32];
    snprintf(key, sizeof(key), "search_kind_%s", web_str(hit, "kind"));
    json_t *result =
        json_pack("{s:s, s:s, s:s, s:s}", "href", result_href(req, slug, hit), "title",
                  web_field(hit, "title", req->lang), "summary",
                  shorten(req, web_field(hit, "summary", req->lang)), "kind", http_t(req, key));
    if (!rc && json_array_append_new(results, result))
      rc = ST_NOMEM;
  }
  json_decref(hits);
  return rc;
}

static int add_unit_results(struct http_request *req, json_t *units, const char *slug,
                            const char *query, json_t *results)
{
  size_t i;
  json_t *unit;
  json_array_foreach(units, i, unit)
  {
    const char *name = json_string_value(json_object_get(unit, "name"));
    const char *duties = json_string_value(json_object_get(unit, "duties"));
    char *text = arena_printf(req->arena, "%s %s", name ? name : "", duties ? duties : "");
    char *folded = text ? text_normalize(req->arena, text, true) : NULL;
    if (!folded)
      return ST_NOMEM;
    if (!text_matches_all_terms(folded, query))
      continue;
    char *href = arena_printf(req->arena, "/o/%s/#unit-%s", slug,
                              json_string_value(json_object_get(unit, "code")));
    if (json_array_append_new(results,
                              json_pack("{s:s, s:s, s:s, s:s}", "href", href ? href : "", "title",
                                        name ? name : "", "summary", duties ? duties : "", "kind",
                                        http_t(req, "search_kind_unit"))))
      return ST_NOMEM;
  }
  return ST_OK;
}

/* The query as typed (trimmed) and its normalised form; 400 for an over-long query. */
static int read_query(struct http_request *req, const char **typed, const char **folded)
{
  const char *q = http_query(req, "q");
  struct str trimmed = str_trim(str_from(q ? q : ""));
  *typed = arena_strndup(req->arena, trimmed.ptr, trimmed.len);
  if (!*typed)
    return ST_NOMEM;
  if (text_length(*typed) > SEARCH_QUERY_MAX_CHARS)
    return ST_INVALID;
  *folded = text_normalize(req->arena, *typed, true);
  return *folded ? ST_OK : ST_NOMEM;
}

int search_office(struct http_request *req, struct http_response *res)
{
  struct store *store;
  json_t *office = NULL, *view = NULL, *units = NULL, *results = json_array();
  const char *typed = "", *folded = "";
  int rc = read_query(req, &typed, &folded);
  if (rc == ST_INVALID) {
    json_decref(results);
    return http_error(res, 400, "search_too_long");
  }
  if (!rc)
    rc = web_store(req, &store);
  if (!rc)
    rc = office_from_request(req, store, &office, &view);
  if (!rc)
    rc = office_units_view(req, store, office, &units);
  const char *slug = view ? json_string_value(json_object_get(view, "slug")) : "";
  if (!rc && *folded)
    rc = add_catalog_results(req, store, office, slug, typed, results);
  if (!rc && *folded)
    rc = add_unit_results(req, units, slug, folded, results);
  json_t *page = NULL;
  if (!rc)
    page = json_pack("{s:s, s:O, s:{s:s, s:s}, s:O, s:I}", "title", http_t(req, "search_label"),
                     "office", view, "search", "action",
                     arena_printf(req->arena, "/o/%s/search", slug), "q", typed, "results", results,
                     "count", (json_int_t)json_array_size(results));
  json_decref(office);
  json_decref(view);
  json_decref(units);
  json_decref(results);
  return rc ? rc : http_page(res, 200, "public/search", page);
}
