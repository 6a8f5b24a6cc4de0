/*
 * case_staff_read.c - the staff case pages' read models (case_staff_read.h).
 *
 * Each read runs inside one read transaction (store_begin_read) after taking the directory
 * snapshot; the staff case's audit row (a write) follows the read.
 */
#include <string.h>

#include "base/arena.h"
#include "domain/accounts.h"
#include "domain/audit.h"
#include "domain/case_read.h"
#include "domain/case_staff_read.h"
#include "domain/cases_internal.h"
#include "domain/payment.h"
#include "domain/personal.h"
#include "domain/read_model.h"
#include "domain/workflow.h"
#include "store/directory.h"
#include "store/case_read.h"
#include "store/store.h"

#include "base/common.h"

/* The office's handlers (struct case_handler) inside the caller's read. */
/* The office's present handlers, or with unit_id > 0 the candidates intake accepts for a
 * service of that unit (cases_handler_candidates). */
static int read_handlers(struct store *store, struct arena *arena, int64_t office_id,
                         int64_t unit_id, struct case_handler **out, size_t *count)
{
  json_t *rows = NULL;
  int rc = unit_id ? cases_handler_candidates(store, office_id, unit_id, &rows)
                   : store_handlers_available(store, office_id, 0, ROLE_HANDLER, &rows);
  size_t n = json_array_size(rows);
  *out = rc ? NULL : read_model_array(arena, n, sizeof(**out));
  if (!rc && !*out)
    rc = ST_NOMEM;
  for (size_t i = 0; !rc && i < n; i++) {
    json_t *h = json_array_get(rows, i);
    (*out)[i] =
        (struct case_handler){read_model_int(h, "id"), read_model_text(arena, h, "display_name")};
    if (!(*out)[i].name)
      rc = ST_NOMEM;
  }
  *count = rc ? 0 : n;
  json_decref(rows);
  return rc;
}

int case_handler_name(struct store *store, struct arena *arena, int64_t office_id,
                      int64_t handler_id, const char **out)
{
  json_t *user = NULL;
  *out = "";
  if (!handler_id || store_user_get(store, office_id, handler_id, &user))
    return ST_OK;
  *out = read_model_text(arena, user, "display_name");
  json_decref(user);
  return *out ? ST_OK : ST_NOMEM;
}

/* Where the case belongs: its office, unit (when the office's) and service (the office's). */
static int place(const struct directory *dir, struct case_staff *s)
{
  int64_t office_id = read_model_int(s->record, "office_id");
  int64_t unit_id = read_model_int(s->record, "unit_id");
  s->office = directory_office(dir, office_id);
  s->word_zh =
      directory_word_zh(dir, s->office, json_string_value(json_object_get(s->record, "word_code")));
  s->unit = unit_id ? directory_unit(dir, unit_id) : NULL;
  if (s->unit && s->unit->office_id != office_id)
    s->unit = NULL;
  s->service = directory_service(dir, read_model_int(s->record, "service_id"));
  if (s->service && s->service->office_id != office_id)
    s->service = NULL;
  return s->office && s->service ? ST_OK : ST_NOTFOUND;
}

int case_receipt_link(struct store *store, json_t *record, char out[CASE_TOKEN_SIZE])
{
  char hash[65];
  json_t *found = NULL;
  if (case_link_token(read_model_int(record, "office_id"), case_text(record, "case_key"),
                      case_text(record, "check_code"), out))
    return ST_NOTFOUND;
  accounts_token_hash(out, hash);
  int rc = store_case_by_token(store, hash, &found);
  if (!rc && read_model_int(found, "id") != read_model_int(record, "id"))
    rc = ST_NOTFOUND;
  json_decref(found);
  if (rc)
    out[0] = '\0';
  return rc;
}

/* The display name of whoever took the case in: the actor of its first event. */
static int clerk_name(struct store *store, struct arena *arena, struct case_staff *s)
{
  json_t *first = json_array_get(json_object_get(s->record, "events"), 0);
  return case_handler_name(store, arena, read_model_int(s->record, "office_id"),
                           read_model_int(first, "actor_id"), &s->clerk_name);
}

