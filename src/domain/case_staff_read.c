/*
 * case_staff_read.c - the staff case pages' read models (case_staff_read.h).
 *
 * Each read runs inside one read transaction (store_begin_read) after taking the directory
 * snapshot; the staff case's audit row (a write) follows the read.
 */
#include <string.h>

#include "base/arena.h"
#include "domain/accounts.h"
#include "domain/apply_docs.h"
#include "domain/audit.h"
#include "domain/case_read.h"
#include "domain/case_staff_read.h"
#include "domain/cases_internal.h"
#include "domain/payment.h"
#include "domain/personal.h"
#include "domain/survey.h"
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
  int64_t office_id = s->c.office_id;
  s->office = directory_office(dir, office_id);
  s->word_zh = directory_word_zh(dir, s->office, s->c.word_code);
  s->unit = s->c.unit_id ? directory_unit(dir, s->c.unit_id) : NULL;
  if (s->unit && s->unit->office_id != office_id)
    s->unit = NULL;
  s->service = directory_service(dir, s->c.service_id);
  if (s->service && s->service->office_id != office_id)
    s->service = NULL;
  return s->office && s->service ? ST_OK : ST_NOTFOUND;
}

int case_receipt_link(struct store *store, const struct case_record *c, char out[CASE_TOKEN_SIZE])
{
  char hash[65];
  json_t *found = NULL;
  if (case_link_token(c->office_id, c->case_key, c->check_code, out))
    return ST_NOTFOUND;
  accounts_token_hash(out, hash);
  int rc = store_case_by_token(store, hash, &found);
  if (!rc && read_model_int(found, "id") != c->id)
    rc = ST_NOTFOUND;
  json_decref(found);
  if (rc)
    out[0] = '\0';
  return rc;
}

/* The whole timeline with who did what. */
static int events_fill(struct arena *arena, json_t *list, struct case_staff *s)
{
  size_t n = json_array_size(list);
  if (!(s->events = read_model_array(arena, n, sizeof(*s->events))))
    return ST_NOMEM;
  for (size_t i = 0; i < n; i++) {
    json_t *e = json_array_get(list, i);
    struct case_staff_event *to = &s->events[i];
    *to = (struct case_staff_event){read_model_int(e, "id"),
                                    read_model_int(e, "at"),
                                    read_model_int(e, "actor_id"),
                                    read_model_text(arena, e, "actor"),
                                    read_model_text(arena, e, "on_behalf_of"),
                                    read_model_text(arena, e, "kind"),
                                    read_model_text(arena, e, "from_status"),
                                    read_model_text(arena, e, "to_status"),
                                    read_model_text(arena, e, "note"),
                                    read_model_text(arena, e, "data"),
                                    read_model_int(e, "public") != 0};
    if (!to->actor || !to->on_behalf_of || !to->kind || !to->from_status || !to->to_status ||
        !to->note || !to->data)
      return ST_NOMEM;
  }
  s->event_count = n;
  return ST_OK;
}

/* What the reader may do with the case now (case_may_act, the workflow's moves for their
 * roles), and the workflow version it runs. */
static int actions_fill(const struct case_env *env, const struct case_actor *actor,
                        struct arena *arena, struct case_staff *s)
{
  const char *behalf = NULL;
  s->may_act = case_may_act(env, actor, &s->c, &behalf) == ST_OK;
  s->wf = case_workflow(env, &s->c);
  const struct workflow_step *step = workflow_step(s->wf, s->c.status);
  s->step_appointment = step && step->appointment;
  s->acting_for = arena_strdup(arena, behalf ? behalf : "");
  json_t *steps = s->may_act ? workflow_next_steps(s->wf, s->c.status, actor->roles) : NULL;
  s->next_step_count = json_array_size(steps);
  s->next_steps = read_model_array(arena, s->next_step_count, sizeof(*s->next_steps));
  int rc = s->acting_for && s->next_steps ? ST_OK : ST_NOMEM;
  for (size_t i = 0; !rc && i < s->next_step_count; i++)
    if (!(s->next_steps[i] = arena_strdup(arena, json_string_value(json_array_get(steps, i)))))
      rc = ST_NOMEM;
  json_decref(steps);
  return rc;
}

