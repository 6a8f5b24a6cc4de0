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

static const char *display_number(struct http_request *req, const char *stored)
{
  char out[PARCEL_NUMBER_DISPLAY_SIZE];
  parcel_number_display(stored, out);
  const char *copy = arena_strdup(req->arena, out);
  return copy ? copy : "";
}

/* Options of a section select, the names in the page's language. */
static json_t *section_options(struct http_request *req, const struct parcel_section *sections,
                               size_t count, const char *selected)
{
  json_t *list = json_array();
  for (size_t i = 0; list && i < count; i++) {
    const struct parcel_section *s = &sections[i];
    json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "code", s->code, "name",
                                          directory_pick(s->name_zh, s->name_en, req->lang),
                                          "selected", selected && strcmp(s->code, selected) == 0));
  }
  return list;
}

/* The section code and parcel number of the form, normalised; when either is not valid,
 * the translation keys of what is wrong with each (NULL: nothing). */
struct parcel_ref {
  const char *section_param, *number_param;
  char code[PARCEL_SECTION_CODE_SIZE], number[PARCEL_NUMBER_SIZE];
  const char *section_error, *number_error;
};

static bool parcel_ref_read(struct http_request *req, struct parcel_ref *ref)
{
  const char *section = tools_input(req, ref->section_param);
  const char *typed = tools_input(req, ref->number_param);
  ref->section_error = ref->number_error = NULL;
  if (!section || !*section || parcel_section_code_normalize(section, ref->code))
    ref->section_error = section && *section ? "parcel_err_section_code" : "parcel_err_missing";
  if (!typed || !*typed || parcel_number_normalize(typed, ref->number))
    ref->number_error = typed && *typed ? "parcel_err_number" : "parcel_err_missing";
  return !ref->section_error && !ref->number_error;
}

/* The problems of ref on the page. */
static void parcel_ref_errors(struct http_request *req, json_t *page, const struct parcel_ref *ref)
{
  if (ref->section_error)
    tools_field_error(req, page, ref->section_param, ref->section_error);
  if (ref->number_error)
    tools_field_error(req, page, ref->number_param, ref->number_error);
}

/* A lookup form as sent: the section chosen (normalised; "" when none) is selected again in
 * the list, the number is shown as typed. */
struct parcel_form {
  struct parcel_ref ref;
  char code[PARCEL_SECTION_CODE_SIZE];
  const char *typed;
  bool asked, valid; /* asked: either field was sent; valid: ref holds a parcel */
};

static void parcel_form_read(struct http_request *req, struct parcel_form *f)
{
  const char *const names[] = {f->ref.section_param, f->ref.number_param, NULL};
  const char *section = tools_input(req, f->ref.section_param);
  f->typed = tools_typed(req, f->ref.number_param);
  f->code[0] = '\0';
  if (section && *section)
    parcel_section_code_normalize(section, f->code);
  f->asked = tools_submitted(req, names);
  f->valid = f->asked && parcel_ref_read(req, &f->ref);
}

/* The form's part of the page: the section select, the number typed, the problems. */
static int parcel_form_view(struct http_request *req, json_t *page,
                            const struct parcel_section *sections, size_t count,
                            const struct parcel_form *f)
{
  int rc = tools_set(page, "sections", section_options(req, sections, count, f->code));
  if (!rc)
    rc = tools_set(page, "form", json_pack("{s:s}", f->ref.number_param, f->typed ? f->typed : ""));
  if (!rc && f->asked && !f->valid)
    parcel_ref_errors(req, page, &f->ref);
  return rc;
}

static const char *enc(struct http_request *req, const char *s)
{
  const char *e = http_url_encode(req->arena, s ? s : "");
  return e ? e : "";
}

/* ---- lookup by section and number ---- */

