/*
 * raw_refusals_test.c - every answer carries the security headers, also refusals of requests
 * a browser would never send, spoken over a raw socket: a path too long (414, ours up to
 * HTTP_URI_MAX), a malformed or controlling path (400), an unknown route (404), a body over
 * its cap (413), a wrong method (405); and the refusals libmicrohttpd makes itself before any
 * of our code runs (a request line or headers beyond the header memory: 414 / 431; a malformed
 * header line or Content-Length: 400; a Content-Length beyond 64 bits: 413; an unknown HTTP
 * version: 505), which get the headers from src/http/refusals.c (docs/ARCHITECTURE.md,
 * "Security headers on libmicrohttpd's own refusals"): all but the request id, which they
 * have none of, and a Content-Type.
 */
#define _GNU_SOURCE /* strcasestr */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

static struct server server;

static const char *const security_headers[] = {"Content-Security-Policy:",
                                               "X-Content-Type-Options: nosniff",
                                               "X-Frame-Options: DENY",
                                               "Referrer-Policy:",
                                               "Cross-Origin-Opener-Policy:",
                                               "Permissions-Policy:",
                                               "X-Request-Id:"};

/* Sends request (len bytes) on a fresh connection and reads the answer until the server
 * closes or the head and body have arrived (a generous deadline, not a measurement). */
static char *exchange(const char *request, size_t len)
{
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  assert_true(fd >= 0);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)server.port)};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  assert_int_equal(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
  size_t sent = 0;
  while (sent < len) {
    ssize_t n = send(fd, request + sent, len - sent, MSG_NOSIGNAL);
    if (n <= 0)
      break; /* the server may answer and close before reading everything */
    sent += (size_t)n;
  }
  size_t cap = 1 << 20, got = 0;
  char *out = calloc(1, cap + 1);
  time_t deadline = time(NULL) + HARNESS_WAIT_SECONDS;
  while (got < cap && time(NULL) < deadline) {
    struct pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, 200) <= 0)
      continue;
    ssize_t n = recv(fd, out + got, cap - got, 0);
    if (n <= 0)
      break;
    got += (size_t)n;
    /* a complete answer with Content-Length: stop reading */
    const char *end = strstr(out, "\r\n\r\n");
    const char *cl = strcasestr(out, "\r\nContent-Length:");
    if (end && cl && cl < end && got >= (size_t)(end + 4 - out) + strtoul(cl + 17, NULL, 10))
      break;
  }
  close(fd);
  return out;
}

static long status_of(const char *answer)
{
  return strncmp(answer, "HTTP/1.", 7) == 0 ? strtol(answer + 9, NULL, 10) : 0;
}

/* The head of answer (up to the blank line), for header checks. */
static char *head_of(const char *answer)
{
  const char *end = strstr(answer, "\r\n\r\n");
  size_t n = end ? (size_t)(end - answer) + 2 : strlen(answer);
  char *head = calloc(1, n + 1);
  memcpy(head, answer, n);
  return head;
}

static void expect_headers(const char *what, const char *answer, long status)
{
  char *head = head_of(answer);
  if (status_of(answer) != status)
    fail_msg("%s: expected %ld, got:\n%.600s", what, status, head);
  for (size_t i = 0; i < sizeof(security_headers) / sizeof(security_headers[0]); i++)
    if (!strcasestr(head, security_headers[i]))
      fail_msg("%s: no \"%s\" in:\n%s", what, security_headers[i], head);
  free(head);
}

static char *long_request(const char *prefix, size_t path_len, const char *rest)
{
  size_t n = strlen(prefix) + path_len + strlen(rest);
  char *r = calloc(1, n + 1);
  memcpy(r, prefix, strlen(prefix));
  memset(r + strlen(prefix), 'a', path_len);
  memcpy(r + strlen(prefix) + path_len, rest, strlen(rest));
  return r;
}

static void send_expect(const char *what, const char *request, long status)
{
  char *answer = exchange(request, strlen(request));
  expect_headers(what, answer, status);
  free(answer);
}

