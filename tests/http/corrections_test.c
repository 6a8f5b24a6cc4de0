/*
 * corrections_test.c - corrections that need a supervisor's approval (issue 15), against a real
 * server on the fake clock: a handler asks for a second correction with the items and a reason,
 * the supervisor sees it in the work list ("awaiting my approval") and in the count on the staff
 * home, approves (the correction goes out with the asked items) or refuses (a reason needed),
 * and the handler sees the decision on the timeline and in their home count until noted; the
 * office setting makes the first correction need approval too; the report of second corrections
 * by month (JSON) counts each in its Taipei month. Role rules: handlers, clerks and analysts
 * cannot decide; only admins change the setting.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "harness.h"

#define DEMO_PASSWORD  "bianmin-demo-2026"
#define ADMIN_PASSWORD "admin-password-123"
#define SERVICE_NAME   "買賣移轉登記"
#define RATE_ENV_LOGIN "BIANMIN_RATE_LOGIN=100000"
/* 2026-03-10 10:00 in Taipei, a Tuesday. */
#define START ((time_t)1773108000)

static struct server server;

enum who { CLERK, HANDLER, SUPERVISOR, ANALYST, ADMIN, WHO_COUNT };
static const char *const usernames[WHO_COUNT] = {
    "xinxing-clerk", "xinxing-handler", "xinxing-supervisor", "xinxing-analyst", "corr-admin"};
static struct client clients[WHO_COUNT];
static long long service_id, handler_id;

/* ---- helpers --------------------------------------------------------------------------- */

static json_t *get_json(enum who w, const char *path, long *status)
{
  return get_json_view(&server, &clients[w], path, status);
}

static json_t *view_ok(enum who w, const char *path)
{
  long status;
  json_t *v = get_json(w, path, &status);
  if (status != 200 || !v)
    fail_msg("GET %s as %s: %ld", path, usernames[w], status);
  return v;
}

/* POSTs form plus the CSRF token asking for JSON: the status; *out the body when wanted. */
static long post(enum who w, const char *path, const char *form, json_t **out)
{
  return harness_post_json(&clients[w], path, form, out);
}

static long act(enum who w, long long id, const char *action, const char *form, json_t **out)
{
  char path[128];
  snprintf(path, sizeof(path), "/staff/cases/%lld/%s", id, action);
  return post(w, path, form, out);
}

static void act_expect(enum who w, long long id, const char *action, const char *form,
                       long expected, const char *message)
{
  json_t *v = NULL;
  long status = act(w, id, action, form, &v);
  char *text = v ? json_dumps(v, JSON_COMPACT) : NULL;
  if (status != expected)
    fail_msg("%s on %lld as %s: expected %ld, got %ld %.600s", action, id, usernames[w], expected,
             status, text ? text : "");
  if (message)
    expect_contains(text, message);
  free(text);
  json_decref(v);
}

static json_t *case_json(long long id)
{
  char path[64];
  snprintf(path, sizeof(path), "/staff/cases/%lld", id);
  json_t *v = view_ok(SUPERVISOR, path);
  json_t *c = json_incref(json_object_get(v, "case"));
  json_decref(v);
  return c;
}

static long long int_of(json_t *o, const char *key)
{
  return (long long)json_integer_value(json_object_get(o, key));
}

static const char *text_of(json_t *o, const char *key)
{
  const char *s = json_string_value(json_object_get(o, key));
  return s ? s : "";
}

/* The kinds of the case's timeline, joined with spaces. */
static void event_kinds(long long id, char *out, size_t size)
{
  json_t *c = case_json(id), *e;
  size_t i, n = 0;
  out[0] = '\0';
  json_array_foreach(json_object_get(c, "events"), i, e) n +=
      (size_t)snprintf(out + n, n < size ? size - n : 0, "%s ", text_of(e, "kind"));
  json_decref(c);
}

