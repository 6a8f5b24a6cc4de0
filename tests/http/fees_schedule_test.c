/*
 * fees_schedule_test.c - the fee schedule as data against a real server (issue 17): the public
 * calculator, the counter intake, an online application and the API give the same amount for
 * the same answers (the demo schedules: a boundary survey of 680 m² with 3 points and 150 m²
 * with 6 points is 3,000 + 2,500 + 3 × 1,000 = NT$8,500; three transcripts NT$60; the online
 * journey reads its one-time code from an SMTP sink as apply_test does); the counter shows the
 * working before taking the case in, prints it as the fee receipt, and applies a waiver only with a
 * reason (audited); a catalogue import with a bad fee schedule is refused with a message and
 * changes nothing. The case's fee (fee_amount, fee_text) is what it owes for every copy on each of
 * its answers (staff, receipt, public lookup, QR link, API).
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

#define ADMIN_PASSWORD "admin-password-123"
#define PASSWORD       "bianmin-demo-2026"
#define BOUNDARY       "----bmFeeBoundary41"
/* 680 m² (3,000) with 3 points (1 group) and 150 m² (2,500) with 6 points (2 groups) */
#define SURVEY_ANSWERS "fee_area_m2=680+150&fee_points=3%E3%80%816"
#define SURVEY_TOTAL   8500
#define TRANSCRIPT     "/o/xinxing/apply/transcript"

static struct server server;
static struct client admin, clerk;
static char admin_secret[64], api_key[128];
static pid_t smtp_pid;
static char work[64], mail_dir[128], mail_url[96];

/* The online journey's one-time codes arrive by mail: the SMTP sink (harness_smtp_sink) and
 * the harness's mail helpers. */

static void add_user(const char *office, const char *username, const char *roles)
{
  const char *args[] = {"user",   "add",  "--office", office, "--username",  username,
                        "--name", "測試", "--roles",  roles,  "--no-expire", NULL};
  const char *pw[] = {"BIANMIN_PASSWORD=" ADMIN_PASSWORD, NULL};
  assert_int_equal(server_cli_env(&server, args, pw), 0);
}

/* Issues an API key on the admins' page and reads the secret from the answer. */
static int issue_key(void)
{
  struct response r;
  if (client_get(&admin, "/staff/admin/api-keys", &r))
    return -1;
  response_free(&r);
  if (client_post(&admin, "/staff/admin/api-keys", "name=Fee+test", &r) || r.status != 200)
    return -1;
  const char *marker = "id=\"new-key\" type=\"text\" readonly value=\"";
  const char *p = strstr(r.body, marker);
  size_t n = p ? strcspn(p + strlen(marker), "\"") : 0;
  if (p && n < sizeof(api_key))
    snprintf(api_key, sizeof(api_key), "%.*s", (int)n, p + strlen(marker));
  response_free(&r);
  return api_key[0] ? 0 : -1;
}

static int start_smtp(void)
{
  snprintf(work, sizeof(work), "/tmp/bianmin-fees-XXXXXX");
  if (!mkdtemp(work))
    return -1;
  snprintf(mail_dir, sizeof(mail_dir), "%s/mail", work);
  int port = harness_free_port();
  char log[128];
  snprintf(log, sizeof(log), "%s/smtp.log", work);
  snprintf(mail_url, sizeof(mail_url), "BIANMIN_MAIL_URL=smtp://127.0.0.1:%d", port);
  return harness_smtp_sink(port, mail_dir, log, &smtp_pid);
}

static int setup(void **state)
{
  if (start_smtp())
    return -1;
  const char *env[] = {mail_url,
                       "BIANMIN_MAIL_STARTTLS=false",
                       "BIANMIN_MAIL_FROM=fees@xinxing.example",
                       "BIANMIN_RATE_LOGIN=100000",
                       "BIANMIN_RATE_PUBLIC=100000",
                       "BIANMIN_RATE_LOOKUP=100000",
                       NULL};
  if (server_start(&server, env))
    return -1;
  add_user("xinxing", "fee-admin", "admin");
  client_init(&admin, &server);
  client_init(&clerk, &server);
  if (client_login_totp(&admin, "fee-admin", ADMIN_PASSWORD, admin_secret, sizeof(admin_secret)))
    return -1;
  if (client_login(&clerk, "xinxing-clerk", PASSWORD) != 303)
    return -1;
  return issue_key();
}

