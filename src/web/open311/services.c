/*
 * services.c - Open311 service discovery, the service list and service definitions. The
 * services are the office's published, online-capable ones; a service's definition is its
 * application form (domain/form.h), whose datatypes are Open311's. Offices and services come
 * from the directory (domain/directory.h): these answers read no table.
 */
#include <string.h>

#include "domain/directory.h"
#include "domain/form.h"
#include "web/app.h"
#include "web/open311/open311.h"

#include "base/common.h"

/* When this interface last changed (discovery's changeset). */
#define CHANGESET "2026-11-23T00:00:00+08:00"
#define SPEC_URL  "http://wiki.open311.org/GeoReport_v2"

static json_t *endpoint(struct http_request *req, const char *base)
{
  return json_pack("{s:s, s:s, s:s, s:s, s:[s, s]}", "specification", SPEC_URL, "url",
                   arena_printf(req->arena, "%s%s", web_origin(req), base), "changeset", CHANGESET,
                   "type", "production", "formats", "text/xml", "application/json");
}

/* The shared base and each office's own base (or, on an office's base, that one and the
 * shared one): always at least two endpoints, which some validators need. */
int o311_discovery(struct o311_ctx *ctx)
{
  struct http_request *req = ctx->req;
  const struct directory *dir = NULL;
  size_t count = 0;
  int rc = directory_acquire(ctx->store, req->arena, &dir);
  if (rc)
    return rc;
  const struct dir_office *offices = directory_offices(dir, &count);
  json_t *list = json_array();
  json_array_append_new(list, endpoint(req, ctx->base));
  for (size_t i = 0; i < count; i++) {
    const char *slug = offices[i].slug;
    const char *own = arena_printf(req->arena, "/o/%s/open311/v2/", slug);
    if (strcmp(own, ctx->base) != 0 && (!ctx->scoped || !strcmp(slug, ctx->scoped)))
      json_array_append_new(list, endpoint(req, own));
  }
  if (ctx->scoped)
    json_array_append_new(list, endpoint(req, "/open311/v2/"));
  const char *contact = http_t(req, "open311_contact");
  return o311_send(ctx, 200, "discovery",
                   json_pack("{s:s, s:s, s:s, s:o}", "changeset", CHANGESET, "contact", contact,
                             "key_service", http_t(req, "open311_key_service"), "endpoints", list));
}

/* Offered through Open311: published and applicable online. */
static bool offered(const struct dir_service *service)
{
  return service->published && service->online_capable;
}

/* metadata: the form has at least one question to answer. */
static bool has_questions(json_t *questions)
{
  size_t i;
  json_t *q;
  json_array_foreach(questions, i, q)
  {
    json_t *variable = json_object_get(q, "variable");
    if (!variable || json_is_true(variable))
      return true;
  }
  return false;
}

static const char *topic_label(struct http_request *req, const char *topic)
{
  char *key = arena_printf(req->arena, "topic_%s", topic);
  for (char *p = key; *p; p++)
    if (*p == '-')
      *p = '_';
  return *topic ? http_t(req, key) : "";
}

/* The service's catalogue record is JSON by nature (topic, summary, the form's questions). */
static json_t *service_entry(struct http_request *req, const struct dir_service *service)
{
  json_t *s = (json_t *)service->record; /* read only */
  const char *topic = web_str(s, "topic");
  return json_pack("{s:s, s:s, s:s, s:b, s:s, s:s, s:s}", "service_code", service->slug,
                   "service_name", directory_pick(service->name_zh, service->name_en, req->lang),
                   "description", web_field(s, "summary", req->lang), "metadata",
                   has_questions(json_object_get(s, "questions")), "type", "realtime", "keywords",
                   topic, "group", topic_label(req, topic));
}

int o311_services(struct o311_ctx *ctx)
{
  const struct directory *dir = NULL;
  size_t count = 0;
  int rc = directory_acquire(ctx->store, ctx->req->arena, &dir);
  if (rc)
    return rc;
  const struct dir_service *services = directory_services(dir, ctx->office_id, &count);
  json_t *list = json_array();
  for (size_t i = 0; i < count; i++)
    if (offered(&services[i]))
      json_array_append_new(list, service_entry(ctx->req, &services[i]));
  return o311_send(ctx, 200, "services", list);
}

static json_t *values_of(struct http_request *req, json_t *q)
{
  json_t *list = json_array(), *v;
  size_t i;
  json_array_foreach(json_object_get(q, "values"), i, v)
      json_array_append_new(list, json_pack("{s:s, s:s}", "key", web_str(v, "key"), "name",
                                            form_label(v, "name", req->lang)));
  return list;
}

static json_t *attribute(struct http_request *req, json_t *q)
{
  const char *datatype = web_str(q, "datatype");
  json_t *a = json_pack(
      "{s:b, s:s, s:s, s:b, s:s, s:I, s:s}", "variable",
      json_is_true(json_object_get(q, "variable")), "code", web_str(q, "code"), "datatype",
      datatype, "required", json_is_true(json_object_get(q, "required")), "datatype_description",
      form_label(q, "hint", req->lang), "order", json_integer_value(json_object_get(q, "order")),
      "description", form_label(q, "label", req->lang));
  if (a && strstr(datatype, "valuelist"))
    json_object_set_new(a, "values", values_of(req, q));
  return a;
}

json_t *o311_attributes(struct http_request *req, json_t *questions)
{
  json_t *normal = form_normalise(questions), *list = json_array(), *q;
  size_t i;
  json_array_foreach(normal, i, q) json_array_append_new(list, attribute(req, q));
  json_decref(normal);
  return list;
}

int o311_service_definition(struct o311_ctx *ctx, const char *code)
{
  const struct directory *dir = NULL;
  int rc = directory_acquire(ctx->store, ctx->req->arena, &dir);
  if (rc)
    return rc;
  const struct dir_service *s = directory_service_by_slug(dir, ctx->office_id, code);
  if (!s || !offered(s))
    return o311_error(ctx, 404, "open311_err_service_unknown", NULL);
  json_t *doc = json_pack("{s:s, s:o}", "service_code", s->slug, "attributes",
                          o311_attributes(ctx->req, json_object_get(s->record, "questions")));
  return o311_send(ctx, 200, "service_definition", doc);
}
