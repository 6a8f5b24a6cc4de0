/*
 * payment_ecpay.c - ECPay's all-in-one payment (綠界全方位金流 AIO), as documented on
 * developers.ecpay.com.tw: the order form the browser posts to /Cashier/AioCheckOut/V5, the
 * server-to-server payment notification (ReturnURL) and ATM notice (PaymentInfoURL), both
 * answered "1|OK", and QueryTradeInfo/V5 for a payment still pending.
 *
 * Every message carries CheckMacValue: the fields but CheckMacValue sorted by name (ignoring
 * case), joined as "k=v&...", wrapped as "HashKey=...&" ... "&HashIV=...", URL-encoded as .NET's
 * HttpUtility.UrlEncode does (space as '+', "-_.!*()" kept, the rest %xx), lower-cased, hashed
 * with SHA-256 and written as upper-case hex (EncryptType=1). Notifications are verified in
 * constant time and must name our MerchantID; a simulated payment (SimulatePaid=1, made from
 * the stage's back office) is refused unless the gateway is not the production one.
 *
 * Times in ECPay's messages are Taiwan time (UTC+8, no daylight saving) as yyyy/MM/dd
 * HH:mm:ss. Money is whole NT$.
 */
#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/civil.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/str.h"
#include "domain/payment.h"

#include "base/common.h"

enum {
  MAC_TEXT_MAX = 32 * 1024,   /* the encoded text a CheckMacValue is computed over */
  MAC_HEX = 64,               /* SHA-256 as hex */
  ATM_DAYS = 3,               /* ExpireDate: days an ATM virtual account stays valid */
  QUERY_TIMEOUT_SECONDS = 10, /* QueryTradeInfo */
  QUERY_BODY_MAX = 8192,
  QUERY_FIELDS_MAX = 40,
  ITEM_NAME_MAX = 400 /* bytes of ItemName we send (ECPay cuts at 400 characters) */
};

static const char production_url[] = "https://payment.ecpay.com.tw";

/* ---- CheckMacValue ------------------------------------------------------------------------ */

/* Appends v encoded as .NET's HttpUtility.UrlEncode does, lower-cased. */
static int append_net_encoded(struct buf *b, const char *v)
{
  static const char hex[] = "0123456789abcdef";
  int rc = ST_OK;
  for (const unsigned char *p = (const unsigned char *)v; *p && !rc; p++) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr("-_.!*()", *p))
      rc = buf_putc(b, (char)*p);
    else if (*p >= 'A' && *p <= 'Z')
      rc = buf_putc(b, (char)(*p - 'A' + 'a'));
    else if (*p == ' ')
      rc = buf_putc(b, '+');
    else
      rc = buf_append(b, (char[3]){'%', hex[*p >> 4], hex[*p & 15]}, 3);
  }
  return rc;
}

static int by_name(const void *a, const void *b)
{
  return strcasecmp((*(const struct payment_field *const *)a)->name,
                    (*(const struct payment_field *const *)b)->name);
}

/* The fields but CheckMacValue, sorted by name ignoring case, into order (count of them). */
static size_t sorted(const struct payment_field *fields, size_t count,
                     const struct payment_field **order)
{
  size_t n = 0;
  for (size_t i = 0; i < count; i++)
    if (fields[i].name && fields[i].value && strcmp(fields[i].name, "CheckMacValue") != 0)
      order[n++] = &fields[i];
  qsort(order, n, sizeof(*order), by_name);
  return n;
}

/* The encoded text "HashKey=..&k=v..&HashIV=.." of the fields into b. */
static int mac_text(struct buf *b, const struct payment_field *fields, size_t count,
                    const char *key, const char *iv)
{
  const struct payment_field **order = malloc((count ? count : 1) * sizeof(*order));
  if (!order)
    return ST_NOMEM;
  size_t n = sorted(fields, count, order);
  int rc = append_net_encoded(b, "HashKey=");
  if (!rc)
    rc = append_net_encoded(b, key);
  for (size_t i = 0; i < n && !rc; i++) {
    rc = append_net_encoded(b, "&");
    if (!rc)
      rc = append_net_encoded(b, order[i]->name);
    if (!rc)
      rc = append_net_encoded(b, "=");
    if (!rc)
      rc = append_net_encoded(b, order[i]->value);
  }
  if (!rc)
    rc = append_net_encoded(b, "&HashIV=");
  if (!rc)
    rc = append_net_encoded(b, iv);
  free(order);
  return rc;
}

