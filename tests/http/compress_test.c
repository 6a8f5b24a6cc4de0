/*
 * compress_test.c - dynamic answers gzip'd against a real server (ARCHITECTURE.md, "Compressed
 * answers"): pages, JSON views, API answers and error pages are sent gzip'd to a client that
 * accepts gzip, decode to the identity answer, say so in Content-Encoding and Vary with a true
 * Content-Length; q=0 and clients without gzip get identity; small bodies, HEAD, pages carrying
 * a CSRF token and pages for a signed-in session are never compressed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "harness.h"

#define DEMO_PASSWORD "bianmin-demo-2026"

static struct server server;

static int setup(void **state)
{
  return server_start(&server, NULL);
}

static int teardown(void **state)
{
  return server_stop(&server) == 0 ? 0 : -1;
}

static bool header_has(const struct response *r, const char *name, const char *part)
{
  char *value = response_header(r, name);
  bool found = value && strstr(value, part);
  free(value);
  return found;
}

/* Whether any Vary header of r names Accept-Encoding (a raw answer has one of its own). */
static bool varies_with_encoding(const struct response *r)
{
  for (const char *line = r->headers; line && *line; line = strchr(line, '\n')) {
    line += *line == '\n';
    const char *end = strchr(line, '\n');
    size_t len = end ? (size_t)(end - line) : strlen(line);
    char text[512];
    snprintf(text, sizeof(text), "%.*s", (int)len, line);
    if (strncasecmp(text, "Vary:", 5) == 0 && strstr(text, "Accept-Encoding"))
      return true;
  }
  return false;
}

/* GET (or HEAD) with the given Accept and Accept-Encoding (NULL: no such header), raw: libcurl
 * does not decode what it did not ask for. */
static void call(const char *method, const char *path, const char *accept,
                 const char *accept_encoding, struct response *r)
{
  char h_accept[128], h_encoding[128];
  const char *headers[3] = {NULL, NULL, NULL};
  size_t n = 0;
  if (accept) {
    snprintf(h_accept, sizeof(h_accept), "Accept: %s", accept);
    headers[n++] = h_accept;
  }
  if (accept_encoding) {
    snprintf(h_encoding, sizeof(h_encoding), "Accept-Encoding: %s", accept_encoding);
    headers[n++] = h_encoding;
  }
  assert_int_equal(http_call(&server, method, path, headers, NULL, 0, r), 0);
}

/* The same GET decoded by libcurl's own gzip decoder (asking for gzip only). */
static void get_decoded(const char *path, const char *accept, struct response *r)
{
  struct client c;
  assert_int_equal(client_init(&c, &server), 0);
  curl_easy_setopt(c.curl, CURLOPT_ACCEPT_ENCODING, "gzip");
  char h_accept[128];
  snprintf(h_accept, sizeof(h_accept), "Accept: %s", accept ? accept : "text/html");
  const char *headers[] = {h_accept, NULL};
  assert_int_equal(client_call(&c, "GET", path, headers, NULL, 0, r), 0);
  client_free(&c);
}

static void assert_length_true(const struct response *r)
{
  char *length = response_header(r, "Content-Length");
  if (!length)
    fail_msg("no Content-Length");
  assert_int_equal(strtoul(length, NULL, 10), r->len);
  free(length);
}

/* Overwrites r's own request id in its body (error pages show it) with zeros, so two answers
 * to the same request can be compared byte for byte. */
static void blank_request_id(struct response *r)
{
  char *id = response_header(r, "X-Request-Id");
  assert_non_null(id);
  size_t n = strlen(id);
  for (char *p = r->body; n && (p = strstr(p, id)) != NULL; p += n)
    memset(p, '0', n);
  free(id);
}

struct answer {
  const char *path;
  const char *accept; /* NULL: the client's default (HTML) */
  long status;
};

/* Sent gzip'd when asked, the same bytes as identity once decoded, headers right. */
static void check_gzipped(const struct answer *a)
{
  struct response plain, packed, decoded;
  call("GET", a->path, a->accept, NULL, &plain);
  call("GET", a->path, a->accept, "gzip", &packed);
  get_decoded(a->path, a->accept, &decoded);
  assert_int_equal(plain.status, a->status);
  assert_int_equal(packed.status, a->status);
  if (header_has(&plain, "Content-Encoding", ""))
    fail_msg("%s: compressed without Accept-Encoding", a->path);
  if (!header_has(&packed, "Content-Encoding", "gzip"))
    fail_msg("%s (%zu bytes): not gzip'd for Accept-Encoding: gzip", a->path, plain.len);
  assert_true(varies_with_encoding(&plain));
  assert_true(varies_with_encoding(&packed));
  assert_length_true(&plain);
  assert_length_true(&packed);
  assert_true(packed.len > 2 && (unsigned char)packed.body[0] == 0x1f &&
              (unsigned char)packed.body[1] == 0x8b);
  assert_true(packed.len < plain.len);
  blank_request_id(&plain);
  blank_request_id(&decoded);
  if (decoded.len != plain.len || memcmp(decoded.body, plain.body, plain.len) != 0)
    fail_msg("%s: gzip body decodes to %zu bytes unlike identity's %zu", a->path, decoded.len,
             plain.len);
  response_free(&plain);
  response_free(&packed);
  response_free(&decoded);
}

