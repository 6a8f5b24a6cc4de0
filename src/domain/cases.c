/*
 * cases.c - intake, staff and public views, and the shared helpers of the cases module.
 */
#include <sodium.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>

#include "base/arena.h"
#include "base/civil.h"
#include "base/str.h"
#include "base/text.h"
#include "domain/accounts.h"
#include "domain/audit.h"
#include "domain/case_documents.h"
#include "domain/queue.h"
#include "domain/cases_internal.h"
#include "domain/directory.h"
#include "domain/keys.h"
#include "domain/notify.h"
#include "domain/personal.h"
#include "store/store.h"

#include "base/common.h"

/* INTAKE_ARENA_BYTES: an intake's arena holds only the directory snapshot's hold. */
enum { NAME_MAX_CHARS = 60, DOCUMENTS_MAX = 40, INTAKE_ARENA_BYTES = 4096 };

static struct calendar calendar;
static bool calendar_ready;

int cases_calendar_load_dir(const char *dir, char *err, size_t err_size)
{
  DIR *d = opendir(dir);
  if (!d) {
    snprintf(err, err_size, "cannot open calendar folder %s", dir);
    return ST_IO;
  }
  if (!calendar_ready)
    calendar_init(&calendar);
  calendar_ready = true;
  struct dirent *entry;
  int rc = ST_OK;
  while (!rc && (entry = readdir(d)) != NULL) {
    size_t n = strlen(entry->d_name);
    if (strncmp(entry->d_name, "dgpa-", 5) != 0 || n < 9 || strcmp(entry->d_name + n - 4, ".csv"))
      continue;
    char path[1024];
    struct calendar_import_report report;
    snprintf(path, sizeof(path), "%s/%s", dir, entry->d_name);
    rc = calendar_load_file(&calendar, path, &report);
    if (rc)
      snprintf(err, err_size, "calendar %s has %zu bad rows", path, report.n_errors);
  }
  closedir(d);
  return rc;
}

const struct calendar *cases_calendar(void)
{
  if (!calendar_ready) {
    calendar_init(&calendar); /* weekends only, flagged as estimates */
    calendar_ready = true;
  }
  return &calendar;
}

void cases_local_date(time_t t, char out[11])
{
  civil_taipei_iso(t, out);
}

int64_t case_int(json_t *row, const char *key)
{
  return json_integer_value(json_object_get(row, key));
}

const char *case_text(json_t *row, const char *key)
{
  const char *s = json_string_value(json_object_get(row, key));
  return s ? s : "";
}

/* The columns of struct case_record and their keys in the store's row. */
static const struct {
  size_t at;
  const char *key;
} record_ints[] = {{offsetof(struct case_record, id), "id"},
                   {offsetof(struct case_record, office_id), "office_id"},
                   {offsetof(struct case_record, service_id), "service_id"},
                   {offsetof(struct case_record, unit_id), "unit_id"},
                   {offsetof(struct case_record, roc_year), "roc_year"},
                   {offsetof(struct case_record, serial), "serial"},
                   {offsetof(struct case_record, handler_id), "handler_id"},
                   {offsetof(struct case_record, received_at), "received_at"},
                   {offsetof(struct case_record, time_limit_minutes), "time_limit_minutes"},
                   {offsetof(struct case_record, extension_minutes), "extension_minutes"},
                   {offsetof(struct case_record, due_at), "due_at"},
                   {offsetof(struct case_record, paused_since), "paused_since"},
                   {offsetof(struct case_record, correction_count), "correction_count"},
                   {offsetof(struct case_record, second_correction_approved),
                    "second_correction_approved"},
                   {offsetof(struct case_record, fee_amount), "fee_amount"},
                   {offsetof(struct case_record, picked_up_at), "picked_up_at"},
                   {offsetof(struct case_record, closed_at), "closed_at"},
                   {offsetof(struct case_record, updated_at), "updated_at"},
                   {offsetof(struct case_record, workflow_version), "workflow_version"}},
  record_texts[] = {{offsetof(struct case_record, word_code), "word_code"},
                    {offsetof(struct case_record, case_key), "case_key"},
                    {offsetof(struct case_record, check_code), "check_code"},
                    {offsetof(struct case_record, workflow), "workflow"},
                    {offsetof(struct case_record, status), "status"},
                    {offsetof(struct case_record, channel), "channel"},
                    {offsetof(struct case_record, counter), "counter"},
                    {offsetof(struct case_record, due_state), "due_state"},
                    {offsetof(struct case_record, correction_items), "correction_items"},
                    {offsetof(struct case_record, correction_deadline), "correction_deadline"},
                    {offsetof(struct case_record, overdue_reason), "overdue_reason"},
                    {offsetof(struct case_record, overdue_new_date), "overdue_new_date"},
                    {offsetof(struct case_record, documents), "documents"},
                    {offsetof(struct case_record, applicant_name_masked), "applicant_name_masked"},
                    {offsetof(struct case_record, notify), "notify"},
                    {offsetof(struct case_record, lang), "lang"},
                    {offsetof(struct case_record, answers), "answers"},
                    {offsetof(struct case_record, description), "description"}};

