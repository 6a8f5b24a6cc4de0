/* apikeys.h - the admins' API keys page (/staff/admin/api-keys): list, issue, revoke. */
#ifndef BIANMIN_WEB_STAFF_APIKEYS_H
#define BIANMIN_WEB_STAFF_APIKEYS_H

#include "http/http.h"

int apikeys_page(struct http_request *req, struct http_response *res);
int apikeys_issue(struct http_request *req, struct http_response *res);
int apikeys_revoke(struct http_request *req, struct http_response *res);

#endif