static void test_answers_are_gzipped_when_accepted(void **state)
{
  static const struct answer answers[] = {
      {"/o/xinxing/", NULL, 200},                   /* a page */
      {"/o/xinxing/", "application/json", 200},     /* its view as JSON */
      {"/api/v1/offices", "application/json", 200}, /* an API answer (raw JSON) */
      {"/o/xinxing/no-such-page", NULL, 404},       /* an error page */
      {"/o/xinxing/progress", "text/html", 200},    /* the lookup form */
  };
  for (size_t i = 0; i < sizeof(answers) / sizeof(answers[0]); i++)
    check_gzipped(&answers[i]);
}

struct encoding_case {
  const char *accept_encoding; /* NULL: no header */
  bool gzip;
};

static void test_accept_encoding_decides(void **state)
{
  static const struct encoding_case cases[] = {
      {"gzip, deflate, br", true},          /* phone browsers */
      {NULL, false},                        /* no header */
      {"identity", false},                  /* only identity */
      {"gzip;q=0", false},                  /* q=0 refuses gzip */
      {"gzip;q=0, identity", false},        /* ... also beside identity */
      {"br", false},                        /* a coding we do not make on the fly */
      {"deflate", false},                   /* ... nor this one */
      {"*", true},                          /* anything */
      {"*;q=0, identity", false},           /* everything but identity refused */
      {"GZIP ; Q=0.5", true},               /* names and q are case-insensitive */
      {"x-gzip", true},                     /* the old name */
      {"gzip;q=0.1, identity;q=0.9", false} /* identity preferred */
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    struct response r;
    call("GET", "/o/xinxing/", NULL, cases[i].accept_encoding, &r);
    assert_int_equal(r.status, 200);
    bool gzip = header_has(&r, "Content-Encoding", "gzip");
    if (gzip != cases[i].gzip)
      fail_msg("Accept-Encoding \"%s\": gzip %s, expected %s",
               cases[i].accept_encoding ? cases[i].accept_encoding : "(none)", gzip ? "yes" : "no",
               cases[i].gzip ? "yes" : "no");
    assert_true(varies_with_encoding(&r));
    assert_length_true(&r);
    response_free(&r);
  }
}

/* Bodies under the threshold are sent as they are, and do not vary with Accept-Encoding. */
static void test_small_bodies_are_not_compressed(void **state)
{
  static const struct answer answers[] = {
      {"/healthz", NULL, 200},
      {"/o/xinxing/no-such-page", "application/json", 404},
  };
  for (size_t i = 0; i < sizeof(answers) / sizeof(answers[0]); i++) {
    struct response r;
    call("GET", answers[i].path, answers[i].accept, "gzip", &r);
    assert_int_equal(r.status, answers[i].status);
    assert_true(r.len > 0 && r.len < 1024);
    if (header_has(&r, "Content-Encoding", "") || varies_with_encoding(&r))
      fail_msg("%s (%zu bytes) compressed or varying", answers[i].path, r.len);
    response_free(&r);
  }
}

/* HEAD sends no body: nothing is compressed for it; the headers say identity's length. */
static void test_head_is_not_compressed(void **state)
{
  struct response get, head;
  call("GET", "/o/xinxing/", NULL, NULL, &get);
  call("HEAD", "/o/xinxing/", NULL, "gzip", &head);
  assert_int_equal(head.status, 200);
  assert_int_equal(head.len, 0);
  assert_false(header_has(&head, "Content-Encoding", ""));
  char *length = response_header(&head, "Content-Length");
  assert_non_null(length);
  assert_int_equal(strtoul(length, NULL, 10), get.len);
  free(length);
  response_free(&get);
  response_free(&head);
}

/* BREACH: an answer carrying a CSRF token (the sign-in form) or made for a signed-in session
 * is never compressed, so reflected text cannot be used to guess the secret by its size. */
static void test_secrets_are_never_compressed(void **state)
{
  struct response r;
  call("GET", "/staff/login", NULL, "gzip", &r);
  assert_int_equal(r.status, 200);
  assert_true(r.len >= 1024);
  assert_non_null(strstr(r.body, "name=\"csrf\""));
  assert_false(header_has(&r, "Content-Encoding", ""));
  assert_false(varies_with_encoding(&r));
  response_free(&r);

  struct client c;
  assert_int_equal(client_init(&c, &server), 0);
  assert_int_equal(client_login(&c, "xinxing-clerk", DEMO_PASSWORD), 303);
  const char *headers[] = {"Accept-Encoding: gzip", NULL};
  const char *paths[] = {"/staff/", "/o/xinxing/"};
  for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
    assert_int_equal(client_call(&c, "GET", paths[i], headers, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    bool staff = strncmp(paths[i], "/staff/", 7) == 0;
    /* The staff home is for the session; the public home page is the same for everyone. */
    if (header_has(&r, "Content-Encoding", "gzip") == staff)
      fail_msg("%s signed in: gzip %s", paths[i], staff ? "yes" : "no");
    response_free(&r);
  }
  client_free(&c);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_answers_are_gzipped_when_accepted),
      cmocka_unit_test(test_accept_encoding_decides),
      cmocka_unit_test(test_small_bodies_are_not_compressed),
      cmocka_unit_test(test_head_is_not_compressed),
      cmocka_unit_test(test_secrets_are_never_compressed),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
