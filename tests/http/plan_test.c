/*
 * plan_test.c - plan control (issue 20) against a real server on the fake clock: an
 * administrator imports the plan table (the seeds' layout) from CSV, a bad row is refused by
 * number with nothing changed, the export carries the same rows; progress is entered by the
 * responsible unit's supervisor only (another unit's supervisor and analysts are refused); the
 * meeting view puts late focal points first (past the deadline, or no entry this month); a
 * linked indicator shows the dashboard's own figure for the year; evidence files are attached
 * to an entry by its unit only (bad files refused with nothing stored), listed on the plan
 * page and in the meeting view, downloaded by the office's plan readers only (audited) and
 * removed by the uploader (audited); report.odt is a valid ODT whose figure is the dashboard's
 * and which names the evidence, report.pdf converts when LibreOffice is there; the monthly
 * reminder reaches the right unit's supervisor through the outbox worker and a real SMTP server
 * (aiosmtpd), once a month.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <sodium.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <zip.h>

#include "harness.h"

#define PASSWORD       "plan-river-lamp-2026"
#define DEMO_PASSWORD  "bianmin-demo-2026"
#define RATE_ENV_LOGIN "BIANMIN_RATE_LOGIN=100000"
/* 2026-03-10 10:00 in Taipei, a Tuesday (ROC 115). */
#define START ((time_t)1773108000)

#define PLAN_CSV                                                                                   \
  "工作要項,工作重點,業務單位,完成期限,指標,目標\r\n"                          \
  "一、完備基礎服務,案件如期完成,登記課,115/12/31,kpi:on_time_rate,95%\r\n"       \
  ",會同地點 QR code,測量課,115/02/28,,\r\n"                                                \
  "二、重視意見回饋,辦理座談會,各課,115/11/30,辦理場次,2 場\r\n"

static struct server server;

enum who { ADMIN, SUP_REG, SUP_SURVEY, ANALYST, OTHER_OFFICE, WHO_COUNT };
static struct client clients[WHO_COUNT];
static char totp[64];

/* ---- a real SMTP server (aiosmtpd, tests/support/smtp_sink.py, as in notify_subject_test.c) */

#define PYTHON "/usr/bin/python3"
extern char **environ;
static pid_t smtp_pid;
static int smtp_port;
static char work[64], mail_dir[128], mail_url[64];

static int start_smtp(void)
{
  char log[128];
  snprintf(log, sizeof(log), "%s/smtp.log", work);
  return harness_smtp_sink(smtp_port, mail_dir, log, &smtp_pid);
}

/* The number of stored mails whose envelope goes to address; *text (may be NULL) gets the last
 * one (malloc'd). */
static int mails_to(const char *address, char **text)
{
  char needle[160], path[400];
  snprintf(needle, sizeof(needle), "X-Envelope-To: %s\r\n", address);
  DIR *d = opendir(mail_dir);
  struct dirent *e;
  int n = 0;
  while (d && (e = readdir(d)) != NULL) {
    if (!strstr(e->d_name, ".eml") || strstr(e->d_name, ".tmp"))
      continue;
    snprintf(path, sizeof(path), "%s/%s", mail_dir, e->d_name);
    FILE *f = fopen(path, "rb");
    char *data = calloc(1, 1 << 20);
    if (f && data)
      (void)!fread(data, 1, (1 << 20) - 1, f);
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
    free(data);
  }
  if (d)
    closedir(d);
  return n;
}

static bool survey_mail_arrived(void *arg)
{
  (void)arg;
  return mails_to("plan-survey@xinxing.example", NULL) > 0;
}

