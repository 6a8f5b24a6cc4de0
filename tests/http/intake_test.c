/*
 * intake_test.c - counter intake (臨櫃收件) as clerks see it today, so a rewrite of its read path
 * shows any change: the form before and after choosing a service (its document checklist, the
 * handlers, every field's name), a good intake and its receipt (number, check code, service,
 * masked name, dates as text, handler, unit and counter, fee, clerk, QR code of /p/<token>), a
 * reprint with the same QR code, the round robin, and the refusals (each names its field in zh-TW
 * and English, keeps what was typed and takes nothing in), as HTML and JSON.
 *
 * The server's clock is fixed (BIANMIN_FAKE_NOW) at Monday 2 March 2026, 09:00 in Taipei: a sale
 * transfer (3 working days) taken in then is due Thursday 5 March at 09:00.
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
/* 2026-03-02T01:00:00Z = 09:00 in Taipei, a working Monday */
#define NOW "1772413200"
/* 黃大同 and 土地登記申請書, urlencoded */
#define NAME    "%E9%BB%83%E5%A4%A7%E5%90%8C"
#define DOC_0   "%E5%9C%9F%E5%9C%B0%E7%99%BB%E8%A8%98%E7%94%B3%E8%AB%8B%E6%9B%B8"
#define HANDLER "承辦人（示範）" /* xinxing-handler's display name */
#define SALE_FEE                                                                                   \
  "登記費：申報地價或權利價值的千分之一（未滿新臺幣1元不收）；書狀費：每張新臺幣80元。"

static struct server server;
static struct client clerk;

/* POSTs the intake form (after reading the form page for its CSRF token). */
static void post_intake(struct client *c, const char *form, struct response *r)
{
  struct response page;
  assert_int_equal(client_get(c, "/staff/intake?service=1", &page), 0);
  response_free(&page);
  assert_int_equal(client_post(c, "/staff/intake", form, r), 0);
}

/* ?lang= is remembered in a cookie: back to zh-TW for what follows. */
static void back_to_chinese(struct client *c)
{
  struct response r;
  assert_int_equal(client_get(c, "/staff/intake?lang=zh-TW", &r), 0);
  response_free(&r);
}

static long long office_total(void)
{
  json_t *list = expect_view(&server, &clerk, "/staff/cases?scope=office", 200);
  long long total = (long long)json_integer_value(json_at(list, "total"));
  json_decref(list);
  return total;
}

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

static int setup(void **state)
{
  const char *env[] = {"BIANMIN_FAKE_NOW=" NOW, "BIANMIN_RATE_LOGIN=100000", NULL};
  if (server_start(&server, env))
    return -1;
  client_init(&clerk, &server);
  return client_login(&clerk, "xinxing-clerk", PASSWORD) == 303 ? 0 : -1;
}

static int teardown(void **state)
{
  client_free(&clerk);
  return server_stop(&server) == 0 ? 0 : -1;
}

