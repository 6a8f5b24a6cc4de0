/*
 * payment_test.c - fees and payments: the fee rule (fee_amount x copies), the sandbox's
 * signatures (start requests and callbacks: good, bad, replayed, amount changed, one kind of
 * message never passing for the other), the status rules, and the transitions on a real SQLite
 * store with the demo data (pending -> paid | failed | expired; paid is final; a repeated
 * callback changes nothing).
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

static void configure(void)
{
  struct payment_settings s = {.provider = "sandbox", .expiry_seconds = 600};
  memset(s.sandbox_secret, 7, sizeof(s.sandbox_secret));
  assert_int_equal(payment_configure(&s), 0);
}

/* ---- the fee rule ---------------------------------------------------------------------------- */

static json_t *service(json_t *fee, bool copies_question)
{
  json_t *q = copies_question ? json_pack("[{s:s, s:s, s:b, s:s}]", "code", "copies", "datatype",
                                          "number", "required", 1, "label_zh", "份數")
                              : json_array();
  return json_pack("{s:o, s:o}", "fee_amount", fee, "questions", q);
}

static int64_t fee(json_t *svc, const char *answers_json)
{
  json_t *answers = answers_json ? json_loads(answers_json, 0, NULL) : NULL;
  int64_t amount = -1;
  int rc = payment_fee_for(svc, answers, &amount);
  json_decref(answers);
  return rc ? -1 : amount;
}

static void test_fee_for(void **state)
{
  json_t *per_copy = service(json_integer(20), true);
  assert_int_equal(fee(per_copy, "{\"copies\": \"3\"}"), 60);
  assert_int_equal(fee(per_copy, "{\"copies\": 2}"), 40);
  assert_int_equal(fee(per_copy, "{}"), 20); /* not answered: one copy */
  assert_int_equal(fee(per_copy, NULL), 20);
  assert_int_equal(fee(per_copy, "{\"copies\": \"0\"}"), -1);
  assert_int_equal(fee(per_copy, "{\"copies\": \"1.5\"}"), -1);
  assert_int_equal(fee(per_copy, "{\"copies\": \"-2\"}"), -1);
  assert_int_equal(fee(per_copy, "{\"copies\": \"1001\"}"), -1);
  assert_int_equal(fee(per_copy, "{\"copies\": [\"2\"]}"), -1);
  json_decref(per_copy);

  json_t *flat = service(json_integer(100), false);
  assert_int_equal(fee(flat, "{\"copies\": \"3\"}"), 100); /* no copies question: the fee once */
  json_decref(flat);
  json_t *free_service = service(json_null(), true);
  assert_int_equal(fee(free_service, "{\"copies\": \"3\"}"), 0);
  json_decref(free_service);
  json_t *huge = service(json_integer(PAYMENT_AMOUNT_MAX), true);
  assert_int_equal(fee(huge, "{\"copies\": \"1\"}"), PAYMENT_AMOUNT_MAX);
  assert_int_equal(fee(huge, "{\"copies\": \"2\"}"), -1); /* over the cap */
  json_decref(huge);

  /* the questions as the store's JSON text work alike */
  json_t *text = json_pack("{s:i, s:s}", "fee_amount", 20, "questions",
                           "[{\"code\":\"copies\",\"datatype\":\"number\",\"label_zh\":\"份數\"}]");
  assert_int_equal(fee(text, "{\"copies\": \"5\"}"), 100);
  json_decref(text);
}

/* ---- statuses -------------------------------------------------------------------------------- */

