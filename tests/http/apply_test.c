/*
 * apply_test.c - online applications over HTTP against a real `bianmin serve` and a real SMTP
 * server (tests/support/smtp_sink.py) that receives the one-time codes and resume links:
 * the whole journey for `transcript` at xinxing with two uploads, the case in the clerk's work
 * list marked online with its answers and documents (downloads for staff and the applicant,
 * nobody else), withdrawal before review, the fee owed for every copy and the online time limit
 * of a service done on the spot at the counter; wrong codes; save and resume; and the upload
 * attacks (oversize, wrong real type behind a good extension, path tricks, NUL and CR/LF in
 * names, zero bytes, a thousand tiny files), each refused with a 4xx and nothing stored.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "harness.h"

#define PASSWORD "bianmin-demo-2026"
#define SERVICE  "/o/xinxing/apply/transcript"

static struct server server;
static pid_t smtp_pid;
static char work[64], mail_dir[128], env_text[2][96];
static const char *accept_json[] = {"Accept: application/json", NULL};

/* ---- the SMTP sink ----------------------------------------------------------------------- */

static int setup(void **state)
{
  snprintf(work, sizeof(work), "/tmp/bianmin-apply-XXXXXX");
  if (!mkdtemp(work))
    return -1;
  snprintf(mail_dir, sizeof(mail_dir), "%s/mail", work);
  int port = harness_free_port();
  char log[128];
  snprintf(log, sizeof(log), "%s/smtp.log", work);
  if (harness_smtp_sink(port, mail_dir, log, &smtp_pid))
    return -1;
  snprintf(env_text[0], sizeof(env_text[0]), "BIANMIN_MAIL_URL=smtp://127.0.0.1:%d", port);
  const char *env[] = {env_text[0],
                       "BIANMIN_MAIL_STARTTLS=false",
                       "BIANMIN_MAIL_FROM=apply@xinxing.example",
                       "BIANMIN_PUBLIC_URL=https://bianmin.example",
                       "BIANMIN_NOTIFY_QUIET_START=00:00", /* case notices go at once too */
                       "BIANMIN_NOTIFY_QUIET_END=00:00",
                       "BIANMIN_RATE_LOGIN=100000",
                       "BIANMIN_RATE_LOOKUP=100000",
                       "BIANMIN_RATE_PUBLIC=100000",
                       NULL};
  *state = NULL;
  return server_start(&server, env);
}

static int teardown(void **state)
{
  (void)state;
  server_stop(&server);
  if (smtp_pid > 0) {
    kill(smtp_pid, SIGTERM);
    waitpid(smtp_pid, NULL, 0);
  }
  char cmd[96];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", work);
  return system(cmd) == 0 ? 0 : -1;
}

/* ---- helpers -------------------------------------------------------------------------- */

static long post(struct client *c, const char *path, const char *form, char **where)
{
  return harness_post(c, path, form, where);
}

static long get(struct client *c, const char *path, char **body)
{
  struct response r;
  assert_int_equal(client_get(c, path, &r), 0);
  long status = r.status;
  if (body)
    *body = strdup(r.body);
  response_free(&r);
  return status;
}

/* Starts a draft for email and verifies it; returns with the client holding the session. */
static void start_verified(struct client *c, const char *email)
{
  char form[256], code[7], *where = NULL;
  int before = harness_mail_count(mail_dir);
  assert_int_equal(get(c, SERVICE, NULL), 200);
  snprintf(form, sizeof(form), "kind=email&contact=%s", email);
  assert_int_equal(post(c, SERVICE "/start", form, &where), 303);
  assert_non_null(strstr(where, "/verify"));
  free(where);
  harness_mail_code(mail_dir, before + 1, code);
  assert_int_equal(get(c, SERVICE "/verify", NULL), 200);
  snprintf(form, sizeof(form), "code=%s", code);
  assert_int_equal(post(c, SERVICE "/verify", form, &where), 303);
  assert_non_null(strstr(where, SERVICE "/name"));
  free(where);
}

