/*
 * notices_test.c - notices end to end against real parts: `bianmin serve` with its outbox
 * worker, a real SMTP server (aiosmtpd, tests/support/smtp_sink.py) and a local HTTP server
 * playing the SMS gateway (tests/support/fake_sms_gateway.py: 200, 400, 500 or hang).
 *
 * Each event sends the right message in the applicant's language through their channels;
 * gateway 500 is retried and delivered once; with the SMTP server down e-mail waits and goes
 * out once it is back; delivery receipts at the webhook; a permanent refusal is given up and an
 * admin retries it; the server killed (-9) while sending loses nothing and sends nothing twice;
 * bad template edits are refused with a clear message and change nothing.
 *
 * Time is the harness's fake clock: it stands still unless a test moves it, so a retry happens
 * when the test moves the clock past its backoff and never on its own. The test waits on
 * conditions (harness_wait_until), never for a fixed time. To show that the worker left a
 * message alone, it takes in another case and waits until the worker has tried that one's SMS:
 * the worker claims the oldest due message first, so anything older that was due went before.
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
#include <sodium.h>

#include "harness.h"

#define PASSWORD      "bianmin-demo-2026"
#define RECEIPT_TOKEN "receipt-secret-0123456789abcdef"
#define SERVICE       "29" /* niaosong mediation: the mediation workflow */
#define PYTHON        "/usr/bin/python3"
enum { CLAIM_TIMEOUT = 6, TOTP_STEP = 30 };

extern char **environ;

static struct server server;
static struct server gateway; /* only its port: http_call() talks to the fake gateway */
static pid_t gateway_pid, smtp_pid;
static int smtp_port;
static char work[64], mail_dir[128], env_text[8][160];
static const char *env[16];
static char admin_secret[64];
static const char *accept_json[] = {"Accept: application/json", NULL};

/* ---- the real parts --------------------------------------------------------------------- */

static pid_t spawn_python(const char *const *args, const char *log)
{
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, log, O_WRONLY | O_CREAT | O_APPEND, 0644);
  pid_t pid;
  if (posix_spawn(&pid, PYTHON, &actions, NULL, (char *const *)args, environ) != 0)
    pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

static bool file_exists(const char *path)
{
  return access(path, F_OK) == 0;
}

static bool file_ready(void *path)
{
  return file_exists(path);
}

static int wait_file(const char *path)
{
  return harness_wait_until(file_ready, (void *)path, path) ? 0 : -1;
}

static int start_gateway(void)
{
  char port_file[128], log[128];
  snprintf(port_file, sizeof(port_file), "%s/gateway.port", work);
  snprintf(log, sizeof(log), "%s/gateway.log", work);
  const char *args[] = {PYTHON, BIANMIN_SOURCE_DIR "/tests/support/fake_sms_gateway.py", port_file,
                        NULL};
  gateway_pid = spawn_python(args, log);
  if (gateway_pid < 0 || wait_file(port_file))
    return -1;
  FILE *f = fopen(port_file, "r");
  if (!f || fscanf(f, "%d", &gateway.port) != 1)
    gateway.port = 0;
  if (f)
    fclose(f);
  return gateway.port > 0 ? 0 : -1;
}

static void start_smtp(void)
{
  char port[16], ready[160], log[128];
  snprintf(port, sizeof(port), "%d", smtp_port);
  snprintf(ready, sizeof(ready), "%s/ready", mail_dir);
  snprintf(log, sizeof(log), "%s/smtp.log", work);
  const char *args[] = {PYTHON, BIANMIN_SOURCE_DIR "/tests/support/smtp_sink.py", port, mail_dir,
                        NULL};
  smtp_pid = spawn_python(args, log);
  assert_true(smtp_pid > 0);
  assert_int_equal(wait_file(ready), 0);
}

static void stop_child(pid_t *pid)
{
  if (*pid > 0) {
    kill(*pid, SIGTERM);
    waitpid(*pid, NULL, 0);
  }
  *pid = 0;
}

static void gateway_mode(const char *mode)
{
  struct response r;
  assert_int_equal(http_call(&gateway, "POST", "/_control/mode", NULL, mode, strlen(mode), &r), 0);
  response_free(&r);
}

static json_t *gateway_log(void)
{
  struct response r;
  assert_int_equal(http_get(&gateway, "/_control/log", &r), 0);
  json_t *log = response_json(&r);
  response_free(&r);
  assert_non_null(log);
  return log;
}

