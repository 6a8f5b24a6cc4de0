/*
 * petition.h - petitions and the director's mailbox for citizens (domain/petition.h): filing at
 * /o/{office}/petition with a one-time code, the petition's own page (number, check code, due
 * date, the answer, the rating of the answer once), the lookup by number and check code, and
 * the public statistics /o/{office}/petitions/stats.
 */
#ifndef BIANMIN_WEB_PUBLIC_PETITION_H
#define BIANMIN_WEB_PUBLIC_PETITION_H

#include "http/http.h"

int petition_form(struct http_request *req, struct http_response *res);
int petition_submit(struct http_request *req, struct http_response *res);
int petition_verify_page(struct http_request *req, struct http_response *res);
int petition_verify_submit(struct http_request *req, struct http_response *res);
int petition_resend_submit(struct http_request *req, struct http_response *res);
int petition_resend_submit(struct http_request *req, struct http_response *res);
int petition_own_page(struct http_request *req, struct http_response *res);
int petition_rate_submit(struct http_request *req, struct http_response *res);
int petition_lookup(struct http_request *req, struct http_response *res);
int petition_stats_page(struct http_request *req, struct http_response *res);

#endif
