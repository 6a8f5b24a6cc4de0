/*
 * payments.c - the citizen's side of paying a fee (payments.h): the fee block of /p/{token},
 * starting a payment (POST /p/{token}/pay -> 303 to the provider), the return page in plain
 * words, the printable receipt of payment, the providers' callback endpoint and staff setting
 * the amount due. The QR token is the citizen's proof of access, as for the progress page.
 */
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "domain/case_read.h"
#include "domain/payment.h"
#include "render/format.h"
#include "web/app.h"
#include "web/cases/case_view.h"
#include "web/cases/cases.h"
#include "web/payments/payments.h"
#include "web/public/office.h"

#include "base/common.h"

/* ECPay sends up to about 50 fields when asked for extra card details: room to spare. */
enum { CALLBACK_FIELDS_MAX = 64 };

/* The amount as format_money writes it, in the arena; "NT$0" (most fee blocks: nothing due,
 * nothing paid) without an allocation. */
static const char *money(struct http_request *req, int64_t amount)
{
  enum { MONEY_SIZE = 32 }; /* "-NT$9,223,372,036,854,775,808" and its NUL */
  if (amount == 0)
    return "NT$0";
  char *out = arena_alloc(req->arena, MONEY_SIZE);
  return out && !format_money(amount, out, MONEY_SIZE) ? out : "";
}

/* ---- the fee block of the public case read model (domain/case_read.h) ------------------- */

/* "/p/<token><suffix>" in the arena, as arena_printf wrote it (NULL without memory), without
 * printf: the fee block of every /p/<token> page has two. */
static const char *token_href(struct http_request *req, const char *token, const char *suffix)
{
  size_t nt = strlen(token), ns = strlen(suffix);
  char *p = arena_alloc(req->arena, 3 + nt + ns + 1);
  if (p) {
    memcpy(p, "/p/", 3);
    memcpy(p + 3, token, nt);
    memcpy(p + 3 + nt, suffix, ns + 1);
  }
  return p;
}

/* The translation of prefix + code ("payment_status_" "paid"), the key built on the stack; as
 * http_t answers a key it has no translation for (the key itself), that key in the arena. */
static const char *payment_label(struct http_request *req, const char *prefix, const char *code)
{
  char key[96];
  size_t np = strlen(prefix), nc = strlen(code);
  if (np + nc >= sizeof(key)) /* no such translation: the key, as arena_printf made it */
    return http_t(req, arena_printf(req->arena, "%s%s", prefix, code));
  memcpy(key, prefix, np);
  memcpy(key + np, code, nc + 1);
  const char *t = http_t(req, key);
  return t == key ? arena_strdup(req->arena, key) : t;
}

/* Which of paid, pending, failed, expired the status is (4 when none): compared once. */
static int status_index(const char *status)
{
  static const char *const known[] = {"paid", "pending", "failed", "expired"};
  for (int i = 0; i < 4; i++)
    if (status[0] == known[i][0] && strcmp(status, known[i]) == 0)
      return i;
  return 4;
}

static struct view typed_payment_tview(struct http_request *req, struct view_builder *b,
                                       const struct case_public_payment *p)
{
  const char *status = p->status, *provider = p->provider;
  int which = status_index(status);
  bool english = format_english(req->lang);
  struct format_day memo = {0};
  struct view_map *m = view_map_cap(b, 14);
  view_add_text(b, m, "order_no", p->order_no);
  view_add_text(b, m, "amount_text", money(req, p->amount));
  view_add_text(b, m, "status", status);
  view_add_text(b, m, "status_label", payment_label(req, "payment_status_", status));
  view_add_text(b, m, "provider", provider);
  view_add_text(b, m, "provider_label", payment_label(req, "payment_provider_", provider));
  view_add_text(b, m, "provider_ref", p->provider_ref);
  view_add(b, m, "created_text", web_datetime_view(req, p->created_at, english, &memo));
  view_add(b, m, "paid_text", web_datetime_view(req, p->paid_at, english, &memo));
  view_add(b, m, "expires_text", web_datetime_view(req, p->expires_at, english, &memo));
  view_add_bool(b, m, "is_paid", which == 0);
  view_add_bool(b, m, "is_pending", which == 1);
  view_add_bool(b, m, "is_failed", which == 2);
  view_add_bool(b, m, "is_expired", which == 3);
  return view_of_map(m);
}

