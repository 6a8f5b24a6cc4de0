/*
 * progress_test.c - the public progress lookup as citizens see it today, so a rewrite of its
 * read path shows any change: the lookup form; a case by number and check code (as typed with
 * full-width digits, lower case or a dash in the code) and by the receipt's link /p/<token>, as
 * HTML and JSON in both languages, with the service, unit, counter, masked name, dates as text
 * and the step in plain words; what to correct and by when; the fee block (pay button on the
 * token's page, read only on the lookup); one polite 404 for wrong codes, unknown numbers and
 * another office; the QR code of the link.
 *
 * The server's clock is fixed (BIANMIN_FAKE_NOW) at Monday 2 March 2026, 09:00 in Taipei, so
 * every date on the page is known: a sale transfer (3 working days) is due Thursday 09:00.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define PASSWORD "bianmin-demo-2026"
#define NOW      "1772413200" /* 2026-03-02T01:00:00Z = 09:00 in Taipei, a working Monday */
#define NAME     "%E9%BB%83%E5%A4%A7%E5%90%8C" /* 黃大同 */
#define HANDLER  "承辦人（示範）"              /* xinxing-handler's display name */

static struct server server;
static struct client clerk, handler;

/* One case taken in by the clerk: what the staff JSON says about it. */
static struct taken_case plain; /* received, nothing else */

/* The id of the handler called name in the intake form's list. */
static long long handler_id(const char *name)
{
  json_t *form = expect_view(&server, &clerk, "/staff/intake?service=1", 200);
  json_t *h;
  size_t i;
  long long id = 0;
  json_array_foreach(json_object_get(form, "handlers"), i, h)
  {
    if (strcmp(json_text_at(h, "name"), name) == 0)
      id = (long long)json_integer_value(json_at(h, "id"));
  }
  json_decref(form);
  assert_true(id > 0);
  return id;
}

/* Takes a sale transfer in for 黃大同 with xinxing-handler as the handler. */
static void take_in(struct taken_case *out)
{
  char form[256];
  snprintf(form, sizeof(form),
           "service_id=1&applicant_name=%s&applicant_phone=0912345678&notify=sms&"
           "doc_0=x&handler_id=%lld",
           NAME, handler_id(HANDLER));
  harness_take_in(&clerk, form, out);
  assert_int_equal(strlen(out->token), 43);
  assert_int_equal(strlen(out->check), 6);
}

/* The plain case, taken in by the first test that needs it. */
static const struct taken_case *need_plain(void)
{
  if (!plain.id)
    take_in(&plain);
  return &plain;
}

static int setup(void **state)
{
  const char *env[] = {"BIANMIN_FAKE_NOW=" NOW, "BIANMIN_RATE_LOGIN=100000",
                       "BIANMIN_RATE_LOOKUP=100000", "BIANMIN_PAYMENT_PROVIDER=sandbox", NULL};
  if (server_start(&server, env))
    return -1;
  client_init(&clerk, &server);
  client_init(&handler, &server);
  if (client_login(&clerk, "xinxing-clerk", PASSWORD) != 303 ||
      client_login(&handler, "xinxing-handler", PASSWORD) != 303)
    return -1;
  return 0;
}

static int teardown(void **state)
{
  client_free(&clerk);
  client_free(&handler);
  return server_stop(&server) == 0 ? 0 : -1;
}

static void test_lookup_form(void **state)
{
  char *body = expect_page(&server, NULL, "/o/xinxing/progress", 200);
  expect_contains(body, "<h1 class=\"govuk-heading-xl\">案件進度查詢</h1>");
  expect_contains(body, "<form method=\"get\" action=\"/o/xinxing/progress\"");
  expect_contains(body, "name=\"number\"");
  expect_contains(body, "name=\"check\"");
  expect_contains(body, ">收件字號");
  expect_contains(body, ">檢查碼");
  free(body);
  body = expect_page(&server, NULL, "/o/xinxing/progress?lang=en", 200);
  expect_contains(body, "Check a case&#39;s progress");
  free(body);
  json_t *view = expect_view(&server, NULL, "/o/xinxing/progress", 200);
  expect_text_at(view, "title", "案件進度查詢");
  expect_text_at(view, "form.action", "/o/xinxing/progress");
  expect_text_at(view, "form.number", "");
  expect_text_at(view, "office.name", "高雄市政府地政局新興地政事務所");
  json_decref(view);
}