static int teardown(void **state)
{
  client_free(&admin);
  client_free(&clerk);
  int rc = server_stop(&server) == 0 ? 0 : -1;
  if (smtp_pid > 0) {
    kill(smtp_pid, SIGTERM);
    waitpid(smtp_pid, NULL, 0);
  }
  char cmd[96];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", work);
  return system(cmd) == 0 ? rc : -1;
}

static long citizen_post(struct client *c, const char *path, const char *form)
{
  struct response r;
  assert_int_equal(client_post(c, path, form, &r), 0);
  long status = r.status;
  response_free(&r);
  return status;
}

static long citizen_get(struct client *c, const char *path, char **body)
{
  struct response r;
  assert_int_equal(client_get(c, path, &r), 0);
  long status = r.status;
  if (body)
    *body = strdup(r.body ? r.body : "");
  response_free(&r);
  return status;
}

/* An online transcript application with `copies` copies, through the whole journey; the
 * confirmation page (malloc'd). */
static char *apply_online(const char *copies)
{
  struct client c;
  char form[128], code[7], *done = NULL;
  client_init(&c, &server);
  int before = harness_mail_count(mail_dir);
  assert_int_equal(citizen_get(&c, TRANSCRIPT, NULL), 200);
  assert_int_equal(citizen_post(&c, TRANSCRIPT "/start", "kind=email&contact=fee%40example.com"),
                   303);
  harness_mail_code(mail_dir, before + 1, code);
  assert_int_equal(citizen_get(&c, TRANSCRIPT "/verify", NULL), 200);
  snprintf(form, sizeof(form), "code=%s", code);
  assert_int_equal(citizen_post(&c, TRANSCRIPT "/verify", form), 303);
  snprintf(form, sizeof(form), "answer=%s", copies);
  const char *const steps[][2] = {
      {TRANSCRIPT "/name", "answer=%E7%8E%8B%E5%B0%8F%E6%98%8E"},
      {TRANSCRIPT "/q/kind", "answer=land"},
      {TRANSCRIPT "/q/section", "answer=0001"},
      {TRANSCRIPT "/q/parcel_number", "answer=100"},
      {TRANSCRIPT "/q/copies", form},
      {TRANSCRIPT "/q/purpose", "answer="},
  };
  for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
    assert_int_equal(citizen_get(&c, steps[i][0], NULL), 200);
    assert_int_equal(citizen_post(&c, steps[i][0], steps[i][1]), 303);
  }
  assert_int_equal(citizen_get(&c, TRANSCRIPT "/check", NULL), 200);
  assert_int_equal(citizen_post(&c, TRANSCRIPT "/submit", "declaration=yes"), 303);
  assert_int_equal(citizen_get(&c, TRANSCRIPT "/done", &done), 200);
  client_free(&c);
  return done;
}

/* The xinxing service id whose name (either language) contains `name`. */
static long long service_id(const char *name)
{
  json_t *v = expect_view(&server, &clerk, "/staff/intake", 200);
  json_t *services = json_object_get(v, "services"), *s;
  size_t i;
  long long id = 0;
  json_array_foreach(services, i,
                     s) if (strstr(json_string_value(json_object_get(s, "name")), name)) id =
      json_integer_value(json_object_get(s, "id"));
  json_decref(v);
  if (!id)
    fail_msg("no service %s", name);
  return id;
}

/* The calculator's total for a service and answers (query text), as JSON. */
static long long calculator_total(const char *slug, const char *answers)
{
  char path[512];
  snprintf(path, sizeof(path), "/o/xinxing/tools/fees?calc=schedule&service=%s&%s", slug, answers);
  json_t *v = expect_view(&server, NULL, path, 200);
  long long total = json_integer_value(json_at(v, "schedule.result.data.total"));
  json_decref(v);
  return total;
}

/* POST /staff/intake as the clerk; the case id on 303 (0 otherwise, *status set). */
static long long intake(long long service, const char *extra, long *status, char **body)
{
  char form[1024];
  struct response r;
  snprintf(form, sizeof(form),
           "service_id=%lld&applicant_name=%%E7%%8E%%8B%%E5%%B0%%8F%%E6%%98%%8E&"
           "applicant_phone=0912345678&notify=none&doc_0=x&%s",
           service, extra);
  free(expect_page(&server, &clerk, "/staff/intake", 200)); /* the CSRF token */
  assert_int_equal(client_post(&clerk, "/staff/intake", form, &r), 0);
  *status = r.status;
  if (body)
    *body = strdup(r.body ? r.body : "");
  char *location = r.status == 303 ? response_header(&r, "Location") : NULL;
  long long id = location ? strtoll(location + strlen("/staff/cases/"), NULL, 10) : 0;
  free(location);
  response_free(&r);
  return id;
}

