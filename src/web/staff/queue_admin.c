/*
 * queue_admin.c - /staff/admin/queues (admins of the office): the office's queues (letters,
 * names, services, open or closed), counters (number, name, queues served), the "turn is near"
 * number the ticket page offers and the board's own announcement. One page, one form per queue
 * and counter plus one for a new one of each; a refused form re-renders the page (400) with
 * the fault named next to its field, nothing changed.
 */
#include "web/staff/queue.h"

#include <string.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/str.h"
#include "domain/audit.h"
#include "domain/directory.h"
#include "domain/queue.h"
#include "web/app.h"

#include "base/common.h"

enum { ADMIN_IDS_MAX = 128 }; /* services of a queue, queues of a counter, in one form */

static bool has_id(const int64_t *ids, size_t n, int64_t id)
{
  for (size_t i = 0; i < n; i++)
    if (ids[i] == id)
      return true;
  return false;
}

/* One queue's form (q NULL: the new queue's). */
static json_t *queue_form_view(struct http_request *req, const struct directory *dir,
                               int64_t office_id, const struct queue_row *q)
{
  const char *prefix = q ? arena_printf(req->arena, "queue-%lld", (long long)q->id) : "queue-new";
  json_t *services = json_array();
  size_t n = 0;
  const struct dir_service *all = directory_services(dir, office_id, &n);
  for (size_t i = 0; i < n; i++)
    json_array_append_new(
        services,
        json_pack("{s:I, s:s, s:b, s:s}", "id", (json_int_t)all[i].id, "name",
                  directory_pick(all[i].name_zh, all[i].name_en, req->lang), "checked",
                  q && has_id(q->service_ids, q->service_count, all[i].id), "input_id",
                  arena_printf(req->arena, "%s-service-%lld", prefix, (long long)all[i].id)));
  return json_pack("{s:I, s:b, s:s, s:s, s:s, s:s, s:b, s:o}", "id", (json_int_t)(q ? q->id : 0),
                   "is_new", q == NULL, "prefix", prefix, "code", q ? q->code : "", "name_zh",
                   q ? q->name_zh : "", "name_en", q ? q->name_en : "", "open", q ? q->open : true,
                   "services", services);
}

/* One counter's form (c NULL: the new counter's). */
static json_t *counter_form_view(struct http_request *req, const struct queue_office *office,
                                 const struct queue_counter_row *c)
{
  const char *prefix =
      c ? arena_printf(req->arena, "counter-%lld", (long long)c->id) : "counter-new";
  json_t *queues = json_array();
  for (size_t i = 0; i < office->queue_count; i++) {
    const struct queue_row *q = &office->queues[i];
    json_array_append_new(
        queues, json_pack("{s:I, s:s, s:b, s:s}", "id", (json_int_t)q->id, "label",
                          arena_printf(req->arena, "%s %s", q->code,
                                       directory_pick(q->name_zh, q->name_en, req->lang)),
                          "checked", c && has_id(c->queue_ids, c->queue_count, q->id), "input_id",
                          arena_printf(req->arena, "%s-queue-%lld", prefix, (long long)q->id)));
  }
  return json_pack("{s:I, s:b, s:s, s:s, s:s, s:o}", "id", (json_int_t)(c ? c->id : 0), "is_new",
                   c == NULL, "prefix", prefix, "number", c ? c->number : "", "name",
                   c ? c->name : "", "queues", queues);
}

static json_t *setup_view(struct http_request *req, const struct directory *dir,
                          const struct queue_setup *setup)
{
  const struct queue_office *o = &setup->office;
  json_t *queues = json_array(), *counters = json_array();
  for (size_t i = 0; i <= o->queue_count; i++)
    json_array_append_new(
        queues, queue_form_view(req, dir, o->office_id, i < o->queue_count ? &o->queues[i] : NULL));
  for (size_t i = 0; i <= o->counter_count; i++)
    json_array_append_new(counters,
                          counter_form_view(req, o, i < o->counter_count ? &o->counters[i] : NULL));
  return json_pack("{s:s, s:o, s:o, s:I, s:s, s:s}", "title", http_t(req, "queue_admin_title"),
                   "queues", queues, "counters", counters, "turn_near",
                   (json_int_t)setup->turn_near, "board_note_zh", setup->board_note_zh,
                   "board_note_en", setup->board_note_en);
}

