/*
 * apply_docs.c - documents and the read models of the journey's later pages (apply_docs.h).
 * Reads of more than one query run inside one read transaction.
 */
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "domain/accounts.h"
#include "domain/apply_docs.h"
#include "domain/audit.h"
#include "domain/cases.h"
#include "domain/cases_internal.h"
#include "domain/read_model.h"
#include "store/directory.h"
#include "store/store.h"

#include "base/common.h"

static int copy_uploads(struct arena *arena, json_t *rows, struct apply_upload_info **out,
                        size_t *count)
{
  json_t *row;
  size_t i;
  *out = read_model_array(arena, json_array_size(rows), sizeof **out);
  if (!*out)
    return ST_NOMEM;
  json_array_foreach(rows, i, row)
  {
    (*out)[i].id = read_model_int(row, "id");
    (*out)[i].size = read_model_int(row, "size");
    if (!((*out)[i].name = read_model_text(arena, row, "name")))
      return ST_NOMEM;
  }
  *count = json_array_size(rows);
  return ST_OK;
}

int apply_uploads_read(struct store *store, struct arena *arena, int64_t draft_id, int64_t case_id,
                       struct apply_upload_info **out, size_t *count)
{
  json_t *rows = NULL;
  *out = NULL;
  *count = 0;
  int rc = store_uploads_of(store, draft_id, case_id, &rows);
  if (!rc)
    rc = copy_uploads(arena, rows, out, count);
  json_decref(rows);
  return rc;
}

int apply_upload_remove(const struct case_env *env, json_t *draft, int64_t id)
{
  int64_t draft_id = json_integer_value(json_object_get(draft, "id"));
  return id > 0 && draft_id > 0 ? store_upload_remove(env->store, draft_id, id) : ST_NOTFOUND;
}

/* The upload id when it belongs to case_id (inside the caller's transaction, if any). */
static int document_of(struct store *store, struct arena *arena, int64_t case_id, int64_t id,
                       struct apply_document *out)
{
  json_t *meta = NULL;
  *out = (struct apply_document){0};
  int rc = id > 0 ? store_upload_get(store, id, &meta, &out->bytes, &out->len) : ST_NOTFOUND;
  if (!rc && read_model_int(meta, "case_id") != case_id)
    rc = ST_NOTFOUND;
  if (!rc) {
    out->name = read_model_text(arena, meta, "name");
    out->mime = read_model_text(arena, meta, "mime");
    if (!out->name || !out->mime)
      rc = ST_NOMEM;
  }
  json_decref(meta);
  if (rc) {
    free(out->bytes);
    *out = (struct apply_document){0};
  }
  return rc;
}

int apply_document_for_staff(const struct case_env *env, const struct case_actor *actor,
                             struct arena *arena, int64_t case_id, int64_t id, const char *upload,
                             struct apply_document *out)
{
  json_t *row = NULL, *detail = NULL;
  struct case_record c;
  struct audit_actor who = {actor->office_id, actor->user_id, actor->username, actor->ip};
  *out = (struct apply_document){0};
  int rc = case_id > 0 ? case_view_open(env, actor, case_id, &row, &c) : ST_NOTFOUND;
  if (!rc) /* the document is the applicant's data: a view, and which document */
    rc = case_staff_viewed(env, actor, &c);
  if (!rc && !(detail = json_pack("{s:s}", "upload", upload ? upload : "")))
    rc = ST_NOMEM;
  if (!rc)
    rc = audit_record(env->store, &who, "person.document", "case", c.case_key, detail);
  json_decref(detail);
  json_decref(row);
  return rc ? rc : document_of(env->store, arena, case_id, id, out);
}

int apply_document_by_token(struct store *store, struct arena *arena, const char *token, int64_t id,
                            struct apply_document *out)
{
  char hash[65];
  json_t *c = NULL;
  *out = (struct apply_document){0};
  if (!token || strlen(token) != CASE_TOKEN_SIZE - 1)
    return ST_NOTFOUND;
  accounts_token_hash(token, hash);
  int rc = store_begin_read(store);
  if (rc)
    return rc;
  rc = store_case_by_token(store, hash, &c);
  if (!rc)
    rc = document_of(store, arena, read_model_int(c, "id"), id, out);
  json_decref(c);
  rc = store_end_read(store, rc);
  if (rc) {
    free(out->bytes);
    *out = (struct apply_document){0};
  }
  return rc;
}

int apply_done_read(struct store *store, struct arena *arena, int64_t office_id, int64_t case_id,
                    struct apply_done *out)
{
  const struct directory *dir = NULL;
  json_t *c = NULL;
  *out = (struct apply_done){0};
  int rc = directory_acquire(store, arena, &dir);
  if (!rc)
    rc = store_case_get(store, office_id, case_id, &c);
  if (!rc) {
    out->office = directory_office(dir, office_id);
    out->roc_year = read_model_int(c, "roc_year");
    out->serial = read_model_int(c, "serial");
    out->due_at = read_model_int(c, "due_at");
    out->time_limit_minutes = read_model_int(c, "time_limit_minutes");
    out->word_code = read_model_text(arena, c, "word_code");
    out->word_zh = directory_word_zh(dir, out->office, out->word_code);
    out->check_code = read_model_text(arena, c, "check_code");
    out->status = read_model_text(arena, c, "status");
    if (!out->office)
      rc = ST_NOTFOUND;
    else if (!out->word_code || !out->check_code || !out->status)
      rc = ST_NOMEM;
  }
  json_decref(c);
  return rc;
}

static int read_online(struct store *store, struct arena *arena, int64_t case_id,
                       struct apply_online_case *out)
{
  json_t *online = NULL;
  int rc = store_case_online(store, case_id, &online);
  if (rc == ST_NOTFOUND)
    return ST_OK;
  if (!rc) {
    const char *answers = json_string_value(json_object_get(online, "answers"));
    out->answers = json_loads(answers ? answers : "", 0, NULL);
    out->description = read_model_text(arena, online, "description");
    if (!out->description)
      rc = ST_NOMEM;
  }
  json_decref(online);
  return rc;
}

int apply_online_case_read_in(struct store *store, struct arena *arena, const struct directory *dir,
                              int64_t office_id, int64_t service_id, int64_t case_id,
                              struct apply_online_case *out)
{
  json_t *rows = NULL;
  *out = (struct apply_online_case){.description = ""};
  const struct dir_service *service = directory_service(dir, service_id);
  if (service && service->office_id == office_id)
    out->questions = json_object_get(service->record, "questions");
  int rc = read_online(store, arena, case_id, out);
  if (!rc)
    rc = store_uploads_of(store, 0, case_id, &rows);
  if (!rc)
    rc = copy_uploads(arena, rows, &out->uploads, &out->upload_count);
  json_decref(rows);
  if (rc) {
    json_decref(out->answers);
    out->answers = NULL;
  }
  return rc;
}
