/*
 * faq.c - an office's frequently asked questions: by category with full-text search, one
 * question's page (which counts views, for the "most asked" list on the office home page) and
 * the "was this helpful?" vote.
 */
#include <string.h>

#include "base/text.h"
#include "domain/catalog.h"
#include "domain/directory.h"
#include "domain/faq_page.h"
#include "web/app.h"
#include "web/public/catalog.h"
#include "web/public/office.h"

#include "base/common.h"

#define FAQ_QUERY_MAX_CHARS 100
#define FAQ_TOP_COUNT       5

/* "/o/<slug>/faq/<id>", joined without printf (a page has one per question). */
static const char *faq_href(struct http_request *req, const char *slug, json_int_t id)
{
  char digits[24];
  size_t slug_len = strlen(slug), id_len = 0;
  unsigned long long n = id < 0 ? 0 : (unsigned long long)id; /* ids are positive */
  do
    digits[sizeof(digits) - 1 - id_len++] = (char)('0' + n % 10);
  while ((n /= 10) && id_len < sizeof(digits));
  char *href = arena_alloc(req->arena, slug_len + id_len + 9);
  if (!href)
    return "";
  memcpy(href, "/o/", 3);
  memcpy(href + 3, slug, slug_len);
  memcpy(href + 3 + slug_len, "/faq/", 5);
  memcpy(href + 8 + slug_len, digits + sizeof(digits) - id_len, id_len);
  return href;
}

static json_t *entry_view(struct http_request *req, const char *slug, const struct faq_item *faq)
{
  json_t *answer = catalog_paragraphs(directory_pick(faq->answer_zh, faq->answer_en, req->lang));
  const char *first = json_string_value(json_array_get(answer, 0));
  return json_pack("{s:I, s:s, s:o, s:s, s:s}", "id", (json_int_t)faq->id, "question",
                   directory_pick(faq->question_zh, faq->question_en, req->lang), "answer", answer,
                   "summary", first ? first : "", "href", faq_href(req, slug, faq->id));
}

json_t *faq_top_view(struct http_request *req, struct store *store, int64_t office_id,
                     const char *slug)
{
  struct faq_item *top = NULL;
  size_t count = 0;
  json_t *list = json_array();
  if (faq_top_read(store, req->arena, office_id, FAQ_TOP_COUNT, &top, &count))
    return list; /* the home page shows no list rather than fail */
  for (size_t i = 0; list && i < count; i++)
    json_array_append_new(
        list, json_pack("{s:s, s:s}", "question",
                        directory_pick(top[i].question_zh, top[i].question_en, req->lang), "href",
                        faq_href(req, slug, top[i].id)));
  return list;
}

/* A published question as the page shows it, in the shape of entry_view. */
static struct view item_view(struct http_request *req, struct view_builder *b, const char *slug,
                             const struct faq_item *item)
{
  struct view_map *m = view_map(b);
  struct view answer =
      catalog_paragraphs_view(b, directory_pick(item->answer_zh, item->answer_en, req->lang));
  view_add_int(b, m, "id", item->id);
  view_add_text(b, m, "question", directory_pick(item->question_zh, item->question_en, req->lang));
  view_add(b, m, "answer", answer);
  view_add(b, m, "summary",
           answer.type == VIEW_LIST && answer.u.list->count ? answer.u.list->items[0]
                                                            : view_text(""));
  view_add_text(b, m, "href", faq_href(req, slug, item->id));
  return view_of_map(m);
}

struct category {
  const char *name;
  struct view_list *entries;
};