static void test_form_before_and_after_choosing(void **state)
{
  json_t *view = expect_view(&server, &clerk, "/staff/intake", 200);
  expect_text_at(view, "title", "臨櫃收件");
  assert_false(json_is_true(json_at(view, "service_chosen")));
  assert_int_equal(json_array_size(json_at(view, "documents")), 0);
  expect_text_at(view, "services.0.name", "買賣移轉登記");
  assert_int_equal(json_integer_value(json_at(view, "services.0.id")), 1);
  assert_true(json_array_size(json_at(view, "services")) >= 10);
  json_decref(view);
  char *body = expect_page(&server, &clerk, "/staff/intake", 200);
  expect_contains(body, "<h1 class=\"govuk-heading-xl\">臨櫃收件</h1>");
  expect_contains(body, "<select class=\"govuk-select\" id=\"service\" name=\"service\">");
  expect_lacks(body, "name=\"applicant_name\""); /* no applicant form before a service */
  expect_lacks(body, "name=\"ticket\"");         /* no ticket: none sent on (it showed ticket=0) */
  free(body);

  view = expect_view(&server, &clerk, "/staff/intake?service=1", 200);
  assert_true(json_is_true(json_at(view, "service_chosen")));
  assert_true(json_is_true(json_at(view, "services.0.selected")));
  expect_text_at(view, "documents.0.name", "土地登記申請書");
  expect_text_at(view, "documents.0.field", "doc_0");
  expect_text_at(view, "documents.2.name", "義務人（賣方）印鑑證明");
  expect_text_at(view, "documents.7.field", "doc_7");
  assert_int_equal(json_array_size(json_at(view, "documents")), 8);
  bool has_handler = false;
  json_t *h;
  size_t i;
  json_array_foreach(json_at(view, "handlers"), i, h) has_handler =
      has_handler || strcmp(json_text_at(h, "name"), HANDLER) == 0;
  assert_true(has_handler);
  expect_text_at(view, "values.applicant_name", "");
  json_decref(view);
  body = expect_page(&server, &clerk, "/staff/intake?service=1", 200);
  static const char *const fields[] = {
      "<form method=\"post\" action=\"/staff/intake\"",
      "<input type=\"hidden\" name=\"service_id\" value=\"1\">",
      "<input type=\"hidden\" name=\"csrf\" value=\"",
      "name=\"applicant_name\"",
      "name=\"applicant_id\"",
      "name=\"applicant_phone\" type=\"tel\"",
      "name=\"applicant_email\" type=\"email\"",
      "<select class=\"govuk-select\" id=\"notify\" name=\"notify\">",
      "<option value=\"auto\" selected>", /* by the contact given, not "none" */
      "<select class=\"govuk-select\" id=\"lang\" name=\"lang\">",
      "<select class=\"govuk-select\" id=\"channel\" name=\"channel\">",
      "id=\"doc_0\" name=\"doc_0\" type=\"checkbox\" value=\"土地登記申請書\"",
      "<select class=\"govuk-select\" id=\"handler_id\" name=\"handler_id\">",
      "<option value=\"\">依單位輪流分派</option>",
      ">收件並列印收據</button>",
      ">已收到的文件</legend>",
  };
  for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++)
    expect_contains(body, fields[f]);
  /* the keyboard starts at the applicant's name (it started at the page's top, eight Tabs
   * away), and no ticket=0 rides along when the intake has no queue ticket */
  expect_contains(body, "name=\"applicant_name\" type=\"text\" value=\"\" autocomplete=\"off\" "
                        "autofocus>");
  expect_lacks(body, "name=\"ticket\"");
  free(body);
  /* a form refused: the focus is the error summary's, not taken by the name field */
  struct response refused;
  assert_int_equal(client_post(&clerk, "/staff/intake", "service_id=1&applicant_name=", &refused),
                   0);
  assert_int_equal(refused.status, 400);
  expect_lacks(refused.body, "autofocus");
  response_free(&refused);
  body = expect_page(&server, &clerk, "/staff/intake?service=1&lang=en", 200);
  expect_contains(body, "<h1 class=\"govuk-heading-xl\">Counter intake</h1>");
  expect_contains(body, "<strong>Transfer of ownership by sale</strong>");
  expect_contains(body, "value=\"Land registration application form\"");
  expect_contains(body, "Next handler of the unit (round robin)");
  free(body);
  back_to_chinese(&clerk);
}

/* Takes a case in with form; returns its id and fills token from the receipt's address. */
static long long take_in(const char *form, char *token, size_t token_size)
{
  long long id = harness_intake(&clerk, form, token, token_size);
  assert_int_equal(strlen(token), 43);
  return id;
}