/* What a citizen sees of a case just taken in, in the language of lang. */
static void expect_received(json_t *view, const struct taken_case *t, bool en)
{
  char number[64];
  if (en)
    snprintf(number, sizeof(number), "115 EB01 No. %06lld", t->serial);
  else
    snprintf(number, sizeof(number), "115年 新登字 第%06lld號", t->serial);
  expect_text_at(view, "title", en ? "Where your case stands" : "案件辦理情形");
  expect_text_at(view, "case.number", number);
  expect_text_at(view, "case.case_key", t->key);
  expect_text_at(view, "case.status", "received");
  expect_text_at(view, "case.status_label", en ? "Received" : "已收件");
  expect_text_at(view, "case.service_name", en ? "Transfer of ownership by sale" : "買賣移轉登記");
  expect_text_at(view, "case.unit_name", en ? "Registration Section" : "登記課");
  expect_text_at(view, "case.counter", "1-12");
  expect_text_at(view, "case.applicant_name_masked", "黃○同");
  expect_text_at(view, "case.received_text", en ? "2 Mar 2026 09:00" : "115年3月2日 09:00");
  expect_text_at(view, "case.due_text", en ? "5 Mar 2026 09:00" : "115年3月5日 09:00");
  expect_text_at(view, "case.due_state_label", en ? "On time" : "期限內");
  expect_text_at(view, "case.timeline.0.what", en ? "Received" : "已收件");
  expect_text_at(view, "case.timeline.0.at", en ? "2 Mar 2026 09:00" : "115年3月2日 09:00");
  assert_int_equal(json_array_size(json_at(view, "case.timeline")), 1);
  assert_false(json_is_true(json_at(view, "case.in_correction")));
  assert_false(json_is_true(json_at(view, "case.payment.has_fee")));
  expect_text_at(view, "office.slug", "xinxing");
  /* Nothing personal but the masked name, and nothing that opens the case. */
  static const char *const hidden[] = {"case.applicant",  "case.applicant_name", "case.check_code",
                                       "case.handler_id", "case.handler_name",   "case.id",
                                       "case.token"};
  for (size_t i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++)
    if (json_at(view, hidden[i]))
      fail_msg("%s must not be in the public view", hidden[i]);
}

static void test_lookup_by_number(void **state)
{
  char path[256];
  need_plain();
  snprintf(path, sizeof(path), "/o/xinxing/progress?number=%s&check=%s", plain.key, plain.check);
  json_t *view = expect_view(&server, NULL, path, 200);
  expect_received(view, &plain, false);
  char *text = json_dumps(view, 0);
  expect_lacks(text, "0912345678");
  expect_lacks(text, "黃大同");
  expect_lacks(text, plain.token);
  free(text);
  json_decref(view);
  snprintf(path, sizeof(path), "/o/xinxing/progress?number=%s&check=%s&lang=en", plain.key,
           plain.check);
  view = expect_view(&server, NULL, path, 200);
  expect_received(view, &plain, true);
  json_decref(view);

  snprintf(path, sizeof(path), "/o/xinxing/progress?number=%s&check=%s", plain.key, plain.check);
  char *body = expect_page(&server, NULL, path, 200);
  char number[64];
  snprintf(number, sizeof(number), "<p class=\"govuk-body-l\">115年 新登字 第%06lld號</p>",
           plain.serial);
  expect_contains(body, "<h1 class=\"govuk-heading-xl\">案件辦理情形</h1>");
  expect_contains(body, number);
  expect_contains(body, "<p class=\"govuk-heading-l bm-status__step\">已收件</p>");
  expect_contains(body, "<dd class=\"bm-facts__value\">買賣移轉登記</dd>");
  expect_contains(body, "<dd class=\"bm-facts__value\">黃○同</dd>");
  expect_contains(body, "<dd class=\"bm-facts__value\">115年3月2日 09:00</dd>");
  expect_contains(body, "<dd class=\"bm-facts__value\">115年3月5日 09:00</dd>");
  expect_contains(body, "<dd class=\"bm-facts__value\">登記課 1-12</dd>");
  expect_contains(body, "<h2 class=\"govuk-heading-m\">辦理歷程</h2>");
  expect_lacks(body, "黃大同");
  expect_lacks(body, "0912345678");
  expect_lacks(body, "id=\"fee\""); /* no fee owed: no fee block */
  free(body);
  snprintf(path, sizeof(path), "/o/xinxing/progress?number=%s&check=%s&lang=en", plain.key,
           plain.check);
  body = expect_page(&server, NULL, path, 200);
  expect_contains(body, "Where your case stands");
  expect_contains(body, "<dd class=\"bm-facts__value\">Registration Section 1-12</dd>");
  expect_contains(body, "<dd class=\"bm-facts__value\">5 Mar 2026 09:00</dd>");
  free(body);
}

