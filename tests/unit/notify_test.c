/*
 * notify_test.c - notices without a network: the SMS length count (UCS-2 70/67, GSM 160/153),
 * template checks and rendering, quiet hours, MIME and RFC 2047 subjects, and on a real SQLite
 * store with the demo offices: case events queue the right messages in the applicant's
 * language and channels (the scanner's overdue included), at most once, and the outbox claim,
 * outcome, stale-claim and receipt rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "demo_store.h"
#include "base/arena.h"
#include "domain/accounts.h"
#include "domain/audit.h"
#include "domain/cases.h"
#include "domain/catalog.h"
#include "domain/demo.h"
#include "domain/keys.h"
#include "domain/notify.h"
#include "domain/personal.h"
#include "render/message.h"
#include "workers/outbox.h"
#include "store/store.h"

#include "base/common.h"

static time_t at(int y, int mo, int d, int h, int mi) /* Asia/Taipei wall time */
{
  struct tm tm = {0};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  return timegm(&tm) - 8 * 3600;
}

static char *repeat(const char *unit, size_t n)
{
  size_t len = strlen(unit);
  char *s = calloc(1, len * n + 1);
  for (size_t i = 0; i < n; i++)
    memcpy(s + i * len, unit, len);
  return s;
}

static void test_sms_count(void **state)
{
  struct notify_sms_count c;
  char *s = repeat("字", 70);
  notify_sms_count(s, &c);
  assert_true(c.ucs2);
  assert_int_equal(c.units, 70);
  assert_int_equal(c.parts, 1);
  assert_int_equal(c.left, 0);
  free(s);
  s = repeat("字", 71);
  notify_sms_count(s, &c);
  assert_int_equal(c.parts, 2);
  assert_int_equal(c.per_part, 67);
  assert_int_equal(c.left, 63);
  free(s);
  s = repeat("字", 134);
  notify_sms_count(s, &c);
  assert_int_equal(c.parts, 2);
  free(s);
  s = repeat("字", 135);
  notify_sms_count(s, &c);
  assert_int_equal(c.parts, 3);
  free(s);
  s = repeat("a", 160);
  notify_sms_count(s, &c);
  assert_false(c.ucs2);
  assert_int_equal(c.parts, 1);
  free(s);
  notify_sms_count("a{", &c); /* an extension character counts twice */
  assert_int_equal(c.units, 3);
  notify_sms_count("a😀", &c); /* outside the BMP: UCS-2, two units */
  assert_true(c.ucs2);
  assert_int_equal(c.units, 3);
  notify_sms_count("", &c);
  assert_int_equal(c.parts, 0);
}

/* The check a page makes before saving a template: the domain's rules, then the syntax and
 * variables (web/staff/notices_templates.c template_check). */
static int check(const char *channel, const char *subject, const char *body, const char **reason,
                 char *detail, size_t size)
{
  size_t count = 0;
  const char *const *names = notify_variables(&count);
  int rc = notify_template_check(channel, subject, body, reason, detail, size);
  return rc ? rc : message_check(channel, subject, body, names, count, reason, detail, size);
}

static void test_template_check(void **state)
{
  const char *reason = NULL;
  char detail[128];
  assert_int_equal(check("sms", "", "案號 {{case_number}}", &reason, detail, sizeof(detail)), 0);
  assert_int_equal(check("sms", "", "{{nope}}", &reason, detail, sizeof(detail)), ST_INVALID);
  assert_string_equal(reason, "notice_err_unknown_variable");
  assert_string_equal(detail, "nope");
  assert_int_equal(check("sms", "", "{{#items}}x", &reason, detail, sizeof(detail)), ST_INVALID);
  assert_string_equal(reason, "notice_err_syntax");
  assert_int_equal(check("sms", "", "a\n{{case_number", &reason, detail, sizeof(detail)),
                   ST_INVALID);
  assert_string_equal(reason, "notice_err_unclosed");
  assert_string_equal(detail, "2");
  assert_int_equal(check("sms", "", "{{> x}}", &reason, detail, sizeof(detail)), ST_INVALID);
  assert_string_equal(reason, "notice_err_tag");
  assert_int_equal(check("email", "", "body", &reason, detail, sizeof(detail)), ST_INVALID);
  assert_string_equal(reason, "notice_err_subject");
  assert_int_equal(check("email", "{{bad}}", "body", &reason, detail, sizeof(detail)), ST_INVALID);
  assert_int_equal(check("sms", "", "  ", &reason, detail, sizeof(detail)), ST_INVALID);
}