static void answer_all(struct client *c)
{
  static const char *const steps[][2] = {
      {SERVICE "/name", "answer=%E7%8E%8B%E5%B0%8F%E6%98%8E"}, /* 王小明 */
      {SERVICE "/q/kind", "answer=land"},
      {SERVICE "/q/section", "answer=%E6%96%B0%E8%88%88%E6%AE%B5"}, /* 新興段 */
      {SERVICE "/q/parcel_number", "answer=100-1"},
      {SERVICE "/q/copies", "answer=2"},
      {SERVICE "/q/purpose", "answer="},
  };
  for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
    char *where = NULL, *page = NULL;
    assert_int_equal(get(c, steps[i][0], &page), 200);
    if (strstr(steps[i][0], "/q/kind")) /* the choices are radios with their names */
      assert_non_null(strstr(page, "value=\"land\""));
    free(page);
    assert_int_equal(post(c, steps[i][0], steps[i][1], &where), 303);
    free(where);
  }
}

struct file_part {
  const char *disposition_name; /* as written in the header (may hold tricks) */
  const void *data;
  size_t len;
};

/* Builds a multipart body with the csrf field and the files, sends it to the documents page. */
static long upload(struct client *c, const struct file_part *files, size_t n, char **body)
{
  static const char boundary[] = "bmTestBoundary7MA4YWxkTrZu0gW";
  size_t cap = 4096;
  for (size_t i = 0; i < n; i++)
    cap += files[i].len + 512 + strlen(files[i].disposition_name);
  char *buf = malloc(cap);
  size_t len = (size_t)snprintf(
      buf, cap, "--%s\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n", boundary,
      c->csrf);
  for (size_t i = 0; i < n; i++) {
    len += (size_t)snprintf(buf + len, cap - len,
                            "--%s\r\nContent-Disposition: form-data; name=\"files\"; "
                            "filename=\"%s\"\r\nContent-Type: application/pdf\r\n\r\n",
                            boundary, files[i].disposition_name);
    memcpy(buf + len, files[i].data, files[i].len);
    len += files[i].len;
    len += (size_t)snprintf(buf + len, cap - len, "\r\n");
  }
  len += (size_t)snprintf(buf + len, cap - len, "--%s--\r\n", boundary);
  char ctype[128];
  snprintf(ctype, sizeof(ctype), "Content-Type: multipart/form-data; boundary=%s", boundary);
  const char *headers[] = {ctype, NULL};
  struct response r;
  assert_int_equal(client_call(c, "POST", SERVICE "/documents", headers, buf, len, &r), 0);
  free(buf);
  long status = r.status;
  if (body)
    *body = strdup(r.body);
  response_free(&r);
  return status;
}

static const char pdf[] = "%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
static const unsigned char png[] = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0,    0, 0, 0x0d,
                                    'I',  'H', 'D', 'R', 0,    0,    0,    1,    0,    0, 0, 1,
                                    8,    6,   0,   0,   0,    0x1f, 0x15, 0xc4, 0x89, 0, 0, 0,
                                    0,    'I', 'E', 'N', 'D',  0xae, 0x42, 0x60, 0x82};

/* The number of the draft's files, from the documents page as JSON. */
static size_t draft_files(struct client *c)
{
  struct response r;
  assert_int_equal(client_call(c, "GET", SERVICE "/documents", accept_json, NULL, 0, &r), 0);
  assert_int_equal(r.status, 200);
  json_t *v = response_json(&r);
  size_t n = json_array_size(json_object_get(v, "files"));
  json_decref(v);
  response_free(&r);
  return n;
}

/* Rows of uploads and blobs in the database (SQLite or PostgreSQL). */
static void stored_counts(long long *uploads, long long *blobs)
{
  *uploads = harness_sql_int(&server, "SELECT count(*) FROM uploads");
  *blobs = harness_sql_int(&server, "SELECT count(*) FROM upload_blobs");
}

/* ---- the journey ----------------------------------------------------------------------- */

static char *between(const char *body, const char *before, const char *after)
{
  const char *p = strstr(body, before);
  if (!p)
    return NULL;
  p += strlen(before);
  const char *e = strstr(p, after);
  return e ? strndup(p, (size_t)(e - p)) : NULL;
}