static void test_number_as_typed(void **state)
{
  /* Full-width digits, a lower-case word, spaces and a dash in the code find the same case. */
  char path[512], typed[160], check[16];
  need_plain();
  snprintf(typed, sizeof(typed), "%%EF%%BC%%91%%EF%%BC%%91%%EF%%BC%%95-eb01-%lld", plain.serial);
  snprintf(check, sizeof(check), "%.3s-%.3s", plain.check, plain.check + 3);
  snprintf(path, sizeof(path), "/o/xinxing/progress?number=%%20%s%%20&check=%s", typed, check);
  json_t *view = expect_view(&server, NULL, path, 200);
  expect_text_at(view, "case.case_key", plain.key);
  json_decref(view);
}

static void test_wrong_code_unknown_number_other_office(void **state)
{
  char wrong[8], path[256];
  need_plain();
  snprintf(wrong, sizeof(wrong), "%s", plain.check);
  wrong[5] = wrong[5] == '9' ? '0' : (char)(wrong[5] + 1);
  char queries[4][160];
  snprintf(queries[0], sizeof(queries[0]), "/o/xinxing/progress?number=%s&check=%s", plain.key,
           wrong);
  snprintf(queries[1], sizeof(queries[1]), "/o/xinxing/progress?number=115-EB01-999999&check=%s",
           plain.check);
  snprintf(queries[2], sizeof(queries[2]), "/o/hsinchu/progress?number=%s&check=%s", plain.key,
           plain.check);
  snprintf(queries[3], sizeof(queries[3]), "/o/xinxing/progress?number=nonsense&check=%s",
           plain.check);
  for (size_t i = 0; i < 4; i++) {
    char *body = expect_page(&server, NULL, queries[i], 404);
    expect_contains(body, "查無符合的案件。請核對收件字號與檢查碼後再試一次；如有疑問請洽服務台。");
    expect_contains(body, "govuk-error-summary");
    expect_contains(body, "<a href=\"#number\">");
    expect_contains(body, "name=\"number\"");
    expect_lacks(body, "黃○同");
    free(body);
  }
  json_t *view = expect_view(&server, NULL, queries[0], 404);
  expect_text_at(view, "errors.0.field", "number");
  expect_text_at(view, "form.number", plain.key);
  expect_text_at(view, "form.check", wrong);
  assert_null(json_at(view, "case"));
  json_decref(view);
  snprintf(path, sizeof(path), "%s&lang=en", queries[0]);
  char *body = expect_page(&server, NULL, path, 404);
  expect_contains(body, "No case matches. Check the case number and the check code and try "
                        "again, or ask at the service desk.");
  free(body);
}

/* A field left empty is asked for at that field (400), tied to its input for screen readers,
 * with what was typed kept; no lookup is made, so nothing is said about any case. */
