/*
 * format.c - Open311's two formats from one document: JSON as GeoReport v2's Spark mapping
 * (lists are arrays, the wrapper element disappears) and XML written with libxml2's
 * xmlTextWriter (it escapes text and writes the declaration), so no markup is built by hand.
 */
#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/open311/open311.h"

#include "base/common.h"

#define XML_TYPE        "text/xml; charset=utf-8"
#define JSON_TYPE       "application/json; charset=utf-8"
#define XML_DECLARATION "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"

/* The element of one item of an array called name. */
static const char *item_name(const char *name)
{
  static const char *const map[][2] = {
      {"services", "service"},     {"service_requests", "request"},
      {"attributes", "attribute"}, {"values", "value"},
      {"endpoints", "endpoint"},   {"formats", "format"},
      {"notes", "note"},           {"errors", "error"},
      {"groups", "group"},
  };
  for (size_t i = 0; i < ARRAY_LEN(map); i++)
    if (!strcmp(map[i][0], name))
      return map[i][1];
  return "item";
}

static int write_value(xmlTextWriterPtr w, const char *name, json_t *v);

static int write_children(xmlTextWriterPtr w, const char *name, json_t *v)
{
  int rc = 0;
  if (json_is_array(v)) {
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item) if (rc >= 0) rc = write_value(w, item_name(name), item);
    return rc;
  }
  const char *key;
  json_t *field;
  json_object_foreach(v, key, field) if (rc >= 0) rc = write_value(w, key, field);
  return rc;
}

static int write_scalar(xmlTextWriterPtr w, json_t *v)
{
  char number[32];
  const char *text = "";
  if (json_is_string(v))
    text = json_string_value(v);
  else if (json_is_true(v))
    text = "true";
  else if (json_is_false(v))
    text = "false";
  else if (json_is_integer(v)) {
    snprintf(number, sizeof(number), "%lld", (long long)json_integer_value(v));
    text = number;
  } else if (json_is_real(v)) {
    snprintf(number, sizeof(number), "%.7f", json_real_value(v));
    text = number;
  }
  return *text ? xmlTextWriterWriteString(w, BAD_CAST text) : 0;
}

/* One element: objects and arrays nest, null is an empty element. */
static int write_value(xmlTextWriterPtr w, const char *name, json_t *v)
{
  int rc = xmlTextWriterStartElement(w, BAD_CAST name);
  if (rc >= 0)
    rc = json_is_object(v) || json_is_array(v) ? write_children(w, name, v) : write_scalar(w, v);
  if (rc >= 0)
    rc = xmlTextWriterEndElement(w);
  return rc;
}

static int send_xml(struct o311_ctx *ctx, int status, const char *root, json_t *doc)
{
  xmlBufferPtr buf = xmlBufferCreate();
  xmlTextWriterPtr w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
  /* The declaration exactly as GeoReport v2 shows it (libxml2 would write "UTF-8"). */
  int rc = w ? xmlTextWriterWriteRaw(w, BAD_CAST XML_DECLARATION) : -1;
  if (rc >= 0)
    rc = write_value(w, root, doc);
  if (rc >= 0)
    rc = xmlTextWriterFlush(w);
  if (w)
    xmlFreeTextWriter(w); /* flushes into buf */
  int st = rc < 0 || !buf ? ST_NOMEM
                          : http_raw(ctx->res, status, XML_TYPE, xmlBufferContent(buf),
                                     (size_t)xmlBufferLength(buf));
  if (buf)
    xmlBufferFree(buf);
  return st;
}

int o311_send(struct o311_ctx *ctx, int status, const char *root, json_t *doc)
{
  if (!doc)
    return ST_NOMEM;
  int rc;
  if (ctx->format == O311_XML) {
    rc = send_xml(ctx, status, root, doc);
  } else {
    char *text = json_dumps(doc, JSON_COMPACT | JSON_ENCODE_ANY);
    rc = text ? http_raw(ctx->res, status, JSON_TYPE, text, strlen(text)) : ST_NOMEM;
    free(text);
  }
  json_decref(doc);
  if (!rc) /* descriptions and labels follow the request's language */
    rc = http_header_add(ctx->res, "Vary", "Accept-Language, Cookie");
  return rc;
}

const char *o311_refusal_text(struct http_request *req, const struct open311_refusal *why)
{
  const char *key = why->key ? why->key : "open311_err_general";
  /* form.h's refusal keys have Open311 wordings of their own ("copies required"). */
  if (!strncmp(key, "form_err_", 9))
    key = arena_printf(req->arena, "open311_%s", key);
  const char *text = http_t(req, key);
  if (!*why->attribute)
    return text;
  return arena_printf(req->arena, "%s%s%s", why->attribute, strcmp(req->lang, "en") ? "：" : " ",
                      text);
}

int o311_error(struct o311_ctx *ctx, int status, const char *key, const char *attribute)
{
  struct open311_refusal why = {status, key, ""};
  snprintf(why.attribute, sizeof(why.attribute), "%s", attribute ? attribute : "");
  const char *text = o311_refusal_text(ctx->req, &why);
  return o311_send(ctx, status, "errors",
                   json_pack("[{s:i, s:s}]", "code", status, "description", text));
}

const char *o311_param(struct http_request *req, const char *name)
{
  const char *v = http_form(req, name);
  if (!v || !*v)
    v = http_query(req, name);
  return v && *v ? v : NULL;
}

json_t *o311_time(int64_t t)
{
  char out[OPEN311_DATETIME_SIZE];
  if (t <= 0)
    return json_null();
  open311_datetime(t, out);
  return json_string(out);
}
