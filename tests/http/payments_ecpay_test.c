/*
 * payments_ecpay_test.c - paying a fee through ECPay's protocol (綠界 AIO) over HTTP, against
 * tests/support/fake_ecpay.py, which checks every order's CheckMacValue on its own and signs
 * its notifications as ECPay does. The citizen chooses a method on /p/{token}, bianmin's page
 * hands the signed order to the gateway (its form posted here by the test, as the browser's
 * script does), the gateway notifies bianmin server to server and must be answered "1|OK"; the
 * case shows paid and the receipt. A notification signed with another key, or for another
 * amount, changes nothing. A payment the gateway never notified is settled by QueryTradeInfo
 * when the citizen comes back. An ATM payment keeps its virtual account on the case until the
 * transfer arrives. The merchant's keys are not in the server's log. No fixed waits: the fake
 * notifies before it answers the browser.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "domain/payment.h"
#include "harness.h"

#define PASSWORD "bianmin-demo-2026"
#define PYTHON   "/usr/bin/python3"
#define MERCHANT "3002607"
#define HASH_KEY "pwFHCqoQZGmho4w6"
#define HASH_IV  "EkRm7iFT261dpevs"

extern char **environ;

static struct server server;
static struct server gateway; /* only its port: http_call() talks to the fake gateway */
static pid_t gateway_pid;
static char work[64], url_env[96];
static const char *accept_json[] = {"Accept: application/json", NULL};
static const char *form_headers[] = {"Content-Type: application/x-www-form-urlencoded", NULL};

/* ---- the fake gateway ----------------------------------------------------------------------- */

static bool file_ready(void *path)
{
  return access(path, F_OK) == 0;
}

static int start_gateway(void)
{
  char port_file[128], log[128];
  snprintf(port_file, sizeof(port_file), "%s/ecpay.port", work);
  snprintf(log, sizeof(log), "%s/ecpay.log", work);
  const char *args[] = {PYTHON,    BIANMIN_SOURCE_DIR "/tests/support/fake_ecpay.py",
                        port_file, MERCHANT,
                        HASH_KEY,  HASH_IV,
                        NULL};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, log, O_WRONLY | O_CREAT | O_APPEND, 0644);
  int rc = posix_spawn(&gateway_pid, PYTHON, &actions, NULL, (char *const *)args, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc || !harness_wait_until(file_ready, port_file, "the fake ECPay's port"))
    return -1;
  FILE *f = fopen(port_file, "r");
  if (!f || fscanf(f, "%d", &gateway.port) != 1)
    gateway.port = 0;
  if (f)
    fclose(f);
  return gateway.port > 0 ? 0 : -1;
}

static int setup(void **state)
{
  snprintf(work, sizeof(work), "/tmp/bianmin-ecpay-http-XXXXXX");
  if (!mkdtemp(work) || start_gateway())
    return -1;
  snprintf(url_env, sizeof(url_env), "BIANMIN_PAYMENT_ECPAY_URL=http://127.0.0.1:%d/",
           gateway.port);
  const char *env[] = {"BIANMIN_RATE_LOGIN=100000",
                       "BIANMIN_RATE_LOOKUP=100000",
                       "BIANMIN_PAYMENT_PROVIDER=ecpay",
                       "BIANMIN_PAYMENT_ECPAY_MERCHANT_ID=" MERCHANT,
                       "BIANMIN_PAYMENT_ECPAY_HASH_KEY=" HASH_KEY,
                       "BIANMIN_PAYMENT_ECPAY_HASH_IV=" HASH_IV,
                       url_env,
                       NULL};
  if (harness_clock_start(time(NULL)))
    return -1;
  return server_start(&server, env);
}

static int teardown(void **state)
{
  if (gateway_pid > 0) {
    kill(gateway_pid, SIGTERM);
    waitpid(gateway_pid, NULL, 0);
  }
  char cmd[96];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", work);
  int rc = system(cmd);
  return server_stop(&server) == 0 && rc == 0 ? 0 : -1;
}

