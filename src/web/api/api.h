/*
 * api.h - the versioned JSON API (/api/v1/...) and its OpenAPI 3.0 document
 * (/api/openapi.json, docs/openapi.json compiled in). The same domain calls as the pages and
 * Open311; case creation is Open311's path (web/open311) with a JSON body.
 */
#ifndef BIANMIN_WEB_API_API_H
#define BIANMIN_WEB_API_API_H

#include "http/http.h"

int api_openapi(struct http_request *req, struct http_response *res);
int api_offices(struct http_request *req, struct http_response *res);
int api_office(struct http_request *req, struct http_response *res);
int api_services(struct http_request *req, struct http_response *res);
int api_service(struct http_request *req, struct http_response *res);
int api_faq(struct http_request *req, struct http_response *res);
int api_case(struct http_request *req, struct http_response *res);
int api_create(struct http_request *req, struct http_response *res);

#endif
