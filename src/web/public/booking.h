/*
 * booking.h - the citizens' booking pages (domain/booking.h): book a visit, a pickup or a
 * consultation at /o/{office}/book, the booking's private link /b/{token} (move, cancel, QR)
 * and the kiosk check-in /o/{office}/book/checkin.
 */
#ifndef BIANMIN_WEB_PUBLIC_BOOKING_H
#define BIANMIN_WEB_PUBLIC_BOOKING_H

#include <jansson.h>
#include <stdint.h>

#include "base/civil.h"
#include "http/http.h"

struct booking_day;

int booking_page(struct http_request *req, struct http_response *res);
int booking_submit(struct http_request *req, struct http_response *res);
int booking_manage(struct http_request *req, struct http_response *res);
int booking_manage_qr(struct http_request *req, struct http_response *res);
int booking_cancel_submit(struct http_request *req, struct http_response *res);
int booking_move_submit(struct http_request *req, struct http_response *res);
int booking_checkin_form(struct http_request *req, struct http_response *res);
int booking_checkin_submit(struct http_request *req, struct http_response *res);

/* Shared with the staff pages (web/staff/booking.c). */

/* "09:00" for a local minute, in the arena. */
const char *booking_clock(struct http_request *req, int minute);
/* A date as words in the request's language with its weekday, in the arena. */
const char *booking_date_label(struct http_request *req, struct civil_date date);
/* Days as [{day, label, free, href (base + "day=N"), chosen, slots: [{start, label, free, full,
 * id}] (only the day equal to chosen gets its slots)}], a view in the request's arena. */
struct view booking_days_tview(struct http_request *req, struct view_builder *b,
                               const struct booking_day *days, size_t n, const char *base,
                               int64_t chosen);

#endif
