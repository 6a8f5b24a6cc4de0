/*
 * home.c - the staff console's front page: who is signed in, in which office, and what their
 * roles let them do.
 */
#include <string.h>

#include "domain/accounts.h"
#include "domain/directory.h"
#include "web/app.h"
#include "web/cases/cases.h"
#include "web/staff/staff.h"

#include "base/common.h"

/* Links to the areas the route table opens to this person (http_may: the same check the
 * routes make), as {href, label, description}. */
static json_t *staff_areas(struct http_request *req)
{
  static const struct {
    const char *href, *label, *description;
  } areas[] = {
      {"/staff/intake", "staff_area_intake", "staff_area_intake_desc"},
      {"/staff/cases", "staff_area_cases", "staff_area_cases_desc"},
      {"/staff/delegations", "staff_area_delegations", "staff_area_delegations_desc"},
      {"/staff/admin/catalog", "staff_area_catalog", "staff_area_catalog_desc"},
      {"/staff/admin/users", "staff_area_users", "staff_area_users_desc"},
      {"/staff/admin/audit", "staff_area_audit", "staff_area_audit_desc"},
      {"/staff/admin/outbox", "staff_area_outbox", "staff_area_outbox_desc"},
      {"/staff/admin/templates", "staff_area_templates", "staff_area_templates_desc"},
      {"/staff/admin/api-keys", "staff_area_apikeys", "staff_area_apikeys_desc"},
      {"/staff/admin/corrections", "staff_area_corr_settings", "staff_area_corr_settings_desc"},
      {"/staff/admin/workflows", "staff_area_workflows", "staff_area_workflows_desc"},
      {"/staff/reports/corrections", "staff_area_corr_report", "staff_area_corr_report_desc"},
      {"/staff/bookings/today", "staff_area_bookings", "staff_area_bookings_desc"},
      {"/staff/admin/bookings", "staff_area_booking_settings", "staff_area_booking_settings_desc"},
      {"/staff/reports/bookings", "staff_area_booking_report", "staff_area_booking_report_desc"},
      {"/staff/surveys", "staff_area_surveys", "staff_area_surveys_desc"},
      {"/staff/quality", "staff_area_quality", "staff_area_quality_desc"},
      {"/staff/kpi", "staff_area_kpi", "staff_area_kpi_desc"},
      {"/staff/plan", "staff_area_plan", "staff_area_plan_desc"},
      {"/staff/account/password", "staff_area_password", "staff_area_password_desc"},
      {"/staff/account/totp", "staff_area_totp", "staff_area_totp_desc"},
      {"/staff/petitions", "staff_area_petitions", "staff_area_petitions_desc"},
      {"/staff/admin/petitions", "staff_area_petition_settings",
       "staff_area_petition_settings_desc"},
      {"/staff/queue", "staff_area_queue", "staff_area_queue_desc"},
      {"/staff/queue/figures", "staff_area_queue_figures", "staff_area_queue_figures_desc"},
      {"/staff/admin/queues", "staff_area_queue_admin", "staff_area_queue_admin_desc"},
  };
  json_t *list = json_array();
  for (size_t i = 0; i < ARRAY_LEN(areas); i++)
    if (http_may(req, "GET", areas[i].href))
      json_array_append_new(list, json_pack("{s:s, s:s, s:s}", "href", areas[i].href, "label",
                                            http_t(req, areas[i].label), "description",
                                            http_t(req, areas[i].description)));
  return list;
}

/* The role names of a mask in the request's language, as an array of strings. */
static json_t *role_labels(struct http_request *req, unsigned roles)
{
  json_t *list = json_array();
  for (unsigned bit = 1; bit <= ROLE_ANALYST; bit <<= 1) {
    if (!(roles & bit))
      continue;
    char *key = arena_printf(req->arena, "role_%s", role_name(bit));
    json_array_append_new(list, json_string(key ? http_t(req, key) : ""));
  }
  return list;
}

int staff_home(struct http_request *req, struct http_response *res)
{
  struct store *store;
  const struct directory *dir = NULL;
  int rc = web_store(req, &store);
  if (!rc)
    rc = directory_acquire(store, req->arena, &dir);
  if (rc)
    return rc;
  const struct dir_office *office = directory_office(dir, req->session->office_id);
  json_t *view =
      json_pack("{s:s, s:b, s:{s:s, s:s, s:o}, s:s, s:o}", "title", http_t(req, "staff_home_title"),
                "is_handler", (req->session->roles & ROLE_HANDLER) != 0, "user", "display_name",
                req->session->display_name, "username", req->session->username, "roles",
                role_labels(req, req->session->roles), "office_name",
                office ? directory_pick(office->name_zh, office->name_en, req->lang) : "", "areas",
                staff_areas(req));
  rc = view ? case_home_counts(req, view) : ST_NOMEM;
  if (rc) {
    json_decref(view);
    return rc;
  }
  return http_page(res, 200, "staff/home", view);
}