static long long home_count(enum who w, const char *key)
{
  json_t *v = view_ok(w, "/staff/");
  long long n = int_of(v, key);
  json_decref(v);
  return n;
}

/* Whether the work list of filter (as w) lists case id. */
static bool listed(enum who w, const char *filter, long long id)
{
  char path[96];
  snprintf(path, sizeof(path), "/staff/cases?filter=%s", filter);
  json_t *v = view_ok(w, path), *row;
  size_t i;
  bool found = false;
  char href[64];
  snprintf(href, sizeof(href), "/staff/cases/%lld", id);
  json_array_foreach(json_object_get(v, "rows"), i, row) found |=
      !strcmp(text_of(row, "href"), href);
  json_decref(v);
  return found;
}

static long long intake(void)
{
  char form[2048] = "", value[32];
  snprintf(value, sizeof(value), "%lld", service_id);
  harness_field(form, sizeof(form), "service_id", value);
  harness_field(form, sizeof(form), "applicant_name", "王小明");
  harness_field(form, sizeof(form), "applicant_id", "A123456789");
  harness_field(form, sizeof(form), "applicant_phone", "0912-345-678");
  harness_field(form, sizeof(form), "applicant_email", "");
  harness_field(form, sizeof(form), "notify", "sms");
  harness_field(form, sizeof(form), "channel", "counter");
  harness_field(form, sizeof(form), "lang", "zh-TW");
  harness_field(form, sizeof(form), "doc_0", "土地登記申請書");
  snprintf(value, sizeof(value), "%lld", handler_id);
  harness_field(form, sizeof(form), "handler_id", value);
  return harness_intake(&clients[CLERK], form, NULL, 0);
}

static const char *items_form(const char *first, const char *note)
{
  static char form[1024];
  form[0] = '\0';
  char items[256];
  snprintf(items, sizeof(items), "%s\n補附身分證影本", first);
  harness_field(form, sizeof(form), "items", items);
  if (note)
    harness_field(form, sizeof(form), "note", note);
  return form;
}

/* A case with one correction made and corrected: the next one needs approval. */
static long long case_after_first_correction(void)
{
  long long id = intake();
  act_expect(HANDLER, id, "correction", items_form("補附印鑑證明", NULL), 303, NULL);
  act_expect(HANDLER, id, "corrected", "", 303, NULL);
  return id;
}

static void sign_in(enum who w)
{
  static char secret[64];
  harness_sign_in(&clients[w], &server, usernames[w], w == ADMIN ? ADMIN_PASSWORD : DEMO_PASSWORD,
                  w == ADMIN ? secret : NULL, sizeof(secret));
}

static void learn_ids(void)
{
  json_t *v = view_ok(CLERK, "/staff/intake"), *o;
  size_t i;
  json_array_foreach(json_object_get(v, "services"), i,
                     o) if (!strcmp(text_of(o, "name"), SERVICE_NAME)) service_id = int_of(o, "id");
  json_decref(v);
  char path[64];
  snprintf(path, sizeof(path), "/staff/intake?service=%lld", service_id);
  v = view_ok(CLERK, path);
  json_array_foreach(json_object_get(v, "handlers"), i,
                     o) if (!strcmp(text_of(o, "name"), "承辦人（示範）")) handler_id =
      int_of(o, "id");
  json_decref(v);
  assert_true(service_id > 0 && handler_id > 0);
}

static int setup(void **state)
{
  (void)state;
  const char *env[] = {RATE_ENV_LOGIN, NULL};
  if (harness_clock_start(START) || server_start(&server, env))
    return -1;
  harness_add_user(&server, "xinxing", "corr-admin", "admin", ADMIN_PASSWORD);
  for (int w = 0; w < WHO_COUNT; w++)
    sign_in((enum who)w);
  learn_ids();
  return 0;
}

