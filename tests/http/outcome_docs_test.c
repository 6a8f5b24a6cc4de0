/*
 * outcome_docs_test.c - outcome documents (issue 15) against a real server on the fake clock:
 * the case's handler attaches a PDF from the staff case page; the staff page lists it (who,
 * when, size); the applicant's link /p/<token> lists it and downloads the same bytes, each
 * download writing an audit row; the lookup by number and check code does not offer it; a wrong
 * token is 404; a counter clerk and a handler the case is not assigned to are refused (403);
 * a text file sent as .pdf is refused with a message and nothing is stored; a withdrawal needs
 * a reason, is audited and takes the document off the link; the ready e-mail sent when the case
 * closes names the document and the link: read as delivered by the server's outbox worker to a
 * real SMTP server (aiosmtpd, tests/support/smtp_sink.py, as in notices_test.c).
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
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

#define DEMO_PASSWORD  "bianmin-demo-2026"
#define OTHER_PASSWORD "other-handler-pass-123"
#define ADMIN_PASSWORD "admin-password-123"
#define SERVICE_NAME   "買賣移轉登記"
#define RATE_ENV_LOGIN "BIANMIN_RATE_LOGIN=100000"
#define PUBLIC_URL     "https://bianmin.example"
#define PYTHON         "/usr/bin/python3"
/* 2026-03-10 10:00 in Taipei, a Tuesday. */
#define START ((time_t)1773108000)

extern char **environ;
static pid_t smtp_pid;
static char work[64], mail_dir[128], mail_env[96];

static struct server server;

enum who { CLERK, HANDLER, SUPERVISOR, OTHER, ADMIN, WHO_COUNT };
static const char *const usernames[WHO_COUNT] = {
    "xinxing-clerk", "xinxing-handler", "xinxing-supervisor", "outcome-other", "outcome-admin"};
static struct client clients[WHO_COUNT];
static long long service_id, handler_id;

static const char pdf[] = "%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

/* ---- the real SMTP server ------------------------------------------------------------------ */

static bool file_ready(void *path)
{
  return access(path, F_OK) == 0;
}

static int free_port(void)
{
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t len = sizeof(a);
  int port = fd >= 0 && !bind(fd, (struct sockaddr *)&a, sizeof(a)) &&
                     !getsockname(fd, (struct sockaddr *)&a, &len)
                 ? ntohs(a.sin_port)
                 : 0;
  if (fd >= 0)
    close(fd);
  return port;
}

/* Starts smtp_sink.py on a free port writing to mail_dir; the server's mail URL in mail_env. */
static int start_smtp(void)
{
  char port[16], ready[160], log[128];
  int n = free_port();
  snprintf(port, sizeof(port), "%d", n);
  snprintf(ready, sizeof(ready), "%s/ready", mail_dir);
  snprintf(log, sizeof(log), "%s/smtp.log", work);
  snprintf(mail_env, sizeof(mail_env), "BIANMIN_MAIL_URL=smtp://127.0.0.1:%d", n);
  const char *args[] = {PYTHON, BIANMIN_SOURCE_DIR "/tests/support/smtp_sink.py", port, mail_dir,
                        NULL};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, log, O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (!n || posix_spawn(&smtp_pid, PYTHON, &actions, NULL, (char *const *)args, environ) != 0)
    smtp_pid = 0;
  posix_spawn_file_actions_destroy(&actions);
  return smtp_pid > 0 && harness_wait_until(file_ready, ready, ready) ? 0 : -1;
}

/* The delivered mail of outbox message id (Message-ID <bm-ID@...>), malloc'd; NULL if none. */
static char *mail_of(long long id)
{
  char needle[64], path[400];
  snprintf(needle, sizeof(needle), "Message-ID: <bm-%lld@", id);
  DIR *d = opendir(mail_dir);
  struct dirent *e;
  char *found = NULL;
  while (d && !found && (e = readdir(d)) != NULL) {
    if (!strstr(e->d_name, ".eml") || strstr(e->d_name, ".tmp"))
      continue;
    snprintf(path, sizeof(path), "%s/%s", mail_dir, e->d_name);
    FILE *f = fopen(path, "rb");
    char *data = calloc(1, 1 << 20);
    size_t len = f && data ? fread(data, 1, (1 << 20) - 1, f) : 0;
    if (f)
      fclose(f);
    if (data && (data[len] = '\0', strstr(data, needle)))
      found = data;
    else
      free(data);
  }
  if (d)
    closedir(d);
  return found;
}

