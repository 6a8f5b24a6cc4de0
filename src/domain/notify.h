/*
 * notify.h - notices to applicants by SMS and e-mail (DOMAIN.md "Notifications"): which events
 * send a message, the templates (shipped defaults per event x channel x language, which an
 * office's admins may override) and their named variables, the SMS length count, quiet
 * hours, and turning a case event into outbox rows inside the transaction of the change. A
 * row records the message as data (template key and values); its text is rendered when it is
 * sent (workers/outbox.c through render/message.h), so a template edit applies to messages
 * not yet sent.
 *
 * Adding an event: one row in the events table of notify.c and its templates in
 * templates/messages/<event>.<channel>.<lang>.mustache; then one notify_case_event() call
 * where the event happens (notify_subject_event() for a message not tied to a case). A new
 * template variable is one more name in the variables table of notify_template.c.
 */
#ifndef BIANMIN_DOMAIN_NOTIFY_H
#define BIANMIN_DOMAIN_NOTIFY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct store; /* a connection: web only passes it on (ARCHITECTURE.md, Layers) */

enum {
  NOTIFY_SMS_SINGLE_UCS2 = 70, /* one SMS in UCS-2 (any Chinese character) */
  NOTIFY_SMS_PART_UCS2 = 67,   /* per part once split (the rest carries the joining header) */
  NOTIFY_SMS_SINGLE_GSM = 160,
  NOTIFY_SMS_PART_GSM = 153,
  NOTIFY_SUBJECT_MAX_CHARS = 200,
  NOTIFY_BODY_MAX_BYTES = 8000,
  NOTIFY_URL_MAX = 256,
  NOTIFY_TOKEN_MAX = 128
};

/* Process-wide settings, set once at start before threads (notify_configure copies them). */
struct notify_settings {
  char public_url[NOTIFY_URL_MAX];      /* base of links in messages, e.g. https://office.example */
  int quiet_start;                      /* minutes after local midnight (Asia/Taipei) */
  int quiet_end;                        /* equal to quiet_start: no quiet hours */
  char receipt_token[NOTIFY_TOKEN_MAX]; /* the SMS delivery-receipt webhook's secret, "" = off */
  bool public_url_set; /* public_url is [notify] public_url, not the listener's address */
};

void notify_configure(const struct notify_settings *settings);
const struct notify_settings *notify_settings(void);
/* Without [notify] public_url, links name the listener; when it was given port 0, the server
 * tells the port it got here, so that links do not say ":0". */
void notify_listener_port(int port);
/* "HH:MM" -> minutes after midnight; ST_INVALID otherwise. */
int notify_parse_hhmm(const char *text, int *minutes);
/* The first moment at or after t outside the quiet hours (t itself when not quiet). */
time_t notify_daytime(time_t t);
/* Constant-time check of a delivery-receipt token against the configured one. */
bool notify_receipt_token_ok(const char *token);

/* An event that sends a message. urgent messages ignore quiet hours. */
struct notify_event {
  const char *name;
  bool urgent;
};
const struct notify_event *notify_event_find(const char *name);
const struct notify_event *notify_events(size_t *count);
bool notify_channel_valid(const char *channel); /* "sms" or "email" */
bool notify_lang_valid(const char *lang);       /* "zh-TW" or "en" */

/* Which template: an event, a channel and a language. */
struct notify_template_key {
  const char *event, *channel, *lang;
};

/* Loads the shipped templates from dir (templates/messages): <event>.<channel>.<lang>.mustache
 * (an e-mail file's first line is the subject, then an empty line, then the body), checked by
 * notify_template_check. Call once at start, before threads; their syntax is checked where
 * they are rendered (workers/outbox.h outbox_templates_load, which also loads the e-mails'
 * layout.html.mustache). */
int notify_templates_load_dir(const char *dir, char *err, size_t err_size);
/* The shipped templates loaded: how many, and the i-th (ST_NOTFOUND past the end). */
size_t notify_template_default_count(void);
int notify_template_default_at(size_t i, struct notify_template_key *key, const char **subject,
                               const char **body);

