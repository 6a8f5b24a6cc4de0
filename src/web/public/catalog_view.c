/*
 * catalog_view.c - view helpers shared by the catalogue pages (catalog.h): the office context,
 * dates, time limits in words, paragraphs and QR code responses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/civil.h"
#include "domain/catalog.h"
#include "domain/directory.h"
#include "render/format.h"
#include "render/qr.h"
#include "web/app.h"
#include "web/public/catalog.h"
#include "web/public/office.h"

#include "base/common.h"

#define MINUTES_PER_HOUR 60
#define MINUTES_PER_DAY  (8 * 60) /* a working day */

int office_ctx_open(struct http_request *req, struct office_ctx *ctx)
{
  memset(ctx, 0, sizeof(*ctx));
  int rc = web_store(req, &ctx->store);
  if (!rc)
    rc = office_of_request(req, ctx->store, &ctx->office);
  if (!rc && !(ctx->view = office_dir_view(req, ctx->office)))
    rc = ST_NOMEM;
  if (rc)
    return rc;
  ctx->id = ctx->office->id;
  ctx->slug = ctx->office->slug;
  return ST_OK;
}

void office_ctx_close(struct office_ctx *ctx)
{
  json_decref(ctx->view);
  ctx->office = NULL;
  ctx->view = NULL;
}

const char *catalog_today(struct http_request *req)
{
  char today[11];
  civil_taipei_iso(clock_now(), today);
  return arena_strdup(req->arena, today);
}

static const char *date_text(struct http_request *req, int y, int m, int d)
{
  char out[64];
  if (format_date(y, m, d, req->lang, out, sizeof(out)))
    return "";
  const char *copy = arena_strdup(req->arena, out);
  return copy ? copy : "";
}

static int parse_digits(const char *s, size_t n)
{
  int value = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return -1;
    value = value * 10 + (s[i] - '0');
  }
  return value;
}

const char *catalog_date(struct http_request *req, const char *date)
{
  if (!date || strlen(date) < 10)
    return "";
  return date_text(req, parse_digits(date, 4), parse_digits(date + 5, 2),
                   parse_digits(date + 8, 2));
}

const char *catalog_updated(struct http_request *req, const char *iso)
{
  if (!iso || strlen(iso) < 19)
    return "";
  /* A stored UTC time "YYYY-MM-DDTHH:MM:SS..." shown as its date in Taipei. */
  struct civil_time utc = {
      {parse_digits(iso, 4), parse_digits(iso + 5, 2), parse_digits(iso + 8, 2)},
      parse_digits(iso + 11, 2),
      parse_digits(iso + 14, 2),
      parse_digits(iso + 17, 2)};
  if (!civil_valid(utc.date))
    return "";
  struct civil_date local = civil_taipei(civil_unix(utc, 0)).date;
  return date_text(req, local.year, local.month, local.day);
}

const char *catalog_time_limit(struct http_request *req, int64_t minutes)
{
  const char *unit;
  int64_t count;
  if (minutes <= 0)
    return http_t(req, "time_on_the_spot");
  if (minutes % MINUTES_PER_DAY == 0) {
    count = minutes / MINUTES_PER_DAY;
    unit = http_t(req, count == 1 ? "time_working_day" : "time_working_days");
  } else if (minutes % MINUTES_PER_HOUR == 0) {
    count = minutes / MINUTES_PER_HOUR;
    unit = http_t(req, count == 1 ? "time_working_hour" : "time_working_hours");
  } else {
    count = minutes;
    unit = http_t(req, "time_minutes");
  }
  const char *text = arena_printf(req->arena, "%lld %s", (long long)count, unit);
  return text ? text : "";
}

json_t *catalog_paragraphs(const char *text)
{
  json_t *list = json_array();
  const char *p = text ? text : "";
  while (list && *p) {
    size_t len = strcspn(p, "\r\n");
    if (len && json_array_append_new(list, json_stringn(p, len))) {
      json_decref(list);
      return NULL;
    }
    p += len;
    p += strspn(p, "\r\n");
  }
  return list;
}

struct view catalog_lines_view(struct view_builder *b, const struct dir_lines *zh,
                               const struct dir_lines *en, const char *lang)
{
  const struct dir_lines *lines = directory_pick_lines(zh, en, lang);
  struct view_list *list = view_list(b);
  for (size_t i = 0; i < lines->count; i++)
    view_push(b, list, view_text(lines->items[i]));
  return view_of_list(list);
}

struct view catalog_paragraphs_view(struct view_builder *b, const char *text)
{
  struct view_list *list = view_list(b);
  const char *p = text ? text : "";
  while (*p) {
    size_t len = strcspn(p, "\r\n");
    if (len)
      view_push(b, list, view_textn(p, len));
    p += len;
    p += strspn(p, "\r\n");
  }
  return view_of_list(list);
}

int catalog_qr_response(struct http_request *req, struct http_response *res, const char *path)
{
  char *svg = NULL;
  size_t len = 0;
  const char *url = arena_printf(req->arena, "%s%s", web_origin(req), path);
  if (!url)
    return ST_NOMEM;
  int rc = qr_svg(url, &svg, &len, NULL);
  if (rc == ST_LIMIT || rc == ST_INVALID)
    return ST_NOTFOUND;
  if (rc)
    return rc;
  rc = http_raw(res, 200, "image/svg+xml", svg, len);
  free(svg);
  /* A case's QR code holds its private link: never kept by a cache. */
  if (!rc)
    rc = http_header_add(res, "Cache-Control",
                         strncmp(path, "/p/", 3) && strncmp(path, "/s/", 3) ? "public, max-age=3600"
                                                                            : "no-store");
  return rc;
}

int64_t catalog_id_capture(struct http_request *req, const char *name)
{
  const char *text = http_capture(req, name);
  int64_t id = 0;
  if (!text || str_to_int64(str_from(text), 1, INT64_MAX, &id))
    return 0;
  return id;
}

const char *catalog_topic_label(struct http_request *req, const char *topic)
{
  char key[64];
  size_t n = 0;
  const char *prefix = "topic_";
  for (; prefix[n]; n++)
    key[n] = prefix[n];
  for (const char *p = topic ? topic : ""; *p && n < sizeof(key) - 1; p++)
    key[n++] = *p == '-' ? '_' : *p;
  key[n] = '\0';
  const char *label = http_t(req, key);
  return label == key ? "" : label;
}

void catalog_add_has(json_t *view, const char *const *keys, size_t count)
{
  char name[64];
  for (size_t i = 0; i < count; i++) {
    snprintf(name, sizeof(name), "has_%s", keys[i]);
    json_object_set_new(view, name, json_boolean(json_array_size(json_object_get(view, keys[i]))));
  }
}