static json_t *typed_payment_view(struct http_request *req, const struct case_public_payment *p)
{
  struct view_builder b = view_builder(req->arena);
  struct view v = typed_payment_tview(req, &b, p);
  return view_done(&b) ? NULL : view_to_json(v);
}

/* The payments newest first, or only the paid ones (oldest first, as a receipt lists them). */
static struct view typed_views(struct http_request *req, struct view_builder *b,
                               const struct case_public_fee *fee, bool paid_only)
{
  struct view_list *list = view_list(b);
  for (size_t i = 0; list && i < fee->payment_count; i++) {
    const struct case_public_payment *p =
        &fee->payments[paid_only ? fee->payment_count - 1 - i : i];
    if (!paid_only || !strcmp(p->status, "paid"))
      view_push(b, list, typed_payment_tview(req, b, p));
  }
  return view_of_list(list);
}

struct view payments_fee_tview(struct http_request *req, struct view_builder *b,
                               const struct case_public_fee *fee, const char *token)
{
  struct view_map *m = view_map_cap(b, 16);
  view_add_bool(b, m, "has_fee", fee->due > 0 || fee->payment_count > 0);
  view_add_text(b, m, "due_text", money(req, fee->due));
  view_add_text(b, m, "paid_text", money(req, fee->paid));
  view_add_text(b, m, "outstanding_text", money(req, fee->outstanding));
  view_add_bool(b, m, "payable", fee->payable && token);
  /* A gateway that takes a form post lets the citizen choose how to pay on our page. */
  view_add_bool(b, m, "choose_method",
                fee->payable && token && payment_provider() && payment_provider()->start_form);
  view_add_bool(b, m, "counter_only", fee->outstanding > 0 && !fee->payable);
  view_add_bool(b, m, "settled", fee->due > 0 && fee->outstanding == 0);
  view_add(b, m, "payments", typed_views(req, b, fee, false));
  view_add(b, m, "paid_payments", typed_views(req, b, fee, true));
  view_add_bool(b, m, "has_payments", fee->payment_count > 0);
  if (token) {
    view_add_bool(b, m, "has_receipt", true);
    view_add_text(b, m, "pay_action", token_href(req, token, "/pay"));
    view_add_text(b, m, "receipt_href", token_href(req, token, "/receipt"));
  }
  if (token && fee->pending)
    view_add_text(
        b, m, "pending_href",
        arena_printf(req->arena, "/p/%s/pay/return?order=%s", token, fee->pending->order_no));
  if (!token) /* no pay button without the token: say where to pay instead */
    view_add_bool(b, m, "pay_elsewhere", fee->payable);
  return view_of_map(m);
}

json_t *payments_fee_view(struct http_request *req, const struct case_public_fee *fee,
                          const char *token)
{
  struct view_builder b = view_builder(req->arena);
  struct view v = payments_fee_tview(req, &b, fee, token);
  return view_done(&b) ? NULL : view_to_json(v);
}

int payments_staff_view(struct http_request *req, const struct case_public_fee *fee, bool may_set,
                        json_t *c)
{
  /* The public block without a token, as staff see it: payable as it is, nowhere else to pay. */
  json_t *b = payments_fee_view(req, fee, NULL);
  if (b) {
    json_object_del(b, "pay_elsewhere");
    json_object_set_new(b, "payable", json_boolean(fee->payable));
    json_object_set_new(b, "may_set", json_boolean(may_set));
    json_object_set_new(b, "due_amount", json_integer(fee->due));
  }
  return json_object_set_new(c, "payment", b) ? ST_NOMEM : ST_OK;
}

/* ---- the citizen's pages ------------------------------------------------------------------- */

/* The public view of the case behind the token with its office's view; *c (may be NULL)
 * receives the read model for what else the page needs. */
