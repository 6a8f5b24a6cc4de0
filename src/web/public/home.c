/*
 * home.c - the deployment's front page (its offices) and each office's home page.
 */
#include <string.h>

#include "domain/directory.h"
#include "web/app.h"
#include "web/public/catalog.h"
#include "web/public/home.h"
#include "web/public/office.h"

#include "base/common.h"

int home_index(struct http_request *req, struct http_response *res)
{
  struct store *store;
  const struct directory *dir = NULL;
  size_t count = 0;
  int rc = web_store(req, &store);
  if (!rc)
    rc = directory_acquire(store, req->arena, &dir);
  if (rc)
    return rc;
  const struct dir_office *offices = directory_offices(dir, &count);
  json_t *list = json_array();
  for (size_t i = 0; list && i < count; i++)
    json_array_append_new(list, office_dir_view(req, &offices[i]));
  return http_page(
      res, 200, "public/index",
      json_pack("{s:s, s:o}", "title", http_t(req, "offices_heading"), "offices", list));
}

int home_office(struct http_request *req, struct http_response *res)
{
  struct office_ctx o;
  json_t *units = NULL;
  int rc = office_ctx_open(req, &o);
  if (!rc)
    rc = office_units_view(req, o.store, o.office, &units);
  if (rc) {
    office_ctx_close(&o);
    return rc;
  }
  const struct dir_office *office = o.office;
  const char *slug = o.slug;
  char *action = arena_printf(req->arena, "/o/%s/search", slug);
  json_t *page = json_pack("{s:s, s:O, s:{s:s, s:s}, s:o, s:o, s:o, s:s}", "title",
                           directory_pick(office->name_zh, office->name_en, req->lang), "office",
                           o.view, "search", "action", action ? action : "", "q", "", "areas",
                           office_areas(req, slug, strcmp(office->kind, "land") == 0), "units",
                           units, "top_faq", faq_top_view(req, o.store, o.id, slug), "faq_href",
                           arena_printf(req->arena, "/o/%s/faq", slug));
  static const char *const lists[] = {"top_faq"};
  if (page)
    catalog_add_has(page, lists, 1);
  office_ctx_close(&o);
  return http_page(res, 200, "public/office_home", page);
}

int home_office_redirect(struct http_request *req, struct http_response *res)
{
  const char *slug = http_capture(req, "office");
  char *location = arena_printf(req->arena, "/o/%s/", slug ? slug : "");
  return location ? http_redirect(res, 308, location) : ST_NOMEM;
}
