/*
 * users.c - admins manage the staff accounts of their own office: list, create, edit roles
 * and unit, reset a password, disable and enable. Initial passwords are generated (never typed
 * by the admin) and shown once (domain/accounts.h, ASVS 2.3.1). An account of another office is
 * "not found", whatever id is put in the URL. Every change needs a recent step-up (the admin's
 * password or TOTP code within [security] stepup_seconds, ASVS 3.7.1): without one the form
 * comes back as a confirm-your-password page that sends it again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base/clock.h"
#include "domain/accounts.h"
#include "domain/directory.h"
#include "domain/lookup.h"
#include "web/app.h"
#include "web/staff/staff.h"

#include "base/common.h"

/* The role checkboxes: [{value, label, checked}]. */
static json_t *role_options(struct http_request *req, unsigned roles)
{
  json_t *list = json_array();
  for (unsigned bit = 1; bit <= ROLE_ANALYST; bit <<= 1) {
    char *key = arena_printf(req->arena, "role_%s", role_name(bit));
    json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "value", role_name(bit), "label",
                                          http_t(req, key), "checked", (roles & bit) != 0));
  }
  return list;
}

/* The office's units as select options, with unit_id selected. */
static int unit_options(struct http_request *req, struct store *store, int64_t unit_id,
                        json_t **out)
{
  const struct directory *dir = NULL;
  size_t count = 0;
  int rc = directory_acquire(store, req->arena, &dir);
  if (rc)
    return rc;
  const struct dir_unit *units = directory_units(dir, req->session->office_id, &count);
  json_t *list = json_array();
  for (size_t i = 0; list && i < count; i++)
    json_array_append_new(list,
                          json_pack("{s:I, s:s, s:b}", "id", (json_int_t)units[i].id, "name",
                                    directory_pick(units[i].name_zh, units[i].name_en, req->lang),
                                    "selected", units[i].id == unit_id));
  *out = list;
  return list ? ST_OK : ST_NOMEM;
}

/* The unit's name in the request's language: English when asked for and given. */
static const char *unit_name(struct http_request *req, const struct account_row *r)
{
  return strcmp(req->lang, "en") == 0 && *r->unit_name_en ? r->unit_name_en : r->unit_name_zh;
}

/* The roles in the page's language ("收件人員、承辦人"); the codes stay in "roles". */
static const char *roles_label(struct http_request *req, unsigned roles)
{
  const char *out = "", *sep = strcmp(req->lang, "en") == 0 ? ", " : "、";
  for (unsigned bit = 1; bit <= ROLE_ANALYST; bit <<= 1)
    if (roles & bit)
      out = arena_printf(req->arena, "%s%s%s", out, *out ? sep : "",
                         http_t(req, arena_printf(req->arena, "role_%s", role_name(bit))));
  return out ? out : "";
}

static json_t *user_row(struct http_request *req, const struct account_row *r)
{
  char roles[64];
  roles_format(r->roles, roles, sizeof(roles));
  return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:s}", "id", (json_int_t)r->id,
                   "username", r->username, "display_name", r->display_name, "roles", roles,
                   "roles_label", roles_label(req, r->roles), "unit", unit_name(req, r), "disabled",
                   r->disabled, "totp", r->totp_enabled, "href",
                   arena_printf(req->arena, "/staff/admin/users/%lld", (long long)r->id));
}

int staff_users(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct account_list users;
  int rc = web_store(req, &store);
  if (!rc)
    rc = accounts_list_read(store, req->arena, req->session->office_id, &users);
  if (rc)
    return rc;
  json_t *list = json_array();
  for (size_t i = 0; i < users.count; i++)
    json_array_append_new(list, user_row(req, &users.rows[i]));
  return http_page(res, 200, "staff/users",
                   json_pack("{s:s, s:o}", "title", http_t(req, "users_title"), "users", list));
}

/* ---- step-up (ASVS 3.7.1, 4.3.3; domain/accounts.h) ------------------------------------------ */

static bool stepup_field(const char *name)
{
  return strcmp(name, "csrf") == 0 || strncmp(name, "stepup", 6) == 0;
}