void case_record_of(json_t *row, struct case_record *c)
{
  for (size_t i = 0; i < ARRAY_LEN(record_ints); i++)
    *(int64_t *)((char *)c + record_ints[i].at) = case_int(row, record_ints[i].key);
  for (size_t i = 0; i < ARRAY_LEN(record_texts); i++)
    *(const char **)((char *)c + record_texts[i].at) = case_text(row, record_texts[i].key);
}

int case_record_keep(struct arena *arena, struct case_record *c)
{
  for (size_t i = 0; i < ARRAY_LEN(record_texts); i++) {
    const char **text = (const char **)((char *)c + record_texts[i].at);
    if (!(*text = arena_strdup(arena, *text)))
      return ST_NOMEM;
  }
  return ST_OK;
}

bool case_note_ok(const char *note, bool required)
{
  if (!note || !*note)
    return !required;
  return str_valid_text(str_from(note), true) && text_length(note) <= CASE_NOTE_MAX_CHARS;
}

int case_event(const struct case_env *env, const struct case_actor *actor, int64_t case_id,
               const char *kind, const char *from, const char *to, const char *note,
               bool public_note, const char *on_behalf_of, json_t *data)
{
  char *text = data ? json_dumps(data, JSON_COMPACT) : NULL;
  json_t *e = json_pack("{s:I, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s}", "case_id",
                        (json_int_t)case_id, "at", (json_int_t)env->now, "actor_id",
                        (json_int_t)actor->user_id, "actor", actor->username, "on_behalf_of",
                        on_behalf_of ? on_behalf_of : "", "kind", kind, "from_status",
                        from ? from : "", "to_status", to ? to : "", "note", note ? note : "",
                        "public", public_note, "data", text ? text : "");
  free(text);
  int rc = e ? store_case_event_add(env->store, e) : ST_NOMEM;
  json_decref(e);
  return rc;
}

static int load_pauses(const struct case_env *env, int64_t id, struct calendar_pause *pauses,
                       size_t max, size_t *count)
{
  json_t *rows;
  int rc = store_case_pauses(env->store, id, &rows);
  if (rc)
    return rc;
  size_t i;
  json_t *row;
  *count = 0;
  json_array_foreach(rows, i, row)
  {
    if (*count == max) {
      rc = ST_LIMIT;
      break;
    }
    pauses[*count].from = (time_t)case_int(row, "from_at");
    pauses[*count].to = (time_t)case_int(row, "to_at");
    (*count)++;
  }
  json_decref(rows);
  return rc;
}

int case_recompute_clock(const struct case_env *env, const struct case_record *c,
                         int64_t extension_minutes)
{
  struct calendar_pause pauses[CALENDAR_PAUSES_MAX];
  size_t n = 0;
  int64_t id = c->id;
  int rc = load_pauses(env, id, pauses, CALENDAR_PAUSES_MAX, &n);
  time_t due = 0;
  bool paused = false;
  if (!rc)
    rc = calendar_deadline_with_pauses(cases_calendar(), NULL, (time_t)c->received_at,
                                       c->time_limit_minutes, pauses, n, extension_minutes, &due,
                                       &paused);
  if (rc)
    return rc;
  enum calendar_due state = CALENDAR_ON_TIME;
  if (!paused && calendar_due_state(cases_calendar(), NULL, env->now, due, &state))
    state = CALENDAR_ON_TIME;
  int64_t paused_since = paused && n ? (int64_t)pauses[n - 1].from : 0;
  return store_case_set_clock(env->store, id, paused ? 0 : (int64_t)due,
                              paused ? "paused" : calendar_due_name(state), paused_since,
                              extension_minutes, env->now);
}