static int teardown(void **state)
{
  (void)state;
  for (int w = 0; w < WHO_COUNT; w++)
    if (clients[w].curl)
      client_free(&clients[w]);
  return server_stop(&server) == 0 ? 0 : -1;
}

/* ---- tests ------------------------------------------------------------------------------ */

static void test_ask_and_approve(void **state)
{
  (void)state;
  long long id = case_after_first_correction();
  long long awaiting = home_count(SUPERVISOR, "awaiting_approval");
  char page[64];
  snprintf(page, sizeof(page), "/staff/cases/%lld", id);
  char *form = expect_page(&server, &clients[HANDLER], page, 200);
  expect_contains(form, "/ask-correction");
  /* The first notice, given without a note, lists its items once, one a line. */
  expect_contains(form, "<br>· 補附印鑑證明<br>· 補附身分證影本</li>");
  expect_lacks(form, "<br>補附印鑑證明；補附身分證影本<br>");
  free(form);
  act_expect(HANDLER, id, "correction", items_form("補附土地所有權狀", NULL), 403,
             "同一案件第二次補正須先經主管核准。");
  act_expect(HANDLER, id, "ask-correction", items_form("補附土地所有權狀", NULL), 400,
             "請寫明需要補正的理由。");
  act_expect(HANDLER, id, "ask-correction", items_form("補附土地所有權狀", "第一次補正未補齊"), 303,
             NULL);
  act_expect(HANDLER, id, "ask-correction", items_form("補附土地所有權狀", "再問一次"), 400,
             "這件補正的核准申請已在等候主管決定。");
  json_t *c = case_json(id);
  assert_int_equal(int_of(c, "second_correction_approved"), 2);
  assert_int_equal(int_of(c, "correction_count"), 1);
  json_decref(c);
  char path[64];
  snprintf(path, sizeof(path), "/staff/cases/%lld", id);
  char *html = expect_page(&server, &clients[SUPERVISOR], path, 200);
  expect_contains(html, "/decide-correction");
  expect_contains(html, "承辦人申請主管核准補正");
  expect_contains(html, "第一次補正未補齊");
  expect_contains(html, "補附土地所有權狀");
  free(html);
  html = expect_page(&server, &clients[SUPERVISOR], "/staff/", 200);
  expect_contains(html, "待我核准的補正");
  free(html);

  /* In the supervisor's list and count; not a handler's to see or decide. */
  assert_true(listed(SUPERVISOR, "awaiting", id));
  assert_int_equal(home_count(SUPERVISOR, "awaiting_approval"), awaiting + 1);
  long status;
  json_decref(get_json(HANDLER, "/staff/cases?filter=awaiting", &status));
  assert_int_equal(status, 403);
  act_expect(HANDLER, id, "decide-correction", "decision=approve", 403, "只有主管可以這樣做。");
  act_expect(CLERK, id, "decide-correction", "decision=approve", 403, NULL);
  act_expect(ANALYST, id, "decide-correction", "decision=approve", 403, NULL);
  act_expect(SUPERVISOR, id, "decide-correction", "decision=maybe", 400, NULL);
  c = case_json(id);
  assert_int_equal(int_of(c, "second_correction_approved"), 2);
  json_decref(c);

  /* Approved: the correction goes out with the asked items, in the same step. */
  long long decided = home_count(HANDLER, "decisions_waiting");
  act_expect(SUPERVISOR, id, "decide-correction", "decision=approve", 303, NULL);
  c = case_json(id);
  assert_string_equal(text_of(c, "status"), "correction");
  assert_int_equal(int_of(c, "correction_count"), 2);
  expect_contains(text_of(c, "correction_items"), "補附土地所有權狀");
  json_decref(c);
  char kinds[2048];
  event_kinds(id, kinds, sizeof(kinds));
  expect_contains(kinds, "correction_asked correction_approved status ");
  assert_false(listed(SUPERVISOR, "awaiting", id));
  assert_int_equal(home_count(SUPERVISOR, "awaiting_approval"), awaiting);

  /* The handler is told: the timeline (HTML) and the home count until noted. */
  assert_int_equal(home_count(HANDLER, "decisions_waiting"), decided + 1);
  assert_true(listed(HANDLER, "decided", id));
  html = expect_page(&server, &clients[HANDLER], path, 200);
  expect_contains(html, "主管核准補正");
  expect_contains(html, "主管已核准您申請的補正，補正通知已發出。");
  free(html);
  act_expect(HANDLER, id, "correction-noted", "", 303, NULL);
  act_expect(HANDLER, id, "correction-noted", "", 400, "這件案件沒有待確認的決定。");
  assert_int_equal(home_count(HANDLER, "decisions_waiting"), decided);
}