static int staff_read_in(const struct case_env *env, const struct case_actor *actor,
                         struct arena *arena, const struct directory *dir, int64_t id,
                         struct case_staff *out)
{
  int rc = case_staff_record(env, actor, id, &out->record);
  if (!rc)
    rc = place(dir, out);
  if (!rc)
    rc = case_handler_name(env->store, arena, read_model_int(out->record, "office_id"),
                           read_model_int(out->record, "handler_id"), &out->handler_name);
  if (!rc)
    rc = clerk_name(env->store, arena, out);
  if (!rc)
    rc = read_handlers(env->store, arena, actor->office_id, 0, &out->handlers, &out->handler_count);
  if (!rc)
    rc = payment_fee_read(env->store, arena, id, env->now, &out->fee);
  if (!rc)
    rc = store_case_check_failures(env->store, id, case_check_day(env->now), &out->check_failures);
  if (!rc)
    rc = case_clock_used(env, out->record, &out->used_minutes, &out->allowed_minutes);
  if (!rc)
    rc = outcome_docs_read(env->store, arena, id, true, &out->outcomes, &out->outcome_count);
  return rc;
}

int case_staff_read(const struct case_env *env, const struct case_actor *actor, struct arena *arena,
                    int64_t id, struct case_staff *out)
{
  const struct directory *dir = NULL;
  *out = (struct case_staff){0};
  int rc = directory_acquire(env->store, arena, &dir);
  if (!rc)
    rc = store_begin_read(env->store);
  if (rc)
    return rc;
  rc = store_end_read(env->store, staff_read_in(env, actor, arena, dir, id, out));
  if (!rc)
    rc = case_staff_viewed(env, actor, out->record);
  if (rc) {
    json_decref(out->record);
    *out = (struct case_staff){0};
  }
  return rc;
}

int case_intake_form_read(struct store *store, struct arena *arena, int64_t office_id,
                          int64_t service_id, struct case_intake_form *out)
{
  int64_t unit_id = 0;
  const struct directory *dir = NULL;
  size_t n = 0;
  *out = (struct case_intake_form){0};
  int rc = directory_acquire(store, arena, &dir);
  const struct dir_service *all = rc ? NULL : directory_services(dir, office_id, &n);
  out->services = rc ? NULL : read_model_array(arena, n, sizeof(*out->services));
  if (!rc && !out->services)
    rc = ST_NOMEM;
  for (size_t i = 0; !rc && i < n; i++)
    if (all[i].published) {
      out->services[out->service_count++] = &all[i];
      if (all[i].id == service_id)
        unit_id = all[i].unit_id;
    }
  if (!rc)
    rc = store_begin_read(store);
  if (rc)
    return rc;
  return store_end_read(
      store, read_handlers(store, arena, office_id, unit_id, &out->handlers, &out->handler_count));
}

/* ---- the work list --------------------------------------------------------------------------- */

/* The office's word printed in q and its code, to read numbers as printed ("", "" when none). */
static void office_word(const struct case_env *env, struct arena *arena, int64_t office_id,
                        const char *q, const char **word_zh, const char **word_code)
{
  const struct directory *dir = NULL;
  const struct dir_word *word = NULL;
  if (directory_acquire(env->store, arena, &dir) == ST_OK)
    word = directory_printed_word(dir, directory_office(dir, office_id), q);
  *word_zh = word ? word->word_zh : "";
  *word_code = word ? word->code : "";
}

/* The search: a case number (prefix of its key; as printed or the key) or an applicant's exact
 * name (audited). */
static int search_terms(const struct case_env *env, const struct case_actor *actor,
                        struct arena *arena, const char *q, struct store_case_filter *f)
{
  static char empty[] = "";
  struct case_number n;
  char key[CASE_KEY_SIZE], hash[65];
  const char *word_zh, *word_code;
  f->key_prefix = empty;
  f->name_hash = empty;
  if (!q || !*q)
    return ST_OK;
  office_word(env, arena, actor->office_id, q, &word_zh, &word_code);
  if (case_number_parse_for(q, word_zh, word_code, &n) == ST_OK &&
      case_number_key(&n, key, sizeof(key)) == ST_OK) {
    f->key_prefix = arena_strdup(arena, key);
    return f->key_prefix ? ST_OK : ST_NOMEM;
  }
  if (strlen(q) > 200 || personal_lookup_hash(q, hash))
    return ST_INVALID;
  f->name_hash = arena_strdup(arena, hash);
  if (!f->name_hash)
    return ST_NOMEM;
  struct audit_actor a = {actor->office_id, actor->user_id, actor->username, actor->ip};
  return audit_record(env->store, &a, "person.search", "case", "", NULL);
}

int64_t case_worklist_page(int64_t total, int64_t page, int64_t page_size)
{
  int64_t last = total > 0 ? (total + page_size - 1) / page_size : 1;
  return page < 1 ? 1 : page > last ? last : page;
}

/* The step's names from the workflow version the case runs (held in memory once loaded); ""
 * when the workflow cannot be read or does not name the step. */