int case_clock_used(const struct case_env *env, const struct case_record *c, int64_t *used,
                    int64_t *allowed)
{
  struct calendar_pause pauses[CALENDAR_PAUSES_MAX];
  size_t n = 0;
  int64_t closed = c->closed_at;
  time_t at = closed ? (time_t)closed : env->now;
  *used = 0;
  *allowed = c->time_limit_minutes + c->extension_minutes;
  int rc = load_pauses(env, c->id, pauses, CALENDAR_PAUSES_MAX, &n);
  if (!rc)
    rc = calendar_used_minutes_with_pauses(cases_calendar(), NULL, (time_t)c->received_at, at,
                                           pauses, n, used);
  return rc;
}

int case_may_act(const struct case_env *env, const struct case_actor *actor,
                 const struct case_record *c, const char **on_behalf_of)
{
  *on_behalf_of = NULL;
  int64_t handler = c->handler_id;
  if (actor->roles & (ROLE_SUPERVISOR | ROLE_CLERK)) {
    if (!(actor->roles & ROLE_SUPERVISOR) || actor->unit_id == 0 || c->unit_id == actor->unit_id ||
        handler == actor->user_id)
      return ST_OK;
  }
  if (!(actor->roles & ROLE_HANDLER))
    return ST_FORBIDDEN;
  if (handler == actor->user_id)
    return ST_OK;
  char today[11];
  bool active = false;
  civil_taipei_iso(env->now, today);
  int rc = handler ? store_delegation_active(env->store, handler, actor->user_id, today, &active)
                   : ST_OK;
  if (rc || !active)
    return rc ? rc : ST_FORBIDDEN;
  json_t *user;
  if (store_user_get(env->store, actor->office_id, handler, &user) == ST_OK) {
    static __thread char name[72];
    snprintf(name, sizeof(name), "%s", case_text(user, "username"));
    *on_behalf_of = name;
    json_decref(user);
  }
  return ST_OK;
}

int case_begin(const struct case_env *env, const struct case_actor *actor, int64_t id,
               struct case_open *out, const char **on_behalf_of, const char **reason)
{
  *out = (struct case_open){0};
  int rc = store_begin(env->store);
  if (rc)
    return rc;
  rc = store_case_get(env->store, actor->office_id, id, &out->row);
  if (!rc) {
    case_record_of(out->row, &out->c);
    rc = case_may_act(env, actor, &out->c, on_behalf_of);
    if (rc == ST_FORBIDDEN)
      *reason = "case_err_not_yours";
    if (rc) {
      json_decref(out->row);
      *out = (struct case_open){0};
    }
  }
  if (rc)
    store_rollback(env->store);
  return rc;
}

int case_finish(const struct case_env *env, int rc, struct case_open *open)
{
  json_decref(open->row);
  *open = (struct case_open){0};
  if (rc) {
    store_rollback(env->store);
    return rc;
  }
  return store_commit(env->store);
}

/* ---- intake ------------------------------------------------------------------------------ */

static bool one_of(const char *s, const char *const *set, size_t n)
{
  for (size_t i = 0; s && i < n; i++)
    if (strcmp(s, set[i]) == 0)
      return true;
  return false;
}

static bool phone_ok(const char *p)
{
  size_t digits = 0;
  for (; *p; p++) {
    if (*p >= '0' && *p <= '9')
      digits++;
    else if (!strchr(" -()+#", *p))
      return false;
  }
  return digits >= 7 && digits <= 15;
}

static bool email_ok(const char *e)
{
  const char *at = strchr(e, '@');
  return strlen(e) <= 254 && at && at != e && strchr(at, '.') && !strpbrk(e, " <>\"") &&
         str_valid_text(str_from(e), false);
}

static bool documents_ok(json_t *docs)
{
  if (docs && !json_is_array(docs))
    return false;
  size_t i;
  json_t *d;
  json_array_foreach(docs, i, d)
  {
    const char *s = json_string_value(d);
    if (i >= DOCUMENTS_MAX || !s || !str_valid_text(str_from(s), false) || text_length(s) > 200)
      return false;
  }
  return true;
}

static int refuse(const char **reason, const char **field, const char *r, const char *f)
{
  *reason = r;
  *field = f;
  return ST_INVALID;
}

