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

/* The n parts (lens[i] bytes of parts[i]) one after the other, in the arena; NULL when it is
 * full. Cheaper than arena_printf for the few texts each result has. */
static const char *join(struct arena *arena, const char *const parts[], const size_t lens[],
                        size_t n)
{
  size_t total = 1;
  for (size_t i = 0; i < n; i++)
    total += lens[i];
  char *out = arena_alloc(arena, total), *p = out;
  for (size_t i = 0; out && i < n; i++) {
    memcpy(p, parts[i], lens[i]);
    p += lens[i];
  }
  return out;
}

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
  const char *cut = join(req->arena, (const char *[]){text, "…"}, (size_t[]){i, strlen("…")}, 2);
  return cut ? cut : "";
}

/* "/o/<slug>/services/<service>", "/o/<slug>/faq/<id>" or "/o/<slug>/news/<id>". */
static const char *result_href(struct http_request *req, const char *slug,
                               const struct office_search_hit *hit)
{
  char id[24];
  const char *what = strcmp(hit->kind, "service") == 0 ? "/services/"
                     : strcmp(hit->kind, "faq") == 0   ? "/faq/"
                                                       : "/news/";
  const char *last = hit->slug;
  if (strcmp(hit->kind, "service") != 0) {
    snprintf(id, sizeof(id), "%lld", (long long)hit->id);
    last = id;
  }
  const char *parts[] = {"/o/", slug, what, last};
  size_t lens[] = {3, strlen(slug), strlen(what), strlen(last)};
  const char *href = join(req->arena, parts, lens, 4);
  return href ? href : "";
}

/* The translated label of a hit's kind. */
static const char *kind_label(struct http_request *req, const char *kind)
{
  if (strcmp(kind, "service") == 0)
    return http_t(req, "search_kind_service");
  return http_t(req, strcmp(kind, "faq") == 0 ? "search_kind_faq" : "search_kind_announcement");
}

static void add_result(struct view_builder *b, struct view_list *results, const char *href,
                       const char *title, const char *summary, const char *kind)
{
  struct view_map *m = view_map(b);
  view_add_text(b, m, "href", href);
  view_add_text(b, m, "title", title);
  view_add_text(b, m, "summary", summary);
  view_add_text(b, m, "kind", kind);
  view_push(b, results, view_of_map(m));
}

static void add_catalog_results(struct http_request *req, struct view_builder *b,
                                const struct office_search *found, const char *slug,
                                struct view_list *results)
{
  for (size_t i = 0; i < found->hit_count; i++) {
    const struct office_search_hit *hit = &found->hits[i];
    add_result(b, results, result_href(req, slug, hit),
               directory_pick(hit->title_zh, hit->title_en, req->lang),
               shorten(req, directory_pick(hit->summary_zh, hit->summary_en, req->lang)),
               kind_label(req, hit->kind));
  }
}

/* The units whose name and duties hold every term (their search texts are normalised once, in
 * the directory). */
static void add_unit_results(struct http_request *req, struct view_builder *b,
                             const struct office_search *found, const char *slug, const char *query,
                             struct view_list *results)
{
  bool en = strcmp(req->lang, "en") == 0;
  for (size_t i = 0; i < found->unit_count; i++) {
    const struct dir_unit *unit = &found->units[i];
    if (!text_matches_all_terms(en ? unit->search_en : unit->search_zh, query))
      continue;
    const char *parts[] = {"/o/", slug, "/#unit-", unit->code};
    size_t lens[] = {3, strlen(slug), 7, strlen(unit->code)};
    add_result(b, results, join(req->arena, parts, lens, 4),
               directory_pick(unit->name_zh, unit->name_en, req->lang),
               directory_pick(unit->duties_zh, unit->duties_en, req->lang),
               http_t(req, "search_kind_unit"));
  }
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
  const char *typed = "", *folded = "";
  int rc = read_query(req, &typed, &folded);
  if (rc == ST_INVALID)
    return http_error(res, 400, "search_too_long");
  if (!rc)
    rc = web_store(req, &store);
  if (!rc)
    rc = office_of_request(req, store, &office);
  if (!rc)
    rc = office_search_read(store, req->arena, office->id, *folded ? typed : "", catalog_today(req),
                            SEARCH_RESULTS_MAX, &found);
  if (rc)
    return rc;
  struct view_builder b = view_builder(req->arena);
  struct view_list *results = view_list(&b);
  add_catalog_results(req, &b, &found, office->slug, results);
  if (*folded)
    add_unit_results(req, &b, &found, office->slug, folded, results);
  struct view_map *page = view_map(&b), *search = view_map(&b);
  view_add_text(&b, search, "action", arena_printf(req->arena, "/o/%s/search", office->slug));
  view_add_text(&b, search, "q", typed);
  view_add_text(&b, page, "title", http_t(req, "search_label"));
  view_add(&b, page, "office", office_dir_tview(req, &b, office));
  view_add(&b, page, "search", view_of_map(search));
  view_add(&b, page, "results", view_of_list(results));
  view_add_int(&b, page, "count", results ? results->count : 0);
  return view_done(&b) ? ST_NOMEM : http_page_view(res, 200, "public/search", view_of_map(page));
}