int payment_ecpay_mac(const struct payment_field *fields, size_t count, const char *hash_key,
                      const char *hash_iv, char out[MAC_HEX + 1])
{
  static const char hex[] = "0123456789ABCDEF";
  unsigned char digest[crypto_hash_sha256_BYTES];
  struct buf b;
  buf_init(&b, MAC_TEXT_MAX);
  int rc = mac_text(&b, fields, count, hash_key, hash_iv);
  if (!rc)
    crypto_hash_sha256(digest, (const unsigned char *)b.data, b.len);
  buf_free(&b);
  out[0] = '\0';
  if (rc)
    return rc;
  for (size_t i = 0; i < sizeof(digest); i++) {
    out[2 * i] = hex[digest[i] >> 4];
    out[2 * i + 1] = hex[digest[i] & 15];
  }
  out[MAC_HEX] = '\0';
  return ST_OK;
}

static const char *field_value(const struct payment_field *fields, size_t count, const char *name)
{
  for (size_t i = 0; i < count; i++)
    if (fields[i].name && strcmp(fields[i].name, name) == 0)
      return fields[i].value;
  return NULL;
}

/* ST_OK when the fields carry our MerchantID and a CheckMacValue that matches them. */
static int check_mac(const struct payment_field *fields, size_t count)
{
  const struct payment_settings *s = payment_settings();
  const char *sent = field_value(fields, count, "CheckMacValue");
  const char *merchant = field_value(fields, count, "MerchantID");
  char want[MAC_HEX + 1];
  if (!sent || strlen(sent) != MAC_HEX || !merchant || strcmp(merchant, s->ecpay_merchant_id) ||
      payment_ecpay_mac(fields, count, s->ecpay_hash_key, s->ecpay_hash_iv, want))
    return ST_INVALID;
  return sodium_memcmp(want, sent, MAC_HEX) == 0 ? ST_OK : ST_INVALID;
}

/* ---- Taiwan time ---------------------------------------------------------------------------- */

static bool digits(const char *s, size_t n, int max, int *out)
{
  *out = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return false;
    *out = *out * 10 + (s[i] - '0');
  }
  return *out <= max;
}

/* "yyyy/MM/dd", a real date from 1970 (civil_valid). */
static bool parse_date(const char *t, struct civil_date *d)
{
  return t[4] == '/' && t[7] == '/' && digits(t, 4, 9999, &d->year) &&
         digits(t + 5, 2, 12, &d->month) && digits(t + 8, 2, 31, &d->day) && d->year >= 1970 &&
         civil_valid(*d);
}

/* " HH:mm:ss" */
static bool parse_clock(const char *t, struct civil_time *w)
{
  return t[0] == ' ' && t[3] == ':' && t[6] == ':' && digits(t + 1, 2, 23, &w->hour) &&
         digits(t + 4, 2, 59, &w->minute) && digits(t + 7, 2, 59, &w->second);
}

/* "yyyy/MM/dd" or "yyyy/MM/dd HH:mm:ss" in Taiwan time as unix seconds (a date alone: the
 * last second of that day). */
int payment_ecpay_parse_time(const char *text, int64_t *out)
{
  struct civil_time w = {.hour = 23, .minute = 59, .second = 59};
  size_t n = text ? strlen(text) : 0;
  if ((n != 10 && n != 19) || !parse_date(text, &w.date) ||
      (n == 19 && !parse_clock(text + 10, &w)))
    return ST_INVALID;
  *out = (int64_t)civil_unix(w, CIVIL_TAIPEI_UTC_OFFSET);
  return ST_OK;
}

static void taiwan_time(int64_t t, char out[40])
{
  struct civil_time w = civil_taipei((time_t)t);
  snprintf(out, 40, "%04d/%02d/%02d %02d:%02d:%02d", w.date.year, w.date.month, w.date.day, w.hour,
           w.minute, w.second);
}

/* ---- the order form ------------------------------------------------------------------------ */

