/*
 * outcome_docs.c - outcome documents (outcome_docs.h): attach, withdraw, download.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "base/text.h"
#include "domain/accounts.h"
#include "domain/audit.h"
#include "domain/cases_internal.h"
#include "domain/outcome_docs.h"
#include "domain/read_model.h"
#include "store/directory.h"
#include "store/store.h"

#include "base/common.h"

static int refuse(const char **reason, const char *key, int status)
{
  *reason = key;
  return status;
}

/* One document's row (read_model_fill). */
static int doc_fill(struct arena *arena, const json_t *r, void *element)
{
  struct outcome_doc *d = element;
  *d = (struct outcome_doc){read_model_int(r, "id"),
                            read_model_int(r, "size"),
                            read_model_int(r, "created_at"),
                            read_model_int(r, "withdrawn_at"),
                            read_model_text(arena, r, "name"),
                            read_model_text(arena, r, "mime"),
                            read_model_text(arena, r, "created_by_name"),
                            read_model_text(arena, r, "withdrawn_by_name"),
                            read_model_text(arena, r, "withdrawn_reason")};
  return d->name && d->mime && d->created_by_name && d->withdrawn_by_name && d->withdrawn_reason
             ? ST_OK
             : ST_NOMEM;
}

int outcome_docs_read(struct store *store, struct arena *arena, int64_t case_id, bool withdrawn_too,
                      struct outcome_doc **out, size_t *count)
{
  json_t *rows = NULL;
  void *docs = NULL;
  *out = NULL;
  *count = 0;
  int rc = store_outcomes_of(store, case_id, withdrawn_too, &rows);
  if (!rc)
    rc = read_model_rows(arena, rows, sizeof(struct outcome_doc), doc_fill, &docs, count);
  json_decref(rows);
  *out = docs;
  return rc;
}

bool outcome_docs_may_manage(const struct case_actor *actor)
{
  return (actor->roles & (ROLE_HANDLER | ROLE_SUPERVISOR)) != 0;
}

/* The issued document's type: a PDF or an image, as libmagic reads the bytes. */
static const char *outcome_type(const struct apply_file *f)
{
  const char *type = apply_file_type(f->data, f->len);
  if (type && (!strcmp(type, "application/pdf") || !strcmp(type, "image/jpeg") ||
               !strcmp(type, "image/png")))
    return type;
  return NULL;
}

static int check_file(const struct apply_file *f, char *shown, size_t size, const char **reason)
{
  if (!f || !f->data || f->len == 0)
    return refuse(reason, "outcome_err_file_none", ST_INVALID);
  apply_display_name(f->name, shown, size);
  if (!*shown || (f->raw_name && strcmp(f->raw_name, f->name ? f->name : "") != 0))
    return refuse(reason, "apply_err_file_name", ST_INVALID);
  if (f->len > OUTCOME_FILE_MAX)
    return refuse(reason, "outcome_err_file_size", ST_INVALID);
  if (!outcome_type(f))
    return refuse(reason, "outcome_err_file_type", ST_INVALID);
  return ST_OK;
}

/* The case is open and offers fewer than OUTCOME_DOCS_MAX documents. */
static int case_accepts(const struct case_env *env, const struct case_record *c,
                        const char **reason)
{
  json_t *offered = NULL;
  if (c->closed_at)
    return refuse(reason, "outcome_err_closed", ST_INVALID);
  int rc = store_outcomes_of(env->store, c->id, false, &offered);
  if (!rc && json_array_size(offered) >= OUTCOME_DOCS_MAX)
    rc = refuse(reason, "outcome_err_too_many", ST_INVALID);
  json_decref(offered);
  return rc;
}

static int record_attach(const struct case_env *env, const struct case_actor *actor,
                         const struct case_record *c, const char *behalf,
                         const struct store_outcome *d)
{
  int64_t doc_id = 0;
  int rc = store_outcome_add(env->store, d, &doc_id);
  if (!rc)
    /* public without the name: a lookup by number learns that there is a document, and
     * where to get it (the link), not what it is */
    rc = case_event(env, actor, c->id, "outcome_attached", "", "", "", true, behalf, NULL);
  json_t *detail = json_pack("{s:I, s:s, s:I}", "document", (json_int_t)doc_id, "name", d->name,
                             "size", (json_int_t)d->len);
  struct audit_actor who = {actor->office_id, actor->user_id, actor->username, actor->ip};
  if (!rc)
    rc = detail ? audit_record(env->store, &who, "case.outcome_attach", "case", c->case_key, detail)
                : ST_NOMEM;
  json_decref(detail);
  return rc;
}

int outcome_doc_attach(const struct case_env *env, const struct case_actor *actor, int64_t id,
                       const struct apply_file *file, const char **reason)
{
  char shown[512], sha[65];
  unsigned char digest[crypto_hash_sha256_BYTES];
  const char *behalf = NULL;
  struct case_open open;
  struct case_record *c = &open.c;
  *reason = NULL;
  if (!outcome_docs_may_manage(actor))
    return refuse(reason, "case_err_not_yours", ST_FORBIDDEN);
  int rc = check_file(file, shown, sizeof(shown), reason);
  if (!rc)
    rc = case_begin(env, actor, id, &open, &behalf, reason);
  if (rc)
    return rc;
  crypto_hash_sha256(digest, file->data, file->len);
  sodium_bin2hex(sha, sizeof(sha), digest, sizeof(digest));
  struct store_outcome d = {c->office_id,
                            id,
                            sha,
                            shown,
                            outcome_type(file),
                            file->data,
                            file->len,
                            (int64_t)env->now,
                            actor->user_id,
                            actor->username ? actor->username : ""};
  rc = case_accepts(env, c, reason);
  if (!rc)
    rc = record_attach(env, actor, c, behalf, &d);
  return case_finish(env, rc, &open);
}

