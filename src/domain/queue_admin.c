/*
 * queue_admin.c - how an office sets up its counter queues (/staff/admin/queues, domain/queue.h):
 * queues (letters, names, services, open or closed), counters (number, name, queues served),
 * the "turn is near" number offered on the ticket page and the board's own announcement.
 * Every save checks the whole form first and changes nothing on a refusal.
 */
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/str.h"
#include "base/text.h"
#include "domain/audit.h"
#include "domain/directory.h"
#include "domain/queue.h"
#include "domain/queue_internal.h"
#include "domain/read_model.h"
#include "store/directory.h"
#include "store/queue.h"
#include "store/store.h"

#include "base/common.h"

#define SETTING_TURN_NEAR "queue.turn_near"
#define SETTING_NOTE_ZH   "queue.board_note_zh"
#define SETTING_NOTE_EN   "queue.board_note_en"

/* A setting copied into arena ("" when unset). */
static int setting_text(struct store *store, struct arena *arena, int64_t office_id,
                        const char *key, const char **out)
{
  char *value = NULL;
  int rc = store_setting_get(store, office_id, key, &value);
  if (rc == ST_NOTFOUND) {
    *out = "";
    return ST_OK;
  }
  *out = rc ? NULL : arena_strdup(arena, value);
  free(value);
  return rc ? rc : *out ? ST_OK : ST_NOMEM;
}

int queue_board_note(struct store *store, struct arena *arena, int64_t office_id, const char **zh,
                     const char **en)
{
  int rc = setting_text(store, arena, office_id, SETTING_NOTE_ZH, zh);
  return rc ? rc : setting_text(store, arena, office_id, SETTING_NOTE_EN, en);
}

int64_t queue_turn_near_of(struct store *store, int64_t office_id)
{
  char *value = NULL;
  int64_t n = 0;
  if (store_setting_get(store, office_id, SETTING_TURN_NEAR, &value) ||
      str_to_int64(str_from(value), 1, QUEUE_NOTIFY_AHEAD_MAX, &n))
    n = QUEUE_TURN_NEAR_DEFAULT;
  free(value);
  return n;
}

int queue_setup_read(struct store *store, struct arena *arena, time_t now, int64_t office_id,
                     struct queue_setup *out)
{
  const char *turn = NULL;
  memset(out, 0, sizeof(*out));
  /* The settings first, outside the read transaction (a setting read inside one takes a lock
   * on PostgreSQL, store.h). */
  int rc = setting_text(store, arena, office_id, SETTING_TURN_NEAR, &turn);
  if (!rc)
    rc = setting_text(store, arena, office_id, SETTING_NOTE_ZH, &out->board_note_zh);
  if (!rc)
    rc = setting_text(store, arena, office_id, SETTING_NOTE_EN, &out->board_note_en);
  if (rc)
    return rc;
  if (str_to_int64(str_from(turn), 1, QUEUE_NOTIFY_AHEAD_MAX, &out->turn_near))
    out->turn_near = QUEUE_TURN_NEAR_DEFAULT;
  rc = store_begin_read(store);
  if (rc)
    return rc;
  return store_end_read(store, queue_office_in(store, arena, now, office_id, &out->office));
}

/* ---- checks ---------------------------------------------------------------------------------- */

