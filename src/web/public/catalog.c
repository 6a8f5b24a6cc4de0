/*
 * catalog.c - the service catalogue of an office: the list by unit (filtered by topic), the
 * "check before you go" page of one service, its QR code and its form downloads.
 */
#include <stdlib.h>
#include <string.h>

#include "domain/catalog.h"
#include "render/format.h"
#include "domain/directory.h"
#include "domain/service_page.h"
#include "web/app.h"
#include "web/public/catalog.h"

#include "base/common.h"

#define FILE_NAME_MAX 200
#define KIB           1024

static bool in_topics(const char *topic)
{
  for (size_t i = 0; i < catalog_topic_count; i++)
    if (strcmp(topic, catalog_topics[i]) == 0)
      return true;
  return false;
}

static json_t *service_summary(struct http_request *req, const char *slug,
                               const struct dir_service *service)
{
  const char *href = arena_printf(req->arena, "/o/%s/services/%s", slug, service->slug);
  return json_pack(
      "{s:s, s:s, s:s, s:s}", "name", directory_pick(service->name_zh, service->name_en, req->lang),
      "summary", web_field((json_t *)service->record, "summary", req->lang), "href",
      href ? href : "", "time_limit", catalog_time_limit(req, service->time_limit_minutes));
}

/* The group for a unit code, created (in unit order) on first use. */
static json_t *unit_group(struct http_request *req, json_t *groups, const struct dir_unit *units,
                          size_t unit_count, const char *code)
{
  size_t i;
  json_t *group;
  json_array_foreach(groups, i, group)
  {
    if (strcmp(web_str(group, "code"), code) == 0)
      return group;
  }
  const char *name = http_t(req, "services_other_unit");
  for (i = 0; i < unit_count; i++)
    if (strcmp(units[i].code, code) == 0)
      name = directory_pick(units[i].name_zh, units[i].name_en, req->lang);
  group = json_pack("{s:s, s:s, s:[]}", "code", code, "name", name, "services");
  json_array_append_new(groups, group);
  return group;
}

static json_t *topic_links(struct http_request *req, const char *slug, const char *current)
{
  json_t *topics = json_array();
  const char *all = arena_printf(req->arena, "/o/%s/services", slug);
  json_array_append_new(topics, json_pack("{s:s, s:s, s:b}", "label", http_t(req, "services_all"),
                                          "href", all ? all : "", "current", !*current));
  for (size_t i = 0; i < catalog_topic_count; i++) {
    const char *href = arena_printf(req->arena, "/o/%s/services?topic=%s", slug, catalog_topics[i]);
    json_array_append_new(topics, json_pack("{s:s, s:s, s:s, s:b}", "code", catalog_topics[i],
                                            "label", catalog_topic_label(req, catalog_topics[i]),
                                            "href", href ? href : "", "current",
                                            strcmp(current, catalog_topics[i]) == 0));
  }
  return topics;
}

/* Keeps only the topic links that have published services (and "all"). */
static void drop_empty_topics(json_t *topics, const struct dir_service *services, size_t count)
{
  for (size_t i = json_array_size(topics); i-- > 1;) {
    const char *code = web_str(json_array_get(topics, i), "code");
    bool used = false;
    for (size_t k = 0; k < count; k++)
      used |= services[k].published &&
              strcmp(web_str((json_t *)services[k].record, "topic"), code) == 0;
    if (!used)
      json_array_remove(topics, i);
  }
}

/* The office's published services by unit, from the directory (no query). */
static int services_view(struct http_request *req, struct office_ctx *o, const char *topic,
                         json_t **out)
{
  const struct directory *dir = NULL;
  size_t count = 0, unit_count = 0;
  int rc = directory_acquire(o->store, req->arena, &dir);
  if (rc)
    return rc;
  const struct dir_service *services = directory_services(dir, o->id, &count);
  const struct dir_unit *units = directory_units(dir, o->id, &unit_count);
  json_t *groups = json_array();
  for (size_t i = 0; i < count; i++) {
    json_t *record = (json_t *)services[i].record; /* read only */
    if (!services[i].published || (*topic && strcmp(web_str(record, "topic"), topic) != 0))
      continue;
    json_t *group = unit_group(req, groups, units, unit_count, web_str(record, "unit"));
    json_array_append_new(json_object_get(group, "services"),
                          service_summary(req, o->slug, &services[i]));
  }
  json_t *topics = topic_links(req, o->slug, topic);
  drop_empty_topics(topics, services, count);
  *out = json_pack("{s:s, s:O, s:o, s:o, s:s, s:b}", "title", http_t(req, "services_heading"),
                   "office", o->view, "groups", groups, "topics", topics, "topic_label",
                   *topic ? catalog_topic_label(req, topic) : "", "empty",
                   json_array_size(groups) == 0);
  return *out ? ST_OK : ST_NOMEM;
}