static void test_empty_fields(void **state)
{
  char path[256];
  need_plain();
  snprintf(path, sizeof(path), "/o/xinxing/progress?number=%s&check=", plain.key);
  char *body = expect_page(&server, NULL, path, 400);
  expect_contains(body, "<a href=\"#check\">請輸入收據上的 6 位數檢查碼</a>");
  expect_contains(body, "id=\"check-error\"");
  expect_contains(body, "aria-describedby=\"check-hint check-error\"");
  expect_contains(body, "aria-describedby=\"number-hint\"");
  expect_lacks(body, "查無符合的案件");
  free(body);
  snprintf(path, sizeof(path), "/o/xinxing/progress?number=%%20&check=%s", plain.check);
  json_t *view = expect_view(&server, NULL, path, 400);
  expect_text_at(view, "errors.0.field", "number");
  expect_text_at(view, "field_errors.number", "請輸入收據上的收件字號，例如 115-HA07-001230");
  expect_text_at(view, "form.check", plain.check);
  assert_null(json_at(view, "field_errors.check"));
  json_decref(view);
  body = expect_page(&server, NULL, "/o/xinxing/progress?number=&check=&lang=en", 400);
  expect_contains(body, "<a href=\"#number\">Enter the case number on your receipt");
  expect_contains(body, "<a href=\"#check\">Enter the 6-digit check code on your receipt</a>");
  expect_contains(body, "aria-describedby=\"number-hint number-error\"");
  expect_contains(body, "govuk-input--error");
  free(body);
  /* A wrong code's answer is tied to the number field too. */
  snprintf(path, sizeof(path), "/o/xinxing/progress?number=115-EB01-999999&check=%s", plain.check);
  body = expect_page(&server, NULL, path, 404);
  expect_contains(body, "aria-describedby=\"number-hint number-error\"");
  free(body);
}

/* Moves the case to first review, then asks for a correction of two items. */
static void ask_correction(const struct taken_case *t)
{
  struct response r;
  char path[96];
  snprintf(path, sizeof(path), "/staff/cases/%lld", t->id);
  assert_int_equal(client_get(&handler, path, &r), 0);
  response_free(&r);
  snprintf(path, sizeof(path), "/staff/cases/%lld/status", t->id);
  assert_int_equal(client_post(&handler, path, "to=first_review&note=", &r), 0);
  assert_int_equal(r.status, 303);
  response_free(&r);
  snprintf(path, sizeof(path), "/staff/cases/%lld", t->id);
  assert_int_equal(client_get(&handler, path, &r), 0);
  response_free(&r);
  snprintf(path, sizeof(path), "/staff/cases/%lld/correction", t->id);
  /* 印鑑證明過期 / 買賣契約書缺少簽章, one a line */
  assert_int_equal(client_post(&handler, path,
                               "items=%E5%8D%B0%E9%91%91%E8%AD%89%E6%98%8E%E9%81%8E%E6%9C%9F%0A"
                               "%E8%B2%B7%E8%B3%A3%E5%A5%91%E7%B4%84%E6%9B%B8%E7%BC%BA%E5%B0%91"
                               "%E7%B0%BD%E7%AB%A0&note=",
                               &r),
                   0);
  assert_int_equal(r.status, 303);
  response_free(&r);
}

