/*
 * routes.c - the route table: every page and API of bianmin, as data. Each row names the
 * method, the path pattern, the handler, the role needed (0 = public), whether the CSRF token
 * is required, the body cap and the rate class.
 */
#include "web/app.h"
#include "web/public/catalog.h"
#include "web/public/home.h"

#include "base/common.h"

static const struct http_route routes[] = {
    {"GET", "/", home_index, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC},
    {"GET", "/o/{office}", home_office_redirect, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC},
    {"GET", "/o/{office}/", home_office, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC},
    {"GET", "/o/{office}/search", search_office, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC},
    /* The catalogue (catalog.h). */
    {"GET", "/o/{office}/services", catalog_services, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC},
    {"GET", "/o/{office}/services/{slug}", catalog_service, 0, false, HTTP_BODY_NONE,
     HTTP_RATE_PUBLIC},
    {"GET", "/o/{office}/services/{slug}/qr.svg", catalog_service_qr, 0, false, HTTP_BODY_NONE,
     HTTP_RATE_PUBLIC},
    {"GET", "/o/{office}/files/{sha256}", catalog_file, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC},
    {"GET", "/o/{office}/faq", faq_index, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC},
    {"GET", "/o/{office}/faq/{id}", faq_entry, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC},
    /* TODO(accounts): csrf becomes true when public forms carry the double-submit token. */
    {"POST", "/o/{office}/faq/{id}/vote", faq_vote, 0, false, HTTP_BODY_FORM, HTTP_RATE_PUBLIC},
    {"GET", "/o/{office}/news", news_current, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC},
    {"GET", "/o/{office}/news/archive", news_archive, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC},
    {"GET", "/o/{office}/news/{id}", news_entry, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC},
    {"GET", "/o/{office}/news/{id}/qr.svg", news_qr, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC},
};

const struct http_route *web_routes(size_t *count)
{
  *count = ARRAY_LEN(routes);
  return routes;
}
