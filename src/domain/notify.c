/*
 * notify.c - events to messages (notify.h): the events table, settings and quiet hours, and
 * notify_case_event(), which queues a case's messages in the transaction of its change, and
 * notify_subject_event(), the same for one recipient of a message not tied to a case.
 */
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/civil.h"
#include "base/clock.h"
#include "base/str.h"
#include "domain/case_staff_read.h"
#include "domain/cases_internal.h"
#include "domain/lookup.h"
#include "domain/notify.h"
#include "domain/personal.h"
#include "domain/survey.h"
#include "store/store.h"

#include "base/common.h"

enum { MASKED_MAX = 256, DETAIL_MAX = 200 };

/* The events that send a message. Adding one: a row here and its templates (notify.h). */
static const struct notify_event events[] = {
    {"received", false},              /* the case was taken in */
    {"correction", false},            /* 補正: every item and the deadline */
    {"overdue_notice", false},        /* the handler's notice: reason and new expected date */
    {"overdue", false},               /* the deadline scanner found the case overdue */
    {"ready", false},                 /* completed: ready for pickup */
    {"rejected", false},              /* 駁回, with the reasons */
    {"public_notice_start", false},   /* 公告: the case's public notice has started */
    {"public_notice_end", false},     /* the notice period ended; the case goes on */
    {"not_picked_up", false},         /* completed long ago and still not picked up */
    {"appointment_set", false},       /* a survey (鑑界) or appointment date, time and place */
    {"appointment_postponed", false}, /* the date moved: the new date, time and place */
    {"withdrawn", false},             /* the applicant withdrew an online application */
    /* messages not tied to a case (notify_subject_event) */
    {"petition_received", false},    /* 陳情 taken in: number, check code, expected answer date */
    {"petition_transferred", false}, /* sent on to the competent agency (行政程序法 §172) */
    {"petition_answered", false},    /* the answer, with the one-click rating link */
    /* booked visits (domain/booking.c): the citizen just acted, so no quiet hours */
    {"booking_confirmed", true}, /* booked or moved: number, date, time, link */
    {"booking_reminder", false}, /* the day before */
    {"booking_cancelled", true}, /* cancelled through the booking's link */
    {"queue_turn_near", true},   /* a queue ticket: N or fewer people ahead (issue 18) */
    {"plan_reminder", false},    /* plan control: this month's progress is due (staff) */
    /* security notices to a staff member's own address (domain/accounts.h, ASVS 2.2.3) */
    {"account_password_changed", true}, /* the password was changed or reset */
    {"account_totp_enabled", true},     /* a second factor was set up */
    {"account_totp_reset", true},       /* an administrator reset the second factor */
    {"account_totp_reused", true},      /* a used sign-in code was offered again: refused */
};

/* The settings in force are one of two slots, published by an atomic pointer: the server
 * configures them before its threads start, and once more when it knows the port it listens on
 * (notify_listener_port), while requests may read them; a reader keeps the slot it loaded. */
static struct notify_settings slots[2] = {
    {.public_url = "http://127.0.0.1:8080", .quiet_start = 21 * 60, .quiet_end = 8 * 60}};
static _Atomic(const struct notify_settings *) active = &slots[0];
static pthread_mutex_t configure_lock = PTHREAD_MUTEX_INITIALIZER;

void notify_configure(const struct notify_settings *s)
{
  pthread_mutex_lock(&configure_lock);
  struct notify_settings *to = atomic_load(&active) == &slots[0] ? &slots[1] : &slots[0];
  *to = *s;
  size_t n = strlen(to->public_url);
  while (n && to->public_url[n - 1] == '/')
    to->public_url[--n] = '\0';
  atomic_store_explicit(&active, to, memory_order_release);
  pthread_mutex_unlock(&configure_lock);
}

const struct notify_settings *notify_settings(void)
{
  return atomic_load_explicit(&active, memory_order_acquire);
}

void notify_listener_port(int port)
{
  struct notify_settings s = *notify_settings();
  const char *host = strstr(s.public_url, "://");
  char *colon = host ? strrchr(host + 3, ':') : NULL;
  if (s.public_url_set || !colon || strcmp(colon, ":0") != 0 || port <= 0)
    return;
  snprintf(colon, sizeof(s.public_url) - (size_t)(colon - s.public_url), ":%d", port);
  notify_configure(&s);
}

