/*
 * routes.c - `bianmin routes`: the application's route table as JSON (method, pattern, roles,
 * CSRF, body cap, rate class), for operators writing proxy rules and for tests that must reach
 * every route, including routes added later (tests/http/hostile_test.c).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "domain/accounts.h"
#include "web/app.h"

#include "base/common.h"

const char cli_routes_usage[] =
    "usage: bianmin routes [--json]\n\n"
    "Prints every route of the application (not /healthz, /readyz, /metrics, /static) as a JSON\n"
    "array: method, pattern ({name} is one path segment), roles (empty = public), csrf,\n"
    "body_max (bytes), rate (the rate-limit class) and unfinished_signin.\n\n";

static json_t *role_list(unsigned roles)
{
  json_t *list = json_array();
  for (unsigned bit = 1; list && bit <= ROLE_ALL; bit <<= 1)
    if ((roles & bit) && role_name(bit))
      json_array_append_new(list, json_string(role_name(bit)));
  return list;
}

static const char *rate_name(enum http_rate_class rate)
{
  switch (rate) {
  case HTTP_RATE_PUBLIC:
    return "public";
  case HTTP_RATE_LOOKUP:
    return "lookup";
  case HTTP_RATE_LOGIN:
    return "login";
  default:
    return "none";
  }
}

int cli_routes(struct config *config, int argc, char **argv)
{
  size_t count = 0;
  const struct http_route *routes = web_routes(&count);
  json_t *list = json_array();
  for (size_t i = 0; list && i < count; i++) {
    const struct http_route *r = &routes[i];
    if (r->flags & HTTP_ROUTE_ERRORS_ONLY) /* answers nothing itself */
      continue;
    json_t *row = json_pack("{s:s, s:s, s:o, s:b, s:I, s:s, s:b}", "method", r->method, "pattern",
                            r->pattern, "roles", role_list(r->roles), "csrf", r->csrf, "body_max",
                            (json_int_t)r->body_max, "rate", rate_name(r->rate),
                            "unfinished_signin", (r->flags & HTTP_ROUTE_UNFINISHED_SIGNIN) != 0);
    if (!row || json_array_append_new(list, row)) {
      json_decref(list);
      list = NULL;
    }
  }
  char *text = list ? json_dumps(list, JSON_INDENT(1)) : NULL;
  json_decref(list);
  if (!text) {
    fprintf(stderr, "bianmin: out of memory\n");
    return 1;
  }
  printf("%s\n", text);
  free(text);
  return 0;
}