static bool mail_arrived(void *id)
{
  char *mail = mail_of(*(long long *)id);
  free(mail);
  return mail != NULL;
}

/* ---- helpers --------------------------------------------------------------------------- */

static json_t *view_ok(enum who w, const char *path)
{
  long status;
  json_t *v = get_json_view(&server, &clients[w], path, &status);
  if (status != 200 || !v)
    fail_msg("GET %s as %s: %ld", path, usernames[w], status);
  return v;
}

/* POSTs form plus the CSRF token asking for JSON: the status; *out the body when wanted. */
static long post(enum who w, const char *path, const char *form, json_t **out)
{
  return harness_post_json(&clients[w], path, form, out);
}

/* Uploads bytes as the file field "document" called name to case id: the status; *text the
 * JSON answer dumped (malloc'd) when wanted. */
static long upload(enum who w, long long id, const char *name, const char *bytes, size_t len,
                   char **text)
{
  static const char boundary[] = "bmOutcomeBoundary93kd0Zq";
  struct client *c = &clients[w];
  size_t cap = len + 2048, n = 0;
  char *body = malloc(cap), path[96], ctype[128];
  assert_non_null(body);
  n += (size_t)snprintf(body + n, cap - n,
                        "--%s\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
                        "--%s\r\nContent-Disposition: form-data; name=\"document\"; "
                        "filename=\"%s\"\r\nContent-Type: application/pdf\r\n\r\n",
                        boundary, c->csrf, boundary, name);
  memcpy(body + n, bytes, len);
  n += len;
  n += (size_t)snprintf(body + n, cap - n, "\r\n--%s--\r\n", boundary);
  snprintf(ctype, sizeof(ctype), "Content-Type: multipart/form-data; boundary=%s", boundary);
  snprintf(path, sizeof(path), "/staff/cases/%lld/outcomes/new", id);
  const char *headers[] = {ctype, "Accept: application/json", NULL};
  struct response r;
  assert_int_equal(client_call(c, "POST", path, headers, body, n, &r), 0);
  free(body);
  if (text) {
    json_t *v = response_json(&r);
    *text = v ? json_dumps(v, JSON_COMPACT) : strdup(r.body ? r.body : "");
    json_decref(v);
  }
  long status = r.status;
  response_free(&r);
  return status;
}

static json_t *case_json(enum who w, long long id)
{
  char path[64];
  snprintf(path, sizeof(path), "/staff/cases/%lld", id);
  json_t *v = view_ok(w, path);
  json_t *c = json_incref(json_object_get(v, "case"));
  json_decref(v);
  return c;
}

static size_t outcome_count(long long id)
{
  json_t *c = case_json(SUPERVISOR, id);
  size_t n = json_array_size(json_object_get(c, "outcomes"));
  json_decref(c);
  return n;
}

static long long intake(void)
{
  char form[2048] = "", value[32];
  snprintf(value, sizeof(value), "%lld", service_id);
  harness_field(form, sizeof(form), "service_id", value);
  harness_field(form, sizeof(form), "applicant_name", "王小明");
  harness_field(form, sizeof(form), "applicant_email", "wang@example.com");
  harness_field(form, sizeof(form), "notify", "email");
  harness_field(form, sizeof(form), "channel", "counter");
  harness_field(form, sizeof(form), "lang", "zh-TW");
  snprintf(value, sizeof(value), "%lld", handler_id);
  harness_field(form, sizeof(form), "handler_id", value);
  return harness_intake(&clients[CLERK], form, NULL, 0);
}