/* The boxes of a form's list (services or queues) checked as they were sent. */
static void keep_checked(const struct http_request *req, json_t *list, const char *name)
{
  json_t *item;
  size_t i;
  json_array_foreach(list, i, item)
  {
    bool sent = false;
    for (size_t f = 0; f < req->form_count; f++) {
      int64_t id = 0;
      sent |= str_eq_cstr(req->form[f].name, name) &&
              !str_to_int64(req->form[f].value, 1, INT64_MAX, &id) &&
              id == json_integer_value(json_object_get(item, "id"));
    }
    json_object_set_new(item, "checked", json_boolean(sent));
  }
}

/* The entry of the page's list whose prefix is prefix (NULL when none). */
static json_t *form_of(json_t *page, const char *list, const char *prefix)
{
  json_t *item;
  size_t i;
  json_array_foreach(json_object_get(page, list), i, item)
  {
    const char *p = json_string_value(json_object_get(item, "prefix"));
    if (p && !strcmp(p, prefix))
      return item;
  }
  return NULL;
}

/* A refused form shows what was sent, not what is stored: the entry of the page's queues or
 * counters with that prefix, or the settings. */
static void keep_sent(const struct http_request *req, json_t *page, const char *prefix)
{
  static const char *const queue_keys[] = {"code", "name_zh", "name_en"};
  static const char *const counter_keys[] = {"number", "name"};
  static const char *const settings_keys[] = {"board_note_zh", "board_note_en"};
  bool queue = !strncmp(prefix, "queue-", 6), counter = !strncmp(prefix, "counter-", 8);
  json_t *target = queue || counter ? form_of(page, queue ? "queues" : "counters", prefix) : page;
  const char *const *keys = queue ? queue_keys : counter ? counter_keys : settings_keys;
  size_t n = queue ? ARRAY_LEN(queue_keys) : 2;
  for (size_t k = 0; target && k < n; k++) {
    const char *v = http_form(req, keys[k]);
    json_object_set_new(target, keys[k], json_string(v ? v : ""));
  }
  if (!target)
    return;
  if (queue) {
    json_object_set_new(target, "open", json_boolean(http_form(req, "open") != NULL));
    keep_checked(req, json_object_get(target, "services"), "service");
  } else if (counter) {
    keep_checked(req, json_object_get(target, "queues"), "queue");
  } else {
    const char *turn = http_form(req, "turn_near");
    json_object_set_new(target, "turn_near", json_string(turn ? turn : ""));
  }
}

/* The page; with a refusal (status 400) its message at field and the sent form (prefix) kept. */
static int admin_page(struct http_request *req, struct http_response *res, int status,
                      const char *prefix, const char *field, const char *reason)
{
  struct store *store;
  struct queue_setup setup;
  const struct directory *dir = NULL;
  int rc = web_store(req, &store);
  if (!rc)
    rc = queue_setup_read(store, req->arena, clock_now(), req->session->office_id, &setup);
  if (!rc)
    rc = directory_acquire(store, req->arena, &dir);
  if (rc)
    return rc;
  json_t *page = setup_view(req, dir, &setup);
  if (!page)
    return ST_NOMEM;
  if (status == 200 && http_query(req, "saved"))
    json_object_set_new(page, "saved", json_true());
  if (prefix)
    keep_sent(req, page, prefix);
  if (reason && web_form_error(req, page, field, reason)) {
    json_decref(page);
    return ST_NOMEM;
  }
  return http_page(res, status, "staff/queue_admin", page);
}

int queue_admin(struct http_request *req, struct http_response *res)
{
  return admin_page(req, res, 200, NULL, NULL, NULL);
}