static void test_journey_and_staff(void **state)
{
  (void)state;
  struct client c, clerk;
  char *body = NULL, *where = NULL;
  client_init(&c, &server);
  start_verified(&c, "wang@example.com");
  answer_all(&c);
  assert_int_equal(get(&c, SERVICE "/documents", NULL), 200);
  struct file_part two[] = {{"申請書.pdf", pdf, sizeof(pdf) - 1}, {"map.png", png, sizeof(png)}};
  assert_int_equal(upload(&c, two, 2, NULL), 303);
  assert_int_equal(draft_files(&c), 2);
  assert_int_equal(get(&c, SERVICE "/check", &body), 200);
  assert_non_null(strstr(body, "王小明"));
  assert_non_null(strstr(body, "土地登記謄本"));
  assert_non_null(strstr(body, "申請書.pdf"));
  free(body);
  /* the declaration is required */
  assert_int_equal(post(&c, SERVICE "/submit", "", NULL), 400);
  assert_int_equal(post(&c, SERVICE "/submit", "declaration=yes", &where), 303);
  free(where);
  assert_int_equal(get(&c, SERVICE "/done", &body), 200);
  char *number = between(body, "id=\"case-number\">", "<");
  char *progress = between(body, "id=\"progress-link\" href=\"", "\"");
  assert_non_null(number);
  assert_non_null(progress);
  assert_non_null(strstr(body, "/qr.svg"));
  assert_non_null(strstr(body, "NT$40")); /* two copies at NT$20 are owed at submission */
  /* a transcript (即時 at the counter) applied for online takes one working day: the page
   * says so beside the expected date that limit gives */
  expect_contains(body, "處理期限</dt><dd class=\"govuk-summary-list__value\">1 個工作天</dd>");
  expect_lacks(body, "即時（隨到隨辦）");
  /* the confirmation names the office and carries the whole link (to print or keep) */
  assert_non_null(strstr(body, "07-2358200"));
  assert_non_null(strstr(body, "https://bianmin.example/o/xinxing/"));
  assert_non_null(strstr(body, "https://bianmin.example/p/"));
  free(body);
  /* the case's fee and limit as its link answers in JSON: what is owed for both copies (not
   * one copy's NT$20), and the online limit the page stated */
  json_t *view = expect_view(&server, NULL, progress, 200);
  assert_int_equal(json_integer_value(json_at(view, "case.fee_amount")), 40);
  expect_text_at(view, "case.fee_text", "NT$40");
  assert_int_equal(json_integer_value(json_at(view, "case.time_limit_minutes")), 480);
  json_decref(view);
  /* the progress page lists the documents and offers withdrawal */
  assert_int_equal(get(&c, progress, &body), 200);
  assert_non_null(strstr(body, "/withdraw"));
  char *file = between(body, "/files/", "\"");
  assert_non_null(file);
  free(body);
  char path[256];
  snprintf(path, sizeof(path), "%s/files/%s", progress, file);
  struct response r;
  assert_int_equal(client_get(&c, path, &r), 0);
  assert_int_equal(r.status, 200);
  char *cd = response_header(&r, "Content-Disposition"), *ct = response_header(&r, "Content-Type");
  char *nosniff = response_header(&r, "X-Content-Type-Options");
  assert_non_null(strstr(cd, "attachment"));
  assert_string_equal(ct, "application/pdf");
  assert_string_equal(nosniff, "nosniff");
  assert_int_equal(r.len, sizeof(pdf) - 1);
  free(cd);
  free(ct);
  free(nosniff);
  response_free(&r);
  /* a file id that is not this case's is not found */
  snprintf(path, sizeof(path), "%s/files/999999", progress);
  assert_int_equal(get(&c, path, NULL), 404);
  /* the clerk sees the case marked online, with its answers and documents */
  client_init(&clerk, &server);
  assert_int_equal(client_login(&clerk, "xinxing-clerk", PASSWORD), 303);
  assert_int_equal(get(&clerk, "/staff/cases?scope=office", &body), 200);
  char *row = strstr(body, "線上");
  assert_non_null(row);
  char *href = between(body, "href=\"/staff/cases/", "\"");
  assert_non_null(href);
  free(body);
  snprintf(path, sizeof(path), "/staff/cases/%s", href);
  assert_int_equal(get(&clerk, path, &body), 200);
  assert_non_null(strstr(body, "id=\"channel-tag\""));
  assert_non_null(strstr(body, "新興段"));
  /* who took it in, in the page's language (no English code on a Chinese page) */
  assert_non_null(strstr(body, "線上申請 (w***@example.com)"));
  assert_null(strstr(body, "online application"));
  assert_non_null(strstr(body, "map.png"));
  char *staff_file = between(body, "/files/", "\"");
  free(body);
  snprintf(path, sizeof(path), "/staff/cases/%s/files/%s", href, staff_file);
  assert_int_equal(client_get(&clerk, path, &r), 0);
  assert_int_equal(r.status, 200);
  cd = response_header(&r, "Content-Disposition");
  assert_non_null(strstr(cd, "attachment"));
  free(cd);
  response_free(&r);
  /* anonymous: the staff download needs a signed-in member of the office */
  struct client anon;
  client_init(&anon, &server);
  long anon_status = get(&anon, path, NULL);
  assert_true(anon_status == 303 || anon_status == 401 || anon_status == 403);
  /* another office's clerk cannot see it */
  struct client other;
  client_init(&other, &server);
  assert_int_equal(client_login(&other, "anle-clerk", PASSWORD), 303);
  assert_int_equal(get(&other, path, NULL), 404);
  client_free(&other);
  client_free(&anon);
  /* withdraw before review */
  snprintf(path, sizeof(path), "%s/withdraw", progress);
  assert_int_equal(get(&c, path, NULL), 200);
  assert_int_equal(post(&c, path, "", &where), 303);
  free(where);
  assert_int_equal(get(&c, progress, &body), 200);
  assert_null(strstr(body, "/withdraw\""));
  free(body);
  assert_int_equal(post(&c, path, "", NULL), 400);
  snprintf(path, sizeof(path), "/staff/cases/%s", href);
  assert_int_equal(get(&clerk, path, &body), 200);
  assert_non_null(strstr(body, "撤回"));
  /* the applicant is told (the withdrawn notice is queued with the withdrawal) */
  assert_non_null(strstr(body, "已撤回申請"));
  free(body);
  free(href);
  free(staff_file);
  free(file);
  free(number);
  free(progress);
  client_free(&clerk);
  client_free(&c);
}

