/*
 * access_log_test.c - access lines gathered in memory ([log] access_buffer_bytes, on by
 * default): a line reaches the log within the flush interval once traffic stops, without any
 * other request or line to push it out; and a server stopped with SIGTERM has written the line
 * of every request it answered, once, even those its buffer still held.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "harness.h"

enum { SIGTERM_REQUESTS = 40 };

static struct server node;

/* Log level error: no info line (the deadline scanner's, say) pushes the buffer out; only the
 * flush timer or the stop can. The buffer's size and interval are the defaults. */
static int setup(void **state)
{
  static const char *const quiet[] = {"BIANMIN_LOG_LEVEL=error", NULL};
  return server_start(&node, quiet);
}

static int teardown(void **state)
{
  return server_stop(&node) == 0 ? 0 : -1;
}

static char *read_log(void)
{
  FILE *f = fopen(node.log, "rb");
  assert_non_null(f);
  char *data = calloc(1, 1 << 22);
  assert_non_null(data);
  size_t n = fread(data, 1, (1 << 22) - 1, f);
  data[n] = '\0';
  fclose(f);
  return data;
}

static bool log_has(void *needle)
{
  char *log = read_log();
  bool found = strstr(log, needle) != NULL;
  free(log);
  return found;
}

/* GET path (no route: 404, an access line naming it). */
static void get(const char *path)
{
  struct response r;
  assert_int_equal(http_get(&node, path, &r), 0);
  assert_int_equal(r.status, 404);
  response_free(&r);
}

/* The access line of a GET of path, as far as the test cares. */
static void access_needle(char *out, size_t size, const char *path)
{
  snprintf(out, size, "\"method\":\"GET\",\"path\":\"%s\",\"route\":\"\",\"status\":404", path);
}

/* One request, then nothing: its line comes out by the flush timer alone. */
static void test_line_written_when_traffic_stops(void **state)
{
  char needle[160];
  get("/access-test/quiet");
  access_needle(needle, sizeof(needle), "/access-test/quiet");
  assert_true(harness_wait_until(log_has, needle, "the access line of a lone request"));
}

/* With a flush interval longer than the test, the lines wait in the buffer until SIGTERM; the
 * stopped server has written them all, once each. */
static void test_sigterm_writes_every_line(void **state)
{
  /* log level error: no "stopping" line pushes the buffer out, only the stop itself */
  static const char *const slow_flush[] = {"BIANMIN_LOG_ACCESS_FLUSH=3600",
                                           "BIANMIN_LOG_LEVEL=error", NULL};
  assert_int_equal(server_restart(&node, slow_flush), 0);
  char path[64], needle[160];
  for (int i = 0; i < SIGTERM_REQUESTS; i++) {
    snprintf(path, sizeof(path), "/access-test/term-%02d", i);
    get(path);
  }
  /* still gathered: the buffer (32 KiB) holds them and nothing else was logged */
  access_needle(needle, sizeof(needle), "/access-test/term-00");
  assert_false(log_has(needle));
  kill(node.pid, SIGTERM);
  int status;
  assert_int_equal(waitpid(node.pid, &status, 0), node.pid);
  node.pid = 0;
  assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  /* Each line once. Not in request order: a request's line is written when libmicrohttpd
   * reports it complete, which may come after the client has sent the next one on another
   * connection (and thread). */
  char *log = read_log();
  for (int i = 0; i < SIGTERM_REQUESTS; i++) {
    snprintf(path, sizeof(path), "/access-test/term-%02d", i);
    access_needle(needle, sizeof(needle), path);
    const char *found = strstr(log, needle);
    if (!found || strstr(found + 1, needle)) {
      free(log);
      fail_msg("not one access line for %s", path);
    }
  }
  free(log);
  assert_int_equal(server_restart(&node, NULL), 0); /* for the teardown */
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_line_written_when_traffic_stops),
      cmocka_unit_test(test_sigterm_writes_every_line),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