/* Requests the gateway received for ref (in mode, or any mode when mode is NULL). */
static int gateway_requests(const char *ref, const char *mode, json_t **last)
{
  json_t *log = gateway_log(), *req;
  size_t i;
  int n = 0;
  json_array_foreach(json_object_get(log, "requests"), i, req)
  {
    const char *m = json_string_value(json_object_get(req, "mode"));
    if (strcmp(json_string_value(json_object_get(req, "ref")), ref) || (mode && strcmp(m, mode)))
      continue;
    n++;
    if (last) {
      json_decref(*last);
      *last = json_loads(json_string_value(json_object_get(req, "body")), 0, NULL);
    }
  }
  json_decref(log);
  return n;
}

static int gateway_delivered(const char *ref)
{
  json_t *log = gateway_log();
  int n = (int)json_integer_value(json_object_get(json_object_get(log, "delivered"), ref));
  json_decref(log);
  return n;
}

/* The stored mails whose Message-ID is <bm-ID@...>; *text receives the last one. */
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
    size_t len = f ? fread(data, 1, (1 << 20) - 1, f) : 0;
    data[len] = '\0';
    if (f)
      fclose(f);
    if (strstr(data, needle)) {
      n++;
      if (text) {
        free(*text);
        *text = data;
        data = NULL;
      }
    }
    free(data);
  }
  if (d)
    closedir(d);
  return n;
}

/* The first base64 MIME part of type in mail, decoded (malloc'd). */
static char *mail_part(const char *mail, const char *type)
{
  char needle[80];
  snprintf(needle, sizeof(needle), "Content-Type: %s; charset=UTF-8", type);
  const char *p = strstr(mail, needle);
  if (!p || !(p = strstr(p, "\r\n\r\n")))
    return NULL;
  p += 4;
  size_t n = strcspn(p, "-"), j = 0, len = 0;
  char *clean = calloc(1, n + 1), *out = calloc(1, n + 1);
  for (size_t i = 0; i < n; i++)
    if (p[i] != '\r' && p[i] != '\n')
      clean[j++] = p[i];
  sodium_base642bin((unsigned char *)out, n, clean, j, NULL, &len, NULL,
                    sodium_base64_VARIANT_ORIGINAL);
  free(clean);
  return out;
}

/* ---- the server --------------------------------------------------------------------------- */

static void build_env(void)
{
  snprintf(env_text[0], sizeof(env_text[0]), "BIANMIN_MAIL_URL=smtp://127.0.0.1:%d", smtp_port);
  snprintf(env_text[1], sizeof(env_text[1]), "BIANMIN_SMS_URL=http://127.0.0.1:%d/send",
           gateway.port);
  const char *fixed[] = {env_text[0],
                         env_text[1],
                         "BIANMIN_MAIL_STARTTLS=false",
                         "BIANMIN_MAIL_FROM=notices@niaosong.example",
                         "BIANMIN_SMS_RECEIPT_TOKEN=" RECEIPT_TOKEN,
                         "BIANMIN_NOTIFY_QUIET_START=00:00",
                         "BIANMIN_NOTIFY_QUIET_END=00:00",
                         "BIANMIN_NOTIFY_RETRY_BASE=1",
                         "BIANMIN_NOTIFY_POLL=1",
                         "BIANMIN_SMS_TIMEOUT=60",         /* "hang" lasts until the test kills */
                         "BIANMIN_NOTIFY_CLAIM_TIMEOUT=6", /* CLAIM_TIMEOUT */
                         "BIANMIN_NOTIFY_MAX_ATTEMPTS=30",
                         "BIANMIN_PUBLIC_URL=https://bianmin.example",
                         "BIANMIN_RATE_LOGIN=100000",
                         NULL};
  memcpy(env, fixed, sizeof(fixed));
}

