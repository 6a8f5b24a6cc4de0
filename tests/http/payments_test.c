/*
 * payments_test.c - paying a fee online through the sandbox, over HTTP: staff set the amount
 * due, the citizen starts a payment from /p/{token} (303 to the sandbox), pays there, the
 * sandbox calls back server to server and the browser comes back to a page that says "paid";
 * the receipt. Forged callbacks (bad signature, changed amount, unknown order) are refused with
 * 4xx and change nothing; a repeated callback records one payment; a declined payment can be
 * tried again; a payment left alone expires (the test moves the harness's fake clock past the
 * expiry instead of waiting for it). The test signs its own callbacks with the sandbox's domain
 * functions under the same configured secret as the server.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "domain/payment.h"
#include "harness.h"

#define PASSWORD "bianmin-demo-2026"
#define SECRET   "payments-test-sandbox-secret"
enum { EXPIRY_SECONDS = 1800 };

static struct server server;
static const char *accept_json[] = {"Accept: application/json", NULL};
static const char *form_headers[] = {"Content-Type: application/x-www-form-urlencoded", NULL};

static int setup(void **state)
{
  const char *env[] = {
      "BIANMIN_RATE_LOGIN=100000",           "BIANMIN_RATE_LOOKUP=100000",
      "BIANMIN_PAYMENT_PROVIDER=sandbox",    "BIANMIN_PAYMENT_SANDBOX_SECRET=" SECRET,
      "BIANMIN_PAYMENT_EXPIRY_SECONDS=1800", NULL};
  /* This process signs callbacks as the sandbox does, with the key the server derives. */
  struct payment_settings s = {.provider = "sandbox", .expiry_seconds = EXPIRY_SECONDS};
  crypto_generichash(s.sandbox_secret, sizeof(s.sandbox_secret), (const unsigned char *)SECRET,
                     strlen(SECRET), NULL, 0);
  if (payment_configure(&s))
    return -1;
  if (harness_clock_start(time(NULL)))
    return -1;
  return server_start(&server, env);
}

static int teardown(void **state)
{
  return server_stop(&server) == 0 ? 0 : -1;
}

/* A counter case taken in by the clerk: its id, and its QR token from the receipt link. */
static long long take_in(struct client *c, char *token, size_t token_size)
{
  struct response r;
  if (client_get(c, "/staff/intake?service=1", &r))
    return 0;
  response_free(&r);
  const char *form = "service_id=1&applicant_name=%E7%8E%8B%E5%B0%8F%E6%98%8E&applicant_phone="
                     "0912345678&notify=none&doc_0=x";
  if (client_post(c, "/staff/intake", form, &r) || r.status != 303) {
    response_free(&r);
    return 0;
  }
  char *location = response_header(&r, "Location");
  long long id = location ? strtoll(location + strlen("/staff/cases/"), NULL, 10) : 0;
  const char *t = location ? strstr(location, "?t=") : NULL;
  snprintf(token, token_size, "%s", t ? t + 3 : "");
  free(location);
  response_free(&r);
  return id;
}

static long set_fee(struct client *clerk, long long id, const char *amount)
{
  char path[64], form[64];
  struct response r;
  assert_int_equal(client_get(clerk, "/staff/intake", &r), 0); /* a fresh CSRF token */
  response_free(&r);
  snprintf(path, sizeof(path), "/staff/cases/%lld/fee", id);
  snprintf(form, sizeof(form), "amount=%s", amount);
  assert_int_equal(client_post(clerk, path, form, &r), 0);
  long status = r.status;
  response_free(&r);
  return status;
}

/* A clerk, a new case with a fee of amount due, and its token. */
static long long case_with_fee(const char *amount, char *token, size_t token_size)
{
  struct client clerk;
  client_init(&clerk, &server);
  assert_int_equal(client_login(&clerk, "xinxing-clerk", PASSWORD), 303);
  long long id = take_in(&clerk, token, token_size);
  assert_true(id > 0);
  assert_int_equal(strlen(token), 43);
  assert_int_equal(set_fee(&clerk, id, amount), 303);
  client_free(&clerk);
  return id;
}

