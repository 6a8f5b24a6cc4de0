/*
 * payment.c - fees owed on cases and the payments that settle them (payment.h): the fee rule,
 * the amount due, starting a payment with the configured provider, applying its callbacks
 * (idempotent, guarded by the status they change from) and expiring what was never finished.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "base/civil.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/str.h"
#include "domain/accounts.h"
#include "domain/audit.h"
#include "domain/case_read.h"
#include "domain/cases_internal.h"
#include "domain/form.h"
#include "domain/payment.h"

#include "domain/fee_schedule.h"
#include "domain/lookup.h"
#include "domain/read_model.h"
#include "store/store.h"

#include "base/common.h"

/* PAYMENT_ARENA_BYTES: the most a case's typed fee (its payments) may take while a payment
 * starts (a block of 16 KB holds some 80 payments). */
enum {
  EXPIRE_BATCH = 200,
  ORDER_RANDOM_CHARS = PAYMENT_ORDER_NO_LEN - 2,
  PAYMENT_ARENA_BYTES = 1024 * 1024
};

static struct payment_settings settings = {.expiry_seconds = PAYMENT_EXPIRY_DEFAULT};

/* Every provider compiled in. Adding one: its file, and one line here. */
static const struct payment_provider *const providers[] = {&payment_sandbox, &payment_ecpay};

const struct payment_provider *payment_provider_find(const char *name)
{
  for (size_t i = 0; name && i < ARRAY_LEN(providers); i++)
    if (strcmp(providers[i]->name, name) == 0)
      return providers[i];
  return NULL;
}

int payment_configure(const struct payment_settings *s)
{
  if (s->provider[0] && !payment_provider_find(s->provider))
    return ST_INVALID;
  if (!strcmp(s->provider, "ecpay") && (!s->ecpay_merchant_id[0] || !s->ecpay_hash_key[0] ||
                                        !s->ecpay_hash_iv[0] || !s->ecpay_url[0]))
    return ST_INVALID;
  settings = *s;
  if (settings.expiry_seconds <= 0)
    settings.expiry_seconds = PAYMENT_EXPIRY_DEFAULT;
  return ST_OK;
}

const struct payment_settings *payment_settings(void)
{
  return &settings;
}

const struct payment_provider *payment_provider(void)
{
  return settings.provider[0] ? payment_provider_find(settings.provider) : NULL;
}

/* ---- statuses ------------------------------------------------------------------------------ */

static const char *const status_names[] = {"pending", "paid", "failed", "expired", "refunded"};

const char *payment_status_name(enum payment_status status)
{
  return (size_t)status < ARRAY_LEN(status_names) ? status_names[status] : "";
}

int payment_status_parse(const char *name, enum payment_status *out)
{
  for (size_t i = 0; name && i < ARRAY_LEN(status_names); i++)
    if (strcmp(name, status_names[i]) == 0) {
      *out = (enum payment_status)i;
      return ST_OK;
    }
  return ST_INVALID;
}

bool payment_transition_ok(enum payment_status from, enum payment_status to)
{
  if (from == PAYMENT_PENDING)
    return to == PAYMENT_PAID || to == PAYMENT_FAILED || to == PAYMENT_EXPIRED;
  return from == PAYMENT_PAID && to == PAYMENT_REFUNDED;
}

/* ---- the fee rule ---------------------------------------------------------------------------- */

static bool has_copies_question(const json_t *service)
{
  const json_t *questions = json_object_get(service, "questions");
  json_t *parsed =
      json_is_string(questions) ? json_loads(json_string_value(questions), 0, NULL) : NULL;
  const json_t *q = form_question(parsed ? parsed : questions, "copies");
  const char *type = json_string_value(json_object_get(q, "datatype"));
  bool yes = type && strcmp(type, "number") == 0;
  json_decref(parsed);
  return yes;
}

