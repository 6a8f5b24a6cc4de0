/*
 * parcels.c - public parcel lookups of a land office (domain/land/parcels.h): by section and
 * parcel number (values by year, area, previous transfer; links that carry the values into
 * the calculators), old -> new number after a resurvey, and house address -> parcels.
 * A lookup that finds nothing answers 200 with "found": false and a polite message; input
 * that cannot be a section, number or address answers 400 naming the field.
 */
#include <string.h>

#include "base/civil.h"
#include "base/text.h"
#include "domain/directory.h"
#include "domain/land/parcels.h"
#include "render/format.h"
#include "web/app.h"
#include "web/public/tools.h"

#include "base/common.h"

enum { ADDRESS_RESULTS_MAX = 50 };

/* The localised name of a record's section ("section_name_zh"/"_en", or "name_zh"/"_en"). */
static const char *section_name(struct http_request *req, json_t *record, const char *field)
{
  return web_field(record, field, req->lang);
}

static const char *display_number(struct http_request *req, const char *stored)
{
  char out[PARCEL_NUMBER_DISPLAY_SIZE];
  parcel_number_display(stored, out);
  const char *copy = arena_strdup(req->arena, out);
  return copy ? copy : "";
}

/* Options of a section select; localised: names in name_zh/name_en (else in "name"). */
static json_t *section_options(struct http_request *req, json_t *sections, const char *selected,
                               bool localised)
{
  json_t *list = json_array(), *s;
  size_t i;
  json_array_foreach(sections, i, s)
  {
    const char *code = web_str(s, "code");
    const char *name = localised ? section_name(req, s, "name") : web_str(s, "name");
    json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "code", code, "name", name, "selected",
                                          selected && strcmp(code, selected) == 0));
  }
  return list;
}

/* The section code and parcel number of the form; problems go to the page. */
static bool read_parcel_ref(struct http_request *req, json_t *page, const char *section_param,
                            const char *number_param, char code[PARCEL_SECTION_CODE_SIZE],
                            char number[PARCEL_NUMBER_SIZE])
{
  const char *section = tools_input(req, section_param);
  const char *typed = tools_input(req, number_param);
  bool ok = true;
  if (!section || !*section || parcel_section_code_normalize(section, code)) {
    tools_field_error(req, page, section_param,
                      section && *section ? "parcel_err_section_code" : "parcel_err_missing");
    ok = false;
  }
  if (!typed || !*typed || parcel_number_normalize(typed, number)) {
    tools_field_error(req, page, number_param,
                      typed && *typed ? "parcel_err_number" : "parcel_err_missing");
    ok = false;
  }
  return ok;
}

static const char *enc(struct http_request *req, const char *s)
{
  const char *e = http_url_encode(req->arena, s ? s : "");
  return e ? e : "";
}

/* ---- lookup by section and number ---- */

static json_t *values_view(struct http_request *req, json_t *values)
{
  json_t *list = json_array(), *v;
  size_t i;
  bool zh = strcmp(req->lang, "en") != 0;
  json_array_foreach(values, i, v)
  {
    int year = (int)json_integer_value(json_object_get(v, "year"));
    const char *label = zh ? arena_printf(req->arena, "%d年 (%d)", civil_roc_year(year), year)
                           : arena_printf(req->arena, "%d", year);
    json_array_append_new(
        list,
        json_pack(
            "{s:i, s:s?, s:s, s:s}", "year", year, "label", label, "current_value",
            tools_number(req, rational_int(json_integer_value(json_object_get(v, "current_value"))),
                         0),
            "land_value",
            tools_number(req, rational_int(json_integer_value(json_object_get(v, "land_value"))),
                         0)));
  }
  return list;
}

/* Links that carry the parcel's figures into the calculators (GET forms, so plain links). */
static json_t *calculator_links(struct http_request *req, json_t *parcel, const char *slug)
{
  json_t *latest = json_array_get(json_object_get(parcel, "values"), 0);
  json_t *prev = json_object_get(parcel, "previous_value");
  const char *area = enc(req, web_str(parcel, "area_m2"));
  const char *current =
      latest ? arena_printf(req->arena, "%lld",
                            (long long)json_integer_value(json_object_get(latest, "current_value")))
             : "";
  const char *tax = arena_printf(req->arena, "/o/%s/tools/tax?area_m2=%s&current_value=%s", slug,
                                 area, current ? current : "");
  struct civil_date today = tools_today();
  if (tax && json_is_integer(prev)) /* held from the previous transfer until today */
    tax = arena_printf(
        req->arena, "%s&previous_value=%lld&acquired_on=%s&transferred_on=%04d-%02d-%02d", tax,
        (long long)json_integer_value(prev), enc(req, web_str(parcel, "previous_date")), today.year,
        today.month, today.day);
  return json_pack(
      "{s:s?, s:s?, s:s?, s:s?}", "tax", tax, "registration",
      arena_printf(
          req->arena,
          "/o/%s/tools/fees?calc=registration&reg_value_per_m2=%s&reg_area_m2=%s#registration",
          slug, current ? current : "", area),
      "survey",
      arena_printf(req->arena, "/o/%s/tools/fees?calc=survey&survey_area_m2_1=%s#survey", slug,
                   area),
      "area", arena_printf(req->arena, "/o/%s/tools/area?value=%s&unit=m2", slug, area));
}

