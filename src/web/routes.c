/*
 * routes.c - the route table: every page and API of bianmin, as data. Each row names the
 * method, the path pattern, the handler, the role needed (0 = public), whether the CSRF token
 * is required, the body cap and the rate class.
 */
#include "web/app.h"
#include "web/public/home.h"

#include "base/common.h"

static const struct http_route routes[] = {
    {"GET", "/", home_index, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC},
    {"GET", "/o/{office}", home_office_redirect, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC},
    {"GET", "/o/{office}/", home_office, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC},
    {"GET", "/o/{office}/search", search_office, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC},
};

const struct http_route *web_routes(size_t *count)
{
  *count = ARRAY_LEN(routes);
  return routes;
}