/* The template in force for an office: {"subject", "body", "edited": bool, "updated_at",
 * "updated_by"}; the shipped one unless the office edited it. ST_NOTFOUND when neither exists. */
int notify_template_get(struct store *store, int64_t office_id, const char *event,
                        const char *channel, const char *lang, json_t **out);
/* The shipped template (ST_NOTFOUND when none). */
int notify_template_default(const char *event, const char *channel, const char *lang,
                            const char **subject, const char **body);

/* The variables a template may name: {{case_number}} {{check_code}} {{service}}
 * {{office}} {{office_phone}} {{office_url}} {{deadline}} {{items}} {{reason}} {{new_date}}
 * {{progress_url}} (the office's lookup) {{case_url}} (the case's own link, else the lookup
 * with number and check code) {{date}} {{time}} {{place}} {{documents}} (the outcome documents
 * the case's link offers, ready notice); for messages not tied to a case also {{number}} (the
 * ticket's, booking's or petition's number) {{link}} (its own page) {{rating_url}} {{answer}}
 * {{agency}} {{category}}; {{ahead}} {{survey_url}}. */
const char *const *notify_variables(size_t *count);

/* The rules of an edited template that are not its syntax: a known channel, a body of valid
 * text within NOTIFY_BODY_MAX_BYTES, for e-mail a one-line subject within
 * NOTIFY_SUBJECT_MAX_CHARS. On ST_INVALID *reason is a translation key. A page that saves a
 * template also checks its syntax and variables (render/message.h message_check with
 * notify_variables). */
int notify_template_check(const char *channel, const char *subject, const char *body,
                          const char **reason, char *detail, size_t detail_size);

/* Sample variables for previews in lang. */
json_t *notify_sample_vars(const char *lang);

/* How an SMS text is sent: GSM 7-bit when every character is in the basic set (160 in one
 * message, 153 per part), else UCS-2 (70 in one, 67 per part; a character outside the BMP
 * counts twice). */
struct notify_sms_count {
  bool ucs2;
  size_t units;    /* characters as the network counts them */
  size_t parts;    /* messages it is split into (0 for an empty text) */
  size_t per_part; /* the limit per message at this length */
  size_t left;     /* characters left in the last part */
};
void notify_sms_count(const char *text, struct notify_sms_count *out);

/* Queues the messages of event for the case's applicant, per their choice of channel (sms,
 * email, both, none) and language, inside the caller's open transaction. vars (may be NULL)
 * adds event variables: "deadline" and "new_date" as YYYY-MM-DD (formatted for the language),
 * "items" as an array of strings, "reason" as text. occurrence numbers repeated events of a
 * case (a second correction notice is 2); each (case, event, occurrence, channel) is queued at
 * most once. With no template for the event, channel and language the message is queued as
 * failed with the reason, so it shows on the admins' outbox page instead of blocking the
 * change; one that cannot be rendered fails when it is sent, likewise. */
int notify_case_event(struct store *store, time_t now, int64_t office_id, int64_t case_id,
                      const char *event, int64_t occurrence, json_t *vars);

/* Queues event's message to one recipient not tied to a case (a queue ticket, a booking, a
 * petition): subject_kind names the table ("ticket", "booking", "petition", ...),
 * subject_id its row; recipient is the plain address (sealed here like a case's); vars the
 * template variables (the office's name/phone/url are added as for cases). Inside the
 * caller's open transaction; each (subject, event, occurrence, channel) queued at most once. */
int notify_subject_event(struct store *store, time_t now, int64_t office_id,
                         const char *subject_kind, int64_t subject_id, const char *channel,
                         const char *recipient, const char *lang, const char *event,
                         int64_t occurrence, json_t *vars);

/* The values of a queued message (new reference), from its row's body_html: a row queued as
 * data holds {"values": {...}} there (a JSON object, which no HTML part starts with); NULL for
 * a row that holds its text (queued by a version before issue 14, or rendered when sent),
 * which is sent as it is. Render with render/message.h: message_vars(values, lang), then
 * message_render with notify_template_get's template for the row's event, channel and lang. */