static int public_case(struct http_request *req, struct store *store, const char *token,
                       json_t **view, json_t **office, struct case_public *c)
{
  struct case_public local;
  c = c ? c : &local;
  *view = *office = NULL;
  int rc = case_public_by_token(store, req->arena, clock_now(), token, c);
  if (rc)
    return rc;
  *view = case_public_view(req, c, req->wants_json);
  *office = office_dir_view(req, c->office);
  if (!*view || !*office) {
    json_decref(*view);
    json_decref(*office);
    *view = *office = NULL;
    return ST_NOMEM;
  }
  return ST_OK;
}

/* Where the provider calls back: [payment] callback_url, else the address this request came
 * in on (the sandbox runs inside this server). */
static const char *notify_url(struct http_request *req, const char *provider)
{
  const char *base = payment_settings()->callback_url;
  char local[80];
  if (base[0])
    return arena_printf(req->arena, "%s/payments/callback/%s", base, provider);
  if (http_local_address(req, local, sizeof(local)))
    return NULL;
  return arena_printf(req->arena, "http://%s/payments/callback/%s", local, provider);
}

/* What payment_start and payment_form_for_token are told about this request. */
int payments_start_in(struct http_request *req, const char *token, struct payment_start_in *in)
{
  const struct payment_provider *prov = payment_provider();
  *in = (struct payment_start_in){
      token,
      arena_printf(req->arena, "%s/p/%s/pay/return", web_origin(req), token),
      notify_url(req, prov->name),
      req->lang,
      "",
      arena_printf(req->arena, "/p/%s/pay/go", token)};
  return in->return_url && in->notify_url && in->form_url ? ST_OK : ST_NOMEM;
}

/* The redirect, with the method the citizen chose on our page for a form-post provider. */
static const char *with_method(struct http_request *req, const char *redirect)
{
  const char *method = http_form(req, "method");
  if (!payment_provider()->start_form || payment_method_parse(method) == PAYMENT_METHOD_ANY)
    return redirect;
  return arena_printf(req->arena, "%s&method=%s", redirect, method);
}

int payment_pay(struct http_request *req, struct http_response *res)
{
  struct store *store;
  const char *token = http_capture(req, "token"), *reason = NULL;
  if (!payment_provider())
    return http_error(res, 404, "payment_err_off");
  char redirect[PAYMENT_URL_MAX];
  struct payment_start_in in;
  int rc = payments_start_in(req, token, &in);
  if (!rc)
    rc = web_store(req, &store);
  struct case_env env = {store, clock_now()};
  if (!rc)
    rc = payment_start(&env, &in, redirect, &reason);
  if (rc == ST_NOTFOUND)
    return http_error(res, 404, "progress_link_not_found");
  if (rc == ST_INVALID && reason && !strcmp(reason, "payment_err_nothing_due"))
    return http_redirect(res, 303, arena_printf(req->arena, "/p/%s", token));
  if ((rc == ST_INVALID || rc == ST_CONFLICT) && reason)
    return http_error(res, 400, reason);
  if (rc) {
    log_error("payment start failed: %s", status_name(rc));
    return http_error(res, 500, "payment_err_provider");
  }
  const char *to = with_method(req, redirect);
  return to ? http_redirect(res, 303, to) : ST_NOMEM;
}

int payment_return(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct payment_return r;
  const char *token = http_capture(req, "token");
  int rc = web_store(req, &store);
  struct case_env env = {store, clock_now()};
  if (!rc)
    rc = payment_return_read(&env, req->arena, token, http_query(req, "order"), &r);
  if (rc == ST_NOTFOUND)
    return http_error(res, 404, "payment_not_found");
  if (rc)
    return rc;
  json_t *page = json_pack(
      "{s:s, s:o, s:o, s:o, s:s, s:s, s:s}", "title", http_t(req, "payment_return_title"),
      "payment", typed_payment_view(req, r.payment), "case",
      case_public_view(req, &r.c, req->wants_json), "office", office_dir_view(req, r.c.office),
      "progress_href", arena_printf(req->arena, "/p/%s", token), "receipt_href",
      arena_printf(req->arena, "/p/%s/receipt", token), "pay_action",
      arena_printf(req->arena, "/p/%s/pay", token));
  if (page && r.atm.given)
    json_object_set_new(page, "atm",
                        json_pack("{s:s, s:s, s:s}", "bank_code", r.atm.bank_code, "account",
                                  r.atm.account, "pay_by_text", web_datetime(req, r.atm.pay_by)));
  return page ? http_page(res, 200, "public/payment_return", page) : ST_NOMEM;
}