static long long due_of(long long case_id)
{
  char path[64];
  snprintf(path, sizeof(path), "/staff/cases/%lld", case_id);
  json_t *v = expect_view(&server, &clerk, path, 200);
  json_t *due = json_at(v, "case.payment.due_amount");
  long long amount = json_is_integer(due) ? json_integer_value(due) : -1;
  json_decref(v);
  return amount;
}

/* An API (Open311) request for xinxing; the case id found through the staff work list. */
static long long api_request(const char *service_code, const char *attributes)
{
  char body[1024], path[160];
  struct response r;
  snprintf(body, sizeof(body),
           "api_key=%s&service_code=%s&%s&email=fee.test%%40example.com&first_name=Fee&"
           "last_name=Tester",
           api_key, service_code, attributes);
  assert_int_equal(http_call(&server, "POST", "/o/xinxing/open311/v2/requests.json", NULL, body,
                             strlen(body), &r),
                   0);
  if (r.status != 200)
    fail_msg("POST requests: %ld %.2000s", r.status, r.body);
  json_t *j = response_json(&r);
  response_free(&r);
  snprintf(path, sizeof(path), "/staff/cases?scope=office&q=%s",
           json_string_value(json_object_get(json_array_get(j, 0), "service_request_id")));
  json_decref(j);
  json_t *v = expect_view(&server, &clerk, path, 200);
  const char *href = json_text_at(v, "rows.0.href");
  long long id = href ? strtoll(href + strlen("/staff/cases/"), NULL, 10) : 0;
  if (id <= 0) {
    char *text = json_dumps(v, JSON_COMPACT);
    fail_msg("%s: %.3000s", path, text);
  }
  json_decref(v);
  return id;
}

static void test_same_amount_everywhere(void **state)
{
  long status;
  /* the service page of a service with a schedule links to its calculator */
  char *page = expect_page(&server, NULL, "/o/xinxing/services/boundary-survey", 200);
  expect_contains(page, "/o/xinxing/tools/fees?service");
  free(page);
  assert_int_equal(calculator_total("boundary-survey", SURVEY_ANSWERS), SURVEY_TOTAL);
  long long id = intake(service_id("鑑界"), SURVEY_ANSWERS, &status, NULL);
  assert_int_equal(status, 303);
  assert_int_equal(due_of(id), SURVEY_TOTAL);
  /* transcripts: the schedule's copies rule is the old fee_amount x copies (NT$20 each) */
  assert_int_equal(calculator_total("transcript", "fee_copies=3"), 60);
  id = intake(service_id("謄本"), "fee_copies=3", &status, NULL);
  assert_int_equal(status, 303);
  assert_int_equal(due_of(id), 60);
  id = api_request("transcript", "attribute[kind]=land&attribute[section]=0001&"
                                 "attribute[parcel_number]=100&attribute[copies]=3");
  assert_int_equal(due_of(id), 60);
  char *done = apply_online("3"); /* the online journey's confirmation shows what is owed */
  expect_contains(done, "NT$60");
  free(done);
}

/* The case's fee, as each of its answers gives it: the staff case (JSON), the printed receipt,
 * the public lookup, the QR link and the API all say amount, in words text (NULL: NT$amount). */
static void expect_case_fee_text(const struct taken_case *t, long long amount, const char *text)
{
  char path[256], money[32], row[160];
  if (text)
    snprintf(money, sizeof(money), "%s", text);
  else
    snprintf(money, sizeof(money), "NT$%lld", amount);
  snprintf(path, sizeof(path), "/staff/cases/%lld", t->id);
  json_t *v = expect_view(&server, &clerk, path, 200);
  assert_int_equal(json_integer_value(json_at(v, "case.fee_amount")), amount);
  expect_text_at(v, "case.fee_text", money);
  json_decref(v);
  snprintf(path, sizeof(path), "/staff/cases/%lld/receipt", t->id);
  char *page = expect_page(&server, &clerk, path, 200);
  snprintf(row, sizeof(row), "規費</dt><dd class=\"bm-facts__value\">%s</dd>", money);
  expect_contains(page, row);
  free(page);
  char paths[3][256];
  snprintf(paths[0], sizeof(paths[0]), "/o/xinxing/progress?number=%s&check=%s", t->key, t->check);
  snprintf(paths[1], sizeof(paths[1]), "/p/%s", t->token);
  snprintf(paths[2], sizeof(paths[2]), "/api/v1/offices/xinxing/cases/%s?check_code=%s", t->key,
           t->check);
  for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
    v = expect_view(&server, NULL, paths[i], 200);
    assert_int_equal(json_integer_value(json_at(v, "case.fee_amount")), amount);
    expect_text_at(v, "case.fee_text", money);
    json_decref(v);
  }
}