static void gateway_post(const char *path, const char *body, long want, char **page)
{
  struct response r;
  assert_int_equal(http_call(&gateway, "POST", path, form_headers, body, strlen(body), &r), 0);
  if (r.status != want)
    fprintf(stderr, "fake ECPay %s answered %ld: %s\n", path, r.status, r.body);
  assert_int_equal(r.status, want);
  if (page)
    *page = strdup(r.body);
  response_free(&r);
}

static json_t *gateway_log(void)
{
  struct response r;
  assert_int_equal(http_get(&gateway, "/_control/log", &r), 0);
  json_t *log = response_json(&r);
  response_free(&r);
  assert_non_null(log);
  return log;
}

/* The merchant's answers to the fake's notices of kind ("paid" or "atm") for order_no. */
static int notices(const char *order_no, const char *kind, const char *answer)
{
  json_t *log = gateway_log(), *n;
  size_t i;
  int count = 0;
  json_array_foreach(json_object_get(log, "notices"), i, n)
  {
    count += !strcmp(json_string_value(json_object_get(n, "order")), order_no) &&
             !strcmp(json_string_value(json_object_get(n, "kind")), kind) &&
             !strcmp(json_string_value(json_object_get(n, "answer")), answer);
  }
  json_decref(log);
  return count;
}

/* ---- bianmin -------------------------------------------------------------------------------- */

/* A counter case owing amount, taken in by the clerk; its QR token into token. */
static void case_with_fee(const char *amount, char *token, size_t token_size)
{
  struct client clerk;
  struct response r;
  client_init(&clerk, &server);
  assert_int_equal(client_login(&clerk, "xinxing-clerk", PASSWORD), 303);
  assert_int_equal(client_get(&clerk, "/staff/intake?service=1", &r), 0);
  response_free(&r);
  const char *form = "service_id=1&applicant_name=%E7%8E%8B%E5%B0%8F%E6%98%8E&applicant_phone="
                     "0912345678&notify=none&doc_0=x";
  assert_int_equal(client_post(&clerk, "/staff/intake", form, &r), 0);
  assert_int_equal(r.status, 303);
  char *location = response_header(&r, "Location");
  response_free(&r);
  assert_non_null(location);
  long long id = strtoll(location + strlen("/staff/cases/"), NULL, 10);
  snprintf(token, token_size, "%s", strstr(location, "?t=") + 3);
  free(location);
  char path[64], fee[64];
  assert_int_equal(client_get(&clerk, "/staff/intake", &r), 0); /* a fresh CSRF token */
  response_free(&r);
  snprintf(path, sizeof(path), "/staff/cases/%lld/fee", id);
  snprintf(fee, sizeof(fee), "amount=%s", amount);
  assert_int_equal(client_post(&clerk, path, fee, &r), 0);
  assert_int_equal(r.status, 303);
  response_free(&r);
  client_free(&clerk);
}

/* The citizen presses "Pay online" with method on /p/{token}: bianmin's form page (malloc'd
 * path), whose order number goes into order_no. */
static char *press_pay(const char *token, const char *method, char order_no[32])
{
  struct client citizen;
  struct response r;
  char path[96], form[64];
  client_init(&citizen, &server);
  snprintf(path, sizeof(path), "/p/%s", token);
  assert_int_equal(client_get(&citizen, path, &r), 0);
  assert_int_equal(r.status, 200);
  expect_contains(r.body, "value=\"twqr\"");
  expect_contains(r.body, "value=\"atm\"");
  response_free(&r);
  snprintf(path, sizeof(path), "/p/%s/pay", token);
  snprintf(form, sizeof(form), "method=%s", method);
  assert_int_equal(client_post(&citizen, path, form, &r), 0);
  assert_int_equal(r.status, 303);
  char *location = response_header(&r, "Location");
  response_free(&r);
  client_free(&citizen);
  assert_non_null(location);
  snprintf(path, sizeof(path), "/p/%s/pay/go?order=BM", token);
  assert_memory_equal(location, path, strlen(path));
  snprintf(order_no, 32, "%.20s", strstr(location, "order=") + 6);
  return location;
}

