/* home.h - the front page and office home pages. */
#ifndef BIANMIN_WEB_PUBLIC_HOME_H
#define BIANMIN_WEB_PUBLIC_HOME_H

#include "http/http.h"

int home_index(struct http_request *req, struct http_response *res);
int home_office(struct http_request *req, struct http_response *res);
int home_office_redirect(struct http_request *req, struct http_response *res);
int search_office(struct http_request *req, struct http_response *res);

#endif