static int form_add(struct payment_form *f, const char *name, const char *value)
{
  if (f->count >= PAYMENT_FORM_FIELDS_MAX || strlen(name) >= PAYMENT_FORM_NAME_MAX ||
      strlen(value) >= PAYMENT_FORM_VALUE_MAX)
    return ST_LIMIT;
  for (const unsigned char *p = (const unsigned char *)value; *p; p++)
    if (*p < 0x20 || *p == 0x7f)
      return ST_INVALID; /* nothing a form could carry unchanged */
  snprintf(f->fields[f->count].name, PAYMENT_FORM_NAME_MAX, "%s", name);
  snprintf(f->fields[f->count].value, PAYMENT_FORM_VALUE_MAX, "%s", value);
  f->count++;
  return ST_OK;
}

/* ItemName: the description without '#' (ECPay's item separator), at most ITEM_NAME_MAX bytes
 * cut on a character boundary. */
static void item_name(const char *description, char out[ITEM_NAME_MAX + 1])
{
  size_t len = strlen(description), n = len < ITEM_NAME_MAX ? len : ITEM_NAME_MAX;
  while (n < len && n > 0 && ((unsigned char)description[n] & 0xC0) == 0x80)
    n--; /* cut before the character that did not fit, not inside it */
  for (size_t i = 0; i < n; i++)
    out[i] = description[i] == '#' ? ' ' : description[i];
  out[n] = '\0';
}

static const char *choose_payment(enum payment_method m)
{
  switch (m) {
  case PAYMENT_METHOD_CARD:
    return "Credit";
  case PAYMENT_METHOD_TWQR:
    return "TWQR";
  case PAYMENT_METHOD_ATM:
    return "ATM";
  default:
    return "ALL";
  }
}

/* The fields of AioCheckOut for order o, without CheckMacValue (a NULL value: not sent). */
static int order_fields(const struct payment_order *o, struct payment_form *f)
{
  const struct payment_settings *s = payment_settings();
  char amount[24], date[40], item[ITEM_NAME_MAX + 1], days[8];
  snprintf(amount, sizeof(amount), "%lld", (long long)o->amount);
  snprintf(days, sizeof(days), "%d", ATM_DAYS);
  taiwan_time(o->created_at, date);
  item_name(o->description, item);
  bool any = o->method == PAYMENT_METHOD_ANY, atm = any || o->method == PAYMENT_METHOD_ATM;
  const struct payment_field fields[] = {
      {"MerchantID", s->ecpay_merchant_id},
      {"MerchantTradeNo", o->order_no},
      {"MerchantTradeDate", date},
      {"PaymentType", "aio"},
      {"TotalAmount", amount},
      {"TradeDesc", o->merchant[0] ? o->merchant : "bianmin"},
      {"ItemName", item[0] ? item : o->order_no},
      {"ReturnURL", o->notify_url},
      {"ChoosePayment", choose_payment(o->method)},
      {"EncryptType", "1"},
      {"ClientBackURL", o->return_url},
      /* only what bianmin knows how to follow up */
      {"IgnorePayment", any ? "WebATM#CVS#BARCODE#ApplePay#BNPL" : NULL},
      {"PaymentInfoURL", atm ? o->notify_url : NULL},
      {"ExpireDate", atm ? days : NULL},
      {"Language", o->lang && !strcmp(o->lang, "en") ? "ENG" : NULL}};
  int rc = ST_OK;
  for (size_t i = 0; !rc && i < ARRAY_LEN(fields); i++)
    if (fields[i].value)
      rc = form_add(f, fields[i].name, fields[i].value);
  return rc;
}

static int ecpay_start_form(const struct payment_order *o, struct payment_form *f, char *ref,
                            size_t ref_size)
{
  const struct payment_settings *s = payment_settings();
  struct payment_field fields[PAYMENT_FORM_FIELDS_MAX];
  char mac[MAC_HEX + 1];
  memset(f, 0, sizeof(*f));
  if (ref_size)
    ref[0] = '\0'; /* ECPay names its TradeNo in the notification */
  if (snprintf(f->action, sizeof(f->action), "%s/Cashier/AioCheckOut/V5", s->ecpay_url) >=
      (int)sizeof(f->action))
    return ST_LIMIT;
  int rc = order_fields(o, f);
  for (size_t i = 0; !rc && i < f->count; i++)
    fields[i] = (struct payment_field){f->fields[i].name, f->fields[i].value};
  if (!rc)
    rc = payment_ecpay_mac(fields, f->count, s->ecpay_hash_key, s->ecpay_hash_iv, mac);
  return rc ? rc : form_add(f, "CheckMacValue", mac);
}

