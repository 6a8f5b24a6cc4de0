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
/* The routes' error format (http_error_fn): what the HTTP layer refuses under /api/ (400, 404
 * for an unknown path, 405, 413, 429, 500) answers the API's JSON error object. */
int api_http_error(struct http_request *req, struct http_response *res, int status,
                   const char *message_key);
/* The handler of the errors-only route "/api/{path...}" (never called: the route only lends
 * api_http_error to unknown paths). */
int api_not_found(struct http_request *req, struct http_response *res);

#endif