static void test_intake_and_receipt(void **state)
{
  char form[512], token[64], path[160], qr[120], text[200];
  long long before = office_total();
  snprintf(form, sizeof(form),
           "service_id=1&applicant_name=%s&applicant_phone=0912345678&notify=sms&doc_0=%s&"
           "doc_2=x&handler_id=%lld",
           NAME, DOC_0, handler_id(HANDLER));
  long long id = take_in(form, token, sizeof(token));
  assert_int_equal(office_total(), before + 1);
  snprintf(qr, sizeof(qr), "/p/%s/qr.svg", token);

  snprintf(path, sizeof(path), "/staff/cases/%lld/receipt?t=%s", id, token);
  json_t *view = expect_view(&server, &clerk, path, 200);
  expect_text_at(view, "title", "收件收據");
  const char *key = json_text_at(view, "case.case_key");
  const char *check = json_text_at(view, "case.check_code");
  long long serial = (long long)json_integer_value(json_at(view, "case.serial"));
  assert_non_null(key);
  assert_non_null(check);
  snprintf(text, sizeof(text), "115-EB01-%06lld", serial);
  assert_string_equal(key, text);
  assert_int_equal(strlen(check), 6);
  assert_int_equal(strspn(check, "0123456789"), 6);
  snprintf(text, sizeof(text), "115年 新登字 第%06lld號", serial);
  expect_text_at(view, "case.number", text);
  expect_text_at(view, "case.status_label", "已收件");
  expect_text_at(view, "case.service_name", "買賣移轉登記");
  expect_text_at(view, "applicant_masked", "黃○同");
  expect_text_at(view, "case.received_text", "115年3月2日 09:00");
  expect_text_at(view, "case.due_text", "115年3月5日 09:00");
  expect_text_at(view, "case.handler_name", HANDLER);
  expect_text_at(view, "case.unit_name", "登記課");
  expect_text_at(view, "case.counter", "1-12");
  expect_text_at(view, "case.fee_text", SALE_FEE);
  expect_text_at(view, "case.channel", "counter");
  expect_text_at(view, "clerk_name", "收件櫃台人員（示範）"); /* the display name */
  expect_text_at(view, "qr_src", qr);
  expect_text_at(view, "token", token);
  json_t *docs = json_loads(json_text_at(view, "case.documents"), 0, NULL);
  expect_text_at(docs, "0", "土地登記申請書");
  expect_text_at(docs, "1", "x");
  assert_int_equal(json_array_size(docs), 2);
  json_decref(docs);
  char key_line[64], check_line[96];
  snprintf(key_line, sizeof(key_line), "<span class=\"bm-muted\">%s</span>", key);
  snprintf(check_line, sizeof(check_line), "<dd class=\"bm-facts__value bm-receipt__code\">%s</dd>",
           check);
  json_decref(view);

  char *body = expect_page(&server, &clerk, path, 200);
  snprintf(text, sizeof(text), "<img src=\"%s\"", qr);
  expect_contains(body, "<h1 class=\"govuk-heading-l bm-receipt__title\">收件收據</h1>");
  expect_contains(body, text);
  expect_contains(body, "用手機掃描 QR Code，隨時查詢辦理進度。");
  expect_contains(body, key_line);
  expect_contains(body, check_line);
  expect_contains(body, "<dd class=\"bm-facts__value\">黃○同</dd>");
  expect_contains(body, "<dd class=\"bm-facts__value\">" HANDLER "</dd>");
  expect_contains(body, "<dd class=\"bm-facts__value\">登記課 1-12</dd>");
  expect_contains(body, "<dd class=\"bm-facts__value\">115年3月5日 09:00</dd>");
  /* the legal time limit beside the date it gives */
  expect_contains(body, "<dt class=\"bm-facts__key\">處理期限</dt><dd class=\"bm-facts__value\">3 "
                        "個工作天</dd>");
  expect_contains(body, "<dd class=\"bm-facts__value\">" SALE_FEE "</dd>");
  expect_contains(body, "<dt class=\"bm-facts__key\">收件人員</dt><dd class=\"bm-facts__value\">"
                        "收件櫃台人員（示範）</dd>");
  snprintf(text, sizeof(text), "<a class=\"govuk-link\" href=\"/staff/cases/%lld\">回到案件</a>",
           id);
  expect_contains(body, text);
  expect_lacks(body, "黃大同");
  free(body);
  snprintf(path, sizeof(path), "/staff/cases/%lld/receipt?t=%s&lang=en", id, token);
  body = expect_page(&server, &clerk, path, 200);
  expect_contains(body, "bm-receipt__title\">Receipt</h1>");
  expect_contains(body, "<dd class=\"bm-facts__value\">5 Mar 2026 09:00</dd>");
  expect_contains(body,
                  "<dt class=\"bm-facts__key\">Time limit</dt><dd class=\"bm-facts__value\">3 "
                  "working days</dd>");
  expect_contains(body, "<dd class=\"bm-facts__value\">Registration Section 1-12</dd>");
  expect_contains(body, "Taken in by");
  free(body);
  back_to_chinese(&clerk);

  /* A reprint carries the same QR code (the link is derived again from the case). */
  snprintf(path, sizeof(path), "/staff/cases/%lld/receipt", id);
  body = expect_page(&server, &clerk, path, 200);
  snprintf(text, sizeof(text), "<img src=\"%s\"", qr);
  expect_contains(body, text);
  expect_lacks(body, "重新列印的收據不含 QR Code");
  expect_contains(body, check_line);
  free(body);
  view = expect_view(&server, &clerk, path, 200);
  expect_text_at(view, "qr_src", qr);
  expect_text_at(view, "token", token);
  json_decref(view);
  /* The "received" SMS names the case's link with the port the server listens on: it was
   * started on port 0 without [notify] public_url, so links name the listener. */
  snprintf(path, sizeof(path), "/staff/cases/%lld", id);
  view = expect_view(&server, &clerk, path, 200);
  snprintf(text, sizeof(text), "http://127.0.0.1:%d/p/%s", server.port, token);
  expect_contains(json_text_at(view, "messages.0.body_text"), text);
  json_decref(view);
  /* The receipt's QR link opens the case for the citizen. */
  snprintf(path, sizeof(path), "/p/%s", token);
  view = expect_view(&server, NULL, path, 200);
  expect_text_at(view, "case.applicant_name_masked", "黃○同");
  expect_text_at(view, "case.due_text", "115年3月5日 09:00");
  json_decref(view);
}