static void test_wrong_codes_and_journey_guards(void **state)
{
  (void)state;
  struct client c;
  char *where = NULL, form[64], code[7];
  client_init(&c, &server);
  /* no session: the question pages send to the start page */
  assert_int_equal(get(&c, SERVICE "/q/kind", NULL), 303);
  /* not online-capable or unknown service: 404 */
  assert_int_equal(get(&c, "/o/xinxing/apply/no-such-service", NULL), 404);
  int before = harness_mail_count(mail_dir);
  assert_int_equal(get(&c, SERVICE, NULL), 200);
  assert_int_equal(post(&c, SERVICE "/start", "kind=email&contact=guess%40example.com", &where),
                   303);
  free(where);
  harness_mail_code(mail_dir, before + 1, code);
  /* unverified: the questions send to the code page */
  assert_int_equal(get(&c, SERVICE "/q/kind", NULL), 303);
  assert_int_equal(get(&c, SERVICE "/verify", NULL), 200);
  const char *wrong = strcmp(code, "000000") ? "code=000000" : "code=111111";
  for (int i = 0; i < 5; i++)
    assert_int_equal(post(&c, SERVICE "/verify", wrong, NULL), 400);
  snprintf(form, sizeof(form), "code=%s", code);
  assert_int_equal(post(&c, SERVICE "/verify", form, NULL), 400); /* spent after five tries */
  /* without the CSRF token nothing happens */
  struct response r;
  const char *headers[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
  assert_int_equal(client_call(&c, "POST", SERVICE "/verify", headers, form, strlen(form), &r), 0);
  assert_int_equal(r.status, 403);
  response_free(&r);
  client_free(&c);
}

/* What a citizen on a phone types: the one-time code in full-width digits (a Chinese keyboard's)
 * with a space is taken. */
static void test_code_as_typed(void **state)
{
  (void)state;
  struct client c;
  char form[256], code[7], *where = NULL;
  client_init(&c, &server);
  int before = harness_mail_count(mail_dir);
  assert_int_equal(get(&c, SERVICE, NULL), 200);
  assert_int_equal(post(&c, SERVICE "/start", "kind=email&contact=typed%40example.com", &where),
                   303);
  free(where);
  harness_mail_code(mail_dir, before + 1, code);
  size_t n = (size_t)snprintf(form, sizeof(form), "code=");
  for (int i = 0; i < 6; i++) /* U+FF10..FF19, a space after the third */
    n += (size_t)snprintf(form + n, sizeof(form) - n, "%%EF%%BC%%%02X%s", 0x90 + (code[i] - '0'),
                          i == 2 ? "+" : "");
  assert_int_equal(post(&c, SERVICE "/verify", form, &where), 303);
  assert_non_null(strstr(where, SERVICE "/name"));
  free(where);
  client_free(&c);
}

/* A refused answer's message describes its field (answer-error) for screen readers, and an
 * optional question says "optional" once. */
static void test_question_errors_described(void **state)
{
  (void)state;
  struct client c;
  char *page = NULL;
  client_init(&c, &server);
  start_verified(&c, "described%40example.com");
  /* an empty name, no choice made: each field names its hint and its error */
  struct response r;
  assert_int_equal(client_post(&c, SERVICE "/name", "answer=", &r), 0);
  assert_int_equal(r.status, 400);
  assert_non_null(strstr(r.body, "id=\"answer-error\""));
  assert_non_null(strstr(r.body, "aria-describedby=\"answer-hint answer-error\""));
  response_free(&r);
  assert_int_equal(post(&c, SERVICE "/name", "answer=%E7%8E%8B%E5%B0%8F%E6%98%8E", NULL), 303);
  assert_int_equal(client_post(&c, SERVICE "/q/kind", "answer=", &r), 0);
  assert_int_equal(r.status, 400);
  assert_non_null(
      strstr(r.body, "<fieldset class=\"govuk-fieldset\" aria-describedby=\"answer-error\">"));
  response_free(&r);
  /* the optional purpose question says so once, in its heading and its title */
  assert_int_equal(get(&c, SERVICE "/q/purpose?lang=zh-TW", &page), 200);
  assert_non_null(strstr(page, "申請用途 （選填）"));
  assert_null(strstr(page, "（選填） （選填）"));
  assert_non_null(strstr(page, "<title>申請用途 - "));
  free(page);
  assert_int_equal(get(&c, SERVICE "/q/purpose?lang=en", &page), 200);
  assert_non_null(strstr(page, "Purpose (optional)"));
  assert_null(strstr(page, "(optional) (optional)"));
  free(page);
  client_free(&c);
}

/* A number question's bounds (the copies: whole numbers from 1 to 100) are checked on its own
 * page, with the bounds in the message, and a refused answer is not kept. */
static void test_number_bounds_on_the_question_page(void **state)
{
  (void)state;
  static const struct {
    const char *answer, *zh, *en;
  } refused[] = {
      {"0", "請輸入 1 到 100 之間的數字", "Enter a number from 1 to 100"},
      {"-1", "請輸入 1 到 100 之間的數字", "Enter a number from 1 to 100"},
      {"99999", "請輸入 1 到 100 之間的數字", "Enter a number from 1 to 100"},
      {"1.5", "請輸入整數，不要有小數點", "Enter a whole number, without decimals"},
      {"abc", "請輸入數字，例如 2", "Enter a number, like 2"},
  };
  struct client c;
  client_init(&c, &server);
  start_verified(&c, "bounds%40example.com");
  for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
    char form[64];
    json_t *view = NULL;
    snprintf(form, sizeof(form), "answer=%s", refused[i].answer);
    assert_int_equal(harness_post_json(&c, SERVICE "/q/copies?lang=zh-TW", form, &view), 400);
    expect_text_at(view, "errors.0.message", refused[i].zh);
    json_decref(view);
    assert_int_equal(harness_post_json(&c, SERVICE "/q/copies?lang=en", form, &view), 400);
    expect_text_at(view, "errors.0.message", refused[i].en);
    json_decref(view);
  }
  char *page = NULL;
  assert_int_equal(get(&c, SERVICE "/q/copies?lang=zh-TW", &page), 200);
  assert_null(strstr(page, "value=\"0\""));     /* nothing refused was kept */
  assert_non_null(strstr(page, "1 到 100 份")); /* the hint says the bounds */
  free(page);
  assert_int_equal(post(&c, SERVICE "/q/copies", "answer=100", NULL), 303);
  client_free(&c);
}