int notify_parse_hhmm(const char *t, int *minutes)
{
  if (!t || strlen(t) != 5 || t[2] != ':')
    return ST_INVALID;
  for (int i = 0; i < 5; i++)
    if (i != 2 && (t[i] < '0' || t[i] > '9'))
      return ST_INVALID;
  int h = (t[0] - '0') * 10 + (t[1] - '0'), m = (t[3] - '0') * 10 + (t[4] - '0');
  if (h > 23 || m > 59)
    return ST_INVALID;
  *minutes = h * 60 + m;
  return ST_OK;
}

time_t notify_daytime(time_t t)
{
  int start = notify_settings()->quiet_start, end = notify_settings()->quiet_end;
  if (start == end)
    return t;
  struct civil_time local = civil_taipei(t);
  int minute = local.hour * 60 + local.minute;
  bool quiet = start < end ? minute >= start && minute < end : minute >= start || minute < end;
  if (!quiet)
    return t;
  time_t until = civil_taipei_midnight(local.date) + (time_t)end * 60;
  return until <= t ? until + CIVIL_SECONDS_PER_DAY : until;
}

bool notify_receipt_token_ok(const char *token)
{
  const char *want = notify_settings()->receipt_token;
  size_t n = strlen(want);
  if (n == 0 || !token || strlen(token) != n)
    return false;
  return sodium_memcmp(token, want, n) == 0;
}

const struct notify_event *notify_event_find(const char *name)
{
  for (size_t i = 0; name && i < ARRAY_LEN(events); i++)
    if (!strcmp(events[i].name, name))
      return &events[i];
  return NULL;
}

const struct notify_event *notify_events(size_t *count)
{
  *count = ARRAY_LEN(events);
  return events;
}

bool notify_channel_valid(const char *channel)
{
  return channel && (!strcmp(channel, "sms") || !strcmp(channel, "email"));
}

bool notify_lang_valid(const char *lang)
{
  return lang && (!strcmp(lang, "zh-TW") || !strcmp(lang, "en"));
}

static const char *text(json_t *o, const char *key)
{
  const char *s = json_string_value(json_object_get(o, key));
  return s ? s : "";
}

int notify_template_get(struct store *store, int64_t office_id, const char *event,
                        const char *channel, const char *lang, json_t **out)
{
  json_t *row;
  int rc = store_message_template_get(store, office_id, event, channel, lang, &row);
  if (!rc) {
    json_object_set_new(row, "edited", json_true());
    *out = row;
    return ST_OK;
  }
  if (rc != ST_NOTFOUND)
    return rc;
  const char *subject, *body;
  rc = notify_template_default(event, channel, lang, &subject, &body);
  if (rc)
    return rc;
  *out = json_pack("{s:s, s:s, s:b, s:i, s:s}", "subject", subject, "body", body, "edited", 0,
                   "updated_at", 0, "updated_by", "");
  return *out ? ST_OK : ST_NOMEM;
}

/* ---- variables ----------------------------------------------------------------------------- */

/* The caller's values as they are (dates as YYYY-MM-DD, lists as arrays): they are put in
 * words for the message's language where it is rendered (render/message.h message_vars). */
static int add_extra(json_t *ctx, json_t *extra)
{
  const char *key;
  json_t *v;
  json_object_foreach(extra, key, v)
  {
    if ((json_is_array(v) || json_is_string(v)) && json_object_set(ctx, key, v))
      return ST_NOMEM;
  }
  return ST_OK;
}

static const char *bilingual(json_t *row, const char *field, const char *lang)
{
  char key[64];
  snprintf(key, sizeof(key), "%s_en", field);
  const char *en = text(row, key);
  snprintf(key, sizeof(key), "%s_zh", field);
  return !strcmp(lang, "en") && *en ? en : text(row, key);
}

/* The way back printed in every message: the case's own link /p/<token> when derivable, else
 * the office's lookup with the number and check code filled in. */
