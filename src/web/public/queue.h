/*
 * queue.h - the public pages of counter queues (web/public/queue.c): the ticket kiosk and its
 * phone twin, the ticket's own page (/q/{token}), the boards and their event stream.
 */
#ifndef BIANMIN_WEB_PUBLIC_QUEUE_H
#define BIANMIN_WEB_PUBLIC_QUEUE_H

#include "http/http.h"

int queue_phone(struct http_request *req, struct http_response *res);
int queue_kiosk(struct http_request *req, struct http_response *res);
int queue_take(struct http_request *req, struct http_response *res);
int queue_ticket_page(struct http_request *req, struct http_response *res);
int queue_ticket_qr(struct http_request *req, struct http_response *res);
int queue_ticket_leave_submit(struct http_request *req, struct http_response *res);
int queue_ticket_notify_submit(struct http_request *req, struct http_response *res);
int queue_board(struct http_request *req, struct http_response *res);
int queue_progress_board(struct http_request *req, struct http_response *res);
int queue_events(struct http_request *req, struct http_response *res);

/* The board feed: one thread per process that follows the calls in the database (of every
 * node) and wakes the event streams of the offices concerned (web/public/queue_feed.c). */
struct http_server;
int queue_feed_start(struct http_server *server, const char *db_url);
void queue_feed_stop(void);

#endif
