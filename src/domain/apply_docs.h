/*
 * apply_docs.h - the online journey's documents and what its pages read after submission, as
 * one call each: a draft's or case's uploads, removing a draft's upload, a document for
 * download (the applicant's by the QR token, staff's by the case), the confirmation page's
 * case, and what an online case shows staff (answers and documents).
 *
 * Strings live in the arena given to the call and are never NULL ("" when empty). Office and
 * service point into the directory snapshot, held until the arena is freed.
 */
#ifndef BIANMIN_DOMAIN_APPLY_DOCS_H
#define BIANMIN_DOMAIN_APPLY_DOCS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/directory.h"

struct arena;
struct case_actor;
struct case_env;
struct store;

/* An uploaded document as pages list it. */
struct apply_upload_info {
  int64_t id, size;
  const char *name;
};

/* A draft's (draft_id > 0) or a case's (case_id > 0) uploads, oldest first. */
int apply_uploads_read(struct store *store, struct arena *arena, int64_t draft_id, int64_t case_id,
                       struct apply_upload_info **out, size_t *count);
/* Removes an upload of the draft (not yet submitted); ST_NOTFOUND when it has none with id. */
int apply_upload_remove(const struct case_env *env, json_t *draft, int64_t id);

/* A document for download. */
struct apply_document {
  const char *name, *mime;
  void *bytes; /* malloc'd: the caller frees it */
  size_t len;
};
/* The upload id of case case_id for staff who may see the case (ST_FORBIDDEN, ST_NOTFOUND
 * as the staff case page): the view of the applicant's data and of the document (upload, the
 * id as asked) are audited, then the document is read. ST_NOTFOUND when the upload belongs to
 * no such case. */
int apply_document_for_staff(const struct case_env *env, const struct case_actor *actor,
                             struct arena *arena, int64_t case_id, int64_t id, const char *upload,
                             struct apply_document *out);
/* The upload id of the case of a QR token; ST_NOTFOUND for an unknown token or another case's
 * upload. */
int apply_document_by_token(struct store *store, struct arena *arena, const char *token, int64_t id,
                            struct apply_document *out);

/* What the confirmation page shows of the case just submitted. */
struct apply_done {
  const struct dir_office *office;
  int64_t roc_year, serial, due_at; /* due_at 0: none */
  int64_t time_limit_minutes;       /* the case's own (a 即時 service's online limit) */
  const char *word_code, *check_code, *status;
  const char *word_zh; /* the Chinese word of word_code at the office; "" when none */
};
/* The office's case case_id; ST_NOTFOUND when none. */
int apply_done_read(struct store *store, struct arena *arena, int64_t office_id, int64_t case_id,
                    struct apply_done *out);

/* What an online (or API) case shows staff: the applicant's answers to the service's form
 * (both JSON by nature), the free-text description and the documents. */
struct apply_online_case {
  json_t *answers;         /* {code: answer} (new reference, may be NULL): the caller frees it */
  const json_t *questions; /* the service's form, read only; NULL when the service is gone */
  const char *description;
  struct apply_upload_info *uploads;
  size_t upload_count;
};
/* Inside the caller's read transaction, the service's form from dir; ST_OK with everything
 * empty when the case has no online record. */
struct directory;
int apply_online_case_read_in(struct store *store, struct arena *arena, const struct directory *dir,
                              int64_t office_id, int64_t service_id, int64_t case_id,
                              struct apply_online_case *out);

#endif