static int contact_check(const struct intake_input *in, const char **reason, const char **field)
{
  static const char *const notify[] = {"sms", "email", "both", "none"};
  if (*in->applicant_phone && !phone_ok(in->applicant_phone))
    return refuse(reason, field, "case_err_phone", "applicant_phone");
  if (*in->applicant_email && !email_ok(in->applicant_email))
    return refuse(reason, field, "case_err_email", "applicant_email");
  if (!one_of(in->notify, notify, ARRAY_LEN(notify)))
    return refuse(reason, field, "case_err_notify", "notify");
  bool sms = !strcmp(in->notify, "sms") || !strcmp(in->notify, "both");
  bool mail = !strcmp(in->notify, "email") || !strcmp(in->notify, "both");
  if ((sms && !*in->applicant_phone) || (mail && !*in->applicant_email))
    return refuse(reason, field, "case_err_notify_contact", "notify");
  return ST_OK;
}

const char *cases_notify_choice(const char *choice, const char *phone, const char *email)
{
  if (!choice || strcmp(choice, "auto") != 0)
    return choice;
  if (phone && str_trim(str_from(phone)).len)
    return "sms";
  return email && str_trim(str_from(email)).len ? "email" : "none";
}

int case_intake_check(const struct intake_input *in, const char **reason, const char **field)
{
  static const char *const channels[] = {"counter", "online", "mail", "api"};
  const char *name = in->applicant_name;
  /* Online and API applicants may leave their name out (an Open311 client need not send one);
   * at the counter and by post it is required. */
  bool name_optional =
      in->channel && (!strcmp(in->channel, "online") || !strcmp(in->channel, "api"));
  if (!name || (!*name && !name_optional) || !str_valid_text(str_from(name), false) ||
      text_length(name) > NAME_MAX_CHARS)
    return refuse(reason, field, "case_err_name", "applicant_name");
  char canonical[PERSONAL_ID_LEN + 1];
  if (*in->applicant_id && personal_applicant_id_normalize(in->applicant_id, canonical))
    return refuse(reason, field, "case_err_id", "applicant_id");
  int rc = contact_check(in, reason, field);
  if (rc)
    return rc;
  if (!one_of(in->channel, channels, ARRAY_LEN(channels)))
    return refuse(reason, field, "case_err_channel", "channel");
  if (!documents_ok(in->documents))
    return refuse(reason, field, "case_err_documents", "documents");
  return ST_OK;
}

/* The handler: the one chosen (a handler of the office), else the unit's present handler
 * assigned longest ago, else the office's; 0 when nobody is available. */
int cases_handler_candidates(struct store *store, int64_t office_id, int64_t unit_id, json_t **out)
{
  int rc = store_handlers_available(store, office_id, unit_id, ROLE_HANDLER, out);
  if (!rc && json_array_size(*out) == 0 && unit_id) {
    json_decref(*out);
    rc = store_handlers_available(store, office_id, 0, ROLE_HANDLER, out);
  }
  return rc;
}

static int pick_handler(const struct case_env *env, int64_t office_id, int64_t unit_id,
                        int64_t chosen, int64_t *handler, const char **counter)
{
  json_t *list;
  *handler = 0;
  *counter = "";
  int rc = cases_handler_candidates(env->store, office_id, unit_id, &list);
  if (rc)
    return rc;
  size_t i;
  json_t *h, *pick = chosen ? NULL : json_array_get(list, 0);
  json_array_foreach(list, i, h) if (chosen && case_int(h, "id") == chosen) pick = h;
  if (pick) {
    *handler = case_int(pick, "id");
    static __thread char buf[32];
    snprintf(buf, sizeof(buf), "%s", case_text(pick, "counter"));
    *counter = buf;
  }
  json_decref(list);
  if (chosen && !*handler)
    return ST_INVALID;
  return *handler ? store_presence_assigned(env->store, *handler, env->now) : ST_OK;
}

/* Seals one personal field into row[key] ("" stays ""). */
static int seal_into(json_t *row, const char *key, const char *plain)
{
  char *sealed = NULL;
  int rc = *plain ? personal_seal(plain, &sealed) : ST_OK;
  if (!rc && json_object_set_new(row, key, json_string(sealed ? sealed : "")))
    rc = ST_NOMEM;
  free(sealed);
  return rc;
}