static void test_render_text_is_not_escaped_and_html_is(void **state)
{
  json_t *vars = json_pack("{s:s, s:s}", "case_number", "115-A&B-000001", "reason", "<x>\n\ny");
  char *subject, *text, *html, detail[128];
  const char *reason;
  assert_int_equal(message_render("email", "en", "Case {{case_number}}", "{{reason}} {{! note }}",
                                  vars, &subject, &text, &html, &reason, detail, sizeof(detail)),
                   0);
  assert_string_equal(subject, "Case 115-A&B-000001");
  assert_string_equal(text, "<x>\n\ny");
  assert_non_null(strstr(html, "&lt;x&gt;"));
  assert_non_null(strstr(html, "<html lang=\"en\">"));
  assert_null(strstr(html, "<x>"));
  free(subject);
  free(text);
  free(html);
  json_decref(vars);
}

static void test_quiet_hours(void **state)
{
  struct notify_settings s = {"https://x.example/", 21 * 60, 8 * 60, "tok"};
  notify_configure(&s);
  assert_string_equal(notify_settings()->public_url, "https://x.example");
  assert_int_equal(notify_daytime(at(2026, 3, 2, 12, 0)), at(2026, 3, 2, 12, 0));
  assert_int_equal(notify_daytime(at(2026, 3, 2, 22, 30)), at(2026, 3, 3, 8, 0));
  assert_int_equal(notify_daytime(at(2026, 3, 3, 2, 0)), at(2026, 3, 3, 8, 0));
  assert_int_equal(notify_daytime(at(2026, 3, 3, 8, 0)), at(2026, 3, 3, 8, 0));
  assert_true(notify_receipt_token_ok("tok"));
  assert_false(notify_receipt_token_ok("tok2"));
  assert_false(notify_receipt_token_ok(""));
  int m;
  assert_int_equal(notify_parse_hhmm("07:45", &m), 0);
  assert_int_equal(m, 465);
  assert_int_equal(notify_parse_hhmm("24:00", &m), ST_INVALID);
  s.quiet_start = s.quiet_end = 0;
  notify_configure(&s);
  assert_int_equal(notify_daytime(at(2026, 3, 3, 2, 0)), at(2026, 3, 3, 2, 0));
}

/* The base64 body of the MIME part of type, decoded. */
static char *part(const char *mime, const char *type)
{
  char needle[64];
  snprintf(needle, sizeof(needle), "Content-Type: %s; charset=UTF-8", type);
  const char *p = strstr(mime, needle);
  assert_non_null(p);
  p = strstr(p, "\r\n\r\n") + 4;
  size_t n = strcspn(p, "-");
  char *b64 = strndup(p, n), *clean = calloc(1, n + 1), *out = calloc(1, n + 1);
  for (size_t i = 0, j = 0; i < n; i++)
    if (b64[i] != '\r' && b64[i] != '\n')
      clean[j++] = b64[i];
  size_t len = 0;
  assert_int_equal(sodium_base642bin((unsigned char *)out, n, clean, strlen(clean), NULL, &len,
                                     NULL, sodium_base64_VARIANT_ORIGINAL),
                   0);
  free(b64);
  free(clean);
  return out;
}

