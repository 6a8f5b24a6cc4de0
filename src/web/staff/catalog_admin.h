/*
 * catalog_admin.h - catalogue administration for an office's admins (/staff/admin/catalog):
 * services, FAQ and announcements edited with both languages side by side, publishing, form
 * files, revision history, and the catalogue's JSON export and import.
 *
 * Every lookup takes the session's office, so another office's record is "not found". Changes
 * go through domain/catalog.h, which records a revision with the signed-in actor.
 */
#ifndef BIANMIN_WEB_STAFF_CATALOG_ADMIN_H
#define BIANMIN_WEB_STAFF_CATALOG_ADMIN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/catalog.h"
#include "domain/lookup.h"
#include "http/http.h"

struct store;

/* Body caps: a form upload (a 5 MiB file plus its fields) and an import document. */
#define CATADMIN_UPLOAD_BODY_MAX (6 * 1024 * 1024)
#define CATADMIN_IMPORT_BODY_MAX (12 * 1024 * 1024)

/* Handlers (routes.c). {kind} is "services", "faq" or "announcements". */
int catadmin_overview(struct http_request *req, struct http_response *res);
int catadmin_list(struct http_request *req, struct http_response *res);
int catadmin_new(struct http_request *req, struct http_response *res);
int catadmin_create(struct http_request *req, struct http_response *res);
int catadmin_edit(struct http_request *req, struct http_response *res);
int catadmin_update(struct http_request *req, struct http_response *res);
int catadmin_publish(struct http_request *req, struct http_response *res);
int catadmin_unpublish(struct http_request *req, struct http_response *res);
int catadmin_history(struct http_request *req, struct http_response *res);
int catadmin_form_upload(struct http_request *req, struct http_response *res);
int catadmin_form_remove(struct http_request *req, struct http_response *res);
int catadmin_export(struct http_request *req, struct http_response *res);
int catadmin_import(struct http_request *req, struct http_response *res);

/* ---- shared by the catalog_admin*.c files ---- */

enum catadmin_type {
  CA_LINE,       /* one line of text */
  CA_TEXT,       /* paragraphs */
  CA_LIST,       /* a list of one-line texts, one per line of a textarea */
  CA_INT,        /* a whole number */
  CA_INT_NULL,   /* a whole number or empty (null) */
  CA_BOOL,       /* a checkbox */
  CA_SLUG,       /* [a-z0-9-]{1,40}, set when a record is created */
  CA_DATE,       /* YYYY-MM-DD */
  CA_UNIT,       /* a unit code of the office, or "" */
  CA_TOPIC,      /* a topic code, or "" */
  CA_KIND,       /* an announcement kind */
  CA_URL,        /* empty or https://... */
  CA_TIME_LIMIT, /* time_limit_minutes, edited as a number and a unit */
};

/* CA_OMIT_EMPTY: an empty number leaves the key out of the record (the domain's default). */
enum { CA_PAIR = 1, CA_REQUIRED = 2, CA_OMIT_EMPTY = 4 };

struct catadmin_field {
  const char *name; /* the record's key; for CA_PAIR the stem of <name>_zh and <name>_en */
  enum catadmin_type type;
  unsigned flags;
  long long max; /* bytes (text), items (list), or the largest number */
  const char *label_key;
};

struct catadmin_kind {
  const char *segment;     /* the URL's {kind} */
  const char *entity;      /* the revisions' entity */
  const char *title_field; /* the bilingual stem that names a record */
  const char *list_key, *new_key, *edit_key, *history_key;
  const struct catadmin_field *fields;
  size_t field_count;
  const char *const *kept; /* stored fields the form does not edit, carried over on update */
  size_t kept_count;
  int (*save)(struct store *, int64_t, json_t *, const struct catalog_actor *, int64_t *, char *,
              size_t);
  int (*publish)(struct store *, int64_t, int64_t, bool, const struct catalog_actor *, char *,
                 size_t);
  int (*get)(struct store *, int64_t, int64_t, const char *, json_t **);
};

/* The {kind} capture's kind, or NULL. */
const struct catadmin_kind *catadmin_kind_of(struct http_request *req);
/* The kind of a revisions' entity name ("service" ...), or NULL. */
const struct catadmin_kind *catadmin_kind_by_entity(const char *entity);
/* The {id} record of the session's office: ST_NOTFOUND when it is another office's or none. */
int catadmin_record(struct http_request *req, struct store *store, const struct catadmin_kind *k,
                    json_t **record);
/* The actor of a change: the signed-in person. */
void catadmin_actor(const struct http_request *req, struct catalog_actor *actor);
/* "/staff/admin/catalog/<segment>/<id>" in the arena. */
const char *catadmin_href(struct http_request *req, const struct catadmin_kind *k, int64_t id);

/* The form's values (strings by input id) from a stored record. */
json_t *catadmin_values_from_record(const struct catadmin_kind *k, json_t *record);
/* Reads and checks the submitted form: fills record (for the domain) and values (as typed);
 * every problem is added to view's errors with the field's label. existing is the stored
 * record when editing (its slug and the kept fields are carried over), NULL when creating. */
int catadmin_read_form(struct http_request *req, struct store *store, const struct catadmin_kind *k,
                       json_t *existing, json_t *record, json_t *values, json_t *view);
/* The form's rows for the template, from values and view's field_errors. */
int catadmin_rows(struct http_request *req, struct store *store, const struct catadmin_kind *k,
                  json_t *values, bool is_new, json_t *view, json_t **rows);
/* The label of a record key ("name_en" -> "Name (English)"), for errors and the history. */
const char *catadmin_key_label(struct http_request *req, const struct catadmin_kind *k,
                               const char *key);
/* Maps a domain error ("service.time_limit_minutes: ...") to the form's input id. */
const char *catadmin_error_input(struct http_request *req, const struct catadmin_kind *k,
                                 const char *err);
/* The slug of the session's office (for public links and export file names). */
const char *catadmin_office_slug(struct http_request *req, struct store *store);
/* The form page of a record (record NULL: a new one) showing values, answered with status; view
 * may already hold errors or a notice. Takes ownership of view. */
int catadmin_form_page(struct http_request *req, struct http_response *res, struct store *store,
                       const struct catadmin_kind *k, json_t *record, json_t *values, json_t *view,
                       int status);
/* Adds what the edit page shows of a stored record to view: "record" (published state, last
 * update, public link, publish and history links) and, for a service, its "forms". */
int catadmin_record_view(struct http_request *req, struct store *store,
                         const struct catadmin_kind *k, json_t *record, json_t *view);
/* A stored "YYYY-MM-DDTHH:MM:SSZ" as a Taiwan date and time in the request's language. */
const char *catadmin_datetime(struct http_request *req, const char *iso);

#endif