json_t *notify_message_values(const char *body_html);

/* A delivery receipt from the SMS gateway: ref is our message reference ("bm-<id>") or empty,
 * provider_id the gateway's id or empty; status "delivered" or anything else (failed, with
 * the status as the error). ST_NOTFOUND when no such sent message. */
int notify_receipt(struct store *store, time_t now, const char *ref, const char *provider_id,
                   const char *status);

/* ---- what the admins' pages read and change (notify_admin.c) ---------------------------- */

/* A message as the case page and the outbox page show it (typed read model; strings in the
 * read's arena, "" when empty). Times are unix seconds, 0 for not yet. */
struct notify_message_row {
  int64_t id, case_id, attempts, created_at, sent_at;
  int64_t subject_id;       /* the case's id, or the ticket's, petition's, ... (migration 16) */
  const char *subject_kind; /* "case", "ticket", "petition", ... */
  const char *case_key, *event, *channel, *lang, *status, *recipient_masked, *subject, *body_text,
      *last_error;
  /* A message not yet rendered (NULL otherwise): its values and the template in force, which
   * a page renders for its preview (render/message.h); subject and body_text are "" then. */
  json_t *values; /* owned by the read's arena (freed with it) */
  const char *template_subject, *template_body;
};
struct notify_messages {
  size_t count;
  struct notify_message_row *rows;
};
struct arena;
struct audit_actor;
/* A case's messages, oldest first. */
/* The outbox as a worker sees it (workers/outbox.c): claim the next due message (a JSON row, a
 * new reference; ST_NOTFOUND when none), then record its attempt as sent or failed. The rules
 * (who holds a claim, retries, the last attempt) are store_outbox_claim's, _sent's and
 * _failed's (store/store.h). */
int notify_outbox_claim(struct store *store, const char *node, time_t now, time_t stale_before,
                        bool sms, bool email, json_t **out);
int notify_outbox_sent(struct store *store, int64_t id, const char *node, const char *provider_id,
                       time_t now, bool *applied);
/* The text a claimed message was rendered to (subject, text, html), recorded on its row with
 * the sent outcome, so pages show what was sent. */
struct notify_rendered {
  const char *subject, *text, *html;
};
int notify_outbox_sent_rendered(struct store *store, int64_t id, const char *node,
                                const char *provider_id, time_t now,
                                const struct notify_rendered *rendered, bool *applied);
int notify_outbox_failed(struct store *store, int64_t id, const char *node, const char *error,
                         time_t retry_at, int64_t max_attempts, bool *applied);

int notify_case_messages_read(struct store *store, struct arena *arena, int64_t case_id,
                              struct notify_messages *out);
/* The office's messages by status ("" = failed and failed_temp), newest first, at most limit. */
int notify_outbox_read(struct store *store, struct arena *arena, int64_t office_id,
                       const char *status, int64_t limit, struct notify_messages *out);
/* Queues a failed message of office_id again with its audit row, in one transaction.
 * ST_NOTFOUND unless it is failed or failed_temp. */
int notify_outbox_retry(struct store *store, const struct audit_actor *actor, int64_t office_id,
                        int64_t id, int64_t now);

/* Which templates an office edited: (event, channel, lang) triples in the read's arena. */
struct notify_template_keys {
  size_t count;
  struct notify_template_key *keys;
};
int notify_templates_edited_read(struct store *store, struct arena *arena, int64_t office_id,
                                 struct notify_template_keys *out);
/* Saves an office's edited template (by is the editor's username), or (reset) goes back to the
 * shipped one, with its audit row, in one transaction. The caller checked the template. */
struct notify_template_change {
  const char *event, *channel, *lang;
  const char *subject, *body; /* unused for a reset */
  bool reset;
};
int notify_template_change(struct store *store, const struct audit_actor *actor, int64_t office_id,
                           const struct notify_template_change *change, int64_t now,
                           const char *by);

#endif
