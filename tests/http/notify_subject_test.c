/*
 * notify_subject_test.c - messages not tied to a case (notify_subject_event, migration 16)
 * against real parts: `bianmin serve` with its outbox worker and a real SMTP server (aiosmtpd,
 * tests/support/smtp_sink.py).
 *
 * The test queues a petition's message in the server's database through the domain call, in a
 * transaction of its own as a feature would (the server and this process share the test key,
 * so the recipient sealed here opens there). It checks that the message is queued once however
 * often it is asked for, that another subject with the same id is a different message, that
 * the worker sends it through SMTP with the template filled in, and that the admins' outbox
 * page shows the subject ("陳情 #12") in the case number's place, with no link to a case. Bad
 * calls (the kind "case", an unknown event or channel, no recipient) are refused and queue
 * nothing. Case messages are covered by notices_test, which must stay green.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

#include "base/arena.h"
#include "base/common.h"
#include "domain/keys.h"
#include "domain/lookup.h"
#include "domain/notify.h"
#include "store/store.h"

#define PASSWORD   "bianmin-demo-2026"
#define PYTHON     "/usr/bin/python3"
#define SECRET_KEY "8899aabbccddeeff00112233445566778899aabbccddeeff0011223344556677"
#define ANSWER     "The pavement of Zhongshan Road will be repaired by 30 May."

extern char **environ;

static struct server server;
static pid_t smtp_pid;
static int smtp_port;
static char work[64], mail_dir[128], mail_url[64];
static struct store *store;
static int64_t office_id;

static int start_smtp(void)
{
  char log[128];
  snprintf(log, sizeof(log), "%s/smtp.log", work);
  return harness_smtp_sink(smtp_port, mail_dir, log, &smtp_pid);
}

/* The stored mails whose Message-ID is <bm-ID@...>; *text (may be NULL) gets the last one. */
static int mails_for(long long id, char **text)
{
  char needle[64], path[400];
  snprintf(needle, sizeof(needle), "Message-ID: <bm-%lld@", id);
  DIR *d = opendir(mail_dir);
  struct dirent *e;
  int n = 0;
  while (d && (e = readdir(d)) != NULL) {
    if (!strstr(e->d_name, ".eml") || strstr(e->d_name, ".tmp"))
      continue;
    snprintf(path, sizeof(path), "%s/%s", mail_dir, e->d_name);
    FILE *f = fopen(path, "rb");
    char *data = calloc(1, 1 << 20);
    size_t len = f && data ? fread(data, 1, (1 << 20) - 1, f) : 0;
    if (f)
      fclose(f);
    if (data && strstr(data, needle)) {
      n++;
      if (text) {
        free(*text);
        *text = data;
        data = NULL;
      }
    }
    (void)len;
    free(data);
  }
  if (d)
    closedir(d);
  return n;
}

static int setup(void **state)
{
  (void)state;
  snprintf(work, sizeof(work), "/tmp/bianmin-subject-XXXXXX");
  if (!mkdtemp(work))
    return -1;
  snprintf(mail_dir, sizeof(mail_dir), "%s/mail", work);
  smtp_port = harness_free_port();
  snprintf(mail_url, sizeof(mail_url), "BIANMIN_MAIL_URL=smtp://127.0.0.1:%d", smtp_port);
  const char *env[] = {mail_url,
                       "BIANMIN_MAIL_STARTTLS=false",
                       "BIANMIN_MAIL_FROM=notices@niaosong.example",
                       "BIANMIN_NOTIFY_QUIET_START=00:00",
                       "BIANMIN_NOTIFY_QUIET_END=00:00",
                       "BIANMIN_NOTIFY_POLL=1",
                       "BIANMIN_PUBLIC_URL=https://bianmin.example",
                       "BIANMIN_RATE_LOGIN=100000",
                       NULL};
  /* One key for the server and this process (a PostgreSQL run already shares its own). */
  if (!getenv("BIANMIN_SECRET_KEY") && setenv("BIANMIN_SECRET_KEY", SECRET_KEY, 1))
    return -1;
  if (!smtp_port || start_smtp() || harness_clock_start(time(NULL)) || server_start(&server, env))
    return -1;
  const char *add[] = {"user",   "add",   "--office", "niaosong", "--username",  "s-admin",
                       "--name", "Admin", "--roles",  "admin",    "--no-expire", NULL};
  const char *password[] = {"BIANMIN_PASSWORD=" PASSWORD, NULL};
  if (server_cli_env(&server, add, password))
    return -1;
  char err[256];
  struct notify_settings settings = {.public_url = "https://bianmin.example"};
  notify_configure(&settings);
  json_t *office = NULL;
  if (keys_load_hex(getenv("BIANMIN_SECRET_KEY")) ||
      notify_templates_load_dir(BIANMIN_SOURCE_DIR "/templates/messages", err, sizeof(err)) ||
      store_open(server.db, &store, err, sizeof(err)) ||
      store_office_get(store, "niaosong", &office))
    return -1;
  office_id = json_integer_value(json_object_get(office, "id"));
  json_decref(office);
  return 0;
}