static void test_round_robin_names_a_handler(void **state)
{
  char form[256], token[64], path[160];
  snprintf(form, sizeof(form),
           "service_id=1&applicant_name=%s&applicant_phone=&notify=none&handler_id=", NAME);
  long long id = take_in(form, token, sizeof(token));
  snprintf(path, sizeof(path), "/staff/cases/%lld/receipt?t=%s", id, token);
  json_t *receipt = expect_view(&server, &clerk, path, 200);
  json_t *form_view = expect_view(&server, &clerk, "/staff/intake?service=1", 200);
  const char *name = json_text_at(receipt, "case.handler_name");
  assert_non_null(name);
  bool known = false;
  json_t *h;
  size_t i;
  json_array_foreach(json_at(form_view, "handlers"), i, h) known =
      known || strcmp(json_text_at(h, "name"), name) == 0;
  assert_true(known);
  json_decref(receipt);
  json_decref(form_view);
}

static const struct refusal {
  const char *form; /* after service_id=1& */
  const char *field;
  const char *zh;
  const char *en;
} refusals[] = {
    {"applicant_name=&notify=none", "applicant_name", "請輸入申請人姓名或名稱（最多 60 字）。",
     "Enter the applicant&#39;s name (at most 60 characters)."},
    {"applicant_name=A&applicant_phone=abc&notify=none", "applicant_phone", "電話號碼格式不正確。",
     "The phone number does not look right."},
    {"applicant_name=A&applicant_email=nope&notify=none", "applicant_email", "電子郵件格式不正確。",
     "The email address does not look right."},
    {"applicant_name=A&notify=sms", "notify",
     "選擇簡訊通知需填手機，選擇電子郵件通知需填電子郵件。",
     "SMS notices need a phone number, email notices an email address."},
    {"applicant_name=A&applicant_id=A123456788&notify=none", "applicant_id",
     "身分證統一編號或統一編號不正確，請再核對。",
     "The ID or business number is not valid: check it again."},
    {"applicant_name=A&notify=pigeon", "notify", "請選擇通知方式。", "Choose how to send notices."},
    {"applicant_name=A&notify=none&channel=fax", "channel", "請選擇收件方式。",
     "Choose how the application arrived."},
    {"applicant_name=A&notify=none&handler_id=999999", "handler_id", "請選擇本機關的承辦人。",
     "Choose a handler of this office."},
};

static void check_refusal(const struct refusal *x, bool en)
{
  static const char *const accept[] = {"Accept: application/json", NULL};
  char form[512];
  struct response r;
  snprintf(form, sizeof(form), "service_id=1&%s", x->form);
  post_intake(&clerk, form, &r);
  if (r.status != 400)
    fail_msg("%s: %ld, expected 400", x->form, r.status);
  expect_contains(r.body, "govuk-error-summary");
  expect_contains(r.body, en ? x->en : x->zh);
  expect_contains(r.body, "<input type=\"hidden\" name=\"service_id\" value=\"1\">");
  response_free(&r);
  /* The same as JSON: the field, the message, and what was typed. */
  snprintf(form, sizeof(form), "service_id=1&%s&csrf=%s", x->form, clerk.csrf);
  assert_int_equal(client_call(&clerk, "POST", "/staff/intake", accept, form, strlen(form), &r), 0);
  assert_int_equal(r.status, 400);
  json_t *view = response_json(&r);
  response_free(&r);
  expect_text_at(view, "errors.0.field", x->field);
  if (!en)
    expect_text_at(view, "errors.0.message", x->zh);
  expect_text_at(view, "values.applicant_name", strstr(x->form, "applicant_name=A") ? "A" : "");
  json_decref(view);
}