int payment_fee_for(const json_t *service, const json_t *answers, int64_t *amount)
{
  const json_t *fee = json_object_get(service, "fee_amount");
  int64_t unit = json_is_integer(fee) ? json_integer_value(fee) : 0, copies = 1;
  *amount = 0;
  if (unit < 0 || unit > PAYMENT_AMOUNT_MAX)
    return ST_INVALID;
  if (unit == 0)
    return ST_OK;
  if (has_copies_question(service)) {
    const json_t *answer = json_object_get(answers, "copies");
    if (json_is_integer(answer))
      copies = json_integer_value(answer);
    else if (answer && (!json_is_string(answer) || str_to_int64(str_from(json_string_value(answer)),
                                                                1, PAYMENT_COPIES_MAX, &copies)))
      return ST_INVALID;
    if (copies < 1 || copies > PAYMENT_COPIES_MAX)
      return ST_INVALID;
  }
  if (unit > PAYMENT_AMOUNT_MAX / copies)
    return ST_INVALID;
  *amount = unit * copies;
  return ST_OK;
}

static int schedule_fee(const json_t *schedule, const json_t *answers, struct civil_date today,
                        int64_t *amount, json_t **working, struct fee_error *e)
{
  struct fee_schedule s;
  struct fee_work work;
  char why[FEE_WHY_MAX];
  if (fee_schedule_parse(schedule, &s, why, sizeof(why))) {
    e->field = "fee_schedule";
    e->reason_key = "fee_err_schedule";
    return ST_INVALID;
  }
  int rc = fee_compute(&s, answers, today, &work, e);
  if (rc)
    return ST_INVALID;
  *amount = work.total;
  if (working && !(*working = fee_work_to_json(&work)))
    return ST_NOMEM;
  return ST_OK;
}

int payment_fee_on(const json_t *service, const json_t *answers, struct civil_date today,
                   bool allow_waiver, int64_t *amount, json_t **working, struct fee_error *e)
{
  struct fee_error ignored;
  const json_t *schedule = json_object_get(service, "fee_schedule");
  json_t *copy = NULL;
  e = e ? e : &ignored;
  memset(e, 0, sizeof(*e));
  *amount = 0;
  if (working)
    *working = NULL;
  if (!json_is_array(schedule) || json_array_size(schedule) == 0)
    return payment_fee_for(service, answers, amount);
  if (!allow_waiver && json_object_get(answers, "waiver")) {
    copy = json_deep_copy(answers);
    if (!copy)
      return ST_NOMEM;
    json_object_del(copy, "waiver");
  }
  int rc = schedule_fee(schedule, copy ? copy : answers, today, amount, working, e);
  json_decref(copy);
  return rc;
}

/* ---- the amount due -------------------------------------------------------------------------- */

/* A public timeline event of the case about its fee or a payment. Its amount is in data, and
 * pages put it in words (web/cases/case_view.h case_event_note): the domain formats no text. */
static int fee_event(struct store *store, int64_t case_id, int64_t now, const char *actor,
                     int64_t actor_id, const char *kind, const char *note, json_t *data)
{
  char *text = data ? json_dumps(data, JSON_COMPACT) : NULL;
  json_t *e = json_pack("{s:I, s:I, s:I, s:s, s:s, s:s, s:b, s:s}", "case_id", (json_int_t)case_id,
                        "at", (json_int_t)now, "actor_id", (json_int_t)actor_id, "actor", actor,
                        "kind", kind, "note", note, "public", 1, "data", text ? text : "");
  free(text);
  int rc = e ? store_case_event_add(store, e) : ST_NOMEM;
  json_decref(e);
  return rc;
}

/* working (optional): a fee schedule's working, kept in the event for the fee receipt. */
static int record_due_worked(struct store *store, int64_t office_id, int64_t case_id,
                             int64_t amount, int64_t now, const char *actor, int64_t actor_id,
                             json_t *working)
{
  int rc = store_case_fee_set(store, office_id, case_id, amount, actor, now);
  json_t *data = json_pack("{s:I, s:O?}", "amount", (json_int_t)amount, "working", working);
  if (!rc)
    rc = fee_event(store, case_id, now, actor, actor_id, "fee_due", "", data);
  json_decref(data);
  return rc;
}

int payment_set_due_worked(struct store *store, int64_t office_id, int64_t case_id, int64_t amount,
                           int64_t now, const char *actor, int64_t actor_id, json_t *working)
{
  if (amount < 0 || amount > PAYMENT_AMOUNT_MAX)
    return ST_INVALID;
  return record_due_worked(store, office_id, case_id, amount, now, actor, actor_id, working);
}