static int setup(void **state)
{
  snprintf(work, sizeof(work), "/tmp/bianmin-notices-XXXXXX");
  if (!mkdtemp(work))
    return -1;
  snprintf(mail_dir, sizeof(mail_dir), "%s/mail", work);
  smtp_port = harness_free_port(); /* the SMTP server starts later: it is "down" at first */
  if (!smtp_port || start_gateway())
    return -1;
  build_env();
  if (harness_clock_start(time(NULL)) || server_start(&server, env))
    return -1;
  /* An admin of our own (the demo admins have a second factor whose secret we do not know). */
  const char *add[] = {"user",   "add",   "--office", "niaosong", "--username",  "n-admin",
                       "--name", "Admin", "--roles",  "admin",    "--no-expire", NULL};
  const char *password[] = {"BIANMIN_PASSWORD=" PASSWORD, NULL};
  return server_cli_env(&server, add, password) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
  int rc = server_stop(&server);
  stop_child(&gateway_pid);
  stop_child(&smtp_pid);
  char cmd[128];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", work);
  if (!getenv("BIANMIN_KEEP_TEST_DIRS") && system(cmd) != 0)
    return -1;
  return rc == 0 ? 0 : -1;
}

static void sign_in(struct client *c, const char *who)
{
  client_init(c, &server);
  assert_int_equal(client_login(c, who, PASSWORD), 303);
}

/* Takes a case in at niaosong; returns its id. */
static long long take_in(struct client *c, const char *notify, const char *lang, const char *email)
{
  char form[512];
  snprintf(form, sizeof(form),
           "service_id=" SERVICE "&applicant_name=%%E6%%9E%%97%%E5%%B0%%8F%%E8%%8A%%B3"
           "&applicant_phone=0912345678&applicant_email=%s&notify=%s&lang=%s",
           email, notify, lang);
  return harness_intake(c, form, NULL, 0);
}

static void act(struct client *c, long long id, const char *action, const char *form)
{
  struct response r;
  char path[96];
  snprintf(path, sizeof(path), "/staff/cases/%lld", id);
  assert_int_equal(client_get(c, path, &r), 0);
  response_free(&r);
  snprintf(path, sizeof(path), "/staff/cases/%lld/%s", id, action);
  assert_int_equal(client_post(c, path, form, &r), 0);
  if (r.status != 303)
    fail_msg("%s answered %ld: %.400s", action, r.status, r.body);
  response_free(&r);
}

static json_t *case_view(struct client *c, long long id)
{
  struct response r;
  char path[64];
  snprintf(path, sizeof(path), "/staff/cases/%lld", id);
  assert_int_equal(client_call(c, "GET", path, accept_json, NULL, 0, &r), 0);
  assert_int_equal(r.status, 200);
  json_t *v = response_json(&r);
  response_free(&r);
  return v;
}

/* The case's message of event over channel (new reference), or NULL. */
static json_t *message(struct client *c, long long id, const char *event, const char *channel)
{
  json_t *v = case_view(c, id), *m, *found = NULL;
  size_t i;
  json_array_foreach(json_object_get(v, "messages"), i, m)
  {
    if (!strcmp(json_string_value(json_object_get(m, "event")), event) &&
        !strcmp(json_string_value(json_object_get(m, "channel")), channel))
      found = json_incref(m);
  }
  json_decref(v);
  return found;
}

static const char *str(json_t *o, const char *key)
{
  const char *s = json_string_value(json_object_get(o, key));
  return s ? s : "";
}

struct awaited {
  struct client *client;
  long long id;
  const char *event, *channel, *status;
  long long attempts; /* 0: any number */
  json_t *found;
};

static long long attempts_of(json_t *m)
{
  return json_integer_value(json_object_get(m, "attempts"));
}

static bool has_status(void *arg)
{
  struct awaited *a = arg;
  json_t *m = message(a->client, a->id, a->event, a->channel);
  if (m && !strcmp(str(m, "status"), a->status) &&
      (!a->attempts || attempts_of(m) == a->attempts)) {
    a->found = m;
    return true;
  }
  json_decref(m);
  return false;
}

/* Waits until the message has status; returns it (new reference). */
static json_t *wait_status(struct client *c, long long id, const char *event, const char *channel,
                           const char *status)
{
  struct awaited a = {c, id, event, channel, status, 0, NULL};
  if (harness_wait_until(has_status, &a, "a message's status"))
    return a.found;
  json_t *m = message(c, id, event, channel);
  fail_msg("message %s/%s of case %lld is %s (%s), not %s", event, channel, id,
           m ? str(m, "status") : "missing", m ? str(m, "last_error") : "", status);
  return NULL;
}

static void ref_of(json_t *m, char *ref, size_t size)
{
  snprintf(ref, size, "bm-%lld", (long long)json_integer_value(json_object_get(m, "id")));
}