/* The submitted form's own fields, to be sent again with the confirmed password. */
static json_t *carried_fields(struct http_request *req)
{
  json_t *list = json_array();
  for (size_t i = 0; i < req->form_count; i++) {
    const char *name = arena_strndup(req->arena, req->form[i].name.ptr, req->form[i].name.len);
    const char *value = arena_strndup(req->arena, req->form[i].value.ptr, req->form[i].value.len);
    if (name && value && !stepup_field(name))
      json_array_append_new(list, json_pack("{s:s, s:s}", "name", name, "value", value));
  }
  return list;
}

/* The confirm-your-password page: posts the same form to the same action with the admin's
 * password (or TOTP code, when they have TOTP on). error: a translation key or a locked
 * message (minutes > 0), NULL for the first asking. */
static int stepup_page(struct http_request *req, struct http_response *res, struct store *store,
                       int status, const char *error, int minutes)
{
  struct account_row me;
  bool totp = accounts_read(store, req->arena, req->session->office_id, req->session->user_id,
                            &me) == ST_OK &&
              me.totp_enabled;
  json_t *view = json_pack("{s:s, s:s, s:o, s:b, s:i, s:[]}", "title", http_t(req, "stepup_title"),
                           "action", req->path, "fields", carried_fields(req), "totp", totp,
                           "minutes", accounts_stepup_seconds() / 60, "errors");
  if (!view)
    return ST_NOMEM;
  if (minutes > 0) {
    char *message = arena_printf(req->arena, "%s%d%s", http_t(req, "signin_locked_before"), minutes,
                                 http_t(req, "signin_locked_after"));
    web_form_error_text(view, "stepup_password", message ? message : "");
    http_header_add(res, "Retry-After", arena_printf(req->arena, "%d", minutes * 60));
  } else if (error) {
    web_form_error(req, view, "stepup_password", error);
  }
  return http_page(res, status, "staff/stepup", view);
}

/* Whether the change may go ahead: the admin re-authenticated within the step-up window, or
 * does so now with this form's stepup fields. Otherwise the answer is the step-up page and
 * *status what the handler returns: 200 asking, 401 for a wrong password or code (audited,
 * counted as a failed sign-in), 429 while locked. Nothing is changed then. */
static bool stepped_up(struct http_request *req, struct http_response *res, struct store *store,
                       int *status)
{
  time_t now = clock_now();
  if (!http_form(req, "stepup")) {
    if (accounts_stepup_fresh(store, req->session->token, now))
      return true;
    *status = stepup_page(req, res, store, 200, NULL, 0);
    return false;
  }
  struct audit_actor actor;
  struct stepup_result result;
  web_actor(req, &actor);
  int rc = accounts_stepup(store, &accounts_default_policy, req->session->token,
                           http_form(req, "stepup_password"), http_form(req, "stepup_code"), &actor,
                           now, &result);
  if (!rc && result.outcome == STEPUP_OK)
    return true;
  if (rc)
    *status = rc;
  else if (result.outcome == STEPUP_LOCKED)
    *status = stepup_page(req, res, store, 429, NULL, result.retry_minutes);
  else
    *status = stepup_page(req, res, store, 401, "stepup_refused", 0);
  return false;
}

/* The user form's view: values to show (from the record or the submitted form). */
static int form_view(struct http_request *req, struct store *store, json_t *values,
                     const char *action, bool is_new, json_t **out)
{
  json_t *units;
  int rc = unit_options(req, store, web_int(values, "unit_id"), &units);
  if (rc)
    return rc;
  *out = json_pack("{s:s, s:s, s:b, s:O, s:o, s:o, s:[]}", "title",
                   http_t(req, is_new ? "user_new_title" : "user_edit_title"), "action", action,
                   "is_new", is_new, "user", values, "units", units, "roles",
                   role_options(req, (unsigned)web_int(values, "roles")), "errors");
  return *out ? ST_OK : ST_NOMEM;
}

int staff_user_new(struct http_request *req, struct http_response *res)
{
  struct store *store;
  json_t *values = json_pack("{s:s, s:s, s:s, s:i, s:i}", "username", "", "display_name", "",
                             "email", "", "unit_id", 0, "roles", ROLE_CLERK),
         *view;
  int rc = web_store(req, &store);
  if (!rc)
    rc = form_view(req, store, values, "/staff/admin/users", true, &view);
  json_decref(values);
  return rc ? rc : http_page(res, 200, "staff/user_form", view);
}