static int teardown(void **state)
{
  (void)state;
  store_close(store);
  int rc = server_stop(&server);
  if (smtp_pid > 0) {
    kill(smtp_pid, SIGTERM);
    waitpid(smtp_pid, NULL, 0);
  }
  char cmd[128];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", work);
  if (!getenv("BIANMIN_KEEP_TEST_DIRS") && system(cmd) != 0)
    return -1;
  return rc == 0 ? 0 : -1;
}

/* Queues event for (kind, id) in a transaction of its own, as a feature's domain call does. */
static int queue(const char *kind, int64_t id, const char *channel, const char *recipient,
                 const char *event)
{
  json_t *vars = json_pack("{s:s, s:s, s:s, s:s}", "number", "115-PE01-000012", "answer", ANSWER,
                           "link", "https://bianmin.example/o/niaosong/progress", "rating_url",
                           "https://bianmin.example/o/niaosong/petition/rate/abc");
  int rc = store_begin(store);
  if (!rc)
    rc = notify_subject_event(store, harness_clock_now(), office_id, kind, id, channel, recipient,
                              "en", event, 1, vars);
  if (!rc)
    rc = store_commit(store);
  else
    store_rollback(store);
  json_decref(vars);
  return rc;
}

static bool seen_before(const int64_t *seen, size_t n, int64_t id)
{
  for (size_t i = 0; i < n; i++)
    if (seen[i] == id)
      return true;
  return false;
}

/* The office's distinct messages of every status for (kind, id), as the outbox page reads them.
 * The server's outbox worker moves messages on (queued, sending, sent) between the reads of
 * two statuses, so one message may be read under two of them: it counts once, by its id. */
static size_t messages_of(const char *kind, int64_t id, struct arena *arena,
                          struct notify_message_row **first)
{
  static const char *const statuses[] = {"queued",    "sending",     "sent",
                                         "delivered", "failed_temp", "failed"};
  int64_t seen[64];
  size_t n = 0;
  for (size_t s = 0; s < sizeof(statuses) / sizeof(*statuses); s++) {
    struct notify_messages list;
    assert_int_equal(notify_outbox_read(store, arena, office_id, statuses[s], 1000, &list), 0);
    for (size_t i = 0; i < list.count; i++) {
      const struct notify_message_row *row = &list.rows[i];
      if (strcmp(row->subject_kind, kind) || row->subject_id != id || seen_before(seen, n, row->id))
        continue;
      assert_true(n < sizeof(seen) / sizeof(*seen));
      if (first && !n)
        *first = &list.rows[i];
      seen[n++] = row->id;
    }
  }
  return n;
}

struct sent_wait {
  int64_t id;
};

static bool mail_arrived(void *arg)
{
  return mails_for(((struct sent_wait *)arg)->id, NULL) > 0;
}

static bool is_sent(void *arg)
{
  struct sent_wait *w = arg;
  struct arena *arena = arena_new(1 << 16);
  struct notify_messages list;
  bool sent = false;
  if (!notify_outbox_read(store, arena, office_id, "sent", 1000, &list))
    for (size_t i = 0; i < list.count; i++)
      sent = sent || list.rows[i].id == w->id;
  arena_free(arena);
  return sent;
}