static void test_status_rules(void **state)
{
  enum payment_status s;
  assert_int_equal(payment_status_parse("paid", &s), 0);
  assert_int_equal(s, PAYMENT_PAID);
  assert_int_equal(payment_status_parse("PAID", &s), ST_INVALID);
  assert_int_equal(payment_status_parse(NULL, &s), ST_INVALID);
  assert_string_equal(payment_status_name(PAYMENT_EXPIRED), "expired");
  assert_true(payment_transition_ok(PAYMENT_PENDING, PAYMENT_PAID));
  assert_true(payment_transition_ok(PAYMENT_PENDING, PAYMENT_FAILED));
  assert_true(payment_transition_ok(PAYMENT_PENDING, PAYMENT_EXPIRED));
  assert_true(payment_transition_ok(PAYMENT_PAID, PAYMENT_REFUNDED));
  assert_false(payment_transition_ok(PAYMENT_PAID, PAYMENT_FAILED));
  assert_false(payment_transition_ok(PAYMENT_PAID, PAYMENT_EXPIRED));
  assert_false(payment_transition_ok(PAYMENT_PAID, PAYMENT_PENDING));
  assert_false(payment_transition_ok(PAYMENT_FAILED, PAYMENT_PAID));
  assert_false(payment_transition_ok(PAYMENT_EXPIRED, PAYMENT_PAID));
  assert_false(payment_transition_ok(PAYMENT_PENDING, PAYMENT_PENDING));
  assert_non_null(payment_provider_find("sandbox"));
  assert_non_null(payment_provider_find("ecpay")); /* payment_ecpay_test.c */
  assert_null(payment_provider_find("newebpay"));
  struct payment_settings bad = {.provider = "nonesuch"};
  assert_int_equal(payment_configure(&bad), ST_INVALID);
}

/* ---- signatures ------------------------------------------------------------------------------ */

/* Splits the query of a sandbox URL into fields (decoding %XX) in buf. */
static size_t split(const char *url, char *buf, size_t size, struct payment_field *f, size_t max)
{
  snprintf(buf, size, "%s", strchr(url, '?') + 1);
  size_t n = 0;
  for (char *p = buf; p && *p && n < max;) {
    char *amp = strchr(p, '&'), *eq = strchr(p, '=');
    if (amp)
      *amp = '\0';
    *eq = '\0';
    char *w = eq + 1;
    for (const char *r = eq + 1; *r; r++) {
      char hex[3] = {r[0] ? r[1] : 0, r[0] && r[1] ? r[2] : 0, 0};
      if (*r == '%' && strspn(hex, "0123456789ABCDEF") == 2) {
        *w++ = (char)strtol(hex, NULL, 16);
        r += 2;
      } else {
        *w++ = *r;
      }
    }
    *w = '\0';
    f[n++] = (struct payment_field){p, eq + 1};
    p = amp ? amp + 1 : NULL;
  }
  return n;
}

static const struct payment_order order = {
    "BM0123456789ABCDEFGH",
    60,
    "TWD",
    "xinxing",
    "115-HB04-000001 地籍謄本 & more",
    "zh-TW",
    2000000000,
    "http://127.0.0.1/p/x/pay/return?order=BM0123456789ABCDEFGH",
    "http://127.0.0.1:1/payments/callback/sandbox"};

static void test_sandbox_order_signature(void **state)
{
  char url[PAYMENT_URL_MAX], ref[PAYMENT_REF_MAX], buf[PAYMENT_URL_MAX];
  struct payment_field f[16];
  struct sandbox_order o;
  configure();
  assert_int_equal(payment_sandbox.start(&order, url, sizeof(url), ref, sizeof(ref)), 0);
  assert_memory_equal(url, "/sandbox/pay?", 13);
  assert_memory_equal(ref, "SBX", 3);
  size_t n = split(url, buf, sizeof(buf), f, 16);
  assert_int_equal(payment_sandbox_order(f, n, &o), 0);
  assert_int_equal(o.amount, 60);
  assert_string_equal(o.description, order.description);
  assert_string_equal(o.return_url, order.return_url);
  /* the amount changed in the URL: refused */
  for (size_t i = 0; i < n; i++)
    if (!strcmp(f[i].name, "amount"))
      f[i].value = "6";
  assert_int_equal(payment_sandbox_order(f, n, &o), ST_INVALID);
  /* a different secret: refused */
  n = split(url, buf, sizeof(buf), f, 16);
  struct payment_settings other = {.provider = "sandbox"};
  memset(other.sandbox_secret, 8, sizeof(other.sandbox_secret));
  payment_configure(&other);
  assert_int_equal(payment_sandbox_order(f, n, &o), ST_INVALID);
  configure();
  assert_int_equal(payment_sandbox_order(f, n, &o), 0);
}

