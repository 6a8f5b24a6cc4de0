/*
 * petition.h - petitions for staff (domain/petition.h): the lists (open, overdue, §173 flags
 * awaiting a supervisor, answers awaiting approval, all), recording a petition taken at the
 * counter, by phone or by letter, one petition with its actions, and the office's setting
 * "answers need a supervisor's approval".
 */
#ifndef BIANMIN_WEB_STAFF_PETITION_H
#define BIANMIN_WEB_STAFF_PETITION_H

#include "http/http.h"

int petition_staff_list(struct http_request *req, struct http_response *res);
int petition_staff_new(struct http_request *req, struct http_response *res);
int petition_staff_record(struct http_request *req, struct http_response *res);
int petition_staff_page(struct http_request *req, struct http_response *res);
int petition_staff_action(struct http_request *req, struct http_response *res);
int petition_staff_file(struct http_request *req, struct http_response *res);
int petition_settings_page(struct http_request *req, struct http_response *res);
int petition_settings_save(struct http_request *req, struct http_response *res);
int petition_category_submit(struct http_request *req, struct http_response *res);

#endif