/* The token of the case's link, from its receipt. */
static void link_token(long long id, char *out, size_t size)
{
  char path[96];
  snprintf(path, sizeof(path), "/staff/cases/%lld/receipt", id);
  json_t *v = view_ok(HANDLER, path);
  const char *token = json_text_at(v, "token");
  assert_non_null(token);
  snprintf(out, size, "%s", token);
  json_decref(v);
}

static void move(long long id, const char *to)
{
  char path[96], form[64];
  snprintf(path, sizeof(path), "/staff/cases/%lld/status", id);
  snprintf(form, sizeof(form), "to=%s", to);
  long status = post(HANDLER, path, form, NULL);
  if (status != 303)
    fail_msg("case %lld: the move to %s: %ld", id, to, status);
}

/* How many audit rows of action the office's trail holds (as the admin sees it). */
static size_t audit_rows(const char *action)
{
  char path[128];
  snprintf(path, sizeof(path), "/staff/admin/audit?action=%s", action);
  json_t *v = view_ok(ADMIN, path), *row;
  size_t i, n = 0;
  json_array_foreach(json_object_get(v, "rows"), i, row)
  {
    const char *a = json_string_value(json_object_get(row, "action"));
    n += a && !strcmp(a, action);
  }
  json_decref(v);
  return n;
}

static void sign_in(enum who w)
{
  static char secret[64];
  const char *password = w == ADMIN ? ADMIN_PASSWORD : w == OTHER ? OTHER_PASSWORD : DEMO_PASSWORD;
  harness_sign_in(&clients[w], &server, usernames[w], password, w == ADMIN ? secret : NULL,
                  sizeof(secret));
}

static void learn_ids(void)
{
  json_t *v = view_ok(CLERK, "/staff/intake"), *o;
  size_t i;
  json_array_foreach(json_object_get(v, "services"), i, o)
  {
    if (!strcmp(json_string_value(json_object_get(o, "name")), SERVICE_NAME))
      service_id = json_integer_value(json_object_get(o, "id"));
  }
  json_decref(v);
  char path[64];
  snprintf(path, sizeof(path), "/staff/intake?service=%lld", service_id);
  v = view_ok(CLERK, path);
  json_array_foreach(json_object_get(v, "handlers"), i, o)
  {
    if (!strcmp(json_string_value(json_object_get(o, "name")), "承辦人（示範）"))
      handler_id = json_integer_value(json_object_get(o, "id"));
  }
  json_decref(v);
  assert_true(service_id > 0 && handler_id > 0);
}

static int setup(void **state)
{
  (void)state;
  snprintf(work, sizeof(work), "/tmp/bianmin-outcome-XXXXXX");
  if (!mkdtemp(work))
    return -1;
  snprintf(mail_dir, sizeof(mail_dir), "%s/mail", work);
  if (start_smtp())
    return -1;
  const char *env[] = {RATE_ENV_LOGIN,
                       mail_env,
                       "BIANMIN_MAIL_STARTTLS=false",
                       "BIANMIN_MAIL_FROM=notices@xinxing.example",
                       "BIANMIN_NOTIFY_QUIET_START=00:00",
                       "BIANMIN_NOTIFY_QUIET_END=00:00",
                       "BIANMIN_NOTIFY_POLL=1",
                       "BIANMIN_PUBLIC_URL=" PUBLIC_URL,
                       NULL};
  if (harness_clock_start(START) || server_start(&server, env))
    return -1;
  harness_add_user(&server, "xinxing", "outcome-admin", "admin", ADMIN_PASSWORD);
  harness_add_user(&server, "xinxing", "outcome-other", "handler", OTHER_PASSWORD);
  for (int w = 0; w < WHO_COUNT; w++)
    sign_in((enum who)w);
  learn_ids();
  return 0;
}

static int teardown(void **state)
{
  (void)state;
  for (int w = 0; w < WHO_COUNT; w++)
    client_free(&clients[w]);
  int rc = server_stop(&server);
  if (smtp_pid > 0) {
    kill(smtp_pid, SIGTERM);
    waitpid(smtp_pid, NULL, 0);
  }
  char cmd[128];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", work);
  if (system(cmd) != 0)
    rc = -1;
  return rc == 0 ? 0 : -1;
}

