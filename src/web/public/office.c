/*
 * office.c - localised public views of offices and units.
 */
#include <string.h>

#include "domain/directory.h"
#include "web/app.h"
#include "web/public/office.h"

#include "base/common.h"

/* ---- phone numbers ------------------------------------------------------------------------ */

/* Where an extension starts in a stored number: "分機", "轉", "#", "ext" (any case) or ",";
 * NULL when it has none. *skip is the marker's length. */
static const char *extension_mark(const char *s, size_t *skip)
{
  static const char *const marks[] = {"分機", "轉", "#", ","};
  for (const char *p = s; *p; p++) {
    for (size_t i = 0; i < ARRAY_LEN(marks); i++)
      if (!strncmp(p, marks[i], strlen(marks[i]))) {
        *skip = strlen(marks[i]);
        return p;
      }
    if ((p[0] | 0x20) == 'e' && (p[1] | 0x20) == 'x' && (p[2] | 0x20) == 't') {
      *skip = 3;
      return p;
    }
  }
  return NULL;
}

static bool is_digit(char c)
{
  return c >= '0' && c <= '9';
}

/* The digits of a number as a tel: URI's: "+" only first, any run of spaces, dashes, dots and
 * brackets between digits one "-"; a number with a leading trunk 0 ("07-2358200") made global
 * with Taiwan's +886 ("+886-7-2358200"). NULL when it has another character or no digit. */
static const char *tel_digits(struct arena *arena, const char *s, size_t n)
{
  char *out = arena_alloc(arena, n + 8);
  size_t k = 0;
  bool gap = false;
  if (!out)
    return NULL;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (is_digit(c)) {
      if (gap && k && out[k - 1] != '+')
        out[k++] = '-';
      out[k++] = c;
      gap = false;
    } else if (c == '+' && k == 0) {
      out[k++] = c;
    } else if (strchr(" -.()", c)) {
      gap = true;
    } else {
      return NULL;
    }
  }
  out[k] = '\0';
  if (!k || !strcmp(out, "+"))
    return NULL;
  if (out[0] == '0' && out[1] != '0') { /* 07-2358200, 0912-345678: a number in Taiwan */
    const char *rest = out + 1 + (out[1] == '-');
    return *rest ? arena_printf(arena, "+886-%s", rest) : NULL;
  }
  return out;
}

/* The extension's digits after an extension mark (skipping spaces, dots and a colon) into
 * *digits; 0 when they are not digits up to the end (spaces aside). */
static size_t extension_digits(const char *ext, const char **digits)
{
  while (*ext && strchr(" .:", *ext))
    ext++;
  size_t e = 0;
  while (is_digit(ext[e]))
    e++;
  for (const char *q = ext + e; *q; q++)
    if (*q != ' ')
      return 0;
  *digits = ext;
  return e;
}

struct office_phone office_phone(struct http_request *req, const char *stored)
{
  struct office_phone p = {stored ? stored : "", NULL};
  size_t skip = 0, n, e = 0;
  const char *s = p.text, *ext = "";
  while (*s == ' ')
    s++;
  const char *mark = extension_mark(s, &skip);
  n = mark ? (size_t)(mark - s) : strlen(s);
  while (n && s[n - 1] == ' ')
    n--;
  const char *number = tel_digits(req->arena, s, n);
  if (mark) /* an extension we cannot read: shown as stored, the number dialled without it */
    e = extension_digits(mark + skip, &ext);
  if (e) {
    const char *text =
        arena_printf(req->arena, "%.*s %s %.*s", (int)n, s, http_t(req, "phone_ext"), (int)e, ext);
    p.text = text ? text : p.text;
  }
  if (number)
    p.href = e ? arena_printf(req->arena, "tel:%s,%.*s", number, (int)e, ext)
               : arena_printf(req->arena, "tel:%s", number);
  return p;
}

static const char *kind_label(struct http_request *req, const char *kind)
{
  if (kind && strcmp(kind, "land") == 0)
    return http_t(req, "kind_land");
  if (kind && strcmp(kind, "district") == 0)
    return http_t(req, "kind_district");
  return http_t(req, "kind_bureau");
}

/* An office's "web": the web address printed on receipts, [notify] public_url (web_origin)
 * and the office's path. */
struct office_web {
  struct view_lazy lazy;
  struct http_request *req;
  const char *path;
};

static struct view office_web(void *ctx)
{
  struct office_web *w = ctx;
  const char *origin = web_origin(w->req);
  size_t no = origin ? strlen(origin) : 0, np = strlen(w->path);
  char *web = arena_alloc(w->req->arena, no + np + 1);
  if (!web)
    return view_text("");
  if (no)
    memcpy(web, origin, no);
  memcpy(web + no, w->path, np + 1);
  return view_textn(web, no + np);
}

