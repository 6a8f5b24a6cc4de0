/*
 * payment_sandbox.c - the sandbox payment provider: behaves like a Taiwanese gateway without
 * moving money. start signs the order into the URL of the sandbox's page (/sandbox/pay, served
 * by bianmin itself), whose form posts back to the sandbox; the sandbox then calls bianmin's
 * callback with fields signed by HMAC-SHA256 under the sandbox secret, which verify checks in
 * constant time. Start requests and callbacks are signed with different labels, so one can never
 * pass for the other.
 *
 * Canonical text of a signature: the label line, then "name=value\n" for each field in a fixed
 * order; values never hold control characters (refused), so the text is unambiguous.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/str.h"
#include "domain/payment.h"

#include "base/common.h"

static const char order_label[] = "bianmin-sandbox-order-v1\n";
static const char callback_label[] = "bianmin-sandbox-callback-v1\n";

/* The fields of each message, in signing order. */
static const char *const order_fields[] = {"order_no",   "ref",         "amount", "currency",
                                           "merchant",   "description", "lang",   "expires_at",
                                           "return_url", "notify_url"};
static const char *const callback_fields[] = {"order_no", "ref",     "amount", "currency",
                                              "status",   "paid_at", "time"};

static const char *field_value(const struct payment_field *fields, size_t count, const char *name)
{
  for (size_t i = 0; i < count; i++)
    if (fields[i].name && strcmp(fields[i].name, name) == 0)
      return fields[i].value;
  return NULL;
}

static bool plain(const char *v)
{
  for (; *v; v++)
    if ((unsigned char)*v < 0x20 || *v == 0x7f)
      return false;
  return true;
}

/* HMAC-SHA256 over label and the named fields, as 64 lowercase hex characters. */
static int sign(const char *label, const char *const *names, size_t n,
                const struct payment_field *fields, size_t count, char hex[65])
{
  const struct payment_settings *s = payment_settings();
  crypto_auth_hmacsha256_state st;
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_init(&st, s->sandbox_secret, sizeof(s->sandbox_secret));
  crypto_auth_hmacsha256_update(&st, (const unsigned char *)label, strlen(label));
  for (size_t i = 0; i < n; i++) {
    const char *v = field_value(fields, count, names[i]);
    if (!v || !plain(v)) {
      sodium_memzero(&st, sizeof(st));
      return ST_INVALID;
    }
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)names[i], strlen(names[i]));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)"=", 1);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)v, strlen(v));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)"\n", 1);
  }
  crypto_auth_hmacsha256_final(&st, mac);
  sodium_bin2hex(hex, 65, mac, sizeof(mac));
  return ST_OK;
}

/* Constant-time comparison of the sent signature with the expected one. */
static int check(const char *label, const char *const *names, size_t n,
                 const struct payment_field *fields, size_t count)
{
  char want[65];
  const char *sent = field_value(fields, count, "sig");
  if (!sent || strlen(sent) != 64 || sign(label, names, n, fields, count, want))
    return ST_INVALID;
  return sodium_memcmp(want, sent, 64) == 0 ? ST_OK : ST_INVALID;
}

static bool copy_text(char *out, size_t size, const char *v)
{
  if (!v || strlen(v) >= size)
    return false;
  memcpy(out, v, strlen(v) + 1);
  return true;
}

static bool parse_int(const char *v, int64_t min, int64_t max, int64_t *out)
{
  return v && str_to_int64(str_from(v), min, max, out) == ST_OK;
}

/* Percent-encodes v onto buf (RFC 3986 unreserved characters kept). */
static bool append_encoded(struct buf *b, const char *v)
{
  static const char hex[] = "0123456789ABCDEF";
  int rc = ST_OK;
  for (const unsigned char *p = (const unsigned char *)v; *p && !rc; p++) {
    if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
        strchr("-._~", *p)) {
      rc = buf_append(b, (const char *)p, 1);
    } else {
      char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
      rc = buf_append(b, e, 3);
    }
  }
  return rc == ST_OK;
}

static int sandbox_start(const struct payment_order *o, char *url, size_t url_size, char *ref,
                         size_t ref_size)
{
  /* The sandbox names its reference at once, from the order: the same order, the same ref. */
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256(mac, (const unsigned char *)o->order_no, strlen(o->order_no),
                         payment_settings()->sandbox_secret);
  char hex[17];
  sodium_bin2hex(hex, sizeof(hex), mac, 8);
  if (snprintf(ref, ref_size, "SBX%s", hex) >= (int)ref_size)
    return ST_LIMIT;
  char amount[24], expires[24], sig[65];
  snprintf(amount, sizeof(amount), "%lld", (long long)o->amount);
  snprintf(expires, sizeof(expires), "%lld", (long long)o->expires_at);
  const struct payment_field f[] = {{"order_no", o->order_no},
                                    {"ref", ref},
                                    {"amount", amount},
                                    {"currency", o->currency},
                                    {"merchant", o->merchant},
                                    {"description", o->description},
                                    {"lang", o->lang},
                                    {"expires_at", expires},
                                    {"return_url", o->return_url},
                                    {"notify_url", o->notify_url}};
  int rc = sign(order_label, order_fields, ARRAY_LEN(order_fields), f, ARRAY_LEN(f), sig);
  if (rc)
    return rc;
  struct buf b;
  buf_init(&b, url_size - 1);
  bool ok = buf_puts(&b, "/sandbox/pay?") == ST_OK;
  for (size_t i = 0; ok && i < ARRAY_LEN(f); i++)
    ok = buf_puts(&b, i ? "&" : "") == ST_OK && buf_puts(&b, f[i].name) == ST_OK &&
         buf_puts(&b, "=") == ST_OK && append_encoded(&b, f[i].value);
  ok = ok && buf_puts(&b, "&sig=") == ST_OK && buf_puts(&b, sig) == ST_OK;
  if (ok)
    snprintf(url, url_size, "%.*s", (int)b.len, b.data);
  buf_free(&b);
  return ok ? ST_OK : ST_LIMIT;
}