/* The case_staff_row record (its row, applicant and events) as the typed case, with what the
 * reader may do. */
static int staff_fill(const struct case_env *env, const struct case_actor *actor,
                      struct arena *arena, json_t *r, struct case_staff *s)
{
  json_t *a = json_object_get(r, "applicant");
  case_record_of(r, &s->c);
  int rc = case_record_keep(arena, &s->c);
  if (rc)
    return rc;
  s->applicant = (struct case_applicant){
      read_model_text(arena, a, "name"), read_model_text(arena, a, "id"),
      read_model_text(arena, a, "phone"), read_model_text(arena, a, "email")};
  if (!s->applicant.name || !s->applicant.id || !s->applicant.phone || !s->applicant.email)
    return ST_NOMEM;
  rc = actions_fill(env, actor, arena, s);
  return rc ? rc : events_fill(arena, json_object_get(r, "events"), s);
}

/* An online or API application's answers and uploads, the answers released with the arena. */
/* An API case's address, location and media link (all "" for any other case). */
static int api_request_fill(struct store *store, struct arena *arena, struct case_staff *s)
{
  json_t *row = NULL;
  int rc = strcmp(s->c.channel, "api") == 0 ? store_api_request_extra(store, s->c.id, &row)
                                            : ST_NOTFOUND;
  if (rc && rc != ST_NOTFOUND)
    return rc;
  s->api_request.address = read_model_text(arena, row, "address");
  s->api_request.lat = read_model_text(arena, row, "lat");
  s->api_request.lng = read_model_text(arena, row, "lng");
  s->api_request.media_url = read_model_text(arena, row, "media_url");
  json_decref(row);
  return s->api_request.address && s->api_request.lat && s->api_request.lng &&
                 s->api_request.media_url
             ? ST_OK
             : ST_NOMEM;
}

static int online_fill(struct store *store, struct arena *arena, const struct directory *dir,
                       struct case_staff *s)
{
  int rc = api_request_fill(store, arena, s);
  if (rc)
    return rc;
  if (strcmp(s->c.channel, "online") != 0 && strcmp(s->c.channel, "api") != 0) {
    s->online = (struct apply_online_case){.description = ""};
    return ST_OK;
  }
  rc = apply_online_case_read_in(store, arena, dir, s->c.office_id, s->c.service_id, s->c.id,
                                 &s->online);
  if (!rc && read_model_hold(arena, s->online.answers)) {
    s->online.answers = NULL;
    rc = ST_NOMEM;
  }
  return rc;
}

static int fee_line_fill(struct arena *arena, const json_t *row, void *item)
{
  struct case_fee_line *l = item;
  const json_t *below = json_object_get(row, "band_below_m2");
  *l = (struct case_fee_line){read_model_text(arena, row, "label_zh"),
                              read_model_text(arena, row, "label_en"),
                              read_model_text(arena, row, "source"),
                              json_is_integer(below) ? FEE_LINE_BELOW
                              : below                ? FEE_LINE_TOP_BAND
                                                     : FEE_LINE_FLAT,
                              json_integer_value(below),
                              read_model_int(row, "quantity"),
                              read_model_int(row, "unit_price"),
                              read_model_int(row, "amount")};
  return l->label_zh && l->label_en && l->source ? ST_OK : ST_NOMEM;
}

/* The working kept by the latest "fee_due" event, when that event has one. */
static int working_fill(struct arena *arena, struct case_staff *s)
{
  const struct case_staff_event *found = NULL;
  for (size_t i = 0; i < s->event_count; i++)
    if (strcmp(s->events[i].kind, "fee_due") == 0)
      found = &s->events[i];
  json_t *data = found ? json_loads(found->data, 0, NULL) : NULL;
  json_t *working = json_object_get(data, "working");
  struct case_fee_working *w = &s->working;
  int rc = ST_OK;
  if (json_is_object(working)) {
    w->present = true;
    w->waived = json_is_string(json_object_get(working, "waiver"));
    w->total = read_model_int(working, "total");
    rc = read_model_rows(arena, json_object_get(working, "lines"), sizeof(*w->lines), fee_line_fill,
                         (void **)&w->lines, &w->line_count);
  }
  json_decref(data);
  return rc;
}

