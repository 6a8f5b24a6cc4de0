/*
 * queue.h - the counter console and the queue figures (web/staff/queue.c).
 */
#ifndef BIANMIN_WEB_STAFF_QUEUE_H
#define BIANMIN_WEB_STAFF_QUEUE_H

#include "http/http.h"

int queue_console(struct http_request *req, struct http_response *res);
int queue_counter_submit(struct http_request *req, struct http_response *res);
int queue_call_submit(struct http_request *req, struct http_response *res);
int queue_ticket_submit(struct http_request *req, struct http_response *res);
/* POST /staff/queue/tickets/{id}/matters: another matter in the same visit (queue4). */
int queue_matter_submit(struct http_request *req, struct http_response *res);
/* /staff/admin/queues (queue_admin.c): the page and its three forms. */
int queue_admin(struct http_request *req, struct http_response *res);
int queue_admin_queue_submit(struct http_request *req, struct http_response *res);
int queue_admin_counter_submit(struct http_request *req, struct http_response *res);
int queue_admin_settings_submit(struct http_request *req, struct http_response *res);
int queue_figures(struct http_request *req, struct http_response *res);

#endif
