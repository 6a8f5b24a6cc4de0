/*
 * payment_provider.h - the seam between bianmin and a payment provider (金流服務). A provider is
 * one file that fills a struct payment_provider; payment.c picks the configured one by name
 * (`[payment] provider`) and never knows more about it than these functions.
 *
 * The flow every provider follows (docs/ARCHITECTURE.md "Fees and payments"):
 *   1. start: bianmin has recorded a pending payment with a random merchant order number and
 *      asks the provider where to send the citizen's browser (a 303 redirect) for that order;
 *      the provider may name its own reference for the payment at once. A gateway that must
 *      receive the order as a form the browser posts (ECPay's AioCheckOut) fills a
 *      payment_form instead (start_form); bianmin serves that form on a page of its own.
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
  PAYMENT_CURRENCY_LEN = 3,
  PAYMENT_FORM_FIELDS_MAX = 24, /* fields of a form-post order */
  PAYMENT_FORM_NAME_MAX = 32,   /* a field name, with the NUL */
  PAYMENT_FORM_VALUE_MAX = 640  /* a field value, with the NUL (ECPay's ItemName: 400 chars) */
};

/* How the citizen may pay at the gateway: chosen on bianmin's pay page, or left to the
 * gateway's own page (PAYMENT_METHOD_ANY). */
enum payment_method {
  PAYMENT_METHOD_ANY,
  PAYMENT_METHOD_CARD,
  PAYMENT_METHOD_TWQR,
  PAYMENT_METHOD_ATM
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
  int64_t created_at;      /* unix seconds: when the payment was recorded (the order's date) */
  enum payment_method method;
};

/* An order the browser must post to the gateway: action and its fields, in order. */
struct payment_form {
  char action[PAYMENT_URL_MAX];
  size_t count;
  struct payment_form_field {
    char name[PAYMENT_FORM_NAME_MAX];
    char value[PAYMENT_FORM_VALUE_MAX];
  } fields[PAYMENT_FORM_FIELDS_MAX];
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
  enum payment_status status; /* PAYMENT_PAID, PAYMENT_FAILED or PAYMENT_EXPIRED; or
                                 PAYMENT_PENDING with how to pay (an ATM transfer) below */
  int64_t paid_at;            /* unix seconds, when paid */
  /* With PAYMENT_PENDING: the bank and virtual account the citizen transfers to, and the last
   * moment the transfer is accepted (unix seconds; the payment stays pending until then). */
  char bank_code[8];
  char account[32];
  int64_t pay_by;
};

struct payment_provider {
  /* [a-z0-9_]+: the configuration name and the callback path /payments/callback/{name}. */
  const char *name;
  /* Where to send the browser for order (absolute URL into url) and the provider's reference
   * for it ("" when the provider names it only in the callback). ST_OK, or a status code. */
  int (*start)(const struct payment_order *order, char *url, size_t url_size, char *ref,
               size_t ref_size);
  /* Optional (NULL: start is used): the order as a form the browser posts (form->action is the
   * gateway's absolute URL) and the provider's reference ("" until the callback names it).
   * The same order (with its created_at) gives the same form, so the page may be served
   * again. ST_OK, or a status code. */
  int (*start_form)(const struct payment_order *order, struct payment_form *form, char *ref,
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
/* ECPay's all-in-one payment (綠界 AIO, payment_ecpay.c): the order form, CheckMacValue, the
 * payment and ATM notifications and QueryTradeInfo/V5. */
extern const struct payment_provider payment_ecpay;

#endif