static bool tried(void *arg)
{
  struct awaited *a = arg;
  json_t *m = message(a->client, a->id, a->event, a->channel);
  bool done = m && attempts_of(m) > 0 && strcmp(str(m, "status"), "sending") != 0;
  json_decref(m);
  return done;
}

/* Takes in a new SMS case and waits until the worker has tried its message once: from then on
 * the worker has had a pass at the current (fake) time, in which it would have claimed any
 * older message that was due. */
static void worker_passed(struct client *c)
{
  long long id = take_in(c, "sms", "en", "");
  struct awaited a = {c, id, "received", "sms", NULL, 0, NULL};
  if (!harness_wait_until(tried, &a, "the worker to try a new message"))
    fail_msg("the worker never tried the SMS of case %lld", id);
}

/* The SMS text the gateway got for message m (new reference to the request body). */
static json_t *sms_sent(json_t *m)
{
  char ref[32];
  json_t *body = NULL;
  ref_of(m, ref, sizeof(ref));
  assert_int_equal(gateway_requests(ref, "200", &body), 1);
  assert_int_equal(gateway_delivered(ref), 1);
  return body;
}

/* ---- tests -------------------------------------------------------------------------------- */

static void test_sms_events_in_chinese(void **state)
{
  struct client c;
  sign_in(&c, "niaosong-supervisor");
  long long id = take_in(&c, "sms", "zh-TW", "");
  json_t *m = wait_status(&c, id, "received", "sms", "sent"), *body = sms_sent(m);
  assert_string_equal(str(body, "to"), "0912345678");
  assert_non_null(strstr(str(body, "text"), "已收件"));
  /* the way back: the case's own link and its check code */
  assert_non_null(strstr(str(body, "text"), "https://bianmin.example/p/"));
  assert_non_null(strstr(str(body, "text"), "檢查碼 "));
  assert_string_equal(str(m, "recipient"), "0912***678");
  json_decref(body);
  json_decref(m);

  act(&c, id, "correction", "items=%E5%8D%B0%E9%91%91%E8%AD%89%E6%98%8E%0D%0Ax");
  m = wait_status(&c, id, "correction", "sms", "sent");
  body = sms_sent(m);
  assert_non_null(strstr(str(body, "text"), "需補正：印鑑證明；x"));
  assert_non_null(strstr(str(body, "text"), "年")); /* the deadline as an ROC date */
  json_decref(body);
  json_decref(m);

  act(&c, id, "corrected", "");
  act(&c, id, "status", "to=session_scheduled");
  act(&c, id, "status", "to=mediated");
  act(&c, id, "status", "to=closed");
  m = wait_status(&c, id, "ready", "sms", "sent");
  body = sms_sent(m);
  assert_non_null(strstr(str(body, "text"), "已辦結"));
  json_decref(body);
  json_decref(m);
  assert_null(message(&c, id, "received", "email")); /* SMS was the choice */
  client_free(&c);
}

