/*
 * payment_provider.h - the seam between bianmin and a payment provider (金流服務). A provider is
 * one file that fills a struct payment_provider; payment.c picks the configured one by name
 * (`[payment] provider`) and never knows more about it than these functions.
 *
 * The flow every provider follows (docs/ARCHITECTURE.md "Fees and payments"):
 *   1. start: bianmin has recorded a pending payment with a random merchant order number and
 *      asks the provider where to send the citizen's browser (a 303 redirect) for that order;
 *      the provider may name its own reference for the payment at once.
 *   2. The citizen pays (or not) on the provider's pages.
 *   3. The provider calls bianmin back server to server: POST /payments/callback/{name} with
 *      its fields; verify checks their signature in constant time and says what happened. The
 *      browser is sent back to the return URL separately; nothing depends on it coming back.
 *   4. query (optional): asks the provider about a payment that is still pending.
 *
 * Providers know nothing of cases, stores or HTTP: they turn an order into a URL and fields
 * into a verdict, so they are tested as pure functions.
 */
#ifndef BIANMIN_DOMAIN_PAYMENT_PROVIDER_H
#define BIANMIN_DOMAIN_PAYMENT_PROVIDER_H

#include <stddef.h>
#include <stdint.h>

enum {
  PAYMENT_ORDER_NO_LEN = 20, /* "BM" + 18 characters: fits every Taiwanese gateway's limit */
  PAYMENT_REF_MAX = 64,      /* a provider's reference for a payment, with the NUL */
  PAYMENT_URL_MAX = 2048,    /* a redirect URL, with the NUL */
  PAYMENT_CURRENCY_LEN = 3
};

enum payment_status {
  PAYMENT_PENDING,
  PAYMENT_PAID,
  PAYMENT_FAILED,
  PAYMENT_EXPIRED,
  PAYMENT_REFUNDED
};

/* What bianmin asks a provider to collect. All strings are set (may be ""). */
struct payment_order {
  const char *order_no;    /* the merchant order number, PAYMENT_ORDER_NO_LEN characters */
  int64_t amount;          /* whole NT$, > 0 */
  const char *currency;    /* "TWD" */
  const char *merchant;    /* the office's slug */
  const char *description; /* e.g. "115-HB04-000012 地籍謄本" */
  const char *lang;        /* "zh-TW" or "en": the language of the provider's pages */
  int64_t expires_at;      /* unix seconds: the payment may not be made after this */
  const char *return_url;  /* absolute: where the provider sends the browser afterwards */
  const char *notify_url;  /* absolute: where the provider posts its callback */
};

/* One field of a callback (a form field of the provider's POST). */
struct payment_field {
  const char *name;
  const char *value;
};

/* What a verified callback (or a query) says about a payment. */
struct payment_result {
  char order_no[PAYMENT_ORDER_NO_LEN + 1];
  char provider_ref[PAYMENT_REF_MAX];
  int64_t amount;
  char currency[PAYMENT_CURRENCY_LEN + 1];
  enum payment_status status; /* PAYMENT_PAID, PAYMENT_FAILED or PAYMENT_EXPIRED */
  int64_t paid_at;            /* unix seconds, when paid */
};

struct payment_provider {
  /* [a-z0-9_]+: the configuration name and the callback path /payments/callback/{name}. */
  const char *name;
  /* Where to send the browser for order (absolute URL into url) and the provider's reference
   * for it ("" when the provider names it only in the callback). ST_OK, or a status code. */
  int (*start)(const struct payment_order *order, char *url, size_t url_size, char *ref,
               size_t ref_size);
  /* Checks a callback: ST_OK with *out filled when the signature is good (compared in
   * constant time) and the fields are complete; ST_INVALID otherwise (nothing in *out may be
   * trusted). */
  int (*verify)(const struct payment_field *fields, size_t count, struct payment_result *out);
  /* Optional (NULL): asks the provider about order_no; ST_NOTFOUND when it knows nothing yet. */
  int (*query)(const char *order_no, const char *ref, struct payment_result *out);
  /* The body to answer a good callback with (the provider's "received" word, e.g. "1|OK"). */
  const char *ack;
};

/* The providers compiled in (payment.c's table). NULL when name is not one of them. */
const struct payment_provider *payment_provider_find(const char *name);

/* The sandbox provider (payment_sandbox.c): its pages are served by bianmin itself under
 * /sandbox/pay (web/payments/sandbox.c). */
extern const struct payment_provider payment_sandbox;

#endif
