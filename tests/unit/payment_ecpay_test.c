/*
 * payment_ecpay_test.c - the ECPay (綠界 AIO) provider: CheckMacValue against the worked example
 * ECPay publishes (developers.ecpay.com.tw/?p=2902, "附錄 / 檢查碼機制", stage merchant 3002607),
 * the .NET URL-encoding rules (space '+', "-_.!*()" kept, '~' and '\'' encoded, lower case) and
 * the case-insensitive sort, the order form (Taiwan time, methods, language, stable when built
 * again), notifications (paid, failed, ATM account, tampered fields, another merchant, stage
 * simulations) and, on a real SQLite store, a wrong amount refused, a replayed notification
 * changing nothing and an ATM notice keeping the payment open until its deadline.
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
#include "domain/case_read.h"
#include "domain/accounts.h"
#include "domain/cases.h"
#include "domain/demo.h"
#include "domain/keys.h"
#include "domain/payment.h"
#include "store/store.h"

#include "base/common.h"

/* ECPay's public stage merchant (developers.ecpay.com.tw: 測試環境特店編號 3002607). */
#define MERCHANT "3002607"
#define HASH_KEY "pwFHCqoQZGmho4w6"
#define HASH_IV  "EkRm7iFT261dpevs"
#define STAGE    "https://payment-stage.ecpay.com.tw"

static void configure(const char *url)
{
  struct payment_settings s = {.provider = "ecpay", .expiry_seconds = 600};
  snprintf(s.ecpay_merchant_id, sizeof(s.ecpay_merchant_id), "%s", MERCHANT);
  snprintf(s.ecpay_hash_key, sizeof(s.ecpay_hash_key), "%s", HASH_KEY);
  snprintf(s.ecpay_hash_iv, sizeof(s.ecpay_hash_iv), "%s", HASH_IV);
  snprintf(s.ecpay_url, sizeof(s.ecpay_url), "%s", url);
  assert_int_equal(payment_configure(&s), 0);
}

/* ---- CheckMacValue ----------------------------------------------------------------------------
 */

static void test_published_example(void **state)
{
  /* developers.ecpay.com.tw/?p=2902: the AioCheckOut order of the worked example, in the order
   * the page lists it (not sorted), and the CheckMacValue the page arrives at. */
  const struct payment_field f[] = {{"TradeDesc", "促銷方案"},
                                    {"PaymentType", "aio"},
                                    {"MerchantTradeDate", "2023/03/12 15:30:23"},
                                    {"MerchantTradeNo", "ecpay20230312153023"},
                                    {"MerchantID", "3002607"},
                                    {"ReturnURL", "https://www.ecpay.com.tw/receive.php"},
                                    {"ItemName", "Apple iphone 15"},
                                    {"TotalAmount", "30000"},
                                    {"ChoosePayment", "ALL"},
                                    {"EncryptType", "1"}};
  char mac[65];
  assert_int_equal(payment_ecpay_mac(f, ARRAY_LEN(f), HASH_KEY, HASH_IV, mac), 0);
  assert_string_equal(mac, "6C51C9E6888DE861FD62FB1DD17029FC742634498FD813DC43D4243B5685B840");
  /* CheckMacValue itself is never part of the text */
  struct payment_field g[ARRAY_LEN(f) + 1];
  memcpy(g, f, sizeof(f));
  g[ARRAY_LEN(f)] = (struct payment_field){"CheckMacValue", "anything"};
  char again[65];
  assert_int_equal(payment_ecpay_mac(g, ARRAY_LEN(g), HASH_KEY, HASH_IV, again), 0);
  assert_string_equal(again, mac);
}

