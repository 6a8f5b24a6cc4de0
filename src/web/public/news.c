/*
 * news.c - an office's public announcements: the current ones (between their start and end
 * dates), the archive of ended ones, one announcement's page and its QR code. A lost title
 * deed's public notice (書狀補給公告, seed 000) is one kind of announcement.
 */
#include <stdio.h>
#include <string.h>

#include "domain/catalog.h"
#include "domain/directory.h"
#include "domain/news_page.h"
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

static json_t *announcement_view(struct http_request *req, const char *slug,
                                 const struct news_item *item, const char *today)
{
  const char *lang = req->lang;
  const char *href = arena_printf(req->arena, "/o/%s/news/%lld", slug, (long long)item->id);
  return json_pack("{s:I, s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:b, s:s, s:s}", "id",
                   (json_int_t)item->id, "title",
                   directory_pick(item->title_zh, item->title_en, lang), "kind", item->kind,
                   "kind_label", kind_label(req, item->kind), "body",
                   catalog_paragraphs(directory_pick(item->body_zh, item->body_en, lang)), "starts",
                   catalog_date(req, item->starts_on), "ends", catalog_date(req, item->ends_on),
                   "href", href ? href : "", "archived", strcmp(item->ends_on, today) < 0,
                   "updated", catalog_updated(req, item->updated_at), "qr_src",
                   href ? arena_printf(req->arena, "%s/qr.svg", href) : "");
}

static int list_page(struct http_request *req, struct http_response *res, bool archive)
{
  struct office_ctx o = {0};
  struct news_item *items = NULL;
  size_t count = 0;
  json_t *list = json_array();
  const char *today = catalog_today(req);
  int rc = today ? office_ctx_open(req, &o) : ST_NOMEM;
  if (!rc)
    rc = news_list_read(o.store, req->arena, o.id, archive, today, &items, &count);
  for (size_t i = 0; !rc && list && i < count; i++)
    json_array_append_new(list, announcement_view(req, o.slug, &items[i], today));
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
                                struct news_item *item)
{
  return news_entry_read(o->store, req->arena, o->id, catalog_id_capture(req, "id"), today, item);
}

int news_entry(struct http_request *req, struct http_response *res)
{
  struct office_ctx o = {0};
  struct news_item item;
  const char *today = catalog_today(req);
  int rc = today ? office_ctx_open(req, &o) : ST_NOMEM;
  if (!rc)
    rc = visible_announcement(req, &o, today, &item);
  json_t *view = rc ? NULL : announcement_view(req, o.slug, &item, today);
  const char *news = rc ? NULL : arena_printf(req->arena, "/o/%s/news", o.slug);
  json_t *page = rc || !view
                     ? NULL
                     : json_pack("{s:s, s:O, s:O, s:s}", "title",
                                 directory_pick(item.title_zh, item.title_en, req->lang), "office",
                                 o.view, "announcement", view, "news_href", news ? news : "");
  json_decref(view);
  office_ctx_close(&o);
  return rc ? rc : http_page(res, 200, "public/announcement", page);
}

int news_qr(struct http_request *req, struct http_response *res)
{
  struct office_ctx o = {0};
  struct news_item item;
  const char *today = catalog_today(req);
  int rc = today ? office_ctx_open(req, &o) : ST_NOMEM;
  if (!rc)
    rc = visible_announcement(req, &o, today, &item);
  const char *path =
      rc ? NULL : arena_printf(req->arena, "/o/%s/news/%lld", o.slug, (long long)item.id);
  office_ctx_close(&o);
  if (rc)
    return rc;
  return path ? catalog_qr_response(req, res, path) : ST_NOMEM;
}