static void test_refusals_take_nothing_in(void **state)
{
  long long before = office_total();
  for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++)
    check_refusal(&refusals[i], false);
  /* In English: ?lang=en is remembered (a cookie) for the posts that follow. */
  struct response r;
  assert_int_equal(client_get(&clerk, "/staff/intake?service=1&lang=en", &r), 0);
  response_free(&r);
  for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++)
    check_refusal(&refusals[i], true);
  back_to_chinese(&clerk);
  /* What was typed is kept in the form. */
  post_intake(&clerk, "service_id=1&applicant_name=A&applicant_phone=abc&notify=none", &r);
  expect_contains(r.body, "id=\"applicant_phone\" name=\"applicant_phone\" type=\"tel\" "
                          "value=\"abc\"");
  response_free(&r);
  /* and so are the choices: the handler, the notices' language, how it arrived (they went back
   * to the round robin, 中文 and 臨櫃辦理, to be taken in so unless noticed) */
  char form[256], chosen[64];
  long long handler = handler_id(HANDLER);
  snprintf(form, sizeof(form),
           "service_id=1&applicant_name=A&applicant_id=A123456788&notify=none&lang=en&"
           "channel=mail&handler_id=%lld",
           handler);
  post_intake(&clerk, form, &r);
  assert_int_equal(r.status, 400);
  snprintf(chosen, sizeof(chosen), "<option value=\"%lld\" selected>", handler);
  expect_contains(r.body, chosen);
  expect_contains(r.body, "<option value=\"en\" selected>English</option>");
  expect_contains(r.body, "<option value=\"mail\" selected>");
  response_free(&r);
  assert_int_equal(office_total(), before);
}

static void test_who_may_take_in(void **state)
{
  struct response r;
  long long before = office_total();
  /* Without the form's CSRF token: refused. */
  const char *form = "service_id=1&applicant_name=A&notify=none";
  assert_int_equal(client_call(&clerk, "POST", "/staff/intake", NULL, form, strlen(form), &r), 0);
  assert_int_equal(r.status, 403);
  response_free(&r);
  /* Not signed in: sent to sign in. */
  assert_int_equal(http_get(&server, "/staff/intake", &r), 0);
  assert_int_equal(r.status, 303);
  char *location = response_header(&r, "Location");
  assert_non_null(location);
  expect_contains(location, "/staff/login");
  free(location);
  response_free(&r);
  /* An analyst takes nothing in. */
  struct client analyst;
  client_init(&analyst, &server);
  assert_int_equal(client_login(&analyst, "xinxing-analyst", PASSWORD), 303);
  assert_int_equal(client_get(&analyst, "/staff/intake?service=1", &r), 0);
  assert_int_equal(r.status, 403);
  response_free(&r);
  client_free(&analyst);
  /* Another office's clerk cannot take in this office's service, nor read its receipts. */
  struct client other;
  client_init(&other, &server);
  assert_int_equal(client_login(&other, "hsinchu-clerk", PASSWORD), 303);
  post_intake(&other, "service_id=1&applicant_name=A&notify=none", &r);
  assert_int_equal(r.status, 400);
  expect_contains(r.body, "請選擇本機關已公布的申辦項目。");
  response_free(&r);
  char token[64], path[96];
  char good[160];
  snprintf(good, sizeof(good), "service_id=1&applicant_name=%s&notify=none", NAME);
  long long id = take_in(good, token, sizeof(token));
  snprintf(path, sizeof(path), "/staff/cases/%lld/receipt", id);
  assert_int_equal(client_get(&other, path, &r), 0);
  assert_int_equal(r.status, 404);
  expect_lacks(r.body, "黃○同");
  response_free(&r);
  client_free(&other);
  assert_int_equal(office_total(), before + 1);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_form_before_and_after_choosing),
      cmocka_unit_test(test_intake_and_receipt),
      cmocka_unit_test(test_round_robin_names_a_handler),
      cmocka_unit_test(test_refusals_take_nothing_in),
      cmocka_unit_test(test_who_may_take_in),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