static void test_refuse_needs_reason(void **state)
{
  (void)state;
  long long id = case_after_first_correction();
  act_expect(HANDLER, id, "ask-correction", items_form("補附戶籍謄本", "資料不符"), 303, NULL);
  act_expect(SUPERVISOR, id, "decide-correction", "decision=refuse", 400, "請寫明不核准的理由。");
  act_expect(SUPERVISOR, id, "decide-correction",
             "decision=refuse&note=%E5%8E%9F%E6%96%87%E4%BB%B6%E5%B7%B2%E8%B6%B3", 303, NULL);
  json_t *c = case_json(id);
  assert_string_equal(text_of(c, "status"), "first_review");
  assert_int_equal(int_of(c, "correction_count"), 1);
  assert_int_equal(int_of(c, "second_correction_approved"), 3);
  json_decref(c);
  char kinds[2048];
  event_kinds(id, kinds, sizeof(kinds));
  expect_contains(kinds, "correction_asked correction_refused ");
  assert_false(listed(SUPERVISOR, "awaiting", id));
  assert_true(listed(HANDLER, "decided", id));
  char path[64];
  snprintf(path, sizeof(path), "/staff/cases/%lld", id);
  char *html = expect_page(&server, &clients[HANDLER], path, 200);
  expect_contains(html, "主管不核准補正");
  expect_contains(html, "原文件已足");
  free(html);
  /* Still no correction without approval; nothing left to decide. */
  act_expect(HANDLER, id, "correction", items_form("補附戶籍謄本", NULL), 403, NULL);
  act_expect(SUPERVISOR, id, "decide-correction", "decision=approve", 400,
             "這件案件沒有待核准的補正。");
  act_expect(HANDLER, id, "correction-noted", "", 303, NULL);
  assert_false(listed(HANDLER, "decided", id));
}

/* The report's count for month ("YYYY-MM"), or -1 when the month is not in it. */
static long long month_count(enum who w, const char *month)
{
  json_t *v = view_ok(w, "/staff/reports/corrections"), *m;
  size_t i;
  long long n = -1;
  assert_int_equal(json_array_size(json_object_get(v, "months")), 12);
  json_array_foreach(json_object_get(v, "months"), i, m)
  {
    /* the page shows the month as zh-TW writes it: "2026-03" as 115年3月 */
    char label[32];
    snprintf(label, sizeof(label), "%ld年%ld月", strtol(text_of(m, "month"), NULL, 10) - 1911,
             strtol(text_of(m, "month") + 5, NULL, 10));
    assert_string_equal(text_of(m, "month_label"), label);
    if (!strcmp(text_of(m, "month"), month))
      n = int_of(m, "count");
  }
  json_decref(v);
  return n;
}

static void second_correction(void)
{
  long long id = case_after_first_correction();
  act_expect(HANDLER, id, "ask-correction", items_form("補附地籍圖", "缺件"), 303, NULL);
  act_expect(SUPERVISOR, id, "decide-correction", "decision=approve", 303, NULL);
}

