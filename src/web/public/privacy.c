/*
 * privacy.c - the privacy notice page (privacy.h): text from the translations, the office's
 * contact details from the in-memory directory (domain/directory.h), an arena view.
 */
#include "web/public/privacy.h"

#include "domain/directory.h"
#include "render/view.h"
#include "web/app.h"
#include "web/public/office.h"

#include "base/common.h"

/* Every office's notice, for the installation's page. */
static struct view office_links(struct http_request *req, struct view_builder *b,
                                const struct directory *dir)
{
  size_t count = 0;
  const struct dir_office *offices = directory_offices(dir, &count);
  struct view_list *list = view_list(b);
  for (size_t i = 0; i < count; i++) {
    struct view_map *m = view_map(b);
    view_add_text(b, m, "name", directory_pick(offices[i].name_zh, offices[i].name_en, req->lang));
    view_add_text(b, m, "href", arena_printf(req->arena, "/o/%s/privacy", offices[i].slug));
    view_push(b, list, view_of_map(m));
  }
  return view_of_list(list);
}

int privacy_notice(struct http_request *req, struct http_response *res)
{
  struct store *store;
  const struct directory *dir = NULL;
  const struct dir_office *office = NULL;
  int rc = web_store(req, &store);
  if (!rc && http_capture(req, "office"))
    rc = office_of_request(req, store, &office);
  else if (!rc)
    rc = directory_acquire(store, req->arena, &dir);
  if (rc)
    return rc;
  struct view_builder b = view_builder(req->arena);
  struct view_map *page = view_map(&b);
  view_add_text(&b, page, "title", http_t(req, "privacy_title"));
  if (office)
    view_add(&b, page, "office", office_dir_tview(req, &b, office));
  else
    view_add(&b, page, "offices", office_links(req, &b, dir));
  if (view_done(&b))
    return ST_NOMEM;
  return http_page_view(res, 200, "public/privacy", view_of_map(page));
}