static void test_callback_signature(void **state)
{
  char url[PAYMENT_URL_MAX], ref[PAYMENT_REF_MAX], buf[PAYMENT_URL_MAX];
  struct payment_field f[16];
  struct sandbox_order o;
  struct sandbox_callback cb;
  struct payment_result r;
  configure();
  assert_int_equal(payment_sandbox.start(&order, url, sizeof(url), ref, sizeof(ref)), 0);
  size_t n = split(url, buf, sizeof(buf), f, 16);
  assert_int_equal(payment_sandbox_order(f, n, &o), 0);
  assert_int_equal(payment_sandbox_callback(&o, PAYMENT_PAID, 1800000000, &cb), 0);

  /* good, and the same again (a replay verifies alike: applying it is idempotent) */
  for (int i = 0; i < 2; i++) {
    assert_int_equal(payment_sandbox.verify(cb.fields, cb.count, &r), 0);
    assert_string_equal(r.order_no, order.order_no);
    assert_string_equal(r.provider_ref, ref);
    assert_int_equal(r.amount, 60);
    assert_int_equal(r.status, PAYMENT_PAID);
    assert_int_equal(r.paid_at, 1800000000);
  }
  /* the amount changed: refused */
  struct sandbox_callback changed = cb;
  for (size_t i = 0; i < changed.count; i++)
    if (!strcmp(changed.fields[i].name, "amount"))
      changed.fields[i].value = "6";
  assert_int_equal(payment_sandbox.verify(changed.fields, changed.count, &r), ST_INVALID);
  assert_int_equal(r.amount, 0);
  /* a bad signature, a short one, none, a missing field */
  changed = cb;
  char bad[65];
  snprintf(bad, sizeof(bad), "%s", cb.sig);
  bad[63] = bad[63] == '0' ? '1' : '0';
  changed.fields[changed.count - 1].value = bad;
  assert_int_equal(payment_sandbox.verify(changed.fields, changed.count, &r), ST_INVALID);
  changed.fields[changed.count - 1].value = "abc";
  assert_int_equal(payment_sandbox.verify(changed.fields, changed.count, &r), ST_INVALID);
  assert_int_equal(payment_sandbox.verify(cb.fields, cb.count - 1, &r), ST_INVALID);
  assert_int_equal(payment_sandbox.verify(cb.fields + 1, cb.count - 1, &r), ST_INVALID);
  /* the start request's signature is no callback signature */
  assert_int_equal(payment_sandbox.verify(f, n, &r), ST_INVALID);
  /* a failed payment is signed and read as such */
  assert_int_equal(payment_sandbox_callback(&o, PAYMENT_FAILED, 1800000000, &cb), 0);
  assert_int_equal(payment_sandbox.verify(cb.fields, cb.count, &r), 0);
  assert_int_equal(r.status, PAYMENT_FAILED);
  assert_int_equal(r.paid_at, 0);
  assert_int_equal(payment_sandbox_callback(&o, PAYMENT_PENDING, 1800000000, &cb), ST_INVALID);
}

/* ---- transitions on a store ------------------------------------------------------------------ */

struct fixture {
  char dir[64];
  struct store *store;
  struct case_actor clerk;
};