/* Opens bianmin's form page: the order as an urlencoded body, as the browser posts it. */
static char *order_body(const char *go_path, const char *change_name, const char *change_value)
{
  struct response r;
  assert_int_equal(http_get(&server, go_path, &r), 0); /* the page a browser gets */
  assert_int_equal(r.status, 200);
  char *csp = response_header(&r, "Content-Security-Policy"), want[96];
  snprintf(want, sizeof(want), "form-action 'self' http://127.0.0.1:%d", gateway.port);
  assert_non_null(csp);
  expect_contains(csp, want);
  free(csp);
  expect_contains(r.body, "payment-autopost");
  response_free(&r);
  assert_int_equal(http_call(&server, "GET", go_path, accept_json, NULL, 0, &r), 0);
  json_t *view = response_json(&r), *field;
  response_free(&r);
  char action[96];
  snprintf(action, sizeof(action), "http://127.0.0.1:%d/Cashier/AioCheckOut/V5", gateway.port);
  assert_string_equal(json_string_value(json_object_get(view, "action")), action);
  CURL *curl = curl_easy_init();
  char *body = calloc(1, 8192);
  size_t i;
  json_array_foreach(json_object_get(view, "fields"), i, field)
  {
    const char *name = json_string_value(json_object_get(field, "name"));
    const char *value = json_string_value(json_object_get(field, "value"));
    if (change_name && !strcmp(name, change_name))
      value = change_value;
    char *v = curl_easy_escape(curl, value, 0);
    size_t len = strlen(body);
    snprintf(body + len, 8192 - len, "%s%s=%s", len ? "&" : "", name, v);
    curl_free(v);
  }
  curl_easy_cleanup(curl);
  json_decref(view);
  return body;
}

/* The public view's "payment" block (new reference) and the whole page text. */
static json_t *progress_payment(const char *token, char **page)
{
  char path[96];
  struct response r;
  snprintf(path, sizeof(path), "/p/%s", token);
  assert_int_equal(http_call(&server, "GET", path, accept_json, NULL, 0, &r), 0);
  assert_int_equal(r.status, 200);
  json_t *view = response_json(&r);
  if (page)
    *page = strdup(r.body);
  response_free(&r);
  json_t *p = json_incref(json_object_get(json_object_get(view, "case"), "payment"));
  json_decref(view);
  assert_non_null(p);
  return p;
}

static bool settled(const char *token)
{
  json_t *p = progress_payment(token, NULL);
  bool yes = json_is_true(json_object_get(p, "settled"));
  json_decref(p);
  return yes;
}

/* ---- tests -------------------------------------------------------------------------------- */

static void test_pay_with_taiwan_pay(void **state)
{
  char token[64], order_no[32], form[64], path[128];
  case_with_fee("120", token, sizeof(token));
  char *go = press_pay(token, "twqr", order_no);
  char *body = order_body(go, NULL, NULL), *page = NULL;
  expect_contains(body, "ChoosePayment=TWQR");
  gateway_post("/Cashier/AioCheckOut/V5", body, 200, &page);
  expect_contains(page, order_no);
  expect_contains(page, "TWQR");
  free(page);
  assert_false(settled(token));
  snprintf(form, sizeof(form), "order=%s&method=TWQR", order_no);
  gateway_post("/fake/pay", form, 200, NULL);
  assert_int_equal(notices(order_no, "paid", "1|OK"), 1); /* answered exactly "1|OK" */
  assert_true(settled(token));
  /* the receipt of payment names the order */
  struct response r;
  snprintf(path, sizeof(path), "/p/%s/receipt", token);
  assert_int_equal(http_get(&server, path, &r), 0);
  assert_int_equal(r.status, 200);
  expect_contains(r.body, order_no);
  response_free(&r);
  /* the form page of a payment no longer pending sends the citizen back to the case */
  assert_int_equal(http_get(&server, go, &r), 0);
  assert_int_equal(r.status, 303);
  response_free(&r);
  free(body);
  free(go);
}

