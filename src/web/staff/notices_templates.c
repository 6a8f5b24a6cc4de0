/*
 * notices_templates.c - the admins' message templates: every event x channel x language, the
 * edit form with a preview on sample data and the SMS length count (computed here, so it works
 * without JavaScript), save (refused with a clear message when the template is broken) and
 * back to the shipped template.
 */
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "domain/audit.h"
#include "domain/notify.h"
#include "render/message.h"
#include "web/app.h"
#include "web/staff/notices.h"

#include "base/common.h"

static const char *const channels[] = {"sms", "email"};
static const char *const langs[] = {"zh-TW", "en"};

static const char *label(struct http_request *req, const char *prefix, const char *code)
{
  return http_t(req, arena_printf(req->arena, "%s%s", prefix, code));
}

static const char *lang_label(struct http_request *req, const char *lang)
{
  return http_t(req, strcmp(lang, "en") ? "notice_lang_zh" : "notice_lang_en");
}

static bool edited(const struct notify_template_keys *edits, const char *event, const char *channel,
                   const char *lang)
{
  for (size_t i = 0; i < edits->count; i++) {
    const struct notify_template_key *k = &edits->keys[i];
    if (!strcmp(k->event, event) && !strcmp(k->channel, channel) && !strcmp(k->lang, lang))
      return true;
  }
  return false;
}

static json_t *event_row(struct http_request *req, const char *event,
                         const struct notify_template_keys *edits)
{
  json_t *cells = json_array();
  for (size_t c = 0; c < ARRAY_LEN(channels); c++)
    for (size_t l = 0; l < ARRAY_LEN(langs); l++)
      json_array_append_new(
          cells,
          json_pack("{s:s, s:s, s:b}", "href",
                    arena_printf(req->arena, "/staff/admin/templates/%s/%s/%s", event, channels[c],
                                 langs[l]),
                    "label",
                    arena_printf(req->arena, "%s %s", label(req, "notice_channel_", channels[c]),
                                 lang_label(req, langs[l])),
                    "edited", edited(edits, event, channels[c], langs[l])));
  return json_pack("{s:s, s:o}", "label", label(req, "notice_event_", event), "cells", cells);
}

int notices_templates(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct notify_template_keys edits;
  int rc = web_store(req, &store);
  if (!rc)
    rc = notify_templates_edited_read(store, req->arena, req->session->office_id, &edits);
  if (rc)
    return rc;
  size_t count;
  const struct notify_event *events = notify_events(&count);
  json_t *list = json_array();
  for (size_t i = 0; i < count; i++)
    json_array_append_new(list, event_row(req, events[i].name, &edits));
  return http_page(
      res, 200, "staff/templates",
      json_pack("{s:s, s:o}", "title", http_t(req, "templates_title"), "events", list));
}

/* ---- one template --------------------------------------------------------------------- */

struct which {
  const char *event, *channel, *lang;
};

static int which_of(struct http_request *req, struct which *w)
{
  w->event = http_capture(req, "event");
  w->channel = http_capture(req, "channel");
  w->lang = http_capture(req, "lang");
  return notify_event_find(w->event) && notify_channel_valid(w->channel) &&
                 notify_lang_valid(w->lang)
             ? ST_OK
             : ST_NOTFOUND;
}

/* The preview on sample data (and the SMS count), added to view. A template that does not
 * render adds the error instead. */
static int add_preview(struct http_request *req, json_t *view, const struct which *w,
                       const char *subject, const char *body)
{
  char *s = NULL, *text = NULL, *html = NULL, detail[200];
  const char *reason = NULL;
  json_t *sample = notify_sample_vars(w->lang);
  int rc = sample ? message_render(w->channel, w->lang, subject, body, sample, &s, &text, &html,
                                   &reason, detail, sizeof(detail))
                  : ST_NOMEM;
  json_decref(sample);
  if (rc == ST_INVALID)
    return web_form_error_text(
        view, "body",
        arena_printf(req->arena, "%s%s%s", http_t(req, reason), *detail ? ": " : "", detail));
  if (rc)
    return rc;
  struct notify_sms_count count;
  notify_sms_count(text, &count);
  json_t *preview =
      json_pack("{s:s, s:s, s:b, s:{s:I, s:I, s:I, s:I, s:b}}", "subject", s, "text", text, "sms",
                !strcmp(w->channel, "sms"), "count", "units", (json_int_t)count.units, "parts",
                (json_int_t)count.parts, "per_part", (json_int_t)count.per_part, "left",
                (json_int_t)count.left, "ucs2", count.ucs2);
  free(s);
  free(text);
  free(html);
  return json_object_set_new(view, "preview", preview) ? ST_NOMEM : ST_OK;
}