/* ---- tests ------------------------------------------------------------------------------ */

static void test_attach_list_download(void **state)
{
  long long id = intake();
  char token[64], path[160];
  link_token(id, token, sizeof(token));
  assert_int_equal(upload(HANDLER, id, "分區證明.pdf", pdf, sizeof(pdf) - 1, NULL), 303);
  json_t *c = case_json(SUPERVISOR, id);
  expect_text_at(c, "outcomes.0.name", "分區證明.pdf");
  expect_text_at(c, "outcomes.0.created_by", "xinxing-handler");
  assert_true(json_is_false(json_at(c, "outcomes.0.withdrawn")));
  assert_non_null(json_text_at(c, "outcomes.0.size"));
  assert_string_not_equal(json_text_at(c, "outcomes.0.created_text"), "");
  json_decref(c);
  size_t audited = audit_rows("case.outcome_download");
  assert_int_equal(audit_rows("case.outcome_attach"), 1);

  /* the applicant's link lists it and downloads the same bytes, audited each time */
  snprintf(path, sizeof(path), "/p/%s", token);
  json_t *v = expect_view(&server, NULL, path, 200);
  const char *href = json_text_at(v, "case.outcomes.0.href");
  assert_non_null(href);
  expect_text_at(v, "case.outcomes.0.name", "分區證明.pdf");
  snprintf(path, sizeof(path), "%s", href);
  json_decref(v);
  for (int i = 1; i <= 2; i++) {
    struct response r;
    assert_int_equal(http_get(&server, path, &r), 0);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.len, sizeof(pdf) - 1);
    assert_memory_equal(r.body, pdf, sizeof(pdf) - 1);
    char *disposition = response_header(&r, "Content-Disposition");
    expect_contains(disposition, "attachment");
    free(disposition);
    response_free(&r);
    assert_int_equal(audit_rows("case.outcome_download"), audited + (size_t)i);
  }
  snprintf(path, sizeof(path), "/p/%s", token);
  char *page = expect_page(&server, NULL, path, 200);
  expect_contains(page, "分區證明.pdf");
  free(page);
}

static void test_wrong_token_and_number_lookup(void **state)
{
  long long id = intake(), other = intake();
  char token[64], other_token[64], path[512];
  link_token(id, token, sizeof(token));
  link_token(other, other_token, sizeof(other_token));
  assert_int_equal(upload(HANDLER, id, "cert.pdf", pdf, sizeof(pdf) - 1, NULL), 303);
  json_t *c = case_json(HANDLER, id);
  long long doc = (long long)json_integer_value(json_at(c, "outcomes.0.id"));
  const char *number = json_text_at(c, "number"), *check = json_text_at(c, "check_code");
  assert_true(doc > 0 && number && check);
  /* another case's token, a made-up token: 404, and nothing is audited */
  size_t audited = audit_rows("case.outcome_download");
  snprintf(path, sizeof(path), "/p/%s/outcomes/%lld", other_token, doc);
  free(expect_page(&server, NULL, path, 404));
  snprintf(path, sizeof(path), "/p/%.*s/outcomes/%lld", 43,
           "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", doc);
  free(expect_page(&server, NULL, path, 404));
  assert_int_equal(audit_rows("case.outcome_download"), audited);
  /* the lookup by number and check code does not offer the documents */
  char query[400] = "";
  harness_field(query, sizeof(query), "number", number);
  harness_field(query, sizeof(query), "check", check);
  snprintf(path, sizeof(path), "/o/xinxing/progress?%s", query);
  json_t *v = expect_view(&server, NULL, path, 200);
  assert_null(json_at(v, "case.outcomes"));
  char *dump = json_dumps(v, JSON_COMPACT);
  expect_lacks(dump, "cert.pdf");
  free(dump);
  json_decref(v);
  json_decref(c);
}