static void step_names(struct store *store, int64_t office_id, const struct store_case_list_row *r,
                       struct case_worklist_row *w)
{
  const struct workflow *wf = NULL;
  if (workflow_load(store, office_id, r->workflow, r->workflow_version, &wf))
    wf = workflow_find(r->workflow);
  const struct workflow_step *step = wf ? workflow_step(wf, r->status) : NULL;
  w->status_zh = step ? step->name_zh : "";
  w->status_en = step ? step->name_en : "";
}

int case_worklist_fill(struct store *store, struct arena *arena, int64_t office_id,
                       const struct store_case_list_row *rows, size_t n, struct case_worklist *out)
{
  if (n && !(out->rows = arena_alloc(arena, n * sizeof(*out->rows))))
    return ST_NOMEM;
  for (size_t i = 0; i < n; i++) {
    out->rows[i] = (struct case_worklist_row){rows[i].id,
                                              rows[i].due_at,
                                              rows[i].case_key,
                                              rows[i].status,
                                              rows[i].due_state,
                                              rows[i].channel,
                                              rows[i].applicant_name_masked,
                                              rows[i].handler_name,
                                              "",
                                              ""};
    step_names(store, office_id, &rows[i], &out->rows[i]);
  }
  out->row_count = n;
  return ST_OK;
}

/* How many in all, then the asked page of them (past the last: the last). */
static int worklist_in(struct store *store, struct arena *arena, struct store_case_filter *f,
                       const struct case_worklist_query *q, struct case_worklist *out)
{
  struct store_case_list_row *rows = NULL;
  size_t n = 0;
  int rc = store_case_count(store, f, &out->total);
  if (rc)
    return rc;
  out->page = case_worklist_page(out->total, q->page, q->page_size);
  f->offset = (out->page - 1) * q->page_size;
  rc = store_case_list_read(store, arena, f, &rows, &n);
  return rc ? rc : case_worklist_fill(store, arena, f->office_id, rows, n, out);
}

int case_worklist_read(const struct case_env *env, const struct case_actor *actor,
                       struct arena *arena, const struct case_worklist_query *q,
                       struct case_worklist *out)
{
  char today[11];
  const char *open_statuses[STORE_OPEN_STATUSES_MAX];
  size_t open_count = workflow_open_statuses(open_statuses, ARRAY_LEN(open_statuses));
  *out = (struct case_worklist){0};
  cases_local_date(env->now, today);
  struct store_case_filter f = {actor->office_id,
                                q->scope,
                                actor->user_id,
                                actor->unit_id,
                                today,
                                q->filter,
                                "",
                                "",
                                q->page_size,
                                open_statuses,
                                open_count,
                                0};
  int rc = search_terms(env, actor, arena, q->q, &f);
  if (!rc)
    rc = store_begin_read(env->store);
  if (rc)
    return rc;
  return store_end_read(env->store, worklist_in(env->store, arena, &f, q, out));
}

/* ---- delegations and presence ---------------------------------------------------------------- */

static int delegations_in(struct store *store, struct arena *arena, int64_t office_id,
                          const char *today, struct case_delegations *out)
{
  json_t *rows = NULL;
  int rc = store_delegation_list(store, office_id, today, &rows);
  size_t n = json_array_size(rows);
  out->delegations = rc ? NULL : read_model_array(arena, n, sizeof(*out->delegations));
  if (!rc && !out->delegations)
    rc = ST_NOMEM;
  for (size_t i = 0; !rc && i < n; i++) {
    json_t *r = json_array_get(rows, i);
    struct case_delegation *d = &out->delegations[i];
    *d = (struct case_delegation){read_model_int(r, "id"),
                                  read_model_int(r, "user_id"),
                                  read_model_int(r, "delegate_id"),
                                  read_model_text(arena, r, "user_name"),
                                  read_model_text(arena, r, "delegate_name"),
                                  read_model_text(arena, r, "starts_on"),
                                  read_model_text(arena, r, "ends_on"),
                                  read_model_text(arena, r, "reason")};
    if (!d->user_name || !d->delegate_name || !d->starts_on || !d->ends_on || !d->reason)
      rc = ST_NOMEM;
  }
  out->delegation_count = rc ? 0 : n;
  json_decref(rows);
  return rc ? rc : read_handlers(store, arena, office_id, 0, &out->handlers, &out->handler_count);
}

int case_delegations_read(struct store *store, struct arena *arena, int64_t office_id,
                          const char *today, struct case_delegations *out)
{
  *out = (struct case_delegations){0};
  int rc = store_begin_read(store);
  if (rc)
    return rc;
  return store_end_read(store, delegations_in(store, arena, office_id, today, out));
}

int cases_presence_set(struct store *store, int64_t user_id, bool present, const char *counter)
{
  return store_presence_set(store, user_id, present, counter ? counter : "");
}
