/*
 * open311_read.c - Open311 service requests read model (open311_read.h).
 *
 * Queries, inside one read transaction: the request rows (one statement for a list, one per
 * id asked for), then each request's events when notes are asked for. Service codes are
 * resolved through the in-memory directory.
 */
#include <string.h>

#include "base/arena.h"
#include "base/str.h"
#include "domain/directory.h"
#include "domain/open311_read.h"
#include "domain/open311.h"
#include "domain/read_model.h"
#include "domain/workflow.h"
#include "store/directory.h"
#include "store/store.h"

#include "base/common.h"

struct reader {
  struct store *store;
  struct arena *arena;
  bool notes;
  int rc; /* the first failure (ST_NOMEM when a copy failed) */
};

static const char *text(struct reader *r, const json_t *row, const char *key)
{
  const char *s = read_model_text(r->arena, row, key);
  if (!s && !r->rc)
    r->rc = ST_NOMEM;
  return s ? s : "";
}

static bool truthy(const json_t *v)
{
  return json_is_true(v) || json_integer_value(v) != 0;
}

/* The public timeline of the case: status moves and public events, in the store's order. */
static void read_notes(struct reader *r, int64_t case_id, struct open311_request *out)
{
  json_t *events = NULL, *e;
  size_t i, n = 0;
  if (r->rc || store_case_events(r->store, case_id, false, &events))
    return; /* as before: a timeline that cannot be read is an empty one */
  out->notes = read_model_array(r->arena, json_array_size(events), sizeof *out->notes);
  if (!out->notes && !r->rc)
    r->rc = ST_NOMEM;
  json_array_foreach(events, i, e)
  {
    const char *kind = json_string_value(json_object_get(e, "kind"));
    bool status = kind && strcmp(kind, "status") == 0;
    if (!out->notes || (!status && !truthy(json_object_get(e, "public"))))
      continue;
    struct open311_note *note = &out->notes[n++];
    note->at = read_model_int(e, "at");
    note->status = status;
    note->kind = text(r, e, "kind");
    note->to_status = text(r, e, "to_status");
  }
  out->note_count = n;
  json_decref(events);
}

static void fill(struct reader *r, const json_t *row, struct open311_request *out)
{
  *out = (struct open311_request){0};
  out->case_key = text(r, row, "case_key");
  out->status = text(r, row, "status");
  out->service_code = text(r, row, "service_code");
  out->service_name_zh = text(r, row, "service_name_zh");
  out->service_name_en = text(r, row, "service_name_en");
  out->requested_at = read_model_int(row, "requested_at");
  out->received_at = read_model_int(row, "received_at");
  out->updated_at = read_model_int(row, "updated_at");
  out->closed_at = read_model_int(row, "closed_at");
  out->due_at = read_model_int(row, "due_at");
  if (r->notes)
    read_notes(r, read_model_int(row, "case_id"), out);
  const struct workflow *wf = NULL; /* cached per process: no query once loaded */
  if (workflow_load(r->store, read_model_int(row, "office_id"),
                    json_string_value(json_object_get(row, "workflow")),
                    read_model_int(row, "workflow_version"), &wf))
    wf = NULL; /* unknown: the shipped steps decide */
  out->closed = open311_closed(wf, out->status);
  out->outcome = open311_outcome(wf, out->status);
  const struct workflow_step *step = wf ? workflow_step(wf, out->status) : NULL;
  out->status_zh = step ? step->name_zh : "";
  out->status_en = step ? step->name_en : "";
}

/* The next item of the comma list at *rest with the spaces and tabs around it trimmed (clients
 * write "a, b"), cut in place; NULL after the last. */
static char *next_item(char **rest)
{
  char *item = *rest;
  if (!item)
    return NULL;
  char *comma = strchr(item, ',');
  if (comma)
    *comma = '\0';
  *rest = comma ? comma + 1 : NULL;
  struct str t = str_trim(str_from(item));
  item += t.ptr - item;
  item[t.len] = '\0';
  return item;
}

/* ",3,5," from "a,b" (slugs of the office's services); ST_NOTFOUND for an unknown one. */
static int service_ids(struct reader *r, int64_t office_id, const char *codes, const char **out)
{
  const struct directory *dir = NULL;
  int rc = directory_acquire(r->store, r->arena, &dir);
  char *copy = rc ? NULL : arena_strdup(r->arena, codes), *ids = ",";
  if (rc || !copy)
    return rc ? rc : ST_NOMEM;
  for (char *rest = copy, *s; ids && (s = next_item(&rest));) {
    if (!*s)
      continue;
    const struct dir_service *service = directory_service_by_slug(dir, office_id, s);
    if (!service)
      return ST_NOTFOUND;
    ids = arena_printf(r->arena, "%s%lld,", ids, (long long)service->id);
  }
  *out = ids;
  return ids ? ST_OK : ST_NOMEM;
}

static int read_list(struct reader *r, const struct open311_request_query *q,
                     struct open311_request **out, size_t *count)
{
  struct store_api_request_filter f = {.office_id = q->office_id,
                                       .status = q->status,
                                       .from = q->from,
                                       .to = q->to,
                                       .limit = q->limit,
                                       .offset = q->offset};
  json_t *rows = NULL, *row;
  size_t i;
  int rc =
      q->service_codes ? service_ids(r, q->office_id, q->service_codes, &f.service_ids) : ST_OK;
  if (!rc)
    rc = store_api_request_list(r->store, &f, &rows);
  if (rc)
    return rc;
  *out = read_model_array(r->arena, json_array_size(rows), sizeof **out);
  *count = *out ? json_array_size(rows) : 0;
  json_array_foreach(rows, i, row) if (*out) fill(r, row, &(*out)[i]);
  json_decref(rows);
  return *out ? r->rc : ST_NOMEM;
}

/* The requests named by ids, in that order; unknown ones are left out. */
static int read_ids(struct reader *r, const struct open311_request_query *q,
                    struct open311_request **out, size_t *count)
{
  char *copy = arena_strdup(r->arena, q->ids);
  size_t n = 0, asked = 0;
  *out = read_model_array(r->arena, OPEN311_IDS_MAX, sizeof **out);
  if (!copy || !*out)
    return ST_NOMEM;
  for (char *rest = copy, *s; (s = next_item(&rest));) {
    json_t *row = NULL;
    if (!*s || ++asked > OPEN311_IDS_MAX)
      continue;
    int rc = store_api_request_get(r->store, q->office_id, s, &row);
    if (rc == ST_OK)
      fill(r, row, &(*out)[n++]);
    json_decref(row);
    if (rc && rc != ST_NOTFOUND)
      return rc;
  }
  *count = n;
  return r->rc;
}

int open311_requests_read(struct store *store, struct arena *arena,
                          const struct open311_request_query *query, struct open311_request **out,
                          size_t *count)
{
  struct reader r = {store, arena, query->notes, ST_OK};
  *out = NULL;
  *count = 0;
  int rc = store_begin_read(store);
  if (rc)
    return rc;
  rc = query->ids ? read_ids(&r, query, out, count) : read_list(&r, query, out, count);
  return store_end_read(store, rc);
}

int open311_request_read(struct store *store, struct arena *arena, int64_t office_id,
                         const char *case_key, bool notes, struct open311_request *out)
{
  struct reader r = {store, arena, notes, ST_OK};
  json_t *row = NULL;
  int rc = store_begin_read(store);
  if (rc)
    return rc;
  rc = store_api_request_get(store, office_id, case_key, &row);
  if (!rc) {
    fill(&r, row, out);
    rc = r.rc;
  }
  json_decref(row);
  return store_end_read(store, rc);
}