/* ---- notifications ------------------------------------------------------------------------- */

static bool copy_text(char *out, size_t size, const char *v)
{
  if (!v || !v[0] || strlen(v) >= size)
    return false;
  memcpy(out, v, strlen(v) + 1);
  return true;
}

static bool parse_int(const char *v, int64_t min, int64_t max, int64_t *out)
{
  return v && str_to_int64(str_from(v), min, max, out) == ST_OK;
}

/* What RtnCode (with the fields around it) says: paid, an ATM account (pending) or failed. */
static int outcome(const struct payment_field *f, size_t n, struct payment_result *out)
{
  const char *code = field_value(f, n, "RtnCode"), *simulated = field_value(f, n, "SimulatePaid");
  if (!code)
    return ST_INVALID;
  if (!strcmp(code, "1")) {
    if (simulated && !strcmp(simulated, "1") &&
        !strcmp(payment_settings()->ecpay_url, production_url))
      return ST_INVALID; /* the stage back office's simulated payment: no money moved */
    out->status = PAYMENT_PAID;
    return payment_ecpay_parse_time(field_value(f, n, "PaymentDate"), &out->paid_at);
  }
  if (field_value(f, n, "vAccount") && !strcmp(code, "2")) {
    out->status = PAYMENT_PENDING;
    if (!copy_text(out->bank_code, sizeof(out->bank_code), field_value(f, n, "BankCode")) ||
        !copy_text(out->account, sizeof(out->account), field_value(f, n, "vAccount")))
      return ST_INVALID;
    return payment_ecpay_parse_time(field_value(f, n, "ExpireDate"), &out->pay_by);
  }
  if (field_value(f, n, "PaymentNo"))
    return ST_INVALID; /* a convenience-store code: not a method bianmin offers */
  out->status = PAYMENT_FAILED;
  return ST_OK;
}

static int result_of(const struct payment_field *f, size_t n, const char *amount_field,
                     struct payment_result *out)
{
  memset(out, 0, sizeof(*out));
  const char *ref = field_value(f, n, "TradeNo");
  if (!copy_text(out->order_no, sizeof(out->order_no), field_value(f, n, "MerchantTradeNo")) ||
      !parse_int(field_value(f, n, amount_field), 1, PAYMENT_AMOUNT_MAX, &out->amount) ||
      (ref && strlen(ref) >= sizeof(out->provider_ref)))
    return ST_INVALID;
  snprintf(out->provider_ref, sizeof(out->provider_ref), "%s", ref ? ref : "");
  memcpy(out->currency, "TWD", 4);
  return ST_OK;
}

static int ecpay_verify(const struct payment_field *fields, size_t count,
                        struct payment_result *out)
{
  memset(out, 0, sizeof(*out));
  if (check_mac(fields, count) || result_of(fields, count, "TradeAmt", out) ||
      outcome(fields, count, out)) {
    memset(out, 0, sizeof(*out));
    return ST_INVALID;
  }
  return ST_OK;
}

/* ---- QueryTradeInfo/V5 ---------------------------------------------------------------------- */

static size_t collect(char *data, size_t size, size_t n, void *arg)
{
  struct buf *b = arg;
  return buf_append(b, data, size * n) == ST_OK ? size * n : 0;
}