static void test_email_waits_for_smtp_then_goes_once(void **state)
{
  struct client c;
  char *mail = NULL;
  sign_in(&c, "niaosong-supervisor");
  long long id = take_in(&c, "email", "en", "lin%40example.com");
  json_t *m = wait_status(&c, id, "received", "email", "failed_temp");
  assert_non_null(strstr(str(m, "last_error"), "smtp"));
  assert_int_equal(attempts_of(m), 1);
  json_decref(m);
  start_smtp(); /* the server comes back, but the retry waits for its backoff (1 s) */
  worker_passed(&c);
  m = message(&c, id, "received", "email");
  assert_string_equal(str(m, "status"), "failed_temp");
  json_decref(m);
  harness_clock_advance(1);
  m = wait_status(&c, id, "received", "email", "sent");
  assert_int_equal(attempts_of(m), 2);
  long long mid = json_integer_value(json_object_get(m, "id"));
  assert_int_equal(mails_for(mid, &mail), 1);
  assert_non_null(strstr(mail, "X-Envelope-To: lin@example.com"));
  assert_non_null(strstr(mail, "Subject: "));
  assert_non_null(strstr(mail, "case "));
  assert_non_null(strstr(mail, "Content-Type: multipart/alternative"));
  char *text = mail_part(mail, "text/plain"), *html = mail_part(mail, "text/html");
  assert_non_null(strstr(text, "We have received your application"));
  assert_non_null(strstr(html, "<html lang=\"en\">"));
  free(text);
  free(html);
  free(mail);
  mail = NULL;
  json_decref(m);

  /* Chinese, both channels: the overdue notice and the rejection by e-mail. */
  long long zh = take_in(&c, "both", "zh-TW", "wang%40example.com");
  char overdue[128], ahead[11];
  harness_taipei_date(harness_clock_now(), 30, ahead);
  snprintf(overdue, sizeof(overdue),
           "note=%%E6%%9C%%83%%E8%%BE%%A6%%E7%%A8%%85%%E6%%8D%%90&new_date=%s", ahead);
  act(&c, zh, "overdue", overdue);
  act(&c, zh, "status", "to=session_scheduled");
  act(&c, zh, "reject", "note=%E6%96%87%E4%BB%B6%E4%B8%8D%E7%AC%A6");
  m = wait_status(&c, zh, "rejected", "email", "sent");
  assert_int_equal(mails_for(json_integer_value(json_object_get(m, "id")), &mail), 1);
  assert_non_null(strstr(mail, "Subject: =?UTF-8?B?"));
  text = mail_part(mail, "text/plain");
  assert_non_null(strstr(text, "駁回"));
  assert_non_null(strstr(text, "文件不符"));
  free(text);
  free(mail);
  mail = NULL;
  json_decref(m);
  m = wait_status(&c, zh, "overdue_notice", "email", "sent");
  assert_int_equal(mails_for(json_integer_value(json_object_get(m, "id")), &mail), 1);
  text = mail_part(mail, "text/plain");
  assert_non_null(strstr(text, "會辦稅捐"));
  char roc[32]; /* the new date as an ROC date, months and days without leading zeros */
  snprintf(roc, sizeof(roc), "%ld年%ld月%ld日", strtol(ahead, NULL, 10) - 1911,
           strtol(ahead + 5, NULL, 10), strtol(ahead + 8, NULL, 10));
  assert_non_null(strstr(text, roc));
  free(text);
  free(mail);
  json_decref(m);
  json_decref(wait_status(&c, zh, "overdue_notice", "sms", "sent"));
  client_free(&c);
}

/* Waits until the case's received SMS has failed for the attempts-th time. */
static void wait_failed_attempts(struct client *c, long long id, long long attempts)
{
  struct awaited a = {c, id, "received", "sms", "failed_temp", attempts, NULL};
  if (!harness_wait_until(has_status, &a, "a failed attempt"))
    fail_msg("the SMS of case %lld did not fail %lld times", id, attempts);
  json_decref(a.found);
}

/* The message keeps its attempts after a worker pass at the current time: not due yet. */
static void assert_not_retried(struct client *c, long long id, long long attempts)
{
  worker_passed(c);
  json_t *m = message(c, id, "received", "sms");
  assert_int_equal(attempts_of(m), attempts);
  json_decref(m);
}

static void test_gateway_500_retried_and_delivered_once(void **state)
{
  struct client c;
  char ref[32];
  sign_in(&c, "niaosong-supervisor");
  gateway_mode("500");
  long long id = take_in(&c, "sms", "en", "");
  wait_failed_attempts(&c, id, 1);
  json_t *m = message(&c, id, "received", "sms");
  ref_of(m, ref, sizeof(ref));
  json_decref(m);
  /* The backoff on the fake clock: 1 s after the first failure, then 2 s. */
  assert_not_retried(&c, id, 1);
  harness_clock_advance(1);
  wait_failed_attempts(&c, id, 2);
  harness_clock_advance(1);
  assert_not_retried(&c, id, 2);
  assert_int_equal(gateway_requests(ref, "500", NULL), 2);
  gateway_mode("200");
  harness_clock_advance(1);
  m = wait_status(&c, id, "received", "sms", "sent");
  assert_int_equal(attempts_of(m), 3);
  json_decref(m);
  /* No further attempts once sent, even with the clock far past the claim timeout. */
  harness_clock_advance(CLAIM_TIMEOUT + 600);
  worker_passed(&c);
  assert_int_equal(gateway_requests(ref, "200", NULL), 1);
  assert_int_equal(gateway_delivered(ref), 1);
  json_t *body = NULL;
  gateway_requests(ref, "200", &body);
  assert_non_null(strstr(str(body, "text"), "we have received your application"));
  json_decref(body);

  /* The delivery receipt, at the authenticated webhook. */
  struct response r;
  char json[128];
  snprintf(json, sizeof(json), "{\"ref\": \"%s\", \"status\": \"delivered\"}", ref);
  const char *type[] = {"Content-Type: application/json", NULL};
  assert_int_equal(
      http_call(&server, "POST", "/hooks/sms/wrong-token", type, json, strlen(json), &r), 0);
  assert_int_equal(r.status, 403);
  response_free(&r);
  assert_int_equal(
      http_call(&server, "POST", "/hooks/sms/" RECEIPT_TOKEN, type, "{\"ref\":", 7, &r), 0);
  assert_int_equal(r.status, 400);
  response_free(&r);
  assert_int_equal(http_call(&server, "POST", "/hooks/sms/" RECEIPT_TOKEN, type,
                             "{\"ref\": \"bm-99999\", \"status\": \"delivered\"}", 42, &r),
                   0);
  assert_int_equal(r.status, 404);
  response_free(&r);
  assert_int_equal(
      http_call(&server, "POST", "/hooks/sms/" RECEIPT_TOKEN, type, json, strlen(json), &r), 0);
  assert_int_equal(r.status, 200);
  response_free(&r);
  json_decref(wait_status(&c, id, "received", "sms", "delivered"));
  client_free(&c);
}