static int personal_fields(const struct intake_input *in, json_t *row)
{
  char masked[256], id_hash[65] = "", name_hash[65] = "", norm[PERSONAL_ID_LEN + 1] = "";
  int rc = personal_mask_name(in->applicant_name, masked, sizeof(masked));
  /* the one canonical form (case_intake_check refused what has none) is stored and hashed */
  if (!rc && *in->applicant_id)
    rc = personal_applicant_id_normalize(in->applicant_id, norm);
  if (!rc && *norm)
    rc = personal_lookup_hash(norm, id_hash);
  if (!rc)
    rc = personal_lookup_hash(in->applicant_name, name_hash);
  if (!rc)
    rc = seal_into(row, "applicant_name", in->applicant_name);
  if (!rc)
    rc = seal_into(row, "applicant_id", norm);
  if (!rc)
    rc = seal_into(row, "applicant_phone", in->applicant_phone);
  if (!rc)
    rc = seal_into(row, "applicant_email", in->applicant_email);
  if (!rc && (json_object_set_new(row, "applicant_name_masked", json_string(masked)) ||
              json_object_set_new(row, "applicant_id_hash", json_string(id_hash)) ||
              json_object_set_new(row, "applicant_name_hash", json_string(name_hash))))
    rc = ST_NOMEM;
  return rc;
}

/* The workflow a new case of service runs: the office's newest version of the code the service
 * names (workflow_load), when the office or the shipped set has it; else 即時 services (time
 * limit 0) run "instant", a land office's others "land_registration", anything else "simple". */
static const struct workflow *workflow_of(const struct case_env *env, json_t *service,
                                          json_t *office)
{
  const struct workflow *wf = NULL;
  int64_t office_id = case_int(office, "id");
  const char *fallback = case_int(service, "time_limit_minutes") == 0     ? "instant"
                         : strcmp(case_text(office, "kind"), "land") == 0 ? "land_registration"
                                                                          : "simple";
  if (workflow_load(env->store, office_id, case_text(service, "workflow"), 0, &wf) &&
      workflow_load(env->store, office_id, fallback, 0, &wf))
    wf = workflow_find(fallback);
  return wf ? wf : workflow_find("simple");
}

/* The case's time limit: the service's, except that a 即時 service (0) that arrives without
 * the applicant at the counter (online, by post, through the API) gets the service's limit for
 * remote 即時 work (remote_instant_minutes, a catalogue field; CASE_REMOTE_INSTANT_MINUTES, one
 * working day, when unset): never a deadline at the moment of arrival for work nobody could do
 * yet. */
int64_t case_time_limit_for(int64_t service_minutes, int64_t remote_instant_minutes,
                            const char *channel)
{
  if (service_minutes > 0 || (channel && strcmp(channel, "counter") == 0))
    return service_minutes;
  return remote_instant_minutes > 0 ? remote_instant_minutes : CASE_REMOTE_INSTANT_MINUTES;
}

static int64_t time_limit_of(json_t *service, const char *channel)
{
  return case_time_limit_for(case_int(service, "time_limit_minutes"),
                             case_int(service, "remote_instant_minutes"), channel);
}

static const char *word_of(json_t *service, json_t *office)
{
  const char *w = case_text(service, "case_word_code");
  if (case_word_code_valid(w))
    return w;
  w = case_text(office, "case_word_code");
  return case_word_code_valid(w) ? w : "GEN";
}

