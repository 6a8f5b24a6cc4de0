/*
 * catalog.h - the service catalogue, FAQ and announcements: the rules for changing them (every
 * change checked, and recorded as a revision in the same transaction) and the catalogue's JSON
 * export and import, so an office can move its setup between installations.
 *
 * Records are the store's objects (store.h, "Catalogue"). Errors are written to err as
 * "path: what is wrong", e.g. "services[3].time_limit_minutes: must be a whole number of
 * minutes from 0 to 43200"; a refused change writes nothing.
 */
#ifndef BIANMIN_DOMAIN_CATALOG_H
#define BIANMIN_DOMAIN_CATALOG_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct store;

/* Who makes a change: a user id (0 = none) and a display name. NULL means the system (the CLI,
 * the demo loader). */
struct catalog_actor {
  int64_t user_id;
  const char *name;
};

/* The longest time limit, in working minutes (90 working days of 8 hours). */
#define CATALOG_TIME_LIMIT_MAX 43200
/* The largest form file accepted, in bytes. */
#define CATALOG_FORM_MAX (5 * 1024 * 1024)
/* The largest import document's item counts. */
#define CATALOG_IMPORT_MAX_ITEMS 1000

/* Service topics (the codes a service's "topic" may take; "" = none). Labels are the
 * translation keys "topic_<code>" with '-' as '_'. */
extern const char *const catalog_topics[];
extern const size_t catalog_topic_count;
/* Announcement kinds; labels are "news_kind_<code>". */
extern const char *const catalog_announcement_kinds[];
extern const size_t catalog_announcement_kind_count;

/* Create or update (by slug) one record of the office, checked, with a revision; *id (may be
 * NULL) receives its id. Saving identical content changes nothing and writes no revision.
 * A service may carry "forms" (see catalog_import). Must not be called inside a transaction.
 * ST_INVALID (err says why), ST_NOTFOUND (no such office), ST_DB. */
int catalog_service_save(struct store *store, int64_t office_id, json_t *service,
                         const struct catalog_actor *actor, int64_t *id, char *err,
                         size_t err_size);
int catalog_faq_save(struct store *store, int64_t office_id, json_t *faq,
                     const struct catalog_actor *actor, int64_t *id, char *err, size_t err_size);
int catalog_announcement_save(struct store *store, int64_t office_id, json_t *announcement,
                              const struct catalog_actor *actor, int64_t *id, char *err,
                              size_t err_size);

/* Publish or unpublish by id, with a revision ("publish" / "unpublish") when it changes. */
int catalog_service_publish(struct store *store, int64_t office_id, int64_t id, bool published,
                            const struct catalog_actor *actor, char *err, size_t err_size);
int catalog_faq_publish(struct store *store, int64_t office_id, int64_t id, bool published,
                        const struct catalog_actor *actor, char *err, size_t err_size);
int catalog_announcement_publish(struct store *store, int64_t office_id, int64_t id, bool published,
                                 const struct catalog_actor *actor, char *err, size_t err_size);

/* Checks that bytes really are a form file of format ("odt": an ODF text document, a zip whose
 * first entry is the stored "mimetype" application/vnd.oasis.opendocument.text; "pdf": starts
 * with %PDF-), at most CATALOG_FORM_MAX bytes. Returns the MIME type, or NULL. */
const char *catalog_form_mime(const void *bytes, size_t len, const char *format);

/* The office's whole catalogue as one document (new reference):
 *   {"format": "bianmin-catalog", "version": 1, "office": slug, "services": [service + "forms":
 *    [{"kind", "format", "title_zh", "title_en", "sort", "name", "content_base64"}]],
 *    "faq": [faq], "announcements": [announcement]}
 * without ids, counters and timestamps (they belong to an installation). */
int catalog_export(struct store *store, int64_t office_id, json_t **out);

/* Imports such a document into the office: records are created or updated by slug (nothing is
 * deleted), each change with a revision by actor (NULL: the system); all in ONE transaction, so a
 * document with any error changes nothing and err names the first problem by its JSON path. Unknown
 * fields are refused. Must not be called inside a transaction. */
int catalog_import(struct store *store, int64_t office_id, json_t *doc,
                   const struct catalog_actor *actor, char *err, size_t err_size);
/* The same by the system, where a form may instead name a file relative to base_dir ("file":
 * "forms/a.odt"; no "..", no absolute paths): for the CLI and the demo data, never for uploads. */
int catalog_import_dir(struct store *store, int64_t office_id, json_t *doc, const char *base_dir,
                       char *err, size_t err_size);

#endif