static void test_save_and_resume(void **state)
{
  (void)state;
  struct client c, later;
  char *where = NULL, *body = NULL, code[7], form[64];
  client_init(&c, &server);
  start_verified(&c, "resume@example.com");
  assert_int_equal(get(&c, SERVICE "/name", NULL), 200);
  assert_int_equal(post(&c, SERVICE "/name", "answer=Lee", &where), 303);
  free(where);
  int before = harness_mail_count(mail_dir);
  assert_int_equal(post(&c, SERVICE "/save", "", NULL), 200);
  int resume_mail = harness_mail_with(mail_dir, before + 1, "apply-resume");
  char *text = harness_mail_text(mail_dir, resume_mail);
  assert_non_null(text);
  char *link = between(text, "https://bianmin.example", "\n");
  assert_non_null(link);
  link[strcspn(link, "\r ")] = '\0';
  free(text);
  /* another browser opens the link: a new code, then the saved answers */
  client_init(&later, &server);
  assert_int_equal(get(&later, link, NULL), 303);
  harness_mail_code(mail_dir, resume_mail + 1, code);
  assert_int_equal(get(&later, SERVICE "/verify", NULL), 200);
  snprintf(form, sizeof(form), "code=%s", code);
  assert_int_equal(post(&later, SERVICE "/verify", form, &where), 303);
  free(where);
  assert_int_equal(get(&later, SERVICE "/name", &body), 200);
  assert_non_null(strstr(body, "value=\"Lee\""));
  free(body);
  /* the link is spent; the first browser's session is gone */
  assert_int_equal(get(&later, link, NULL), 404);
  assert_int_equal(get(&c, SERVICE "/name", NULL), 303);
  free(link);
  client_free(&later);
  client_free(&c);
}