static void test_who_may_attach(void **state)
{
  long long id = intake();
  char *text = NULL;
  assert_int_equal(upload(CLERK, id, "cert.pdf", pdf, sizeof(pdf) - 1, &text), 403);
  free(text);
  assert_int_equal(upload(OTHER, id, "cert.pdf", pdf, sizeof(pdf) - 1, &text), 403);
  free(text);
  assert_int_equal(outcome_count(id), 0);
  /* the page offers the form to the case's handler and its unit's supervisor only */
  json_t *c = case_json(HANDLER, id);
  assert_true(json_is_true(json_object_get(c, "outcome_attach")));
  json_decref(c);
  c = case_json(CLERK, id);
  assert_true(json_is_false(json_object_get(c, "outcome_attach")));
  json_decref(c);
  assert_int_equal(upload(SUPERVISOR, id, "cert.pdf", pdf, sizeof(pdf) - 1, NULL), 303);
  assert_int_equal(outcome_count(id), 1);
  /* staff download: those who may see the case; not a handler of other cases */
  c = case_json(SUPERVISOR, id);
  char path[160];
  snprintf(path, sizeof(path), "%s", json_text_at(c, "outcomes.0.href"));
  json_decref(c);
  free(expect_page(&server, &clients[HANDLER], path, 200));
  free(expect_page(&server, &clients[CLERK], path, 200));
  free(expect_page(&server, &clients[OTHER], path, 403));
}

static void test_bad_file_refused(void **state)
{
  long long id = intake();
  size_t attached = audit_rows("case.outcome_attach");
  static const char text_file[] = "this is not a certificate, only text\n";
  char *answer = NULL;
  assert_int_equal(upload(HANDLER, id, "cert.pdf", text_file, sizeof(text_file) - 1, &answer), 400);
  expect_contains(answer, "只接受 PDF、JPEG 或 PNG 檔案。");
  free(answer);
  assert_int_equal(upload(HANDLER, id, "empty.pdf", "", 0, &answer), 400);
  free(answer);
  assert_int_equal(outcome_count(id), 0);
  assert_int_equal(audit_rows("case.outcome_attach"), attached);
}

static void test_withdraw(void **state)
{
  long long id = intake();
  char token[64], path[200], needle[96];
  link_token(id, token, sizeof(token));
  assert_int_equal(upload(HANDLER, id, "wrong.pdf", pdf, sizeof(pdf) - 1, NULL), 303);
  json_t *c = case_json(HANDLER, id);
  long long doc = (long long)json_integer_value(json_at(c, "outcomes.0.id"));
  json_decref(c);
  snprintf(path, sizeof(path), "/staff/cases/%lld/outcomes/%lld/withdraw", id, doc);
  json_t *v = NULL;
  assert_int_equal(post(HANDLER, path, "reason=", &v), 400);
  char *dump = json_dumps(v, JSON_COMPACT);
  expect_contains(dump, "請輸入撤回原因");
  free(dump);
  json_decref(v);
  /* the page says it at that document's reason, which keeps what was typed */
  struct response r;
  assert_int_equal(client_post(&clients[HANDLER], path, "reason=%20%20", &r), 0);
  assert_int_equal(r.status, 400);
  snprintf(needle, sizeof(needle), "<a href=\"#withdraw_reason-%lld\">", doc);
  expect_contains(r.body, needle);
  snprintf(needle, sizeof(needle), "id=\"withdraw_reason-%lld-error\"", doc);
  expect_contains(r.body, needle);
  expect_contains(r.body, "maxlength=\"200\" value=\"  \"");
  response_free(&r);
  assert_int_equal(post(CLERK, path, "reason=x", NULL), 403);
  assert_int_equal(post(HANDLER, path, "reason=%E4%B8%8A%E5%82%B3%E9%8C%AF%E6%AA%94", NULL), 303);
  assert_int_equal(post(HANDLER, path, "reason=again", NULL), 404); /* withdrawn already */
  c = case_json(SUPERVISOR, id);
  assert_true(json_is_true(json_at(c, "outcomes.0.withdrawn")));
  expect_text_at(c, "outcomes.0.withdrawn_reason", "上傳錯檔");
  expect_text_at(c, "outcomes.0.withdrawn_by", "xinxing-handler");
  json_decref(c);
  assert_int_equal(audit_rows("case.outcome_withdraw"), 1);
  snprintf(path, sizeof(path), "/p/%s/outcomes/%lld", token, doc);
  free(expect_page(&server, NULL, path, 404));
  snprintf(path, sizeof(path), "/p/%s", token);
  v = expect_view(&server, NULL, path, 200);
  assert_int_equal(json_array_size(json_at(v, "case.outcomes")), 0);
  json_decref(v);
}