/* The "payment" block of the public progress page, as JSON (new reference). */
static json_t *progress_payment(const char *token)
{
  char path[96];
  struct response r;
  snprintf(path, sizeof(path), "/p/%s", token);
  assert_int_equal(http_call(&server, "GET", path, accept_json, NULL, 0, &r), 0);
  assert_int_equal(r.status, 200);
  json_t *view = response_json(&r);
  response_free(&r);
  json_t *p = json_incref(json_object_get(json_object_get(view, "case"), "payment"));
  json_decref(view);
  assert_non_null(p);
  return p;
}

/* Opens /p/{token} as a citizen and presses "Pay online"; the sandbox URL (malloc'd). */
static char *start_payment(struct client *citizen, const char *token)
{
  char path[96];
  struct response r;
  snprintf(path, sizeof(path), "/p/%s", token);
  assert_int_equal(client_get(citizen, path, &r), 0);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(r.body, "/pay\""));
  response_free(&r);
  snprintf(path, sizeof(path), "/p/%s/pay", token);
  assert_int_equal(client_post(citizen, path, "", &r), 0);
  assert_int_equal(r.status, 303);
  char *location = response_header(&r, "Location");
  response_free(&r);
  assert_non_null(location);
  assert_memory_equal(location, "/sandbox/pay?", 13);
  return location;
}

/* On the sandbox page, chooses outcome; returns the path of the return page (malloc'd). */
static char *sandbox_choose(struct client *citizen, const char *sandbox_url, const char *outcome,
                            long want_status)
{
  struct response r;
  char form[4096];
  assert_int_equal(client_get(citizen, sandbox_url, &r), 0);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(r.body, "SANDBOX — no real money"));
  assert_non_null(strstr(r.body, "測試環境——不會收取真實款項"));
  response_free(&r);
  snprintf(form, sizeof(form), "%s&outcome=%s", strchr(sandbox_url, '?') + 1, outcome);
  assert_int_equal(client_post(citizen, "/sandbox/pay", form, &r), 0);
  assert_int_equal(r.status, want_status);
  char *location = response_header(&r, "Location");
  response_free(&r);
  if (want_status != 303)
    return NULL;
  assert_non_null(location);
  char *path = strstr(location, "/p/"); /* an absolute URL back to this server */
  assert_non_null(path);
  char *out = strdup(path);
  free(location);
  return out;
}

/* The payment on the return page, as JSON (new reference). */
static json_t *return_payment(const char *path)
{
  struct response r;
  assert_int_equal(http_call(&server, "GET", path, accept_json, NULL, 0, &r), 0);
  assert_int_equal(r.status, 200);
  json_t *view = response_json(&r);
  response_free(&r);
  json_t *p = json_incref(json_object_get(view, "payment"));
  json_decref(view);
  return p;
}

static const char *str(json_t *o, const char *k)
{
  const char *s = json_string_value(json_object_get(o, k));
  return s ? s : "";
}

/* How many public timeline events of kind the progress page lists. */
static int events_of(const char *token, const char *what)
{
  char path[96];
  struct response r;
  snprintf(path, sizeof(path), "/p/%s?lang=en", token);
  assert_int_equal(http_call(&server, "GET", path, accept_json, NULL, 0, &r), 0);
  int n = 0;
  for (const char *p = r.body; (p = strstr(p, what)) != NULL; p++)
    n++;
  response_free(&r);
  return n;
}

/* How many "note" members anywhere in v equal want. */
static int notes_equal(json_t *v, const char *want)
{
  int n = 0;
  const char *key;
  json_t *x;
  size_t i;
  if (json_is_object(v))
    json_object_foreach(v, key, x) n +=
        !strcmp(key, "note") && json_is_string(x) && !strcmp(json_string_value(x), want)
            ? 1
            : notes_equal(x, want);
  else if (json_is_array(v))
    json_array_foreach(v, i, x) n += notes_equal(x, want);
  return n;
}