/* Each sign-in of the admin moves the clock to a fresh TOTP step: a code is accepted once. */
static void sign_in_admin(struct client *c)
{
  harness_clock_advance(TOTP_STEP);
  client_init(c, &server);
  assert_int_equal(client_login_totp(c, "n-admin", PASSWORD, admin_secret, sizeof(admin_secret)),
                   0);
}

static void test_refused_message_is_given_up_and_admin_retries(void **state)
{
  struct client c, admin;
  struct response r;
  sign_in(&c, "niaosong-supervisor");
  gateway_mode("400");
  long long id = take_in(&c, "sms", "zh-TW", "");
  json_t *m = wait_status(&c, id, "received", "sms", "failed");
  assert_int_equal(json_integer_value(json_object_get(m, "attempts")), 1);
  long long mid = json_integer_value(json_object_get(m, "id"));
  json_decref(m);
  gateway_mode("200");
  sign_in_admin(&admin);
  assert_int_equal(client_call(&admin, "GET", "/staff/admin/outbox", accept_json, NULL, 0, &r), 0);
  assert_int_equal(r.status, 200);
  char needle[64];
  snprintf(needle, sizeof(needle), "\"id\": %lld", mid);
  json_t *v = response_json(&r);
  char *dump = json_dumps(v, 0);
  assert_non_null(strstr(dump, needle));
  free(dump);
  json_decref(v);
  response_free(&r);
  assert_int_equal(client_get(&admin, "/staff/admin/outbox", &r), 0); /* the page, for csrf */
  assert_non_null(strstr(r.body, "sms gateway answered 400"));
  response_free(&r);
  char path[80];
  snprintf(path, sizeof(path), "/staff/admin/outbox/%lld/retry", mid);
  assert_int_equal(client_post(&admin, path, "", &r), 0);
  assert_int_equal(r.status, 303);
  response_free(&r);
  json_decref(wait_status(&c, id, "received", "sms", "sent"));
  assert_int_equal(client_post(&admin, path, "", &r), 0); /* sent: nothing to retry */
  assert_int_equal(r.status, 404);
  response_free(&r);
  client_free(&admin);
  client_free(&c);
}

static long template_post(struct client *admin, const char *form, struct response *r)
{
  assert_int_equal(client_get(admin, "/staff/admin/templates/received/sms/zh-TW", r), 0);
  response_free(r);
  assert_int_equal(client_post(admin, "/staff/admin/templates/received/sms/zh-TW?lang=en", form, r),
                   0);
  return r->status;
}