int outcome_doc_withdraw(const struct case_env *env, const struct case_actor *actor, int64_t id,
                         int64_t doc_id, const char *why, const char **reason)
{
  const char *behalf = NULL;
  struct case_open open;
  struct case_record *c = &open.c;
  *reason = NULL;
  if (!outcome_docs_may_manage(actor))
    return refuse(reason, "case_err_not_yours", ST_FORBIDDEN);
  if (!why || str_trim(str_from(why)).len == 0 || !str_valid_text(str_from(why), true) ||
      text_length(why) > OUTCOME_REASON_MAX_CHARS)
    return refuse(reason, "outcome_err_reason", ST_INVALID);
  int rc = case_begin(env, actor, id, &open, &behalf, reason);
  if (rc)
    return rc;
  rc = store_outcome_withdraw(env->store, id, doc_id, (int64_t)env->now,
                              actor->username ? actor->username : "", why);
  if (!rc)
    rc = case_event(env, actor, c->id, "outcome_withdrawn", "", "", why, false, behalf, NULL);
  json_t *detail = json_pack("{s:I, s:s}", "document", (json_int_t)doc_id, "reason", why);
  struct audit_actor who = {actor->office_id, actor->user_id, actor->username, actor->ip};
  if (!rc)
    rc = detail
             ? audit_record(env->store, &who, "case.outcome_withdraw", "case", c->case_key, detail)
             : ST_NOMEM;
  json_decref(detail);
  return case_finish(env, rc, &open);
}

/* The document's name, type and bytes from its row (store_outcome_get's). */
static int document_from(struct arena *arena, json_t *meta, void *bytes, size_t len,
                         struct apply_document *out)
{
  *out = (struct apply_document){read_model_text(arena, meta, "name"),
                                 read_model_text(arena, meta, "mime"), bytes, len};
  return out->name && out->mime ? ST_OK : ST_NOMEM;
}

/* The read of a download by token: the case (*c, new reference) and its offered document. */
static int token_read(struct store *store, struct arena *arena, const char *hash, int64_t doc_id,
                      json_t **c, struct apply_document *out)
{
  json_t *meta = NULL;
  void *bytes = NULL;
  size_t len = 0;
  int rc = store_case_by_token(store, hash, c);
  if (!rc)
    rc = store_outcome_get(store, case_int(*c, "id"), doc_id, &meta, &bytes, &len);
  if (!rc && case_int(meta, "withdrawn_at"))
    rc = ST_NOTFOUND;
  if (!rc)
    rc = document_from(arena, meta, bytes, len, out);
  else
    free(bytes);
  json_decref(meta);
  return rc;
}

int outcome_doc_by_token(const struct case_env *env, struct arena *arena, const char *token,
                         int64_t doc_id, const char *ip, struct apply_document *out)
{
  char hash[65];
  json_t *c = NULL;
  *out = (struct apply_document){0};
  if (!token || strlen(token) != CASE_TOKEN_SIZE - 1 || doc_id <= 0)
    return ST_NOTFOUND;
  accounts_token_hash(token, hash);
  int rc = store_begin_read(env->store);
  if (rc)
    return rc;
  rc = store_end_read(env->store, token_read(env->store, arena, hash, doc_id, &c, out));
  json_t *detail =
      rc ? NULL : json_pack("{s:I, s:s}", "document", (json_int_t)doc_id, "name", out->name);
  struct case_record r = {0};
  if (!rc)
    case_record_of(c, &r);
  struct audit_actor who = {r.office_id, 0, "applicant", ip ? ip : ""};
  if (!rc)
    rc = detail
             ? audit_record(env->store, &who, "case.outcome_download", "case", r.case_key, detail)
             : ST_NOMEM;
  json_decref(detail);
  json_decref(c);
  if (rc) {
    free(out->bytes);
    *out = (struct apply_document){0};
  }
  return rc;
}

int outcome_doc_for_staff(const struct case_env *env, const struct case_actor *actor,
                          struct arena *arena, int64_t id, int64_t doc_id,
                          struct apply_document *out)
{
  json_t *c = NULL, *meta = NULL;
  void *bytes = NULL;
  size_t len = 0;
  *out = (struct apply_document){0};
  int rc = store_begin_read(env->store);
  if (rc)
    return rc;
  rc = store_case_get(env->store, actor->office_id, id, &c);
  struct case_record r;
  if (!rc)
    case_record_of(c, &r);
  if (!rc && !case_may_view(env, actor, &r))
    rc = ST_FORBIDDEN;
  if (!rc)
    rc = store_outcome_get(env->store, id, doc_id, &meta, &bytes, &len);
  rc = store_end_read(env->store, rc);
  if (!rc)
    rc = document_from(arena, meta, bytes, len, out);
  if (rc) {
    free(bytes);
    *out = (struct apply_document){0};
  }
  json_decref(meta);
  json_decref(c);
  return rc;
}

int outcome_doc_names(struct store *store, int64_t case_id, json_t **out)
{
  json_t *rows = NULL, *row;
  size_t i;
  *out = json_array();
  int rc = *out ? store_outcomes_of(store, case_id, false, &rows) : ST_NOMEM;
  json_array_foreach(rows, i, row)
  {
    if (!rc && json_array_append_new(*out, json_string(case_text(row, "name"))))
      rc = ST_NOMEM;
  }
  json_decref(rows);
  if (rc) {
    json_decref(*out);
    *out = NULL;
  }
  return rc;
}