static void test_ready_notice_names_the_document(void **state)
{
  long long id = intake(), plain = intake();
  char token[64];
  link_token(id, token, sizeof(token));
  assert_int_equal(upload(HANDLER, id, "使用分區證明.pdf", pdf, sizeof(pdf) - 1, NULL), 303);
  const char *steps[] = {"first_review", "second_review",   "recording",
                         "proofreading", "records_updated", "closed"};
  for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
    move(id, steps[i]);
    move(plain, steps[i]);
  }
  /* the notice is rendered when it is queued: the case page lists it with its text */
  char path[64];
  snprintf(path, sizeof(path), "/staff/cases/%lld", id);
  json_t *v = view_ok(SUPERVISOR, path), *m;
  size_t i;
  long long mid = 0;
  json_array_foreach(json_object_get(v, "messages"), i, m)
  {
    const char *body = json_string_value(json_object_get(m, "body_text"));
    if (body && strstr(body, "已辦理完成"))
      mid = (long long)json_integer_value(json_object_get(m, "id"));
  }
  json_decref(v);
  assert_true(mid > 0);
  /* as delivered: the outbox worker sends it to the SMTP server */
  assert_true(harness_wait_until(mail_arrived, &mid, "the ready e-mail"));
  char *mail = mail_of(mid), *text = mail ? harness_mail_decode(mail) : NULL, link[160];
  assert_non_null(text);
  snprintf(link, sizeof(link), PUBLIC_URL "/p/%s", token);
  expect_contains(text, "使用分區證明.pdf");
  expect_contains(text, "可由以下連結下載");
  expect_contains(text, link);
  free(text);
  free(mail);
  bool found;
  /* without a document the notice says nothing of downloads */
  snprintf(path, sizeof(path), "/staff/cases/%lld", plain);
  v = view_ok(SUPERVISOR, path);
  found = false;
  json_array_foreach(json_object_get(v, "messages"), i, m)
  {
    const char *body = json_string_value(json_object_get(m, "body_text"));
    if (body && strstr(body, "已辦理完成")) {
      found = true;
      expect_lacks(body, "下載");
    }
  }
  json_decref(v);
  assert_true(found);
  /* a closed case takes no more documents */
  char *answer = NULL;
  assert_int_equal(upload(HANDLER, id, "late.pdf", pdf, sizeof(pdf) - 1, &answer), 400);
  expect_contains(answer, "本案已結案");
  free(answer);
  /* but a wrong document found later can still be withdrawn */
  json_t *c = case_json(HANDLER, id);
  assert_true(json_is_false(json_object_get(c, "outcome_attach")));
  assert_true(json_is_true(json_at(c, "outcomes.0.may_withdraw")));
  char withdraw_path[96];
  snprintf(withdraw_path, sizeof(withdraw_path), "/staff/cases/%lld/outcomes/%lld/withdraw", id,
           (long long)json_integer_value(json_at(c, "outcomes.0.id")));
  json_decref(c);
  assert_int_equal(post(HANDLER, withdraw_path, "reason=wrong+parcel", NULL), 303);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_attach_list_download),
      cmocka_unit_test(test_wrong_token_and_number_lookup),
      cmocka_unit_test(test_who_may_attach),
      cmocka_unit_test(test_bad_file_refused),
      cmocka_unit_test(test_withdraw),
      cmocka_unit_test(test_ready_notice_names_the_document),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
