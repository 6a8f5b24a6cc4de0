/*
 * payments.h - paying fees online, web side: the fee block of the progress page (/p/{token},
 * and read only on the lookup by number and check code) and of the staff case page, the pay, return
 * and receipt pages under /p/{token}, the providers' callback endpoint, staff setting the amount
 * due, and the sandbox gateway's own pages under /sandbox/pay (sandbox.c).
 */
#ifndef BIANMIN_WEB_PAYMENTS_PAYMENTS_H
#define BIANMIN_WEB_PAYMENTS_PAYMENTS_H

#include <jansson.h>

#include "http/http.h"

struct store;

/* The fee block of the public case read model (domain/case_read.h): with the pay form and
 * receipt links under token, or read only (token NULL) with where to pay instead. */
struct case_public_fee;
json_t *payments_fee_view(struct http_request *req, const struct case_public_fee *fee,
                          const char *token);
/* The same as a view (render/view.h) in the request's arena. */
struct view payments_fee_tview(struct http_request *req, struct view_builder *b,
                               const struct case_public_fee *fee, const char *token);
/* Adds "payment" to a staff case view c (which has "may_act") from the case's fee
 * (domain/case_staff_read.h). */
int payments_staff_view(struct http_request *req, const struct case_public_fee *fee, bool may_set,
                        json_t *c);

struct payment_start_in;
/* The start of a payment as this request asks for it (return, callback and form URLs). */
int payments_start_in(struct http_request *req, const char *token, struct payment_start_in *in);
int payment_pay(struct http_request *req, struct http_response *res);
/* GET /p/{token}/pay/go?order=&method=: the page that posts a form provider's order to the
 * gateway (form_post.c). */
int payment_go(struct http_request *req, struct http_response *res);
int payment_return(struct http_request *req, struct http_response *res);
int payment_receipt(struct http_request *req, struct http_response *res);
int payment_callback_post(struct http_request *req, struct http_response *res);
int payment_fee_set(struct http_request *req, struct http_response *res);

int sandbox_page(struct http_request *req, struct http_response *res);
int sandbox_submit(struct http_request *req, struct http_response *res);

#endif