/* The questions grouped by category, groups in order of first appearance. */
static struct view categories_view(struct http_request *req, struct view_builder *b,
                                   const char *slug, const struct faq_page *page)
{
  struct category *groups = arena_alloc(req->arena, (page->item_count + 1) * sizeof(*groups));
  struct view_list *list = view_list(b);
  size_t count = 0;
  for (size_t i = 0; groups && i < page->item_count; i++) {
    const struct faq_item *item = &page->items[i];
    const char *name = directory_pick(item->category_zh, item->category_en, req->lang);
    name = *name ? name : http_t(req, "faq_other");
    size_t g = 0;
    while (g < count && strcmp(groups[g].name, name) != 0)
      g++;
    if (g == count) {
      struct view_map *group = view_map(b);
      groups[count++] = (struct category){name, view_list(b)};
      view_add_text(b, group, "name", name);
      view_add_int(b, group, "index", (int64_t)count);
      view_add(b, group, "entries", view_of_list(groups[g].entries));
      view_push(b, list, view_of_map(group));
    }
    view_push(b, groups[g].entries, item_view(req, b, slug, item));
  }
  if (!groups)
    b->failed = true;
  return view_of_list(list);
}

static int faq_page_view(struct http_request *req, const struct dir_office *office, const char *q,
                         const struct faq_page *page, struct view *out)
{
  struct view_builder b = view_builder(req->arena);
  struct view_map *view = view_map(&b), *search = view_map(&b);
  struct view_list *results = view_list(&b);
  for (size_t i = 0; i < page->result_count; i++)
    view_push(&b, results, item_view(req, &b, office->slug, page->results[i]));
  view_add_text(&b, view, "title", http_t(req, "faq_heading"));
  view_add(&b, view, "office", office_dir_tview(req, &b, office));
  view_add(&b, view, "categories", categories_view(req, &b, office->slug, page));
  view_add_text(&b, search, "action", arena_printf(req->arena, "/o/%s/faq", office->slug));
  view_add_text(&b, search, "q", q);
  view_add(&b, view, "search", view_of_map(search));
  view_add(&b, view, "results", view_of_list(results));
  view_add_int(&b, view, "count", (int64_t)page->result_count);
  view_add_bool(&b, view, "has_results", page->result_count > 0);
  *out = view_of_map(view);
  return view_done(&b);
}

int faq_index(struct http_request *req, struct http_response *res)
{
  struct store *store = NULL;
  const struct dir_office *office = NULL;
  struct faq_page page;
  struct view view;
  const char *q = http_query(req, "q");
  struct str typed = str_trim(str_from(q ? q : ""));
  q = arena_strndup(req->arena, typed.ptr, typed.len);
  if (!q)
    return ST_NOMEM;
  if (text_length(q) > FAQ_QUERY_MAX_CHARS)
    return http_error(res, 400, "search_too_long");
  int rc = web_store(req, &store);
  if (!rc)
    rc = office_of_request(req, store, &office);
  if (!rc)
    rc = faq_page_read(store, req->arena, office->id, q, catalog_today(req), &page);
  if (!rc)
    rc = faq_page_view(req, office, q, &page, &view);
  return rc ? rc : http_page_view(res, 200, "public/faq", view);
}

int faq_entry(struct http_request *req, struct http_response *res)
{
  struct office_ctx o = {0};
  struct faq_entry faq;
  int64_t id = catalog_id_capture(req, "id");
  int rc = id ? office_ctx_open(req, &o) : ST_NOTFOUND;
  if (!id)
    return rc;
  if (!rc) /* ST_NOTFOUND unless published; counts a view */
    rc = faq_entry_read(o.store, req->arena, o.id, id, &faq);
  json_t *entry = rc ? NULL : entry_view(req, o.slug, &faq.item);
  const char *vote =
      rc ? NULL : arena_printf(req->arena, "/o/%s/faq/%lld/vote", o.slug, (long long)id);
  const char *back = rc ? NULL : arena_printf(req->arena, "/o/%s/faq", o.slug);
  const char *thanks = http_query(req, "thanks");
  json_t *page =
      rc ? NULL
         : json_pack("{s:s, s:O, s:o, s:s, s:s, s:b, s:s, s:I, s:I}", "title",
                     directory_pick(faq.item.question_zh, faq.item.question_en, req->lang),
                     "office", o.view, "entry", entry, "vote_action", vote ? vote : "", "faq_href",
                     back ? back : "", "thanks", thanks && strcmp(thanks, "1") == 0, "updated",
                     catalog_updated(req, faq.updated_at), "helpful", (json_int_t)faq.helpful,
                     "not_helpful", (json_int_t)faq.not_helpful);
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