struct view office_dir_tview(struct http_request *req, struct view_builder *b,
                             const struct dir_office *o)
{
  const char *lang = req->lang;
  struct office_phone phone = office_phone(req, o->phone);
  struct view_map *m = view_map_cap(b, 13);
  view_add_text(b, m, "slug", o->slug);
  view_add_text(b, m, "name", directory_pick(o->name_zh, o->name_en, lang));
  view_add_text(b, m, "city", directory_pick(o->city_zh, o->city_en, lang));
  view_add_text(b, m, "kind", o->kind);
  view_add_text(b, m, "kind_label", kind_label(req, o->kind));
  view_add_text(b, m, "address", directory_pick(o->address_zh, o->address_en, lang));
  view_add_text(b, m, "phone", o->phone);
  view_add_text(b, m, "phone_text", phone.text);
  view_add(b, m, "phone_href", phone.href ? view_text(phone.href) : view_null());
  view_add_text(b, m, "email", o->email);
  view_add_text(b, m, "hours", directory_pick(o->hours_zh, o->hours_en, lang));
  const char *href = o->path ? o->path : arena_printf(req->arena, "/o/%s/", o->slug);
  view_add_text(b, m, "href", href ? href : "/");
  /* made only when read: receipts print it, other pages do not (a JSON answer writes it) */
  struct office_web *web = arena_alloc(req->arena, sizeof(*web));
  if (web)
    *web = (struct office_web){{.fn = office_web, .ctx = web}, req, href ? href : "/"};
  view_add(b, m, "web", web ? view_of_lazy(&web->lazy) : view_text(""));
  return view_of_map(m);
}

json_t *office_dir_view(struct http_request *req, const struct dir_office *o)
{
  struct view_builder b = view_builder(req->arena);
  struct view v = office_dir_tview(req, &b, o);
  return view_done(&b) ? NULL : view_to_json(v);
}

int office_of_request(struct http_request *req, struct store *store,
                      const struct dir_office **office)
{
  const struct directory *dir = NULL;
  const char *slug = http_capture(req, "office");
  int rc = slug ? directory_acquire(store, req->arena, &dir) : ST_NOTFOUND;
  if (rc)
    return rc;
  *office = directory_office_by_slug(dir, slug);
  return *office ? ST_OK : ST_NOTFOUND;
}

static json_t *unit_view(struct http_request *req, const struct dir_unit *u)
{
  const char *lang = req->lang;
  struct office_phone phone = office_phone(req, u->phone);
  return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s?, s:s}", "code", u->code, "name",
                   directory_pick(u->name_zh, u->name_en, lang), "floor",
                   directory_pick(u->floor_zh, u->floor_en, lang), "counter", u->counter, "phone",
                   u->phone, "phone_text", phone.text, "phone_href", phone.href, "duties",
                   directory_pick(u->duties_zh, u->duties_en, lang));
}

int office_units_view(struct http_request *req, struct store *store,
                      const struct dir_office *office, json_t **out)
{
  const struct directory *dir = NULL;
  size_t count = 0;
  int rc = directory_acquire(store, req->arena, &dir);
  if (rc)
    return rc;
  const struct dir_unit *units = directory_units(dir, office->id, &count);
  json_t *list = json_array();
  for (size_t i = 0; list && i < count; i++)
    if (json_array_append_new(list, unit_view(req, &units[i]))) {
      json_decref(list);
      list = NULL;
    }
  if (!list)
    return ST_NOMEM;
  *out = list;
  return ST_OK;
}

json_t *office_areas(struct http_request *req, const char *slug, bool land_office)
{
  /* Areas join this list as the features behind them are built. The calculators and parcel
   * lookups are for land offices only. The unit directory is on the office's home page. */
  static const char *const areas[][3] = {
      {"services", "area_services", "area_services_desc"},
      {"progress", "area_progress", "area_progress_desc"},
      {"book", "area_book", "area_book_desc"}, /* booked visits (web/public/booking.c) */
      {"tools", "area_tools", "area_tools_desc"},
      {"faq", "area_faq", "area_faq_desc"},
      {"news", "area_news", "area_news_desc"},
      {"#units", "area_directory", "area_directory_desc"},
      {"petition", "area_petition", "area_petition_desc"},
  };
  json_t *list = json_array();
  for (size_t i = 0; list && i < ARRAY_LEN(areas); i++) {
    if (!land_office && strcmp(areas[i][0], "tools") == 0)
      continue;
    const char *href = arena_printf(req->arena, "/o/%s/%s", slug, areas[i][0]);
    if (json_array_append_new(list, json_pack("{s:s, s:s, s:s}", "href", href ? href : "/", "label",
                                              http_t(req, areas[i][1]), "description",
                                              http_t(req, areas[i][2])))) {
      json_decref(list);
      return NULL;
    }
  }
  return list;
}
