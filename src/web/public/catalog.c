/*
 * catalog.c - the service catalogue of an office: the list by unit (filtered by topic), the
 * "check before you go" page of one service, its QR code and its form downloads.
 */
#include <stdlib.h>
#include <string.h>

#include "domain/cases.h"
#include "domain/catalog.h"
#include "render/format.h"
#include "domain/directory.h"
#include "domain/service_page.h"
#include "web/app.h"
#include "web/public/catalog.h"
#include "web/public/office.h"

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
      "summary", directory_pick(service->info.summary_zh, service->info.summary_en, req->lang),
      "href", href ? href : "", "time_limit", catalog_time_limit(req, service->time_limit_minutes));
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
      used |= services[k].published && strcmp(services[k].info.topic, code) == 0;
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
    const struct dir_service_info *info = &services[i].info;
    if (!services[i].published || (*topic && strcmp(info->topic, topic) != 0))
      continue;
    json_t *group = unit_group(req, groups, units, unit_count, info->unit_code);
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

static struct view form_view(struct http_request *req, struct view_builder *b, const char *slug,
                             const struct dir_form *form)
{
  const char *href = arena_printf(req->arena, "/o/%s/files/%s", slug, form->sha256);
  struct view_map *m = view_map(b);
  view_add_text(b, m, "title", directory_pick(form->title_zh, form->title_en, req->lang));
  view_add_text(b, m, "href", href);
  view_add_text(b, m, "format", strcmp(form->format, "odt") == 0 ? "ODT" : "PDF");
  view_add_text(b, m, "size", size_text(req, form->size));
  view_add_text(b, m, "name", form->name);
  view_add_text(b, m, "kind", form->kind);
  return view_of_map(m);
}

/* Splits the service's form links into blank forms and filled-in examples. */
static void forms_view(struct http_request *req, struct view_builder *b, const char *slug,
                       const struct service_page *page, struct view_map *view)
{
  struct view_list *blank = view_list(b), *examples = view_list(b);
  for (size_t i = 0; i < page->form_count; i++) {
    const struct dir_form *form = &page->forms[i];
    view_push(b, strcmp(form->kind, "example") == 0 ? examples : blank,
              form_view(req, b, slug, form));
  }
  view_add(b, view, "forms", view_of_list(blank));
  view_add(b, view, "examples", view_of_list(examples));
  view_add_bool(b, view, "has_forms", blank && blank->count > 0);
  view_add_bool(b, view, "has_examples", examples && examples->count > 0);
}

static struct view channels_view(struct http_request *req, struct view_builder *b,
                                 const struct dir_service_info *info)
{
  static const char *const channels[] = {"channel_counter", "channel_online", "channel_mail"};
  const bool offered[] = {info->channel_counter, info->channel_online, info->channel_mail};
  struct view_list *list = view_list(b);
  for (size_t i = 0; i < ARRAY_LEN(channels); i++)
    if (offered[i]) {
      struct view_map *c = view_map(b);
      view_add_text(b, c, "code", channels[i] + 8);
      view_add_text(b, c, "label", http_t(req, channels[i]));
      view_push(b, list, view_of_map(c));
    }
  return view_of_list(list);
}

static const char *fee_amount_text(struct http_request *req, const struct dir_service *service)
{
  char money[32];
  if (!service->has_fee_amount)
    return "";
  if (service->fee_amount == 0)
    return http_t(req, "service_free");
  if (format_money(service->fee_amount, money, sizeof(money)))
    return "";
  const char *text = arena_strdup(req->arena, money);
  return text ? text : "";
}

/* A list field as the view's key and its has_ flag. */
static void add_list(struct view_builder *b, struct view_map *m, const char *key,
                     const char *has_key, struct view list)
{
  view_add(b, m, key, list);
  view_add_bool(b, m, has_key, view_count(list) > 0);
}

/* The service's place: unit name, where, floor, counter, hours. */
static struct view place_view(struct http_request *req, struct view_builder *b,
                              const struct service_page *page)
{
  const struct dir_service_info *info = &page->service->info;
  const char *lang = req->lang;
  struct view_map *m = view_map(b);
  view_add_text(b, m, "unit",
                page->unit ? directory_pick(page->unit->name_zh, page->unit->name_en, lang) : "");
  view_add_text(b, m, "where", directory_pick(info->where_zh, info->where_en, lang));
  view_add_text(b, m, "floor", directory_pick(info->floor_zh, info->floor_en, lang));
  view_add_text(b, m, "counter", info->counter);
  view_add(b, m, "hours",
           catalog_paragraphs_view(b, directory_pick(info->hours_zh, info->hours_en, lang)));
  return view_of_map(m);
}