static void test_our_refusals_carry_the_headers(void **state)
{
  (void)state;
  send_expect("not found", "GET /no/such/page HTTP/1.1\r\nHost: x\r\n\r\n", 404);
  send_expect("found", "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 200);
  send_expect("invalid UTF-8 path", "GET /%FF%FE HTTP/1.1\r\nHost: x\r\n\r\n", 400);
  send_expect("bidi control", "GET /o/xinxing/search?q=%E2%80%AE HTTP/1.1\r\nHost: x\r\n\r\n", 400);
  send_expect("wrong method", "DELETE / HTTP/1.1\r\nHost: x\r\n\r\n", 405);
  send_expect("body over its cap",
              "POST /staff/login HTTP/1.1\r\nHost: x\r\nContent-Type: "
              "application/x-www-form-urlencoded\r\nContent-Length: 10000000\r\n\r\n",
              413);
  /* a long path, within the header memory: ours */
  char *r = long_request("GET /", 9000, " HTTP/1.1\r\nHost: x\r\n\r\n");
  send_expect("path too long", r, 414);
  free(r);
  r = long_request("GET /o/xinxing/search?q=", 9000, " HTTP/1.1\r\nHost: x\r\n\r\n");
  send_expect("query too long", r, 414);
  /* the page says what is wrong, not that the system failed */
  char *answer = exchange(r, strlen(r));
  expect_contains(answer, "網址太長");
  expect_lacks(answer, "系統發生問題");
  free(answer);
  free(r);
}

/* libmicrohttpd's own refusals: a refusal with no page of ours, carrying the security
 * headers (no request id: no request of ours began) and a Content-Type. */
static void expect_library_refusal(const char *what, const char *request, long status)
{
  char *answer = exchange(request, strlen(request));
  char *head = head_of(answer);
  if (status_of(answer) != status)
    fail_msg("%s: expected %ld, got:\n%.600s", what, status, head);
  for (size_t i = 0; i < sizeof(security_headers) / sizeof(security_headers[0]); i++)
    if (strncmp(security_headers[i], "X-Request-Id", 12) && !strcasestr(head, security_headers[i]))
      fail_msg("%s: no \"%s\" in:\n%s", what, security_headers[i], head);
  if (!strcasestr(head, "Content-Type: text/html"))
    fail_msg("%s: no Content-Type in:\n%s", what, head);
  expect_lacks(head, "X-Request-Id");
  expect_lacks(answer, "govuk");
  free(head);
  free(answer);
}

static void test_library_refusals_are_refusals(void **state)
{
  (void)state;
  char *r = long_request("GET /", 64 * 1024, " HTTP/1.1\r\nHost: x\r\n\r\n");
  expect_library_refusal("request line beyond the header memory", r, 414);
  free(r);
  r = long_request("GET / HTTP/1.1\r\nHost: x\r\nX-Big: ", 64 * 1024, "\r\n\r\n");
  expect_library_refusal("headers beyond the header memory", r, 431);
  free(r);
  expect_library_refusal("header line without a colon",
                         "GET / HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n", 400);
  expect_library_refusal("malformed Content-Length",
                         "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", 400);
  expect_library_refusal(
      "Content-Length beyond 64 bits",
      "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n", 413);
  expect_library_refusal("HTTP/0.9", "GET / HTTP/0.9\r\n\r\n", 505);
  expect_library_refusal("HTTP/2.0 in text", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505);
  /* a request line without a version: closed without any answer */
  char *answer = exchange("GET\r\n\r\n", 7);
  assert_string_equal(answer, "");
  free(answer);
}

static int setup(void **state)
{
  (void)state;
  return server_start(&server, NULL);
}

static int teardown(void **state)
{
  (void)state;
  return server_stop(&server) == 0 ? 0 : -1;
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_our_refusals_carry_the_headers),
      cmocka_unit_test(test_library_refusals_are_refusals),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