static void expect_case_fee(const struct taken_case *t, long long amount)
{
  expect_case_fee_text(t, amount, NULL);
}

/* Three transcripts owe NT$60: that is the case's fee everywhere, not the NT$20 of one copy;
 * and when the office changes what is owed, the case's fee changes with it. */
static void test_case_fee_is_what_it_owes(void **state)
{
  char form[512];
  struct taken_case t;
  snprintf(form, sizeof(form),
           "service_id=%lld&applicant_name=%%E7%%8E%%8B%%E5%%B0%%8F%%E6%%98%%8E&"
           "applicant_phone=0912345678&notify=none&doc_0=x&fee_copies=3",
           service_id("謄本"));
  harness_take_in(&clerk, form, &t);
  expect_case_fee(&t, 60);
  char path[64];
  snprintf(path, sizeof(path), "/staff/cases/%lld/fee", t.id);
  assert_int_equal(harness_post(&clerk, path, "amount=150", NULL), 303);
  expect_case_fee(&t, 150);
}

/* An amount of 0 set on a case, or a waiver applied at the counter, is what the case owes: its
 * fee reads NT$0 (NT$0（免繳）when waived), not the service's fee text ("每張新臺幣20元…"). */
static void test_case_fee_of_zero_or_waived(void **state)
{
  char form[512], path[160];
  struct taken_case t;
  snprintf(form, sizeof(form),
           "service_id=%lld&applicant_name=%%E7%%8E%%8B%%E5%%B0%%8F%%E6%%98%%8E&"
           "applicant_phone=0912345678&notify=none&doc_0=x&fee_copies=2",
           service_id("謄本"));
  harness_take_in(&clerk, form, &t);
  snprintf(path, sizeof(path), "/staff/cases/%lld/fee", t.id);
  assert_int_equal(harness_post(&clerk, path, "amount=0", NULL), 303);
  expect_case_fee(&t, 0);
  snprintf(form, sizeof(form),
           "service_id=%lld&applicant_name=%%E7%%8E%%8B%%E5%%B0%%8F%%E6%%98%%8E&"
           "applicant_phone=0912345678&notify=none&doc_0=x&%s"
           "&fee_waiver=criminal_entrust&fee_waiver_reason=%%E5%%9C%%B0%%E6%%AA%%A2",
           service_id("鑑界"), SURVEY_ANSWERS);
  harness_take_in(&clerk, form, &t);
  expect_case_fee_text(&t, 0, "NT$0（免繳）");
  snprintf(path, sizeof(path), "/api/v1/offices/xinxing/cases/%s?check_code=%s&lang=en", t.key,
           t.check);
  json_t *v = expect_view(&server, NULL, path, 200);
  expect_text_at(v, "case.fee_text", "NT$0 (waived)");
  json_decref(v);
}

static void test_counter_preview_and_receipt(void **state)
{
  long status;
  char *body = NULL, path[96];
  long long survey = service_id("鑑界");
  /* the preview shows the working and takes nothing in */
  json_t *before = expect_view(&server, &clerk, "/staff/cases?scope=office", 200);
  long long cases = json_integer_value(json_object_get(before, "total"));
  json_decref(before);
  assert_int_equal(intake(survey, SURVEY_ANSWERS "&fee_preview=1", &status, &body), 0);
  assert_int_equal(status, 200);
  expect_contains(body, "id=\"fee-working\"");
  expect_contains(body, "NT$8,500");
  expect_contains(body, "value=\"680 150\""); /* the answers stay typed */
  free(body);
  json_t *after = expect_view(&server, &clerk, "/staff/cases?scope=office", 200);
  assert_int_equal(json_integer_value(json_object_get(after, "total")), cases);
  json_decref(after);
  /* a refused answer names its field and takes nothing in */
  assert_int_equal(intake(survey, "fee_area_m2=abc", &status, &body), 0);
  assert_int_equal(status, 400);
  expect_contains(body, "#fee_area_m2");
  expect_contains(body, "id=\"fee_area_m2-error\""); /* at the input too */
  free(body);
  /* taken in: the receipt carries the fee receipt with each line's basis */
  long long id = intake(survey, SURVEY_ANSWERS, &status, NULL);
  snprintf(path, sizeof(path), "/staff/cases/%lld/receipt", id);
  body = expect_page(&server, &clerk, path, 200);
  expect_contains(body, "id=\"fee-receipt\"");
  expect_contains(body, "NT$8,500");
  expect_contains(body, "附表一");
  free(body);
}

