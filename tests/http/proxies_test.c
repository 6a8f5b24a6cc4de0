/*
 * proxies_test.c - trusted_proxies: behind a trusted proxy (here: requests from 127.0.0.1 with
 * the header a proxy would add) the per-address rate limit keeps two clients apart, the access
 * log and the audit trail name the client, and a forged entry left of the proxy's does not
 * help; with no trusted proxies (the default) X-Forwarded-For is ignored.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define PASSWORD "bianmin-demo-2026"

/* One server (one demo load); each test restarts it with its own settings, which also empties
 * the rate limiter's memory. */
static struct server node;

static int setup(void **state)
{
  return server_start(&node, NULL);
}

static int teardown(void **state)
{
  return server_stop(&node) == 0 ? 0 : -1;
}
#define LOOKUP "/o/xinxing/progress?number=115-EB01-999999&check=000000"

/* The status of a progress lookup sent with X-Forwarded-For: xff (NULL: none). */
static long lookup(struct server *s, const char *xff)
{
  char header[160];
  snprintf(header, sizeof(header), "X-Forwarded-For: %s", xff ? xff : "");
  const char *headers[] = {"Accept: application/json", xff ? header : NULL, NULL};
  struct response r;
  assert_int_equal(http_call(s, "GET", LOOKUP, headers, NULL, 0, &r), 0);
  long status = r.status;
  response_free(&r);
  return status;
}

static void use_up(struct server *s, const char *xff, int allowed)
{
  for (int i = 0; i < allowed; i++)
    if (lookup(s, xff) == 429)
      fail_msg("lookup %d of %d from %s was limited", i + 1, allowed, xff ? xff : "peer");
  assert_int_equal(lookup(s, xff), 429);
}

static char *read_log(struct server *s)
{
  FILE *f = fopen(s->log, "rb");
  assert_non_null(f);
  char *data = calloc(1, 1 << 22);
  size_t n = fread(data, 1, (1 << 22) - 1, f);
  data[n] = '\0';
  fclose(f);
  return data;
}

struct log_wait {
  struct server *node;
  const char *needle;
};

static bool log_has(void *arg)
{
  struct log_wait *w = arg;
  char *log = read_log(w->node);
  bool found = strstr(log, w->needle) != NULL;
  free(log);
  return found;
}

/* The access log is written when a request completes, which may be just after its answer
 * arrived: wait for the line instead of reading the log at once. */
static void wait_log(struct server *server, const char *needle)
{
  struct log_wait w = {server, needle};
  assert_true(harness_wait_until(log_has, &w, needle));
}

static void test_rate_limit_separates_clients_behind_a_trusted_proxy(void **state)
{
  const char *env[] = {"BIANMIN_TRUSTED_PROXIES=10.0.0.0/8, 127.0.0.1", "BIANMIN_RATE_LOOKUP=3",
                       NULL};
  assert_int_equal(server_restart(&node, env), 0);
  use_up(&node, "198.51.100.1", 3);
  /* Another client behind the same proxy has its own allowance... */
  assert_int_not_equal(lookup(&node, "198.51.100.2"), 429);
  /* ...and the first cannot escape its limit by forging an entry left of the proxy's, nor
   * through a second trusted hop. */
  assert_int_equal(lookup(&node, "203.0.113.50, 198.51.100.1"), 429);
  assert_int_equal(lookup(&node, "198.51.100.1, 10.1.2.3"), 429);
  /* Garbage never becomes an address: the nearest trusted hop (here the peer) is used. */
  use_up(&node, "not-an-address", 3);
  wait_log(&node, "\"ip\":\"198.51.100.1\"");
  wait_log(&node, "\"ip\":\"198.51.100.2\"");
  wait_log(&node, "\"ip\":\"127.0.0.1\""); /* the garbage requests, logged last */
  char *log = read_log(&node);
  assert_null(strstr(log, "203.0.113.50"));
  assert_null(strstr(log, "not-an-address"));
  free(log);
}

static void test_untrusted_forwarded_for_is_ignored(void **state)
{
  const char *env[] = {"BIANMIN_RATE_LOOKUP=3", NULL}; /* trusted_proxies: none */
  assert_int_equal(server_restart(&node, env), 0);
  use_up(&node, "192.0.2.1", 3);
  assert_int_equal(lookup(&node, "192.0.2.2"), 429);
  assert_int_equal(lookup(&node, NULL), 429);
  /* A peer outside the trusted list is not believed either. */
  const char *other[] = {"BIANMIN_TRUSTED_PROXIES=10.0.0.0/8", "BIANMIN_RATE_LOOKUP=3", NULL};
  assert_int_equal(server_restart(&node, other), 0);
  use_up(&node, "192.0.2.1", 3);
  assert_int_equal(lookup(&node, "192.0.2.2"), 429);
  wait_log(&node, "\"ip\":\"127.0.0.1\"");
  char *log = read_log(&node);
  assert_null(strstr(log, "\"ip\":\"192.0.2."));
  free(log);
}

static void test_audit_trail_names_the_client(void **state)
{
  struct client c, admin;
  struct response r;
  char secret[64] = "", form[256];
  const char *env[] = {"BIANMIN_TRUSTED_PROXIES=127.0.0.1", NULL};
  assert_int_equal(server_restart(&node, env), 0);
  const char *add[] = {"user",   "add",   "--office", "xinxing", "--username",  "x-admin",
                       "--name", "Admin", "--roles",  "admin",   "--no-expire", NULL};
  const char *password[] = {"BIANMIN_PASSWORD=" PASSWORD, NULL};
  assert_int_equal(server_cli_env(&node, add, password), 0);
  /* A clerk signs in through the "proxy". */
  client_init(&c, &node);
  assert_int_equal(client_get(&c, "/staff/login", &r), 0);
  response_free(&r);
  snprintf(form, sizeof(form), "username=xinxing-clerk&password=" PASSWORD "&csrf=%s", c.csrf);
  const char *headers[] = {"Content-Type: application/x-www-form-urlencoded",
                           "X-Forwarded-For: 192.0.2.77", NULL};
  assert_int_equal(client_call(&c, "POST", "/staff/login", headers, form, strlen(form), &r), 0);
  assert_int_equal(r.status, 303);
  response_free(&r);
  client_free(&c);
  /* The admin reads the trail: the clerk's sign-in is from the client's address. */
  client_init(&admin, &node);
  assert_int_equal(client_login_totp(&admin, "x-admin", PASSWORD, secret, sizeof(secret)), 0);
  const char *accept_json[] = {"Accept: application/json", NULL};
  assert_int_equal(client_call(&admin, "GET", "/staff/admin/audit?actor=xinxing-clerk", accept_json,
                               NULL, 0, &r),
                   0);
  assert_int_equal(r.status, 200);
  json_t *view = response_json(&r), *row;
  response_free(&r);
  size_t i;
  int from_client = 0;
  json_array_foreach(json_object_get(view, "rows"), i, row)
  {
    const char *ip = json_string_value(json_object_get(row, "ip"));
    assert_string_not_equal(ip ? ip : "", "127.0.0.1");
    from_client += ip && !strcmp(ip, "192.0.2.77");
  }
  json_decref(view);
  assert_true(from_client >= 1);
  client_free(&admin);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rate_limit_separates_clients_behind_a_trusted_proxy),
      cmocka_unit_test(test_untrusted_forwarded_for_is_ignored),
      cmocka_unit_test(test_audit_trail_names_the_client),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