static void test_mime(void **state)
{
  struct buf b;
  buf_init(&b, 1 << 20);
  const char *subject = "新興地政事務所：案件 115-HB04-000001 已收件，這是一個很長的主旨需要分段";
  assert_int_equal(outbox_mime_build("notices@land.example", "wang@example.com", subject,
                                     "您好：\n\n已收件。", "<p>已收件</p>", "bm-7@land.example",
                                     at(2026, 3, 2, 9, 0), &b),
                   0);
  assert_non_null(strstr(b.data, "From: <notices@land.example>\r\n"));
  assert_non_null(strstr(b.data, "To: <wang@example.com>\r\n"));
  assert_non_null(strstr(b.data, "Subject: =?UTF-8?B?"));
  assert_non_null(strstr(b.data, "?=\r\n =?UTF-8?B?")); /* folded into several words */
  assert_non_null(strstr(b.data, "Message-ID: <bm-7@land.example>\r\n"));
  assert_non_null(strstr(b.data, "Date: Mon, 02 Mar 2026 09:00:00 +0800\r\n"));
  assert_non_null(strstr(b.data, "MIME-Version: 1.0\r\n"));
  assert_non_null(strstr(b.data, "Content-Type: multipart/alternative; boundary=\"=_bianmin_"));
  char *text = part(b.data, "text/plain"), *html = part(b.data, "text/html");
  assert_string_equal(text, "您好：\n\n已收件。");
  assert_string_equal(html, "<p>已收件</p>");
  free(text);
  free(html);
  /* Each encoded word decodes to whole characters, at most 75 characters long. */
  const char *w = strstr(b.data, "=?UTF-8?B?");
  while (w && w < strstr(b.data, "\r\nDate:")) {
    const char *end = strstr(w + 10, "?=");
    assert_true(end - w + 2 <= 75);
    unsigned char bin[64];
    size_t len = 0;
    assert_int_equal(sodium_base642bin(bin, sizeof(bin), w + 10, (size_t)(end - w - 10), NULL, &len,
                                       NULL, sodium_base64_VARIANT_ORIGINAL),
                     0);
    assert_true((bin[0] & 0xC0) != 0x80);
    w = strstr(end, "=?UTF-8?B?");
  }
  buf_reset(&b);
  assert_int_equal(outbox_mime_build("a@b.example", "c@d.example", "Plain", "text only", NULL,
                                     "bm-8@b.example", 0, &b),
                   0);
  assert_non_null(strstr(b.data, "Subject: Plain\r\n"));
  assert_non_null(strstr(b.data, "Content-Type: text/plain; charset=UTF-8\r\n"));
  assert_null(strstr(b.data, "multipart"));
  buf_free(&b);
  assert_int_equal(outbox_backoff(60, 1), 60);
  assert_int_equal(outbox_backoff(60, 3), 240);
  assert_int_equal(outbox_backoff(60, 40), OUTBOX_BACKOFF_MAX_SECONDS);
}

/* ---- on a store ------------------------------------------------------------------------- */

struct fixture {
  char dir[64];
  struct store *store;
  struct case_actor clerk, handler;
  int64_t office_id, service_id;
};

static int64_t user(struct fixture *f, const char *username, unsigned roles)
{
  struct audit_actor cli = {f->office_id, 0, "test", "cli"};
  struct account_fields a = {f->office_id, 0, username, username, "", roles};
  const char *reason;
  int64_t id = 0;
  assert_int_equal(accounts_create(f->store, &cli, &a, "password-long-enough", &id, &reason), 0);
  return id;
}

static int setup(void **state)
{
  struct fixture *f = calloc(1, sizeof(*f));
  if (!f || demo_store_open(f->dir, "notify", "niaosong", &f->store, &f->office_id))
    return -1;
  char err[512];
  json_t *service = json_pack("{s:s, s:s, s:s, s:i, s:b, s:s}", "slug", "test-one-day", "name_zh",
                              "測試一日件", "name_en", "One-day test", "time_limit_minutes", 480,
                              "published", 1, "workflow", "simple");
  int rc =
      catalog_service_save(f->store, f->office_id, service, NULL, &f->service_id, err, sizeof(err));
  json_decref(service);
  if (rc)
    return -1;
  int64_t clerk = user(f, "n-clerk", ROLE_CLERK), handler = user(f, "n-handler", ROLE_HANDLER);
  f->clerk = (struct case_actor){clerk, f->office_id, 0, ROLE_CLERK, "n-clerk", "127.0.0.1"};
  f->handler = (struct case_actor){handler, f->office_id, 0, ROLE_HANDLER, "n-handler", "::1"};
  *state = f;
  return 0;
}

static int teardown(void **state)
{
  struct fixture *f = *state;
  store_close(f->store);
  char cmd[96];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
  int rc = system(cmd);
  free(f);
  return rc;
}

static int64_t take_in(struct fixture *f, time_t now, const char *notify, const char *lang)
{
  struct case_env env = {f->store, now};
  struct intake_input in = {f->service_id, "陳大文",  "",   "0912345678", "chen@example.com",
                            notify,        "counter", lang, NULL,         f->handler.user_id};
  struct intake_result r;
  const char *reason = NULL, *field = NULL;
  if (cases_intake(&env, &f->clerk, &in, &r, &reason, &field))
    fail_msg("intake: %s", reason ? reason : "?");
  return r.case_id;
}