/* Reads the submitted form into fields; the unit must be one of the office's. */
static void read_fields(struct http_request *req, struct account_fields *f)
{
  memset(f, 0, sizeof(*f));
  f->office_id = req->session->office_id;
  f->username = http_form(req, "username");
  f->display_name = http_form(req, "display_name");
  f->email = http_form(req, "email");
  int64_t unit = 0;
  const char *unit_text = http_form(req, "unit_id");
  if (unit_text && *unit_text && str_to_int64(str_from(unit_text), 1, INT64_MAX, &unit))
    unit = -1;
  f->unit_id = unit;
  for (unsigned bit = 1; bit <= ROLE_ANALYST; bit <<= 1) {
    char *name = arena_printf(req->arena, "role_%s", role_name(bit));
    if (name && http_form(req, name))
      f->roles |= bit;
  }
}

static json_t *submitted_values(const struct account_fields *f)
{
  return json_pack("{s:s, s:s, s:s, s:I, s:i}", "username", f->username ? f->username : "",
                   "display_name", f->display_name ? f->display_name : "", "email",
                   f->email ? f->email : "", "unit_id", (json_int_t)f->unit_id, "roles",
                   (int)f->roles);
}

static int form_refused(struct http_request *req, struct http_response *res, struct store *store,
                        const struct account_fields *f, const char *action, bool is_new,
                        const char *field, const char *reason)
{
  json_t *values = submitted_values(f), *view;
  int rc = form_view(req, store, values, action, is_new, &view);
  json_decref(values);
  if (rc)
    return rc;
  web_form_error(req, view, field, reason);
  return http_page(res, 400, "staff/user_form", view);
}

static const char *reason_field(const char *reason)
{
  if (strstr(reason, "username"))
    return "username";
  if (strstr(reason, "password"))
    return "password";
  if (strstr(reason, "email"))
    return "email";
  if (strstr(reason, "roles"))
    return "role_clerk";
  return "display_name";
}

/* The page that shows a generated initial password, once (ASVS 2.3.1): staff answers are never
 * stored by the browser (Cache-Control: no-store), and the password is kept nowhere else. */
static int initial_password_page(struct http_request *req, struct http_response *res,
                                 const char *username, int64_t id, const char *password,
                                 bool created)
{
  return http_page(
      res, 200, "staff/user_password",
      json_pack("{s:s, s:s, s:s, s:s, s:b, s:i}", "title",
                http_t(req, created ? "user_created_title" : "user_password_reset_title"),
                "username", username, "password", password, "href",
                arena_printf(req->arena, "/staff/admin/users/%lld", (long long)id), "created",
                created, "hours", ACCOUNTS_INITIAL_PASSWORD_SECONDS / 3600));
}

int staff_user_create(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct account_fields f;
  struct audit_actor actor;
  const char *reason = NULL;
  char password[ACCOUNTS_INITIAL_PASSWORD_SIZE];
  int64_t id = 0;
  read_fields(req, &f);
  web_actor(req, &actor);
  int rc = web_store(req, &store);
  if (rc)
    return rc;
  if (!stepped_up(req, res, store, &rc))
    return rc;
  if (!lookup_unit_belongs(store, f.office_id, f.unit_id))
    return form_refused(req, res, store, &f, "/staff/admin/users", true, "unit_id",
                        "account_err_unit");
  /* the system chooses the password; the person chooses their own at the first sign-in */
  rc = accounts_create_initial(store, &actor, &f, password, &id, &reason);
  if ((rc == ST_INVALID || rc == ST_CONFLICT) && reason)
    return form_refused(req, res, store, &f, "/staff/admin/users", true, reason_field(reason),
                        reason);
  if (rc)
    return rc;
  rc = initial_password_page(req, res, f.username, id, password, true);
  sodium_memzero(password, sizeof(password));
  return rc;
}

/* The {id} of the URL as a user of the signed-in admin's office, or ST_NOTFOUND. */
static int target_user(struct http_request *req, struct store *store, struct account_row *user)
{
  int64_t id;
  const char *text = http_capture(req, "id");
  if (!text || str_to_int64(str_from(text), 1, INT64_MAX, &id))
    return ST_NOTFOUND;
  return accounts_read(store, req->arena, req->session->office_id, id, user);
}