/* The fee's and the payment's timeline notes on the progress page's JSON: the domain records
 * the amount, the page puts it in words. */
static void expect_fee_notes(const char *token, const char *order)
{
  char path[96], paid[64];
  struct response r;
  snprintf(path, sizeof(path), "/p/%s?lang=en", token);
  assert_int_equal(http_call(&server, "GET", path, accept_json, NULL, 0, &r), 0);
  json_t *v = response_json(&r);
  response_free(&r);
  snprintf(paid, sizeof(paid), "NT$40 · %s", order);
  assert_true(notes_equal(v, "NT$40") >= 1); /* the fee set */
  assert_true(notes_equal(v, paid) >= 1);    /* the payment made */
  json_decref(v);
}

static void test_pay_through_the_sandbox(void **state)
{
  char token[64], *url, *back, path[128];
  struct response r;
  case_with_fee("40", token, sizeof(token));
  json_t *p = progress_payment(token);
  assert_true(json_is_true(json_object_get(p, "payable")));
  assert_string_equal(str(p, "outstanding_text"), "NT$40");
  json_decref(p);

  struct client citizen;
  client_init(&citizen, &server);
  url = start_payment(&citizen, token);
  /* pressing the button again gives the same order, not a second payment */
  char *again = start_payment(&citizen, token);
  assert_string_equal(url, again);
  free(again);
  back = sandbox_choose(&citizen, url, "pay", 303);
  free(url);
  p = return_payment(back);
  assert_string_equal(str(p, "status"), "paid");
  assert_string_equal(str(p, "amount_text"), "NT$40");
  char order[32];
  snprintf(order, sizeof(order), "%s", str(p, "order_no"));
  assert_int_equal(strlen(order), 20);
  json_decref(p);
  assert_int_equal(client_get(&citizen, back, &r), 0);
  assert_non_null(strstr(r.body, "繳費完成"));
  response_free(&r);
  free(back);

  p = progress_payment(token);
  assert_false(json_is_true(json_object_get(p, "payable")));
  assert_true(json_is_true(json_object_get(p, "settled")));
  assert_int_equal(json_array_size(json_object_get(p, "paid_payments")), 1);
  json_decref(p);
  assert_int_equal(events_of(token, "Paid online (amount"), 1);
  expect_fee_notes(token, order);

  snprintf(path, sizeof(path), "/p/%s/receipt?lang=en", token);
  assert_int_equal(client_get(&citizen, path, &r), 0);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(r.body, order));
  assert_non_null(strstr(r.body, "NT$40"));
  assert_non_null(strstr(r.body, "Receipt of payment"));
  assert_non_null(strstr(r.body, "SBX"));
  /* it names the office with its address, phone and web address, and the way back */
  assert_non_null(strstr(r.body, "Xinxing Land Office"));
  assert_non_null(strstr(r.body, "07-2358200"));
  assert_non_null(strstr(r.body, "/o/xinxing/</span>"));
  snprintf(path, sizeof(path), "/p/%s</p>", token);
  assert_non_null(strstr(r.body, path));
  response_free(&r);
  client_free(&citizen);
}

/* The progress page found by number and check code (read off the staff case page), as HTML
 * (malloc'd); with json, the "payment" block of its JSON view instead (as text). */
static char *lookup_page(long long id, const char *lang, bool json)
{
  struct client clerk;
  struct response r;
  char path[256];
  client_init(&clerk, &server);
  assert_int_equal(client_login(&clerk, "xinxing-clerk", PASSWORD), 303);
  snprintf(path, sizeof(path), "/staff/cases/%lld", id);
  assert_int_equal(client_call(&clerk, "GET", path, accept_json, NULL, 0, &r), 0);
  json_t *v = response_json(&r);
  response_free(&r);
  client_free(&clerk);
  json_t *c = json_object_get(v, "case");
  snprintf(path, sizeof(path), "/o/xinxing/progress?number=%s&check=%s&lang=%s", str(c, "case_key"),
           str(c, "check_code"), lang);
  json_decref(v);
  assert_int_equal(http_call(&server, "GET", path, json ? accept_json : NULL, NULL, 0, &r), 0);
  assert_int_equal(r.status, 200);
  char *out = strdup(r.body);
  if (json) {
    json_t *page = response_json(&r);
    free(out);
    out = json_dumps(json_object_get(json_object_get(page, "case"), "payment"), JSON_COMPACT);
    json_decref(page);
  }
  response_free(&r);
  assert_non_null(out);
  return out;
}

