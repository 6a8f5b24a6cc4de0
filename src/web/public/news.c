/*
 * news.c - an office's public announcements: the current ones (between their start and end
 * dates), the archive of ended ones, one announcement's page and its QR code. A lost title
 * deed's public notice (書狀補給公告, seed 000) is one kind of announcement.
 */
#include <stdio.h>
#include <string.h>

#include "domain/catalog.h"
#include "web/app.h"
#include "web/public/catalog.h"

#include "base/common.h"

static const char *kind_label(struct http_request *req, const char *kind)
{
  char key[64];
  snprintf(key, sizeof(key), "news_kind_%s", kind);
  const char *label = http_t(req, key);
  return label == key ? http_t(req, "news_kind_general") : label;
}

static json_t *announcement_view(struct http_request *req, const char *slug, json_t *item,
                                 const char *today)
{
  json_int_t id = json_integer_value(json_object_get(item, "id"));
  const char *href = arena_printf(req->arena, "/o/%s/news/%lld", slug, (long long)id);
  const char *ends = web_str(item, "ends_on");
  return json_pack("{s:I, s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:b, s:s, s:s}", "id", id, "title",
                   web_field(item, "title", req->lang), "kind", web_str(item, "kind"), "kind_label",
                   kind_label(req, web_str(item, "kind")), "body",
                   catalog_paragraphs(web_field(item, "body", req->lang)), "starts",
                   catalog_date(req, web_str(item, "starts_on")), "ends", catalog_date(req, ends),
                   "href", href ? href : "", "archived", strcmp(ends, today) < 0, "updated",
                   catalog_updated(req, web_str(item, "updated_at")), "qr_src",
                   href ? arena_printf(req->arena, "%s/qr.svg", href) : "");
}

static int list_page(struct http_request *req, struct http_response *res, bool archive)
{
  struct office_ctx o = {0};
  json_t *items = NULL, *list = json_array(), *item;
  size_t i;
  const char *today = catalog_today(req);
  int rc = today ? office_ctx_open(req, &o) : ST_NOMEM;
  if (!rc)
    rc = catalog_news_list(o.store, o.id, archive, today, &items);
  json_array_foreach(items, i, item)
      json_array_append_new(list, announcement_view(req, o.slug, item, today));
  json_decref(items);
  const char *other =
      rc ? NULL : arena_printf(req->arena, "/o/%s/news%s", o.slug, archive ? "" : "/archive");
  json_t *page = rc ? NULL
                    : json_pack("{s:s, s:O, s:o, s:b, s:s}", "title",
                                http_t(req, archive ? "news_archive_heading" : "news_heading"),
                                "office", o.view, "announcements", list, "archive", archive,
                                "other_href", other ? other : "");
  if (rc)
    json_decref(list);
  office_ctx_close(&o);
  return rc ? rc : http_page(res, 200, "public/news", page);
}

int news_current(struct http_request *req, struct http_response *res)
{
  return list_page(req, res, false);
}

int news_archive(struct http_request *req, struct http_response *res)
{
  return list_page(req, res, true);
}

/* The published announcement of the {id} capture that has started; ST_NOTFOUND otherwise. */
static int visible_announcement(struct http_request *req, struct office_ctx *o, const char *today,
                                json_t **item)
{
  return catalog_news_entry_read(o->store, o->id, catalog_id_capture(req, "id"), today, item);
}

int news_entry(struct http_request *req, struct http_response *res)
{
  struct office_ctx o = {0};
  json_t *item = NULL;
  const char *today = catalog_today(req);
  int rc = today ? office_ctx_open(req, &o) : ST_NOMEM;
  if (!rc)
    rc = visible_announcement(req, &o, today, &item);
  json_t *view = rc ? NULL : announcement_view(req, o.slug, item, today);
  const char *news = rc ? NULL : arena_printf(req->arena, "/o/%s/news", o.slug);
  json_t *page = rc || !view
                     ? NULL
                     : json_pack("{s:s, s:O, s:O, s:s}", "title", web_str(view, "title"), "office",
                                 o.view, "announcement", view, "news_href", news ? news : "");
  json_decref(view);
  json_decref(item);
  office_ctx_close(&o);
  return rc ? rc : http_page(res, 200, "public/announcement", page);
}

int news_qr(struct http_request *req, struct http_response *res)
{
  struct office_ctx o = {0};
  json_t *item = NULL;
  const char *today = catalog_today(req);
  int rc = today ? office_ctx_open(req, &o) : ST_NOMEM;
  if (!rc)
    rc = visible_announcement(req, &o, today, &item);
  const char *path = rc ? NULL
                        : arena_printf(req->arena, "/o/%s/news/%lld", o.slug,
                                       (long long)json_integer_value(json_object_get(item, "id")));
  json_decref(item);
  office_ctx_close(&o);
  if (rc)
    return rc;
  return path ? catalog_qr_response(req, res, path) : ST_NOMEM;
}
