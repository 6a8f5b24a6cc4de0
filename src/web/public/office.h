/*
 * office.h - the public view of an office and its units, shared by the public pages.
 */
#ifndef BIANMIN_WEB_PUBLIC_OFFICE_H
#define BIANMIN_WEB_PUBLIC_OFFICE_H

#include <jansson.h>
#include <stdbool.h>

#include "http/http.h"

struct store;

/* A stored phone number ("07-2358200 分機 201", "07-2358200#201", "(07)2358200 ext. 201") as
 * public pages show it, the one rule for every phone of the directory: text in the page's
 * language ("07-2358200 分機 201", in English "07-2358200 ext. 201"; as stored when it has no
 * extension) and href a tel: URI that dials the number and then, after a pause (","), the
 * extension: "tel:+886-7-2358200,201" (a number with a leading 0 is made global with +886).
 * href is NULL when the number has characters a number does not; text then is as stored.
 * Offices and units (office_dir_tview, office_units_view) carry both as phone_text and
 * phone_href beside the stored phone. In the request's arena. */
struct office_phone {
  const char *text, *href;
};
struct office_phone office_phone(struct http_request *req, const char *stored);

/* The localised public view of an office of the directory (domain/directory.h; new
 * reference). */
struct dir_office;
json_t *office_dir_view(struct http_request *req, const struct dir_office *office);
/* The same as a view (render/view.h) in the request's arena. */
struct view office_dir_tview(struct http_request *req, struct view_builder *b,
                             const struct dir_office *office);
/* The office named by the {office} capture, from the directory: ST_NOTFOUND when none. */
int office_of_request(struct http_request *req, struct store *store,
                      const struct dir_office **office);
/* The localised unit directory of an office (new reference, an array). */
int office_units_view(struct http_request *req, struct store *store,
                      const struct dir_office *office, json_t **out);
/* The main areas of an office's site, as links (new reference, an array). */
json_t *office_areas(struct http_request *req, const char *slug, bool land_office);

#endif