static void test_lookup_by_number_shows_the_fee(void **state)
{
  char token[64], *url, *back;
  long long id = case_with_fee("40", token, sizeof(token));
  /* owed: the amount and where to pay, but no pay form and no token anywhere */
  char *body = lookup_page(id, "zh-TW", false);
  assert_non_null(strstr(body, "id=\"fee-pay-elsewhere\""));
  assert_non_null(strstr(body, "NT$40"));
  assert_non_null(strstr(body, "收據或通知訊息中的連結"));
  assert_null(strstr(body, "/pay\""));
  assert_null(strstr(body, token));
  free(body);
  body = lookup_page(id, "en", false);
  assert_non_null(strstr(body, "open the link in your receipt"));
  free(body);
  body = lookup_page(id, "en", true);
  assert_non_null(strstr(body, "\"pay_elsewhere\":true"));
  assert_non_null(strstr(body, "\"payable\":false"));
  assert_null(strstr(body, "pay_action"));
  assert_null(strstr(body, "receipt_href"));
  free(body);
  /* paid through the token's page: the lookup shows the amount and the date, no receipt link */
  struct client citizen;
  client_init(&citizen, &server);
  url = start_payment(&citizen, token);
  back = sandbox_choose(&citizen, url, "pay", 303);
  free(url);
  free(back);
  client_free(&citizen);
  body = lookup_page(id, "en", false);
  assert_null(strstr(body, "fee-pay-elsewhere"));
  assert_non_null(strstr(body, "The fee has been paid in full."));
  char *paid = strstr(body, "Paid NT$40 · Paid on ");
  assert_non_null(paid);
  assert_true(paid[strlen("Paid NT$40 · Paid on ")] != '<'); /* a date follows */
  assert_null(strstr(body, "/receipt"));
  assert_null(strstr(body, token));
  free(body);
}

/* POSTs a callback whose fields are those of cb (with one changed when name is set). */
static long post_callback(struct sandbox_callback *cb, const char *name, const char *value)
{
  char body[2048] = "";
  size_t n = 0;
  for (size_t i = 0; i < cb->count; i++) {
    const char *v = name && !strcmp(cb->fields[i].name, name) ? value : cb->fields[i].value;
    n += (size_t)snprintf(body + n, sizeof(body) - n, "%s%s=%s", i ? "&" : "", cb->fields[i].name,
                          v);
  }
  struct response r;
  assert_int_equal(http_call(&server, "POST", "/payments/callback/sandbox", form_headers, body,
                             strlen(body), &r),
                   0);
  long status = r.status;
  response_free(&r);
  return status;
}

/* The order behind a sandbox URL, as the sandbox reads it. */
static void order_of(const char *url, struct sandbox_order *o)
{
  char copy[4096], *save = NULL;
  struct payment_field f[16];
  size_t n = 0;
  snprintf(copy, sizeof(copy), "%s", strchr(url, '?') + 1);
  for (char *kv = strtok_r(copy, "&", &save); kv && n < 16; kv = strtok_r(NULL, "&", &save)) {
    char *eq = strchr(kv, '=');
    *eq = '\0';
    /* percent-decoding in place */
    char *w = eq + 1;
    for (const char *p = eq + 1; *p; p++) {
      char hex[3] = {p[0] ? p[1] : 0, p[0] && p[1] ? p[2] : 0, 0};
      if (*p == '%' && strspn(hex, "0123456789abcdefABCDEF") == 2) {
        *w++ = (char)strtol(hex, NULL, 16);
        p += 2;
      } else {
        *w++ = *p;
      }
    }
    *w = '\0';
    f[n++] = (struct payment_field){kv, eq + 1};
  }
  assert_int_equal(payment_sandbox_order(f, n, o), 0);
}

