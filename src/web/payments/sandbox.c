/*
 * sandbox.c - the sandbox payment gateway's own pages, served by bianmin under /sandbox/pay
 * but playing the part of a separate gateway: the page shows the order the merchant signed
 * (payment_sandbox_order) and offers pay, decline or let it expire; its form posts back to the
 * sandbox, which then calls the merchant's callback URL server to server with libcurl (a signed
 * POST, as a real gateway does, independent of the browser) and sends the browser to the
 * return URL. "Let it expire" calls nothing back: the payment stays pending until it expires.
 * Only reachable while [payment] provider = sandbox.
 */
#include <curl/curl.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/log.h"
#include "domain/payment.h"
#include "render/format.h"
#include "web/app.h"
#include "web/payments/payments.h"

#include "base/common.h"

enum { SANDBOX_FIELDS_MAX = 16, CALLBACK_TIMEOUT_SECONDS = 10, CALLBACK_BODY_MAX = 8192 };

static bool sandbox_on(void)
{
  return payment_provider() == &payment_sandbox;
}

/* The request's query (GET) or form (POST) as payment fields, without csrf and outcome. */
static size_t fields_of(struct http_request *req, struct http_param *params, size_t count,
                        struct payment_field *out)
{
  size_t n = 0;
  for (size_t i = 0; i < count && n < SANDBOX_FIELDS_MAX; i++) {
    const char *name = arena_strndup(req->arena, params[i].name.ptr, params[i].name.len);
    if (!name || !strcmp(name, "csrf") || !strcmp(name, "outcome"))
      continue;
    out[n++] = (struct payment_field){
        name, arena_strndup(req->arena, params[i].value.ptr, params[i].value.len)};
  }
  return n;
}

static json_t *hidden_fields(const struct payment_field *f, size_t n)
{
  json_t *list = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(
        list, json_pack("{s:s, s:s}", "name", f[i].name, "value", f[i].value ? f[i].value : ""));
  return list;
}

int sandbox_page(struct http_request *req, struct http_response *res)
{
  struct payment_field f[SANDBOX_FIELDS_MAX];
  struct sandbox_order o;
  if (!sandbox_on())
    return ST_NOTFOUND;
  size_t n = fields_of(req, req->query, req->query_count, f);
  if (payment_sandbox_order(f, n, &o))
    return http_error(res, 400, "sandbox_err_order");
  char amount[48], expires[64] = "";
  format_money(o.amount, amount, sizeof(amount));
  format_datetime((time_t)o.expires_at, req->lang, expires, sizeof(expires));
  json_t *view =
      json_pack("{s:s, s:{s:s, s:s, s:s, s:s, s:s, s:s, s:b}, s:o, s:s}", "title",
                http_t(req, "sandbox_title"), "order", "order_no", o.order_no, "ref", o.ref,
                "amount_text", amount, "merchant", o.merchant, "description", o.description,
                "expires_text", expires, "expired", clock_now() > o.expires_at, "fields",
                hidden_fields(f, n), "return_url", o.return_url);
  return http_page(res, 200, "public/sandbox_pay", view);
}

/* Appends name=value (percent-encoded) to an urlencoded body. */
static int form_append(CURL *curl, struct buf *b, const char *name, const char *value)
{
  char *v = curl_easy_escape(curl, value, 0);
  int rc = v ? ST_OK : ST_NOMEM;
  if (!rc && b->len)
    rc = buf_putc(b, '&');
  if (!rc)
    rc = buf_printf(b, "%s=%s", name, v);
  curl_free(v);
  return rc;
}

/* POSTs the signed callback to the merchant's notify URL; the merchant's HTTP status in
 * *status (0 when it could not be reached). */
static int post_callback(const char *url, const struct sandbox_callback *cb, long *status)
{
  struct buf body;
  CURL *curl = curl_easy_init();
  *status = 0;
  if (!curl)
    return ST_NOMEM;
  buf_init(&body, CALLBACK_BODY_MAX);
  int rc = ST_OK;
  for (size_t i = 0; !rc && i < cb->count; i++)
    rc = form_append(curl, &body, cb->fields[i].name, cb->fields[i].value);
  if (!rc) {
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)body.len);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)CALLBACK_TIMEOUT_SECONDS);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "bianmin-sandbox-gateway/1");
    CURLcode cc = curl_easy_perform(curl);
    if (cc == CURLE_OK)
      curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, status);
    else
      log_warn("sandbox callback to %s failed: %s", url, curl_easy_strerror(cc));
  }
  buf_free(&body);
  curl_easy_cleanup(curl);
  return rc;
}

static int outcome_of(const char *outcome, enum payment_status *out)
{
  if (outcome && !strcmp(outcome, "pay"))
    *out = PAYMENT_PAID;
  else if (outcome && !strcmp(outcome, "decline"))
    *out = PAYMENT_FAILED;
  else if (outcome && !strcmp(outcome, "expire"))
    *out = PAYMENT_EXPIRED;
  else
    return ST_INVALID;
  return ST_OK;
}

int sandbox_submit(struct http_request *req, struct http_response *res)
{
  struct payment_field f[SANDBOX_FIELDS_MAX];
  struct sandbox_order o;
  struct sandbox_callback cb;
  enum payment_status outcome;
  time_t now = clock_now();
  if (!sandbox_on())
    return ST_NOTFOUND;
  size_t n = fields_of(req, req->form, req->form_count, f);
  if (payment_sandbox_order(f, n, &o) || outcome_of(http_form(req, "outcome"), &outcome))
    return http_error(res, 400, "sandbox_err_order");
  if (outcome == PAYMENT_PAID && now > o.expires_at)
    return http_error(res, 400, "sandbox_err_expired");
  if (outcome != PAYMENT_EXPIRED) {
    long status = 0;
    int rc = payment_sandbox_callback(&o, outcome, now, &cb);
    if (!rc)
      rc = post_callback(o.notify_url, &cb, &status);
    if (rc)
      return rc;
    log_info("sandbox: order %s %s, the merchant answered %ld", o.order_no,
             payment_status_name(outcome), status);
  }
  return http_redirect(res, 303, o.return_url);
}