/* The service's catalogue record, typed by the directory, as the page shows it. */
static struct view_map *service_view(struct http_request *req, struct view_builder *b,
                                     const char *office_slug, const struct service_page *page)
{
  const struct dir_service *service = page->service;
  const struct dir_service_info *info = &service->info;
  const char *lang = req->lang, *slug = service->slug, *topic = info->topic;
  const char *href = arena_printf(req->arena, "/o/%s/services/%s", office_slug, slug);
  int64_t minutes = service->time_limit_minutes;
  struct view_map *m = view_map(b);
  view_add_text(b, m, "slug", slug);
  view_add_text(b, m, "name", directory_pick(service->name_zh, service->name_en, lang));
  view_add(b, m, "summary",
           catalog_paragraphs_view(b, directory_pick(info->summary_zh, info->summary_en, lang)));
  add_list(
      b, m, "eligibility", "has_eligibility",
      catalog_paragraphs_view(b, directory_pick(info->eligibility_zh, info->eligibility_en, lang)));
  add_list(b, m, "steps", "has_steps",
           catalog_lines_view(b, &info->steps_zh, &info->steps_en, lang));
  add_list(b, m, "documents", "has_documents",
           catalog_lines_view(b, &info->documents_zh, &info->documents_en, lang));
  view_add(b, m, "fee",
           catalog_paragraphs_view(b, directory_pick(service->fee_zh, service->fee_en, lang)));
  view_add_text(b, m, "fee_amount", fee_amount_text(req, service));
  view_add_text(b, m, "time_limit", catalog_time_limit(req, minutes));
  view_add_bool(b, m, "on_the_spot", minutes == 0);
  /* 即時 is done while the applicant waits at the counter: what a case arriving online or by
   * post gets instead (DOMAIN.md, as the case's deadline counts it) */
  if (minutes == 0 && (info->channel_online || info->channel_mail || page->applicable_online))
    view_add_text(
        b, m, "remote_time_limit",
        catalog_time_limit(req, case_time_limit_for(0, info->remote_instant_minutes, "online")));
  view_add(b, m, "place", place_view(req, b, page));
  view_add(b, m, "channels", channels_view(req, b, info));
  view_add_text(b, m, "online_url", info->online_url);
  view_add_bool(b, m, "has_topic", *topic != '\0');
  view_add_text(b, m, "topic_label", catalog_topic_label(req, topic));
  view_add_text(b, m, "topic_href",
                arena_printf(req->arena, "/o/%s/services?topic=%s", office_slug, topic));
  view_add_text(b, m, "updated", catalog_updated(req, info->updated_at));
  view_add_text(b, m, "href", href);
  view_add_text(b, m, "qr_src", href ? arena_printf(req->arena, "%s/qr.svg", href) : "");
  return m;
}

int catalog_service(struct http_request *req, struct http_response *res)
{
  struct store *store = NULL;
  const struct dir_office *office = NULL;
  struct service_page sp;
  int rc = web_store(req, &store);
  if (!rc)
    rc = office_of_request(req, store, &office);
  if (!rc)
    rc = service_page_read(store, req->arena, office->id, http_capture(req, "slug"), true, &sp);
  if (rc)
    return rc;
  struct view_builder b = view_builder(req->arena);
  struct view_map *view = service_view(req, &b, office->slug, &sp);
  forms_view(req, &b, office->slug, &sp, view);
  /* services that can be applied for here (domain/apply.h) link to the journey */
  if (sp.applicable_online)
    view_add_text(&b, view, "apply_href",
                  arena_printf(req->arena, "/o/%s/apply/%s", office->slug, sp.service->slug));
  /* a land office's service with a fee schedule links to its calculator (issue 17) */
  if (strcmp(office->kind, "land") == 0 && sp.service->info.has_fee_schedule)
    view_add_text(&b, view, "fee_calculator_href",
                  arena_printf(req->arena, "/o/%s/tools/fees?service=%s#by-service", office->slug,
                               sp.service->slug));
  struct view_map *page = view_map(&b);
  view_add(&b, page, "title", view_get(view_of_map(view), "name", 4));
  view_add(&b, page, "office", office_dir_tview(req, &b, office));
  view_add(&b, page, "service", view_of_map(view));
  return view_done(&b) ? ST_NOMEM : http_page_view(res, 200, "public/service", view_of_map(page));
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
