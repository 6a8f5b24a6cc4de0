/*
 * payment.h - fees owed on cases and paying them online (線上繳費). A case owes an amount
 * (payment_set_due: computed at an online submission with payment_fee_for, or set by staff on
 * the case page); the applicant pays what is outstanding through the configured payment
 * provider (payment_provider.h) from the case's QR-token page /p/{token}. Every change is one
 * transaction with its timeline event on the case.
 *
 * A payment is pending until the provider's signed callback says paid or failed, or until its
 * expires_at passes (expired: marked by the deadline scanner, payment_expire_due, and shown as
 * such at once by payment_fee_read). pending -> paid | failed | expired; paid may later become
 * refunded (not offered yet); every other status is final. A callback repeating the status a
 * payment already has changes nothing and is answered as accepted (providers retry).
 */
#ifndef BIANMIN_DOMAIN_PAYMENT_H
#define BIANMIN_DOMAIN_PAYMENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/civil.h"
#include "domain/case_read.h"
#include "domain/cases.h"
#include "domain/payment_provider.h"

struct store; /* a connection: web only passes it on (ARCHITECTURE.md, Layers) */

enum {
  PAYMENT_AMOUNT_MAX = 100000000, /* NT$ on one case: far above any fee an office charges */
  PAYMENT_COPIES_MAX = 1000,      /* copies on one application */
  PAYMENT_SECRET_BYTES = 32,
  PAYMENT_EXPIRY_DEFAULT = 1800 /* seconds a started payment may be completed in */
};

/* Process-wide settings, set once at start before threads (payment_configure copies them). */
struct payment_settings {
  char provider[40]; /* "" = online payment off; otherwise a payment_provider_find name */
  unsigned char sandbox_secret[PAYMENT_SECRET_BYTES]; /* the sandbox's HMAC key */
  char callback_url[256]; /* base URL providers call back ("" = the address of the request) */
  int expiry_seconds;     /* how long a started payment stays pending */
  /* ECPay (payment_ecpay.c): the merchant id and the keys of CheckMacValue, and the gateway's
   * base URL (https://payment.ecpay.com.tw, or the stage's, or a test's fake). */
  char ecpay_merchant_id[40];
  char ecpay_hash_key[40];
  char ecpay_hash_iv[40];
  char ecpay_url[256];
};

/* ST_INVALID when the provider is not compiled in, or is ecpay without its merchant id, key,
 * IV and URL. */
int payment_configure(const struct payment_settings *settings);
const struct payment_settings *payment_settings(void);
/* The configured provider, or NULL when online payment is off. */
const struct payment_provider *payment_provider(void);

const char *payment_status_name(enum payment_status status);
int payment_status_parse(const char *name, enum payment_status *out);
/* Whether a payment may move from `from` to `to` (to == from is not a move). */
bool payment_transition_ok(enum payment_status from, enum payment_status to);

/* The fee of an application: the service's fee_amount times the numeric answer "copies" when
 * the service's form has a number question "copies" (an absent answer counts as one copy),
 * else fee_amount; 0 when the service names no amount. ST_INVALID for copies that are not a
 * whole number from 1 to PAYMENT_COPIES_MAX, or an amount above PAYMENT_AMOUNT_MAX. */
int payment_fee_for(const json_t *service, const json_t *answers, int64_t *amount);

/* The fee of an application on `today`: from the service's fee schedule (domain/fee_schedule.h)
 * when it has one, with the answers as its inputs, else payment_fee_for. An answer "waiver" is
 * ignored unless allow_waiver (only a clerk at the counter may apply one). *working (optional)
 * receives the working as fee_work_to_json gives it (NULL when the old rule applied).
 * ST_INVALID for answers the schedule refuses (*e says which) or a schedule that does not
 * parse. */
struct fee_error;
int payment_fee_on(const json_t *service, const json_t *answers, struct civil_date today,
                   bool allow_waiver, int64_t *amount, json_t **working, struct fee_error *e);

/* Records that case_id owes amount (NT$, 0..PAYMENT_AMOUNT_MAX) with a public timeline event
 * ("fee due NT$x"), as the system (for online submissions). Joins the caller's transaction
 * when one is open. */
int payment_set_due(struct store *store, int64_t case_id, int64_t amount);
/* The same for a fee computed from the service's fee schedule at the counter: inside the
 * caller's transaction, named after the clerk, the event's data {"amount", "working"} keeping
 * the working (fee_work_to_json) that the fee receipt prints. */
int payment_set_due_worked(struct store *store, int64_t office_id, int64_t case_id, int64_t amount,
                           int64_t now, const char *actor, int64_t actor_id, json_t *working);
/* The same by staff on the case page: handlers, supervisors and clerks who may act on the case
 * (case_may_act); audited. ST_INVALID / ST_FORBIDDEN with *reason a translation key. */
