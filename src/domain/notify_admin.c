/*
 * notify_admin.c - what the admins' notice pages read (messages of a case, the outbox, which
 * templates an office edited) as typed read models, and the changes they make (a retry, a
 * template saved or reset), each with its audit row in one transaction (notify.h).
 */
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "domain/audit.h"
#include "domain/notify.h"
#include "domain/read_model.h"
#include "store/store.h"

#include "base/common.h"

static int fill_message(struct arena *arena, json_t *row, struct notify_message_row *m)
{
  m->id = read_model_int(row, "id");
  m->case_id = read_model_int(row, "case_id");
  m->attempts = read_model_int(row, "attempts");
  m->created_at = read_model_int(row, "created_at");
  m->sent_at = read_model_int(row, "sent_at");
  m->subject_id = read_model_int(row, "subject_id");
  const char **texts[] = {&m->case_key,   &m->event,       &m->channel,          &m->lang,
                          &m->status,     &m->subject,     &m->recipient_masked, &m->body_text,
                          &m->last_error, &m->subject_kind};
  static const char *const keys[] = {"case_key",   "event",       "channel",          "lang",
                                     "status",     "subject",     "recipient_masked", "body_text",
                                     "last_error", "subject_kind"};
  for (size_t i = 0; i < ARRAY_LEN(keys); i++)
    if (!(*texts[i] = read_model_text(arena, row, keys[i])))
      return ST_NOMEM;
  return ST_OK;
}

/* A message queued as data: its values and the template in force for its preview (none when
 * the template is gone: the page shows the message without text, as sending will fail). An
 * earlier row of the same office's read (first..m) with the same template lends it. */
static int fill_pending(struct store *store, struct arena *arena, json_t *row,
                        const struct notify_message_row *first, struct notify_message_row *m)
{
  json_t *values = notify_message_values(json_string_value(json_object_get(row, "data"))), *tpl;
  if (!values)
    return ST_OK;
  if (read_model_hold(arena, values))
    return ST_NOMEM;
  m->values = values;
  for (const struct notify_message_row *seen = first; seen < m; seen++)
    if (seen->template_body && !strcmp(seen->event, m->event) &&
        !strcmp(seen->channel, m->channel) && !strcmp(seen->lang, m->lang)) {
      m->template_subject = seen->template_subject; /* one read per template, not per row */
      m->template_body = seen->template_body;
      return ST_OK;
    }
  int64_t office_id = read_model_int(row, "office_id");
  int rc = notify_template_get(store, office_id, m->event, m->channel, m->lang, &tpl);
  if (rc == ST_NOTFOUND)
    return ST_OK;
  if (!rc && (!(m->template_subject = read_model_text(arena, tpl, "subject")) ||
              !(m->template_body = read_model_text(arena, tpl, "body"))))
    rc = ST_NOMEM;
  json_decref(tpl);
  return rc;
}

/* Copies rows (an array the caller still owns) into out. */
static int fill_messages(struct store *store, struct arena *arena, json_t *rows,
                         struct notify_messages *out)
{
  size_t n = json_array_size(rows);
  int rc = (out->rows = read_model_array(arena, n, sizeof(*out->rows))) ? ST_OK : ST_NOMEM;
  for (size_t i = 0; !rc && i < n; i++)
    rc = fill_message(arena, json_array_get(rows, i), &out->rows[i]);
  for (size_t i = 0; !rc && i < n; i++)
    rc = fill_pending(store, arena, json_array_get(rows, i), out->rows, &out->rows[i]);
  out->count = rc ? 0 : n;
  return rc;
}

int notify_outbox_claim(struct store *store, const char *node, time_t now, time_t stale_before,
                        bool sms, bool email, json_t **out)
{
  return store_outbox_claim(store, node, (int64_t)now, (int64_t)stale_before, sms, email, out);
}

int notify_outbox_sent(struct store *store, int64_t id, const char *node, const char *provider_id,
                       time_t now, bool *applied)
{
  return store_outbox_sent(store, id, node, provider_id, (int64_t)now, applied);
}