/* The first base64 text/plain part of mail, decoded (malloc'd). */
static char *mail_text(const char *mail)
{
  const char *p = strstr(mail, "Content-Type: text/plain; charset=UTF-8");
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

static long post_form(enum who w, const char *path, const char *form)
{
  struct client *c = &clients[w];
  char body[4096];
  snprintf(body, sizeof(body), "%s&csrf=%s", form, c->csrf);
  const char *headers[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
  struct response r;
  assert_int_equal(client_call(c, "POST", path, headers, body, strlen(body), &r), 0);
  long status = r.status;
  response_free(&r);
  return status;
}

/* POSTs csv as the multipart file "file"; the answer's body goes to *out (may be NULL). */
static long post_csv(enum who w, const char *path, const char *csv, struct response *out)
{
  struct client *c = &clients[w];
  char body[8192];
  int n = snprintf(body, sizeof(body),
                   "--BOUNDARY\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
                   "--BOUNDARY\r\nContent-Disposition: form-data; name=\"file\"; "
                   "filename=\"plan.csv\"\r\nContent-Type: text/csv\r\n\r\n%s\r\n--BOUNDARY--\r\n",
                   c->csrf, csv);
  assert_true(n > 0 && (size_t)n < sizeof(body));
  const char *headers[] = {"Content-Type: multipart/form-data; boundary=BOUNDARY", NULL};
  struct response r;
  assert_int_equal(client_call(c, "POST", path, headers, body, (size_t)n, &r), 0);
  long status = r.status;
  if (out)
    *out = r;
  else
    response_free(&r);
  return status;
}

static json_t *view_ok(enum who w, const char *path)
{
  long status;
  json_t *v = get_json_view(&server, &clients[w], path, &status);
  if (status != 200 || !v)
    fail_msg("GET %s as %d: %ld", path, (int)w, status);
  return v;
}

/* Reads an HTML page so the client holds its CSRF token. */
static void read_page(enum who w, const char *path)
{
  struct response r;
  assert_int_equal(client_get(&clients[w], path, &r), 0);
  assert_int_equal(r.status, 200);
  response_free(&r);
}

static void add_supervisor(const char *username, const char *unit)
{
  char email[96];
  snprintf(email, sizeof(email), "%s@xinxing.example", username);
  char env_password[96];
  snprintf(env_password, sizeof(env_password), "BIANMIN_PASSWORD=%s", PASSWORD);
  const char *args[] = {"user",    "add",  "--office",    "xinxing",    "--username", username,
                        "--name",  "課長", "--roles",     "supervisor", "--unit",     unit,
                        "--email", email,  "--no-expire", NULL};
  const char *env[] = {env_password, NULL};
  assert_int_equal(server_cli_env(&server, args, env), 0);
}

static int setup(void **state)
{
  (void)state;
  snprintf(work, sizeof(work), "/tmp/bianmin-plan-XXXXXX");
  if (!mkdtemp(work))
    return -1;
  snprintf(mail_dir, sizeof(mail_dir), "%s/mail", work);
  smtp_port = harness_free_port();
  snprintf(mail_url, sizeof(mail_url), "BIANMIN_MAIL_URL=smtp://127.0.0.1:%d", smtp_port);
  const char *env[] = {RATE_ENV_LOGIN,
                       mail_url,
                       "BIANMIN_MAIL_STARTTLS=false",
                       "BIANMIN_MAIL_FROM=notices@xinxing.example",
                       "BIANMIN_NOTIFY_QUIET_START=00:00",
                       "BIANMIN_NOTIFY_QUIET_END=00:00",
                       "BIANMIN_NOTIFY_POLL=1",
                       "BIANMIN_PUBLIC_URL=https://bianmin.example",
                       NULL};
  if (!smtp_port || start_smtp() || harness_clock_start(START) || server_start(&server, env))
    return -1;
  harness_add_user(&server, "xinxing", "plan-admin", "admin", PASSWORD);
  add_supervisor("plan-registration", "registration");
  add_supervisor("plan-survey", "survey");
  harness_add_user(&server, "niaosong", "plan-niaosong", "analyst", PASSWORD);
  for (int w = 0; w < WHO_COUNT; w++)
    client_init(&clients[w], &server);
  if (client_login_totp(&clients[ADMIN], "plan-admin", PASSWORD, totp, sizeof(totp)) ||
      client_login(&clients[SUP_REG], "plan-registration", PASSWORD) != 303 ||
      client_login(&clients[SUP_SURVEY], "plan-survey", PASSWORD) != 303 ||
      client_login(&clients[ANALYST], "xinxing-analyst", DEMO_PASSWORD) != 303 ||
      client_login(&clients[OTHER_OFFICE], "plan-niaosong", PASSWORD) != 303)
    return -1;
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
  if (!getenv("BIANMIN_KEEP_TEST_DIRS") && system(cmd) != 0)
    return -1;
  return rc == 0 ? 0 : -1;
}

static long long point_id(json_t *plan, const char *item_point)
{
  json_t *id = json_at(plan, item_point);
  if (!json_is_integer(id))
    fail_msg("no focal point at %s", item_point);
  return (long long)json_integer_value(id);
}

/* The import makes two items and three focal points; a bad row is named and changes nothing;
 * the export carries the rows back. */
static void test_import_and_export(void **state)
{
  (void)state;
  /* the demo's plan (seed 000, data/demo/plan/xinxing.csv) is there before any import */
  json_t *demo = view_ok(ANALYST, "/staff/plan");
  assert_int_equal(json_integer_value(json_at(demo, "years.0.year")), 115);
  json_decref(demo);
  demo = view_ok(ANALYST, "/staff/plan/115");
  assert_int_equal(json_array_size(json_at(demo, "items")), 7);
  expect_text_at(demo, "items.0.title", "訂定「提升服務計畫」");
  json_decref(demo);
  read_page(ADMIN, "/staff/plan/115");
  assert_int_equal(post_csv(ADMIN, "/staff/plan/115/import", PLAN_CSV, NULL), 303);
  json_t *v = view_ok(ANALYST, "/staff/plan/115");
  assert_int_equal(json_array_size(json_at(v, "items")), 2);
  assert_int_equal(json_array_size(json_at(v, "items.0.points")), 2);
  expect_text_at(v, "items.0.title", "一、完備基礎服務");
  expect_text_at(v, "items.0.points.1.point", "會同地點 QR code");
  expect_text_at(v, "items.0.points.1.unit", "測量課");
  expect_text_at(v, "items.0.points.1.deadline", "2026-02-28");
  expect_text_at(v, "items.0.points.1.deadline_text", "115年2月28日"); /* the page's, in ROC */
  /* a point with neither an indicator nor a target says so */
  assert_true(json_is_false(json_at(v, "items.0.points.1.has_indicator")));
  assert_true(json_is_true(json_at(v, "items.0.points.0.has_indicator")));
  assert_true(json_is_true(json_at(v, "items.1.points.0.has_indicator")));
  char *page = expect_page(&server, &clients[ANALYST], "/staff/plan/115", 200);
  expect_contains(page, "未設定指標");
  expect_lacks(page, " · 目標 -");
  free(page);
  expect_text_at(v, "items.1.points.0.unit", "各課");
  expect_text_at(v, "items.1.points.0.target", "2 場");
  json_decref(v);

  struct response r;
  read_page(ADMIN, "/staff/plan/115");
  const char *bad = "工作要項,工作重點,業務單位,完成期限,指標,目標\n"
                    "一、新的要項,新的重點,登記課,115/12/31,,\n"
                    "一、新的要項,另一個重點,不存在課,115/12/31,,\n";
  assert_int_equal(post_csv(ADMIN, "/staff/plan/115/import", bad, &r), 400);
  expect_contains(r.body, "第 2 列");
  expect_contains(r.body, "業務單位不是本機關的單位");
  response_free(&r);
  v = view_ok(ANALYST, "/staff/plan/115");
  expect_text_at(v, "items.0.title", "一、完備基礎服務"); /* nothing changed */
  json_decref(v);

  assert_int_equal(client_get(&clients[ANALYST], "/staff/plan/115/plan.csv", &r), 0);
  assert_int_equal(r.status, 200);
  expect_contains(r.body, "\"一、完備基礎服務\",\"案件如期完成\",\"登記課\",\"2026-12-31\","
                          "\"kpi:on_time_rate\",\"95%\"");
  expect_contains(r.body,
                  "\"二、重視意見回饋\",\"辦理座談會\",\"各課\",\"2026-11-30\",\"辦理場次\","
                  "\"2 場\"");
  response_free(&r);
  /* analysts read but do not import */
  assert_int_equal(post_csv(ANALYST, "/staff/plan/115/import", PLAN_CSV, NULL), 403);
}

/* Progress by the responsible unit's supervisor only; bad input is a 400 and nothing is kept. */
static void test_progress_by_the_right_unit(void **state)
{
  (void)state;
  json_t *v = view_ok(SUP_REG, "/staff/plan/115");
  long long registration = point_id(v, "items.0.points.0.id");
  assert_true(json_is_true(json_at(v, "items.0.points.0.may_enter")));
  assert_true(json_is_false(json_at(v, "items.0.points.1.may_enter")));
  json_decref(v);
  char path[96];
  snprintf(path, sizeof(path), "/staff/plan/115/points/%lld/progress", registration);
  read_page(SUP_SURVEY, "/staff/plan/115");
  assert_int_equal(post_form(SUP_SURVEY, path, "percent=50&body=x"), 403);
  read_page(ANALYST, "/staff/plan/115");
  assert_int_equal(post_form(ANALYST, path, "percent=50&body=x"), 403);
  read_page(SUP_REG, "/staff/plan/115");
  assert_int_equal(post_form(SUP_REG, path, "percent=150&body=x"), 400);
  assert_int_equal(post_form(SUP_REG, path, "percent=40&body="), 400);
  /* refused: the message at the input that was wrong, and the form keeps what was typed */
  char field[48];
  json_t *refused = NULL;
  assert_int_equal(harness_post_json(&clients[SUP_REG], path,
                                     "percent=150&body=%E5%B7%B2%E8%BE%A6%E7%90%86", &refused),
                   400);
  snprintf(field, sizeof(field), "percent-%lld", registration);
  expect_text_at(refused, "errors.0.field", field);
  assert_true(*json_text_at(refused, "items.0.points.0.percent_error"));
  expect_text_at(refused, "items.0.points.0.typed_percent", "150");
  expect_text_at(refused, "items.0.points.0.typed_body", "已辦理");
  json_decref(refused);
  assert_int_equal(harness_post_json(&clients[SUP_REG], path, "percent=40&body=", &refused), 400);
  snprintf(field, sizeof(field), "body-%lld", registration);
  expect_text_at(refused, "errors.0.field", field);
  assert_true(*json_text_at(refused, "items.0.points.0.body_error"));
  expect_text_at(refused, "items.0.points.0.typed_percent", "40");
  json_decref(refused);
  struct response page;
  assert_int_equal(
      client_post(&clients[SUP_REG], path, "percent=150&body=%E5%B7%B2%E8%BE%A6%E7%90%86", &page),
      0);
  assert_int_equal(page.status, 400);
  expect_contains(page.body, "inputmode=\"numeric\" value=\"150\" aria-describedby=\"percent-");
  expect_contains(page.body, ">已辦理</textarea>");
  response_free(&page);
  /* the text's limit is 2000 characters, not bytes: 700 Chinese ones (2100 bytes) are taken,
   * 2001 are not (this month's entry is replaced by the next one) */
  static char long_form[2001 * 9 + 32];
  size_t n = (size_t)snprintf(long_form, sizeof(long_form), "percent=30&body=");
  for (int i = 0; i < 700; i++)
    n += (size_t)snprintf(long_form + n, sizeof(long_form) - n, "%%E8%%BE%%A6"); /* 辦 */
  assert_int_equal(harness_post(&clients[SUP_REG], path, long_form, NULL), 303);
  n = (size_t)snprintf(long_form, sizeof(long_form), "percent=30&body=");
  memset(long_form + n, 'a', 2001);
  long_form[n + 2001] = '\0';
  assert_int_equal(harness_post(&clients[SUP_REG], path, long_form, NULL), 400);
  assert_int_equal(
      post_form(SUP_REG, path, "percent=40&body=%E5%B7%B2%E5%AE%8C%E6%88%90SOP%E5%88%9D%E7%A8%BF"),
      303);
  v = view_ok(ANALYST, "/staff/plan/115");
  assert_int_equal(json_integer_value(json_at(v, "items.0.points.0.percent")), 40);
  expect_text_at(v, "items.0.points.0.outcome", "已完成SOP初稿");
  assert_int_equal(json_array_size(json_at(v, "items.0.points.0.entries")), 1);
  expect_text_at(v, "items.0.points.0.entries.0.month", "115年3月");
  expect_text_at(v, "items.0.points.0.entries.0.unit", "登記課");
  json_decref(v);
  /* a plan with progress is not replaced */
  struct response r;
  read_page(ADMIN, "/staff/plan/115");
  assert_int_equal(post_csv(ADMIN, "/staff/plan/115/import", PLAN_CSV, &r), 400);
  expect_contains(r.body, "已有填報進度");
  response_free(&r);
}

/* Late first: the survey point is past its deadline, the every-unit point has no entry this
 * month; the registration point has this month's entry and is not late. */
static void test_meeting_late_first(void **state)
{
  (void)state;
  json_t *v = view_ok(ANALYST, "/staff/plan/115/meeting");
  assert_int_equal(json_array_size(json_at(v, "points")), 3);
  assert_int_equal(json_integer_value(json_at(v, "late_count")), 2);
  expect_text_at(v, "points.0.point", "會同地點 QR code");
  expect_text_at(v, "points.0.deadline_text", "115年2月28日");
  assert_true(json_is_true(json_at(v, "points.0.late")));
  assert_true(json_is_true(json_at(v, "points.0.past_deadline")));
  expect_text_at(v, "points.1.point", "辦理座談會");
  assert_true(json_is_true(json_at(v, "points.1.missing_this_month")));
  expect_text_at(v, "points.2.point", "案件如期完成");
  assert_true(json_is_false(json_at(v, "points.2.late")));
  json_decref(v);
}

/* ---- one case taken in and closed, so the on-time rate has a figure (as kpi_test.c) ---- */

#define SERVICE_NAME "買賣移轉登記"

static long long learn_service(struct client *clerk, long long *handler)
{
  long long service = 0;
  long status;
  json_t *v = get_json_view(&server, clerk, "/staff/intake", &status), *o;
  size_t i;
  json_array_foreach(json_object_get(v, "services"), i, o)
  {
    if (!strcmp(json_string_value(json_object_get(o, "name")), SERVICE_NAME))
      service = json_integer_value(json_object_get(o, "id"));
  }
  json_decref(v);
  char path[64];
  snprintf(path, sizeof(path), "/staff/intake?service=%lld", service);
  v = get_json_view(&server, clerk, path, &status);
  json_array_foreach(json_object_get(v, "handlers"), i, o)
  {
    if (!strcmp(json_string_value(json_object_get(o, "name")), "承辦人（示範）"))
      *handler = json_integer_value(json_object_get(o, "id"));
  }
  json_decref(v);
  assert_true(service > 0 && *handler > 0);
  return service;
}

static long client_post_form(struct client *c, const char *path, const char *form, char **location)
{
  char body[4096];
  snprintf(body, sizeof(body), "%s&csrf=%s", form, c->csrf);
  const char *headers[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
  struct response r;
  assert_int_equal(client_call(c, "POST", path, headers, body, strlen(body), &r), 0);
  if (location)
    *location = response_header(&r, "Location");
  long status = r.status;
  response_free(&r);
  return status;
}

static void one_closed_case(void)
{
  static const char *const steps[] = {"first_review", "second_review",   "recording",
                                      "proofreading", "records_updated", "closed"};
  struct client clerk, supervisor;
  long long handler = 0;
  client_init(&clerk, &server);
  client_init(&supervisor, &server);
  assert_int_equal(client_login(&clerk, "xinxing-clerk", DEMO_PASSWORD), 303);
  assert_int_equal(client_login(&supervisor, "xinxing-supervisor", DEMO_PASSWORD), 303);
  long long service = learn_service(&clerk, &handler);
  char form[1024], *location = NULL;
  snprintf(form, sizeof(form),
           "service_id=%lld&applicant_name=%%E7%%8E%%8B%%E5%%B0%%8F%%E6%%98%%8E&applicant_id="
           "A123456789&applicant_phone=0912345678&notify=none&channel=counter&lang=zh-TW&doc_0=x&"
           "handler_id=%lld",
           service, handler);
  struct response r;
  assert_int_equal(client_get(&clerk, "/staff/intake", &r), 0);
  response_free(&r);
  assert_int_equal(client_post_form(&clerk, "/staff/intake", form, &location), 303);
  assert_non_null(location);
  long long id = strtoll(location + strlen("/staff/cases/"), NULL, 10);
  free(location);
  char path[96];
  snprintf(path, sizeof(path), "/staff/cases/%lld", id);
  assert_int_equal(client_get(&supervisor, path, &r), 0);
  response_free(&r);
  snprintf(path, sizeof(path), "/staff/cases/%lld/status", id);
  for (size_t i = 0; i < sizeof(steps) / sizeof(*steps); i++) {
    snprintf(form, sizeof(form), "to=%s&note=ok", steps[i]);
    long status = client_post_form(&supervisor, path, form, NULL);
    if (status != 303)
      fail_msg("move to %s: %ld", steps[i], status);
  }
  client_free(&clerk);
  client_free(&supervisor);
}

/* The linked indicator shows the dashboard's figure for the year (as a number). */
static void test_linked_indicator_is_the_dashboards(void **state)
{
  (void)state;
  one_closed_case();
  json_t *k = view_ok(ANALYST, "/staff/kpi?year=115");
  json_t *v = view_ok(ANALYST, "/staff/plan/115");
  const char *rate = json_text_at(k, "total.on_time_rate");
  const char *figure = json_text_at(v, "items.0.points.0.figure");
  assert_non_null(rate);
  assert_non_null(figure);
  assert_true(json_is_true(json_at(v, "items.0.points.0.linked")));
  assert_string_not_equal(figure, "-");
  if (strtod(rate, NULL) != strtod(figure, NULL))
    fail_msg("dashboard %s, plan %s", rate, figure);
  expect_text_at(v, "items.0.points.0.target", "95%");
  json_decref(k);
  json_decref(v);
}

/* A file of the ODT archive, NUL-terminated (malloc'd), or NULL. */
static char *odt_file(zip_t *zip, const char *name)
{
  zip_stat_t st;
  zip_file_t *f = zip_stat(zip, name, 0, &st) == 0 ? zip_fopen(zip, name, 0) : NULL;
  char *text = f ? malloc(st.size + 1) : NULL;
  if (text && zip_fread(f, text, st.size) == (zip_int64_t)st.size)
    text[st.size] = '\0';
  else
    free(text), text = NULL;
  if (f)
    zip_fclose(f);
  return text;
}

/* The text of the first node at an XPath of content.xml ("" when none; malloc'd). */
static char *xpath_text(xmlDocPtr doc, const char *path)
{
  xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
  xmlXPathRegisterNs(ctx, BAD_CAST "table",
                     BAD_CAST "urn:oasis:names:tc:opendocument:xmlns:table:1.0");
  xmlXPathRegisterNs(ctx, BAD_CAST "text",
                     BAD_CAST "urn:oasis:names:tc:opendocument:xmlns:text:1.0");
  xmlXPathObjectPtr r = xmlXPathEvalExpression(BAD_CAST path, ctx);
  char *text = NULL;
  if (r && r->nodesetval && r->nodesetval->nodeNr > 0)
    text = (char *)xmlNodeGetContent(r->nodesetval->nodeTab[0]);
  char *copy = strdup(text ? text : "");
  xmlFree(text);
  xmlXPathFreeObject(r);
  xmlXPathFreeContext(ctx);
  return copy;
}

/* report.odt is a valid ODT (mimetype first and stored, the manifest, content.xml that parses)
 * whose figure for the linked on-time rate is the dashboard's, and whose items carry the
 * progress entered. */
static void test_report_odt(void **state)
{
  (void)state;
  struct response r;
  assert_int_equal(client_get(&clients[ANALYST], "/staff/plan/115/report.odt", &r), 0);
  assert_int_equal(r.status, 200);
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t *src = zip_source_buffer_create(r.body, r.len, 0, &error);
  zip_t *zip = src ? zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &error) : NULL;
  if (!zip)
    fail_msg("not a zip: %s", zip_error_strerror(&error));
  assert_string_equal(zip_get_name(zip, 0, 0), "mimetype");
  zip_stat_t st;
  assert_int_equal(zip_stat_index(zip, 0, 0, &st), 0);
  assert_int_equal(st.comp_method, ZIP_CM_STORE);
  char *mimetype = odt_file(zip, "mimetype"), *manifest = odt_file(zip, "META-INF/manifest.xml");
  char *content = odt_file(zip, "content.xml");
  assert_string_equal(mimetype, "application/vnd.oasis.opendocument.text");
  expect_contains(manifest, "content.xml");
  xmlDocPtr doc =
      content ? xmlReadMemory(content, (int)strlen(content), "content.xml", NULL, XML_PARSE_NONET)
              : NULL;
  assert_non_null(doc);
  char *label = xpath_text(doc, "//table:table[@table:name='indicators']/table:table-row[1]/"
                                "table:table-cell[1]");
  char *figure = xpath_text(doc, "//table:table[@table:name='indicators']/table:table-row[1]/"
                                 "table:table-cell[3]");
  char *outcome = xpath_text(doc, "//table:table[@table:name='item1']/table:table-row[1]/"
                                  "table:table-cell[4]");
  json_t *k = view_ok(ANALYST, "/staff/kpi?year=115");
  const char *rate = json_text_at(k, "total.on_time_rate");
  assert_string_equal(label, "案件如期完成率");
  assert_non_null(rate);
  assert_string_not_equal(rate, "-");
  if (strtod(rate, NULL) != strtod(figure, NULL))
    fail_msg("dashboard %s, report %s", rate, figure);
  assert_string_equal(outcome, "已完成SOP初稿");
  /* the evidence named per item: the PDF kept, the removed PNG not */
  char *evidence = xpath_text(doc, "//table:table[@table:name='item1']/table:table-row[1]/"
                                   "table:table-cell[6]");
  assert_string_equal(evidence, "sop.pdf");
  char *none = xpath_text(doc, "//table:table[@table:name='item1']/table:table-row[2]/"
                               "table:table-cell[6]");
  assert_string_equal(none, "－");
  free(evidence), free(none);
  json_decref(k);
  free(label), free(figure), free(outcome);
  xmlFreeDoc(doc);
  free(mimetype), free(manifest), free(content);
  zip_discard(zip);
  response_free(&r);
}

/* report.pdf when LibreOffice Writer is installed (else 503 with words, and this says so). */
static void test_report_pdf(void **state)
{
  (void)state;
  struct response r;
  assert_int_equal(client_get(&clients[ANALYST], "/staff/plan/115/report.pdf", &r), 0);
  if (system("command -v soffice >/dev/null 2>&1 && test -e "
             "/usr/lib/libreoffice/program/libswlo.so") != 0) {
    assert_int_equal(r.status, 503);
    expect_contains(r.body, "LibreOffice");
    printf("LibreOffice Writer (soffice) is not installed: only the 503 answer was checked\n");
  } else {
    assert_int_equal(r.status, 200);
    assert_true(r.len > 5 && memcmp(r.body, "%PDF-", 5) == 0);
  }
  response_free(&r);
}

/* One integer from the test's own SQL over the server's database (harness.h). */
static long long sql_int(const char *sql)
{
  return harness_sql_int(&server, sql);
}

/* ---- evidence files on progress entries ---------------------------------------------------- */

static const char evidence_pdf[] = "%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
static const unsigned char evidence_png[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48,
    0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00,
    0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78,
    0x9c, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00,
    0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};

/* POSTs bytes as the multipart file "file" called name, for the entry, to the point's evidence
 * route: the status; *text the answer's body (malloc'd) when wanted. */
static long upload_evidence(enum who w, long long point, long long entry, const char *name,
                            const void *bytes, size_t len, char **text)
{
  static const char boundary[] = "bmPlanEvidence7Yq2";
  struct client *c = &clients[w];
  size_t cap = len + 2048, n = 0;
  char *body = malloc(cap), path[96], ctype[128];
  assert_non_null(body);
  n += (size_t)snprintf(body + n, cap - n,
                        "--%s\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
                        "--%s\r\nContent-Disposition: form-data; name=\"entry\"\r\n\r\n%lld\r\n"
                        "--%s\r\nContent-Disposition: form-data; name=\"file\"; "
                        "filename=\"%s\"\r\nContent-Type: application/octet-stream\r\n\r\n",
                        boundary, c->csrf, boundary, entry, boundary, name);
  memcpy(body + n, bytes, len);
  n += len;
  n += (size_t)snprintf(body + n, cap - n, "\r\n--%s--\r\n", boundary);
  snprintf(ctype, sizeof(ctype), "Content-Type: multipart/form-data; boundary=%s", boundary);
  snprintf(path, sizeof(path), "/staff/plan/115/points/%lld/evidence", point);
  const char *headers[] = {ctype, NULL};
  struct response r;
  assert_int_equal(client_call(c, "POST", path, headers, body, n, &r), 0);
  free(body);
  if (text)
    *text = strdup(r.body ? r.body : "");
  long status = r.status;
  response_free(&r);
  return status;
}

static long long audit_rows(const char *action)
{
  char sql[160];
  snprintf(sql, sizeof(sql), "SELECT count(*) FROM audit_log WHERE action = '%s'", action);
  return sql_int(sql);
}

static long long evidence_rows(void)
{
  return sql_int("SELECT count(*) FROM plan_evidence");
}

/* Bad files (wrong type, empty, too big) are a localised 400 and nothing is stored; another
 * unit's supervisor and analysts are refused. */
static void test_evidence_refused(void **state)
{
  (void)state;
  json_t *v = view_ok(SUP_REG, "/staff/plan/115");
  long long point = point_id(v, "items.0.points.0.id");
  long long entry = point_id(v, "items.0.points.0.entries.0.id");
  assert_true(json_is_true(json_at(v, "items.0.points.0.may_attach")));
  json_decref(v);
  v = view_ok(SUP_SURVEY, "/staff/plan/115");
  assert_true(json_is_false(json_at(v, "items.0.points.0.may_attach")));
  json_decref(v);
  read_page(SUP_REG, "/staff/plan/115");
  static const char text_file[] = "only some words, not a document\n";
  char *answer = NULL;
  assert_int_equal(
      upload_evidence(SUP_REG, point, entry, "sop.pdf", text_file, sizeof(text_file) - 1, &answer),
      400);
  expect_contains(answer, "檔案必須是照片（JPEG、PNG）、PDF 或 ODF 文件。");
  char id_attr[64];
  snprintf(id_attr, sizeof(id_attr), "id=\"evidence-%lld-error\"", point);
  expect_contains(answer, id_attr); /* beside the form too, not only in the summary */
  free(answer);
  assert_int_equal(upload_evidence(SUP_REG, point, entry, "empty.pdf", "", 0, &answer), 400);
  expect_contains(answer, "請選擇要上傳的檔案。");
  free(answer);
  /* one byte over the limit, a PDF by its first bytes */
  size_t big_len = 10 * 1024 * 1024 + 1;
  char *big = malloc(big_len);
  assert_non_null(big);
  memset(big, ' ', big_len);
  memcpy(big, evidence_pdf, sizeof(evidence_pdf) - 1);
  assert_int_equal(upload_evidence(SUP_REG, point, entry, "big.pdf", big, big_len, &answer), 400);
  expect_contains(answer, "檔案超過 10 MB。");
  free(answer);
  free(big);
  read_page(SUP_SURVEY, "/staff/plan/115");
  assert_int_equal(upload_evidence(SUP_SURVEY, point, entry, "sop.pdf", evidence_pdf,
                                   sizeof(evidence_pdf) - 1, NULL),
                   403);
  read_page(ANALYST, "/staff/plan/115");
  assert_int_equal(upload_evidence(ANALYST, point, entry, "sop.pdf", evidence_pdf,
                                   sizeof(evidence_pdf) - 1, NULL),
                   403);
  /* an entry that is not the point's */
  assert_int_equal(upload_evidence(SUP_REG, point + 1, entry, "sop.pdf", evidence_pdf,
                                   sizeof(evidence_pdf) - 1, NULL),
                   404);
  assert_int_equal(evidence_rows(), 0);
  assert_int_equal(audit_rows("plan.evidence_attach"), 0);
}

/* The unit's supervisor attaches a PDF and a PNG; the item's page and the meeting view list them
 * with links; a download by an analyst gives the bytes and is audited; another unit's supervisor
 * cannot remove a file, its uploader can (audited). The PDF stays for the report. */
static void test_evidence_attach_list_download_remove(void **state)
{
  (void)state;
  json_t *v = view_ok(SUP_REG, "/staff/plan/115");
  long long point = point_id(v, "items.0.points.0.id");
  long long entry = point_id(v, "items.0.points.0.entries.0.id");
  json_decref(v);
  read_page(SUP_REG, "/staff/plan/115");
  assert_int_equal(upload_evidence(SUP_REG, point, entry, "sop.pdf", evidence_pdf,
                                   sizeof(evidence_pdf) - 1, NULL),
                   303);
  assert_int_equal(
      upload_evidence(SUP_REG, point, entry, "photo.png", evidence_png, sizeof(evidence_png), NULL),
      303);
  assert_int_equal(evidence_rows(), 2);
  assert_int_equal(audit_rows("plan.evidence_attach"), 2);
  v = view_ok(ANALYST, "/staff/plan/115");
  expect_text_at(v, "items.0.points.0.entries.0.evidence.0.name", "sop.pdf");
  expect_text_at(v, "items.0.points.0.entries.0.evidence.1.name", "photo.png");
  assert_true(json_is_false(json_at(v, "items.0.points.0.entries.0.evidence.0.may_remove")));
  char pdf_href[128], png_remove[160];
  snprintf(pdf_href, sizeof(pdf_href), "%s",
           json_text_at(v, "items.0.points.0.entries.0.evidence.0.href"));
  json_decref(v);
  v = view_ok(SUP_REG, "/staff/plan/115");
  assert_true(json_is_true(json_at(v, "items.0.points.0.entries.0.evidence.1.may_remove")));
  snprintf(png_remove, sizeof(png_remove), "%s",
           json_text_at(v, "items.0.points.0.entries.0.evidence.1.remove_action"));
  json_decref(v);
  v = view_ok(ANALYST, "/staff/plan/115/meeting");
  char *meeting = json_dumps(v, JSON_COMPACT);
  expect_contains(meeting, "\"name\":\"sop.pdf\"");
  expect_contains(meeting, pdf_href);
  free(meeting);
  json_decref(v);
  struct response r;
  assert_int_equal(client_get(&clients[ANALYST], pdf_href, &r), 0);
  assert_int_equal(r.status, 200);
  assert_int_equal(r.len, sizeof(evidence_pdf) - 1);
  assert_memory_equal(r.body, evidence_pdf, r.len);
  response_free(&r);
  assert_int_equal(audit_rows("plan.evidence_download"), 1);
  /* another office's plan reader does not reach this office's file */
  assert_int_equal(client_get(&clients[OTHER_OFFICE], pdf_href, &r), 0);
  assert_int_equal(r.status, 404);
  response_free(&r);
  assert_int_equal(audit_rows("plan.evidence_download"), 1);
  assert_int_equal(client_get(&clients[ANALYST], "/staff/plan/115/evidence/999999", &r), 0);
  assert_int_equal(r.status, 404);
  response_free(&r);
  read_page(SUP_SURVEY, "/staff/plan/115");
  assert_int_equal(post_form(SUP_SURVEY, png_remove, "x=1"), 403);
  assert_int_equal(evidence_rows(), 2);
  read_page(SUP_REG, "/staff/plan/115");
  assert_int_equal(post_form(SUP_REG, png_remove, "x=1"), 303);
  assert_int_equal(evidence_rows(), 1);
  assert_int_equal(audit_rows("plan.evidence_remove"), 1);
  assert_int_equal(post_form(SUP_REG, png_remove, "x=1"), 404);
}

static long long reminders_to(const char *username)
{
  char sql[320];
  snprintf(sql, sizeof(sql),
           "SELECT count(*) FROM outbox WHERE subject_kind = 'plan' AND event = "
           "'plan_reminder' AND occurrence = 202603 AND subject_id = (SELECT id FROM users WHERE "
           "username = '%s')",
           username);
  return sql_int(sql);
}

static void scan(void)
{
  const char *args[] = {"scan", NULL},
             *env[] = {"BIANMIN_PUBLIC_URL=https://bianmin.example", NULL};
  assert_int_equal(server_cli_env(&server, args, env), 0);
}

/* Reminders before the office's progress day: outside the window none; inside it, one a month
 * to the supervisor of a unit that still owes this month's entry, none to a unit that has
 * entered on every focal point it owes. */
static void test_reminders(void **state)
{
  (void)state;
  read_page(ADMIN, "/staff/plan/115");
  assert_int_equal(post_form(ADMIN, "/staff/plan/115/reminder-day", "day=40"), 400);
  assert_int_equal(post_form(ADMIN, "/staff/plan/115/reminder-day", "day=20"), 303);
  scan(); /* 10 March: the 20th is more than 3 days away */
  assert_int_equal(sql_int("SELECT count(*) FROM outbox WHERE subject_kind = 'plan'"), 0);
  json_t *v = view_ok(SUP_REG, "/staff/plan/115");
  long long every_unit = point_id(v, "items.1.points.0.id");
  json_decref(v);
  char path[96];
  snprintf(path, sizeof(path), "/staff/plan/115/points/%lld/progress", every_unit);
  read_page(SUP_REG, "/staff/plan/115");
  assert_int_equal(post_form(SUP_REG, path, "percent=50&body=%E5%B7%B2%E8%BE%A6%E4%B8%80%E5%A0%B4"),
                   303);
  read_page(ADMIN, "/staff/plan/115");
  assert_int_equal(post_form(ADMIN, "/staff/plan/115/reminder-day", "day=12"), 303);
  scan();
  scan(); /* once a month however often the scanner passes */
  assert_int_equal(reminders_to("plan-survey"), 1);
  assert_int_equal(reminders_to("plan-registration"), 0);
  /* the outbox worker sends it through the real SMTP server, with the focal points it owes */
  assert_true(harness_wait_until(survey_mail_arrived, NULL, "the survey unit's reminder"));
  char *mail = NULL;
  assert_int_equal(mails_to("plan-survey@xinxing.example", &mail), 1);
  char *text = mail_text(mail);
  assert_non_null(text);
  expect_contains(text, "會同地點 QR code");
  expect_contains(text, "115年3月12日"); /* the progress day, as the language writes dates */
  expect_contains(text, "https://bianmin.example/staff/plan/115");
  expect_lacks(text, "案件如期完成"); /* 登記課's point, not the survey unit's */
  free(text);
  free(mail);
  assert_int_equal(mails_to("plan-registration@xinxing.example", NULL), 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_import_and_export),
      cmocka_unit_test(test_progress_by_the_right_unit),
      cmocka_unit_test(test_evidence_refused),
      cmocka_unit_test(test_evidence_attach_list_download_remove),
      cmocka_unit_test(test_meeting_late_first),
      cmocka_unit_test(test_linked_indicator_is_the_dashboards),
      cmocka_unit_test(test_report_odt),
      cmocka_unit_test(test_report_pdf),
      cmocka_unit_test(test_reminders),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