int case_link_token(int64_t office_id, const char *case_key, const char *check_code,
                    char out[CASE_TOKEN_SIZE])
{
  const unsigned char *key = keys_subkey(KEYS_TOKEN);
  unsigned char mac[32];
  char text[96];
  int n = snprintf(text, sizeof(text), "case-link:%lld:%s:%s", (long long)office_id,
                   case_key ? case_key : "", check_code ? check_code : "");
  out[0] = '\0';
  if (!key || n < 0 || (size_t)n >= sizeof(text))
    return ST_INVALID;
  crypto_generichash(mac, sizeof(mac), (const unsigned char *)text, (size_t)n, key,
                     KEYS_SUBKEY_BYTES);
  sodium_bin2base64(out, CASE_TOKEN_SIZE, mac, sizeof(mac),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(mac, sizeof(mac));
  return ST_OK;
}

/* Builds the case row (everything but personal fields) and allocates its number. */
static int build_row(const struct case_env *env, const struct intake_input *in, json_t *service,
                     json_t *office, struct intake_result *out, json_t **row)
{
  struct case_number n = {0};
  char docs_default[] = "[]",
       *docs = in->documents ? json_dumps(in->documents, JSON_COMPACT) : NULL;
  char token_hash[65];
  time_t due = 0;
  n.roc_year = civil_roc_year(civil_taipei(env->now).date.year);
  snprintf(n.word_code, sizeof(n.word_code), "%s", word_of(service, office));
  int rc = store_case_next_serial(env->store, case_int(office, "id"), n.word_code, n.roc_year,
                                  &n.serial);
  if (!rc)
    rc = case_number_key(&n, out->case_key, sizeof(out->case_key));
  int64_t limit = time_limit_of(service, in->channel);
  const struct workflow *wf = workflow_of(env, service, office);
  if (!rc)
    rc = calendar_add_working_minutes(cases_calendar(), NULL, env->now, limit, &due);
  case_check_code_new(out->check_code);
  if (rc || case_link_token(case_int(office, "id"), out->case_key, out->check_code, out->token))
    accounts_random_token(out->token); /* no key loaded: a link only the first receipt shows */
  accounts_token_hash(out->token, token_hash);
  *row =
      rc ? NULL
         : json_pack("{s:I, s:I, s:I, s:i, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, "
                     "s:I, s:I, s:s, s:s, s:s}",
                     "office_id", (json_int_t)case_int(office, "id"), "service_id",
                     (json_int_t)case_int(service, "id"), "unit_id",
                     (json_int_t)case_int(service, "unit_id"), "roc_year", n.roc_year, "word_code",
                     n.word_code, "serial", (json_int_t)n.serial, "case_key", out->case_key,
                     "check_code", out->check_code, "qr_token_hash", token_hash, "workflow",
                     wf->code, "status", wf->initial, "channel", in->channel, "received_at",
                     (json_int_t)env->now, "time_limit_minutes", (json_int_t)limit, "due_at",
                     (json_int_t)due, "fee_amount", (json_int_t)case_int(service, "fee_amount"),
                     "documents", docs ? docs : docs_default, "notify", in->notify, "lang",
                     in->lang && !strcmp(in->lang, "en") ? "en" : "zh-TW");
  free(docs);
  if (*row && json_object_set_new(*row, "workflow_version", json_integer(wf->version)))
    rc = ST_NOMEM;
  return rc ? rc : (*row ? ST_OK : ST_NOMEM);
}

/* A 即時 case taken in at the counter: the applicant waits for it. */
static bool issued_at_counter(json_t *row)
{
  return !strcmp(case_text(row, "channel"), "counter") &&
         (case_int(row, "time_limit_minutes") == 0 ||
          !strcmp(case_text(row, "workflow"), "instant"));
}

/* Taken in and issued in one step (the applicant is at the counter, so no "received" or "ready"
 * message is sent): closed at once, within its limit. */
static int issue_at_counter(const struct case_env *env, const struct case_actor *actor, json_t *row)
{
  int64_t id = case_int(row, "id");
  int rc = store_case_set_status(env->store, id, "closed", env->now, true);
  if (!rc)
    rc = case_event(env, actor, id, "status", case_text(row, "status"), "closed", "", true, NULL,
                    NULL);
  if (!rc)
    rc = store_case_set_clock(env->store, id, env->now, "closed", 0, 0, env->now);
  if (!rc && json_object_set_new(row, "status", json_string("closed")))
    rc = ST_NOMEM;
  return rc;
}

/* Whether the applicant asked for messages (notify "sms", "email" or "both"): with "none"
 * notify_case_event queues nothing, so the intake does not ask it to read the case again. */
static bool wants_messages(json_t *row)
{
  static const char *const asked[] = {"sms", "email", "both"};
  return one_of(case_text(row, "notify"), asked, ARRAY_LEN(asked));
}

/* The case's "received" event, then either its issue at the counter (即時) or the "received"
 * message. */
static int first_events(const struct case_env *env, const struct case_actor *actor, json_t *row)
{
  int rc = case_event(env, actor, case_int(row, "id"), "status", "", case_text(row, "status"), "",
                      true, NULL, NULL);
  if (!rc && issued_at_counter(row))
    return issue_at_counter(env, actor, row);
  if (!rc && wants_messages(row))
    rc = notify_case_event(env->store, env->now, actor->office_id, case_int(row, "id"), "received",
                           1, NULL);
  return rc;
}

/* Inserts the case with its first event and audit row, inside the open transaction. */
static int insert_case(const struct case_env *env, const struct case_actor *actor,
                       const struct intake_input *in, json_t *service, json_t *office,
                       struct intake_result *out)
{
  json_t *row = NULL;
  int64_t handler = 0;
  const char *counter = "";
  int rc = pick_handler(env, case_int(office, "id"), case_int(service, "unit_id"), in->handler_id,
                        &handler, &counter);
  if (rc == ST_INVALID)
    return rc;
  if (!rc)
    rc = build_row(env, in, service, office, out, &row);
  if (!rc)
    rc = personal_fields(in, row);
  if (!rc && (json_object_set_new(row, "handler_id", json_integer(handler)) ||
              json_object_set_new(row, "counter",
                                  json_string(*counter ? counter : case_text(service, "counter")))))
    rc = ST_NOMEM;
  if (!rc)
    rc = store_case_insert(env->store, row, &out->case_id);
  if (!rc && json_object_set_new(row, "id", json_integer(out->case_id)))
    rc = ST_NOMEM;
  if (!rc)
    rc = first_events(env, actor, row);
  struct audit_actor who = {actor->office_id, actor->user_id, actor->username, actor->ip};
  if (!rc)
    rc = audit_record(env->store, &who, "case.create", "case", out->case_key, NULL);
  json_decref(row);
  return rc;
}

/* Why a chosen handler was refused: not a handler of the office at all, or one who does not
 * take this service's cases (its unit has handlers of its own, or they are away). */
static const char *handler_refusal(const struct case_env *env, int64_t office_id, int64_t chosen)
{
  json_t *user = NULL;
  bool theirs = chosen > 0 && store_user_get(env->store, office_id, chosen, &user) == ST_OK &&
                (case_int(user, "roles") & ROLE_HANDLER) && !case_int(user, "disabled");
  json_decref(user);
  return theirs ? "case_err_handler_unit" : "case_err_handler";
}

/* The service and its office from the in-memory directory (domain/directory.h: no query unless
 * the directory's version moved), held in the snapshot until arena is freed. The records are the
 * store's (store_service_get's and store_office_list's rows) and only read here. */
static int intake_records(const struct case_env *env, int64_t office_id, int64_t service_id,
                          struct arena *arena, json_t **service, json_t **office)
{
  const struct directory *dir = NULL;
  *service = *office = NULL;
  int rc = arena ? directory_acquire(env->store, arena, &dir) : ST_NOMEM;
  const struct dir_service *s = rc ? NULL : directory_service(dir, service_id);
  const struct dir_office *o = rc ? NULL : directory_office(dir, office_id);
  if (rc)
    return rc;
  if (!s || s->office_id != office_id || !s->published)
    return ST_NOTFOUND; /* refused as case_err_service */
  *service = (json_t *)s->record;
  *office = o ? (json_t *)o->record : NULL;
  return o ? ST_OK : ST_NOTFOUND;
}

int case_intake_in_tx(const struct case_env *env, const struct case_actor *actor,
                      const struct intake_input *in, struct intake_result *out, const char **reason,
                      const char **field)
{
  json_t *service = NULL, *office = NULL;
  struct arena *arena = arena_new(INTAKE_ARENA_BYTES);
  int rc = intake_records(env, actor->office_id, in->service_id, arena, &service, &office);
  if (rc == ST_NOTFOUND && !service)
    rc = refuse(reason, field, "case_err_service", "service_id");
  if (!rc)
    rc = insert_case(env, actor, in, service, office, out);
  if (!rc) /* which documents were checked online instead of on paper (issue 20) */
    rc = case_documents_record(env, in, service, actor->office_id, out->case_id, reason, field);
  if (!rc && in->ticket_id > 0) /* the ticket's QR now leads to this case (issue 18) */
    rc = queue_ticket_case_link(env->store, actor->office_id, in->ticket_id, out->case_id);
  if (rc == ST_INVALID && !*reason)
    refuse(reason, field, handler_refusal(env, actor->office_id, in->handler_id), "handler_id");
  arena_free(arena);
  return rc;
}

int cases_intake(const struct case_env *env, const struct case_actor *actor,
                 const struct intake_input *in, struct intake_result *out, const char **reason,
                 const char **field)
{
  memset(out, 0, sizeof(*out));
  *reason = NULL;
  *field = NULL;
  int rc = case_intake_check(in, reason, field);
  if (rc)
    return rc;
  rc = store_begin(env->store);
  if (rc)
    return rc;
  rc = case_intake_in_tx(env, actor, in, out, reason, field);
  if (rc) {
    store_rollback(env->store);
    return rc;
  }
  return store_commit(env->store);
}