static void case_url(struct store *store, json_t *c, json_t *office, char *out, size_t size)
{
  char token[CASE_TOKEN_SIZE];
  struct case_record r;
  case_record_of(c, &r);
  if (case_receipt_link(store, &r, token) == ST_OK)
    snprintf(out, size, "%s/p/%s", notify_settings()->public_url, token);
  else
    snprintf(out, size, "%s/o/%s/progress?number=%s&check=%s", notify_settings()->public_url,
             text(office, "slug"), text(c, "case_key"), text(c, "check_code"));
}

static json_t *office_vars(json_t *c, json_t *office, json_t *service, const char *lang,
                           const char *url, const char *link)
{
  char office_url[NOTIFY_URL_MAX + 64];
  snprintf(office_url, sizeof(office_url), "%s/o/%s/", notify_settings()->public_url,
           text(office, "slug"));
  return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "case_number", text(c, "case_key"),
                   "check_code", text(c, "check_code"), "service", bilingual(service, "name", lang),
                   "office", bilingual(office, "name", lang), "office_phone", text(office, "phone"),
                   "office_url", office_url, "progress_url", url, "case_url", link);
}

/* {{survey_url}}: the case's survey link /s/<token> when the office has a case survey open
 * today and the case's token is derivable, else "" (a template shows it in a section). */
static int survey_url(struct store *store, json_t *c, int64_t office_id, json_t *vars)
{
  char token[CASE_TOKEN_SIZE], url[NOTIFY_URL_MAX + 128] = "";
  bool open = false;
  struct case_record r;
  case_record_of(c, &r);
  int rc = survey_case_survey_open(store, office_id, clock_now(), &open);
  if (!rc && open && case_receipt_link(store, &r, token) == ST_OK)
    snprintf(url, sizeof(url), "%s/s/%s", notify_settings()->public_url, token);
  if (!rc && json_object_set_new(vars, "survey_url", json_string(url)))
    rc = ST_NOMEM;
  return rc;
}

/* The named variables of a case's messages in lang. */
static int case_vars(struct store *store, json_t *c, json_t *extra, const char *lang, json_t **out)
{
  json_t *office = NULL, *service = NULL;
  int64_t office_id = json_integer_value(json_object_get(c, "office_id"));
  int rc = lookup_office(store, office_id, &office); /* the in-memory directory */
  if (!rc)
    rc = lookup_service(store, office_id, json_integer_value(json_object_get(c, "service_id")),
                        &service);
  char url[NOTIFY_URL_MAX + 64], link[NOTIFY_URL_MAX + 128];
  snprintf(url, sizeof(url), "%s/o/%s/progress", notify_settings()->public_url,
           text(office, "slug"));
  if (!rc)
    case_url(store, c, office, link, sizeof(link));
  *out = rc ? NULL : office_vars(c, office, service, lang, url, link);
  if (!rc && !*out)
    rc = ST_NOMEM;
  if (!rc)
    rc = survey_url(store, c, office_id, *out);
  if (!rc && extra)
    rc = add_extra(*out, extra);
  json_decref(office);
  json_decref(service);
  return rc;
}

/* ---- queueing --------------------------------------------------------------------------- */

/* The masked form of a plain address; "***" when it is not one (sending will say more). */
static void mask_plain(const char *channel, const char *plain, char *masked, size_t size)
{
  int rc = !strcmp(channel, "sms") ? personal_mask_phone(plain, masked, size)
                                   : personal_mask_email(plain, masked, size);
  if (rc)
    snprintf(masked, size, "***");
}

static int mask_recipient(const char *channel, const char *sealed, char *masked, size_t size)
{
  char *plain = NULL;
  int rc = personal_open(sealed, &plain);
  if (!rc)
    mask_plain(channel, plain, masked, size);
  if (rc == ST_INVALID) { /* shown masked whatever it holds; sending will say more */
    snprintf(masked, size, "***");
    rc = ST_OK;
  }
  personal_free(plain);
  return rc;
}

/* Records what message m says as data: the template key is the row's event, channel and
 * language, the values go in as {"values": {...}} (notify_message_values) and are rendered
 * with the template in force when the message is sent. Without a template for its key the
 * message is queued as failed with the reason, shown on the outbox page; the change itself
 * goes ahead. */
