/*
 * notices.h - notices in the staff console: a case's messages on its page, the admins' outbox
 * (failures, retry) and message templates (edit with a preview and the SMS length count), and
 * the SMS gateway's delivery-receipt webhook.
 */
#ifndef BIANMIN_WEB_STAFF_NOTICES_H
#define BIANMIN_WEB_STAFF_NOTICES_H

#include "http/http.h"

struct store;

/* The case's messages for its page: [{id, event_label, channel_label, status, status_label,
 * failed, recipient, subject, body_text, attempts, created_text, sent_text, last_error}] (the
 * staff case read, domain/case_staff_read.h); NULL when out of memory. */
struct notify_messages;
json_t *notices_case_messages(struct http_request *req, const struct notify_messages *messages);

int notices_outbox(struct http_request *req, struct http_response *res);
int notices_outbox_retry(struct http_request *req, struct http_response *res);
int notices_templates(struct http_request *req, struct http_response *res);
int notices_template_form(struct http_request *req, struct http_response *res);
int notices_template_submit(struct http_request *req, struct http_response *res);
int notices_sms_receipt(struct http_request *req, struct http_response *res);

#endif