static void test_waiver_needs_a_reason(void **state)
{
  long status;
  char *body = NULL;
  long long survey = service_id("鑑界");
  assert_int_equal(intake(survey, SURVEY_ANSWERS "&fee_waiver=criminal_entrust", &status, &body),
                   0);
  assert_int_equal(status, 400);
  expect_contains(body, "#fee_waiver_reason");
  free(body);
  /* a waiver the schedule does not list */
  assert_int_equal(
      intake(survey, SURVEY_ANSWERS "&fee_waiver=exempt_s78&fee_waiver_reason=x", &status, &body),
      0);
  assert_int_equal(status, 400);
  expect_contains(body, "#fee_waiver");
  free(body);
  long long id = intake(survey,
                        SURVEY_ANSWERS "&fee_waiver=criminal_entrust&fee_waiver_reason="
                                       "%E5%9C%B0%E6%AA%A2%E7%BD%B2%E5%9B%91%E8%A8%97",
                        &status, NULL);
  assert_int_equal(status, 303);
  assert_int_equal(due_of(id), 0);
  json_t *audit = expect_view(&server, &admin, "/staff/admin/audit?action=payment.fee_waiver", 200);
  char *text = json_dumps(audit, JSON_COMPACT);
  expect_contains(text, "criminal_entrust");
  expect_contains(text, "地檢署囑託");
  free(text);
  json_decref(audit);
}

static char *export_text(void)
{
  struct response r;
  assert_int_equal(client_get(&admin, "/staff/admin/catalog/export", &r), 0);
  assert_int_equal(r.status, 200);
  char *text = strdup(r.body);
  response_free(&r);
  return text;
}

static long import(const char *json, struct response *r)
{
  const char *headers[] = {"Content-Type: multipart/form-data; boundary=" BOUNDARY, NULL};
  struct response page;
  assert_int_equal(client_get(&admin, "/staff/", &page), 0); /* a fresh CSRF token */
  response_free(&page);
  size_t len = strlen(json) + 512;
  char *body = malloc(len);
  int n = snprintf(body, len,
                   "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
                   "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"file\"; "
                   "filename=\"catalog.json\"\r\nContent-Type: application/json\r\n\r\n%s\r\n"
                   "--" BOUNDARY "--\r\n",
                   admin.csrf, json);
  assert_int_equal(
      client_call(&admin, "POST", "/staff/admin/catalog/import", headers, body, (size_t)n, r), 0);
  free(body);
  return r->status;
}

static void test_bad_schedule_import_changes_nothing(void **state)
{
  struct response r;
  char *before = export_text();
  expect_contains(before, "\"fee_schedule\""); /* exported with the catalogue */
  const char bad[] =
      "{\"format\": \"bianmin-catalog\", \"version\": 1, \"services\": ["
      "{\"slug\": \"transcript\", \"name_zh\": \"謄本\", \"time_limit_minutes\": 60, "
      "\"fee_schedule\": [{\"id\": \"copies\", \"kind\": \"per_unit\", \"label_zh\": \"謄本\", "
      "\"source\": \"收費標準\", \"effective\": \"2023-04-20\", \"of\": \"copies\", "
      "\"unit_price\": -5}]}]}";
  assert_int_equal(import(bad, &r), 400);
  expect_contains(r.body, "unit_price");
  response_free(&r);
  char *after = export_text();
  assert_string_equal(before, after);
  free(before);
  free(after);
  assert_int_equal(calculator_total("transcript", "fee_copies=3"), 60);
}

