/*
 * receipts_test.c - what a citizen takes home and types back in (issue 16): the printed receipt
 * names the office (name, address, phone, web address) and carries the number, the check code
 * and the QR code of a working link, also when reprinted, with the clerk's name and print
 * margins; the number as printed is accepted by the lookup in ten spellings; ID numbers are
 * normalised and stored in one form (old-format resident certificates too); links come from
 * [notify] public_url and never from the Host header; and the server refuses to serve a
 * non-local address without public_url.
 *
 * The server's clock is fixed (BIANMIN_FAKE_NOW) at Monday 2 March 2026, 09:00 in Taipei.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "harness.h"

#define PASSWORD   "bianmin-demo-2026"
#define NOW        "1772413200" /* 2026-03-02T01:00:00Z = 09:00 in Taipei, a working Monday */
#define NAME       "%E9%BB%83%E5%A4%A7%E5%90%8C" /* 黃大同 */
#define PUBLIC_URL "https://xinxing.example.gov.tw"
#define OFFICE     "高雄市政府地政局新興地政事務所"
#define CLERK      "收件櫃台人員（示範）" /* xinxing-clerk's display name */

static struct server server;
static struct client clerk;
static const char *const server_env[] = {"BIANMIN_FAKE_NOW=" NOW, "BIANMIN_RATE_LOGIN=100000",
                                         "BIANMIN_RATE_LOOKUP=100000",
                                         "BIANMIN_PUBLIC_URL=" PUBLIC_URL, NULL};

/* Takes a sale transfer in with the extra form fields (urlencoded, may be ""). */
static void take_in(const char *extra, struct taken_case *out)
{
  char form[512];
  snprintf(form, sizeof(form),
           "service_id=1&applicant_name=%s&applicant_phone=0912345678&notify=sms&doc_0=x%s", NAME,
           extra);
  harness_take_in(&clerk, form, out);
}

static int setup(void **state)
{
  if (server_start(&server, server_env))
    return -1;
  client_init(&clerk, &server);
  return client_login(&clerk, "xinxing-clerk", PASSWORD) == 303 ? 0 : -1;
}

static int teardown(void **state)
{
  client_free(&clerk);
  return server_stop(&server) == 0 ? 0 : -1;
}

/* What every printed receipt of t must carry: the office, the number, the check code, the
 * QR code and the link behind it. */
static void expect_receipt(const char *body, const struct taken_case *t)
{
  char text[256];
  expect_contains(body, OFFICE);
  expect_contains(body, "800高雄市新興區中正三路55號");
  expect_contains(body, "07-2358200");
  expect_contains(body, PUBLIC_URL "/o/xinxing/");
  snprintf(text, sizeof(text), "115年 新登字 第%06lld號", t->serial);
  expect_contains(body, text);
  expect_contains(body, t->check);
  snprintf(text, sizeof(text), "<img src=\"/p/%s/qr.svg\"", t->token);
  expect_contains(body, text);
  snprintf(text, sizeof(text), PUBLIC_URL "/p/%s", t->token);
  expect_contains(body, text);
  expect_contains(body, "<dd class=\"bm-facts__value\">115年3月5日 09:00</dd>"); /* 預計完成 */
  expect_contains(body, CLERK);
  expect_lacks(body, ">xinxing-clerk<");
}

/* The stylesheet a page links to. */
static char *stylesheet_of(const char *body)
{
  const char *at = strstr(body, "<link rel=\"stylesheet\" href=\"");
  assert_non_null(at);
  at += strlen("<link rel=\"stylesheet\" href=\"");
  char path[256];
  snprintf(path, sizeof(path), "%.*s", (int)strcspn(at, "\""), at);
  return expect_page(&server, NULL, path, 200);
}

static void test_receipt_names_office_and_reprints_qr(void **state)
{
  struct taken_case t;
  char path[160];
  take_in("", &t);
  snprintf(path, sizeof(path), "/staff/cases/%lld/receipt?t=%s", t.id, t.token);
  char *body = expect_page(&server, &clerk, path, 200);
  expect_receipt(body, &t);
  char *css = stylesheet_of(body);
  expect_contains(css, "@page");
  expect_contains(css, "margin:15mm");
  free(css);
  free(body);
  /* A reprint (no token in the address) carries the same QR code and link. */
  snprintf(path, sizeof(path), "/staff/cases/%lld/receipt", t.id);
  body = expect_page(&server, &clerk, path, 200);
  expect_receipt(body, &t);
  free(body);
  json_t *view = expect_view(&server, &clerk, path, 200);
  expect_text_at(view, "clerk_name", CLERK);
  expect_text_at(view, "office.phone", "07-2358200");
  json_decref(view);
  /* The link works: the citizen's page of the case. */
  snprintf(path, sizeof(path), "/p/%s", t.token);
  view = expect_view(&server, NULL, path, 200);
  expect_text_at(view, "case.case_key", t.key);
  json_decref(view);
  snprintf(path, sizeof(path), "/p/%s/qr.svg", t.token);
  free(expect_page(&server, NULL, path, 200));
}

