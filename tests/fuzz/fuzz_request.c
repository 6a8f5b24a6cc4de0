/*
 * fuzz_request.c - libFuzzer target for our side of reading an HTTP request (libmicrohttpd
 * splits the bytes into method, URL, headers and body; everything after that is ours): the
 * path check, routing over the real route table (captures), the query string, language and
 * content negotiation (Accept, Accept-Language, the lang cookie), the Content-Length check and
 * the body by Content-Type (urlencoded or multipart).
 *
 * Input: "METHOD\nPATH[?QUERY]\nName: value\n...\n\nBODY". Properties: a route found matches
 * the method and its captures are non-empty slices of the path; every accepted value is valid
 * text; the language is one we serve; nothing reads outside the input.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/internal.h"
#include "web/app.h"

#include "base/common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_input {
  const char *method, *path, *query;
  const char *accept, *accept_language, *cookie_lang, *content_type, *content_length;
  const char *body;
  size_t body_len;
};

/* The next '\n'-terminated line of [*p, end) as a NUL-terminated arena copy. */
static char *next_line(struct arena *arena, const char **p, const char *end)
{
  const char *nl = memchr(*p, '\n', (size_t)(end - *p));
  const char *stop = nl ? nl : end;
  char *line = arena_strndup(arena, *p, (size_t)(stop - *p));
  *p = nl ? nl + 1 : end;
  return line;
}

static void header(struct fuzz_input *in, const char *line)
{
  static const struct {
    const char *name;
    size_t offset;
  } known[] = {
      {"Accept: ", offsetof(struct fuzz_input, accept)},
      {"Accept-Language: ", offsetof(struct fuzz_input, accept_language)},
      {"Cookie: lang=", offsetof(struct fuzz_input, cookie_lang)},
      {"Content-Type: ", offsetof(struct fuzz_input, content_type)},
      {"Content-Length: ", offsetof(struct fuzz_input, content_length)},
  };
  for (size_t i = 0; i < ARRAY_LEN(known); i++) {
    size_t n = strlen(known[i].name);
    if (strncasecmp(line, known[i].name, n) == 0)
      *(const char **)((char *)in + known[i].offset) = line + n;
  }
}

static int split(struct arena *arena, const uint8_t *data, size_t size, struct fuzz_input *in)
{
  const char *p = (const char *)data, *end = p + size;
  memset(in, 0, sizeof(*in));
  in->method = next_line(arena, &p, end);
  char *target = next_line(arena, &p, end);
  if (!in->method || !target)
    return ST_NOMEM;
  char *q = strchr(target, '?');
  if (q)
    *q++ = '\0';
  in->path = target;
  in->query = q ? q : "";
  while (p < end && *p != '\n') {
    char *line = next_line(arena, &p, end);
    if (!line)
      return ST_NOMEM;
    header(in, line);
  }
  if (p < end)
    p++;
  in->body = p;
  in->body_len = (size_t)(end - p);
  return ST_OK;
}

static void check_route(struct http_server *server, struct http_request *req)
{
  char allow[64];
  size_t index = 0;
  int status = http_route_find(server, req, &index, allow, sizeof(allow));
  if (status != 0 && status != 404 && status != 405)
    abort();
  if (status)
    return;
  const struct http_route *route = http_route_at(server, index);
  if (route != req->route || route->method[0] == '\0')
    abort();
  if (strcmp(route->method, req->method) != 0 &&
      !(strcmp(req->method, "HEAD") == 0 && strcmp(route->method, "GET") == 0))
    abort();
  for (size_t i = 0; i < req->capture_count; i++) {
    const char *v = req->captures[i].value.ptr;
    if (req->captures[i].value.len == 0 || !strstr(req->path, v))
      abort();
  }
}

static void check_body(struct http_request *req, const struct fuzz_input *in)
{
  const char *type = in->content_type;
  if (type && strncasecmp(type, "application/x-www-form-urlencoded", 33) == 0) {
    if (http_form_parse(req->arena, in->body, in->body_len, true, &req->form, &req->form_count) ==
        ST_OK)
      for (size_t i = 0; i < req->form_count; i++)
        if (!str_valid_text(req->form[i].value, true))
          abort();
  } else if (type && strncasecmp(type, "multipart/form-data", 19) == 0) {
    char boundary[128];
    (void)http_multipart_boundary(type, boundary, sizeof(boundary));
    (void)http_multipart_parse(req->arena, type, in->body, in->body_len, &req->parts,
                               &req->part_count);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static struct http_server server;
  if (!server.routes)
    server.routes = web_routes(&server.route_count);
  struct http_request req;
  struct fuzz_input in;
  memset(&req, 0, sizeof(req));
  req.arena = arena_new(1 << 24);
  if (!req.arena || split(req.arena, data, size, &in))
    goto out;
  req.method = in.method;
  req.path = in.path;
  /* prepare() in server.c: a path that is not text or not absolute is a 400 before routing. */
  if (str_valid_text(str_from(req.path), false) && req.path[0] == '/')
    check_route(&server, &req);
  if (http_form_parse(req.arena, in.query, strlen(in.query), false, &req.query, &req.query_count) ==
      ST_OK)
    for (size_t i = 0; i < req.query_count; i++)
      if (!str_valid_text(req.query[i].value, false))
        abort();
  const char *lang = i18n_negotiate(http_query(&req, "lang"), in.cookie_lang, in.accept_language);
  if (!lang || !i18n_supported(lang))
    abort();
  (void)http_accept_prefers_json(in.accept);
  int64_t length;
  if (in.content_length)
    (void)str_to_int64(str_from(in.content_length), 0, INT64_MAX, &length);
  check_body(&req, &in);
out:
  arena_free(req.arena);
  return 0;
}