/* The ids of every form field called name (at most max; a malformed one makes it fail). */
static bool form_ids(const struct http_request *req, const char *name, int64_t *ids, size_t max,
                     size_t *n)
{
  *n = 0;
  for (size_t i = 0; i < req->form_count; i++) {
    if (!str_eq_cstr(req->form[i].name, name))
      continue;
    if (*n >= max || str_to_int64(req->form[i].value, 1, INT64_MAX, &ids[*n]))
      return false;
    (*n)++;
  }
  return true;
}

static int64_t form_id(const struct http_request *req)
{
  const char *text = http_form(req, "id");
  int64_t id = 0;
  if (text && *text && str_to_int64(str_from(text), 0, INT64_MAX, &id)) /* "" or 0: a new one */
    return -1;
  return id;
}

/* After a save: back to the page, or the page again with the refusal named at the field of the
 * form that was sent (its prefix). */
static int after_save(struct http_request *req, struct http_response *res, int rc,
                      const char *prefix, const char *field, const char *reason)
{
  if (rc == ST_NOTFOUND)
    return http_error(res, 404, NULL);
  if (rc == ST_INVALID)
    return admin_page(req, res, 400, prefix, arena_printf(req->arena, "%s-%s", prefix, field),
                      reason);
  return rc ? rc : http_redirect(res, 303, "/staff/admin/queues?saved=1");
}

int queue_admin_queue_submit(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct audit_actor actor;
  int64_t ids[ADMIN_IDS_MAX];
  const char *field = NULL, *reason = NULL;
  struct queue_queue_form in = {.id = form_id(req),
                                .code = http_form(req, "code"),
                                .name_zh = http_form(req, "name_zh"),
                                .name_en = http_form(req, "name_en"),
                                .open = http_form(req, "open") != NULL,
                                .service_ids = ids};
  const char *prefix =
      in.id > 0 ? arena_printf(req->arena, "queue-%lld", (long long)in.id) : "queue-new";
  int rc = in.id < 0 ? ST_NOTFOUND : ST_OK;
  if (!rc && !form_ids(req, "service", ids, ADMIN_IDS_MAX, &in.service_count)) {
    rc = ST_INVALID;
    field = "services";
    reason = "queue_admin_err_service";
  }
  web_actor(req, &actor);
  if (!rc)
    rc = web_store(req, &store);
  if (!rc)
    rc = queue_queue_save(store, clock_now(), &actor, &in, &field, &reason);
  return after_save(req, res, rc, prefix, field, reason);
}

int queue_admin_counter_submit(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct audit_actor actor;
  int64_t ids[ADMIN_IDS_MAX];
  const char *field = NULL, *reason = NULL;
  struct queue_counter_form in = {.id = form_id(req),
                                  .number = http_form(req, "number"),
                                  .name = http_form(req, "name"),
                                  .queue_ids = ids};
  const char *prefix =
      in.id > 0 ? arena_printf(req->arena, "counter-%lld", (long long)in.id) : "counter-new";
  int rc = in.id < 0 ? ST_NOTFOUND : ST_OK;
  if (!rc && !form_ids(req, "queue", ids, ADMIN_IDS_MAX, &in.queue_count)) {
    rc = ST_INVALID;
    field = "queues";
    reason = "queue_admin_err_queue";
  }
  web_actor(req, &actor);
  if (!rc)
    rc = web_store(req, &store);
  if (!rc)
    rc = queue_counter_save(store, clock_now(), &actor, &in, &field, &reason);
  return after_save(req, res, rc, prefix, field, reason);
}

int queue_admin_settings_submit(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct audit_actor actor;
  const char *field = NULL, *reason = NULL;
  web_actor(req, &actor);
  int rc = web_store(req, &store);
  if (!rc)
    rc = queue_settings_save(store, clock_now(), &actor, http_form(req, "turn_near"),
                             http_form(req, "board_note_zh"), http_form(req, "board_note_en"),
                             &field, &reason);
  return after_save(req, res, rc, "settings", field, reason);
}