static void test_forged_and_repeated_callbacks(void **state)
{
  char token[64];
  struct sandbox_order o;
  struct sandbox_callback cb;
  case_with_fee("20", token, sizeof(token));
  struct client citizen;
  client_init(&citizen, &server);
  char *url = start_payment(&citizen, token);
  order_of(url, &o);
  free(url);
  assert_int_equal(payment_sandbox_callback(&o, PAYMENT_PAID, harness_clock_now(), &cb), 0);

  /* a bad signature, a changed amount, an unknown order: refused, nothing changed */
  char bad[65];
  snprintf(bad, sizeof(bad), "%s", cb.sig);
  bad[0] = bad[0] == 'a' ? 'b' : 'a';
  assert_int_equal(post_callback(&cb, "sig", bad), 400);
  assert_int_equal(post_callback(&cb, "amount", "2"), 400); /* the signature covers it */
  struct sandbox_order other = o;
  other.amount = 2;
  struct sandbox_callback cheap;
  assert_int_equal(payment_sandbox_callback(&other, PAYMENT_PAID, harness_clock_now(), &cheap), 0);
  assert_int_equal(post_callback(&cheap, NULL, NULL), 409); /* well signed, wrong amount */
  snprintf(other.order_no, sizeof(other.order_no), "BM000000000000000000");
  other.amount = o.amount;
  assert_int_equal(payment_sandbox_callback(&other, PAYMENT_PAID, harness_clock_now(), &cheap), 0);
  assert_int_equal(post_callback(&cheap, NULL, NULL), 404);
  json_t *p = progress_payment(token);
  assert_true(json_is_true(json_object_get(p, "payable")));
  assert_int_equal(json_array_size(json_object_get(p, "paid_payments")), 0);
  json_decref(p);

  /* the good one, twice: one payment */
  assert_int_equal(post_callback(&cb, NULL, NULL), 200);
  assert_int_equal(post_callback(&cb, NULL, NULL), 200);
  /* a "failed" after "paid" contradicts a final status: refused */
  struct sandbox_callback failed;
  assert_int_equal(payment_sandbox_callback(&o, PAYMENT_FAILED, harness_clock_now(), &failed), 0);
  assert_int_equal(post_callback(&failed, NULL, NULL), 409);
  p = progress_payment(token);
  assert_int_equal(json_array_size(json_object_get(p, "paid_payments")), 1);
  assert_true(json_is_true(json_object_get(p, "settled")));
  json_decref(p);
  assert_int_equal(events_of(token, "Paid online (amount"), 1);
  client_free(&citizen);
}

static void test_declined_then_paid(void **state)
{
  char token[64];
  case_with_fee("100", token, sizeof(token));
  struct client citizen;
  client_init(&citizen, &server);
  char *url = start_payment(&citizen, token);
  char *back = sandbox_choose(&citizen, url, "decline", 303);
  json_t *p = return_payment(back);
  assert_string_equal(str(p, "status"), "failed");
  json_decref(p);
  free(back);
  char *second = start_payment(&citizen, token); /* a new order */
  assert_string_not_equal(url, second);
  back = sandbox_choose(&citizen, second, "pay", 303);
  p = return_payment(back);
  assert_string_equal(str(p, "status"), "paid");
  json_decref(p);
  free(back);
  free(url);
  free(second);
  client_free(&citizen);
}