static void test_bad_template_edits_are_refused(void **state)
{
  struct client admin, c;
  struct response r;
  sign_in_admin(&admin);
  assert_int_equal(template_post(&admin, "action=save&body=Hi+%7B%7Bnope%7D%7D", &r), 400);
  assert_non_null(strstr(r.body, "unknown variable: nope"));
  response_free(&r);
  assert_int_equal(template_post(&admin, "action=save&body=%7B%7B%23items%7D%7Dx", &r), 400);
  assert_non_null(strstr(r.body, "syntax"));
  response_free(&r);
  assert_int_equal(template_post(&admin, "action=save&body=%7B%7Bcase_number", &r), 400);
  assert_non_null(strstr(r.body, "not closed"));
  response_free(&r);
  /* Nothing changed: the shipped template is still in force. */
  assert_int_equal(client_call(&admin, "GET", "/staff/admin/templates/received/sms/zh-TW",
                               accept_json, NULL, 0, &r),
                   0);
  json_t *v = response_json(&r);
  assert_false(json_is_true(json_object_get(v, "edited")));
  assert_non_null(strstr(str(v, "body"), "已收件"));
  json_decref(v);
  response_free(&r);

  /* The preview counts SMS parts: 70 Chinese characters fit one message, 71 need two. */
  char form[1024];
  int len = snprintf(form, sizeof(form), "action=preview&body=");
  for (int i = 0; i < 70; i++)
    len += snprintf(form + len, sizeof(form) - (size_t)len, "%%E5%%AD%%97"); /* 字 */
  assert_int_equal(template_post(&admin, form, &r), 200);
  assert_non_null(strstr(r.body, "data-units=\"70\" data-parts=\"1\""));
  response_free(&r);
  snprintf(form + len, sizeof(form) - (size_t)len, "%%E5%%AD%%97");
  assert_int_equal(template_post(&admin, form, &r), 200);
  assert_non_null(strstr(r.body, "data-units=\"71\" data-parts=\"2\""));
  response_free(&r);

  assert_int_equal(
      template_post(&admin, "action=save&body=%E6%96%B0%E7%AF%84%E6%9C%AC+%7B%7Bcase_number%7D%7D",
                    &r),
      303);
  response_free(&r);
  sign_in(&c, "niaosong-supervisor");
  long long id = take_in(&c, "sms", "zh-TW", "");
  json_t *m = wait_status(&c, id, "received", "sms", "sent"), *body = sms_sent(m);
  assert_non_null(strstr(str(body, "text"), "新範本 1"));
  json_decref(body);
  json_decref(m);
  assert_int_equal(template_post(&admin, "action=reset", &r), 303);
  response_free(&r);
  client_free(&c);
  client_free(&admin);
}

/* Ready when the gateway holds a request for the case's received SMS unanswered ("hang"). */
static bool sms_hanging(void *arg)
{
  struct awaited *a = arg;
  char ref[32];
  json_t *m = message(a->client, a->id, "received", "sms");
  if (m)
    ref_of(m, ref, sizeof(ref));
  json_decref(m);
  return m && gateway_requests(ref, "hang", NULL) >= 1;
}

static void test_killed_while_sending_loses_nothing_sends_nothing_twice(void **state)
{
  struct client c;
  char ref[32];
  sign_in(&c, "niaosong-supervisor");
  gateway_mode("hang");
  long long id = take_in(&c, "both", "en", "kill%40example.com");
  struct awaited a = {&c, id, "received", "sms", NULL, 0, NULL};
  assert_true(harness_wait_until(sms_hanging, &a, "the SMS to reach the hanging gateway"));
  json_t *sms = message(&c, id, "received", "sms");
  ref_of(sms, ref, sizeof(ref));
  client_free(&c);
  kill(server.pid, SIGKILL); /* in the middle of sending */
  waitpid(server.pid, NULL, 0);
  server.pid = 0;
  gateway_mode("200");
  assert_int_equal(server_restart(&server, env), 0);
  sign_in(&c, "niaosong-supervisor");
  /* The dead worker's claim is taken over once it is older than the claim timeout. */
  harness_clock_advance(CLAIM_TIMEOUT + 1);
  json_t *m = wait_status(&c, id, "received", "sms", "sent");
  json_t *mail = wait_status(&c, id, "received", "email", "sent");
  harness_clock_advance(CLAIM_TIMEOUT + 600);
  worker_passed(&c);
  assert_int_equal(gateway_requests(ref, "200", NULL), 1);
  assert_int_equal(gateway_delivered(ref), 1);
  assert_int_equal(mails_for(json_integer_value(json_object_get(mail, "id")), NULL), 1);
  json_decref(m);
  json_decref(mail);
  json_decref(sms);
  client_free(&c);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sms_events_in_chinese),
      cmocka_unit_test(test_email_waits_for_smtp_then_goes_once),
      cmocka_unit_test(test_gateway_500_retried_and_delivered_once),
      cmocka_unit_test(test_refused_message_is_given_up_and_admin_retries),
      cmocka_unit_test(test_bad_template_edits_are_refused),
      cmocka_unit_test(test_killed_while_sending_loses_nothing_sends_nothing_twice),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
