/*
 * tools.c - what the land-office calculators and lookups share (tools.h), the tools index
 * and the area converter.
 */
#include <string.h>

#include "base/civil.h"
#include "base/clock.h"
#include "base/text.h"
#include "domain/directory.h"
#include "domain/land/area.h"
#include "web/app.h"
#include "web/public/office.h"
#include "web/public/tools.h"

#include "base/common.h"

enum { NUMBER_TEXT_MAX = 64 };

struct civil_date tools_today(void)
{
  return civil_taipei(clock_now()).date;
}

int tools_set(json_t *view, const char *key, json_t *value)
{
  return value && json_object_set_new(view, key, value) == 0 ? ST_OK : ST_NOMEM;
}

static json_t *links(struct http_request *req, const char *slug)
{
  struct arena *a = req->arena;
  return json_pack(
      "{s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?}", "index", arena_printf(a, "/o/%s/tools", slug),
      "area", arena_printf(a, "/o/%s/tools/area", slug), "tax",
      arena_printf(a, "/o/%s/tools/tax", slug), "fees", arena_printf(a, "/o/%s/tools/fees", slug),
      "parcels", arena_printf(a, "/o/%s/parcels", slug), "resurvey",
      arena_printf(a, "/o/%s/parcels/resurvey", slug), "address",
      arena_printf(a, "/o/%s/parcels/address", slug));
}

int tools_page(struct http_request *req, const char *title_key, struct store **store,
               const struct dir_office **office, json_t **page)
{
  int rc = web_store(req, store);
  if (!rc)
    rc = office_of_request(req, *store, office);
  if (rc)
    return rc;
  if (strcmp((*office)->kind, "land") != 0)
    return ST_NOTFOUND;
  *page = json_pack("{s:s, s:o, s:o}", "title", http_t(req, title_key), "office",
                    office_dir_view(req, *office), "links", links(req, (*office)->slug));
  return *page ? ST_OK : ST_NOMEM;
}

const char *tools_typed(struct http_request *req, const char *name)
{
  const char *v = http_query(req, name);
  if (!v)
    return NULL;
  struct str s = str_trim(str_from(v));
  const char *copy = arena_strndup(req->arena, s.ptr, s.len);
  return copy ? copy : "";
}

const char *tools_input(struct http_request *req, const char *name)
{
  const char *typed = tools_typed(req, name);
  if (!typed)
    return NULL;
  const char *normal = text_normalize(req->arena, typed, false);
  if (!normal)
    return "";
  struct str s = str_trim(str_from(normal)); /* NFKC turns U+3000 into a space */
  const char *copy = arena_strndup(req->arena, s.ptr, s.len);
  return copy ? copy : "";
}

const char *tools_choice(struct http_request *req, const char *name, const char *fallback)
{
  const char *v = tools_input(req, name);
  return v && *v ? v : fallback;
}

json_t *tools_typed_form(struct http_request *req, const char *const *fields)
{
  json_t *form = json_object();
  for (size_t i = 0; form && fields[i]; i++) {
    const char *typed = tools_typed(req, fields[i]);
    json_object_set_new(form, fields[i], json_string(typed ? typed : ""));
  }
  return form;
}

bool tools_submitted(struct http_request *req, const char *const *names)
{
  for (size_t i = 0; names[i]; i++)
    if (http_query(req, names[i]))
      return true;
  return false;
}

bool tools_prefill(struct http_request *req, json_t *page)
{
  const char *prefill = http_query(req, "prefill");
  if (!prefill || strcmp(prefill, "1") != 0)
    return false;
  /* on the fee page, {<calc>: true}: the note goes in the section the link filled in */
  const char *calc = http_query(req, "calc");
  json_object_set_new(page, "prefilled", calc ? json_pack("{s:b}", calc, 1) : json_true());
  return true;
}

int tools_field_error(struct http_request *req, json_t *view, const char *id,
                      const char *reason_key)
{
  const char *label = http_t(req, arena_printf(req->arena, "tools_label_%s", id));
  const char *message = arena_printf(req->arena, "%s%s%s", label ? label : id,
                                     http_t(req, "tools_error_separator"), http_t(req, reason_key));
  return message ? web_form_error_text(view, id, message) : ST_NOMEM;
}