static void test_left_alone_it_expires(void **state)
{
  char token[64];
  struct sandbox_order o;
  struct sandbox_callback cb;
  case_with_fee("60", token, sizeof(token));
  struct client citizen;
  client_init(&citizen, &server);
  char *url = start_payment(&citizen, token);
  order_of(url, &o);
  char *back = sandbox_choose(&citizen, url, "expire", 303);
  json_t *p = return_payment(back);
  assert_string_equal(str(p, "status"), "pending");
  json_decref(p);
  harness_clock_advance(EXPIRY_SECONDS - 1);
  p = return_payment(back); /* a second before expiry it is still pending */
  assert_string_equal(str(p, "status"), "pending");
  json_decref(p);
  harness_clock_advance(2);
  sandbox_choose(&citizen, url, "pay", 400); /* the sandbox refuses an expired order */
  p = return_payment(back);
  assert_string_equal(str(p, "status"), "expired");
  json_decref(p);
  /* a late "paid" for the expired order changes nothing */
  assert_int_equal(payment_sandbox_callback(&o, PAYMENT_PAID, harness_clock_now(), &cb), 0);
  assert_int_equal(post_callback(&cb, NULL, NULL), 409);
  p = progress_payment(token);
  assert_true(json_is_true(json_object_get(p, "payable")));
  json_decref(p);
  free(back);
  free(url);
  client_free(&citizen);
}

static void test_staff_fee_checks(void **state)
{
  char token[64];
  struct client clerk, analyst;
  struct response r;
  client_init(&clerk, &server);
  assert_int_equal(client_login(&clerk, "xinxing-clerk", PASSWORD), 303);
  long long id = take_in(&clerk, token, sizeof(token));
  assert_int_equal(set_fee(&clerk, id, "abc"), 400);
  assert_int_equal(set_fee(&clerk, id, "-5"), 400);
  assert_int_equal(set_fee(&clerk, id, "100000001"), 400);
  /* refused: the case page again, the message at the fee's field (not an error page) */
  char fee_path[64];
  json_t *view = NULL;
  snprintf(fee_path, sizeof(fee_path), "/staff/cases/%lld/fee", id);
  assert_int_equal(harness_post_json(&clerk, fee_path, "amount=-1", &view), 400);
  assert_non_null(json_at(view, "case.case_key"));
  assert_non_null(strstr(json_text_at(view, "field_errors.fee_amount"), "100000000"));
  json_decref(view);
  /* the page keeps the amount typed beside its message (not the amount due before) */
  assert_int_equal(client_post(&clerk, fee_path, "amount=12a", &r), 0);
  assert_int_equal(r.status, 400);
  expect_contains(r.body, "<a href=\"#fee_amount\">");
  expect_contains(r.body, "id=\"fee_amount\" name=\"amount\" type=\"text\" inputmode=\"numeric\" "
                          "value=\"12a\"");
  response_free(&r);
  json_t *p = progress_payment(token);
  assert_false(json_is_true(json_object_get(p, "has_fee")));
  json_decref(p);
  /* without the CSRF token: refused */
  char path[64];
  snprintf(path, sizeof(path), "/staff/cases/%lld/fee", id);
  assert_int_equal(client_call(&clerk, "POST", path, form_headers, "amount=5", 8, &r), 0);
  assert_int_equal(r.status, 403);
  response_free(&r);
  /* another office's staff cannot */
  client_init(&analyst, &server);
  assert_int_equal(client_login(&analyst, "hsinchu-clerk", PASSWORD), 303);
  assert_int_equal(set_fee(&analyst, id, "5"), 404);
  client_free(&analyst);
  assert_int_equal(set_fee(&clerk, id, "25"), 303);
  p = progress_payment(token);
  assert_string_equal(str(p, "due_text"), "NT$25");
  json_decref(p);
  /* paying with nothing due sends the citizen back to the progress page */
  client_free(&clerk);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pay_through_the_sandbox),
      cmocka_unit_test(test_lookup_by_number_shows_the_fee),
      cmocka_unit_test(test_forged_and_repeated_callbacks),
      cmocka_unit_test(test_declined_then_paid),
      cmocka_unit_test(test_left_alone_it_expires),
      cmocka_unit_test(test_staff_fee_checks),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