static int fill_content(struct store *store, json_t *m, const char *event, const char *channel,
                        const char *lang, json_t *vars)
{
  json_t *tpl = NULL;
  char error[DETAIL_MAX];
  int rc = notify_template_get(store, json_integer_value(json_object_get(m, "office_id")), event,
                               channel, lang, &tpl);
  json_decref(tpl);
  /* A process without the shipped templates (a command-line run started elsewhere) cannot
   * tell: the message is queued, and the worker that renders it decides. */
  if (rc == ST_NOTFOUND && notify_template_default_count() == 0)
    rc = ST_OK;
  if (rc == ST_NOTFOUND) { /* kept with its values: sent if a retry finds a template */
    snprintf(error, sizeof(error), "no template for %s.%s.%s", event, channel, lang);
    rc = json_object_set_new(m, "status", json_string("failed")) ||
                 json_object_set_new(m, "last_error", json_string(error))
             ? ST_NOMEM
             : ST_OK;
  }
  json_t *data = rc ? NULL : json_pack("{s:o}", "values", vars ? json_incref(vars) : json_object());
  char *text = data ? json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
  json_decref(data);
  if (!rc && (!text || json_object_set_new(m, "subject", json_string("")) ||
              json_object_set_new(m, "body_text", json_string("")) ||
              json_object_set_new(m, "body_html", json_string(text))))
    rc = ST_NOMEM;
  free(text);
  return rc;
}

json_t *notify_message_values(const char *body_html)
{
  if (!body_html || body_html[0] != '{')
    return NULL; /* its text, rendered when it was queued (before issue 14) or when sent */
  json_t *data = json_loads(body_html, 0, NULL);
  json_t *values = json_incref(json_object_get(data, "values"));
  json_decref(data);
  if (!json_is_object(values)) {
    json_decref(values);
    return NULL;
  }
  return values;
}

/* One message to queue: its subject (case_id > 0 for a case's, else kind and subject_id), the
 * channel, language and the sealed and masked recipient. */
struct outgoing {
  int64_t office_id, case_id, subject_id, occurrence;
  const char *kind, *channel, *lang, *sealed, *masked;
};

static int enqueue(struct store *store, time_t now, const struct notify_event *ev,
                   const struct outgoing *o, json_t *vars)
{
  json_t *m =
      json_pack("{s:I, s:I, s:s, s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:i, s:s, s:I, s:I}",
                "office_id", (json_int_t)o->office_id, "case_id", (json_int_t)o->case_id,
                "subject_kind", o->kind, "subject_id", (json_int_t)o->subject_id, "event", ev->name,
                "occurrence", (json_int_t)(o->occurrence < 1 ? 1 : o->occurrence), "channel",
                o->channel, "lang", o->lang, "recipient", o->sealed, "recipient_masked", o->masked,
                "urgent", ev->urgent, "status", "queued", "created_at", (json_int_t)now,
                "next_attempt_at", (json_int_t)(ev->urgent ? now : notify_daytime(now)));
  int rc = m ? fill_content(store, m, ev->name, o->channel, o->lang, vars) : ST_NOMEM;
  int64_t id = 0;
  if (!rc)
    rc = store_outbox_enqueue(store, m, &id);
  json_decref(m);
  return rc;
}

static int queue_one(struct store *store, time_t now, const struct notify_event *ev, json_t *c,
                     const char *channel, int64_t occurrence, json_t *vars)
{
  const char *sealed = text(c, !strcmp(channel, "sms") ? "applicant_phone" : "applicant_email");
  char masked[MASKED_MAX] = "";
  if (!*sealed)
    return ST_OK; /* no number or address: intake refuses such a choice */
  int rc = mask_recipient(channel, sealed, masked, sizeof(masked));
  int64_t case_id = json_integer_value(json_object_get(c, "id"));
  struct outgoing o = {
      .office_id = json_integer_value(json_object_get(c, "office_id")),
      .case_id = case_id,
      .subject_id = case_id,
      .occurrence = occurrence,
      .kind = "case",
      .channel = channel,
      .lang = notify_lang_valid(text(c, "lang")) ? text(c, "lang") : "zh-TW",
      .sealed = sealed,
      .masked = masked,
  };
  return rc ? rc : enqueue(store, now, ev, &o, vars);
}