/* Renders a message queued as data as the outbox worker will (outbox_prepare on a copy), into
 * its subject and body_text; a queued row itself holds no text. */
static void render_row(struct fixture *f, json_t *row)
{
  json_t *values = notify_message_values(json_string_value(json_object_get(row, "data")));
  if (!values)
    return;
  assert_string_equal(json_string_value(json_object_get(row, "body_text")), "");
  json_t *m = json_deep_copy(row);
  json_object_set(m, "body_html", json_object_get(row, "data"));
  bool rendered = false, failed = false;
  struct outbox_result result;
  assert_int_equal(outbox_prepare(f->store, m, &rendered, &failed, &result), 0);
  assert_true(rendered);
  assert_false(failed);
  json_object_set(row, "subject", json_object_get(m, "subject"));
  json_object_set(row, "body_text", json_object_get(m, "body_text"));
  json_decref(m);
  json_decref(values);
}

static json_t *messages(struct fixture *f, int64_t case_id)
{
  json_t *rows, *row;
  size_t i;
  assert_int_equal(store_outbox_for_case(f->store, case_id, &rows), 0);
  json_array_foreach(rows, i, row) render_row(f, row);
  return rows;
}

static const char *field(json_t *rows, size_t i, const char *key)
{
  return json_string_value(json_object_get(json_array_get(rows, i), key));
}

static void test_events_queue_messages(void **state)
{
  struct fixture *f = *state;
  const char *reason;
  int64_t id = take_in(f, at(2026, 3, 2, 9, 0), "both", "zh-TW");
  json_t *rows = messages(f, id);
  assert_int_equal(json_array_size(rows), 2);
  assert_string_equal(field(rows, 0, "event"), "received");
  assert_string_equal(field(rows, 0, "channel"), "sms");
  assert_string_equal(field(rows, 0, "status"), "queued");
  assert_string_equal(field(rows, 0, "recipient_masked"), "0912***678");
  assert_non_null(strstr(field(rows, 0, "body_text"), "測試一日件"));
  assert_non_null(strstr(field(rows, 0, "body_text"), "已收件"));
  assert_string_equal(field(rows, 1, "channel"), "email");
  assert_non_null(strstr(field(rows, 1, "subject"), "已收件"));
  json_decref(rows);

  struct case_env env = {f->store, at(2026, 3, 2, 10, 0)};
  json_t *items = json_pack("[s, s]", "印鑑證明", "身分證影本");
  assert_int_equal(cases_correction(&env, &f->handler, id, items, NULL, &reason), 0);
  json_decref(items);
  rows = messages(f, id);
  assert_int_equal(json_array_size(rows), 4);
  assert_string_equal(field(rows, 2, "event"), "correction");
  assert_non_null(strstr(field(rows, 2, "body_text"), "印鑑證明；身分證影本"));
  assert_non_null(strstr(field(rows, 2, "body_text"), "115年3月17日"));
  json_decref(rows);

  /* English, e-mail only: the overdue notice with reason and date, then closing. */
  int64_t en = take_in(f, at(2026, 3, 2, 9, 0), "email", "en");
  env.now = at(2026, 3, 2, 11, 0);
  assert_int_equal(cases_overdue_notice(&env, &f->handler, en, "tax office", "2026-03-20", &reason),
                   0);
  assert_int_equal(cases_transition(&env, &f->handler, en, "closed", "", false, &reason), 0);
  rows = messages(f, en);
  assert_int_equal(json_array_size(rows), 3);
  assert_string_equal(field(rows, 1, "event"), "overdue_notice");
  assert_string_equal(field(rows, 1, "lang"), "en");
  assert_non_null(strstr(field(rows, 1, "body_text"), "Reason: tax office"));
  assert_non_null(strstr(field(rows, 1, "body_text"), "20 Mar 2026"));
  assert_string_equal(field(rows, 2, "event"), "ready");
  assert_non_null(strstr(field(rows, 2, "subject"), "ready for pickup"));
  json_decref(rows);

  /* Nobody to tell. */
  int64_t none = take_in(f, at(2026, 3, 2, 9, 0), "none", "zh-TW");
  rows = messages(f, none);
  assert_int_equal(json_array_size(rows), 0);
  json_decref(rows);
}