/* Percent-encodes text for a form body (malloc'd). */
static char *form_escape(const char *text)
{
  size_t n = strlen(text);
  char *out = malloc(n * 3 + 1), *p = out;
  for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
    if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9'))
      *p++ = (char)*c;
    else
      p += snprintf(p, 4, "%%%02X", *c);
  }
  *p = '\0';
  return out;
}

/* The admin's edit page of a service by slug (its path). */
static void service_path(const char *slug, char *out, size_t size)
{
  json_t *list = expect_view(&server, &admin, "/staff/admin/catalog/services", 200), *item;
  size_t i;
  out[0] = '\0';
  json_array_foreach(json_object_get(list, "items"), i,
                     item) if (strcmp(json_string_value(json_object_get(item, "slug")), slug) == 0)
      snprintf(out, size, "%s", json_string_value(json_object_get(item, "href")));
  json_decref(list);
  assert_true(out[0] != '\0');
}

static long save_schedule(const char *path, const char *schedule, char **body)
{
  struct response r;
  char *escaped = form_escape(schedule);
  size_t len = strlen(escaped) + 256;
  char *form = malloc(len);
  snprintf(form, len,
           "name_zh=%%E5%%9C%%B0%%E7%%B1%%8D%%E8%%AC%%84%%E6%%9C%%AC&time_limit_value=1&"
           "time_limit_unit=days&fee_schedule=%s",
           escaped);
  free(expect_page(&server, &admin, path, 200)); /* the CSRF token */
  assert_int_equal(client_post(&admin, path, form, &r), 0);
  long status = r.status;
  *body = strdup(r.body ? r.body : "");
  response_free(&r);
  free(form);
  free(escaped);
  return status;
}

/* Admins edit the schedule on the service's catalogue page; the calculator follows at once. */
static void test_admin_edits_the_schedule(void **state)
{
  char path[160], *body = NULL;
  service_path("land-value-query", path, sizeof(path));
  json_t *v = expect_view(&server, &admin, path, 200);
  char *text = json_dumps(v, JSON_COMPACT);
  expect_contains(text, "value_certificates"); /* the stored schedule in its textarea */
  free(text);
  json_decref(v);
  assert_int_equal(calculator_total("land-value-query", "fee_parcels=3"), 60);
  /* the preview with sample answers on the admin page */
  char preview[256];
  snprintf(preview, sizeof(preview), "%s?fee_sample=1&fee_parcels=4", path);
  body = expect_page(&server, &admin, preview, 200);
  expect_contains(body, "id=\"fee-preview-result\"");
  expect_contains(body, "NT$80");
  free(body);
  snprintf(preview, sizeof(preview), "%s?fee_sample=1&fee_parcels=x", path);
  body = expect_page(&server, &admin, preview, 200);
  expect_lacks(body, "id=\"fee-preview-result\"");
  expect_contains(body, "govuk-error-message\" role=\"alert\"");
  free(body);
  const char good[] = "[{\"id\": \"certificates\", \"kind\": \"per_unit\", \"label_zh\": "
                      "\"地價證明\", \"source\": \"收費標準\", \"effective\": \"2020-01-01\", "
                      "\"of\": \"parcels\", \"unit_price\": 25}]";
  assert_int_equal(save_schedule(path, good, &body), 303);
  free(body);
  assert_int_equal(calculator_total("land-value-query", "fee_parcels=3"), 75);
  /* a bad item is refused with its id and problem; the saved schedule stays */
  const char bad[] = "[{\"id\": \"certificates\", \"kind\": \"per_unit\", \"label_zh\": "
                     "\"地價證明\", \"source\": \"收費標準\", \"effective\": \"2020-01-01\", "
                     "\"of\": \"area_m2\", \"unit_price\": 25}]";
  assert_int_equal(save_schedule(path, bad, &body), 400);
  expect_contains(body, "fee item certificates");
  free(body);
  assert_int_equal(save_schedule(path, "[1,", &body), 400);
  expect_contains(body, "#fee_schedule");
  free(body);
  assert_int_equal(calculator_total("land-value-query", "fee_parcels=3"), 75);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_same_amount_everywhere),
      cmocka_unit_test(test_case_fee_is_what_it_owes),
      cmocka_unit_test(test_case_fee_of_zero_or_waived),
      cmocka_unit_test(test_counter_preview_and_receipt),
      cmocka_unit_test(test_waiver_needs_a_reason),
      cmocka_unit_test(test_bad_schedule_import_changes_nothing),
      cmocka_unit_test(test_admin_edits_the_schedule),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