static const char *ping_text(struct http_request *req, const char *area_m2)
{
  struct rational area;
  enum rational_parse_err why;
  int st = ST_OK;
  if (rational_parse_decimal(str_from(area_m2), 6, INT64_MAX / 1000, &area, &why))
    return "";
  return tools_number(req, rational_scale(area, 121, 400, &st), 4);
}

static json_t *resurvey_sources(struct http_request *req, json_t *mappings)
{
  json_t *list = json_array(), *m;
  size_t i;
  json_array_foreach(mappings, i, m)
  {
    json_array_append_new(list, json_pack("{s:s, s:s}", "section", web_str(m, "old_section_name"),
                                          "number", display_number(req, web_str(m, "old_number"))));
  }
  return list;
}

static const char *date_display(struct http_request *req, const char *iso)
{
  struct civil_date d;
  char out[48];
  if (!*iso || parcel_date_parse(iso, &d) ||
      format_date(d.year, d.month, d.day, req->lang, out, sizeof(out)))
    return iso;
  const char *copy = arena_strdup(req->arena, out);
  return copy ? copy : iso;
}

static const char *area_display(struct http_request *req, const char *area_m2)
{
  struct rational area;
  enum rational_parse_err why;
  if (rational_parse_decimal(str_from(area_m2), 6, INT64_MAX / 1000, &area, &why))
    return area_m2;
  return tools_number(req, area, 2);
}

static json_t *parcel_view(struct http_request *req, json_t *parcel, json_t *mappings,
                           const char *slug)
{
  json_t *prev = json_object_get(parcel, "previous_value");
  return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:s?, s:s, s:o, s:o, s:b}", "section",
                   section_name(req, parcel, "section_name"), "section_code",
                   web_str(parcel, "section_code"), "number",
                   display_number(req, web_str(parcel, "number")), "area_m2",
                   area_display(req, web_str(parcel, "area_m2")), "area_ping",
                   ping_text(req, web_str(parcel, "area_m2")), "values",
                   values_view(req, json_object_get(parcel, "values")), "previous_value",
                   json_is_integer(prev) ? tools_money_int(req, json_integer_value(prev)) : NULL,
                   "previous_date", date_display(req, web_str(parcel, "previous_date")), "use",
                   calculator_links(req, parcel, slug), "resurveyed_from",
                   resurvey_sources(req, mappings), "resurveyed", json_array_size(mappings) > 0);
}

static int find_parcel(struct http_request *req, struct store *store,
                       const struct dir_office *office, json_t *page, const char *code,
                       const char *number)
{
  json_t *parcel = NULL, *mappings = NULL;
  int rc = parcel_find(store, office->id, code, number, &parcel, &mappings);
  if (rc == ST_NOTFOUND)
    return tools_set(page, "found", json_false());
  if (rc == ST_OK)
    rc = tools_set(page, "parcel", parcel_view(req, parcel, mappings, office->slug));
  if (rc == ST_OK)
    rc = tools_set(page, "found", json_true());
  json_decref(parcel);
  json_decref(mappings);
  return rc;
}

static int lookup_form(struct http_request *req, struct store *store,
                       const struct dir_office *office, json_t *page)
{
  json_t *sections;
  const char *typed = tools_typed(req, "number"), *section = tools_input(req, "section");
  char code[PARCEL_SECTION_CODE_SIZE] = "";
  if (section && *section)
    parcel_section_code_normalize(section, code);
  int rc = parcel_sections_read(store, office->id, &sections);
  if (rc)
    return rc;
  rc = tools_set(page, "sections", section_options(req, sections, code, true));
  json_decref(sections);
  if (!rc)
    rc = tools_set(page, "form", json_pack("{s:s}", "number", typed ? typed : ""));
  return rc;
}

int parcels_lookup(struct http_request *req, struct http_response *res)
{
  static const char *const names[] = {"section", "number", NULL};
  static const char template_name[] = "public/parcels/lookup";
  struct store *store;
  const struct dir_office *office = NULL;
  json_t *page;
  char code[PARCEL_SECTION_CODE_SIZE], number[PARCEL_NUMBER_SIZE];
  int rc = tools_page(req, "parcels_title", &store, &office, &page);
  if (rc)
    return rc;
  rc = lookup_form(req, store, office, page);
  if (rc || !tools_submitted(req, names))
    return tools_finish(res, rc, 200, template_name, page);
  if (!read_parcel_ref(req, page, "section", "number", code, number))
    return tools_finish(res, ST_OK, 400, template_name, page);
  rc = tools_set(page, "searched", json_true());
  if (!rc)
    rc = find_parcel(req, store, office, page, code, number);
  return tools_finish(res, rc, 200, template_name, page);
}

