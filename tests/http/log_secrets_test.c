/*
 * log_secrets_test.c - no secret reaches the logs or the metrics. A whole HTTP scenario uses
 * every kind of secret the application takes in a path or a parameter: a staff password, the
 * receipt's progress token (/p/<token> and the pages under it), the check code (the progress
 * form and the JSON API, right and wrong), an online application's one-time e-mail code and
 * its real resume link (/o/<office>/apply-resume/<token>, mailed to a local SMTP sink, opened
 * and spent), the SMS gateway's webhook secret, and token-like paths no route matches. Then the
 * server's
 * whole log (access lines and diagnostics) and /metrics are searched for each of them: none
 * may appear. The requests are checked to be in the access log (redacted), so the test cannot
 * pass by logging nothing.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <sodium.h>
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

#define PASSWORD       "log-secrets-password-2026"
#define DEMO_PASSWORD  "bianmin-demo-2026"
#define RECEIPT_TOKEN  "smsHookSecret0123456789abcdefXYZ"
#define RESUME_TOKEN   "ResumeToken0123456789abcdefghijklmnopqrstu"
#define UNROUTED_TOKEN "Unrouted0123456789ABCDEFGHIJKLMNOPQRSTUVWX"

#define PYTHON  "/usr/bin/python3"
#define SERVICE "/o/xinxing/apply/transcript"

static struct server server;
static pid_t smtp_pid;
static char work[64], mail_dir[128], mail_env[96];

/* ---- the SMTP sink (tests/support/smtp_sink.py), as in apply_test.c ----------------------- */

static bool path_exists(void *path)
{
  return access(path, F_OK) == 0;
}

static int count_mail(void)
{
  DIR *d = opendir(mail_dir);
  struct dirent *e;
  int n = 0;
  while (d && (e = readdir(d)) != NULL)
    n += strstr(e->d_name, ".eml") && !strstr(e->d_name, ".tmp");
  if (d)
    closedir(d);
  return n;
}

static bool mail_count_reached(void *n)
{
  return count_mail() >= *(int *)n;
}

/* The decoded text part of message number n (1-based), once it has arrived; malloc'd. */
static char *mail_text(int n)
{
  char path[256];
  if (!harness_wait_until(mail_count_reached, &n, "mail"))
    fail_msg("the mail server holds %d messages, not %d", count_mail(), n);
  snprintf(path, sizeof(path), "%s/%04d.eml", mail_dir, n);
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  char *raw = calloc(1, 1 << 20);
  size_t len = fread(raw, 1, (1 << 20) - 1, f);
  fclose(f);
  char *part = strstr(raw, "text/plain"), *start = part ? strstr(part, "\r\n\r\n") : NULL;
  char *end = start ? strstr(start + 4, "\r\n--") : NULL;
  if (start && !end)
    end = raw + len;
  unsigned char *out = calloc(1, 1 << 20);
  size_t out_len = 0;
  assert_true(start && end);
  assert_int_equal(sodium_base642bin(out, (1 << 20) - 1, start + 4, (size_t)(end - start - 4),
                                     "\r\n", &out_len, NULL, sodium_base64_VARIANT_ORIGINAL),
                   0);
  free(raw);
  return (char *)out;
}

/* The first run of exactly six digits in message n. */
static void code_of_mail(int n, char code[7])
{
  char *text = mail_text(n);
  const char *p = text;
  while (*p && !(strspn(p, "0123456789") == 6 && (p == text || !isdigit((unsigned char)p[-1]))))
    p++;
  assert_true(*p);
  memcpy(code, p, 6);
  code[6] = '\0';
  free(text);
}

static int smtp_start(void)
{
  snprintf(work, sizeof(work), "/tmp/bianmin-logsecrets-XXXXXX");
  if (!mkdtemp(work))
    return -1;
  snprintf(mail_dir, sizeof(mail_dir), "%s/mail", work);
  int port = harness_free_port();
  char port_text[16], ready[160], log[128];
  snprintf(port_text, sizeof(port_text), "%d", port);
  snprintf(ready, sizeof(ready), "%s/ready", mail_dir);
  snprintf(log, sizeof(log), "%s/smtp.log", work);
  const char *args[] = {PYTHON, BIANMIN_SOURCE_DIR "/tests/support/smtp_sink.py", port_text,
                        mail_dir, NULL};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, log, O_WRONLY | O_CREAT | O_APPEND, 0644);
  extern char **environ;
  int rc = posix_spawn(&smtp_pid, PYTHON, &actions, NULL, (char *const *)args, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0 || !harness_wait_until(path_exists, ready, "the SMTP sink"))
    return -1;
  snprintf(mail_env, sizeof(mail_env), "BIANMIN_MAIL_URL=smtp://127.0.0.1:%d", port);
  return 0;
}

static char *read_log(void)
{
  FILE *f = fopen(server.log, "r");
  assert_non_null(f);
  char *data = calloc(1, 1 << 22);
  size_t n = fread(data, 1, (1 << 22) - 1, f);
  data[n] = '\0';
  fclose(f);
  return data;
}