static void test_subject_message_queued_once_and_sent(void **state)
{
  (void)state;
  struct arena *arena = arena_new(1 << 16);
  assert_int_equal(queue("petition", 12, "email", "citizen@example.org", "petition_answered"), 0);
  assert_int_equal(queue("petition", 12, "email", "citizen@example.org", "petition_answered"), 0);
  /* the same id of another kind is another subject */
  assert_int_equal(queue("ticket", 12, "email", "other@example.org", "petition_answered"), 0);
  struct notify_message_row *m = NULL;
  assert_int_equal(messages_of("petition", 12, arena, &m), 1);
  assert_int_equal(messages_of("ticket", 12, arena, NULL), 1);
  assert_int_equal(m->case_id, 0);
  assert_string_equal(m->event, "petition_answered");
  assert_string_equal(m->lang, "en");
  expect_lacks(m->recipient_masked, "citizen@example.org");

  struct sent_wait w = {m->id};
  assert_true(harness_wait_until(mail_arrived, &w, "the petition's mail"));
  assert_true(harness_wait_until(is_sent, &w, "the message marked sent"));
  char *mail = NULL;
  assert_int_equal(mails_for(m->id, &mail), 1);
  expect_contains(mail, "X-Envelope-To: citizen@example.org");
  char *text = harness_mail_decode(mail);
  assert_non_null(text);
  expect_contains(text, ANSWER);
  expect_contains(text, "https://bianmin.example/o/niaosong/petition/rate/abc");
  expect_contains(text, "115-PE01-000012");
  free(text);
  free(mail);
  /* asked for again after it went: still one message, one mail */
  assert_int_equal(queue("petition", 12, "email", "citizen@example.org", "petition_answered"), 0);
  assert_int_equal(messages_of("petition", 12, arena, NULL), 1);
  assert_int_equal(mails_for(w.id, NULL), 1);
  arena_free(arena);
}

static void test_outbox_page_shows_the_subject(void **state)
{
  (void)state;
  struct client admin;
  char secret[64] = "";
  client_init(&admin, &server);
  /* admins sign in with a second factor: this sets it up */
  assert_int_equal(client_login_totp(&admin, "s-admin", PASSWORD, secret, sizeof(secret)), 0);
  json_t *view = expect_view(&server, &admin, "/staff/admin/outbox?status=sent", 200);
  json_t *messages = json_object_get(view, "messages"), *row, *found = NULL;
  size_t i;
  json_array_foreach(messages, i, row)
  {
    const char *kind = json_string_value(json_object_get(row, "subject_kind"));
    if (kind && !strcmp(kind, "petition"))
      found = row;
  }
  assert_non_null(found);
  expect_text_at(found, "case_key", "陳情 #12");
  assert_null(json_object_get(found, "case_href"));
  json_decref(view);
  /* the petition's templates are edited like the case ones */
  free(expect_page(&server, &admin, "/staff/admin/templates/petition_answered/email/zh-TW", 200));
  char *list = expect_page(&server, &admin, "/staff/admin/templates", 200);
  expect_contains(list, "陳情答復");
  free(list);
  char *page = expect_page(&server, &admin, "/staff/admin/outbox?status=sent", 200);
  expect_contains(page, "陳情 #12");
  expect_lacks(page, "citizen@example.org");
  free(page);
  client_free(&admin);
}

static void test_bad_calls_queue_nothing(void **state)
{
  (void)state;
  struct arena *arena = arena_new(1 << 16);
  assert_int_equal(queue("case", 99, "email", "a@example.org", "petition_answered"), ST_INVALID);
  assert_int_equal(queue("petition", 99, "email", "a@example.org", "no_such_event"), ST_INVALID);
  assert_int_equal(queue("petition", 99, "fax", "a@example.org", "petition_answered"), ST_INVALID);
  assert_int_equal(queue("petition", 99, "email", "", "petition_answered"), ST_INVALID);
  assert_int_equal(queue("petition", 0, "email", "a@example.org", "petition_answered"), ST_INVALID);
  assert_int_equal(messages_of("petition", 99, arena, NULL), 0);
  assert_int_equal(messages_of("case", 99, arena, NULL), 0);
  arena_free(arena);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_subject_message_queued_once_and_sent),
      cmocka_unit_test(test_outbox_page_shows_the_subject),
      cmocka_unit_test(test_bad_calls_queue_nothing),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
