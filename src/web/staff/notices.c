/*
 * notices.c - a case's messages, the admins' outbox page with retry, and the SMS gateway's
 * delivery-receipt webhook (notices.h). The templates pages are in notices_templates.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "domain/audit.h"
#include "domain/notify.h"
#include "render/format.h"
#include "render/message.h"
#include "web/app.h"
#include "web/staff/notices.h"

#include "base/common.h"

enum { OUTBOX_PAGE = 100 };

static const char *label(struct http_request *req, const char *prefix, const char *code)
{
  return http_t(req, arena_printf(req->arena, "%s%s", prefix, code));
}

/* The subject of a message not tied to a case in words, "陳情 #12" ("notice_subject_<kind>";
 * the kind itself when it has no translation), shown in the case number's place. */
static json_t *subject_view(struct http_request *req, json_t *view,
                            const struct notify_message_row *m)
{
  const char *key = arena_printf(req->arena, "notice_subject_%s", m->subject_kind);
  const char *word = key ? http_t(req, key) : NULL;
  const char *shown =
      arena_printf(req->arena, "%s #%lld", word && strcmp(word, key) ? word : m->subject_kind,
                   (long long)m->subject_id);
  if (view && (!shown || json_object_set_new(view, "case_key", json_string(shown)) ||
               json_object_set_new(view, "subject_kind", json_string(m->subject_kind)) ||
               json_object_set_new(view, "subject_id", json_integer(m->subject_id)) ||
               json_object_set_new(view, "event", json_string(m->event)) ||
               json_object_set_new(view, "channel", json_string(m->channel)))) {
    json_decref(view);
    return NULL;
  }
  return view;
}

/* What a message says: its text once sent (or when queued by an older version), else its
 * values rendered now with the template in force, as the worker will send them (render/message.h);
 * "" when that template is gone or does not render (the outbox then shows the failure). */
struct shown_text {
  const char *subject, *text;
};

static struct shown_text shown_text(struct http_request *req, const struct notify_message_row *m)
{
  struct shown_text out = {m->subject, m->body_text};
  if (!m->values || !m->template_body)
    return out;
  char *subject = NULL, *text = NULL, *html = NULL, detail[160];
  const char *reason = NULL;
  json_t *vars = message_vars(m->values, m->lang);
  if (vars && !message_render(m->channel, m->lang, m->template_subject, m->template_body, vars,
                              &subject, &text, &html, &reason, detail, sizeof(detail))) {
    const char *s = arena_strdup(req->arena, subject), *t = arena_strdup(req->arena, text);
    out = (struct shown_text){s ? s : "", t ? t : ""};
  }
  json_decref(vars);
  free(subject);
  free(text);
  free(html);
  return out;
}

/* A message row for pages: labels in the request's language, times in words. */
static json_t *message_view(struct http_request *req, const struct notify_message_row *m)
{
  struct shown_text shown = shown_text(req, m);
  json_t *view = json_pack(
      "{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s}", "id",
      (json_int_t)m->id, "case_id", (json_int_t)m->case_id, "case_key", m->case_key, "event_label",
      label(req, "notice_event_", m->event), "channel_label",
      label(req, "notice_channel_", m->channel), "status", m->status, "status_label",
      label(req, "notice_status_", m->status), "failed",
      !strcmp(m->status, "failed") || !strcmp(m->status, "failed_temp"), "recipient",
      m->recipient_masked, "subject", shown.subject, "body_text", shown.text, "attempts",
      (json_int_t)m->attempts, "created_text", web_datetime(req, m->created_at), "sent_text",
      web_datetime(req, m->sent_at), "last_error", m->last_error, "lang_label",
      strcmp(m->lang, "en") ? http_t(req, "notice_lang_zh") : http_t(req, "notice_lang_en"));
  if (!m->case_id) /* a message not tied to a case: its subject ("陳情 #12") where the number is */
    return subject_view(req, view, m);
  /* The link to the case only for someone the route table lets open it (an admin who is not
   * also case staff sees the number alone). */
  char *href = arena_printf(req->arena, "/staff/cases/%lld", (long long)m->case_id);
  if (view && href && http_may(req, "GET", href) &&
      json_object_set_new(view, "case_href", json_string(href))) {
    json_decref(view);
    return NULL;
  }
  if (view && (json_object_set_new(view, "event", json_string(m->event)) ||
               json_object_set_new(view, "channel", json_string(m->channel)))) {
    json_decref(view);
    return NULL;
  }
  return view;
}