static int show(struct http_request *req, struct http_response *res, int status,
                const struct which *w, const char *subject, const char *body, bool is_edited,
                const char *check_error)
{
  json_t *view = json_pack(
      "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:s, s:b}", "title",
      arena_printf(req->arena, "%s · %s %s", label(req, "notice_event_", w->event),
                   label(req, "notice_channel_", w->channel), lang_label(req, w->lang)),
      "action",
      arena_printf(req->arena, "/staff/admin/templates/%s/%s/%s", w->event, w->channel, w->lang),
      "event", w->event, "channel", w->channel, "lang", w->lang, "subject", subject ? subject : "",
      "body", body ? body : "", "email", !strcmp(w->channel, "email"), "edited", is_edited,
      "variables",
      "{{case_number}} {{check_code}} {{service}} {{office}} {{office_phone}} {{office_url}} "
      "{{deadline}} {{items}} {{reason}} {{new_date}} {{progress_url}} {{case_url}} {{date}} "
      "{{time}} {{place}}",
      "saved", http_query(req, "saved") != NULL);
  int rc = view ? ST_OK : ST_NOMEM;
  if (!rc && check_error)
    rc = web_form_error_text(view, "body", check_error);
  else if (!rc)
    rc = add_preview(req, view, w, subject, body);
  if (rc) {
    json_decref(view);
    return rc;
  }
  return http_page(res, status, "staff/template_form", view);
}

int notices_template_form(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct which w;
  json_t *tpl = NULL;
  int rc = which_of(req, &w);
  if (!rc)
    rc = web_store(req, &store);
  if (!rc)
    rc = notify_template_get(store, req->session->office_id, w.event, w.channel, w.lang, &tpl);
  if (rc == ST_NOTFOUND && !which_of(req, &w))
    return show(req, res, 200, &w, "", "", false, NULL); /* no shipped one: write the first */
  if (rc)
    return rc;
  rc = show(req, res, 200, &w, web_str(tpl, "subject"), web_str(tpl, "body"),
            json_is_true(json_object_get(tpl, "edited")), NULL);
  json_decref(tpl);
  return rc;
}

static int save(struct http_request *req, struct store *store, const struct which *w,
                const char *subject, const char *body, bool reset)
{
  struct audit_actor actor;
  web_actor(req, &actor);
  const struct notify_template_change change = {w->event, w->channel, w->lang,
                                                subject,  body,       reset};
  return notify_template_change(store, &actor, req->session->office_id, &change, clock_now(),
                                req->session->username);
}

/* An edited template: the domain's rules (channel, sizes, subject), then its syntax and
 * variables (render/message.h with the domain's variable names). */
static int template_check(const char *channel, const char *subject, const char *body,
                          const char **reason, char *detail, size_t detail_size)
{
  size_t count = 0;
  const char *const *names = notify_variables(&count);
  int rc = notify_template_check(channel, subject, body, reason, detail, detail_size);
  return rc ? rc : message_check(channel, subject, body, names, count, reason, detail, detail_size);
}

int notices_template_submit(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct which w;
  const char *action = http_form(req, "action"), *reason = NULL;
  const char *subject = http_form(req, "subject"), *body = http_form(req, "body");
  char detail[200];
  if (which_of(req, &w))
    return ST_NOTFOUND;
  subject = subject && !strcmp(w.channel, "email") ? subject : "";
  bool reset = action && !strcmp(action, "reset");
  if (!reset && template_check(w.channel, subject, body, &reason, detail, sizeof(detail)))
    return show(
        req, res, 400, &w, subject, body, false,
        arena_printf(req->arena, "%s%s%s", http_t(req, reason), *detail ? ": " : "", detail));
  if (action && !strcmp(action, "preview"))
    return show(req, res, 200, &w, subject, body, false, NULL);
  if (!reset && (!action || strcmp(action, "save")))
    return http_error(res, 400, NULL);
  int rc = web_store(req, &store);
  if (!rc)
    rc = save(req, store, &w, subject, body, reset);
  if (rc)
    return rc;
  return http_redirect(res, 303,
                       arena_printf(req->arena, "/staff/admin/templates/%s/%s/%s?saved=1", w.event,
                                    w.channel, w.lang));
}