/* The receipt's link token and whether a case survey is open. */
static int receipt_fill(const struct case_env *env, struct case_staff *s)
{
  int rc = case_receipt_link(env->store, &s->c, s->token);
  if (rc && rc != ST_NOTFOUND)
    return rc;
  return survey_case_survey_open(env->store, s->c.office_id, env->now, &s->survey_open);
}

/* The case, where it belongs and who handles it. */
static int case_in(const struct case_env *env, const struct case_actor *actor, struct arena *arena,
                   const struct directory *dir, int64_t id, struct case_staff *out, json_t **record)
{
  int rc = case_staff_row(env, actor, id, record);
  if (!rc)
    rc = staff_fill(env, actor, arena, *record, out);
  if (!rc)
    rc = place(dir, out);
  return rc ? rc
            : case_handler_name(env->store, arena, out->c.office_id, out->c.handler_id,
                                &out->handler_name);
}

/* What the case owes and has paid; the case's fee is what it owes (every copy), as the
 * public read has it, also for a case whose row kept the service's fee for one copy, and 0
 * when an amount of 0 was assessed or waived (case_read.h, case_fee_assessed). */
static int fee_fill(struct store *store, struct arena *arena, int64_t id, time_t now,
                    struct case_staff *out)
{
  const char *latest = NULL;
  for (size_t i = 0; i < out->event_count; i++)
    if (strcmp(out->events[i].kind, "fee_due") == 0)
      latest = out->events[i].data;
  out->fee_assessed = case_fee_assessed_of(latest);
  int rc = payment_fee_read(store, arena, id, now, &out->fee);
  if (!rc && (out->fee.due > 0 || out->fee_assessed != CASE_FEE_NONE))
    out->c.fee_amount = out->fee.due;
  return rc;
}

static int staff_read_in(const struct case_env *env, const struct case_actor *actor,
                         struct arena *arena, const struct directory *dir, int64_t id, bool receipt,
                         struct case_staff *out, json_t **record)
{
  struct store *store = env->store;
  int rc = case_in(env, actor, arena, dir, id, out, record);
  if (!rc)
    rc = case_handler_name(store, arena, out->c.office_id,
                           out->event_count ? out->events[0].actor_id : 0, &out->clerk_name);
  if (!rc)
    rc = read_handlers(store, arena, actor->office_id, 0, &out->handlers, &out->handler_count);
  if (!rc)
    rc = fee_fill(store, arena, id, env->now, out);
  if (!rc)
    rc = store_case_check_failures(store, id, case_check_day(env->now), &out->check_failures);
  if (!rc)
    rc = case_clock_used(env, &out->c, &out->used_minutes, &out->allowed_minutes);
  if (!rc)
    rc = outcome_docs_read(store, arena, id, true, &out->outcomes, &out->outcome_count);
  if (!rc)
    rc = online_fill(store, arena, dir, out);
  if (!rc)
    rc = notify_case_messages_read(store, arena, id, &out->messages);
  if (!rc)
    rc = cases_correction_approval_get(store, out->c.office_id, &out->correction_approval);
  if (!rc && receipt)
    rc = receipt_fill(env, out);
  if (!rc && receipt)
    rc = working_fill(arena, out);
  return rc;
}

static int staff_read(const struct case_env *env, const struct case_actor *actor,
                      struct arena *arena, int64_t id, bool receipt, struct case_staff *out)
{
  const struct directory *dir = NULL;
  json_t *record = NULL;
  *out = (struct case_staff){0};
  int rc = directory_acquire(env->store, arena, &dir);
  if (!rc)
    rc = store_begin_read(env->store);
  if (rc)
    return rc;
  rc = store_end_read(env->store, staff_read_in(env, actor, arena, dir, id, receipt, out, &record));
  if (!rc)
    rc = case_staff_viewed(env, actor, &out->c);
  json_decref(record);
  if (rc)
    *out = (struct case_staff){0};
  return rc;
}

int case_staff_read(const struct case_env *env, const struct case_actor *actor, struct arena *arena,
                    int64_t id, struct case_staff *out)
{
  return staff_read(env, actor, arena, id, false, out);
}

int case_receipt_read(const struct case_env *env, const struct case_actor *actor,
                      struct arena *arena, int64_t id, struct case_staff *out)
{
  return staff_read(env, actor, arena, id, true, out);
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