/* ---- resurvey: old -> new ---- */

static json_t *mapping_view(struct http_request *req, json_t *m, const char *slug)
{
  const char *new_number = display_number(req, web_str(m, "new_number"));
  return json_pack("{s:s, s:s, s:s, s:s, s:s?}", "old_section", web_str(m, "old_section_name"),
                   "old_number", display_number(req, web_str(m, "old_number")), "new_section",
                   section_name(req, m, "new_section_name"), "new_number", new_number, "href",
                   arena_printf(req->arena, "/o/%s/parcels?section=%s&number=%s", slug,
                                web_str(m, "new_section_code"), enc(req, new_number)));
}

int parcels_resurvey(struct http_request *req, struct http_response *res)
{
  static const char *const names[] = {"old_section", "old_number", NULL};
  static const char template_name[] = "public/parcels/resurvey";
  struct store *store;
  const struct dir_office *office = NULL;
  json_t *page, *sections = NULL, *m = NULL;
  char code[PARCEL_SECTION_CODE_SIZE] = "", number[PARCEL_NUMBER_SIZE];
  int rc = tools_page(req, "resurvey_title", &store, &office, &page);
  if (rc)
    return rc;
  int64_t office_id = office->id;
  const char *typed = tools_typed(req, "old_number"), *section = tools_input(req, "old_section");
  if (section && *section)
    parcel_section_code_normalize(section, code);
  rc = parcel_resurvey_sections_read(store, office_id, &sections);
  if (!rc)
    rc = tools_set(page, "sections", section_options(req, sections, code, false));
  if (!rc)
    rc = tools_set(page, "form", json_pack("{s:s}", "old_number", typed ? typed : ""));
  json_decref(sections);
  int status = 200;
  if (!rc && tools_submitted(req, names)) {
    if (!read_parcel_ref(req, page, "old_section", "old_number", code, number)) {
      status = 400;
    } else {
      int found = parcel_resurvey_find(store, office_id, code, number, &m);
      rc = found == ST_NOTFOUND ? ST_OK : found;
      if (!rc)
        rc = tools_set(page, "searched", json_true());
      if (!rc)
        rc = tools_set(page, "mapping", m ? mapping_view(req, m, office->slug) : json_null());
    }
  }
  json_decref(m);
  return tools_finish(res, rc, status, template_name, page);
}

/* ---- address -> parcels ---- */

static json_t *addresses_view(struct http_request *req, json_t *rows, const char *slug)
{
  json_t *list = json_array(), *r;
  size_t i;
  json_array_foreach(rows, i, r)
  {
    const char *number = display_number(req, web_str(r, "number"));
    char building[PARCEL_NUMBER_DISPLAY_SIZE];
    parcel_building_display(web_str(r, "building_number"), building);
    json_array_append_new(
        list, json_pack("{s:s, s:s, s:s, s:s, s:s?}", "address", web_str(r, "address"), "section",
                        section_name(req, r, "section_name"), "number", number, "building",
                        arena_strdup(req->arena, building), "href",
                        arena_printf(req->arena, "/o/%s/parcels?section=%s&number=%s", slug,
                                     web_str(r, "section_code"), enc(req, number))));
  }
  return list;
}

int parcels_address(struct http_request *req, struct http_response *res)
{
  static const char template_name[] = "public/parcels/address";
  struct store *store;
  const struct dir_office *office = NULL;
  json_t *page, *rows = NULL;
  int rc = tools_page(req, "address_title", &store, &office, &page);
  if (rc)
    return rc;
  const char *typed = tools_typed(req, "address");
  const char *key = typed ? parcel_address_key(req->arena, typed) : NULL;
  int status = 200;
  rc = tools_set(page, "form", json_pack("{s:s}", "address", typed ? typed : ""));
  if (!rc && typed) {
    if (!key || !*key || text_length(typed) > PARCEL_ADDRESS_MAX_CHARS) {
      status = 400;
      rc = tools_field_error(req, page, "address",
                             key && *key ? "parcel_err_address" : "parcel_err_missing");
    } else {
      rc = parcel_addresses_find(store, office->id, key, ADDRESS_RESULTS_MAX, &rows);
      if (!rc)
        rc = tools_set(page, "results", addresses_view(req, rows, office->slug));
      if (!rc)
        rc = tools_set(page, "searched", json_true());
      if (!rc)
        rc = tools_set(page, "found", json_boolean(json_array_size(rows) > 0));
    }
  }
  json_decref(rows);
  return tools_finish(res, rc, status, template_name, page);
}