int payment_set_due_by_staff(const struct case_env *env, const struct case_actor *actor,
                             int64_t case_id, const char *amount_text, const char **reason);

/* What is owed and paid on a case (read only), typed as the read models have it
 * (domain/case_read.h: payments newest first, a pending one past its expiry read as "expired"),
 * strings in arena; for a caller's read transaction or none. */
struct arena;
struct case_public_fee;
int payment_fee_read(struct store *store, struct arena *arena, int64_t case_id, time_t now,
                     struct case_public_fee *out);

/* Where a started payment should take the browser: the provider's URL for a new pending
 * payment of what the case behind token owes (or for its pending one, still valid). */
struct payment_start_in {
  const char *token;      /* the case's QR token */
  const char *return_url; /* absolute URL of the return page (without ?order=) */
  const char *notify_url; /* absolute URL of the callback endpoint */
  const char *lang;
  const char *description;
  /* URL of bianmin's page that posts a form provider's order (without ?order=): the redirect
   * for providers with start_form. */
  const char *form_url;
};
int payment_start(const struct case_env *env, const struct payment_start_in *in,
                  char redirect[PAYMENT_URL_MAX], const char **reason);
/* The order form of a form-post provider's pending payment order_no of the case behind
 * in->token, rebuilt from the stored payment for method. ST_NOTFOUND when the payment is not
 * that case's, ST_INVALID when it is no longer pending or the provider posts no forms. */
int payment_form_for_token(const struct case_env *env, const struct payment_start_in *in,
                           const char *order_no, enum payment_method method,
                           struct payment_form *form);
/* "card", "twqr", "atm" or anything else (the gateway's choice) as a payment method. */
enum payment_method payment_method_parse(const char *name);

/* A provider's callback: verifies it with the named provider and applies it. ST_OK when
 * applied or already applied (idempotent); ST_INVALID for a bad signature or fields,
 * ST_NOTFOUND for an unknown order, ST_CONFLICT for an amount or currency that does not match
 * or a status that contradicts a final one. Nothing changes unless ST_OK. *why says what was
 * wrong, for the log. */
int payment_callback(const struct case_env *env, const char *provider,
                     const struct payment_field *fields, size_t count, const char **why);

/* What the page a provider sends the citizen back to shows (typed, in arena): the case as its
 * token shows it (domain/case_read.h), the payment with this order number among its payments,
 * and for a pending ATM transfer the account to pay into. Before the read, a pending payment
 * past expiry is marked expired and one still pending is asked about when the provider can be
 * queried (best effort: the callback may still come). ST_NOTFOUND when the order is not that
 * case's (or either is unknown). */
struct payment_atm {
  bool given; /* the provider gave an account for this order */
  const char *bank_code, *account;
  int64_t pay_by; /* 0: not said */
};
struct payment_return {
  struct case_public c;
  const struct case_public_payment *payment; /* one of c.fee.payments */
  struct payment_atm atm;
};
int payment_return_read(const struct case_env *env, struct arena *arena, const char *token,
                        const char *order_no, struct payment_return *out);

/* Marks pending payments past their expiry as expired (the deadline scanner). */
int payment_expire_due(const struct case_env *env, int64_t *count);

/* The sandbox's own side (payment_sandbox.c), used by its pages (web/payments/sandbox.c): the
 * order the sandbox page was opened with, checked against the merchant's signature. */
struct sandbox_order {
  char order_no[PAYMENT_ORDER_NO_LEN + 1];
  char ref[PAYMENT_REF_MAX];
  int64_t amount;
  char currency[PAYMENT_CURRENCY_LEN + 1];
  char merchant[64];
  char description[256];
  char lang[8];
  int64_t expires_at;
  char return_url[PAYMENT_URL_MAX];
  char notify_url[PAYMENT_URL_MAX];
};
/* ST_OK when the fields (the sandbox page's query or form) carry a well-signed order. */
int payment_sandbox_order(const struct payment_field *fields, size_t count,
                          struct sandbox_order *out);
/* The signed callback the sandbox sends for outcome (PAYMENT_PAID or PAYMENT_FAILED) at now. */
struct sandbox_callback {
  struct payment_field fields[8];
  size_t count;
  char amount[24], paid_at[24], time[24], status[16], sig[65];
};
int payment_sandbox_callback(const struct sandbox_order *order, enum payment_status outcome,
                             int64_t now, struct sandbox_callback *out);

/* ECPay (payment_ecpay.c), for its tests: CheckMacValue of the fields (CheckMacValue itself
 * left out) under hash_key and hash_iv, as 64 upper-case hex characters; and a time of its
 * messages ("yyyy/MM/dd HH:mm:ss" or "yyyy/MM/dd" = that day's last second, Taiwan time). */
int payment_ecpay_mac(const struct payment_field *fields, size_t count, const char *hash_key,
                      const char *hash_iv, char out[65]);
int payment_ecpay_parse_time(const char *text, int64_t *out);

#endif