/* ---- upload attacks ----------------------------------------------------------------------- */

static void refused_saying(struct client *c, const struct file_part *files, size_t n, long lo,
                           const char *says)
{
  long long u0, b0, u1, b1;
  size_t f0 = draft_files(c);
  stored_counts(&u0, &b0);
  char *body = NULL;
  long status = upload(c, files, n, &body);
  if (status < 400 || status >= 500)
    fprintf(stderr, "upload of %s answered %ld\n", files[0].disposition_name, status);
  assert_true(status >= lo && status < 500);
  assert_non_null(body);
  if (says && !strstr(body, says))
    fail_msg("the refusal does not say %s", says);
  free(body);
  stored_counts(&u1, &b1);
  assert_int_equal(draft_files(c), f0);
  assert_int_equal(u1, u0);
  assert_int_equal(b1, b0);
}

static void refused(struct client *c, const struct file_part *files, size_t n, long lo)
{
  refused_saying(c, files, n, lo, NULL);
}

static void test_upload_attacks(void **state)
{
  (void)state;
  struct client c;
  client_init(&c, &server);
  start_verified(&c, "attacker@example.com");
  answer_all(&c);
  assert_int_equal(get(&c, SERVICE "/documents", NULL), 200);
  /* oversize: a real PDF header and 10 MB + 1 of padding */
  size_t big_len = 10 * 1024 * 1024 + 1;
  char *big = calloc(1, big_len);
  memcpy(big, pdf, sizeof(pdf) - 1);
  struct file_part oversize = {"big.pdf", big, big_len};
  refused_saying(&c, &oversize, 1, 413, "檔案超過 10 MB");
  free(big);
  /* wrong real type behind a good extension */
  static const char html[] = "<!DOCTYPE html><html><script>alert(1)</script></html>";
  struct file_part fake_html = {"a.pdf", html, sizeof(html) - 1};
  refused_saying(&c, &fake_html, 1, 400, "依檔案實際內容判斷");
  static const char elf[] = "\x7f"
                            "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0\x01\0\0\0";
  struct file_part fake_elf = {"a.pdf", elf, sizeof(elf) - 1};
  refused(&c, &fake_elf, 1, 400);
  /* path tricks, NUL and CR/LF in names */
  struct file_part unix_path = {"../../etc/passwd.pdf", pdf, sizeof(pdf) - 1};
  refused_saying(&c, &unix_path, 1, 400, "檔案名稱不可包含路徑");
  struct file_part dos_path = {"C:\\x.pdf", pdf, sizeof(pdf) - 1};
  refused(&c, &dos_path, 1, 400);
  struct file_part nul_name = {"a\x01.pdf", pdf, sizeof(pdf) - 1}; /* a control character */
  refused(&c, &nul_name, 1, 400);
  struct file_part crlf = {"a.pdf\r\nContent-Type: text/html", pdf, sizeof(pdf) - 1};
  refused(&c, &crlf, 1, 400);
  /* zero bytes */
  struct file_part empty = {"empty.pdf", "", 0};
  refused_saying(&c, &empty, 1, 400, "檔案是空的");
  /* a thousand tiny files in one request */
  struct file_part *many = calloc(1000, sizeof(*many));
  for (int i = 0; i < 1000; i++)
    many[i] = (struct file_part){"t.pdf", pdf, sizeof(pdf) - 1};
  refused_saying(&c, many, 1000, 400, "一次最多上傳 20 個檔案");
  /* more than 20 files (within the parser's part limit) */
  refused_saying(&c, many, 21, 400, "最多只能上傳 20 個檔案");
  free(many);
  /* a good file still goes in, and may be removed */
  struct file_part good = {"ok.pdf", pdf, sizeof(pdf) - 1};
  assert_int_equal(upload(&c, &good, 1, NULL), 303);
  assert_int_equal(draft_files(&c), 1);
  client_free(&c);
}