static void test_monthly_count(void **state)
{
  (void)state;
  long long march = month_count(SUPERVISOR, "2026-03");
  assert_true(march >= 0);
  assert_int_equal(month_count(SUPERVISOR, "2026-04"), -1); /* not yet */
  second_correction();
  (void)case_after_first_correction(); /* a first correction is not counted */
  assert_int_equal(month_count(ANALYST, "2026-03"), march + 1);
  long status;
  json_decref(get_json(CLERK, "/staff/reports/corrections", &status));
  assert_int_equal(status, 403);

  /* A month later: April gets its own count, March keeps its. */
  harness_clock_set(START + 35 * 86400); /* sessions end; the admin is not needed again */
  for (int w = 0; w < ADMIN; w++)
    sign_in((enum who)w);
  second_correction();
  second_correction();
  assert_int_equal(month_count(SUPERVISOR, "2026-04"), 2);
  assert_int_equal(month_count(SUPERVISOR, "2026-03"), march + 1);
  json_t *v = view_ok(SUPERVISOR, "/staff/reports/corrections");
  assert_int_equal(int_of(v, "total"), march + 3);
  json_decref(v);
  char *html = expect_page(&server, &clients[SUPERVISOR], "/staff/reports/corrections", 200);
  expect_contains(html, "每月第二次補正件數");
  expect_contains(html, "115年4月"); /* a month as zh-TW pages write one */
  expect_lacks(html, ">2026-04<");
  free(html);
}

static void test_office_setting(void **state)
{
  (void)state;
  long status;
  json_t *v = get_json(HANDLER, "/staff/admin/corrections", &status);
  assert_int_equal(status, 403);
  json_decref(v);
  assert_int_equal(post(HANDLER, "/staff/admin/corrections", "approval=1", NULL), 403);
  v = view_ok(ADMIN, "/staff/admin/corrections");
  assert_false(json_is_true(json_object_get(v, "approval")));
  json_decref(v);
  char *html = expect_page(&server, &clients[ADMIN], "/staff/admin/corrections", 200);
  expect_contains(html, "每次補正都須經主管核准");
  free(html);
  html = expect_page(&server, &clients[ADMIN], "/staff/admin/audit", 200);
  expect_lacks(html, "變更補正核准設定");
  free(html);

  /* Without the setting a first correction goes straight out and cannot be asked about. */
  long long plain = intake();
  act_expect(HANDLER, plain, "ask-correction", items_form("補附印鑑證明", "確認"), 400,
             "這次補正不需核准，請直接通知補正。");

  assert_int_equal(post(ADMIN, "/staff/admin/corrections", "approval=1", &v), 200);
  assert_true(json_is_true(json_object_get(v, "approval")));
  json_decref(v);
  html = expect_page(&server, &clients[ADMIN], "/staff/admin/audit", 200);
  expect_contains(html, "變更補正核准設定");
  free(html);
  long long id = intake();
  act_expect(HANDLER, id, "correction", items_form("補附印鑑證明", NULL), 403,
             "本所每次補正都須先經主管核准");
  act_expect(HANDLER, id, "ask-correction", items_form("補附印鑑證明", "缺印鑑證明"), 303, NULL);
  assert_true(listed(SUPERVISOR, "awaiting", id));
  act_expect(SUPERVISOR, id, "decide-correction", "decision=approve", 303, NULL);
  json_t *c = case_json(id);
  assert_string_equal(text_of(c, "status"), "correction");
  assert_int_equal(int_of(c, "correction_count"), 1);
  json_decref(c);

  assert_int_equal(post(ADMIN, "/staff/admin/corrections", "", &v), 200);
  assert_false(json_is_true(json_object_get(v, "approval")));
  json_decref(v);
  act_expect(HANDLER, plain, "correction", items_form("補附印鑑證明", NULL), 303, NULL);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ask_and_approve),
      cmocka_unit_test(test_refuse_needs_reason),
      cmocka_unit_test(test_office_setting),
      cmocka_unit_test(test_monthly_count),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