int notify_case_event(struct store *store, time_t now, int64_t office_id, int64_t case_id,
                      const char *event, int64_t occurrence, json_t *vars)
{
  const struct notify_event *ev = notify_event_find(event);
  json_t *c = NULL, *ctx = NULL;
  if (!ev)
    return ST_INVALID;
  int rc = store_case_get(store, office_id, case_id, &c);
  if (rc)
    return rc;
  const char *choice = text(c, "notify");
  bool sms = !strcmp(choice, "sms") || !strcmp(choice, "both");
  bool email = !strcmp(choice, "email") || !strcmp(choice, "both");
  const char *lang = notify_lang_valid(text(c, "lang")) ? text(c, "lang") : "zh-TW";
  if (sms || email)
    rc = case_vars(store, c, vars, lang, &ctx);
  if (!rc && sms)
    rc = queue_one(store, now, ev, c, "sms", occurrence < 1 ? 1 : occurrence, ctx);
  if (!rc && email)
    rc = queue_one(store, now, ev, c, "email", occurrence < 1 ? 1 : occurrence, ctx);
  json_decref(c);
  json_decref(ctx);
  return rc;
}

/* The variables of a message not tied to a case: the office's name (in lang), phone, home
 * page and lookup, then the caller's values (dates and lists as given, as for cases). */
static int subject_vars(struct store *store, int64_t office_id, json_t *extra, const char *lang,
                        json_t **out)
{
  json_t *office = NULL;
  int rc = lookup_office(store, office_id, &office);
  char office_url[NOTIFY_URL_MAX + 64], url[NOTIFY_URL_MAX + 64];
  snprintf(office_url, sizeof(office_url), "%s/o/%s/", notify_settings()->public_url,
           text(office, "slug"));
  snprintf(url, sizeof(url), "%s/o/%s/progress", notify_settings()->public_url,
           text(office, "slug"));
  *out = rc ? NULL
            : json_pack("{s:s, s:s, s:s, s:s}", "office", bilingual(office, "name", lang),
                        "office_phone", text(office, "phone"), "office_url", office_url,
                        "progress_url", url);
  if (!rc && !*out)
    rc = ST_NOMEM;
  if (!rc && extra)
    rc = add_extra(*out, extra);
  json_decref(office);
  return rc;
}

int notify_subject_event(struct store *store, time_t now, int64_t office_id,
                         const char *subject_kind, int64_t subject_id, const char *channel,
                         const char *recipient, const char *lang, const char *event,
                         int64_t occurrence, json_t *vars)
{
  const struct notify_event *ev = notify_event_find(event);
  if (!ev || !subject_kind || !*subject_kind || !strcmp(subject_kind, "case") || subject_id < 1 ||
      !notify_channel_valid(channel) || !recipient || !*recipient)
    return ST_INVALID;
  lang = notify_lang_valid(lang) ? lang : "zh-TW";
  json_t *ctx = NULL;
  char *sealed = NULL, masked[MASKED_MAX] = "";
  int rc = subject_vars(store, office_id, vars, lang, &ctx);
  if (!rc)
    rc = personal_seal(recipient, &sealed);
  mask_plain(channel, recipient, masked, sizeof(masked));
  struct outgoing o = {.office_id = office_id,
                       .subject_id = subject_id,
                       .occurrence = occurrence,
                       .kind = subject_kind,
                       .channel = channel,
                       .lang = lang,
                       .sealed = sealed,
                       .masked = masked};
  if (!rc)
    rc = enqueue(store, now, ev, &o, ctx);
  free(sealed);
  json_decref(ctx);
  return rc;
}

int notify_receipt(struct store *store, time_t now, const char *ref, const char *provider_id,
                   const char *status)
{
  int64_t id = 0;
  if (ref && !strncmp(ref, "bm-", 3) && str_to_int64(str_from(ref + 3), 1, INT64_MAX, &id))
    return ST_NOTFOUND;
  if (!id && (!provider_id || !*provider_id))
    return ST_NOTFOUND;
  bool delivered = status && !strcmp(status, "delivered");
  char error[DETAIL_MAX];
  snprintf(error, sizeof(error), "%s%.100s",
           delivered ? "" : "receipt: ", delivered ? "" : (status ? status : "failed"));
  return store_outbox_receipt(store, id, provider_id, delivered, error, now);
}
