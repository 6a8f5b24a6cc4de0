/*
 * plan_evidence.c - evidence files on plan progress entries (plan.h): attach, remove and
 * download, each in its own transaction with its audit row.
 */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/accounts.h"
#include "domain/apply.h"
#include "domain/apply_docs.h"
#include "domain/audit.h"
#include "domain/plan.h"
#include "store/directory.h"
#include "store/plan.h"
#include "store/store.h"

#include "base/common.h"

static int refuse(const char **reason, const char *key, int status)
{
  *reason = key;
  return status;
}

/* Administrators, and supervisors of the entry's unit. */
static bool may_manage(const struct plan_author *a, int64_t entry_unit)
{
  if (a->roles & ROLE_ADMIN)
    return true;
  return (a->roles & ROLE_SUPERVISOR) && a->unit_id && a->unit_id == entry_unit;
}

bool plan_evidence_may_attach(const struct plan_author *author, const struct plan_entry *entry)
{
  return may_manage(author, entry->unit_id);
}

bool plan_evidence_may_remove(const struct plan_author *author, const struct plan_entry *entry,
                              const struct plan_evidence *file)
{
  return file->created_by == author->actor->user_id || may_manage(author, entry->unit_id);
}

/* A file the plan keeps: PDF, JPEG, PNG or ODF as libmagic reads the bytes, with a name. */
static int check_file(const struct apply_file *f, char *shown, size_t size, const char **mime,
                      const char **reason)
{
  if (!f || !f->data || f->len == 0)
    return refuse(reason, "plan_err_evidence_none", ST_INVALID);
  apply_display_name(f->name, shown, size);
  if (!*shown || (f->raw_name && strcmp(f->raw_name, f->name ? f->name : "") != 0))
    return refuse(reason, "plan_err_evidence_name", ST_INVALID);
  if (f->len > PLAN_EVIDENCE_FILE_MAX)
    return refuse(reason, "plan_err_evidence_size", ST_INVALID);
  *mime = apply_file_type(f->data, f->len);
  return *mime ? ST_OK : refuse(reason, "plan_err_evidence_type", ST_INVALID);
}

static int audit(struct store *store, const struct audit_actor *actor, const char *action,
                 int64_t id, const char *name, int64_t entry)
{
  char key[24];
  snprintf(key, sizeof(key), "%lld", (long long)id);
  json_t *detail = json_pack("{s:s, s:I}", "name", name, "entry", (json_int_t)entry);
  int rc = detail ? audit_record(store, actor, action, "plan_evidence", key, detail) : ST_NOMEM;
  json_decref(detail);
  return rc;
}

static int attach(struct store *store, const struct plan_author *author, int64_t office_id,
                  int roc_year, int64_t point_id, struct store_plan_evidence *e, const void *bytes,
                  const char **reason)
{
  int64_t point = 0, unit = 0, files = 0, id = 0;
  int rc = store_plan_entry_get(store, office_id, roc_year, e->progress_id, &point, &unit, &files);
  if (!rc && point != point_id)
    rc = ST_NOTFOUND;
  if (!rc && !may_manage(author, unit))
    rc = refuse(reason, "plan_err_not_your_unit", ST_FORBIDDEN);
  if (!rc && files >= PLAN_EVIDENCE_PER_ENTRY)
    rc = refuse(reason, "plan_err_evidence_many", ST_INVALID);
  if (!rc)
    rc = store_plan_evidence_add(store, office_id, e, bytes, &id);
  if (!rc)
    rc = audit(store, author->actor, "plan.evidence_attach", id, e->name, e->progress_id);
  return rc;
}

int plan_evidence_attach(struct store *store, const struct plan_author *author, int64_t office_id,
                         int roc_year, int64_t point_id, int64_t entry_id,
                         const struct apply_file *file, time_t now, const char **reason)
{
  char shown[512], sha[65];
  unsigned char digest[crypto_hash_sha256_BYTES];
  const char *mime = NULL;
  *reason = NULL;
  int rc = check_file(file, shown, sizeof(shown), &mime, reason);
  if (rc)
    return rc;
  crypto_hash_sha256(digest, file->data, file->len);
  sodium_bin2hex(sha, sizeof(sha), digest, sizeof(digest));
  struct store_plan_evidence e = {
      0,     entry_id, (int64_t)file->len,  (int64_t)now, author->actor->user_id,
      shown, mime,     author->actor->name, sha};
  rc = store_begin(store);
  if (rc)
    return rc;
  rc = attach(store, author, office_id, roc_year, point_id, &e, file->data, reason);
  return rc ? (store_rollback(store), rc) : store_commit(store);
}

static int remove_file(struct store *store, struct arena *arena, const struct plan_author *author,
                       int64_t office_id, int roc_year, int64_t id, const char **reason)
{
  struct store_plan_evidence e;
  int64_t unit = 0;
  int rc = store_plan_evidence_get(store, arena, office_id, roc_year, id, &e, &unit, NULL, NULL);
  bool uploader = !rc && e.created_by == author->actor->user_id;
  if (!rc && !uploader && !may_manage(author, unit))
    rc = refuse(reason, "plan_err_evidence_not_yours", ST_FORBIDDEN);
  if (!rc)
    rc = store_plan_evidence_delete(store, office_id, id);
  if (!rc)
    rc = audit(store, author->actor, "plan.evidence_remove", id, e.name, e.progress_id);
  return rc;
}

int plan_evidence_remove(struct store *store, struct arena *arena, const struct plan_author *author,
                         int64_t office_id, int roc_year, int64_t evidence_id, const char **reason)
{
  *reason = NULL;
  int rc = store_begin(store);
  if (rc)
    return rc;
  rc = remove_file(store, arena, author, office_id, roc_year, evidence_id, reason);
  return rc ? (store_rollback(store), rc) : store_commit(store);
}

int plan_evidence_download(struct store *store, struct arena *arena,
                           const struct audit_actor *actor, int64_t office_id, int roc_year,
                           int64_t evidence_id, struct apply_document *out)
{
  struct store_plan_evidence e;
  int64_t unit = 0;
  void *bytes = NULL;
  size_t len = 0;
  *out = (struct apply_document){0};
  int rc = store_begin_read(store);
  if (rc)
    return rc;
  rc = store_end_read(store, store_plan_evidence_get(store, arena, office_id, roc_year, evidence_id,
                                                     &e, &unit, &bytes, &len));
  /* the audit row before the bytes go out: a download that cannot be recorded is refused */
  if (!rc)
    rc = audit(store, actor, "plan.evidence_download", evidence_id, e.name, e.progress_id);
  if (rc) {
    free(bytes);
    return rc;
  }
  *out = (struct apply_document){e.name, e.mime, bytes, len};
  return ST_OK;
}