int notify_outbox_sent_rendered(struct store *store, int64_t id, const char *node,
                                const char *provider_id, time_t now,
                                const struct notify_rendered *r, bool *applied)
{
  return store_outbox_sent_text(store, id, node, provider_id, (int64_t)now, r ? r->subject : NULL,
                                r ? r->text : NULL, r ? r->html : NULL, applied);
}

int notify_outbox_failed(struct store *store, int64_t id, const char *node, const char *error,
                         time_t retry_at, int64_t max_attempts, bool *applied)
{
  return store_outbox_failed(store, id, node, error, (int64_t)retry_at, max_attempts, applied);
}

int notify_case_messages_read(struct store *store, struct arena *arena, int64_t case_id,
                              struct notify_messages *out)
{
  json_t *rows = NULL;
  out->count = 0;
  int rc = store_outbox_for_case(store, case_id, &rows);
  if (!rc)
    rc = fill_messages(store, arena, rows, out);
  json_decref(rows);
  return rc;
}

int notify_outbox_read(struct store *store, struct arena *arena, int64_t office_id,
                       const char *status, int64_t limit, struct notify_messages *out)
{
  json_t *rows = NULL;
  out->count = 0;
  int rc = store_outbox_list(store, office_id, status, limit, &rows);
  if (!rc)
    rc = fill_messages(store, arena, rows, out);
  json_decref(rows);
  return rc;
}

int notify_outbox_retry(struct store *store, const struct audit_actor *actor, int64_t office_id,
                        int64_t id, int64_t now)
{
  char object_id[24];
  snprintf(object_id, sizeof(object_id), "%lld", (long long)id);
  /* The retry and its audit row together, or neither (a kill between them left a retry that
   * the audit trail did not show). */
  int rc = store_begin(store);
  if (rc)
    return rc;
  rc = store_outbox_retry(store, office_id, id, now);
  if (!rc)
    rc = audit_record(store, actor, "notice.retry", "outbox", object_id, NULL);
  if (!rc)
    rc = store_commit(store);
  if (rc)
    store_rollback(store);
  return rc;
}

int notify_templates_edited_read(struct store *store, struct arena *arena, int64_t office_id,
                                 struct notify_template_keys *out)
{
  json_t *rows = NULL;
  out->count = 0;
  int rc = store_message_template_list(store, office_id, &rows);
  size_t n = json_array_size(rows);
  if (!rc && !(out->keys = read_model_array(arena, n, sizeof(*out->keys))))
    rc = ST_NOMEM;
  for (size_t i = 0; !rc && i < n; i++) {
    json_t *row = json_array_get(rows, i);
    struct notify_template_key *k = &out->keys[i];
    k->event = read_model_text(arena, row, "event");
    k->channel = read_model_text(arena, row, "channel");
    k->lang = read_model_text(arena, row, "lang");
    rc = k->event && k->channel && k->lang ? ST_OK : ST_NOMEM;
  }
  if (!rc)
    out->count = n;
  json_decref(rows);
  return rc;
}

int notify_template_change(struct store *store, const struct audit_actor *actor, int64_t office_id,
                           const struct notify_template_change *c, int64_t now, const char *by)
{
  char object_id[128];
  snprintf(object_id, sizeof(object_id), "%s.%s.%s", c->event, c->channel, c->lang);
  int rc = store_begin(store);
  if (rc)
    return rc;
  rc = c->reset ? store_message_template_delete(store, office_id, c->event, c->channel, c->lang)
                : store_message_template_put(store, office_id, c->event, c->channel, c->lang,
                                             c->subject, c->body, now, by);
  if (!rc)
    rc = audit_record(store, actor, c->reset ? "notice.template.reset" : "notice.template.save",
                      "template", object_id, NULL);
  if (!rc)
    rc = store_commit(store);
  if (rc)
    store_rollback(store);
  return rc;
}