static bool log_has(void *arg)
{
  char *log = read_log();
  bool found = strstr(log, arg) != NULL;
  free(log);
  return found;
}

/* secret occurs in text as a whole word (not inside a longer run of letters and digits, so
 * that a six-digit code is not found inside a request id or a timestamp by chance). */
static bool occurs(const char *text, const char *secret)
{
  size_t n = strlen(secret);
  for (const char *p = strstr(text, secret); p; p = strstr(p + 1, secret)) {
    bool left = p == text || !isalnum((unsigned char)p[-1]);
    bool right = !isalnum((unsigned char)p[n]);
    if (left && right)
      return true;
  }
  return false;
}

static long get(struct client *c, const char *path)
{
  struct response r;
  int rc = c ? client_get(c, path, &r) : http_get(&server, path, &r);
  assert_int_equal(rc, 0);
  long status = r.status;
  response_free(&r);
  return status;
}

/* Takes a case in as the clerk; its progress token, key and check code. */
static void take_in(struct client *clerk, char *token, char *key, char *check)
{
  struct response r;
  assert_int_equal(get(clerk, "/staff/intake?service=1"), 200);
  assert_int_equal(client_post(clerk, "/staff/intake",
                               "service_id=1&applicant_name=%E9%BB%83%E5%A4%A7%E5%90%8C&"
                               "applicant_phone=0912345678&notify=none&doc_0=x",
                               &r),
                   0);
  assert_int_equal(r.status, 303);
  char *location = response_header(&r, "Location");
  response_free(&r);
  assert_non_null(location);
  long long id = strtoll(location + strlen("/staff/cases/"), NULL, 10);
  const char *t = strstr(location, "?t=");
  assert_non_null(t);
  snprintf(token, 64, "%s", t + 3);
  free(location);
  assert_int_equal(strlen(token), 43);
  char path[64];
  snprintf(path, sizeof(path), "/staff/cases/%lld", id);
  json_t *view = expect_view(&server, clerk, path, 200);
  snprintf(key, 32, "%s", json_text_at(view, "case.case_key"));
  snprintf(check, 8, "%s", json_text_at(view, "case.check_code"));
  json_decref(view);
  assert_int_equal(strlen(check), 6);
}

static void public_lookups(const char *token, const char *key, const char *check, const char *wrong)
{
  char path[256];
  snprintf(path, sizeof(path), "/o/xinxing/progress?number=%s&check=%s", key, check);
  assert_int_equal(get(NULL, path), 200);
  snprintf(path, sizeof(path), "/o/xinxing/progress?number=%s&check=%s", key, wrong);
  get(NULL, path); /* the polite "not found" */
  snprintf(path, sizeof(path), "/api/v1/offices/xinxing/cases/%s?check_code=%s", key, check);
  assert_int_equal(get(NULL, path), 200);
  snprintf(path, sizeof(path), "/api/v1/offices/xinxing/cases/%s?check_code=%s", key, wrong);
  get(NULL, path);
  static const char *const under[] = {"", "/qr.svg", "/withdraw", "/receipt", "/no-such-page"};
  for (size_t i = 0; i < sizeof(under) / sizeof(under[0]); i++) {
    snprintf(path, sizeof(path), "/p/%s%s", token, under[i]);
    long status = get(NULL, path);
    assert_true(status < 500);
  }
  assert_int_equal(get(NULL, "/o/xinxing/apply-resume/" RESUME_TOKEN), 404);
  assert_int_equal(get(NULL, "/" UNROUTED_TOKEN "/x"), 404);
  assert_int_equal(get(NULL, "/p/" UNROUTED_TOKEN "/no/such/page"), 404);
  const char *type[] = {"Content-Type: application/json", NULL};
  struct response r;
  assert_int_equal(http_call(&server, "POST", "/hooks/sms/" RECEIPT_TOKEN, type, "{}", 2, &r), 0);
  assert_true(r.status < 500);
  response_free(&r);
}

static long post(struct client *c, const char *path, const char *form)
{
  struct response r;
  assert_int_equal(client_post(c, path, form, &r), 0);
  long status = r.status;
  response_free(&r);
  return status;
}

/* An online application: the e-mailed code, then save, then the mailed resume link opened in
 * another browser (a new code) and spent. Returns the two codes and the link's token. */