static void test_tampered_order_refused_by_gateway(void **state)
{
  char token[64], order_no[32];
  case_with_fee("80", token, sizeof(token));
  char *go = press_pay(token, "card", order_no);
  char *body = order_body(go, "TotalAmount", "1"); /* a cheaper order, signature kept */
  gateway_post("/Cashier/AioCheckOut/V5", body, 400, NULL);
  json_t *log = gateway_log();
  expect_text_at(log, "refusals.0", "CheckMacValue Error");
  json_decref(log);
  free(body);
  free(go);
}

/* A notification for order_no signed with key, amount as given. */
static long forged(const char *order_no, const char *amount, const char *key)
{
  char mac[65], body[1024];
  const struct payment_field f[] = {{"MerchantID", MERCHANT},
                                    {"MerchantTradeNo", order_no},
                                    {"RtnCode", "1"},
                                    {"RtnMsg", "paid"},
                                    {"TradeNo", "2512060000000001"},
                                    {"TradeAmt", amount},
                                    {"PaymentDate", "2025/12/06 10:00:00"},
                                    {"PaymentType", "Credit_CreditCard"},
                                    {"SimulatePaid", "0"}};
  assert_int_equal(payment_ecpay_mac(f, sizeof(f) / sizeof(f[0]), key, HASH_IV, mac), 0);
  snprintf(body, sizeof(body),
           "MerchantID=%s&MerchantTradeNo=%s&RtnCode=1&RtnMsg=paid&TradeNo=2512060000000001&"
           "TradeAmt=%s&PaymentDate=2025%%2F12%%2F06+10%%3A00%%3A00&PaymentType=Credit_CreditCard&"
           "SimulatePaid=0&CheckMacValue=%s",
           MERCHANT, order_no, amount, mac);
  struct response r;
  assert_int_equal(
      http_call(&server, "POST", "/payments/callback/ecpay", form_headers, body, strlen(body), &r),
      0);
  long status = r.status;
  if (status == 200)
    assert_string_equal(r.body, "1|OK");
  response_free(&r);
  return status;
}

static void test_forged_notification_changes_nothing(void **state)
{
  char token[64], order_no[32];
  case_with_fee("300", token, sizeof(token));
  char *go = press_pay(token, "card", order_no);
  char *body = order_body(go, NULL, NULL);
  gateway_post("/Cashier/AioCheckOut/V5", body, 200, NULL);
  assert_int_equal(forged(order_no, "300", "not-the-hash-key"), 400); /* bad CheckMacValue */
  assert_int_equal(forged(order_no, "3", HASH_KEY), 409);             /* not what is owed */
  assert_false(settled(token));
  assert_int_equal(forged(order_no, "300", HASH_KEY), 200); /* the real thing is accepted */
  assert_int_equal(forged(order_no, "300", HASH_KEY), 200); /* and a retry changes nothing */
  assert_true(settled(token));
  json_t *p = progress_payment(token, NULL);
  assert_int_equal(json_array_size(json_object_get(p, "paid_payments")), 1);
  json_decref(p);
  free(body);
  free(go);
}