static void test_steps_and_correction_by_link(void **state)
{
  struct taken_case t;
  char path[128];
  take_in(&t);
  ask_correction(&t);
  snprintf(path, sizeof(path), "/p/%s", t.token);
  json_t *view = expect_view(&server, NULL, path, 200);
  expect_text_at(view, "case.case_key", t.key);
  expect_text_at(view, "case.status", "correction");
  expect_text_at(view, "case.status_label", "待補正");
  assert_true(json_is_true(json_at(view, "case.in_correction")));
  expect_text_at(view, "case.correction_list.0", "印鑑證明過期");
  expect_text_at(view, "case.correction_list.1", "買賣契約書缺少簽章");
  assert_int_equal(json_array_size(json_at(view, "case.correction_list")), 2);
  expect_text_at(view, "case.correction_deadline_text", "115年3月17日");
  expect_text_at(view, "case.due_text", ""); /* the clock stops meanwhile */
  expect_text_at(view, "case.due_state_label",
                 "處理期限暫停計算（補正、公告或函詢其他機關期間不計入）");
  expect_text_at(view, "case.timeline.0.what", "已收件");
  expect_text_at(view, "case.timeline.1.what", "初審中");
  expect_text_at(view, "case.timeline.2.what", "待補正");
  expect_text_at(view, "case.timeline.2.note", "印鑑證明過期；買賣契約書缺少簽章");
  assert_int_equal(json_array_size(json_at(view, "case.timeline")), 3);
  expect_text_at(view, "case.applicant_name_masked", "黃○同");
  assert_null(json_at(view, "case.check_code"));
  json_decref(view);

  char *body = expect_page(&server, NULL, path, 200);
  expect_contains(body, "<p class=\"govuk-heading-l bm-status__step\">待補正</p>");
  expect_contains(body, "需要補正，請於期限前補齊： 115年3月17日");
  expect_contains(body, "<li>印鑑證明過期</li><li>買賣契約書缺少簽章</li>");
  free(body);
  snprintf(path, sizeof(path), "/p/%s?lang=en", t.token);
  body = expect_page(&server, NULL, path, 200);
  expect_contains(body, "Waiting for a correction");
  expect_contains(body, "Something must be corrected. Please bring it by 17 Mar 2026");
  expect_contains(body, "<strong>First review</strong>");
  free(body);
  /* The same case by number and check code tells the same. */
  snprintf(path, sizeof(path), "/o/xinxing/progress?number=%s&check=%s", t.key, t.check);
  view = expect_view(&server, NULL, path, 200);
  expect_text_at(view, "case.correction_deadline_text", "115年3月17日");
  expect_text_at(view, "case.timeline.2.note", "印鑑證明過期；買賣契約書缺少簽章");
  json_decref(view);
}

