/*
 * outcome_docs.h - outcome documents (issue 15): what staff issue on a case (a certificate as PDF
 * or an image) for the applicant to download through the case's link /p/<token>.
 *
 * Who: the handlers and supervisors who may act on the case (case_may_act, as every other case
 * action; counter clerks do not issue). When: while the case is open. Each attach and withdrawal
 * is a timeline event and an audit row in the same transaction; each download through the link
 * writes an audit row before the bytes are sent. A withdrawn document keeps its row (who, when,
 * why) for staff and is no longer offered to the applicant.
 *
 * Access is by the link's token only, never by number and check code: the token (a keyed hash of
 * the office, number and check code, or 32 random bytes) is what the receipt's QR code and
 * every notice carry to the applicant alone, while a number and a six-digit check code are read
 * out at counters and over the phone and are guessed at (rate-limited, but guessable).
 *
 * Refusals are ST_INVALID or ST_FORBIDDEN with *reason a translation key.
 */
#ifndef BIANMIN_DOMAIN_OUTCOME_DOCS_H
#define BIANMIN_DOMAIN_OUTCOME_DOCS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/apply.h"
#include "domain/apply_docs.h"
#include "domain/cases.h"

struct arena;
struct store;

enum {
  OUTCOME_FILE_MAX = 10 * 1024 * 1024, /* bytes of one document */
  OUTCOME_DOCS_MAX = 20,               /* documents offered on one case */
  OUTCOME_REASON_MAX_CHARS = 200,      /* a withdrawal's reason */
  /* the upload route's body cap: one file and the form's few fields */
  OUTCOME_UPLOAD_BODY_MAX = OUTCOME_FILE_MAX + 64 * 1024
};

/* One document as pages list it; strings in the read's arena, never NULL. */
struct outcome_doc {
  int64_t id, size, created_at, withdrawn_at; /* withdrawn_at 0: offered */
  const char *name, *mime, *created_by_name, *withdrawn_by_name, *withdrawn_reason;
};

/* The case's documents, oldest first (all, or only those offered), inside the caller's read. */
int outcome_docs_read(struct store *store, struct arena *arena, int64_t case_id, bool withdrawn_too,
                      struct outcome_doc **out, size_t *count);
/* Whether the actor's roles let them attach and withdraw documents (handlers, supervisors); the
 * case must still be theirs to act on (case_may_act) and open. Pages offer the forms only then. */
bool outcome_docs_may_manage(const struct case_actor *actor);

/* Attaches file to case id: a PDF, JPEG or PNG (the real type, by libmagic) of 1 byte to
 * OUTCOME_FILE_MAX, at most OUTCOME_DOCS_MAX offered. Nothing is stored on refusal. */
int outcome_doc_attach(const struct case_env *env, const struct case_actor *actor, int64_t id,
                       const struct apply_file *file, const char **reason);
/* Withdraws document doc_id of case id with a reason (1..OUTCOME_REASON_MAX_CHARS characters);
 * ST_NOTFOUND when the case offers no such document. */
int outcome_doc_withdraw(const struct case_env *env, const struct case_actor *actor, int64_t id,
                         int64_t doc_id, const char *why, const char **reason);

/* Document doc_id of the case behind a link token, for the applicant, audited (action
 * case.outcome_download, actor "applicant", the client's ip) before it is returned; out->bytes
 * malloc'd. ST_NOTFOUND alike for an unknown token, another case's or a withdrawn document. */
int outcome_doc_by_token(const struct case_env *env, struct arena *arena, const char *token,
                         int64_t doc_id, const char *ip, struct apply_document *out);
/* Document doc_id (withdrawn too) of case id of the actor's office, for staff who may see the
 * case (its staff page's rule); ST_FORBIDDEN otherwise. */
int outcome_doc_for_staff(const struct case_env *env, const struct case_actor *actor,
                          struct arena *arena, int64_t id, int64_t doc_id,
                          struct apply_document *out);

/* The names of the documents case_id offers, as a JSON array (new reference), inside the
 * caller's transaction: the "documents" variable of the ready notice. */
int outcome_doc_names(struct store *store, int64_t case_id, json_t **out);

#endif