static void test_english_pages(void **state)
{
  (void)state;
  struct client c;
  char *body = NULL;
  client_init(&c, &server);
  assert_int_equal(get(&c, SERVICE "?lang=en", &body), 200);
  assert_non_null(strstr(body, "citizen digital certificate"));
  assert_non_null(strstr(body, "NT$20"));
  free(body);
  /* the service page links to the journey; a service without a form does not */
  assert_int_equal(get(&c, "/o/xinxing/services/transcript", &body), 200);
  assert_non_null(strstr(body, "href=\"/o/xinxing/apply/transcript\""));
  free(body);
  assert_int_equal(get(&c, "/o/xinxing/apply", &body), 200);
  assert_non_null(strstr(body, "/o/xinxing/apply/transcript"));
  free(body);
  client_free(&c);
}

/* A transcript is done on the spot (即時) only at the counter: the online start page and the
 * service page state the limit for an online application (one working day, DOMAIN.md). */
static void test_online_time_limit(void **state)
{
  (void)state;
  struct client c;
  char *body = NULL;
  client_init(&c, &server);
  assert_int_equal(get(&c, SERVICE, &body), 200);
  expect_contains(body, "處理期限</dt><dd class=\"govuk-summary-list__value\">1 個工作天 ");
  expect_contains(body, "即時辦理限臨櫃申請");
  expect_lacks(body, "即時（隨到隨辦）");
  free(body);
  /* the service page: on the spot at the counter, one working day online or by post */
  assert_int_equal(get(&c, "/o/xinxing/services/transcript", &body), 200);
  expect_contains(body, "<strong>即時（隨到隨辦）</strong>");
  expect_contains(body, "線上或郵寄申請：<strong>1 個工作天</strong>");
  free(body);
  /* a service with a limit of its own says it once */
  assert_int_equal(get(&c, "/o/xinxing/services/mortgage-cancellation", &body), 200);
  expect_lacks(body, "線上或郵寄申請");
  free(body);
  /* in English (the choice is kept: last) */
  assert_int_equal(get(&c, SERVICE "?lang=en", &body), 200);
  expect_contains(body, "<dd class=\"govuk-summary-list__value\">1 working day ");
  expect_lacks(body, "On the spot");
  free(body);
  client_free(&c);
}

struct mail_search {
  const char *needle, *also;
  int found; /* the message's number */
};

/* Ready when a message holds both needle and also. */
static bool mail_found(void *arg)
{
  struct mail_search *m = arg;
  for (int n = harness_mail_count(mail_dir); n > 0 && !m->found; n--) {
    char *text = harness_mail_text(mail_dir, n);
    if (text && strstr(text, m->needle) && strstr(text, m->also))
      m->found = n;
    free(text);
  }
  return m->found != 0;
}

/* The six digits after label in text. */
static void digits_after(const char *text, const char *label, char out[7])
{
  const char *at = strstr(text, label);
  assert_non_null(at);
  at += strlen(label);
  assert_int_equal(strspn(at, "0123456789"), 6);
  memcpy(out, at, 6);
  out[6] = '\0';
}

/* Every message names the office and carries a way back (issue 16): the one-time code names
 * the office (not only "便民"); the "received" e-mail of an online application carries the
 * case number, its check code, the office's phone and web address, and a link to the case
 * that works; the number and check code in it open the case on the lookup too. */