int staff_user_show(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct account_row user;
  json_t *view = NULL;
  int rc = web_store(req, &store);
  if (!rc)
    rc = target_user(req, store, &user);
  if (rc)
    return rc;
  const char *action = arena_printf(req->arena, "/staff/admin/users/%lld", (long long)user.id);
  json_t *values =
      json_pack("{s:I, s:s, s:s, s:s, s:I, s:I, s:b, s:b, s:b, s:b}", "id", (json_int_t)user.id,
                "username", user.username, "display_name", user.display_name, "email", user.email,
                "unit_id", (json_int_t)user.unit_id, "roles", (json_int_t)user.roles, "disabled",
                user.disabled, "totp", user.totp_enabled, "self", user.id == req->session->user_id,
                "totp_reset", http_query(req, "totp_reset") != NULL);
  rc = form_view(req, store, values, action, false, &view);
  json_decref(values);
  return rc ? rc : http_page(res, 200, "staff/user_form", view);
}

int staff_user_update(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct account_fields f;
  struct audit_actor actor;
  struct account_row user;
  const char *reason = NULL;
  int rc = web_store(req, &store);
  if (!rc)
    rc = target_user(req, store, &user);
  if (rc || !stepped_up(req, res, store, &rc))
    return rc;
  int64_t id = user.id;
  read_fields(req, &f);
  f.username = user.username;
  web_actor(req, &actor);
  const char *action = arena_printf(req->arena, "/staff/admin/users/%lld", (long long)id);
  if (!lookup_unit_belongs(store, f.office_id, f.unit_id))
    return form_refused(req, res, store, &f, action, false, "unit_id", "account_err_unit");
  if (id == req->session->user_id && !(f.roles & ROLE_ADMIN))
    return form_refused(req, res, store, &f, action, false, "role_admin", "account_err_own_admin");
  rc = accounts_update(store, &actor, id, &f, &reason);
  if (rc == ST_INVALID && reason)
    return form_refused(req, res, store, &f, action, false, reason_field(reason), reason);
  return rc ? rc : http_redirect(res, 303, arena_printf(req->arena, "%s?saved=1", action));
}

int staff_user_password(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct audit_actor actor;
  struct account_row user;
  char password[ACCOUNTS_INITIAL_PASSWORD_SIZE];
  int rc = web_store(req, &store);
  if (!rc)
    rc = target_user(req, store, &user);
  if (rc || !stepped_up(req, res, store, &rc))
    return rc;
  web_actor(req, &actor);
  rc = accounts_reset_initial(store, &actor, user.id, password);
  if (!rc)
    rc = initial_password_page(req, res, user.username, user.id, password, false);
  sodium_memzero(password, sizeof(password));
  return rc;
}

static int set_disabled(struct http_request *req, struct http_response *res, bool disabled)
{
  struct store *store;
  struct audit_actor actor;
  struct account_row user;
  int rc = web_store(req, &store);
  if (!rc)
    rc = target_user(req, store, &user);
  if (rc)
    return rc;
  int64_t id = user.id;
  if (id == req->session->user_id)
    return http_error(res, 400, "account_err_own_disable");
  if (!stepped_up(req, res, store, &rc))
    return rc;
  web_actor(req, &actor);
  rc = accounts_set_disabled(store, &actor, id, disabled);
  return rc ? rc
            : http_redirect(res, 303,
                            arena_printf(req->arena, "/staff/admin/users/%lld", (long long)id));
}

int staff_user_disable(struct http_request *req, struct http_response *res)
{
  return set_disabled(req, res, true);
}

int staff_user_enable(struct http_request *req, struct http_response *res)
{
  return set_disabled(req, res, false);
}

int staff_user_totp_reset(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct audit_actor actor;
  struct account_row user;
  int rc = web_store(req, &store);
  if (!rc)
    rc = target_user(req, store, &user);
  if (rc)
    return rc;
  if (user.id == req->session->user_id)
    return http_error(res, 400, "account_err_own_totp_reset");
  if (!user.totp_enabled)
    return http_error(res, 400, "account_err_totp_none");
  if (!stepped_up(req, res, store, &rc))
    return rc;
  web_actor(req, &actor);
  rc = accounts_totp_reset(store, &actor, user.id);
  return rc ? rc
            : http_redirect(res, 303,
                            arena_printf(req->arena, "/staff/admin/users/%lld?totp_reset=1",
                                         (long long)user.id));
}