static json_t *values_view(struct http_request *req, const struct parcel_record *p)
{
  json_t *list = json_array();
  bool zh = strcmp(req->lang, "en") != 0;
  for (size_t i = 0; list && i < p->value_count; i++) {
    const struct parcel_value *v = &p->values[i];
    int year = (int)v->year;
    const char *label = zh ? arena_printf(req->arena, "%d年 (%d)", civil_roc_year(year), year)
                           : arena_printf(req->arena, "%d", year);
    json_array_append_new(
        list, json_pack("{s:i, s:s?, s:s, s:s}", "year", year, "label", label, "current_value",
                        tools_number(req, rational_int(v->current_value), 0), "land_value",
                        tools_number(req, rational_int(v->land_value), 0)));
  }
  return list;
}

/* Links that carry the parcel's figures into the calculators (GET forms, so plain links). */
static json_t *calculator_links(struct http_request *req, const struct parcel_record *p,
                                const char *slug)
{
  const char *area = enc(req, p->area_m2);
  const char *current =
      p->value_count ? arena_printf(req->arena, "%lld", (long long)p->values[0].current_value) : "";
  const char *tax = arena_printf(req->arena, "/o/%s/tools/tax?area_m2=%s&current_value=%s", slug,
                                 area, current ? current : "");
  struct civil_date today = tools_today();
  if (tax && p->has_previous_value) /* held from the previous transfer until today */
    tax = arena_printf(req->arena,
                       "%s&previous_value=%lld&acquired_on=%s&transferred_on=%04d-%02d-%02d", tax,
                       (long long)p->previous_value, enc(req, p->previous_date), today.year,
                       today.month, today.day);
  /* the CPI, the survey's points: the citizen completes the form (tools_prefill) */
  if (tax)
    tax = arena_printf(req->arena, "%s&prefill=1", tax);
  return json_pack(
      "{s:s?, s:s?, s:s?, s:s?}", "tax", tax, "registration",
      arena_printf(
          req->arena,
          "/o/%s/tools/fees?calc=registration&reg_value_per_m2=%s&reg_area_m2=%s#registration",
          slug, current ? current : "", area),
      "survey",
      arena_printf(req->arena, "/o/%s/tools/fees?calc=survey&survey_area_m2_1=%s&prefill=1#survey",
                   slug, area),
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

static json_t *resurvey_sources(struct http_request *req, const struct parcel_lookup *l)
{
  json_t *list = json_array();
  for (size_t i = 0; list && i < l->from_count; i++)
    json_array_append_new(list, json_pack("{s:s, s:s}", "section", l->from[i].old_section_name,
                                          "number", display_number(req, l->from[i].old_number)));
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

static json_t *parcel_view(struct http_request *req, const struct parcel_lookup *l,
                           const char *slug)
{
  const struct parcel_record *p = &l->parcel;
  return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:s?, s:s, s:o, s:o, s:b}", "section",
                   directory_pick(p->section_name_zh, p->section_name_en, req->lang),
                   "section_code", p->section_code, "number", display_number(req, p->number),
                   "area_m2", area_display(req, p->area_m2), "area_ping",
                   ping_text(req, p->area_m2), "values", values_view(req, p), "previous_value",
                   p->has_previous_value ? tools_money_int(req, p->previous_value) : NULL,
                   "previous_date", date_display(req, p->previous_date), "use",
                   calculator_links(req, p, slug), "resurveyed_from", resurvey_sources(req, l),
                   "resurveyed", l->from_count > 0);
}

int parcels_lookup(struct http_request *req, struct http_response *res)
{
  static const char template_name[] = "public/parcels/lookup";
  struct store *store;
  const struct dir_office *office = NULL;
  struct parcel_lookup l;
  struct parcel_form f = {.ref = {.section_param = "section", .number_param = "number"}};
  json_t *page;
  int rc = tools_page(req, "parcels_title", &store, &office, &page);
  if (rc)
    return rc;
  parcel_form_read(req, &f);
  rc = parcel_lookup_read(store, req->arena, office->id, f.valid ? f.ref.code : NULL,
                          f.valid ? f.ref.number : NULL, &l);
  if (!rc)
    rc = parcel_form_view(req, page, l.sections, l.section_count, &f);
  if (rc || !f.valid)
    return tools_finish(res, rc, f.asked && !f.valid ? 400 : 200, template_name, page);
  rc = tools_set(page, "searched", json_true());
  if (!rc && l.found)
    rc = tools_set(page, "parcel", parcel_view(req, &l, office->slug));
  if (!rc)
    rc = tools_set(page, "found", json_boolean(l.found));
  return tools_finish(res, rc, 200, template_name, page);
}

/* ---- resurvey: old -> new ---- */

static json_t *mapping_view(struct http_request *req, const struct parcel_mapping *m,
                            const char *slug)
{
  const char *new_number = display_number(req, m->new_number);
  return json_pack("{s:s, s:s, s:s, s:s, s:s?}", "old_section", m->old_section_name, "old_number",
                   display_number(req, m->old_number), "new_section",
                   directory_pick(m->new_section_name_zh, m->new_section_name_en, req->lang),
                   "new_number", new_number, "href",
                   arena_printf(req->arena, "/o/%s/parcels?section=%s&number=%s", slug,
                                m->new_section_code, enc(req, new_number)));
}

int parcels_resurvey(struct http_request *req, struct http_response *res)
{
  static const char template_name[] = "public/parcels/resurvey";
  struct store *store;
  const struct dir_office *office = NULL;
  struct parcel_resurvey r;
  struct parcel_form f = {.ref = {.section_param = "old_section", .number_param = "old_number"}};
  json_t *page;
  int rc = tools_page(req, "resurvey_title", &store, &office, &page);
  if (rc)
    return rc;
  parcel_form_read(req, &f);
  rc = parcel_resurvey_read(store, req->arena, office->id, f.valid ? f.ref.code : NULL,
                            f.valid ? f.ref.number : NULL, &r);
  if (!rc)
    rc = parcel_form_view(req, page, r.sections, r.section_count, &f);
  if (rc || !f.valid)
    return tools_finish(res, rc, f.asked && !f.valid ? 400 : 200, template_name, page);
  rc = tools_set(page, "searched", json_true());
  if (!rc)
    rc = tools_set(page, "mapping",
                   r.found ? mapping_view(req, &r.mapping, office->slug) : json_null());
  return tools_finish(res, rc, 200, template_name, page);
}

/* ---- address -> parcels ---- */

static json_t *addresses_view(struct http_request *req, const struct parcel_address *rows,
                              size_t count, const char *slug)
{
  json_t *list = json_array();
  for (size_t i = 0; list && i < count; i++) {
    const struct parcel_address *r = &rows[i];
    const char *number = display_number(req, r->number);
    char building[PARCEL_NUMBER_DISPLAY_SIZE];
    parcel_building_display(r->building_number, building);
    json_array_append_new(
        list, json_pack("{s:s, s:s, s:s, s:s, s:s?}", "address", r->address, "section",
                        directory_pick(r->section_name_zh, r->section_name_en, req->lang), "number",
                        number, "building", arena_strdup(req->arena, building), "href",
                        arena_printf(req->arena, "/o/%s/parcels?section=%s&number=%s", slug,
                                     r->section_code, enc(req, number))));
  }
  return list;
}

int parcels_address(struct http_request *req, struct http_response *res)
{
  static const char template_name[] = "public/parcels/address";
  struct store *store;
  const struct dir_office *office = NULL;
  struct parcel_address *rows = NULL;
  size_t count = 0;
  json_t *page;
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
      rc = parcel_addresses_read(store, req->arena, office->id, key, ADDRESS_RESULTS_MAX, &rows,
                                 &count);
      if (!rc)
        rc = tools_set(page, "results", addresses_view(req, rows, count, office->slug));
      if (!rc)
        rc = tools_set(page, "searched", json_true());
      if (!rc)
        rc = tools_set(page, "found", json_boolean(count > 0));
    }
  }
  return tools_finish(res, rc, status, template_name, page);
}
