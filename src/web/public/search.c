/*
 * search.c - an office's site search: the catalogue's full-text index (published services,
 * published FAQ and current announcements, best first), then the unit directory (who handles
 * what): one read (domain/office_search.h).
 */
#include <stdio.h>
#include <string.h>

#include "base/text.h"
#include "domain/directory.h"
#include "domain/office_search.h"
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

static const char *result_href(struct http_request *req, const char *slug,
                               const struct office_search_hit *hit)
{
  const char *href;
  if (strcmp(hit->kind, "service") == 0)
    href = arena_printf(req->arena, "/o/%s/services/%s", slug, hit->slug);
  else if (strcmp(hit->kind, "faq") == 0)
    href = arena_printf(req->arena, "/o/%s/faq/%lld", slug, (long long)hit->id);
  else
    href = arena_printf(req->arena, "/o/%s/news/%lld", slug, (long long)hit->id);
  return href ? href : "";
}

static int add_catalog_results(struct http_request *req, const struct office_search *found,
                               const char *slug, json_t *results)
{
  for (size_t i = 0; i < found->hit_count; i++) {
    const struct office_search_hit *hit = &found->hits[i];
    char key[32];
    snprintf(key, sizeof(key), "search_kind_%s", hit->kind);
    json_t *result =
        json_pack("{s:s, s:s, s:s, s:s}", "href", result_href(req, slug, hit), "title",
                  directory_pick(hit->title_zh, hit->title_en, req->lang), "summary",
                  shorten(req, directory_pick(hit->summary_zh, hit->summary_en, req->lang)), "kind",
                  http_t(req, key));
    if (json_array_append_new(results, result))
      return ST_NOMEM;
  }
  return ST_OK;
}

static int add_unit_results(struct http_request *req, const struct office_search *found,
                            const char *slug, const char *query, json_t *results)
{
  for (size_t i = 0; i < found->unit_count; i++) {
    const struct dir_unit *unit = &found->units[i];
    const char *name = directory_pick(unit->name_zh, unit->name_en, req->lang);
    const char *duties = directory_pick(unit->duties_zh, unit->duties_en, req->lang);
    char *text = arena_printf(req->arena, "%s %s", name, duties);
    char *folded = text ? text_normalize(req->arena, text, true) : NULL;
    if (!folded)
      return ST_NOMEM;
    if (!text_matches_all_terms(folded, query))
      continue;
    char *href = arena_printf(req->arena, "/o/%s/#unit-%s", slug, unit->code);
    if (json_array_append_new(results, json_pack("{s:s, s:s, s:s, s:s}", "href", href ? href : "",
                                                 "title", name, "summary", duties, "kind",
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
  const struct dir_office *office = NULL;
  struct office_search found;
  json_t *view = NULL, *results = json_array();
  const char *typed = "", *folded = "";
  int rc = read_query(req, &typed, &folded);
  if (rc == ST_INVALID) {
    json_decref(results);
    return http_error(res, 400, "search_too_long");
  }
  if (!rc)
    rc = web_store(req, &store);
  if (!rc)
    rc = office_of_request(req, store, &office);
  if (!rc)
    rc = office_search_read(store, req->arena, office->id, *folded ? typed : "", catalog_today(req),
                            SEARCH_RESULTS_MAX, &found);
  if (!rc && !(view = office_dir_view(req, office)))
    rc = ST_NOMEM;
  if (!rc)
    rc = add_catalog_results(req, &found, office->slug, results);
  if (!rc && *folded)
    rc = add_unit_results(req, &found, office->slug, folded, results);
  json_t *page = NULL;
  if (!rc)
    page = json_pack("{s:s, s:O, s:{s:s, s:s}, s:O, s:I}", "title", http_t(req, "search_label"),
                     "office", view, "search", "action",
                     arena_printf(req->arena, "/o/%s/search", office->slug), "q", typed, "results",
                     results, "count", (json_int_t)json_array_size(results));
  json_decref(view);
  json_decref(results);
  return rc ? rc : http_page(res, 200, "public/search", page);
}