static int receipt_on(struct http_request *req, struct http_response *res, struct store *store)
{
  json_t *view = NULL, *office = NULL;
  struct case_public c;
  const char *token = http_capture(req, "token");
  int rc = public_case(req, store, token, &view, &office, &c);
  struct view_builder b = view_builder(req->arena);
  json_t *paid = rc ? NULL : view_to_json(typed_views(req, &b, &c.fee, true));
  if (!rc && json_array_size(paid) == 0)
    rc = ST_NOTFOUND;
  if (rc) {
    json_decref(view);
    json_decref(office);
    json_decref(paid);
    return rc == ST_NOTFOUND ? http_error(res, 404, "payment_receipt_none") : rc;
  }
  json_t *page = json_pack("{s:s, s:o, s:o, s:o, s:s, s:s, s:s}", "title",
                           http_t(req, "payment_receipt_title"), "case", view, "office", office,
                           "payments", paid, "total_text", money(req, c.fee.paid), "progress_href",
                           arena_printf(req->arena, "/p/%s", token), "progress_link",
                           arena_printf(req->arena, "%s/p/%s", web_origin(req), token));
  return http_page(res, 200, "public/payment_receipt", page);
}

int payment_receipt(struct http_request *req, struct http_response *res)
{
  return web_read(req, res, receipt_on);
}

/* ---- the providers' callback ---------------------------------------------------------------- */

static int plain(struct http_response *res, int status, const char *text)
{
  return http_raw(res, status, "text/plain; charset=utf-8", text, strlen(text));
}

int payment_callback_post(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct payment_field fields[CALLBACK_FIELDS_MAX];
  const char *provider = http_capture(req, "provider"), *why = "";
  size_t n = 0;
  for (size_t i = 0; i < req->form_count && n < CALLBACK_FIELDS_MAX; i++)
    fields[n++] = (struct payment_field){
        arena_strndup(req->arena, req->form[i].name.ptr, req->form[i].name.len),
        arena_strndup(req->arena, req->form[i].value.ptr, req->form[i].value.len)};
  int rc = web_store(req, &store);
  struct case_env env = {store, clock_now()};
  if (!rc)
    rc = payment_callback(&env, provider, fields, n, &why);
  if (rc == ST_OK)
    return plain(res, 200, payment_provider()->ack);
  log_warn("payment callback refused (%s) from %s: %s", provider ? provider : "", req->client_ip,
           why);
  if (rc == ST_INVALID)
    return plain(res, 400, "refused: bad signature or fields");
  if (rc == ST_NOTFOUND)
    return plain(res, 404, "refused: unknown order");
  if (rc == ST_CONFLICT)
    return plain(res, 409, "refused: does not match the order");
  return rc;
}

/* ---- staff: the amount due ------------------------------------------------------------------ */

int payment_fee_set(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct case_actor actor;
  const char *reason = NULL;
  int64_t id = case_view_id(req);
  if (!id)
    return ST_NOTFOUND;
  case_actor_of(req, &actor);
  int rc = web_store(req, &store);
  struct case_env env = {store, clock_now()};
  if (!rc)
    rc = payment_set_due_by_staff(&env, &actor, id, http_form(req, "amount"), &reason);
  if ((rc == ST_INVALID || rc == ST_FORBIDDEN) && reason) /* the case page, the error at the fee */
    return case_page_refused(req, res, rc == ST_INVALID ? 400 : 403, "fee_amount", reason);
  if (rc)
    return rc;
  return http_redirect(res, 303, arena_printf(req->arena, "/staff/cases/%lld#fee", (long long)id));
}