static void test_public_notice_start_and_end(void **state)
{
  struct fixture *f = *state;
  const char *reason;
  char err[256];
  json_t *service =
      json_pack("{s:s, s:s, s:i, s:b, s:s}", "slug", "test-land", "name_zh", "測試登記",
                "time_limit_minutes", 1440, "published", 1, "workflow", "land_registration");
  int64_t land = 0;
  assert_int_equal(
      catalog_service_save(f->store, f->office_id, service, NULL, &land, err, sizeof(err)), 0);
  json_decref(service);
  int64_t saved = f->service_id;
  f->service_id = land;
  int64_t id = take_in(f, at(2026, 3, 2, 9, 0), "sms", "zh-TW");
  f->service_id = saved;
  struct case_env env = {f->store, at(2026, 3, 2, 10, 0)};
  const char *steps[] = {"first_review", "second_review", "public_notice", "recording"};
  for (size_t i = 0; i < 4; i++)
    assert_int_equal(cases_transition(&env, &f->handler, id, steps[i], "", false, &reason), 0);
  json_t *rows = messages(f, id);
  assert_int_equal(json_array_size(rows), 3); /* received, notice started, notice ended */
  assert_string_equal(field(rows, 1, "event"), "public_notice_start");
  assert_non_null(strstr(field(rows, 1, "body_text"), "公告"));
  assert_string_equal(field(rows, 2, "event"), "public_notice_end");
  assert_non_null(strstr(field(rows, 2, "body_text"), "公告期滿"));
  json_decref(rows);
}

static void test_scanner_overdue_queues_once(void **state)
{
  struct fixture *f = *state;
  int64_t id = take_in(f, at(2026, 3, 2, 9, 0), "sms", "en"), changed;
  struct case_env env = {f->store, at(2026, 3, 4, 9, 0)};
  assert_int_equal(cases_scan(&env, &changed), 0);
  assert_int_equal(cases_scan(&env, &changed), 0);
  json_t *rows = messages(f, id);
  assert_int_equal(json_array_size(rows), 2);
  assert_string_equal(field(rows, 1, "event"), "overdue");
  assert_non_null(strstr(field(rows, 1, "body_text"), "passed its time limit"));
  json_decref(rows);
}

static void test_pickup_reminder_once(void **state)
{
  struct fixture *f = *state;
  const char *reason;
  int64_t id = take_in(f, at(2026, 3, 2, 9, 0), "sms", "zh-TW"), changed;
  int64_t other = take_in(f, at(2026, 3, 2, 9, 0), "sms", "zh-TW");
  struct case_env env = {f->store, at(2026, 3, 2, 10, 0)};
  assert_int_equal(cases_transition(&env, &f->handler, id, "closed", "", false, &reason), 0);
  assert_int_equal(cases_transition(&env, &f->handler, other, "closed", "", false, &reason), 0);
  assert_int_equal(cases_pickup(&env, &f->clerk, other, &reason), 0);
  env.now = at(2026, 3, 10, 10, 0); /* 8 days: too early */
  assert_int_equal(cases_scan(&env, &changed), 0);
  json_t *rows = messages(f, id);
  assert_int_equal(json_array_size(rows), 2); /* received, ready */
  json_decref(rows);
  env.now = at(2026, 3, 20, 10, 0); /* 18 days: one reminder, only for the case not picked up */
  assert_int_equal(cases_scan(&env, &changed), 0);
  assert_int_equal(cases_scan(&env, &changed), 0);
  rows = messages(f, id);
  assert_int_equal(json_array_size(rows), 3);
  assert_string_equal(field(rows, 2, "event"), "not_picked_up");
  assert_non_null(strstr(field(rows, 2, "body_text"), "尚未領件"));
  json_decref(rows);
  rows = messages(f, other);
  assert_int_equal(json_array_size(rows), 2);
  json_decref(rows);
}

