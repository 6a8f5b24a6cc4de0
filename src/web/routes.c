/*
 * routes.c - the route table: every page and API of bianmin, as data. Each row names the
 * method, the path pattern, the handler, the role needed (0 = public), whether the CSRF token
 * is required, the body cap and the rate class.
 */
#include "web/app.h"
#include "domain/accounts.h"
#include "web/public/home.h"
#include "web/public/tools.h"
#include "web/staff/staff.h"

#include "base/common.h"

static const struct http_route routes[] = {
    {"GET", "/", home_index, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC, 0},
    {"GET", "/o/{office}", home_office_redirect, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC, 0},
    {"GET", "/o/{office}/", home_office, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC, 0},
    {"GET", "/o/{office}/search", search_office, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC, 0},
    /* Land offices: calculators and parcel lookups (GET forms; 404 for other offices). */
    {"GET", "/o/{office}/tools", tools_index, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC, 0},
    {"GET", "/o/{office}/tools/area", tools_area, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC, 0},
    {"GET", "/o/{office}/tools/tax", tools_tax, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC, 0},
    {"GET", "/o/{office}/tools/fees", tools_fees, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC, 0},
    {"GET", "/o/{office}/parcels", parcels_lookup, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC, 0},
    {"GET", "/o/{office}/parcels/resurvey", parcels_resurvey, 0, false, HTTP_BODY_NONE,
     HTTP_RATE_PUBLIC, 0},
    {"GET", "/o/{office}/parcels/address", parcels_address, 0, false, HTTP_BODY_NONE,
     HTTP_RATE_PUBLIC, 0},

    /* Staff: signing in and out. */
    {"GET", "/staff/login", staff_login_form, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC, 0},
    {"POST", "/staff/login", staff_login, 0, true, HTTP_BODY_FORM, HTTP_RATE_LOGIN},
    {"GET", "/staff/login/totp", staff_totp_form, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC,
     HTTP_ROUTE_UNFINISHED_SIGNIN},
    {"POST", "/staff/login/totp", staff_totp, 0, true, HTTP_BODY_FORM, HTTP_RATE_LOGIN,
     HTTP_ROUTE_UNFINISHED_SIGNIN},
    {"POST", "/staff/logout", staff_logout, ROLE_ALL, true, HTTP_BODY_FORM, HTTP_RATE_NONE,
     HTTP_ROUTE_UNFINISHED_SIGNIN},

    /* Staff: everyone signed in. */
    {"GET", "/staff/", staff_home, ROLE_ALL, false, HTTP_BODY_NONE, HTTP_RATE_NONE},
    {"GET", "/staff/account/password", staff_password_form, ROLE_ALL, false, HTTP_BODY_NONE,
     HTTP_RATE_NONE},
    {"POST", "/staff/account/password", staff_password, ROLE_ALL, true, HTTP_BODY_FORM,
     HTTP_RATE_LOGIN},
    {"GET", "/staff/account/totp", staff_enrol_form, ROLE_ALL, false, HTTP_BODY_NONE,
     HTTP_RATE_NONE, HTTP_ROUTE_UNFINISHED_SIGNIN},
    {"POST", "/staff/account/totp", staff_enrol, ROLE_ALL, true, HTTP_BODY_FORM, HTTP_RATE_LOGIN,
     HTTP_ROUTE_UNFINISHED_SIGNIN},

    /* Staff: admins of an office. */
    {"GET", "/staff/admin/users", staff_users, ROLE_ADMIN, false, HTTP_BODY_NONE, HTTP_RATE_NONE},
    {"GET", "/staff/admin/users/new", staff_user_new, ROLE_ADMIN, false, HTTP_BODY_NONE,
     HTTP_RATE_NONE},
    {"POST", "/staff/admin/users", staff_user_create, ROLE_ADMIN, true, HTTP_BODY_FORM,
     HTTP_RATE_NONE},
    {"GET", "/staff/admin/users/{id}", staff_user_show, ROLE_ADMIN, false, HTTP_BODY_NONE,
     HTTP_RATE_NONE},
    {"POST", "/staff/admin/users/{id}", staff_user_update, ROLE_ADMIN, true, HTTP_BODY_FORM,
     HTTP_RATE_NONE},
    {"POST", "/staff/admin/users/{id}/password", staff_user_password, ROLE_ADMIN, true,
     HTTP_BODY_FORM, HTTP_RATE_NONE},
    {"POST", "/staff/admin/users/{id}/disable", staff_user_disable, ROLE_ADMIN, true,
     HTTP_BODY_FORM, HTTP_RATE_NONE},
    {"POST", "/staff/admin/users/{id}/enable", staff_user_enable, ROLE_ADMIN, true, HTTP_BODY_FORM,
     HTTP_RATE_NONE},
    {"GET", "/staff/admin/audit", staff_audit, ROLE_ADMIN, false, HTTP_BODY_NONE, HTTP_RATE_NONE},
};

const struct http_route *web_routes(size_t *count)
{
  *count = ARRAY_LEN(routes);
  return routes;
}