/* SHA-256 of text as upper-case hex: what CheckMacValue must be for that encoded text. */
static void sha256_upper(const char *text, char out[65])
{
  unsigned char d[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(d, (const unsigned char *)text, strlen(text));
  for (size_t i = 0; i < sizeof(d); i++)
    snprintf(out + 2 * i, 3, "%02X", d[i]);
}

static void test_encoding_rules(void **state)
{
  /* .NET HttpUtility.UrlEncode (ECPay's "URLENCODE 轉換表", .NET column): space '+', the
   * characters -_.!*() kept, everything else %xx; then all lower case. Names sort ignoring
   * case (b after A, before C). The expected text is written out by hand. */
  const struct payment_field f[] = {
      {"c", "x"}, {"A", "a b~!*()'-_.&=%/中"}, {"b", "Q+R#S"}, {"CheckMacValue", "ignored"}};
  const char *text = "hashkey%3dk%26a%3da+b%7e!*()%27-_.%26%3d%25%2f%e4%b8%ad%26b%3dq%2br%23s"
                     "%26c%3dx%26hashiv%3dv";
  char want[65], got[65];
  sha256_upper(text, want);
  assert_int_equal(payment_ecpay_mac(f, ARRAY_LEN(f), "K", "V", got), 0);
  assert_string_equal(got, want);
  /* an empty value still counts ("k=" in the text) */
  const struct payment_field e[] = {{"RtnMsg", ""}};
  sha256_upper("hashkey%3dk%26rtnmsg%3d%26hashiv%3dv", want);
  assert_int_equal(payment_ecpay_mac(e, 1, "K", "V", got), 0);
  assert_string_equal(got, want);
}

static void test_times(void **state)
{
  int64_t t;
  assert_int_equal(payment_ecpay_parse_time("2023/03/12 15:30:23", &t), 0);
  assert_int_equal(t, 1678606223); /* 07:30:23 UTC */
  assert_int_equal(payment_ecpay_parse_time("2026/12/09", &t), 0);
  assert_int_equal(t, 1796831999); /* 2026-12-09 23:59:59 +08:00 */
  assert_int_equal(payment_ecpay_parse_time("2023-03-12 15:30:23", &t), ST_INVALID);
  assert_int_equal(payment_ecpay_parse_time("2023/13/12 15:30:23", &t), ST_INVALID);
  assert_int_equal(payment_ecpay_parse_time("2023/03/12 15:30", &t), ST_INVALID);
  assert_int_equal(payment_ecpay_parse_time(NULL, &t), ST_INVALID);
  /* Dates that do not exist are refused, not rolled into the next month. */
  assert_int_equal(payment_ecpay_parse_time("2023/02/29", &t), ST_INVALID);
  assert_int_equal(payment_ecpay_parse_time("2024/02/29", &t), 0);
  assert_int_equal(t, 1709222399); /* 2024-02-29 23:59:59 +08:00 */
  assert_int_equal(payment_ecpay_parse_time("2023/04/31 10:00:00", &t), ST_INVALID);
  assert_int_equal(payment_ecpay_parse_time("2023/00/10", &t), ST_INVALID);
  assert_int_equal(payment_ecpay_parse_time("2023/03/12T15:30:23", &t), ST_INVALID);
}

/* ---- the order form ----------------------------------------------------------------------------
 */

static const char *form_value(const struct payment_form *f, const char *name)
{
  for (size_t i = 0; i < f->count; i++)
    if (!strcmp(f->fields[i].name, name))
      return f->fields[i].value;
  return NULL;
}

static struct payment_order order_of(enum payment_method method, const char *lang)
{
  return (struct payment_order){"BM0123456789ABCDEFGH",
                                30000,
                                "TWD",
                                "xinxing",
                                "115-HB04-000012 #謄本",
                                lang,
                                1678608023,
                                "http://127.0.0.1/p/t/pay/return?order=BM0123456789ABCDEFGH",
                                "http://127.0.0.1/payments/callback/ecpay",
                                1678606223,
                                method};
}

static void test_order_form(void **state)
{
  struct payment_form *f = malloc(sizeof(*f)), *again = malloc(sizeof(*again));
  char ref[64] = "x", mac[65];
  configure(STAGE);
  struct payment_order o = order_of(PAYMENT_METHOD_ANY, "zh-TW");
  assert_int_equal(payment_ecpay.start_form(&o, f, ref, sizeof(ref)), 0);
  assert_string_equal(ref, ""); /* ECPay names its TradeNo only in the notification */
  assert_string_equal(f->action, STAGE "/Cashier/AioCheckOut/V5");
  assert_string_equal(form_value(f, "MerchantID"), MERCHANT);
  assert_string_equal(form_value(f, "MerchantTradeNo"), "BM0123456789ABCDEFGH");
  assert_string_equal(form_value(f, "MerchantTradeDate"), "2023/03/12 15:30:23");
  assert_string_equal(form_value(f, "PaymentType"), "aio");
  assert_string_equal(form_value(f, "TotalAmount"), "30000");
  assert_string_equal(form_value(f, "ItemName"), "115-HB04-000012  謄本"); /* '#' splits items */
  assert_string_equal(form_value(f, "ChoosePayment"), "ALL");
  assert_string_equal(form_value(f, "EncryptType"), "1");
  assert_string_equal(form_value(f, "ReturnURL"), "http://127.0.0.1/payments/callback/ecpay");
  assert_string_equal(form_value(f, "PaymentInfoURL"), "http://127.0.0.1/payments/callback/ecpay");
  assert_string_equal(form_value(f, "ExpireDate"), "3");
  assert_null(form_value(f, "Language"));
  /* the last field signs all the others */
  assert_string_equal(f->fields[f->count - 1].name, "CheckMacValue");
  struct payment_field fields[PAYMENT_FORM_FIELDS_MAX];
  for (size_t i = 0; i < f->count; i++)
    fields[i] = (struct payment_field){f->fields[i].name, f->fields[i].value};
  assert_int_equal(payment_ecpay_mac(fields, f->count - 1, HASH_KEY, HASH_IV, mac), 0);
  assert_string_equal(f->fields[f->count - 1].value, mac);
  /* the same order gives the same form (the page may be served again) */
  assert_int_equal(payment_ecpay.start_form(&o, again, ref, sizeof(ref)), 0);
  assert_memory_equal(f, again, sizeof(*f));

  o = order_of(PAYMENT_METHOD_TWQR, "en");
  assert_int_equal(payment_ecpay.start_form(&o, f, ref, sizeof(ref)), 0);
  assert_string_equal(form_value(f, "ChoosePayment"), "TWQR");
  assert_string_equal(form_value(f, "Language"), "ENG");
  assert_null(form_value(f, "PaymentInfoURL")); /* no ATM account for a TWQR payment */
  o = order_of(PAYMENT_METHOD_CARD, "zh-TW");
  assert_int_equal(payment_ecpay.start_form(&o, f, ref, sizeof(ref)), 0);
  assert_string_equal(form_value(f, "ChoosePayment"), "Credit");
  o = order_of(PAYMENT_METHOD_ATM, "zh-TW");
  assert_int_equal(payment_ecpay.start_form(&o, f, ref, sizeof(ref)), 0);
  assert_string_equal(form_value(f, "ChoosePayment"), "ATM");
  assert_string_equal(form_value(f, "ExpireDate"), "3");
  o.description = "a\nb"; /* nothing a form field could carry unchanged */
  assert_int_equal(payment_ecpay.start_form(&o, f, ref, sizeof(ref)), ST_INVALID);
  free(f);
  free(again);
}

/* ---- notifications ------------------------------------------------------------------------------
 */

enum { NOTICE_MAX = 20 };
struct notice {
  struct payment_field f[NOTICE_MAX];
  size_t n;
  char mac[65];
};

static void set(struct notice *m, const char *name, const char *value)
{
  for (size_t i = 0; i < m->n; i++)
    if (!strcmp(m->f[i].name, name)) {
      m->f[i].value = value;
      return;
    }
  m->f[m->n++] = (struct payment_field){name, value};
}

/* Signs m as ECPay does (with CheckMacValue the last field). */
static void sign(struct notice *m)
{
  assert_int_equal(payment_ecpay_mac(m->f, m->n, HASH_KEY, HASH_IV, m->mac), 0);
  set(m, "CheckMacValue", m->mac);
}

/* A payment notification (ReturnURL) as ECPay documents its fields, unsigned. */
static struct notice paid_notice(const char *order_no, const char *amount)
{
  struct notice m = {.n = 0};
  set(&m, "MerchantID", MERCHANT);
  set(&m, "MerchantTradeNo", order_no);
  set(&m, "StoreID", "");
  set(&m, "RtnCode", "1");
  set(&m, "RtnMsg", "交易成功");
  set(&m, "TradeNo", "2512061530123456");
  set(&m, "TradeAmt", amount);
  set(&m, "PaymentDate", "2025/12/06 15:31:02");
  set(&m, "PaymentType", "TWQR_OPAY");
  set(&m, "PaymentTypeChargeFee", "0");
  set(&m, "TradeDate", "2025/12/06 15:30:12");
  set(&m, "SimulatePaid", "0");
  set(&m, "CustomField1", "");
  return m;
}

/* An ATM notice (PaymentInfoURL): the virtual account, unsigned. */
static struct notice atm_notice(const char *order_no, const char *amount, const char *expire)
{
  struct notice m = {.n = 0};
  set(&m, "MerchantID", MERCHANT);
  set(&m, "MerchantTradeNo", order_no);
  set(&m, "StoreID", "");
  set(&m, "RtnCode", "2");
  set(&m, "RtnMsg", "Get VirtualAccount Succeeded");
  set(&m, "TradeNo", "2512061530123456");
  set(&m, "TradeAmt", amount);
  set(&m, "PaymentType", "ATM_TAISHIN");
  set(&m, "TradeDate", "2025/12/06 15:30:12");
  set(&m, "BankCode", "812");
  set(&m, "vAccount", "9103522175887271");
  set(&m, "ExpireDate", expire);
  return m;
}

static void test_notifications(void **state)
{
  struct payment_result r;
  configure(STAGE);
  struct notice m = paid_notice("BM0123456789ABCDEFGH", "30000");
  sign(&m);
  assert_int_equal(payment_ecpay.verify(m.f, m.n, &r), 0);
  assert_int_equal(r.status, PAYMENT_PAID);
  assert_string_equal(r.order_no, "BM0123456789ABCDEFGH");
  assert_string_equal(r.provider_ref, "2512061530123456");
  assert_int_equal(r.amount, 30000);
  assert_string_equal(r.currency, "TWD");
  assert_int_equal(r.paid_at, 1765006262); /* 2025-12-06 15:31:02 +08:00 */
  assert_string_equal(payment_ecpay.ack, "1|OK");

  /* tampered after signing: amount, order, result; a signature in lower case; none */
  struct notice t = m;
  set(&t, "TradeAmt", "3");
  assert_int_equal(payment_ecpay.verify(t.f, t.n, &r), ST_INVALID);
  t = m;
  set(&t, "MerchantTradeNo", "BM0123456789ABCDEFGX");
  assert_int_equal(payment_ecpay.verify(t.f, t.n, &r), ST_INVALID);
  t = paid_notice("BM0123456789ABCDEFGH", "30000");
  set(&t, "RtnCode", "0");
  sign(&t);
  set(&t, "RtnCode", "1");
  assert_int_equal(payment_ecpay.verify(t.f, t.n, &r), ST_INVALID);
  t = m;
  char lower[65];
  for (size_t i = 0; i < 65; i++)
    lower[i] = (char)(m.mac[i] >= 'A' && m.mac[i] <= 'F' ? m.mac[i] + 32 : m.mac[i]);
  set(&t, "CheckMacValue", lower);
  assert_int_equal(payment_ecpay.verify(t.f, t.n, &r), ST_INVALID);
  assert_int_equal(payment_ecpay.verify(m.f, m.n - 1, &r), ST_INVALID);

  /* signed with our keys but for another merchant */
  t = paid_notice("BM0123456789ABCDEFGH", "30000");
  set(&t, "MerchantID", "2000132");
  sign(&t);
  assert_int_equal(payment_ecpay.verify(t.f, t.n, &r), ST_INVALID);

  /* any other RtnCode: failed */
  t = paid_notice("BM0123456789ABCDEFGH", "30000");
  set(&t, "RtnCode", "10100058");
  sign(&t);
  assert_int_equal(payment_ecpay.verify(t.f, t.n, &r), 0);
  assert_int_equal(r.status, PAYMENT_FAILED);

  /* the ATM account: still pending, payable until the end of ExpireDate (Taiwan time) */
  t = atm_notice("BM0123456789ABCDEFGH", "30000", "2025/12/09");
  sign(&t);
  assert_int_equal(payment_ecpay.verify(t.f, t.n, &r), 0);
  assert_int_equal(r.status, PAYMENT_PENDING);
  assert_string_equal(r.bank_code, "812");
  assert_string_equal(r.account, "9103522175887271");
  assert_int_equal(r.pay_by, 1765295999); /* 2025-12-09 23:59:59 +08:00 */
}

static void test_simulated_payment(void **state)
{
  struct payment_result r;
  struct notice m = paid_notice("BM0123456789ABCDEFGH", "30000");
  set(&m, "SimulatePaid", "1");
  sign(&m);
  configure(STAGE); /* the stage's back office simulates payments for testing */
  assert_int_equal(payment_ecpay.verify(m.f, m.n, &r), 0);
  assert_int_equal(r.status, PAYMENT_PAID);
  configure("https://payment.ecpay.com.tw"); /* in production no money moved: refused */
  assert_int_equal(payment_ecpay.verify(m.f, m.n, &r), ST_INVALID);
}

static void test_settings_required(void **state)
{
  struct payment_settings s = {.provider = "ecpay"};
  snprintf(s.ecpay_merchant_id, sizeof(s.ecpay_merchant_id), "%s", MERCHANT);
  snprintf(s.ecpay_url, sizeof(s.ecpay_url), "%s", STAGE);
  assert_int_equal(payment_configure(&s), ST_INVALID); /* no HashKey / HashIV */
  snprintf(s.ecpay_hash_key, sizeof(s.ecpay_hash_key), "%s", HASH_KEY);
  snprintf(s.ecpay_hash_iv, sizeof(s.ecpay_hash_iv), "%s", HASH_IV);
  assert_int_equal(payment_configure(&s), 0);
}

/* ---- on a store -------------------------------------------------------------------------------
 */

struct fixture {
  char dir[64];
  struct store *store;
  struct case_actor clerk;
};

static int store_setup(void **state)
{
  struct fixture *f = calloc(1, sizeof(*f));
  int64_t office_id = 0;
  if (!f || keys_load_hex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff") ||
      demo_store_open(f->dir, "ecpay", "xinxing", &f->store, &office_id))
    return -1;
  struct audit_actor cli = {office_id, 0, "test", "cli"};
  struct account_fields a = {office_id, 0, "e-clerk", "e-clerk", "", ROLE_CLERK};
  const char *reason;
  int64_t id = 0;
  if (accounts_create(f->store, &cli, &a, "password-long-enough", &id, &reason))
    return -1;
  f->clerk = (struct case_actor){id, office_id, 0, ROLE_CLERK, "e-clerk", "127.0.0.1"};
  *state = f;
  return 0;
}

static int store_teardown(void **state)
{
  struct fixture *f = *state;
  store_close(f->store);
  char cmd[96];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
  int rc = system(cmd);
  keys_unload();
  free(f);
  return rc;
}

/* A new counter case owing amount; its token into token. */
static int64_t case_owing(struct fixture *f, int64_t amount, char *token, size_t size)
{
  json_t *services;
  struct intake_result r;
  assert_int_equal(store_service_list(f->store, f->clerk.office_id, true, &services), 0);
  int64_t service = json_integer_value(json_object_get(json_array_get(services, 0), "id"));
  json_decref(services);
  struct case_env env = {f->store, time(NULL)};
  struct intake_input in = {service, "陳大文",  "",      "0912345678", "",
                            "none",  "counter", "zh-TW", NULL,         0};
  const char *reason = NULL, *field = NULL;
  assert_int_equal(cases_intake(&env, &f->clerk, &in, &r, &reason, &field), 0);
  assert_int_equal(payment_set_due(f->store, r.case_id, amount), 0);
  snprintf(token, size, "%s", r.token);
  return r.case_id;
}

/* Starts the payment: the redirect is bianmin's form page; the order number into order_no. */
static void start(struct fixture *f, time_t now, const char *token, char order_no[32])
{
  char redirect[PAYMENT_URL_MAX];
  struct case_env env = {f->store, now};
  struct payment_start_in in = {token,
                                "http://127.0.0.1/p/t/pay/return",
                                "http://127.0.0.1:1/payments/callback/ecpay",
                                "zh-TW",
                                "",
                                "/p/t/pay/go"};
  const char *reason = NULL;
  assert_int_equal(payment_start(&env, &in, redirect, &reason), 0);
  assert_memory_equal(redirect, "/p/t/pay/go?order=BM", 20);
  snprintf(order_no, 32, "%.20s", redirect + strlen("/p/t/pay/go?order="));
  /* the form of that payment, rebuilt from the store */
  struct payment_form *form = malloc(sizeof(*form));
  assert_int_equal(payment_form_for_token(&env, &in, order_no, PAYMENT_METHOD_ATM, form), 0);
  assert_string_equal(form->fields[1].value, order_no);
  assert_int_equal(
      payment_form_for_token(&env, &in, "BM000000000000000000", PAYMENT_METHOD_ATM, form),
      ST_NOTFOUND);
  free(form);
}

static int notify(struct fixture *f, time_t now, struct notice *m)
{
  struct case_env env = {f->store, now};
  const char *why;
  return payment_callback(&env, "ecpay", m->f, m->n, &why);
}

static int64_t count_events(struct fixture *f, int64_t case_id, const char *kind)
{
  int64_t n = -1;
  assert_int_equal(store_case_event_count(f->store, case_id, kind, &n), 0);
  return n;
}

static int64_t paid_of(struct fixture *f, int64_t case_id, time_t now)
{
  struct arena *arena = arena_new(1 << 20);
  struct case_public_fee fee;
  assert_int_equal(payment_fee_read(f->store, arena, case_id, now, &fee), 0);
  int64_t paid = fee.paid;
  arena_free(arena);
  return paid;
}

static void test_stored_amount_and_replay(void **state)
{
  struct fixture *f = *state;
  char token[64], order_no[32];
  time_t now = time(NULL);
  configure(STAGE);
  int64_t id = case_owing(f, 250, token, sizeof(token));
  start(f, now, token, order_no);

  struct notice wrong = paid_notice(order_no, "25"); /* well signed, but not what is owed */
  sign(&wrong);
  assert_int_equal(notify(f, now, &wrong), ST_CONFLICT);
  assert_int_equal(paid_of(f, id, now), 0);
  assert_int_equal(count_events(f, id, "payment_paid"), 0);

  struct notice m = paid_notice(order_no, "250");
  sign(&m);
  assert_int_equal(notify(f, now, &m), 0);
  assert_int_equal(notify(f, now + 60, &m), 0); /* ECPay retries until "1|OK": same answer */
  assert_int_equal(paid_of(f, id, now), 250);
  assert_int_equal(count_events(f, id, "payment_paid"), 1);

  struct notice unknown = paid_notice("BM000000000000000000", "250");
  sign(&unknown);
  assert_int_equal(notify(f, now, &unknown), ST_NOTFOUND);
}

static void test_stored_atm_deadline(void **state)
{
  struct fixture *f = *state;
  char token[64], order_no[32], deadline[16];
  time_t now = time(NULL);
  configure(STAGE);
  int64_t id = case_owing(f, 40, token, sizeof(token));
  start(f, now, token, order_no);
  /* ExpireDate three days on, in Taiwan time */
  time_t later = now + 3 * 86400 + 8 * 3600;
  struct tm tm;
  gmtime_r(&later, &tm);
  strftime(deadline, sizeof(deadline), "%Y/%m/%d", &tm);
  struct notice atm = atm_notice(order_no, "40", deadline);
  sign(&atm);
  assert_int_equal(notify(f, now, &atm), 0);
  assert_int_equal(notify(f, now, &atm), 0); /* repeated: one timeline entry */
  assert_int_equal(count_events(f, id, "payment_atm"), 1);

  /* long after the usual 600 s expiry the payment is still open: the scanner leaves it */
  struct case_env env = {f->store, now + 2 * 86400};
  int64_t expired = -1;
  assert_int_equal(payment_expire_due(&env, &expired), 0);
  assert_int_equal(expired, 0);
  struct notice m = paid_notice(order_no, "40");
  sign(&m);
  assert_int_equal(notify(f, now + 2 * 86400, &m), 0);
  assert_int_equal(paid_of(f, id, now + 2 * 86400), 40);
}

int main(void)
{
  const struct CMUnitTest pure[] = {
      cmocka_unit_test(test_published_example),
      cmocka_unit_test(test_encoding_rules),
      cmocka_unit_test(test_times),
      cmocka_unit_test(test_order_form),
      cmocka_unit_test(test_notifications),
      cmocka_unit_test(test_simulated_payment),
      cmocka_unit_test(test_settings_required),
  };
  const struct CMUnitTest stored[] = {
      cmocka_unit_test(test_stored_amount_and_replay),
      cmocka_unit_test(test_stored_atm_deadline),
  };
  int failed = cmocka_run_group_tests(pure, NULL, NULL);
  return failed + cmocka_run_group_tests_name("stored", stored, store_setup, store_teardown);
}