static void apply_and_resume(char code[7], char code2[7], char *resume, size_t resume_size)
{
  struct client c, later;
  char form[96];
  client_init(&c, &server);
  int before = count_mail();
  assert_int_equal(get(&c, SERVICE), 200);
  assert_int_equal(post(&c, SERVICE "/start", "kind=email&contact=resume%40example.com"), 303);
  code_of_mail(before + 1, code);
  assert_int_equal(get(&c, SERVICE "/verify"), 200);
  snprintf(form, sizeof(form), "code=%s", code);
  assert_int_equal(post(&c, SERVICE "/verify", form), 303);
  assert_int_equal(get(&c, SERVICE "/name"), 200);
  assert_int_equal(post(&c, SERVICE "/name", "answer=Lee"), 303);
  assert_int_equal(post(&c, SERVICE "/save", ""), 200);
  char *text = mail_text(before + 2);
  const char *link = strstr(text, "/apply-resume/");
  assert_non_null(link);
  link += strlen("/apply-resume/");
  snprintf(resume, resume_size, "%.*s", (int)strcspn(link, "\r\n /?"), link);
  free(text);
  assert_true(strlen(resume) >= 16);
  client_init(&later, &server);
  char path[160];
  snprintf(path, sizeof(path), "/o/xinxing/apply-resume/%s", resume);
  assert_int_equal(get(&later, path), 303);
  code_of_mail(before + 3, code2);
  assert_int_equal(get(&later, SERVICE "/verify"), 200);
  snprintf(form, sizeof(form), "code=%s", code2);
  assert_int_equal(post(&later, SERVICE "/verify", form), 303);
  assert_int_equal(get(&later, path), 404); /* spent */
  client_free(&later);
  client_free(&c);
}

static void test_no_secret_in_logs_or_metrics(void **state)
{
  (void)state;
  struct client clerk;
  char token[64], key[32], check[8], wrong[8];
  client_init(&clerk, &server);
  assert_int_equal(client_login(&clerk, "xinxing-clerk", DEMO_PASSWORD), 303);
  take_in(&clerk, token, key, check);
  snprintf(wrong, sizeof(wrong), "%06ld", (strtol(check, NULL, 10) + 1) % 1000000);
  public_lookups(token, key, check, wrong);
  char code[7], code2[7], resume[96];
  apply_and_resume(code, code2, resume, sizeof(resume));
  /* a staff password typed wrong, then right */
  struct client other;
  client_init(&other, &server);
  assert_int_not_equal(client_login(&other, "xinxing-handler", PASSWORD), 303);
  assert_int_equal(client_login(&other, "xinxing-handler", DEMO_PASSWORD), 303);
  /* every request is in the access log, the secrets redacted */
  assert_true(harness_wait_until(log_has, "\"path\":\"/hooks/sms/[redacted]\"", "the hook"));
  assert_true(harness_wait_until(log_has, "\"path\":\"/p/[redacted]/withdraw\"", "withdraw"));
  assert_true(harness_wait_until(log_has, "\"path\":\"/o/xinxing/apply-resume/[redacted]\"",
                                 "the resume link"));
  assert_true(harness_wait_until(log_has, "\"path\":\"/[redacted]/x\"", "an unrouted path"));
  assert_true(
      harness_wait_until(log_has, "\"path\":\"/p/[redacted]/no/such/page\"", "an unrouted /p/"));
  struct response r;
  assert_int_equal(http_get(&server, "/metrics", &r), 0);
  assert_int_equal(r.status, 200);
  char *metrics = strdup(r.body);
  response_free(&r);
  char *whole = read_log();
  /* The file starts with `bianmin demo`'s output, which lists the demo accounts and their
   * password on purpose (README); the server's own log starts at its first line. */
  const char *log = strstr(whole, "\"msg\":\"serving http");
  assert_non_null(log);
  const char *const secrets[] = {token,         check,          wrong,    RESUME_TOKEN,
                                 RECEIPT_TOKEN, UNROUTED_TOKEN, PASSWORD, DEMO_PASSWORD};
  for (size_t i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++) {
    if (occurs(log, secrets[i]))
      fail_msg("secret %s is in the server log:\n%.3000s", secrets[i], log);
    if (occurs(metrics, secrets[i]))
      fail_msg("secret %s is in /metrics", secrets[i]);
  }
  /* the case number is not a secret (without the code): the lookups were logged by route */
  expect_contains(log, "\"route\":\"/o/{office}/progress\"");
  free(whole);
  free(metrics);
  client_free(&other);
  client_free(&clerk);
}

static int setup(void **state)
{
  (void)state;
  if (smtp_start())
    return -1;
  const char *env[] = {mail_env,
                       "BIANMIN_MAIL_STARTTLS=false",
                       "BIANMIN_MAIL_FROM=apply@xinxing.example",
                       "BIANMIN_PUBLIC_URL=https://bianmin.example",
                       "BIANMIN_RATE_LOGIN=100000",
                       "BIANMIN_RATE_LOOKUP=100000",
                       "BIANMIN_RATE_PUBLIC=100000",
                       "BIANMIN_SMS_RECEIPT_TOKEN=" RECEIPT_TOKEN,
                       NULL};
  return server_start(&server, env);
}

static int teardown(void **state)
{
  (void)state;
  int rc = server_stop(&server);
  if (smtp_pid > 0) {
    kill(smtp_pid, SIGTERM);
    waitpid(smtp_pid, NULL, 0);
  }
  char cmd[96];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", work);
  return rc == 0 && system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_no_secret_in_logs_or_metrics),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
