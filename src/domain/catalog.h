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
/* A 即時 service's (time limit 0) limit for a case that arrives online, by post or through the
 * API, when the service does not set remote_instant_minutes: one working day. */
#define CATALOG_REMOTE_INSTANT_DEFAULT 480
/* The largest form file accepted, in bytes. */
#define CATALOG_FORM_MAX (5 * 1024 * 1024)
/* A case word's Chinese word and English name, in bytes (8 CJK characters; 64 ASCII). */
#define CATALOG_WORD_ZH_MAX 32
#define CATALOG_WORD_EN_MAX 64
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
 *   {"format": "bianmin-catalog", "version": 1, "office": slug,
 *    "words": [{"code": "EB02", "word_zh": "新測", "word_en": "Survey"}] (the office's case
 *    words, 收件字, which services name by "case_word_code"), "services": [service + "forms":
 *    [{"kind", "format", "title_zh", "title_en", "sort", "name", "content_base64"}]],
 *    "faq": [faq], "announcements": [announcement]}
 * without ids, counters and timestamps (they belong to an installation). */
int catalog_export(struct store *store, int64_t office_id, json_t **out);

/* Imports such a document into the office: records are created or updated by slug, words by
 * code, before the services (nothing is
 * deleted), each change with a revision by actor (NULL: the system); all in ONE transaction, so a
 * document with any error changes nothing and err names the first problem by its JSON path. Unknown
 * fields are refused. Must not be called inside a transaction. */
int catalog_import(struct store *store, int64_t office_id, json_t *doc,
                   const struct catalog_actor *actor, char *err, size_t err_size);
/* The same by the system, where a form may instead name a file relative to base_dir ("file":
 * "forms/a.odt"; no "..", no absolute paths): for the CLI and the demo data, never for uploads. */
int catalog_import_dir(struct store *store, int64_t office_id, json_t *doc, const char *base_dir,
                       char *err, size_t err_size);

/* ---- what the catalogue admin pages read and change (catalog_admin.c) -------------------
 * Records stay JSON documents here: a record is edited, exported and snapshotted as a revision
 * as a whole, with the fields listed in store/store.h "Services", "FAQ", "Announcements". */

/* One record of the office by id (or by slug when id is 0), published or not; ST_NOTFOUND for
 * another office's. */
int catalog_service_read(struct store *store, int64_t office_id, int64_t id, const char *slug,
                         json_t **out);
int catalog_faq_read(struct store *store, int64_t office_id, int64_t id, const char *slug,
                     json_t **out);
int catalog_announcement_read(struct store *store, int64_t office_id, int64_t id, const char *slug,
                              json_t **out);
/* Every record of entity ("service", "faq" or "announcement") of the office, published or
 * not, in the store's order. ST_INVALID for another entity. */
int catalog_records_list(struct store *store, int64_t office_id, const char *entity, json_t **out);
/* A record's revisions, newest first: {"id", "action", "actor", "created_at", "snapshot", ...}. */
int catalog_revisions_read(struct store *store, const char *entity, int64_t id, json_t **out);
/* A service's form files: [{"sha256", "kind", "format", "title_zh", "title_en", "sort", "name",
 * "size", ...}] by sort. */
int catalog_service_forms_read(struct store *store, int64_t service_id, json_t **out);

/* A form file to link to a service; the caller checked its type (catalog_form_mime). */
struct catalog_form_upload {
  const void *bytes;
  size_t len;
  const char *mime, *filename, *kind, *format, *title_zh, *title_en;
};
/* In one transaction, with a revision of the service (its record plus forms) by actor: stores
 * and links upload after the other files (replacing a link to the same file), or, upload NULL,
 * removes the link to the file remove_sha (ST_NOTFOUND when no such link). */
int catalog_service_forms_change(struct store *store, int64_t office_id, int64_t service_id,
                                 const struct catalog_actor *actor, const char *remove_sha,
                                 const struct catalog_form_upload *upload);

/* ---- what the public FAQ and news pages read and record (catalog_public.c) ------------- */

/* The office's published FAQ by sort and id. */
int catalog_faq_published(struct store *store, int64_t office_id, json_t **out);
/* The FAQ page's search: faq_page_read (domain/faq_page.h). */
/* A published FAQ entry, counted as viewed; ST_NOTFOUND unless published. */
int catalog_faq_entry_read(struct store *store, int64_t office_id, int64_t id, json_t **out);
/* A reader's "was this helpful" vote on a published entry; ST_NOTFOUND otherwise. */
int catalog_faq_vote(struct store *store, int64_t office_id, int64_t id, bool helpful);
/* The office's published announcements running on today, or (archive) those that ended. */
int catalog_news_list(struct store *store, int64_t office_id, bool archive, const char *today,
                      json_t **out);
/* A published announcement that has started by today; ST_NOTFOUND otherwise. */
int catalog_news_entry_read(struct store *store, int64_t office_id, int64_t id, const char *today,
                            json_t **out);

#endif