int payment_set_due(struct store *store, int64_t case_id, int64_t amount)
{
  int64_t office_id = 0;
  if (amount < 0 || amount > PAYMENT_AMOUNT_MAX)
    return ST_INVALID;
  int own = store_begin(store);
  if (own != ST_OK && own != ST_CONFLICT)
    return own;
  int rc = store_case_office(store, case_id, &office_id);
  if (!rc)
    rc = record_due_worked(store, office_id, case_id, amount, clock_now(), "system", 0, NULL);
  if (own == ST_CONFLICT)
    return rc; /* the caller's transaction decides */
  if (rc) {
    store_rollback(store);
    return rc;
  }
  return store_commit(store);
}

int payment_set_due_by_staff(const struct case_env *env, const struct case_actor *actor,
                             int64_t case_id, const char *amount_text, const char **reason)
{
  int64_t amount = -1;
  struct case_open open;
  struct case_record *c = &open.c;
  const char *behalf;
  *reason = NULL;
  if (!(actor->roles & (ROLE_CLERK | ROLE_HANDLER | ROLE_SUPERVISOR))) {
    *reason = "case_err_not_yours";
    return ST_FORBIDDEN;
  }
  /* The case first: staff who may not act on it (another office's) learn nothing from the
   * answer to a bad amount. */
  int rc = case_begin(env, actor, case_id, &open, &behalf, reason);
  if (rc)
    return rc;
  if (!amount_text ||
      str_to_int64(str_trim(str_from(amount_text)), 0, PAYMENT_AMOUNT_MAX, &amount)) {
    *reason = "payment_err_amount";
    rc = ST_INVALID;
  }
  if (!rc)
    rc = record_due_worked(env->store, c->office_id, c->id, amount, env->now, actor->username,
                           actor->user_id, NULL);
  json_t *detail = json_pack("{s:I}", "amount", (json_int_t)amount);
  struct audit_actor a = {actor->office_id, actor->user_id, actor->username, actor->ip};
  if (!rc)
    rc = audit_record(env->store, &a, "payment.fee_due", "case", c->case_key, detail);
  json_decref(detail);
  return case_finish(env, rc, &open);
}

/* ---- what a case owes and has paid ------------------------------------------------------------
 */

/* The case behind a QR token: *row (a new reference) and c typed from it; ST_NOTFOUND. */
static int case_by_token(struct store *store, const char *token, json_t **row,
                         struct case_record *c)
{
  char hash[65];
  *row = NULL;
  if (!token || strlen(token) != CASE_TOKEN_SIZE - 1)
    return ST_NOTFOUND;
  accounts_token_hash(token, hash);
  int rc = store_case_by_token(store, hash, row);
  if (!rc)
    case_record_of(*row, c);
  return rc;
}

/* A payment row as the rules read it, its texts borrowed from the store's row. */
struct payment_record {
  int64_t id, case_id, amount, created_at, expires_at;
  const char *order_no, *currency, *provider, *provider_ref, *redirect_url, *status;
};

static struct payment_record payment_of(json_t *row)
{
  return (struct payment_record){case_int(row, "id"),
                                 case_int(row, "case_id"),
                                 case_int(row, "amount"),
                                 case_int(row, "created_at"),
                                 case_int(row, "expires_at"),
                                 case_text(row, "order_no"),
                                 case_text(row, "currency"),
                                 case_text(row, "provider"),
                                 case_text(row, "provider_ref"),
                                 case_text(row, "redirect_url"),
                                 case_text(row, "status")};
}

static bool past_expiry(const struct payment_record *p, time_t now)
{
  return strcmp(p->status, "pending") == 0 && p->expires_at <= now;
}

/* One payment row as the typed record, a pending one past its expiry read as expired. */
static struct case_public_payment typed_payment(struct arena *arena, json_t *p, time_t now)
{
  struct payment_record r = payment_of(p);
  const char *status = past_expiry(&r, now) ? "expired" : read_model_text(arena, p, "status");
  return (struct case_public_payment){read_model_int(p, "id"),
                                      read_model_int(p, "amount"),
                                      read_model_int(p, "created_at"),
                                      read_model_int(p, "paid_at"),
                                      read_model_int(p, "expires_at"),
                                      read_model_text(arena, p, "order_no"),
                                      read_model_text(arena, p, "currency"),
                                      read_model_text(arena, p, "provider"),
                                      read_model_text(arena, p, "provider_ref"),
                                      status};
}