static int sandbox_verify(const struct payment_field *fields, size_t count,
                          struct payment_result *out)
{
  memset(out, 0, sizeof(*out));
  if (check(callback_label, callback_fields, ARRAY_LEN(callback_fields), fields, count))
    return ST_INVALID;
  const char *status = field_value(fields, count, "status");
  int64_t time_sent;
  if (!copy_text(out->order_no, sizeof(out->order_no), field_value(fields, count, "order_no")) ||
      !copy_text(out->provider_ref, sizeof(out->provider_ref), field_value(fields, count, "ref")) ||
      !copy_text(out->currency, sizeof(out->currency), field_value(fields, count, "currency")) ||
      !parse_int(field_value(fields, count, "amount"), 1, PAYMENT_AMOUNT_MAX, &out->amount) ||
      !parse_int(field_value(fields, count, "paid_at"), 0, INT64_MAX, &out->paid_at) ||
      !parse_int(field_value(fields, count, "time"), 0, INT64_MAX, &time_sent) ||
      payment_status_parse(status, &out->status) ||
      !(out->status == PAYMENT_PAID || out->status == PAYMENT_FAILED)) {
    memset(out, 0, sizeof(*out));
    return ST_INVALID;
  }
  return ST_OK;
}

const struct payment_provider payment_sandbox = {
    .name = "sandbox",
    .start = sandbox_start,
    .verify = sandbox_verify,
    .query = NULL, /* the sandbox keeps no state of its own to be asked about */
    .ack = "OK",
};

/* ---- the sandbox's own side (its pages) -------------------------------------------------- */

static bool order_fields_ok(const struct payment_field *f, size_t n, struct sandbox_order *o)
{
  return copy_text(o->order_no, sizeof(o->order_no), field_value(f, n, "order_no")) &&
         copy_text(o->ref, sizeof(o->ref), field_value(f, n, "ref")) &&
         copy_text(o->currency, sizeof(o->currency), field_value(f, n, "currency")) &&
         copy_text(o->merchant, sizeof(o->merchant), field_value(f, n, "merchant")) &&
         copy_text(o->description, sizeof(o->description), field_value(f, n, "description")) &&
         copy_text(o->lang, sizeof(o->lang), field_value(f, n, "lang")) &&
         copy_text(o->return_url, sizeof(o->return_url), field_value(f, n, "return_url")) &&
         copy_text(o->notify_url, sizeof(o->notify_url), field_value(f, n, "notify_url")) &&
         parse_int(field_value(f, n, "amount"), 1, PAYMENT_AMOUNT_MAX, &o->amount) &&
         parse_int(field_value(f, n, "expires_at"), 0, INT64_MAX, &o->expires_at);
}

int payment_sandbox_order(const struct payment_field *fields, size_t count,
                          struct sandbox_order *out)
{
  memset(out, 0, sizeof(*out));
  if (check(order_label, order_fields, ARRAY_LEN(order_fields), fields, count) ||
      !order_fields_ok(fields, count, out)) {
    memset(out, 0, sizeof(*out));
    return ST_INVALID;
  }
  return ST_OK;
}

int payment_sandbox_callback(const struct sandbox_order *o, enum payment_status outcome,
                             int64_t now, struct sandbox_callback *out)
{
  memset(out, 0, sizeof(*out));
  if (outcome != PAYMENT_PAID && outcome != PAYMENT_FAILED)
    return ST_INVALID;
  snprintf(out->amount, sizeof(out->amount), "%lld", (long long)o->amount);
  snprintf(out->paid_at, sizeof(out->paid_at), "%lld",
           (long long)(outcome == PAYMENT_PAID ? now : 0));
  snprintf(out->time, sizeof(out->time), "%lld", (long long)now);
  snprintf(out->status, sizeof(out->status), "%s", payment_status_name(outcome));
  const struct payment_field f[] = {{"order_no", o->order_no}, {"ref", o->ref},
                                    {"amount", out->amount},   {"currency", o->currency},
                                    {"status", out->status},   {"paid_at", out->paid_at},
                                    {"time", out->time}};
  memcpy(out->fields, f, sizeof(f));
  out->count = ARRAY_LEN(f);
  int rc = sign(callback_label, callback_fields, ARRAY_LEN(callback_fields), out->fields,
                out->count, out->sig);
  if (!rc) {
    out->fields[out->count].name = "sig";
    out->fields[out->count++].value = out->sig;
  }
  return rc;
}