static json_t *message_list(struct http_request *req, const struct notify_messages *messages)
{
  json_t *list = json_array();
  for (size_t i = 0; i < messages->count; i++)
    json_array_append_new(list, message_view(req, &messages->rows[i]));
  return list;
}

json_t *notices_case_messages(struct http_request *req, const struct notify_messages *messages)
{
  return message_list(req, messages);
}

static bool status_valid(const char *s)
{
  static const char *const statuses[] = {"",          "queued",      "sending", "sent",
                                         "delivered", "failed_temp", "failed"};
  for (size_t i = 0; s && i < ARRAY_LEN(statuses); i++)
    if (!strcmp(s, statuses[i]))
      return true;
  return false;
}

static json_t *filters(struct http_request *req, const char *current)
{
  static const char *const codes[] = {"", "queued", "sent", "delivered", "failed"};
  json_t *list = json_array();
  for (size_t i = 0; i < ARRAY_LEN(codes); i++)
    json_array_append_new(
        list, json_pack("{s:s, s:s, s:b}", "href",
                        arena_printf(req->arena, "/staff/admin/outbox%s%s",
                                     *codes[i] ? "?status=" : "", codes[i]),
                        "label", label(req, "outbox_filter_", *codes[i] ? codes[i] : "problems"),
                        "current", !strcmp(codes[i], current)));
  return list;
}

int notices_outbox(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct notify_messages messages;
  const char *status = http_query(req, "status");
  status = status ? status : "";
  if (!status_valid(status))
    return http_error(res, 400, NULL);
  int rc = web_store(req, &store);
  if (!rc)
    rc = notify_outbox_read(store, req->arena, req->session->office_id, status, OUTBOX_PAGE,
                            &messages);
  if (rc)
    return rc;
  json_t *list = message_list(req, &messages);
  return http_page(res, 200, "staff/outbox",
                   json_pack("{s:s, s:o, s:o, s:b, s:b}", "title", http_t(req, "outbox_title"),
                             "messages", list, "filters", filters(req, status), "problems",
                             !*status, "retried", http_query(req, "retried") != NULL));
}

int notices_outbox_retry(struct http_request *req, struct http_response *res)
{
  struct store *store;
  int64_t id = 0;
  const char *text = http_capture(req, "id");
  if (!text || str_to_int64(str_from(text), 1, INT64_MAX, &id))
    return ST_NOTFOUND;
  struct audit_actor actor;
  web_actor(req, &actor);
  int rc = web_store(req, &store);
  if (!rc)
    rc = notify_outbox_retry(store, &actor, req->session->office_id, id, clock_now());
  return rc ? rc : http_redirect(res, 303, "/staff/admin/outbox?retried=1");
}

/* ---- the delivery-receipt webhook ------------------------------------------------------- */

/* ref, id and status from a JSON body or a form. */
static int receipt_fields(struct http_request *req, const char **ref, const char **id,
                          const char **status, json_t **doc)
{
  *doc = NULL;
  if (req->form_count || !req->body_len) {
    *ref = http_form(req, "ref");
    *id = http_form(req, "id") ? http_form(req, "id") : http_form(req, "msgid");
    *status = http_form(req, "status");
    return *status ? ST_OK : ST_INVALID;
  }
  *doc = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, NULL);
  if (!json_is_object(*doc))
    return ST_INVALID;
  *ref = json_string_value(json_object_get(*doc, "ref"));
  *id = json_string_value(json_object_get(*doc, "id"));
  *status = json_string_value(json_object_get(*doc, "status"));
  return *status ? ST_OK : ST_INVALID;
}

int notices_sms_receipt(struct http_request *req, struct http_response *res)
{
  struct store *store;
  json_t *doc;
  const char *ref = NULL, *id = NULL, *status = NULL;
  if (!notify_receipt_token_ok(http_capture(req, "token")))
    return http_error(res, 403, NULL);
  int rc = receipt_fields(req, &ref, &id, &status, &doc);
  if (rc) {
    json_decref(doc);
    return http_error(res, 400, NULL);
  }
  rc = web_store(req, &store);
  if (!rc)
    rc = notify_receipt(store, clock_now(), ref, id, status);
  json_decref(doc);
  if (rc)
    return rc;
  static const char ok[] = "{\"ok\":true}";
  return http_raw(res, 200, "application/json", ok, sizeof(ok) - 1);
}