static bool typed_complete(const struct case_public_payment *p)
{
  return p->order_no && p->currency && p->provider && p->provider_ref && p->status;
}

int payment_fee_read(struct store *store, struct arena *arena, int64_t case_id, time_t now,
                     struct case_public_fee *out)
{
  json_t *rows = NULL;
  *out = (struct case_public_fee){0};
  int rc = store_case_fee_get(store, case_id, &out->due);
  if (!rc)
    rc = store_payments_for_case(store, case_id, &rows);
  size_t n = json_array_size(rows), i;
  out->payments = rc ? NULL : read_model_array(arena, n, sizeof(*out->payments));
  if (!rc && !out->payments)
    rc = ST_NOMEM;
  for (i = 0; !rc && i < n; i++) {
    struct case_public_payment *p = &out->payments[n - 1 - i]; /* newest first */
    *p = typed_payment(arena, json_array_get(rows, i), now);
    if (!typed_complete(p))
      rc = ST_NOMEM;
    else if (!strcmp(p->status, "paid"))
      out->paid += p->amount;
    else if (!strcmp(p->status, "pending"))
      out->pending = p;
  }
  json_decref(rows);
  out->payment_count = rc ? 0 : n;
  out->outstanding = out->due > out->paid ? out->due - out->paid : 0;
  out->payable = out->outstanding > 0 && payment_provider() != NULL;
  return rc;
}

/* ---- status changes ------------------------------------------------------------------------- */

static const char *event_of(enum payment_status to)
{
  switch (to) {
  case PAYMENT_PAID:
    return "payment_paid";
  case PAYMENT_FAILED:
    return "payment_failed";
  case PAYMENT_EXPIRED:
    return "payment_expired";
  default:
    return "payment_refunded";
  }
}

/* Moves payment p (a row) from its status to `to` with the case's timeline event, in the open
 * transaction. *applied is false when another change got there first. */
static int apply(struct store *store, const struct payment_record *p, enum payment_status to,
                 const char *ref, int64_t paid_at, int64_t now, bool *applied)
{
  int rc = store_payment_set_status(store, p->id, p->status, payment_status_name(to), ref, paid_at,
                                    now, applied);
  if (rc || !*applied)
    return rc;
  json_t *data = json_pack("{s:I, s:s, s:s}", "amount", (json_int_t)p->amount, "order_no",
                           p->order_no, "provider_ref", ref && *ref ? ref : p->provider_ref);
  rc = fee_event(store, p->case_id, now, "system", 0, event_of(to), "", data);
  json_decref(data);
  return rc;
}

/* apply in a transaction of its own. */
static int apply_alone(struct store *store, const struct payment_record *p, enum payment_status to,
                       const char *ref, int64_t paid_at, int64_t now, bool *applied)
{
  int rc = store_begin(store);
  if (rc)
    return rc;
  rc = apply(store, p, to, ref, paid_at, now, applied);
  if (rc || !*applied) {
    store_rollback(store);
    return rc;
  }
  return store_commit(store);
}

int payment_expire_due(const struct case_env *env, int64_t *count)
{
  *count = 0;
  for (;;) {
    json_t *rows = NULL, *p;
    int rc = store_payments_past_expiry(env->store, env->now, EXPIRE_BATCH, &rows);
    size_t i, n = json_array_size(rows);
    bool applied = false;
    json_array_foreach(rows, i, p)
    {
      struct payment_record r = payment_of(p);
      if (!rc)
        rc = apply_alone(env->store, &r, PAYMENT_EXPIRED, NULL, 0, env->now, &applied);
      *count += !rc && applied;
    }
    json_decref(rows);
    if (rc || n < EXPIRE_BATCH)
      return rc;
  }
}

/* ---- starting a payment ---------------------------------------------------------------------- */

