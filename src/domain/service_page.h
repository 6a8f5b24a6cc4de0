/*
 * service_page.h - what the public page of one service reads ("check before you go", its QR
 * code), as one call: the service, its unit and its downloadable forms, all from the
 * in-memory directory (no query). Also a form file for download.
 *
 * Strings are never NULL ("" when empty). The unit, the service and its forms point into the
 * directory snapshot, held until the arena given to the call is freed; the service's
 * catalogue record (service->record: summary, steps, documents, channels ...) is read only.
 */
#ifndef BIANMIN_DOMAIN_SERVICE_PAGE_H
#define BIANMIN_DOMAIN_SERVICE_PAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/directory.h"

struct arena;
struct store;

struct service_page {
  const struct dir_service *service; /* published */
  const struct dir_unit *unit;       /* NULL: none */
  bool applicable_online;            /* apply_service_online (domain/apply.h) */
  const struct dir_form *forms;      /* by sort (directory.h); only when asked for */
  size_t form_count;
};

/* The office's published service with this slug; ST_NOTFOUND when there is none (or it is
 * not published). The forms are read only when with_forms. */
int service_page_read(struct store *store, struct arena *arena, int64_t office_id, const char *slug,
                      bool with_forms, struct service_page *out);

/* A form file of a published service of the office, for download. */
struct service_form_file {
  const char *mime, *name;
  void *bytes; /* malloc'd: the caller frees it */
  size_t len;
};
/* ST_NOTFOUND when no published service of the office links to sha256. */
int service_form_file_read(struct store *store, struct arena *arena, int64_t office_id,
                           const char *sha256, struct service_form_file *out);

#endif