static int store_setup(void **state)
{
  struct fixture *f = calloc(1, sizeof(*f));
  int64_t office_id = 0;
  json_t *services;
  if (!f || keys_load_hex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff") ||
      demo_store_open(f->dir, "payment", "xinxing", &f->store, &office_id))
    return -1;
  struct audit_actor cli = {office_id, 0, "test", "cli"};
  struct account_fields a = {office_id, 0, "p-clerk", "p-clerk", "", ROLE_CLERK};
  const char *reason;
  int64_t id = 0;
  if (accounts_create(f->store, &cli, &a, "password-long-enough", &id, &reason) ||
      store_service_list(f->store, office_id, true, &services))
    return -1;
  f->clerk = (struct case_actor){id, office_id, 0, ROLE_CLERK, "p-clerk", "127.0.0.1"};
  json_decref(services);
  configure();
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

static int64_t new_case(struct fixture *f, struct intake_result *r)
{
  json_t *services;
  assert_int_equal(store_service_list(f->store, f->clerk.office_id, true, &services), 0);
  int64_t service = json_integer_value(json_object_get(json_array_get(services, 0), "id"));
  json_decref(services);
  struct case_env env = {f->store, time(NULL)};
  struct intake_input in = {service, "陳大文",  "",      "0912345678", "",
                            "none",  "counter", "zh-TW", NULL,         0};
  const char *reason = NULL, *field = NULL;
  assert_int_equal(cases_intake(&env, &f->clerk, &in, r, &reason, &field), 0);
  return r->case_id;
}

/* Starts a payment of what the case owes; the order behind the redirect. */
static void start(struct fixture *f, time_t now, const char *token, struct sandbox_order *o)
{
  char redirect[PAYMENT_URL_MAX], buf[PAYMENT_URL_MAX];
  struct payment_field fields[16];
  struct case_env env = {f->store, now};
  struct payment_start_in in = {token, "http://127.0.0.1/p/t/pay/return",
                                "http://127.0.0.1:1/payments/callback/sandbox", "zh-TW", ""};
  const char *reason = NULL;
  assert_int_equal(payment_start(&env, &in, redirect, &reason), 0);
  size_t n = split(redirect, buf, sizeof(buf), fields, 16);
  assert_int_equal(payment_sandbox_order(fields, n, o), 0);
}

static int callback(struct fixture *f, time_t now, const struct sandbox_order *o,
                    enum payment_status outcome)
{
  struct sandbox_callback cb;
  struct case_env env = {f->store, now};
  const char *why;
  assert_int_equal(payment_sandbox_callback(o, outcome, now, &cb), 0);
  return payment_callback(&env, "sandbox", cb.fields, cb.count, &why);
}

/* The case's typed fee as of now (the read the pages make), strings in arena. */
static struct case_public_fee fee_of(struct fixture *f, struct arena *arena, int64_t case_id,
                                     time_t now)
{
  struct case_public_fee fee;
  assert_int_equal(payment_fee_read(f->store, arena, case_id, now, &fee), 0);
  return fee;
}

static size_t paid_count(const struct case_public_fee *fee)
{
  size_t n = 0;
  for (size_t i = 0; i < fee->payment_count; i++)
    n += strcmp(fee->payments[i].status, "paid") == 0;
  return n;
}

static void test_pending_to_paid_is_final(void **state)
{
  struct fixture *f = *state;
  struct intake_result r;
  struct sandbox_order o;
  time_t now = time(NULL);
  int64_t id = new_case(f, &r);
  assert_int_equal(payment_set_due(f->store, id, 50), 0);
  start(f, now, r.token, &o);
  assert_int_equal(o.amount, 50);
  /* the same case again: the same order while it is pending */
  struct sandbox_order again;
  start(f, now, r.token, &again);
  assert_string_equal(again.order_no, o.order_no);

  assert_int_equal(callback(f, now, &o, PAYMENT_PAID), 0);
  assert_int_equal(callback(f, now, &o, PAYMENT_PAID), 0); /* repeated: nothing more */
  assert_int_equal(callback(f, now, &o, PAYMENT_FAILED), ST_CONFLICT);
  struct arena *arena = arena_new(1 << 20);
  struct case_public_fee fee = fee_of(f, arena, id, now);
  assert_int_equal(fee.paid, 50);
  assert_int_equal(fee.outstanding, 0);
  assert_int_equal(paid_count(&fee), 1);
  assert_null(fee.pending);
  int64_t events = 0;
  assert_int_equal(store_case_event_count(f->store, id, "payment_paid", &events), 0);
  assert_int_equal(events, 1);
  assert_int_equal(store_case_event_count(f->store, id, "fee_due", &events), 0);
  assert_int_equal(events, 1);
  /* nothing due any more: no new payment */
  char redirect[PAYMENT_URL_MAX];
  struct case_env env = {f->store, now};
  struct payment_start_in in = {r.token, "http://x/r", "http://x/n", "en", ""};
  const char *reason = NULL;
  assert_int_equal(payment_start(&env, &in, redirect, &reason), ST_INVALID);
  assert_string_equal(reason, "payment_err_nothing_due");
  /* the fee raised: the difference is due */
  assert_int_equal(payment_set_due(f->store, id, 80), 0);
  assert_int_equal(fee_of(f, arena, id, now).outstanding, 30);
  arena_free(arena);
}

static void test_pending_to_failed_then_again(void **state)
{
  struct fixture *f = *state;
  struct intake_result r;
  struct sandbox_order o, second;
  time_t now = time(NULL);
  int64_t id = new_case(f, &r);
  assert_int_equal(payment_set_due(f->store, id, 20), 0);
  start(f, now, r.token, &o);
  assert_int_equal(callback(f, now, &o, PAYMENT_FAILED), 0);
  assert_int_equal(callback(f, now, &o, PAYMENT_PAID), ST_CONFLICT); /* failed is final */
  start(f, now, r.token, &second);
  assert_string_not_equal(second.order_no, o.order_no);
  assert_int_equal(callback(f, now, &second, PAYMENT_PAID), 0);
  struct arena *arena = arena_new(1 << 20);
  struct case_public_fee fee = fee_of(f, arena, id, now);
  assert_int_equal(fee.paid, 20);
  assert_int_equal(fee.payment_count, 2);
  assert_string_equal(fee.payments[0].order_no, second.order_no); /* newest first */
  assert_string_equal(fee.payments[1].status, "failed");
  arena_free(arena);
}

static void test_pending_to_expired(void **state)
{
  struct fixture *f = *state;
  struct intake_result r;
  struct sandbox_order o;
  time_t now = time(NULL);
  int64_t id = new_case(f, &r);
  assert_int_equal(payment_set_due(f->store, id, 20), 0);
  start(f, now, r.token, &o);
  /* shown as expired at once, recorded by the scan */
  struct arena *arena = arena_new(1 << 20);
  struct case_public_fee fee = fee_of(f, arena, id, now + 601);
  assert_int_equal(fee.payment_count, 1);
  assert_string_equal(fee.payments[0].status, "expired");
  assert_null(fee.pending);
  assert_string_equal(fee_of(f, arena, id, now).payments[0].status, "pending");
  arena_free(arena);
  struct case_env later = {f->store, now + 601};
  int64_t count = 0;
  assert_int_equal(payment_expire_due(&later, &count), 0);
  assert_true(count >= 1);
  assert_int_equal(payment_expire_due(&later, &count), 0);
  assert_int_equal(count, 0);
  assert_int_equal(callback(f, now + 602, &o, PAYMENT_PAID), ST_CONFLICT);
  int64_t events = 0;
  assert_int_equal(store_case_event_count(f->store, id, "payment_expired", &events), 0);
  assert_int_equal(events, 1);
  /* an unknown order and a bad amount change nothing */
  struct sandbox_order unknown = o;
  snprintf(unknown.order_no, sizeof(unknown.order_no), "BMZZZZZZZZZZZZZZZZZZ");
  assert_int_equal(callback(f, now, &unknown, PAYMENT_PAID), ST_NOTFOUND);
}

static void test_staff_sets_due(void **state)
{
  struct fixture *f = *state;
  struct intake_result r;
  int64_t id = new_case(f, &r);
  struct case_env env = {f->store, time(NULL)};
  const char *reason = NULL;
  assert_int_equal(payment_set_due_by_staff(&env, &f->clerk, id, "abc", &reason), ST_INVALID);
  assert_string_equal(reason, "payment_err_amount");
  assert_int_equal(payment_set_due_by_staff(&env, &f->clerk, id, "100000001", &reason), ST_INVALID);
  assert_int_equal(payment_set_due_by_staff(&env, &f->clerk, id, " 35 ", &reason), 0);
  struct case_actor other = f->clerk;
  other.office_id += 1; /* another office's clerk: not found */
  assert_int_equal(payment_set_due_by_staff(&env, &other, id, "1", &reason), ST_NOTFOUND);
  struct arena *arena = arena_new(1 << 20);
  assert_int_equal(fee_of(f, arena, id, time(NULL)).due, 35);
  arena_free(arena);
}

int main(void)
{
  const struct CMUnitTest pure[] = {
      cmocka_unit_test(test_fee_for),
      cmocka_unit_test(test_status_rules),
      cmocka_unit_test(test_sandbox_order_signature),
      cmocka_unit_test(test_callback_signature),
  };
  const struct CMUnitTest stored[] = {
      cmocka_unit_test(test_pending_to_paid_is_final),
      cmocka_unit_test(test_pending_to_failed_then_again),
      cmocka_unit_test(test_pending_to_expired),
      cmocka_unit_test(test_staff_sets_due),
  };
  int failed = cmocka_run_group_tests(pure, NULL, NULL);
  return failed + cmocka_run_group_tests_name("stored", stored, store_setup, store_teardown);
}
