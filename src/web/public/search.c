/*
 * search.c - an office's site search. For now it searches the unit directory (who handles
 * what); the service catalogue and FAQ join it when they are built.
 */
#include <string.h>

#include "base/text.h"
#include "web/app.h"
#include "web/public/home.h"
#include "web/public/office.h"

#include "base/common.h"

enum { SEARCH_QUERY_MAX_CHARS = 100 };

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
                              json_pack("{s:s, s:s, s:s}", "href", href ? href : "", "title",
                                        name ? name : "", "summary", duties ? duties : "")))
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
