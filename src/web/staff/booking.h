/*
 * booking.h - the staff's booking pages (domain/booking.h): the office's settings
 * (/staff/admin/bookings), the day's bookings per counter (/staff/bookings/today) and the
 * figures (/staff/reports/bookings, HTML or JSON).
 */
#ifndef BIANMIN_WEB_STAFF_BOOKING_H
#define BIANMIN_WEB_STAFF_BOOKING_H

#include "http/http.h"

int booking_settings(struct http_request *req, struct http_response *res);
int booking_settings_save(struct http_request *req, struct http_response *res);
int booking_today(struct http_request *req, struct http_response *res);
int booking_report(struct http_request *req, struct http_response *res);

#endif