static void test_appointment_set_then_postponed(void **state)
{
  struct fixture *f = *state;
  const char *reason;
  int64_t id = take_in(f, at(2026, 3, 2, 9, 0), "sms", "en");
  struct case_env env = {f->store, at(2026, 3, 2, 10, 0)};
  /* refused: a past date, a bad time, no place; a clerk may not */
  assert_int_equal(
      cases_appointment(&env, &f->handler, id, "2026-03-01", "09:30", "parcel 123", &reason),
      ST_INVALID);
  assert_int_equal(
      cases_appointment(&env, &f->handler, id, "2026-03-24", "25:00", "parcel 123", &reason),
      ST_INVALID);
  assert_int_equal(cases_appointment(&env, &f->handler, id, "2026-03-24", "09:30", "", &reason),
                   ST_INVALID);
  assert_int_equal(
      cases_appointment(&env, &f->clerk, id, "2026-03-24", "09:30", "parcel 123", &reason),
      ST_FORBIDDEN);
  json_t *rows = messages(f, id);
  assert_int_equal(json_array_size(rows), 1); /* received only: nothing sent for refusals */
  json_decref(rows);
  assert_int_equal(cases_appointment(&env, &f->handler, id, "2026-03-24", "09:30",
                                     "north boundary of parcel 123", &reason),
                   0);
  assert_int_equal(cases_appointment(&env, &f->handler, id, "2026-03-31", "14:00",
                                     "north boundary of parcel 123", &reason),
                   0);
  rows = messages(f, id);
  assert_int_equal(json_array_size(rows), 3);
  assert_string_equal(field(rows, 1, "event"), "appointment_set");
  assert_non_null(strstr(field(rows, 1, "body_text"), "24 Mar 2026 09:30"));
  assert_string_equal(field(rows, 2, "event"), "appointment_postponed");
  assert_non_null(strstr(field(rows, 2, "body_text"), "31 Mar 2026 14:00"));
  json_decref(rows);
}

static void test_outbox_claims_and_outcomes(void **state)
{
  struct fixture *f = *state;
  int64_t id = take_in(f, at(2026, 3, 2, 9, 0), "sms", "zh-TW");
  time_t now = time(NULL);
  json_t *m = NULL, *again;
  /* Queued again for the same occurrence: nothing new. */
  assert_int_equal(notify_case_event(f->store, now, f->office_id, id, "received", 1, NULL), 0);
  json_t *rows = messages(f, id);
  assert_int_equal(json_array_size(rows), 1);
  json_decref(rows);
  assert_int_equal(store_outbox_claim(f->store, "a", now, now - 300, true, false, &m), 0);
  int64_t mid = json_integer_value(json_object_get(m, "id"));
  assert_int_equal(json_integer_value(json_object_get(m, "attempts")), 1);
  /* Claimed: no one else gets it, nor the e-mail-only worker. */
  assert_int_equal(store_outbox_claim(f->store, "b", now, now - 300, true, true, &again),
                   ST_NOTFOUND);
  bool applied;
  assert_int_equal(store_outbox_failed(f->store, mid, "a", "500", now + 60, 8, &applied), 0);
  assert_true(applied);
  assert_int_equal(store_outbox_claim(f->store, "b", now, now - 300, true, true, &again),
                   ST_NOTFOUND); /* not due yet */
  assert_int_equal(store_outbox_claim(f->store, "b", now + 60, now - 300, true, true, &again), 0);
  json_decref(again);
  /* b dies while sending; after the claim timeout c takes over, b's late word is ignored. */
  assert_int_equal(store_outbox_claim(f->store, "c", now + 400, now + 100, true, true, &again), 0);
  assert_int_equal(json_integer_value(json_object_get(again, "attempts")), 3);
  json_decref(again);
  assert_int_equal(store_outbox_sent(f->store, mid, "b", "late", now + 401, &applied), 0);
  assert_false(applied);
  assert_int_equal(store_outbox_sent(f->store, mid, "c", "gw-1", now + 402, &applied), 0);
  assert_true(applied);
  /* Sent is never claimed again. */
  assert_int_equal(store_outbox_claim(f->store, "d", now + 9999, now + 9999, true, true, &again),
                   ST_NOTFOUND);
  assert_int_equal(notify_receipt(f->store, now, "", "gw-1", "delivered"), 0);
  assert_int_equal(notify_receipt(f->store, now, "bm-999999", "", "delivered"), ST_NOTFOUND);
  json_t *row;
  assert_int_equal(store_outbox_get(f->store, f->office_id, mid, &row), 0);
  assert_string_equal(json_string_value(json_object_get(row, "status")), "delivered");
  json_decref(row);
  assert_int_equal(store_outbox_retry(f->store, f->office_id, mid, now), ST_NOTFOUND);
  json_decref(m);
}