static bool code_valid(const char *code)
{
  size_t n = code ? strlen(code) : 0;
  return n >= 1 && n <= QUEUE_CODE_MAX && strspn(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == n;
}

static bool number_valid(const char *number)
{
  static const char allowed[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-";
  size_t n = number ? strlen(number) : 0;
  return n >= 1 && n <= QUEUE_NUMBER_MAX && strspn(number, allowed) == n;
}

/* A name of at most QUEUE_NAME_MAX_CHARS characters of valid UTF-8 ("" allowed unless
 * required). */
static bool name_valid(struct arena *arena, const char *name, bool required)
{
  if (!name || !*name)
    return !required;
  return text_normalize(arena, name, false) && text_length(name) <= QUEUE_NAME_MAX_CHARS;
}

struct queue_admin_op {
  const struct audit_actor *actor;
  const struct queue_queue_form *queue;
  const struct queue_counter_form *counter;
  const char **field, **reason;
  int64_t id;
};

static int refuse(struct queue_admin_op *op, const char *field, const char *reason)
{
  *op->field = field;
  *op->reason = reason;
  return ST_INVALID;
}

static int audit(struct store *store, const struct audit_actor *actor, const char *action,
                 const char *kind, int64_t id, json_t *detail)
{
  char text[24];
  snprintf(text, sizeof(text), "%lld", (long long)id);
  int rc = detail ? audit_record(store, actor, action, kind, text, detail) : ST_NOMEM;
  json_decref(detail);
  return rc;
}

/* ---- queues ---------------------------------------------------------------------------------- */

static int queue_check(struct queue_admin_op *op, struct arena *arena, const struct directory *dir,
                       const struct queue_office *office)
{
  const struct queue_queue_form *in = op->queue;
  bool found = in->id == 0;
  for (size_t i = 0; i < office->queue_count; i++) {
    found |= office->queues[i].id == in->id;
    if (in->code && office->queues[i].id != in->id && !strcmp(office->queues[i].code, in->code))
      return refuse(op, "code", "queue_admin_err_code_taken");
  }
  if (!found)
    return ST_NOTFOUND;
  if (!code_valid(in->code))
    return refuse(op, "code", "queue_admin_err_code");
  if (!name_valid(arena, in->name_zh, true))
    return refuse(op, "name_zh", "queue_admin_err_name_zh");
  if (!name_valid(arena, in->name_en, false))
    return refuse(op, "name_en", "queue_admin_err_name_en");
  for (size_t i = 0; i < in->service_count; i++) {
    const struct dir_service *s = directory_service(dir, in->service_ids[i]);
    if (!s || s->office_id != office->office_id)
      return refuse(op, "services", "queue_admin_err_service");
  }
  return ST_OK;
}

static int queue_write(struct store *store, struct queue_admin_op *op)
{
  const struct queue_queue_form *in = op->queue;
  int64_t office = op->actor->office_id;
  const char *en = in->name_en ? in->name_en : "";
  int rc = in->id ? store_queue_update(store, office, in->id, in->code, in->name_zh, en, in->open)
                  : store_queue_insert(store, office, in->code, in->name_zh, en, in->open, &op->id);
  if (in->id)
    op->id = in->id;
  if (!rc)
    rc = store_queue_services_clear(store, op->id);
  json_t *services = json_array();
  for (size_t i = 0; !rc && i < in->service_count; i++) {
    rc = store_queue_service_add(store, op->id, in->service_ids[i]);
    json_array_append_new(services, json_integer(in->service_ids[i]));
  }
  json_t *detail = json_pack("{s:s, s:s, s:s, s:b, s:o}", "code", in->code, "name_zh", in->name_zh,
                             "name_en", en, "open", in->open, "services", services);
  if (!detail)
    json_decref(services);
  if (rc) {
    json_decref(detail);
    return rc;
  }
  return audit(store, op->actor, "queue.admin.queue", "queue", op->id, detail);
}

/* ---- counters -------------------------------------------------------------------------------- */

static int counter_check(struct queue_admin_op *op, struct arena *arena,
                         const struct queue_office *office)
{
  const struct queue_counter_form *in = op->counter;
  bool found = in->id == 0;
  for (size_t i = 0; i < office->counter_count; i++) {
    const struct queue_counter_row *c = &office->counters[i];
    found |= c->id == in->id;
    if (in->number && c->id != in->id && !strcmp(c->number, in->number))
      return refuse(op, "number", "queue_admin_err_number_taken");
  }
  if (!found)
    return ST_NOTFOUND;
  if (!number_valid(in->number))
    return refuse(op, "number", "queue_admin_err_number");
  if (!name_valid(arena, in->name, false))
    return refuse(op, "name", "queue_admin_err_counter_name");
  for (size_t i = 0; i < in->queue_count; i++) {
    bool ours = false;
    for (size_t j = 0; j < office->queue_count; j++)
      ours |= office->queues[j].id == in->queue_ids[i];
    if (!ours)
      return refuse(op, "queues", "queue_admin_err_queue");
  }
  return ST_OK;
}

static int counter_write(struct store *store, struct queue_admin_op *op)
{
  const struct queue_counter_form *in = op->counter;
  int64_t office = op->actor->office_id;
  const char *name = in->name ? in->name : "";
  int rc = in->id ? store_counter_update(store, office, in->id, in->number, name)
                  : store_counter_insert(store, office, in->number, name, &op->id);
  if (in->id)
    op->id = in->id;
  if (!rc)
    rc = store_counter_queues_clear(store, op->id);
  json_t *queues = json_array();
  for (size_t i = 0; !rc && i < in->queue_count; i++) {
    rc = store_counter_queue_add(store, op->id, in->queue_ids[i]);
    json_array_append_new(queues, json_integer(in->queue_ids[i]));
  }
  json_t *detail =
      json_pack("{s:s, s:s, s:o}", "number", in->number, "name", name, "queues", queues);
  if (!detail)
    json_decref(queues);
  if (rc) {
    json_decref(detail);
    return rc;
  }
  return audit(store, op->actor, "queue.admin.counter", "counter", op->id, detail);
}

/* ---- one transaction for either ---------------------------------------------------------------
 */

static int admin_in(struct store *store, struct arena *arena, struct queue_admin_op *op)
{
  const struct directory *dir = NULL;
  struct queue_office office;
  int rc = directory_acquire(store, arena, &dir);
  if (!rc)
    rc = queue_office_in(store, arena, 0, op->actor->office_id, &office);
  if (!rc)
    rc = op->queue ? queue_check(op, arena, dir, &office) : counter_check(op, arena, &office);
  if (!rc)
    rc = op->queue ? queue_write(store, op) : counter_write(store, op);
  return rc;
}

static int admin_save(struct store *store, struct queue_admin_op *op)
{
  struct arena *arena = arena_new(256 * 1024);
  *op->field = NULL;
  *op->reason = NULL;
  int rc = arena ? store_begin(store) : ST_NOMEM;
  if (!rc) {
    rc = admin_in(store, arena, op);
    if (rc)
      store_rollback(store);
    else
      rc = store_commit(store);
  }
  arena_free(arena);
  return rc;
}

int queue_queue_save(struct store *store, time_t now, const struct audit_actor *actor,
                     const struct queue_queue_form *in, const char **field, const char **reason)
{
  (void)now;
  struct queue_admin_op op = {.actor = actor, .queue = in, .field = field, .reason = reason};
  return admin_save(store, &op);
}

int queue_counter_save(struct store *store, time_t now, const struct audit_actor *actor,
                       const struct queue_counter_form *in, const char **field, const char **reason)
{
  (void)now;
  struct queue_admin_op op = {.actor = actor, .counter = in, .field = field, .reason = reason};
  return admin_save(store, &op);
}

/* ---- settings -------------------------------------------------------------------------------- */

static int settings_in(struct store *store, const struct audit_actor *actor, int64_t turn_near,
                       const char *note_zh, const char *note_en)
{
  char turn[24];
  snprintf(turn, sizeof(turn), "%lld", (long long)turn_near);
  int64_t office = actor->office_id;
  int rc = store_setting_put(store, office, SETTING_TURN_NEAR, turn);
  if (!rc)
    rc = store_setting_put(store, office, SETTING_NOTE_ZH, note_zh);
  if (!rc)
    rc = store_setting_put(store, office, SETTING_NOTE_EN, note_en);
  if (!rc)
    rc = audit(store, actor, "queue.admin.settings", "office", office,
               json_pack("{s:I, s:s, s:s}", "turn_near", (json_int_t)turn_near, "board_note_zh",
                         note_zh, "board_note_en", note_en));
  return rc;
}

int queue_settings_save(struct store *store, time_t now, const struct audit_actor *actor,
                        const char *turn_near, const char *note_zh, const char *note_en,
                        const char **field, const char **reason)
{
  int64_t n = 0;
  struct arena *arena = arena_new(16 * 1024);
  (void)now;
  *field = "turn_near";
  *reason = "queue_admin_err_turn_near";
  bool ok =
      arena && !str_to_int64(str_from(turn_near ? turn_near : ""), 1, QUEUE_NOTIFY_AHEAD_MAX, &n);
  for (int i = 0; ok && i < 2; i++) {
    const char *note = i ? note_en : note_zh;
    *field = i ? "board_note_en" : "board_note_zh";
    *reason = "queue_admin_err_note";
    ok = !note || !*note ||
         (strlen(note) <= QUEUE_BOARD_NOTE_MAX && text_normalize(arena, note, false));
  }
  arena_free(arena);
  if (!ok)
    return ST_INVALID;
  *field = NULL;
  *reason = NULL;
  int rc = store_begin(store);
  if (rc)
    return rc;
  rc = settings_in(store, actor, n, note_zh ? note_zh : "", note_en ? note_en : "");
  if (rc) {
    store_rollback(store);
    return rc;
  }
  return store_commit(store);
}