/* Inserts thousands separators into the integer part of a plain decimal. */
static const char *grouped(struct http_request *req, const char *plain, const char *prefix)
{
  char out[NUMBER_TEXT_MAX * 2];
  size_t n = 0, i = 0, len = strlen(plain);
  bool negative = plain[0] == '-';
  const char *point = strchr(plain, '.');
  size_t int_end = point ? (size_t)(point - plain) : len;
  if (negative)
    out[n++] = plain[i++];
  for (size_t k = 0; prefix[k] && n < sizeof(out) - 1; k++)
    out[n++] = prefix[k];
  for (; i < int_end && n < sizeof(out) - 2; i++) {
    out[n++] = plain[i];
    size_t left = int_end - i - 1;
    if (left > 0 && left % 3 == 0)
      out[n++] = ',';
  }
  for (; i < len && n < sizeof(out) - 1; i++)
    out[n++] = plain[i];
  out[n] = '\0';
  const char *copy = arena_strdup(req->arena, out);
  return copy ? copy : "";
}

const char *tools_number(struct http_request *req, struct rational value, unsigned places)
{
  char plain[RATIONAL_TEXT_MAX];
  if (rational_format(value, places, true, plain, sizeof(plain), NULL))
    return "";
  return grouped(req, plain, "");
}

const char *tools_money(struct http_request *req, struct rational amount)
{
  char plain[RATIONAL_TEXT_MAX];
  if (rational_format(amount, 2, true, plain, sizeof(plain), NULL))
    return "";
  return grouped(req, plain, "NT$");
}

const char *tools_money_int(struct http_request *req, int64_t amount)
{
  return tools_money(req, rational_int(amount));
}

/* ---- the index ---- */

int tools_index(struct http_request *req, struct http_response *res)
{
  struct store *store;
  const struct dir_office *office = NULL;
  json_t *page;
  int rc = tools_page(req, "tools_title", &store, &office, &page);
  if (rc)
    return rc;
  return http_page(res, 200, "public/tools/index", page);
}

/* ---- area conversion ---- */

static json_t *unit_options(struct http_request *req, const char *selected)
{
  json_t *list = json_array();
  for (int u = 0; list && u < LAND_AREA_UNIT_COUNT; u++) {
    const struct land_area_unit_info *info = land_area_unit_info((enum land_area_unit)u);
    const char *label = strcmp(req->lang, "en") == 0 ? info->label_en : info->label_zh;
    json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:b}", "code", info->code, "label",
                                          label, "definition", http_t(req, info->definition_key),
                                          "selected", strcmp(info->code, selected) == 0));
  }
  return list;
}

static json_t *area_result(struct http_request *req, const struct land_area_result *r)
{
  json_t *rows = json_array();
  for (int u = 0; rows && u < LAND_AREA_UNIT_COUNT; u++) {
    const struct land_area_value *v = &r->values[u];
    const struct land_area_unit_info *info = land_area_unit_info(v->unit);
    char exact[RATIONAL_TEXT_MAX];
    if (rational_text(v->exact, exact, sizeof(exact)))
      exact[0] = '\0';
    json_array_append_new(
        rows, json_pack("{s:s, s:s, s:s, s:s, s:b, s:b}", "code", info->code, "label",
                        strcmp(req->lang, "en") == 0 ? info->label_en : info->label_zh, "display",
                        tools_number(req, v->exact, LAND_AREA_DISPLAY_PLACES), "exact", exact,
                        "rounded", v->rounded, "is_from", u == (int)r->from));
  }
  return json_pack("{s:o, s:o}", "rows", rows, "data", land_area_to_json(r));
}

int tools_finish(struct http_response *res, int rc, int status, const char *template_name,
                 json_t *page)
{
  if (rc) {
    json_decref(page);
    return rc;
  }
  return http_page(res, status, template_name, page);
}

int tools_area(struct http_request *req, struct http_response *res)
{
  static const char *const names[] = {"value", "unit", NULL};
  static const char template_name[] = "public/tools/area";
  struct store *store;
  const struct dir_office *office = NULL;
  json_t *page;
  struct land_area_result result;
  int rc = tools_page(req, "tools_area_title", &store, &office, &page);
  if (rc)
    return rc;
  const char *unit = tools_input(req, "unit"), *typed = tools_typed(req, "value");
  rc = tools_set(page, "form", json_pack("{s:s}", "value", typed ? typed : ""));
  if (!rc)
    rc = tools_set(page, "units", unit_options(req, unit ? unit : "m2"));
  if (rc || !tools_submitted(req, names))
    return tools_finish(res, rc, 200, template_name, page);
  if (land_area_convert_code(tools_input(req, "value"), unit ? unit : "", &result)) {
    rc = tools_field_error(req, page, result.error.field ? result.error.field : "value",
                           land_err_key(result.error.reason));
    return tools_finish(res, rc, 400, template_name, page);
  }
  rc = tools_set(page, "result", area_result(req, &result));
  return tools_finish(res, rc, 200, template_name, page);
}