int catalog_services(struct http_request *req, struct http_response *res)
{
  struct office_ctx o = {0};
  json_t *view = NULL;
  const char *topic = http_query(req, "topic");
  topic = topic ? topic : "";
  if (*topic && !in_topics(topic))
    return http_error(res, 400, "services_bad_topic");
  int rc = office_ctx_open(req, &o);
  if (!rc)
    rc = services_view(req, &o, topic, &view);
  office_ctx_close(&o);
  return rc ? rc : http_page(res, 200, "public/services", view);
}

static const char *size_text(struct http_request *req, int64_t bytes)
{
  const char *text = bytes < KIB
                         ? arena_printf(req->arena, "%lld B", (long long)bytes)
                         : arena_printf(req->arena, "%lld KB", (long long)(bytes + KIB - 1) / KIB);
  return text ? text : "";
}

static json_t *form_view(struct http_request *req, const char *slug,
                         const struct service_form *form)
{
  const char *href = arena_printf(req->arena, "/o/%s/files/%s", slug, form->sha256);
  const char *format = strcmp(form->format, "odt") == 0 ? "ODT" : "PDF";
  return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "title",
                   directory_pick(form->title_zh, form->title_en, req->lang), "href",
                   href ? href : "", "format", format, "size", size_text(req, form->size), "name",
                   form->name, "kind", form->kind);
}

/* Splits the service's form links into blank forms and filled-in examples. */
static void forms_view(struct http_request *req, struct office_ctx *o,
                       const struct service_page *page, json_t *view)
{
  json_t *blank = json_array(), *examples = json_array();
  for (size_t i = 0; i < page->form_count; i++) {
    const struct service_form *form = &page->forms[i];
    json_t *list = strcmp(form->kind, "example") == 0 ? examples : blank;
    json_array_append_new(list, form_view(req, o->slug, form));
  }
  json_object_set_new(view, "forms", blank);
  json_object_set_new(view, "examples", examples);
}

static json_t *channels_view(struct http_request *req, json_t *service)
{
  static const char *const channels[] = {"channel_counter", "channel_online", "channel_mail"};
  json_t *list = json_array();
  for (size_t i = 0; i < ARRAY_LEN(channels); i++)
    if (json_is_true(json_object_get(service, channels[i])))
      json_array_append_new(list, json_pack("{s:s, s:s}", "code", channels[i] + 8, "label",
                                            http_t(req, channels[i])));
  return list;
}

static const char *fee_amount_text(struct http_request *req, json_t *service)
{
  json_t *amount = json_object_get(service, "fee_amount");
  char money[32];
  if (!json_is_integer(amount))
    return "";
  if (json_integer_value(amount) == 0)
    return http_t(req, "service_free");
  if (format_money(json_integer_value(amount), money, sizeof(money)))
    return "";
  const char *text = arena_strdup(req->arena, money);
  return text ? text : "";
}

static json_t *list_field(json_t *service, const char *field, const char *lang)
{
  char key[64];
  snprintf(key, sizeof(key), "%s_%s", field, strcmp(lang, "en") == 0 ? "en" : "zh");
  json_t *list = json_object_get(service, key);
  if (json_array_size(list) == 0 && strcmp(lang, "en") == 0) {
    snprintf(key, sizeof(key), "%s_zh", field);
    list = json_object_get(service, key);
  }
  return json_is_array(list) ? json_incref(list) : json_array();
}

/* The service's place: unit name, where, floor, counter, hours. */
static json_t *place_view(struct http_request *req, const struct service_page *page,
                          json_t *service)
{
  const char *unit_name =
      page->unit ? directory_pick(page->unit->name_zh, page->unit->name_en, req->lang) : "";
  return json_pack("{s:s, s:s, s:s, s:s, s:o}", "unit", unit_name, "where",
                   web_field(service, "where", req->lang), "floor",
                   web_field(service, "floor", req->lang), "counter", web_str(service, "counter"),
                   "hours", catalog_paragraphs(web_field(service, "hours", req->lang)));
}