static void test_link_by_token_and_qr(void **state)
{
  char path[160], title[200];
  need_plain();
  snprintf(path, sizeof(path), "/p/%s", plain.token);
  json_t *view = expect_view(&server, NULL, path, 200);
  expect_received(view, &plain, false);
  json_decref(view);
  char *body = expect_page(&server, NULL, path, 200);
  expect_contains(body, "<dd class=\"bm-facts__value\">黃○同</dd>");
  free(body);
  /* An unknown link: one polite page, in both languages. */
  body = expect_page(&server, NULL, "/p/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 404);
  expect_contains(body, "這個查詢連結無效。請用收據上的收件字號與檢查碼查詢。");
  free(body);
  body = expect_page(&server, NULL, "/p/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA?lang=en", 404);
  expect_contains(body, "This link does not work.");
  free(body);
  view = expect_view(&server, NULL, "/p/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 404);
  assert_int_equal(json_integer_value(json_at(view, "status")), 404);
  expect_text_at(view, "code", "not_found");
  json_decref(view);
  /* The QR code of the link. */
  struct response r;
  snprintf(path, sizeof(path), "/p/%s/qr.svg", plain.token);
  assert_int_equal(http_get(&server, path, &r), 0);
  assert_int_equal(r.status, 200);
  char *type = response_header(&r, "Content-Type");
  assert_non_null(type);
  assert_string_equal(type, "image/svg+xml");
  free(type);
  expect_contains(r.body, "<svg xmlns=\"http://www.w3.org/2000/svg\"");
  snprintf(title, sizeof(title), "<title>http://127.0.0.1:%d/p/%s</title>", server.port,
           plain.token);
  expect_contains(r.body, title);
  response_free(&r);
  assert_int_equal(http_get(&server, "/p/short/qr.svg", &r), 0);
  assert_int_equal(r.status, 404);
  response_free(&r);
}

static void set_fee(const struct taken_case *t, const char *amount)
{
  struct response r;
  char path[64], form[32];
  assert_int_equal(client_get(&clerk, "/staff/intake", &r), 0); /* a fresh CSRF token */
  response_free(&r);
  snprintf(path, sizeof(path), "/staff/cases/%lld/fee", t->id);
  snprintf(form, sizeof(form), "amount=%s", amount);
  assert_int_equal(client_post(&clerk, path, form, &r), 0);
  assert_int_equal(r.status, 303);
  response_free(&r);
}

static void test_fee_block(void **state)
{
  struct taken_case t;
  char path[160], action[120];
  take_in(&t);
  set_fee(&t, "40");
  /* The link's page: the amount and the pay button. */
  snprintf(path, sizeof(path), "/p/%s", t.token);
  snprintf(action, sizeof(action), "/p/%s/pay", t.token);
  json_t *view = expect_view(&server, NULL, path, 200);
  assert_true(json_is_true(json_at(view, "case.payment.has_fee")));
  expect_text_at(view, "case.payment.due_text", "NT$40");
  expect_text_at(view, "case.payment.outstanding_text", "NT$40");
  expect_text_at(view, "case.payment.paid_text", "NT$0");
  assert_true(json_is_true(json_at(view, "case.payment.payable")));
  assert_false(json_is_true(json_at(view, "case.payment.settled")));
  expect_text_at(view, "case.payment.pay_action", action);
  assert_int_equal(json_array_size(json_at(view, "case.payment.payments")), 0);
  expect_text_at(view, "case.timeline.1.what", "應繳規費");
  expect_text_at(view, "case.timeline.1.note", "NT$40");
  json_decref(view);
  char *body = expect_page(&server, NULL, path, 200);
  char form[200];
  snprintf(form, sizeof(form), "<form method=\"post\" action=\"%s\">", action);
  expect_contains(body, "<h2 class=\"govuk-heading-m\" id=\"fee-title\">規費</h2>");
  expect_contains(body, "<strong>應繳規費： NT$40</strong>");
  expect_contains(body, form);
  expect_contains(body, ">線上繳費</button>");
  free(body);
  snprintf(path, sizeof(path), "/p/%s?lang=en", t.token);
  body = expect_page(&server, NULL, path, 200);
  expect_contains(body, "<strong>Fee due: NT$40</strong>");
  expect_contains(body, ">Pay online</button>");
  free(body);

  /* The lookup by number and check code: the same amount, read only, where to pay instead. */
  snprintf(path, sizeof(path), "/o/xinxing/progress?number=%s&check=%s", t.key, t.check);
  view = expect_view(&server, NULL, path, 200);
  assert_true(json_is_true(json_at(view, "case.payment.has_fee")));
  expect_text_at(view, "case.payment.outstanding_text", "NT$40");
  assert_true(json_is_true(json_at(view, "case.payment.pay_elsewhere")));
  assert_false(json_is_true(json_at(view, "case.payment.payable")));
  assert_null(json_at(view, "case.payment.pay_action"));
  assert_null(json_at(view, "case.payment.receipt_href"));
  json_decref(view);
  body = expect_page(&server, NULL, path, 200);
  expect_contains(body, "id=\"fee-pay-elsewhere\"");
  expect_contains(body, "<strong>應繳規費： NT$40</strong>");
  expect_contains(body, "如要線上繳費，請開啟收據或通知訊息中的連結（或掃描收據上的 QR Code），"
                        "也可以到櫃台繳費。");
  expect_lacks(body, action);
  expect_lacks(body, t.token);
  expect_lacks(body, ">線上繳費</button>");
  free(body);
  snprintf(path, sizeof(path), "/o/xinxing/progress?number=%s&check=%s&lang=en", t.key, t.check);
  body = expect_page(&server, NULL, path, 200);
  expect_contains(body, "To pay online, open the link in your receipt or in our message to you");
  free(body);
}

/* A staff action on the case (the path's last part, e.g. "status") that must succeed. */
static void act(const struct taken_case *t, const char *action, const char *form)
{
  struct response r;
  char path[96];
  snprintf(path, sizeof(path), "/staff/cases/%lld", t->id); /* a fresh CSRF token */
  assert_int_equal(client_get(&handler, path, &r), 0);
  response_free(&r);
  snprintf(path, sizeof(path), "/staff/cases/%lld/%s", t->id, action);
  assert_int_equal(client_post(&handler, path, form, &r), 0);
  assert_int_equal(r.status, 303);
  response_free(&r);
}

/* A text field of an event, which must be there. */
static const char *field(json_t *o, const char *key)
{
  const char *s = json_text_at(o, key);
  assert_non_null(s);
  return s;
}

static bool money_kind(const char *kind)
{
  return !strncmp(kind, "fee_", 4) || !strncmp(kind, "payment_", 8);
}

/* The public answer's history (its raw events) is what case_events holds, as the staff page
 * reads it: the public events and every status move, in order, a move's note and data only
 * when public. The lookups read it from the case's row (cases.public_history, migration 36),
 * which every event written keeps up to date. */
static void expect_history_matches(json_t *staff, json_t *answer)
{
  json_t *all = json_at(staff, "case.events"), *shown = json_at(answer, "case.events"), *e;
  size_t i, n = 0;
  assert_true(json_array_size(all) > 0);
  json_array_foreach(all, i, e)
  {
    bool public = json_integer_value(json_object_get(e, "public")) != 0;
    const char *kind = field(e, "kind");
    if (!public && strcmp(kind, "status") != 0)
      continue;
    json_t *s = json_array_get(shown, n++);
    assert_non_null(s);
    assert_int_equal(json_integer_value(json_object_get(s, "id")),
                     json_integer_value(json_object_get(e, "id")));
    assert_int_equal(json_integer_value(json_object_get(s, "at")),
                     json_integer_value(json_object_get(e, "at")));
    assert_int_equal(json_integer_value(json_object_get(s, "public")), public);
    assert_string_equal(field(s, "kind"), kind);
    assert_string_equal(field(s, "from_status"), field(e, "from_status"));
    assert_string_equal(field(s, "to_status"), field(e, "to_status"));
    assert_string_equal(field(s, "data"), public ? field(e, "data") : "");
    if (!money_kind(kind)) /* a money event's note is its amount in words */
      assert_string_equal(field(s, "note"), public ? field(e, "note") : "");
  }
  assert_int_equal(json_array_size(shown), n);
}

static void test_history_matches_events(void **state)
{
  struct taken_case t;
  char path[160];
  take_in(&t);
  /* Internal and public notes holding the history's own punctuation (lengths, ':' and ','). */
  act(&t, "status", "to=first_review&note=%E5%85%A7%E9%83%A8+3%3Aabc%2C+1%3A%2C");
  act(&t, "correction",
      "items=%E5%8D%B0%E9%91%91%E8%AD%89%E6%98%8E%E9%81%8E%E6%9C%9F&note=12%3Ax%2C");
  act(&t, "corrected", "note=%E5%B7%B2%E8%A3%9C%E6%AD%A3%2C%2C");
  act(&t, "status", "to=second_review&public=1&note=%E5%85%AC%E9%96%8B+0%3A%2C%E8%AA%AA%E6%98%8E");
  act(&t, "extend", "days=2&note=%E5%85%A7%E9%83%A8%E5%BB%B6%E9%95%B7");
  set_fee(&t, "120");
  snprintf(path, sizeof(path), "/staff/cases/%lld", t.id);
  json_t *staff = expect_view(&server, &handler, path, 200);
  assert_true(json_array_size(json_at(staff, "case.events")) >= 7);
  snprintf(path, sizeof(path), "/p/%s", t.token);
  json_t *view = expect_view(&server, NULL, path, 200);
  expect_history_matches(staff, view);
  expect_text_at(view, "case.status", "second_review");
  json_decref(view);
  snprintf(path, sizeof(path), "/o/xinxing/progress?number=%s&check=%s", t.key, t.check);
  view = expect_view(&server, NULL, path, 200);
  expect_history_matches(staff, view);
  json_decref(view);
  json_decref(staff);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_lookup_form),
      cmocka_unit_test(test_lookup_by_number),
      cmocka_unit_test(test_number_as_typed),
      cmocka_unit_test(test_wrong_code_unknown_number_other_office),
      cmocka_unit_test(test_empty_fields),
      cmocka_unit_test(test_steps_and_correction_by_link),
      cmocka_unit_test(test_link_by_token_and_qr),
      cmocka_unit_test(test_fee_block),
      cmocka_unit_test(test_history_matches_events),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