static void test_give_up_after_max_attempts(void **state)
{
  struct fixture *f = *state;
  take_in(f, at(2026, 3, 2, 9, 0), "sms", "zh-TW");
  time_t now = time(NULL);
  json_t *m;
  bool applied;
  for (int i = 1; i <= 3; i++) {
    assert_int_equal(store_outbox_claim(f->store, "a", now + i * 100, now - 300, true, false, &m),
                     0);
    int64_t mid = json_integer_value(json_object_get(m, "id"));
    json_decref(m);
    assert_int_equal(store_outbox_failed(f->store, mid, "a", "down", now + i * 100, 3, &applied),
                     0);
    json_t *row;
    assert_int_equal(store_outbox_get(f->store, f->office_id, mid, &row), 0);
    assert_string_equal(json_string_value(json_object_get(row, "status")),
                        i < 3 ? "failed_temp" : "failed");
    json_decref(row);
    if (i == 3) {
      assert_int_equal(store_outbox_retry(f->store, f->office_id, mid, now), 0);
      assert_int_equal(store_outbox_claim(f->store, "a", now, now - 300, true, false, &m), 0);
      assert_int_equal(json_integer_value(json_object_get(m, "attempts")), 1);
      json_decref(m);
    }
  }
}

/* A queued row holds the message as data; the outbox renders it when it sends, with the
 * template in force then, and records the text it sent. */
static void test_template_edit_applies_to_unsent_messages(void **state)
{
  struct fixture *f = *state;
  int64_t id = take_in(f, at(2026, 3, 2, 9, 0), "sms", "zh-TW");
  time_t now = time(NULL);
  json_t *rows, *m;
  assert_int_equal(store_outbox_for_case(f->store, id, &rows), 0);
  assert_string_equal(field(rows, 0, "body_text"), "");
  json_t *values = notify_message_values(field(rows, 0, "data"));
  assert_non_null(values);
  const char *number = json_string_value(json_object_get(values, "case_number"));
  assert_non_null(number);
  char expected[128];
  snprintf(expected, sizeof(expected), "改過的範本 %s", number);
  json_decref(rows);
  /* the office edits the template after the message was queued */
  struct audit_actor admin = {f->office_id, f->handler.user_id, "n-handler", "::1"};
  struct notify_template_change change = {
      "received", "sms", "zh-TW", "", "改過的範本 {{case_number}}", false};
  assert_int_equal(
      notify_template_change(f->store, &admin, f->office_id, &change, now, "n-handler"), 0);
  assert_int_equal(store_outbox_claim(f->store, "a", now, now - 300, true, false, &m), 0);
  bool rendered = false, failed = true, applied = false;
  struct outbox_result result;
  assert_int_equal(outbox_prepare(f->store, m, &rendered, &failed, &result), 0);
  assert_true(rendered);
  assert_false(failed);
  assert_string_equal(json_string_value(json_object_get(m, "body_text")), expected);
  const struct notify_rendered text = {"", expected, ""};
  assert_int_equal(notify_outbox_sent_rendered(f->store,
                                               json_integer_value(json_object_get(m, "id")), "a",
                                               "gw-1", now, &text, &applied),
                   0);
  assert_true(applied);
  json_decref(m);
  /* what was sent replaces the values on the row */
  assert_int_equal(store_outbox_for_case(f->store, id, &rows), 0);
  assert_string_equal(field(rows, 0, "status"), "sent");
  assert_string_equal(field(rows, 0, "body_text"), expected);
  assert_string_equal(field(rows, 0, "data"), "");
  json_decref(rows);
  json_decref(values);
}

/* The case page's read model gives a queued message its values and the template in force, so
 * the page can show what will be sent (the outbox page lists no text). */
static void test_read_model_for_previews(void **state)
{
  struct fixture *f = *state;
  int64_t id = take_in(f, at(2026, 3, 2, 9, 0), "both", "zh-TW");
  struct arena *arena = arena_new(1 << 20);
  assert_non_null(arena);
  struct notify_messages list;
  assert_int_equal(notify_case_messages_read(f->store, arena, id, &list), 0);
  assert_int_equal(list.count, 2);
  for (size_t i = 0; i < list.count; i++) {
    const struct notify_message_row *m = &list.rows[i];
    assert_non_null(m->values);
    assert_non_null(m->template_body);
    assert_string_equal(m->body_text, "");
    assert_non_null(strstr(m->template_body, "{{"));
    assert_true(strcmp(m->channel, "email") || strlen(m->template_subject) > 0);
    assert_string_equal(json_string_value(json_object_get(m->values, "service")), "測試一日件");
  }
  arena_free(arena);
}