/* The service's catalogue record (JSON by nature, read only) as the page shows it. */
static json_t *service_view(struct http_request *req, struct office_ctx *o,
                            const struct service_page *page)
{
  json_t *service = (json_t *)page->service->record;
  const char *lang = req->lang;
  const char *href =
      arena_printf(req->arena, "/o/%s/services/%s", o->slug, web_str(service, "slug"));
  int64_t minutes = json_integer_value(json_object_get(service, "time_limit_minutes"));
  const char *topic = web_str(service, "topic");
  const char *topic_href = arena_printf(req->arena, "/o/%s/services?topic=%s", o->slug, topic);
  return json_pack(
      "{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:s, s:s, s:b, s:o, s:o, s:s, s:b, s:s, s:s, s:s, "
      "s:s, s:s}",
      "slug", web_str(service, "slug"), "name", web_field(service, "name", lang), "summary",
      catalog_paragraphs(web_field(service, "summary", lang)), "eligibility",
      catalog_paragraphs(web_field(service, "eligibility", lang)), "steps",
      list_field(service, "steps", lang), "documents", list_field(service, "documents", lang),
      "fee", catalog_paragraphs(web_field(service, "fee", lang)), "fee_amount",
      fee_amount_text(req, service), "time_limit", catalog_time_limit(req, minutes), "on_the_spot",
      minutes == 0, "place", place_view(req, page, service), "channels",
      channels_view(req, service), "online_url", web_str(service, "online_url"), "has_topic",
      *topic != '\0', "topic_label", catalog_topic_label(req, topic), "topic_href",
      topic_href ? topic_href : "", "updated", catalog_updated(req, web_str(service, "updated_at")),
      "href", href ? href : "", "qr_src", href ? arena_printf(req->arena, "%s/qr.svg", href) : "");
}

int catalog_service(struct http_request *req, struct http_response *res)
{
  struct office_ctx o = {0};
  struct service_page sp;
  json_t *view = NULL;
  int rc = office_ctx_open(req, &o);
  if (!rc)
    rc = service_page_read(o.store, req->arena, o.id, http_capture(req, "slug"), true, &sp);
  if (!rc && !(view = service_view(req, &o, &sp)))
    rc = ST_NOMEM;
  if (!rc)
    forms_view(req, &o, &sp, view);
  /* services that can be applied for here (domain/apply.h) link to the journey */
  if (!rc && sp.applicable_online &&
      json_object_set_new(
          view, "apply_href",
          json_string(arena_printf(req->arena, "/o/%s/apply/%s", o.slug, sp.service->slug))))
    rc = ST_NOMEM;
  static const char *const lists[] = {"eligibility", "documents", "steps", "forms", "examples"};
  if (!rc)
    catalog_add_has(view, lists, ARRAY_LEN(lists));
  json_t *page = rc ? NULL
                    : json_pack("{s:s, s:O, s:o}", "title", web_str(view, "name"), "office", o.view,
                                "service", view);
  if (rc)
    json_decref(view);
  office_ctx_close(&o);
  return rc ? rc : http_page(res, 200, "public/service", page);
}

int catalog_service_qr(struct http_request *req, struct http_response *res)
{
  struct office_ctx o = {0};
  struct service_page sp;
  int rc = office_ctx_open(req, &o);
  if (!rc)
    rc = service_page_read(o.store, req->arena, o.id, http_capture(req, "slug"), false, &sp);
  const char *path =
      rc ? NULL : arena_printf(req->arena, "/o/%s/services/%s", o.slug, sp.service->slug);
  office_ctx_close(&o);
  if (rc)
    return rc;
  return path ? catalog_qr_response(req, res, path) : ST_NOMEM;
}

/* filename="ascii fallback"; filename*=UTF-8''percent-encoded (RFC 6266, RFC 5987). */
static const char *content_disposition(struct http_request *req, const char *name)
{
  char ascii[FILE_NAME_MAX + 1];
  size_t n = 0;
  for (const char *p = name; *p && n < FILE_NAME_MAX; p++) {
    unsigned char c = (unsigned char)*p;
    bool plain = c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != ';';
    if (plain || (c & 0xC0) != 0x80)
      ascii[n++] = plain ? (char)c : '_';
  }
  ascii[n] = '\0';
  const char *encoded = http_url_encode(req->arena, name);
  return arena_printf(req->arena, "attachment; filename=\"%s\"; filename*=UTF-8''%s", ascii,
                      encoded ? encoded : "");
}

int catalog_file(struct http_request *req, struct http_response *res)
{
  struct office_ctx o = {0};
  struct service_form_file file = {0};
  int rc = office_ctx_open(req, &o);
  if (!rc)
    rc = service_form_file_read(o.store, req->arena, o.id, http_capture(req, "sha256"), &file);
  office_ctx_close(&o);
  const char *disposition = rc ? NULL : content_disposition(req, file.name);
  if (!rc && !disposition)
    rc = ST_NOMEM;
  if (!rc)
    rc = http_raw(res, 200, file.mime, file.bytes, file.len);
  free(file.bytes);
  if (!rc)
    rc = http_header_add(res, "Content-Disposition", disposition);
  if (!rc)
    rc = http_header_add(res, "Cache-Control", "public, max-age=3600");
  return rc;
}