static void test_messages_name_office_and_way_back(void **state)
{
  (void)state;
  struct client c;
  char *body = NULL, *where = NULL, check[7], path[256];
  client_init(&c, &server);
  int before = harness_mail_count(mail_dir);
  start_verified(&c, "lin@example.com");
  char *code_mail = harness_mail_text(mail_dir, before + 1);
  assert_non_null(code_mail);
  assert_non_null(strstr(code_mail, "高雄市政府地政局新興地政事務所"));
  assert_non_null(strstr(code_mail, "07-2358200"));
  free(code_mail);
  answer_all(&c);
  struct file_part one[] = {{"申請書.pdf", pdf, sizeof(pdf) - 1}};
  assert_int_equal(upload(&c, one, 1, NULL), 303);
  assert_int_equal(post(&c, SERVICE "/submit", "declaration=yes", &where), 303);
  free(where);
  assert_int_equal(get(&c, SERVICE "/done", &body), 200);
  char *progress = between(body, "id=\"progress-link\" href=\"", "\"");
  assert_non_null(progress);
  free(body);
  json_t *view = expect_view(&server, &c, progress, 200);
  char key[32];
  snprintf(key, sizeof(key), "%s", json_text_at(view, "case.case_key"));
  json_decref(view);
  struct mail_search m = {"已於本所收件", key, 0};
  if (!harness_wait_until(mail_found, &m, "the received e-mail"))
    fail_msg("no received e-mail for case %s", key);
  char *text = harness_mail_text(mail_dir, m.found);
  assert_non_null(text);
  assert_non_null(strstr(text, "高雄市政府地政局新興地政事務所"));
  assert_non_null(strstr(text, "電話 07-2358200"));
  assert_non_null(strstr(text, "https://bianmin.example/o/xinxing/"));
  digits_after(text, "檢查碼 ", check);
  snprintf(path, sizeof(path), "https://bianmin.example%s", progress); /* the case's own link */
  assert_non_null(strstr(text, path));
  free(text);
  /* the link in it works, and so do the number and check code */
  view = expect_view(&server, NULL, progress, 200);
  expect_text_at(view, "case.case_key", key);
  json_decref(view);
  snprintf(path, sizeof(path), "/o/xinxing/progress?number=%s&check=%s", key, check);
  view = expect_view(&server, NULL, path, 200);
  expect_text_at(view, "case.case_key", key);
  json_decref(view);
  free(progress);
  client_free(&c);
}

/* The check page offers the service's required documents to be checked online instead of on
 * paper (issue 20, 減少書證謄本); what the applicant ticks is recorded on the case, the others
 * count as on paper; more names than the service requires are refused, nothing submitted. */
#define DOC_FORM "%E5%9C%B0%E7%B1%8D%E8%AC%84%E6%9C%AC%E7%94%B3%E8%AB%8B%E6%9B%B8"
#define DOC_ID_PROOF                                                                               \
  "%E7%94%B3%E8%AB%8B%E7%AC%AC%E4%B8%80%E9%A1%9E%E8%AC%84%E6%9C%AC%E8%80%85%EF%BC%9A%E8%BA%AB%E5%" \
  "88%86%E8%AD%89%E6%98%8E%E6%96%87%E4%BB%B6"
static void test_documents_checked_online(void **state)
{
  (void)state;
  struct client c;
  char *body = NULL, *where = NULL;
  client_init(&c, &server);
  start_verified(&c, "online-docs@example.com");
  answer_all(&c);
  assert_int_equal(get(&c, SERVICE "/check", &body), 200);
  assert_non_null(strstr(body, "name=\"online_doc_1\""));
  free(body);
  long long cases = harness_sql_int(&server, "SELECT count(*) FROM cases");
  assert_int_equal(post(&c, SERVICE "/submit",
                        "declaration=yes&online_doc_0=" DOC_FORM "&online_doc_1=" DOC_ID_PROOF
                        "&online_doc_2=x",
                        NULL),
                   400);
  assert_int_equal(harness_sql_int(&server, "SELECT count(*) FROM cases"), cases);
  assert_int_equal(
      post(&c, SERVICE "/submit", "declaration=yes&online_doc_1=" DOC_ID_PROOF, &where), 303);
  free(where);
  assert_int_equal(harness_sql_int(&server, "SELECT count(*) FROM cases"), cases + 1);
  /* required 2, on paper 1 (the form), online 1 */
  assert_int_equal(harness_sql_int(&server,
                                   "SELECT required * 100 + on_paper * 10 + online FROM "
                                   "case_document_checks WHERE case_id = (SELECT max(id) FROM "
                                   "cases)"),
                   211);
  client_free(&c);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_journey_and_staff),
      cmocka_unit_test(test_wrong_codes_and_journey_guards),
      cmocka_unit_test(test_code_as_typed),
      cmocka_unit_test(test_question_errors_described),
      cmocka_unit_test(test_number_bounds_on_the_question_page),
      cmocka_unit_test(test_save_and_resume),
      cmocka_unit_test(test_upload_attacks),
      cmocka_unit_test(test_english_pages),
      cmocka_unit_test(test_online_time_limit),
      cmocka_unit_test(test_messages_name_office_and_way_back),
      cmocka_unit_test(test_documents_checked_online),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