static void test_pending_settled_by_query(void **state)
{
  char token[64], order_no[32], form[64], path[128];
  case_with_fee("60", token, sizeof(token));
  char *go = press_pay(token, "card", order_no);
  char *body = order_body(go, NULL, NULL);
  gateway_post("/Cashier/AioCheckOut/V5", body, 200, NULL);
  gateway_post("/_control/mode", "silent", 200, NULL);
  snprintf(form, sizeof(form), "order=%s&method=Credit", order_no);
  gateway_post("/fake/pay", form, 200, NULL);
  gateway_post("/_control/mode", "notify", 200, NULL);
  assert_int_equal(notices(order_no, "paid", "1|OK"), 0); /* the gateway said nothing */
  assert_false(settled(token));
  /* the citizen comes back (ClientBackURL): bianmin asks QueryTradeInfo and learns it is paid */
  snprintf(path, sizeof(path), "/p/%s/pay/return?order=%s", token, order_no);
  struct response r;
  assert_int_equal(http_call(&server, "GET", path, accept_json, NULL, 0, &r), 0);
  assert_int_equal(r.status, 200);
  json_t *view = response_json(&r);
  response_free(&r);
  expect_text_at(view, "payment.status", "paid");
  json_decref(view);
  json_t *log = gateway_log();
  assert_true(json_integer_value(json_object_get(log, "queries")) >= 1);
  assert_int_equal(json_array_size(json_object_get(log, "refusals")), 1); /* the tampered one */
  json_decref(log);
  assert_true(settled(token));
  /* another case's link, or an order it does not have, finds no payment */
  char other[64];
  case_with_fee("60", other, sizeof(other));
  snprintf(path, sizeof(path), "/p/%s/pay/return?order=%s", other, order_no);
  assert_int_equal(http_get(&server, path, &r), 0);
  assert_int_equal(r.status, 404);
  response_free(&r);
  snprintf(path, sizeof(path), "/p/%s/pay/return?order=BM000000000000", token);
  assert_int_equal(http_get(&server, path, &r), 0);
  assert_int_equal(r.status, 404);
  response_free(&r);
  snprintf(path, sizeof(path), "/p/%s/pay/return", token);
  assert_int_equal(http_get(&server, path, &r), 0);
  assert_int_equal(r.status, 404);
  response_free(&r);
  free(body);
  free(go);
}

static void test_atm_account_then_transfer(void **state)
{
  char token[64], order_no[32], form[64];
  case_with_fee("45", token, sizeof(token));
  char *go = press_pay(token, "atm", order_no);
  char *body = order_body(go, NULL, NULL), *page = NULL;
  expect_contains(body, "ChoosePayment=ATM");
  gateway_post("/Cashier/AioCheckOut/V5", body, 200, NULL);
  snprintf(form, sizeof(form), "order=%s&method=ATM", order_no);
  gateway_post("/fake/pay", form, 200, NULL);
  assert_int_equal(notices(order_no, "atm", "1|OK"), 1);
  json_t *log = gateway_log();
  char account_path[64];
  snprintf(account_path, sizeof(account_path), "orders.%s.account", order_no);
  const char *account = json_text_at(log, account_path);
  assert_non_null(account);
  /* the case tells the citizen where to transfer; still owed */
  json_t *p = progress_payment(token, &page);
  expect_contains(page, account);
  expect_contains(page, "812");
  assert_false(json_is_true(json_object_get(p, "settled")));
  json_decref(p);
  free(page);
  /* and so does the page ECPay's "返回商店" brings the citizen back to */
  char path[128];
  snprintf(path, sizeof(path), "/p/%s/pay/return?order=%s", token, order_no);
  struct response r;
  assert_int_equal(http_get(&server, path, &r), 0);
  assert_int_equal(r.status, 200);
  expect_contains(r.body, "id=\"atm-account\"");
  expect_contains(r.body, account);
  expect_contains(r.body, "虛擬帳號");
  response_free(&r);
  json_decref(log);
  /* the transfer arrives */
  gateway_post("/_control/atm_paid", order_no, 200, NULL);
  assert_int_equal(notices(order_no, "paid", "1|OK"), 1);
  assert_true(settled(token));
  free(body);
  free(go);
}

/* The merchant's keys never reach the server's log (everything above has run by now). */
static void test_keys_not_logged(void **state)
{
  FILE *f = fopen(server.log, "r");
  assert_non_null(f);
  char *text = calloc(1, 1 << 20);
  size_t n = fread(text, 1, (1 << 20) - 1, f);
  fclose(f);
  assert_true(n > 0);
  expect_contains(text, "online payment through the ecpay provider");
  expect_lacks(text, HASH_KEY);
  expect_lacks(text, HASH_IV);
  free(text);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pay_with_taiwan_pay),
      cmocka_unit_test(test_tampered_order_refused_by_gateway),
      cmocka_unit_test(test_forged_notification_changes_nothing),
      cmocka_unit_test(test_pending_settled_by_query),
      cmocka_unit_test(test_atm_account_then_transfer),
      cmocka_unit_test(test_keys_not_logged),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