static void new_order_no(char out[PAYMENT_ORDER_NO_LEN + 1])
{
  static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"; /* no I or O */
  out[0] = 'B';
  out[1] = 'M';
  for (int i = 2; i < PAYMENT_ORDER_NO_LEN; i++)
    out[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
  out[PAYMENT_ORDER_NO_LEN] = '\0';
}

/* The case's pending payment that may still be completed (a new reference), or NULL. Pending
 * ones past expiry are marked expired on the way. */
static int current_pending(const struct case_env *env, int64_t case_id, json_t **out)
{
  json_t *rows = NULL, *p;
  int rc = store_payments_for_case(env->store, case_id, &rows);
  size_t i;
  bool applied;
  *out = NULL;
  json_array_foreach(rows, i, p)
  {
    struct payment_record r = payment_of(p);
    if (rc || strcmp(r.status, "pending") != 0)
      continue;
    if (past_expiry(&r, env->now))
      rc = apply_alone(env->store, &r, PAYMENT_EXPIRED, NULL, 0, env->now, &applied);
    else
      *out = json_incref(p);
  }
  json_decref(rows);
  return rc;
}

static int outstanding_of(const struct case_env *env, int64_t case_id, int64_t *outstanding)
{
  struct arena *arena = arena_new(PAYMENT_ARENA_BYTES);
  struct case_public_fee fee;
  int rc = arena ? payment_fee_read(env->store, arena, case_id, env->now, &fee) : ST_NOMEM;
  *outstanding = rc ? 0 : fee.outstanding;
  arena_free(arena);
  return rc;
}

/* Records a new pending payment of amount for case c; *p receives its row. */
static int insert_pending(const struct case_env *env, const struct case_record *c, int64_t amount,
                          json_t **p)
{
  char order_no[PAYMENT_ORDER_NO_LEN + 1];
  new_order_no(order_no);
  *p = json_pack("{s:I, s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:I}", "office_id",
                 (json_int_t)c->office_id, "case_id", (json_int_t)c->id, "order_no", order_no,
                 "amount", (json_int_t)amount, "currency", "TWD", "provider", settings.provider,
                 "provider_ref", "", "redirect_url", "", "status", "pending", "created_at",
                 (json_int_t)env->now, "expires_at",
                 (json_int_t)(env->now + settings.expiry_seconds));
  int64_t id = 0;
  int rc = *p ? store_payment_insert(env->store, *p, &id) : ST_NOMEM;
  if (!rc && json_object_set_new(*p, "id", json_integer(id)))
    rc = ST_NOMEM;
  if (rc) {
    json_decref(*p);
    *p = NULL;
  }
  return rc;
}

/* The office's slug from the in-memory directory (domain/lookup.h), not a list of offices. */
static int office_slug(struct store *store, int64_t office_id, char *out, size_t size)
{
  json_t *office = NULL;
  int rc = lookup_office(store, office_id, &office);
  *out = '\0';
  if (!rc && snprintf(out, size, "%s", case_text(office, "slug")) >= (int)size)
    rc = ST_LIMIT;
  json_decref(office);
  return rc ? rc : (*out ? ST_OK : ST_NOTFOUND);
}

/* The order of pending payment p of case c as the provider is told it; text in buffers. */
static int order_of(const struct case_env *env, const struct payment_start_in *in,
                    const struct case_record *c, const struct payment_record *p, char slug[64],
                    char return_url[PAYMENT_URL_MAX], struct payment_order *order)
{
  int rc = office_slug(env->store, c->office_id, slug, 64);
  if (rc)
    return rc;
  if (snprintf(return_url, PAYMENT_URL_MAX, "%s?order=%s", in->return_url, p->order_no) >=
      PAYMENT_URL_MAX)
    return ST_LIMIT;
  *order =
      (struct payment_order){p->order_no,
                             p->amount,
                             "TWD",
                             slug,
                             in->description && *in->description ? in->description : c->case_key,
                             in->lang,
                             p->expires_at,
                             return_url,
                             in->notify_url,
                             p->created_at,
                             PAYMENT_METHOD_ANY};
  return ST_OK;
}

/* Asks the provider where to send the browser for pending payment p of case c: its URL, or
 * for a form-post provider bianmin's own page that posts the order (in->form_url). */
static int provider_start(const struct case_env *env, const struct payment_start_in *in,
                          const struct case_record *c, const struct payment_record *p,
                          char redirect[PAYMENT_URL_MAX])
{
  const struct payment_provider *prov = payment_provider();
  char ref[PAYMENT_REF_MAX] = "", slug[64], return_url[PAYMENT_URL_MAX];
  struct payment_order order;
  int rc = order_of(env, in, c, p, slug, return_url, &order);
  if (!rc && !prov->start_form)
    rc = prov->start(&order, redirect, PAYMENT_URL_MAX, ref, sizeof(ref));
  if (!rc && prov->start_form) {
    struct payment_form *form = malloc(sizeof(*form));
    rc = form ? prov->start_form(&order, form, ref, sizeof(ref)) : ST_NOMEM;
    free(form);
    if (!rc && (!in->form_url || snprintf(redirect, PAYMENT_URL_MAX, "%s?order=%s", in->form_url,
                                          order.order_no) >= PAYMENT_URL_MAX))
      rc = ST_LIMIT;
  }
  if (!rc)
    rc = store_payment_set_start(env->store, p->id, ref, redirect);
  return rc;
}

static int start_for_case(const struct case_env *env, const struct payment_start_in *in,
                          const struct case_record *c, char redirect[PAYMENT_URL_MAX],
                          const char **reason)
{
  json_t *p = NULL;
  int64_t outstanding = 0;
  int rc = current_pending(env, c->id, &p);
  if (!rc && p && *payment_of(p).redirect_url) {
    snprintf(redirect, PAYMENT_URL_MAX, "%s", payment_of(p).redirect_url);
    json_decref(p);
    return ST_OK; /* the payment already started: the same order, not a second one */
  }
  if (!rc && p) {
    *reason = "payment_err_busy"; /* another request is starting it right now */
    json_decref(p);
    return ST_CONFLICT;
  }
  if (!rc)
    rc = outstanding_of(env, c->id, &outstanding);
  if (!rc && outstanding <= 0) {
    *reason = "payment_err_nothing_due";
    return ST_INVALID;
  }
  if (!rc)
    rc = insert_pending(env, c, outstanding, &p);
  if (rc == ST_CONFLICT)
    *reason = "payment_err_busy";
  struct payment_record r = rc ? (struct payment_record){0} : payment_of(p);
  if (!rc && provider_start(env, in, c, &r, redirect)) {
    bool applied;
    apply_alone(env->store, &r, PAYMENT_FAILED, NULL, 0, env->now, &applied);
    *reason = "payment_err_provider";
    rc = ST_IO;
  }
  json_decref(p);
  return rc;
}

int payment_start(const struct case_env *env, const struct payment_start_in *in,
                  char redirect[PAYMENT_URL_MAX], const char **reason)
{
  json_t *row = NULL;
  struct case_record c;
  *reason = NULL;
  if (!payment_provider()) {
    *reason = "payment_err_off";
    return ST_INVALID;
  }
  int rc = case_by_token(env->store, in->token, &row, &c);
  if (!rc)
    rc = start_for_case(env, in, &c, redirect, reason);
  json_decref(row);
  return rc;
}

enum payment_method payment_method_parse(const char *name)
{
  if (name && !strcmp(name, "card"))
    return PAYMENT_METHOD_CARD;
  if (name && !strcmp(name, "twqr"))
    return PAYMENT_METHOD_TWQR;
  if (name && !strcmp(name, "atm"))
    return PAYMENT_METHOD_ATM;
  return PAYMENT_METHOD_ANY;
}

/* The started pending payment order_no of case c, for a form provider. */
static int form_payment(const struct case_env *env, const struct case_record *c,
                        const char *order_no, json_t **row, struct payment_record *p)
{
  const struct payment_provider *prov = payment_provider();
  int rc = order_no ? store_payment_by_order(env->store, order_no, row) : ST_NOTFOUND;
  if (!rc)
    *p = payment_of(*row);
  if (!rc && p->case_id != c->id)
    rc = ST_NOTFOUND;
  if (!rc && (!prov || !prov->start_form || strcmp(p->provider, prov->name) ||
              strcmp(p->status, "pending") || past_expiry(p, env->now) || !*p->redirect_url))
    rc = ST_INVALID;
  return rc;
}

int payment_form_for_token(const struct case_env *env, const struct payment_start_in *in,
                           const char *order_no, enum payment_method method,
                           struct payment_form *form)
{
  json_t *row = NULL, *p = NULL;
  struct case_record c;
  struct payment_record pay;
  char ref[PAYMENT_REF_MAX], slug[64], return_url[PAYMENT_URL_MAX];
  struct payment_order order;
  int rc = case_by_token(env->store, in->token, &row, &c);
  if (!rc)
    rc = form_payment(env, &c, order_no, &p, &pay);
  if (!rc)
    rc = order_of(env, in, &c, &pay, slug, return_url, &order);
  order.method = method;
  if (!rc)
    rc = payment_provider()->start_form(&order, form, ref, sizeof(ref));
  json_decref(p);
  json_decref(row);
  return rc;
}

/* ---- callbacks and the return page ----------------------------------------------------------- */

static int refuse(const char **why, const char *text, int st)
{
  *why = text;
  return st;
}

/* Checks result against payment p; ST_OK with *change when it moves p, ST_OK without when p
 * already has that status. */
static int judge(const struct payment_record *p, const char *provider,
                 const struct payment_result *r, bool *change, const char **why)
{
  enum payment_status now_status;
  *change = false;
  if (strcmp(p->provider, provider) != 0)
    return refuse(why, "the order belongs to another provider", ST_NOTFOUND);
  if (r->amount != p->amount || strcmp(r->currency, p->currency) != 0)
    return refuse(why, "amount or currency does not match the order", ST_CONFLICT);
  if (payment_status_parse(p->status, &now_status))
    return refuse(why, "stored status unknown", ST_CONFLICT);
  if (now_status == r->status)
    return ST_OK;
  if (!payment_transition_ok(now_status, r->status))
    return refuse(why, "the payment's status is final", ST_CONFLICT);
  *change = true;
  return ST_OK;
}

/* How to pay a pending payment (an ATM transfer's bank, virtual account and deadline): the
 * payment stays pending until that deadline, and the case's public timeline says where to
 * transfer. A repeated notice (the same deadline) changes nothing. In the open transaction. */
static int record_instructions(struct store *store, const struct payment_record *p,
                               const struct payment_result *r, int64_t now, bool *applied)
{
  int rc = store_payment_extend(store, p->id, r->pay_by, now, applied);
  if (rc || !*applied)
    return rc;
  /* The note is stored text read in both languages: the Gregorian date as the bank gave it. */
  char due[40] = "", note[128];
  struct civil_time w = civil_taipei((time_t)r->pay_by);
  snprintf(due, sizeof(due), "%04d/%02d/%02d %02d:%02d", w.date.year, w.date.month, w.date.day,
           w.hour, w.minute);
  snprintf(note, sizeof(note), "%s · %s · %s", r->bank_code, r->account, due);
  json_t *data = json_pack("{s:s, s:s, s:s, s:I}", "order_no", p->order_no, "bank_code",
                           r->bank_code, "account", r->account, "pay_by", (json_int_t)r->pay_by);
  rc = fee_event(store, p->case_id, now, "system", 0, "payment_atm", note, data);
  json_decref(data);
  return rc;
}

/* Checks and applies a result in the open transaction: *commit when something changed. */
static int apply_in(const struct case_env *env, const char *provider,
                    const struct payment_result *r, const struct payment_record *p, bool *commit,
                    bool *lost, const char **why)
{
  bool change = false, applied = false;
  *commit = *lost = false;
  if (r->status == PAYMENT_PENDING) { /* how to pay: only while the payment is still open */
    if (strcmp(p->provider, provider) || r->amount != p->amount)
      return refuse(why, "the order does not match", ST_CONFLICT);
    if (strcmp(p->status, "pending") || r->pay_by <= 0)
      return ST_OK;
    int rc = record_instructions(env->store, p, r, env->now, &applied);
    *commit = !rc && applied;
    return rc;
  }
  int rc = judge(p, provider, r, &change, why);
  if (!rc && change)
    rc = apply(env->store, p, r->status, r->provider_ref, r->paid_at, env->now, &applied);
  *commit = !rc && change && applied;
  *lost = !rc && change && !applied;
  return rc;
}

/* Applies a provider's verified result to its payment, in a transaction. */
static int apply_result(const struct case_env *env, const char *provider,
                        const struct payment_result *r, const char **why)
{
  json_t *p = NULL;
  bool commit = false, lost = false;
  int rc = store_begin(env->store);
  if (rc)
    return rc;
  rc = store_payment_by_order(env->store, r->order_no, &p);
  if (rc == ST_NOTFOUND)
    *why = "unknown order";
  struct payment_record pay = rc ? (struct payment_record){0} : payment_of(p);
  if (!rc)
    rc = apply_in(env, provider, r, &pay, &commit, &lost, why);
  json_decref(p);
  if (rc || !commit) {
    store_rollback(env->store);
    /* another callback changed it meanwhile: judge again on what it is now */
    return lost ? apply_result(env, provider, r, why) : rc;
  }
  return store_commit(env->store);
}

int payment_callback(const struct case_env *env, const char *provider,
                     const struct payment_field *fields, size_t count, const char **why)
{
  const struct payment_provider *prov = payment_provider();
  struct payment_result r;
  *why = "";
  if (!prov || !provider || strcmp(prov->name, provider) != 0)
    return refuse(why, "no such payment provider here", ST_NOTFOUND);
  if (prov->verify(fields, count, &r))
    return refuse(why, "bad signature or fields", ST_INVALID);
  return apply_result(env, prov->name, &r, why);
}

/* Brings stored payment p up to date: expired when past its expiry, else asked about while
 * pending when the provider can be queried (best effort: the callback may still come). */
static int refresh(const struct case_env *env, const struct payment_record *p)
{
  const struct payment_provider *prov = payment_provider();
  struct payment_result r;
  const char *why;
  bool applied;
  if (past_expiry(p, env->now))
    return apply_alone(env->store, p, PAYMENT_EXPIRED, NULL, 0, env->now, &applied);
  if (!strcmp(p->status, "pending") && prov && prov->query &&
      prov->query(p->order_no, p->provider_ref, &r) == ST_OK)
    apply_result(env, prov->name, &r, &why);
  return ST_OK;
}

/* Brings the payment order_no of the case behind token up to date (refresh). */
static int refresh_for_token(const struct case_env *env, const char *token, const char *order_no)
{
  json_t *row = NULL, *p = NULL;
  struct case_record c;
  int rc = case_by_token(env->store, token, &row, &c);
  if (!rc)
    rc = order_no ? store_payment_by_order(env->store, order_no, &p) : ST_NOTFOUND;
  struct payment_record pay = rc ? (struct payment_record){0} : payment_of(p);
  if (!rc && pay.case_id != c.id)
    rc = ST_NOTFOUND;
  if (!rc)
    rc = refresh(env, &pay);
  json_decref(p);
  json_decref(row);
  return rc;
}

/* The account of the latest "payment_atm" event of the case for order_no. */
static int atm_of(struct arena *arena, const struct case_public *c, const char *order_no,
                  struct payment_atm *out)
{
  *out = (struct payment_atm){false, "", "", 0};
  for (size_t i = c->event_count; i > 0 && !out->given; i--) {
    const struct case_public_event *e = &c->events[i - 1];
    json_t *data = strcmp(e->kind, "payment_atm") ? NULL : json_loads(e->data, 0, NULL);
    if (data && !strcmp(case_text(data, "order_no"), order_no)) {
      *out = (struct payment_atm){true, arena_strdup(arena, case_text(data, "bank_code")),
                                  arena_strdup(arena, case_text(data, "account")),
                                  case_int(data, "pay_by")};
      if (!out->bank_code || !out->account) {
        json_decref(data);
        return ST_NOMEM;
      }
    }
    json_decref(data);
  }
  return ST_OK;
}

int payment_return_read(const struct case_env *env, struct arena *arena, const char *token,
                        const char *order_no, struct payment_return *out)
{
  *out = (struct payment_return){0};
  int rc = refresh_for_token(env, token, order_no);
  if (!rc)
    rc = case_public_by_token(env->store, arena, env->now, token, &out->c);
  for (size_t i = 0; !rc && !out->payment && i < out->c.fee.payment_count; i++)
    if (!strcmp(out->c.fee.payments[i].order_no, order_no))
      out->payment = &out->c.fee.payments[i];
  if (!rc && !out->payment)
    rc = ST_NOTFOUND;
  if (!rc && !strcmp(out->payment->status, "pending"))
    rc = atm_of(arena, &out->c, order_no, &out->atm);
  return rc;
}