/* Queues a row the way a version before issue 14 did (its text rendered at enqueue), or with
 * values in body_html as now. */
static int64_t enqueue_row(struct fixture *f, int64_t subject_id, const char *channel,
                           const char *lang, const char *subject, const char *text,
                           const char *html, time_t now)
{
  char *sealed = NULL;
  assert_int_equal(
      personal_seal(strcmp(channel, "sms") ? "old@example.com" : "0912345678", &sealed), 0);
  json_t *m = json_pack("{s:I, s:s, s:I, s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:s, "
                        "s:I, s:I, s:s}",
                        "office_id", (json_int_t)f->office_id, "subject_kind", "ticket",
                        "subject_id", (json_int_t)subject_id, "event", "received", "occurrence", 1,
                        "channel", channel, "lang", lang, "recipient", sealed, "recipient_masked",
                        "***", "subject", subject, "body_text", text, "body_html", html, "urgent",
                        1, "status", "queued", "next_attempt_at", (json_int_t)now, "created_at",
                        (json_int_t)now, "last_error", "");
  int64_t id = 0;
  assert_int_equal(store_outbox_enqueue(f->store, m, &id), 0);
  assert_true(id > 0);
  json_decref(m);
  free(sealed);
  return id;
}

static json_t *claim_one(struct fixture *f, time_t now, bool *rendered, bool *failed,
                         struct outbox_result *result)
{
  json_t *m = NULL;
  assert_int_equal(store_outbox_claim(f->store, "a", now, now - 300, true, true, &m), 0);
  assert_int_equal(outbox_prepare(f->store, m, rendered, failed, result), 0);
  return m;
}

/* Rows an older version queued with their text are sent as they are; a row of values whose
 * template is gone fails for good with the reason. */
static void test_old_rows_are_sent_as_they_are(void **state)
{
  struct fixture *f = *state;
  time_t now = time(NULL);
  bool rendered = true, failed = true;
  struct outbox_result result;
  enqueue_row(f, 1, "sms", "zh-TW", "", "舊版排入的簡訊 {{case_number}}", "", now);
  enqueue_row(f, 2, "email", "en", "Old subject", "Old text",
              "<!DOCTYPE html><html lang=\"en\"><p>Old text</p></html>", now);
  enqueue_row(f, 3, "sms", "fr", "", "", "{\"values\":{\"case_number\":\"X\"}}", now);
  json_t *m = claim_one(f, now, &rendered, &failed, &result);
  assert_false(rendered);
  assert_false(failed);
  assert_string_equal(json_string_value(json_object_get(m, "body_text")),
                      "舊版排入的簡訊 {{case_number}}");
  json_decref(m);
  m = claim_one(f, now, &rendered, &failed, &result);
  assert_false(rendered);
  assert_false(failed);
  assert_string_equal(json_string_value(json_object_get(m, "subject")), "Old subject");
  assert_non_null(strstr(json_string_value(json_object_get(m, "body_html")), "<p>Old text</p>"));
  json_decref(m);
  m = claim_one(f, now, &rendered, &failed, &result);
  assert_false(rendered);
  assert_true(failed);
  assert_int_equal(result.outcome, OUTBOX_PERMANENT);
  assert_non_null(strstr(result.error, "no template for received.sms.fr"));
  json_decref(m);
}

int main(void)
{
  char err[512];
  if (keys_load_hex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff") ||
      cases_calendar_load_dir(BIANMIN_SOURCE_DIR "/data/calendar", err, sizeof(err)) ||
      outbox_templates_load(BIANMIN_SOURCE_DIR "/templates/messages", err, sizeof(err))) {
    fprintf(stderr, "%s\n", err);
    return 1;
  }
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sms_count),
      cmocka_unit_test(test_template_check),
      cmocka_unit_test(test_render_text_is_not_escaped_and_html_is),
      cmocka_unit_test(test_quiet_hours),
      cmocka_unit_test(test_mime),
      T(test_events_queue_messages),
      T(test_public_notice_start_and_end),
      T(test_pickup_reminder_once),
      T(test_appointment_set_then_postponed),
      T(test_scanner_overdue_queues_once),
      T(test_outbox_claims_and_outcomes),
      T(test_give_up_after_max_attempts),
      T(test_template_edit_applies_to_unsent_messages),
      T(test_read_model_for_previews),
      T(test_old_rows_are_sent_as_they_are),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