/* The percent-encoded form of text into out. */
static void urlencode(const char *text, char *out, size_t size)
{
  static const char hex[] = "0123456789ABCDEF";
  size_t o = 0;
  for (const unsigned char *p = (const unsigned char *)text; *p && o + 4 < size; p++) {
    if ((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
        *p == '-') {
      out[o++] = (char)*p;
    } else {
      out[o++] = '%';
      out[o++] = hex[*p >> 4];
      out[o++] = hex[*p & 15];
    }
  }
  out[o] = '\0';
}

/* serial in full-width digits (U+FF10..U+FF19), zero-padded to width. */
static void full_width(long long serial, int width, char *out, size_t size)
{
  char digits[16];
  snprintf(digits, sizeof(digits), "%0*lld", width, serial);
  size_t o = 0;
  for (const char *d = digits; *d && o + 4 < size; d++) {
    out[o++] = (char)0xEF;
    out[o++] = (char)0xBC;
    out[o++] = (char)(0x90 + (*d - '0'));
  }
  out[o] = '\0';
}

static void test_number_as_printed(void **state)
{
  struct taken_case t;
  char spellings[10][128], wide[64], encoded[512], check[64], path[768];
  take_in("", &t);
  long long s = t.serial;
  full_width(s, 6, wide, sizeof(wide));
  snprintf(spellings[0], 128, "115年 新登字 第%06lld號", s); /* as printed */
  snprintf(spellings[1], 128, "115新登字%lld號", s);
  snprintf(spellings[2], 128, "115年新登字第%06lld號", s);
  snprintf(spellings[3], 128, "１１５年　新登字　第%s號", wide); /* full-width */
  snprintf(spellings[4], 128, "  115 年 新登 字 第 %lld 號 ", s);
  snprintf(spellings[5], 128, "115 EB01 No. %06lld", s); /* as printed in English */
  snprintf(spellings[6], 128, "%s", t.key);              /* the short key */
  snprintf(spellings[7], 128, "115 eb01 %lld", s);
  snprintf(spellings[8], 128, "115-ＥＢ０１-%s", wide);
  snprintf(spellings[9], 128, "115新登%lld", s);
  urlencode(t.check, check, sizeof(check));
  for (int i = 0; i < 10; i++) {
    long status = 0;
    urlencode(spellings[i], encoded, sizeof(encoded));
    snprintf(path, sizeof(path), "/o/xinxing/progress?number=%s&check=%s", encoded, check);
    json_t *view = get_json_view(&server, NULL, path, &status);
    if (status != 200)
      fail_msg("\"%s\" answered %ld", spellings[i], status);
    expect_text_at(view, "case.case_key", t.key);
    json_decref(view);
  }
  /* The staff work list's search takes the number as printed too. */
  urlencode(spellings[0], encoded, sizeof(encoded));
  snprintf(path, sizeof(path), "/staff/cases?scope=office&q=%s", encoded);
  json_t *list = expect_view(&server, &clerk, path, 200);
  assert_int_equal(json_integer_value(json_at(list, "total")), 1);
  expect_text_at(list, "rows.0.key", t.key);
  json_decref(list);
  /* Another office's word is not this office's number. */
  urlencode("115年 竹登字 第000001號", encoded, sizeof(encoded));
  snprintf(path, sizeof(path), "/o/xinxing/progress?number=%s&check=%s", encoded, check);
  free(expect_page(&server, NULL, path, 404));
}

/* The ID as stored, read back on the staff case page. */
static void expect_stored_id(const char *typed, const char *stored)
{
  struct taken_case t;
  char extra[160], encoded[128];
  urlencode(typed, encoded, sizeof(encoded));
  snprintf(extra, sizeof(extra), "&applicant_id=%s", encoded);
  take_in(extra, &t);
  snprintf(extra, sizeof(extra), "/staff/cases/%lld", t.id);
  json_t *view = expect_view(&server, &clerk, extra, 200);
  expect_text_at(view, "case.applicant.id", stored);
  json_decref(view);
}

static void test_id_numbers_normalised(void **state)
{
  expect_stored_id("a123456789", "A123456789");
  expect_stored_id(" A123 456 789 ", "A123456789");
  expect_stored_id("ａ１２３４５６７８９", "A123456789"); /* full-width */
  expect_stored_id("FA12345689", "FA12345689");           /* old-format resident certificate */
  expect_stored_id("fa 1234 5689", "FA12345689");
  expect_stored_id("A800000014", "A800000014");     /* new-format resident certificate */
  expect_stored_id("０４５９５２５７", "04595257"); /* a business number */
  /* A wrong check digit is still refused, in either format. */
  struct response r;
  char form[256];
  snprintf(form, sizeof(form),
           "service_id=1&applicant_name=%s&applicant_id=FA12345680&notify=none&doc_0=x", NAME);
  assert_int_equal(client_post(&clerk, "/staff/intake", form, &r), 0);
  assert_int_equal(r.status, 400);
  response_free(&r);
}

/* Links never come from the Host header once public_url is set: the office's web address
 * (printed on receipts) and the QR code's link, asked for with a proxy's internal Host. */
static void test_links_ignore_host_header(void **state)
{
  static const char *const headers[] = {"Accept: application/json", "Host: intranet.internal:8080",
                                        NULL};
  struct response r;
  assert_int_equal(http_call(&server, "GET", "/o/xinxing/progress", headers, NULL, 0, &r), 0);
  assert_int_equal(r.status, 200);
  expect_lacks(r.body, "intranet.internal");
  json_t *view = response_json(&r);
  response_free(&r);
  expect_text_at(view, "office.web", PUBLIC_URL "/o/xinxing/");
  json_decref(view);
  struct taken_case t;
  char path[160];
  take_in("", &t);
  snprintf(path, sizeof(path), "/staff/cases/%lld/receipt", t.id);
  view = expect_view(&server, &clerk, path, 200);
  snprintf(path, sizeof(path), PUBLIC_URL "/p/%s", t.token);
  expect_text_at(view, "link", path);
  json_decref(view);
}

/* The progress page shows when the appointment is (鑑界: date and time), not only where. */
static void test_progress_shows_appointment_time(void **state)
{
  struct taken_case t;
  struct client supervisor;
  struct response r;
  char path[160];
  take_in("", &t);
  client_init(&supervisor, &server);
  assert_int_equal(client_login(&supervisor, "xinxing-supervisor", PASSWORD), 303);
  snprintf(path, sizeof(path), "/staff/cases/%lld", t.id);
  assert_int_equal(client_get(&supervisor, path, &r), 0); /* the CSRF token */
  response_free(&r);
  snprintf(path, sizeof(path), "/staff/cases/%lld/appointment", t.id);
  assert_int_equal(
      client_post(&supervisor, path,
                  "date=2026-03-24&time=09:30&place=%E5%8C%97%E5%81%B4%E7%95%8C%E6%A8%81", &r),
      0);
  assert_int_equal(r.status, 303);
  response_free(&r);
  snprintf(path, sizeof(path), "/o/xinxing/progress?number=%s&check=%s", t.key, t.check);
  json_t *view = expect_view(&server, NULL, path, 200);
  expect_text_at(view, "case.appointment.when", "115年3月24日 09:30");
  expect_text_at(view, "case.appointment.place", "北側界樁");
  json_decref(view);
  char *body = expect_page(&server, NULL, path, 200);
  expect_contains(body, "<span class=\"bm-appointment__when\">115年3月24日 09:30</span>");
  expect_contains(body, "<strong>排定辦理日期</strong> 115年3月24日 09:30"); /* the timeline */
  expect_contains(body, "北側界樁");
  free(body);
  snprintf(path, sizeof(path), "/o/xinxing/progress?number=%s&check=%s&lang=en", t.key, t.check);
  view = expect_view(&server, NULL, path, 200);
  expect_text_at(view, "case.appointment.when", "24 Mar 2026 09:30");
  json_decref(view);
  client_free(&supervisor);
}

/* The counter's notice choice is what a clerk expects, not "none": by the contact given. */
static void test_notice_choice_defaults_to_contact(void **state)
{
  char *body = expect_page(&server, &clerk, "/staff/intake?service=1", 200);
  expect_contains(body, "<option value=\"auto\" selected>");
  expect_lacks(body, "<option value=\"none\" selected>");
  free(body);
  static const struct {
    const char *contact, *notify;
  } cases[] = {
      {"&applicant_phone=0912345678&applicant_email=a%40example.com&notify=auto", "sms"},
      {"&applicant_phone=&applicant_email=a%40example.com&notify=auto", "email"},
      {"&applicant_phone=&applicant_email=&notify=auto", "none"},
      {"&applicant_phone=0912345678&notify=none", "none"}, /* a clerk's choice is kept */
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    struct response r;
    char form[512], path[64];
    snprintf(form, sizeof(form), "service_id=1&applicant_name=%s&doc_0=x%s", NAME,
             cases[i].contact);
    assert_int_equal(client_post(&clerk, "/staff/intake", form, &r), 0);
    assert_int_equal(r.status, 303);
    char *location = response_header(&r, "Location");
    response_free(&r);
    snprintf(path, sizeof(path), "/staff/cases/%lld", strtoll(location + 13, NULL, 10));
    free(location);
    json_t *view = expect_view(&server, &clerk, path, 200);
    expect_text_at(view, "case.notify", cases[i].notify);
    json_decref(view);
  }
}

/* Restarts the server on other addresses (the tests after it run on the real clock). */
static void test_refuses_public_listener_without_public_url(void **state)
{
  static const char *const no_url[] = {"BIANMIN_FAKE_NOW=" NOW, NULL};
  assert_int_equal(server_restart_on(&server, "0.0.0.0:0", no_url), -1);
  FILE *f = fopen(server.log, "r");
  assert_non_null(f);
  char line[1024];
  size_t seen = 0;
  while (fgets(line, sizeof(line), f))
    seen += strstr(line, "needs [notify] public_url") != NULL;
  fclose(f);
  assert_true(seen > 0);
  /* loopback without it still serves (the demo and the tests) */
  static const char *const real_clock[] = {"BIANMIN_RATE_LOGIN=100000", NULL};
  assert_int_equal(server_restart_on(&server, "127.0.0.1:0", real_clock), 0);
}

/* Staff pages in Chinese show roles in Chinese and audit times in Taipei with ROC dates. After
 * the restart (no fake clock: TOTP sign-in needs the real time). */
static void test_staff_pages_in_chinese(void **state)
{
  struct client admin;
  char secret[64] = ""; /* enrols a new TOTP secret */
  harness_add_user(&server, "xinxing", "rcpt-admin", "admin", "harbour-lantern-7-tide");
  client_init(&admin, &server);
  assert_int_equal(
      client_login_totp(&admin, "rcpt-admin", "harbour-lantern-7-tide", secret, sizeof(secret)), 0);
  char *body = expect_page(&server, &admin, "/staff/admin/users", 200);
  expect_contains(body, ">收件人員</td>");
  expect_lacks(body, ">clerk</td>");
  expect_lacks(body, ">handler,supervisor</td>");
  free(body);
  /* the sign-in just audited, at the real time (TOTP needs it): Taipei's day, as ROC */
  time_t now = time(NULL) + 8 * 3600;
  struct tm taipei;
  gmtime_r(&now, &taipei);
  char roc[16];
  snprintf(roc, sizeof(roc), "%d年", taipei.tm_year + 1900 - 1911);
  json_t *view = expect_view(&server, &admin, "/staff/admin/audit", 200);
  const char *at = json_text_at(view, "rows.0.at_text");
  assert_non_null(at);
  expect_contains(at, roc);
  expect_lacks(at, "Z");
  json_decref(view);
  body = expect_page(&server, &admin, "/staff/admin/audit", 200);
  expect_contains(body, roc);
  expect_lacks(body, "Z</td>");
  free(body);
  client_free(&admin);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_receipt_names_office_and_reprints_qr),
      cmocka_unit_test(test_number_as_printed),
      cmocka_unit_test(test_id_numbers_normalised),
      cmocka_unit_test(test_links_ignore_host_header),
      cmocka_unit_test(test_progress_shows_appointment_time),
      cmocka_unit_test(test_notice_choice_defaults_to_contact),
      cmocka_unit_test(test_refuses_public_listener_without_public_url),
      cmocka_unit_test(test_staff_pages_in_chinese),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
