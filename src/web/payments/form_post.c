/*
 * form_post.c - the page that hands an order to a gateway that must receive it as a form the
 * browser posts (ECPay's AioCheckOut): GET /p/{token}/pay/go?order=...&method=... renders the
 * signed order as hidden fields, posted at once by static/js/payment-autopost.js or by the
 * citizen's button without script. The form is rebuilt from the stored payment each time (the
 * same order gives the same fields), so the page may be reloaded. The page's Content Security
 * Policy lets forms go to the gateway's origin and nowhere else.
 */
#include <string.h>

#include "base/clock.h"
#include "domain/payment.h"
#include "web/app.h"
#include "web/payments/payments.h"

#include "base/common.h"

static const char csp_head[] = "default-src 'self'; script-src 'self'; style-src 'self'; "
                               "img-src 'self' data:; font-src 'self'; object-src 'none'; "
                               "base-uri 'self'; frame-ancestors 'none'; form-action 'self' ";

/* The scheme, host and port of an absolute URL, or NULL when it is not a plain http(s) one. */
static const char *origin_of(struct http_request *req, const char *url)
{
  size_t start = !strncmp(url, "https://", 8) ? 8 : (!strncmp(url, "http://", 7) ? 7 : 0);
  if (!start)
    return NULL;
  size_t n = start + strcspn(url + start, "/?#");
  for (size_t i = start; i < n; i++)
    if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]", url[i]))
      return NULL;
  return n > start ? arena_strndup(req->arena, url, n) : NULL;
}

static json_t *fields_view(const struct payment_form *form)
{
  json_t *list = json_array();
  for (size_t i = 0; list && i < form->count; i++)
    json_array_append_new(list, json_pack("{s:s, s:s}", "name", form->fields[i].name, "value",
                                          form->fields[i].value));
  return list;
}

static int form_page(struct http_request *req, struct http_response *res, const char *token,
                     const struct payment_form *form)
{
  const char *origin = origin_of(req, form->action);
  if (!origin)
    return http_error(res, 500, "payment_err_provider");
  int rc = http_header_add(res, "Content-Security-Policy",
                           arena_printf(req->arena, "%s%s", csp_head, origin));
  if (rc)
    return rc;
  json_t *view = json_pack("{s:s, s:s, s:o, s:s}", "title", http_t(req, "gateway_go_title"),
                           "action", form->action, "fields", fields_view(form), "progress_href",
                           arena_printf(req->arena, "/p/%s", token));
  return http_page(res, 200, "public/payment_go", view);
}

int payment_go(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct payment_start_in in;
  const char *token = http_capture(req, "token"), *order = http_query(req, "order");
  const struct payment_provider *prov = payment_provider();
  if (!prov || !prov->start_form)
    return http_error(res, 404, "payment_err_off");
  struct payment_form *form = arena_alloc(req->arena, sizeof(*form));
  int rc = form ? payments_start_in(req, token, &in) : ST_NOMEM;
  if (!rc)
    rc = web_store(req, &store);
  struct case_env env = {store, clock_now()};
  if (!rc)
    rc = payment_form_for_token(&env, &in, order, payment_method_parse(http_query(req, "method")),
                                form);
  if (rc == ST_NOTFOUND)
    return http_error(res, 404, "payment_not_found");
  if (rc == ST_INVALID) /* no longer pending: the progress page says what it is now */
    return http_redirect(res, 303, arena_printf(req->arena, "/p/%s", token));
  return rc ? rc : form_page(req, res, token, form);
}