/* Decodes an application/x-www-form-urlencoded body in place into fields. */
static size_t parse_body(char *body, struct payment_field *fields, size_t max)
{
  size_t n = 0;
  for (char *pair = body; pair && *pair && n < max;) {
    char *next = strchr(pair, '&'), *eq;
    if (next)
      *next++ = '\0';
    eq = strchr(pair, '=');
    if (eq) {
      *eq = '\0';
      fields[n++] = (struct payment_field){pair, eq + 1};
    }
    pair = next;
  }
  for (size_t i = 0; i < n; i++) {
    char *w = (char *)fields[i].value;
    for (const char *r = fields[i].value; *r; r++) {
      int hi = r[0] == '%' ? str_hex_value(r[1]) : -1, lo = hi >= 0 ? str_hex_value(r[2]) : -1;
      *w++ = lo >= 0 ? (char)(hi * 16 + lo) : (*r == '+' ? ' ' : *r);
      r += lo >= 0 ? 2 : 0;
    }
    *w = '\0';
  }
  return n;
}

/* POSTs the signed query for order_no; the answer's body into body. */
static int post_query(const char *order_no, struct buf *body)
{
  const struct payment_settings *s = payment_settings();
  char stamp[24], mac[MAC_HEX + 1], url[PAYMENT_URL_MAX], form[512];
  snprintf(stamp, sizeof(stamp), "%lld", (long long)clock_now());
  const struct payment_field f[] = {
      {"MerchantID", s->ecpay_merchant_id}, {"MerchantTradeNo", order_no}, {"TimeStamp", stamp}};
  int rc = payment_ecpay_mac(f, ARRAY_LEN(f), s->ecpay_hash_key, s->ecpay_hash_iv, mac);
  if (rc)
    return rc;
  snprintf(url, sizeof(url), "%s/Cashier/QueryTradeInfo/V5", s->ecpay_url);
  if (snprintf(form, sizeof(form), "MerchantID=%s&MerchantTradeNo=%s&TimeStamp=%s&CheckMacValue=%s",
               s->ecpay_merchant_id, order_no, stamp, mac) >= (int)sizeof(form))
    return ST_LIMIT;
  CURL *curl = curl_easy_init();
  if (!curl)
    return ST_NOMEM;
  curl_easy_setopt(curl, CURLOPT_URL, url);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, form);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)QUERY_TIMEOUT_SECONDS);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, body);
  long status = 0;
  CURLcode cc = curl_easy_perform(curl);
  if (cc == CURLE_OK)
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(curl);
  if (cc != CURLE_OK || status != 200) {
    log_warn("ECPay QueryTradeInfo for %s failed: %s (HTTP %ld)", order_no,
             cc == CURLE_OK ? "answered" : curl_easy_strerror(cc), status);
    return ST_IO;
  }
  return buf_putc(body, '\0');
}

/* TradeStatus: 1 paid, 10200095 failed, anything else (0: not paid yet) nothing to say. */
static int query_outcome(const struct payment_field *f, size_t n, struct payment_result *out)
{
  const char *status = field_value(f, n, "TradeStatus");
  if (!status)
    return ST_INVALID;
  if (!strcmp(status, "1")) {
    out->status = PAYMENT_PAID;
    return payment_ecpay_parse_time(field_value(f, n, "PaymentDate"), &out->paid_at);
  }
  if (!strcmp(status, "10200095")) {
    out->status = PAYMENT_FAILED;
    return ST_OK;
  }
  return ST_NOTFOUND;
}

static int ecpay_query(const char *order_no, const char *ref, struct payment_result *out)
{
  struct payment_field fields[QUERY_FIELDS_MAX];
  struct buf body;
  (void)ref;
  memset(out, 0, sizeof(*out));
  buf_init(&body, QUERY_BODY_MAX);
  int rc = post_query(order_no, &body);
  size_t n = rc ? 0 : parse_body(body.data, fields, ARRAY_LEN(fields));
  if (!rc && (check_mac(fields, n) || result_of(fields, n, "TradeAmt", out) ||
              strcmp(out->order_no, order_no)))
    rc = ST_INVALID;
  if (!rc)
    rc = query_outcome(fields, n, out);
  if (rc == ST_INVALID)
    log_warn("ECPay QueryTradeInfo for %s: the answer is not signed or not that order", order_no);
  buf_free(&body);
  if (rc)
    memset(out, 0, sizeof(*out));
  return rc;
}

const struct payment_provider payment_ecpay = {
    .name = "ecpay",
    .start = NULL,
    .start_form = ecpay_start_form,
    .verify = ecpay_verify,
    .query = ecpay_query,
    .ack = "1|OK",
};
