/*
 * survey_test.c - satisfaction surveys and quality records (issue 19) against a real server on
 * the fake clock: an analyst imports a survey definition (a bad one is refused with a message
 * naming the question), exports it unchanged; a citizen answers from the case's link (/s/<token>,
 * the receipt's), a second answer for the same case is refused kindly and nothing is stored;
 * conditional questions keep only the answers their condition shows; the tablet of a counter
 * without a closed case refuses; an open survey takes answers from anyone; the results give the
 * satisfied share and growth rate across waves, suppress cells under 5, and the CSV and ODS
 * exports carry the screen's numbers (the ODS converted by LibreOffice headless when installed);
 * quality records are recorded and scored by unit and month. Roles: clerks see none of it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

#define DEMO_PASSWORD "bianmin-demo-2026"
#define SERVICE_NAME  "買賣移轉登記"
/* 即時: taken in at the counter, it is issued (closed) at once */
#define TRANSCRIPT_NAME "地籍謄本核發"
#define RATE_ENV_LOGIN  "BIANMIN_RATE_LOGIN=100000"
#define RATE_ENV_LOOK   "BIANMIN_RATE_LOOKUP=100000"
#define RATE_ENV_PUB    "BIANMIN_RATE_PUBLIC=100000"
/* 2026-03-10 10:00 in Taipei, a Tuesday (wave 2026Q1). */
#define START ((time_t)1773108000)
/* 2026-04-14 10:00 in Taipei (wave 2026Q2). */
#define APRIL ((time_t)1776132000)
/* 2026-07-14 10:00 in Taipei: after the last wave closed. */
#define JULY ((time_t)1783994400)

static struct server server;

enum who { CLERK, HANDLER, SUPERVISOR, ANALYST, WHO_COUNT };
static const char *const usernames[WHO_COUNT] = {"xinxing-clerk", "xinxing-handler",
                                                 "xinxing-supervisor", "xinxing-analyst"};
static struct client clients[WHO_COUNT];
static long long service_id, transcript_id, survey_id;

static const char counter_survey[] =
    "{\"slug\": \"counter\", \"measure\": \"counter\", \"collect\": \"case\", \"title_zh\": "
    "\"臨櫃服務滿意度\", \"title_en\": \"Counter service\", \"waves\": [{\"code\": \"2026Q1\", "
    "\"name_zh\": \"2026 第1季\", \"name_en\": \"2026 Q1\", \"opens\": \"2026-01-01\", "
    "\"closes\": \"2026-03-31\"}, {\"code\": \"2026Q2\", \"name_zh\": \"2026 第2季\", "
    "\"name_en\": \"2026 Q2\", \"opens\": \"2026-04-01\", \"closes\": \"2026-06-30\"}], "
    "\"questions\": [{\"code\": \"overall\", \"kind\": \"scale5\", \"required\": true, "
    "\"text_zh\": \"整體滿意度\", \"text_en\": \"Overall\"}, {\"code\": \"why\", \"kind\": "
    "\"multi\", \"text_zh\": \"需改進\", \"text_en\": \"Improve\", \"options\": [{\"code\": "
    "\"wait\", \"zh\": \"等候\", \"en\": \"Waiting\"}, {\"code\": \"staff\", \"zh\": \"態度\", "
    "\"en\": \"Courtesy\"}], \"when\": {\"question\": \"overall\", \"in\": [\"1\", \"2\", "
    "\"3\"]}}, {\"code\": \"say\", \"kind\": \"text\", \"text_zh\": \"建議\", \"text_en\": "
    "\"Say\"}]}";

static const char open_survey[] =
    "{\"slug\": \"lunch\", \"measure\": \"lunch-hour\", \"collect\": \"open\", \"title_zh\": "
    "\"中午服務\", \"title_en\": \"Lunch-hour service\", \"questions\": [{\"code\": \"useful\", "
    "\"kind\": \"single\", \"required\": true, \"text_zh\": \"有幫助嗎\", \"text_en\": "
    "\"Useful?\", "
    "\"options\": [{\"code\": \"yes\", \"zh\": \"有\", \"en\": \"Yes\"}, {\"code\": \"no\", "
    "\"zh\": "
    "\"沒有\", \"en\": \"No\"}]}]}";

/* ---- helpers --------------------------------------------------------------------------- */

static json_t *view_ok(struct client *c, const char *path)
{
  long status;
  json_t *v = get_json_view(&server, c, path, &status);
  if (status != 200 || !v)
    fail_msg("GET %s: %ld", path, status);
  return v;
}

/* POSTs form plus the client's CSRF token (read from a page first): the status; *body the
 * answer when wanted. */
static long post(struct client *c, const char *path, const char *form, char **body)
{
  char buf[16384];
  snprintf(buf, sizeof(buf), "%s%scsrf=%s", form, *form ? "&" : "", c->csrf);
  const char *headers[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
  struct response r;
  assert_int_equal(client_call(c, "POST", path, headers, buf, strlen(buf), &r), 0);
  long status = r.status;
  if (body)
    *body = r.body ? strdup(r.body) : NULL;
  response_free(&r);
  return status;
}

static void get_page(struct client *c, const char *path, long expected)
{
  struct response r;
  assert_int_equal(client_get(c, path, &r), 0);
  if (r.status != expected)
    fail_msg("GET %s: %ld, expected %ld", path, r.status, expected);
  response_free(&r);
}

static long save_definition(const char *definition, char **body)
{
  char form[8192] = "";
  get_page(&clients[ANALYST], "/staff/surveys", 200);
  harness_field(form, sizeof(form), "definition", definition);
  return post(&clients[ANALYST], "/staff/surveys", form, body);
}

static long long intake_of(long long service)
{
  char form[2048] = "", value[32];
  snprintf(value, sizeof(value), "%lld", service);
  harness_field(form, sizeof(form), "service_id", value);
  harness_field(form, sizeof(form), "applicant_name", "王小明");
  harness_field(form, sizeof(form), "applicant_id", "A123456789");
  harness_field(form, sizeof(form), "applicant_phone", "0912-345-678");
  harness_field(form, sizeof(form), "notify", "sms");
  harness_field(form, sizeof(form), "channel", "counter");
  harness_field(form, sizeof(form), "lang", "zh-TW");
  harness_field(form, sizeof(form), "doc_0", "土地登記申請書");
  return harness_intake(&clients[CLERK], form, NULL, 0);
}

static long long intake(void)
{
  return intake_of(service_id);
}

/* The token of a case's link, read from its receipt (the QR's /p/<token>). */
static void case_token(long long id, char *out, size_t size)
{
  char path[96];
  snprintf(path, sizeof(path), "/staff/cases/%lld/receipt", id);
  json_t *v = view_ok(&clients[CLERK], path);
  const char *token = json_text_at(v, "token"), *survey = json_text_at(v, "survey_url");
  assert_non_null(token);
  snprintf(out, size, "%s", token);
  /* the receipt prints the survey's link while the office's case survey is open */
  char tail[160];
  snprintf(tail, sizeof(tail), "/s/%s", token);
  if (!survey || strlen(survey) < strlen(tail) ||
      strcmp(survey + strlen(survey) - strlen(tail), tail))
    fail_msg("receipt survey_url %s, expected one ending in %s", survey ? survey : "(none)", tail);
  json_decref(v);
}

/* A citizen answers the survey of a new case: the status of the answer. */
static long answer_case(const char *token, const char *form)
{
  struct client citizen;
  char path[160]; /* "/s/" and a token of up to 127 bytes */
  client_init(&citizen, &server);
  snprintf(path, sizeof(path), "/s/%s", token);
  get_page(&citizen, path, 200);
  long status = post(&citizen, path, form, NULL);
  client_free(&citizen);
  return status;
}

static long answer_new_case(const char *form)
{
  char token[128];
  case_token(intake(), token, sizeof(token));
  return answer_case(token, form);
}

static json_t *results(void)
{
  char path[96];
  snprintf(path, sizeof(path), "/staff/surveys/%lld/results", survey_id);
  return view_ok(&clients[ANALYST], path);
}

/* The table of results whose title starts with prefix. */
static json_t *table_of(json_t *view, const char *prefix)
{
  json_t *t;
  size_t i;
  json_array_foreach(json_object_get(view, "tables"), i, t)
  {
    const char *title = json_string_value(json_object_get(t, "title"));
    if (title && !strncmp(title, prefix, strlen(prefix)))
      return t;
  }
  fail_msg("no table %s", prefix);
  return NULL;
}

/* The text of a row's cell: row r (0 = first data row), column c. */
static const char *cell(json_t *table, size_t r, size_t c)
{
  json_t *row = json_array_get(json_object_get(table, "rows"), r);
  return json_string_value(json_object_get(json_array_get(row, c), "text"));
}

static bool withheld(const char *text)
{
  return text && (!strcmp(text, "<5") || !strcmp(text, "×"));
}

/* A cross-tab (a row per group: values 1..5 in columns 1..5, their total n in column 6) with
 * the focus question's table (values 1..5 in rows 0..4, answered in row 5) as its column
 * totals: no row and no column holds exactly one withheld count, which its total would give
 * away (complementary suppression). Returns how many counts are withheld. */
static size_t expect_cross_safe(json_t *table, json_t *focus)
{
  size_t rows = json_array_size(json_object_get(table, "rows")), total = 0;
  for (size_t r = 0; r < rows; r++) {
    size_t n = 0;
    for (size_t c = 1; c <= 6; c++)
      n += withheld(cell(table, r, c));
    if (n == 1)
      fail_msg("%s: row %zu has one withheld count", json_text_at(table, "title"), r);
    total += n;
  }
  for (size_t c = 1; c <= 6; c++) {
    size_t n = withheld(cell(focus, c - 1, 1));
    for (size_t r = 0; r < rows; r++)
      n += withheld(cell(table, r, c));
    if (n == 1)
      fail_msg("%s: column %zu has one withheld count", json_text_at(table, "title"), c);
  }
  return total;
}

static void sign_in(enum who w)
{
  if (clients[w].curl)
    client_free(&clients[w]);
  client_init(&clients[w], &server);
  assert_int_equal(client_login(&clients[w], usernames[w], DEMO_PASSWORD), 303);
  get_page(&clients[w], "/staff/", 200);
}

static void learn_service(void)
{
  json_t *v = view_ok(&clients[CLERK], "/staff/intake"), *o;
  size_t i;
  json_array_foreach(json_object_get(v, "services"), i, o)
  {
    const char *name = json_string_value(json_object_get(o, "name"));
    if (!strcmp(name, SERVICE_NAME))
      service_id = (long long)json_integer_value(json_object_get(o, "id"));
    if (!strcmp(name, TRANSCRIPT_NAME))
      transcript_id = (long long)json_integer_value(json_object_get(o, "id"));
  }
  json_decref(v);
  assert_true(service_id > 0 && transcript_id > 0);
}

static int setup(void **state)
{
  (void)state;
  const char *env[] = {RATE_ENV_LOGIN, RATE_ENV_LOOK, RATE_ENV_PUB, NULL};
  if (harness_clock_start(START) || server_start(&server, env))
    return -1;
  for (int w = 0; w < WHO_COUNT; w++)
    sign_in((enum who)w);
  learn_service();
  return 0;
}

static int teardown(void **state)
{
  (void)state;
  for (int w = 0; w < WHO_COUNT; w++)
    client_free(&clients[w]);
  /* a sanitizer's finding in the server (dev preset) makes its exit status non-zero */
  return server_stop(&server) == 0 ? 0 : -1;
}

/* ---- tests ----------------------------------------------------------------------------- */

static void test_build_import_export(void **state)
{
  (void)state;
  char *body = NULL;
  /* a condition naming a later question is refused, naming the question */
  const char *bad =
      "{\"slug\": \"bad\", \"collect\": \"case\", \"title_zh\": \"壞\", "
      "\"questions\": [{\"code\": \"a\", \"kind\": \"text\", \"text_zh\": \"甲\", "
      "\"when\": {\"question\": \"b\", \"in\": [\"1\"]}}, {\"code\": \"b\", \"kind\": "
      "\"scale5\", \"text_zh\": \"乙\"}]}";
  assert_int_equal(save_definition(bad, &body), 400);
  expect_contains(body, "（a）");
  free(body);
  assert_int_equal(save_definition("{not json", NULL), 400);
  json_t *list = view_ok(&clients[ANALYST], "/staff/surveys");
  /* only the demo's lunch-hour survey: nothing of the refused definitions was stored */
  assert_int_equal(json_array_size(json_object_get(list, "surveys")), 1);
  expect_text_at(list, "surveys.0.slug", "lunch-hour");
  json_decref(list);

  assert_int_equal(save_definition(counter_survey, NULL), 303);
  assert_int_equal(save_definition(open_survey, NULL), 303);
  list = view_ok(&clients[ANALYST], "/staff/surveys");
  json_t *s;
  size_t i;
  json_array_foreach(json_object_get(list, "surveys"), i, s)
  {
    if (!strcmp(json_string_value(json_object_get(s, "slug")), "counter"))
      survey_id = (long long)json_integer_value(json_object_get(s, "id"));
  }
  json_decref(list);
  assert_true(survey_id > 0);

  /* the export is the definition: importing it again changes nothing but the time */
  char path[96];
  struct response r;
  snprintf(path, sizeof(path), "/staff/surveys/%lld/export", survey_id);
  assert_int_equal(client_get(&clients[ANALYST], path, &r), 0);
  assert_int_equal(r.status, 200);
  json_t *exported = json_loads(r.body, 0, NULL), *original = json_loads(counter_survey, 0, NULL);
  assert_true(json_equal(exported, original));
  assert_int_equal(save_definition(r.body, NULL), 303);
  response_free(&r);
  json_decref(exported);
  json_decref(original);

  /* clerks and handlers may not build; supervisors may (the form builder is theirs too) */
  get_page(&clients[CLERK], "/staff/surveys", 403);
  get_page(&clients[HANDLER], "/staff/surveys", 403);
  get_page(&clients[SUPERVISOR], "/staff/surveys", 200);
}

static void test_answer_from_case_once(void **state)
{
  (void)state;
  char token[128], path[160];
  long status;
  case_token(intake(), token, sizeof(token));
  snprintf(path, sizeof(path), "/s/%s", token);
  json_t *v = get_json_view(&server, NULL, path, &status);
  assert_non_null(v);
  assert_true(json_is_true(json_object_get(v, "open_form")));
  assert_int_equal(json_array_size(json_object_get(v, "questions")), 3);
  /* the conditional question says when to answer it, in words */
  expect_contains(json_text_at(v, "questions.1.when"),
                  "「1 非常不滿意」、「2 不滿意」、「3 普通」");
  json_decref(v);

  /* a second tab, opened before the first answer */
  struct client other;
  client_init(&other, &server);
  get_page(&other, path, 200);
  /* the required question missing: 400, nothing stored */
  assert_int_equal(answer_case(token, "say=hello"), 400);
  /* a free-text answer too long is said to be too long, not "choose again" */
  char long_form[8192], *refused = NULL;
  int n = snprintf(long_form, sizeof(long_form), "overall=5&say=");
  memset(long_form + n, 'x', 2100);
  long_form[n + 2100] = '\0';
  assert_int_equal(post(&other, path, long_form, &refused), 400);
  expect_contains(refused, "回答太長了");
  expect_lacks(refused, "請重新選擇");
  free(refused);
  /* a hidden conditional question's answer is dropped (overall 5 does not show "why") */
  assert_int_equal(answer_case(token, "overall=5&why=wait&say=%E5%BE%88%E5%A5%BD%20quick"), 303);
  /* the second answer for the same case is refused kindly */
  char *body = NULL;
  assert_int_equal(post(&other, path, "overall=1", &body), 409);
  client_free(&other);
  expect_contains(body, "已經填答過");
  free(body);
  v = get_json_view(&server, NULL, path, &status);
  assert_true(json_is_true(json_object_get(v, "answered")));
  assert_false(json_is_true(json_object_get(v, "open_form")));
  json_decref(v);

  json_t *res = results();
  assert_int_equal(json_integer_value(json_object_get(res, "answers")), 1);
  json_t *why = table_of(res, "Q2.");
  /* nobody was asked "why": both options 0 */
  assert_string_equal(cell(why, 0, 1), "0");
  assert_string_equal(cell(why, 1, 1), "0");
  json_decref(res);

  /* the receipt's survey QR code: an SVG of the link, never cached */
  struct response qr;
  snprintf(path, sizeof(path), "/s/%s/qr.svg", token);
  assert_int_equal(http_get(&server, path, &qr), 0);
  assert_int_equal(qr.status, 200);
  expect_contains(qr.body, "<svg");
  char *cache = response_header(&qr, "Cache-Control");
  assert_non_null(cache);
  expect_contains(cache, "no-store");
  free(cache);
  response_free(&qr);
  /* an unknown token: 404 */
  get_page(&clients[CLERK], "/s/not-a-token", 404);
}

static void test_tablet_and_open_survey(void **state)
{
  (void)state;
  /* counter 9 never closed a case: nothing to rate */
  struct client kiosk;
  long status;
  client_init(&kiosk, &server);
  json_t *v = get_json_view(&server, NULL, "/o/xinxing/survey/tablet?counter=9", &status);
  assert_true(json_is_true(json_object_get(v, "no_case")));
  json_decref(v);
  get_page(&kiosk, "/o/xinxing/survey/lunch", 200); /* its form gives the CSRF token */
  get_page(&kiosk, "/o/xinxing/survey/tablet?counter=9", 200);
  assert_int_equal(post(&kiosk, "/o/xinxing/survey/tablet", "counter=9&overall=5", NULL), 409);
  assert_int_equal(post(&kiosk, "/o/xinxing/survey/tablet", "overall=5", NULL), 400);
  /* the open survey takes any number of answers; a bad option is refused */
  get_page(&kiosk, "/o/xinxing/survey/lunch", 200);
  assert_int_equal(post(&kiosk, "/o/xinxing/survey/lunch", "useful=maybe", NULL), 400);
  for (int i = 0; i < 3; i++)
    assert_int_equal(post(&kiosk, "/o/xinxing/survey/lunch", "useful=yes", NULL), 303);
  /* a case survey is not open to all */
  get_page(&kiosk, "/o/xinxing/survey/counter", 404);
  /* the demo's open survey: its conditional question follows the choice */
  get_page(&kiosk, "/o/xinxing/survey/lunch-hour", 200);
  assert_int_equal(post(&kiosk, "/o/xinxing/survey/lunch-hour", "used=yes&overall=4", NULL), 303);
  client_free(&kiosk);
}

/* A refused answer is tied to its question: the message at the question with an id that
 * describes its fieldset or text box, the error summary naming the question's number and
 * linking to its first input, and what was typed kept. */
static void test_refusal_at_its_question(void **state)
{
  (void)state;
  struct client c;
  char *body = NULL;
  client_init(&c, &server);
  get_page(&c, "/o/xinxing/survey/lunch-hour", 200);
  assert_int_equal(post(&c, "/o/xinxing/survey/lunch-hour", "say=%E5%BE%88%E5%A5%BD", &body), 400);
  expect_contains(body, "<a href=\"#used\">第 1 題：請回答這一題。</a>");
  expect_contains(body, "id=\"used-error\"");
  expect_contains(body, "<fieldset class=\"govuk-fieldset\" aria-describedby=\"used-error\">");
  expect_contains(body, ">很好</textarea>");
  free(body);
  /* a text too long: the text box is marked and described by its message */
  static char form[4200];
  int n = snprintf(form, sizeof(form), "used=no&say=");
  memset(form + n, 'a', 4100);
  form[n + 4100] = '\0';
  assert_int_equal(post(&c, "/o/xinxing/survey/lunch-hour?lang=en", form, &body), 400);
  expect_contains(body, "<a href=\"#say\">Question 3: ");
  expect_contains(body, "class=\"govuk-textarea govuk-textarea--error\" id=\"say\" name=\"say\" "
                        "rows=\"4\" aria-describedby=\"say-error\"");
  free(body);
  client_free(&c);
}

/* Lines of a CSV (the exporter's: no quoted line breaks in these tables). */
static bool csv_has_row(const char *csv, json_t *table, size_t r)
{
  char line[1024] = "";
  size_t n = 0;
  json_t *row = json_array_get(json_object_get(table, "rows"), r), *c;
  size_t i;
  json_array_foreach(row, i, c)
  {
    const char *text = json_string_value(json_object_get(c, "text"));
    bool quote = strpbrk(text, ",\"") != NULL;
    n += (size_t)snprintf(line + n, sizeof(line) - n, "%s%s%s%s", i ? "," : "", quote ? "\"" : "",
                          text, quote ? "\"" : "");
  }
  snprintf(line + n, sizeof(line) - n, "\r\n");
  return strstr(csv, line) != NULL;
}

static void expect_csv_matches(const char *what, const char *csv, json_t *view)
{
  json_t *t;
  size_t i;
  json_array_foreach(json_object_get(view, "tables"), i, t)
  {
    for (size_t r = 0; r < json_array_size(json_object_get(t, "rows")); r++)
      if (!csv_has_row(csv, t, r))
        fail_msg("%s lacks row %zu of %s:\n%.3000s", what, r,
                 json_string_value(json_object_get(t, "title")), csv);
  }
}

static char *download(const char *suffix, size_t *len)
{
  char path[96];
  struct response r;
  snprintf(path, sizeof(path), "/staff/surveys/%lld/results.%s", survey_id, suffix);
  assert_int_equal(client_get(&clients[ANALYST], path, &r), 0);
  assert_int_equal(r.status, 200);
  char *body = malloc(r.len + 1);
  memcpy(body, r.body, r.len);
  body[r.len] = '\0';
  *len = r.len;
  response_free(&r);
  return body;
}

/* Runs soffice headless in dir: converts file to format; true when it produced out. */
static bool soffice_convert(const char *dir, const char *file, const char *format, const char *out)
{
  char cmd[1024];
  snprintf(cmd, sizeof(cmd),
           "cd %s && HOME=%s soffice --headless --convert-to %s --outdir %s %s >/dev/null 2>&1",
           dir, dir, format, dir, file);
  int rc = system(cmd);
  struct stat st;
  return rc == 0 && stat(out, &st) == 0 && st.st_size > 0;
}

/* A spreadsheet export (ods or xlsx) opened by LibreOffice headless: it converts to PDF, and
 * its CSV reading holds every row of the screen's tables. */
static void check_spreadsheet(json_t *view, const char *format)
{
  size_t len;
  char *file = download(format, &len);
  assert_true(len > 4 && !memcmp(file, "PK", 2));
  if (!strcmp(format, "ods"))
    expect_contains(file + 30, "application/vnd.oasis.opendocument.spreadsheet");
  if (system("command -v soffice >/dev/null 2>&1") != 0) {
    print_message("SKIP %s in LibreOffice: soffice is not installed "
                  "(apt-get install libreoffice-calc-nogui)\n",
                  format);
    free(file);
    return;
  }
  char dir[] = "/tmp/survey-sheet-XXXXXX", path[256], out[256], name[32], what[64];
  assert_non_null(mkdtemp(dir));
  snprintf(name, sizeof(name), "results.%s", format);
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  fwrite(file, 1, len, f);
  fclose(f);
  free(file);
  snprintf(out, sizeof(out), "%s/results.pdf", dir);
  assert_true(soffice_convert(dir, name, "pdf", out));
  /* the sheet as CSV (UTF-8, comma): every row of the screen's tables is in it */
  snprintf(out, sizeof(out), "%s/results.csv", dir);
  assert_true(soffice_convert(dir, name, "csv:\"Text - txt - csv (StarCalc)\":44,34,76", out));
  f = fopen(out, "rb");
  char *csv = calloc(1, 1 << 20);
  size_t n = fread(csv, 1, (1 << 20) - 1, f);
  fclose(f);
  csv[n] = '\0';
  /* LibreOffice ends lines with \n and pads every row to the sheet's width with empty cells:
   * end lines with \r\n like ours, without the padding */
  char *crlf = calloc(1, 2 << 20);
  for (size_t i = 0, j = 0; i < n; i++) {
    if (csv[i] == '\r')
      continue;
    if (csv[i] == '\n') {
      while (j > 0 && crlf[j - 1] == ',')
        j--;
      crlf[j++] = '\r';
    }
    crlf[j++] = csv[i];
  }
  snprintf(what, sizeof(what), "LibreOffice's CSV of the %s", format);
  expect_csv_matches(what, crlf, view);
  free(csv);
  free(crlf);
  snprintf(path, sizeof(path), "rm -rf %s", dir);
  assert_int_equal(system(path), 0);
}

static void test_results_and_exports(void **state)
{
  (void)state;
  /* wave 2026Q1 so far: one answer (5); add 4 and 2 and 5 and 3: 5 answers, satisfied 3 */
  const char *q1[] = {"overall=4", "overall=2&why=wait", "overall=5",
                      "overall=3&why=wait&why=staff"};
  for (size_t i = 0; i < sizeof(q1) / sizeof(q1[0]); i++)
    assert_int_equal(answer_new_case(q1[i]), 303);
  /* wave 2026Q2: 5 answers, 4 satisfied */
  harness_clock_set(APRIL);
  for (int w = 0; w < WHO_COUNT; w++) /* a month later every session has ended */
    sign_in((enum who)w);
  const char *q2[] = {"overall=5", "overall=5", "overall=4", "overall=4", "overall=1&why=staff"};
  for (size_t i = 0; i < sizeof(q2) / sizeof(q2[0]); i++)
    assert_int_equal(answer_new_case(q2[i]), 303);

  json_t *v = results();
  assert_int_equal(json_integer_value(json_object_get(v, "answers")), 10);
  json_t *overall = table_of(v, "Q1.");
  /* values 1..5: 1, 1, 1, 3, 4 -> suppressed; answered 10; satisfied 7/10 */
  for (size_t r = 0; r < 5; r++)
    assert_string_equal(cell(overall, r, 1), "<5");
  assert_string_equal(cell(overall, 5, 1), "10");
  assert_string_equal(cell(overall, 6, 1), "70.0%");
  json_t *waves = table_of(v, "各期趨勢");
  assert_string_equal(cell(waves, 0, 1), "5");
  assert_string_equal(cell(waves, 0, 2), "60.0%");
  assert_string_equal(cell(waves, 0, 3), "–");
  assert_string_equal(cell(waves, 1, 2), "80.0%");
  /* (80 - 60) / 60 = +33.3 % */
  assert_string_equal(cell(waves, 1, 3), "+33.3%");
  json_t *months = table_of(v, "各月趨勢");
  /* months as zh-TW writes them, in the page and its downloads */
  assert_string_equal(cell(months, 0, 0), "115年3月");
  assert_string_equal(cell(months, 1, 0), "115年4月");
  json_t *channel = table_of(v, "依填答管道");
  assert_string_equal(cell(channel, 0, 0), "案件連結");
  assert_string_equal(cell(channel, 0, 6), "10");
  /* the chart is an image with a title, beside its table */
  char path[128];
  snprintf(path, sizeof(path), "/staff/surveys/%lld/results", survey_id);
  char *html = expect_page(&server, &clients[ANALYST], path, 200);
  expect_contains(html, "role=\"img\"");
  expect_contains(html, "<title id=\"table-1-chart\">");
  expect_contains(html, "<table class=\"govuk-table\">");
  expect_lacks(html, "王小明");
  expect_contains(html, "</strong>。"); /* a Chinese full stop after the total, not ". " */
  expect_lacks(html, "</strong>. ");
  free(html);
  /* free text is searchable */
  snprintf(path, sizeof(path), "/staff/surveys/%lld/results?q=QUICK", survey_id);
  json_t *found = view_ok(&clients[SUPERVISOR], path);
  assert_int_equal(json_array_size(json_object_get(found, "texts")), 1);
  json_decref(found);
  get_page(&clients[CLERK], path, 403);

  size_t len;
  char *csv = download("csv", &len);
  assert_true(len > 3 && !memcmp(csv, "\xef\xbb\xbf", 3));
  expect_csv_matches("the CSV", csv, v);
  expect_lacks(csv, "王小明");
  expect_lacks(csv, "A123456789");
  free(csv);
  check_spreadsheet(v, "ods");
  check_spreadsheet(v, "xlsx");
  json_decref(v);
}

/* The tablet at a counter rates the last case closed there, once. */
static void test_tablet_rates_the_counter_s_last_case(void **state)
{
  (void)state;
  char path[160], form[128];
  long status;
  long long id = intake_of(transcript_id);
  snprintf(path, sizeof(path), "/staff/cases/%lld", id);
  json_t *c = view_ok(&clients[SUPERVISOR], path);
  const char *counter = json_text_at(c, "case.counter");
  assert_non_null(counter);
  assert_true(*counter != '\0');
  assert_string_equal(json_text_at(c, "case.status"), "closed");
  char encoded[96] = "";
  harness_field(encoded, sizeof(encoded), "counter", counter);
  snprintf(path, sizeof(path), "/o/xinxing/survey/tablet?%s", encoded);
  json_decref(c);
  json_t *v = get_json_view(&server, NULL, path, &status);
  assert_int_equal(status, 200);
  assert_true(json_is_true(json_object_get(v, "open_form")));
  expect_text_at(v, "tablet_question.code", "overall");
  json_decref(v);

  struct client kiosk;
  client_init(&kiosk, &server);
  get_page(&kiosk, path, 200);
  snprintf(form, sizeof(form), "%s&overall=4", encoded);
  assert_int_equal(post(&kiosk, "/o/xinxing/survey/tablet", form, NULL), 303);
  /* the same visit cannot be rated twice; the page waits for the next closed case */
  assert_int_equal(post(&kiosk, "/o/xinxing/survey/tablet", form, NULL), 409);
  client_free(&kiosk);
  v = get_json_view(&server, NULL, path, &status);
  assert_true(json_is_true(json_object_get(v, "answered")));
  assert_false(json_is_true(json_object_get(v, "open_form")));
  json_decref(v);
  json_t *res = results();
  json_t *channel = table_of(res, "依填答管道");
  bool tablet = false;
  for (size_t r = 0; r < json_array_size(json_object_get(channel, "rows")); r++) {
    if (!strcmp(cell(channel, r, 0), "櫃檯評分板"))
      tablet = !strcmp(cell(channel, r, 6), "<5");
    /* the case link's answers (10 and more) are withheld beside the tablet's one, or the
     * total would give the tablet's away */
    if (!strcmp(cell(channel, r, 0), "案件連結"))
      assert_string_equal(cell(channel, r, 6), "×");
  }
  assert_true(tablet);
  json_t *focus = table_of(res, "Q1.");
  expect_cross_safe(channel, focus);
  expect_cross_safe(table_of(res, "依服務項目"), focus);
  expect_cross_safe(table_of(res, "依課室"), focus);
  expect_cross_safe(table_of(res, "依櫃檯"), focus);
  json_decref(res);
}

static void test_quality_records(void **state)
{
  (void)state;
  char form[2048] = "";
  struct client *a = &clients[ANALYST];
  get_page(a, "/staff/quality", 200);
  harness_field(form, sizeof(form), "kind", "phone");
  harness_field(form, sizeof(form), "held_on", "2026-04-10");
  harness_field(form, sizeof(form), "items", "問候語: 4/5\n說明清楚：3/5");
  assert_int_equal(post(a, "/staff/quality", form, NULL), 303);
  form[0] = '\0';
  harness_field(form, sizeof(form), "kind", "phone");
  harness_field(form, sizeof(form), "held_on", "2026-04-13");
  harness_field(form, sizeof(form), "items", "問候語: 5/5\n說明清楚: 5/5");
  assert_int_equal(post(a, "/staff/quality", form, NULL), 303);
  form[0] = '\0';
  harness_field(form, sizeof(form), "kind", "training");
  harness_field(form, sizeof(form), "held_on", "2026-04-11");
  harness_field(form, sizeof(form), "topic", "地籍測量新制");
  harness_field(form, sizeof(form), "attendees", "12");
  harness_field(form, sizeof(form), "hours", "1.5");
  assert_int_equal(post(a, "/staff/quality", form, NULL), 303);
  /* refused: a score above its maximum, a training without attendees */
  form[0] = '\0';
  harness_field(form, sizeof(form), "kind", "counter");
  harness_field(form, sizeof(form), "held_on", "2026-04-10");
  harness_field(form, sizeof(form), "items", "微笑: 6/5");
  assert_int_equal(post(a, "/staff/quality", form, NULL), 400);
  form[0] = '\0';
  harness_field(form, sizeof(form), "kind", "training");
  harness_field(form, sizeof(form), "held_on", "2026-04-10");
  harness_field(form, sizeof(form), "topic", "x");
  assert_int_equal(post(a, "/staff/quality", form, NULL), 400);

  json_t *v = view_ok(&clients[SUPERVISOR], "/staff/quality");
  assert_int_equal(json_array_size(json_object_get(v, "records")), 3);
  json_t *scores = json_object_get(v, "scores");
  assert_int_equal(json_array_size(scores), 1);
  /* (7/10 + 10/10) / 2 = 85.0 */
  expect_text_at(v, "scores.0.mean", "85.0");
  expect_text_at(v, "scores.0.month", "2026-04");
  expect_text_at(v, "scores.0.month_label", "115年4月"); /* what the page shows */
  json_t *rec;
  size_t i;
  json_array_foreach(json_object_get(v, "records"), i, rec)
  {
    /* each record's date shown as zh-TW writes it: 2026-04-1x as 115年4月1x日 */
    const char *on = json_string_value(json_object_get(rec, "held_on"));
    char label[32];
    assert_non_null(on);
    snprintf(label, sizeof(label), "115年4月%ld日", strtol(on + 8, NULL, 10));
    assert_string_equal(json_string_value(json_object_get(rec, "held_on_label")), label);
  }
  json_decref(v);
  get_page(&clients[CLERK], "/staff/quality", 403);
}

/* After the last wave: the receipt prints no survey link, the case's survey page says it is
 * closed, and an answer is refused without being stored. */
static void test_closed_after_the_last_wave(void **state)
{
  (void)state;
  char path[160];
  long status;
  harness_clock_set(JULY);
  for (int w = 0; w < WHO_COUNT; w++)
    sign_in((enum who)w);
  long long id = intake();
  snprintf(path, sizeof(path), "/staff/cases/%lld/receipt", id);
  json_t *receipt = view_ok(&clients[CLERK], path);
  json_t *link = json_object_get(receipt, "survey_url");
  assert_true(!link || json_is_null(link));
  snprintf(path, sizeof(path), "/s/%s", json_text_at(receipt, "token"));
  json_decref(receipt);
  json_t *v = get_json_view(&server, NULL, path, &status);
  assert_int_equal(status, 200);
  assert_true(json_is_true(json_object_get(v, "closed")));
  assert_false(json_is_true(json_object_get(v, "open_form")));
  json_decref(v);
  json_t *before = results();
  json_int_t answers = json_integer_value(json_object_get(before, "answers"));
  json_decref(before);
  struct client citizen;
  client_init(&citizen, &server);
  get_page(&citizen, "/o/xinxing/survey/lunch", 200); /* a page with a form: the CSRF token */
  assert_int_equal(post(&citizen, path, "overall=5", NULL), 409);
  client_free(&citizen);
  json_t *after = results();
  assert_int_equal(json_integer_value(json_object_get(after, "answers")), answers);
  json_decref(after);
}

/* ---- the form builder ----------------------------------------------------------------------- */

static long long builder_id;

/* The survey's definition as exported (a new reference). */
static json_t *exported(long long id)
{
  char path[96];
  struct response r;
  snprintf(path, sizeof(path), "/staff/surveys/%lld/export", id);
  assert_int_equal(client_get(&clients[SUPERVISOR], path, &r), 0);
  assert_int_equal(r.status, 200);
  json_t *def = json_loads(r.body, 0, NULL);
  response_free(&r);
  assert_non_null(def);
  return def;
}

/* POSTs one builder form (the version read from the page first, unless form has one): the
 * status; *body the answer when wanted. */
static long build(const char *form, char **body)
{
  char path[96], full[8192];
  snprintf(path, sizeof(path), "/staff/surveys/%lld/build", builder_id);
  json_t *v = view_ok(&clients[SUPERVISOR], path);
  if (strstr(form, "version="))
    snprintf(full, sizeof(full), "%s", form);
  else
    snprintf(full, sizeof(full), "%s&version=%lld", form,
             (long long)json_integer_value(json_object_get(v, "version")));
  json_decref(v);
  return post(&clients[SUPERVISOR], path, full, body);
}

static const char *question_code(json_t *def, size_t i)
{
  return json_string_value(
      json_object_get(json_array_get(json_object_get(def, "questions"), i), "code"));
}

/* A new survey from the short form: a bad code and a taken one are refused and nothing is
 * stored; a good one starts with one five-point question. */
static void builder_create(void)
{
  struct client *c = &clients[SUPERVISOR];
  char form[1024] = "", *body = NULL;
  get_page(c, "/staff/surveys", 200);
  json_t *list = view_ok(c, "/staff/surveys");
  size_t before = json_array_size(json_object_get(list, "surveys"));
  json_decref(list);
  harness_field(form, sizeof(form), "slug", "Lobby Survey");
  harness_field(form, sizeof(form), "title_zh", "大廳服務");
  harness_field(form, sizeof(form), "title_en", "Lobby service");
  harness_field(form, sizeof(form), "measure", "lobby");
  harness_field(form, sizeof(form), "collect", "open");
  assert_int_equal(post(c, "/staff/surveys/new", form, &body), 400);
  expect_contains(body, "問卷代碼（slug）只能使用");
  free(body);
  form[0] = '\0';
  harness_field(form, sizeof(form), "slug", "lobby");
  harness_field(form, sizeof(form), "title_zh", "大廳服務");
  harness_field(form, sizeof(form), "title_en", "Lobby service");
  harness_field(form, sizeof(form), "measure", "lobby");
  harness_field(form, sizeof(form), "collect", "open");
  assert_int_equal(post(c, "/staff/surveys/new", form, NULL), 303);
  assert_int_equal(post(c, "/staff/surveys/new", form, &body), 400);
  expect_contains(body, "此問卷代碼已被使用");
  free(body);
  list = view_ok(c, "/staff/surveys");
  json_t *s;
  size_t i;
  assert_int_equal(json_array_size(json_object_get(list, "surveys")), before + 1);
  json_array_foreach(json_object_get(list, "surveys"), i, s)
  {
    if (!strcmp(json_string_value(json_object_get(s, "slug")), "lobby"))
      builder_id = (long long)json_integer_value(json_object_get(s, "id"));
  }
  json_decref(list);
  assert_true(builder_id > 0);
  json_t *def = exported(builder_id);
  assert_int_equal(json_array_size(json_object_get(def, "questions")), 1);
  assert_string_equal(question_code(def, 0), "overall");
  json_decref(def);
}

/* Questions added (codes made up when left empty), edited (a rename follows into the
 * conditions) and their options read from lines. */
static void builder_add_and_edit(void)
{
  char form[2048] = "";
  harness_field(form, sizeof(form), "action", "question");
  harness_field(form, sizeof(form), "kind", "single");
  harness_field(form, sizeof(form), "text_zh", "您從哪裡得知本所？");
  harness_field(form, sizeof(form), "text_en", "How did you hear of us?");
  harness_field(form, sizeof(form), "required", "1");
  harness_field(form, sizeof(form), "options", "web | 網站 | Website\n\n朋友 | A friend\n");
  assert_int_equal(build(form, NULL), 303);
  form[0] = '\0';
  harness_field(form, sizeof(form), "action", "question");
  harness_field(form, sizeof(form), "kind", "text");
  harness_field(form, sizeof(form), "text_zh", "哪裡不滿意？");
  harness_field(form, sizeof(form), "text_en", "What went wrong?");
  harness_field(form, sizeof(form), "when_question", "overall");
  harness_field(form, sizeof(form), "when_values", "1, 2");
  assert_int_equal(build(form, NULL), 303);
  json_t *def = exported(builder_id);
  assert_string_equal(question_code(def, 1), "q1");
  assert_string_equal(question_code(def, 2), "q2");
  expect_text_at(def, "questions.1.options.0.code", "web");
  expect_text_at(def, "questions.1.options.1.code", "o2");
  expect_text_at(def, "questions.1.options.1.en", "A friend");
  assert_true(json_is_true(
      json_object_get(json_array_get(json_object_get(def, "questions"), 1), "required")));
  expect_text_at(def, "questions.2.when.question", "overall");
  expect_text_at(def, "questions.2.when.in.1", "2");
  json_decref(def);
  /* overall renamed total: the condition of q2 follows; q1 becomes a multiple choice */
  form[0] = '\0';
  harness_field(form, sizeof(form), "action", "question");
  harness_field(form, sizeof(form), "target", "overall");
  harness_field(form, sizeof(form), "code", "total");
  harness_field(form, sizeof(form), "kind", "scale5");
  harness_field(form, sizeof(form), "text_zh", "整體滿意度");
  harness_field(form, sizeof(form), "text_en", "Overall");
  assert_int_equal(build(form, NULL), 303);
  form[0] = '\0';
  harness_field(form, sizeof(form), "action", "question");
  harness_field(form, sizeof(form), "target", "q1");
  harness_field(form, sizeof(form), "code", "heard");
  harness_field(form, sizeof(form), "kind", "multi");
  harness_field(form, sizeof(form), "text_zh", "您從哪裡得知本所？");
  harness_field(form, sizeof(form), "text_en", "How did you hear of us?");
  harness_field(form, sizeof(form), "options", "web | 網站 | Website\nfriend | 朋友 | A friend");
  assert_int_equal(build(form, NULL), 303);
  def = exported(builder_id);
  assert_string_equal(question_code(def, 0), "total");
  assert_string_equal(question_code(def, 1), "heard");
  expect_text_at(def, "questions.1.kind", "multi");
  expect_text_at(def, "questions.2.when.question", "total");
  json_decref(def);
}

/* A refused change names its fault as the JSON editor does, and changes nothing. */
static void expect_refused(const char *form, long status, const char *names)
{
  char *body = NULL;
  json_t *before = exported(builder_id);
  assert_int_equal(build(form, &body), status);
  if (names)
    expect_contains(body, names);
  free(body);
  json_t *after = exported(builder_id);
  assert_true(json_equal(before, after));
  json_decref(before);
  json_decref(after);
}

static void builder_bad_input(void)
{
  char form[2048] = "";
  harness_field(form, sizeof(form), "action", "question");
  harness_field(form, sizeof(form), "code", "bad");
  harness_field(form, sizeof(form), "kind", "bogus");
  harness_field(form, sizeof(form), "text_zh", "甲");
  expect_refused(form, 400, "題目有誤：需有代碼、種類");
  form[0] = '\0';
  harness_field(form, sizeof(form), "action", "question");
  harness_field(form, sizeof(form), "code", "one");
  harness_field(form, sizeof(form), "kind", "single");
  harness_field(form, sizeof(form), "text_zh", "只有一個選項");
  harness_field(form, sizeof(form), "options", "a | 甲 | A");
  expect_refused(form, 400, "（one）");
  /* a code another question has */
  form[0] = '\0';
  harness_field(form, sizeof(form), "action", "question");
  harness_field(form, sizeof(form), "code", "heard");
  harness_field(form, sizeof(form), "kind", "text");
  harness_field(form, sizeof(form), "text_zh", "重複代碼");
  expect_refused(form, 400, "（heard）");
  /* q2 is shown when total is 1 or 2: total cannot go */
  expect_refused("action=remove&target=total", 400, "（q2）");
  expect_refused("action=remove&target=nosuch", 404, NULL);
  /* an action no form sends: the page as it is, saying so (it read the unfilled edit and could
   * take the server down) */
  expect_refused("action=explode&target=q2", 400, "本頁表單所能做的");
  expect_refused("action=1e309&target=1e309&code=1e309&version=1e309", 400, "本頁表單所能做的");
  /* a version that is none (read as 0 it switched off the check below): refused, nothing done */
  expect_refused("action=remove&target=heard&version=0000-00-00", 400, "表單已過期");
  expect_refused("action=remove&target=heard&version=NaN", 400, "表單已過期");
  expect_refused("action=remove&target=heard&version=", 400, "表單已過期");
  expect_refused("action=remove&target=heard&version=0", 400, "表單已過期");
  expect_refused("action=remove&target=heard&version=-5", 400, "表單已過期");
  /* drawn before someone else's change: refused, not lost */
  expect_refused("action=remove&target=heard&version=1", 409, "已被修改");
  /* a title is needed */
  form[0] = '\0';
  harness_field(form, sizeof(form), "action", "settings");
  harness_field(form, sizeof(form), "title_en", "No Chinese title");
  harness_field(form, sizeof(form), "collect", "open");
  expect_refused(form, 400, NULL);
}

static void builder_move_remove_and_waves(void)
{
  /* total down: heard, total, q2 (q2 still after its condition's question) */
  assert_int_equal(build("action=down&target=total", NULL), 303);
  json_t *def = exported(builder_id);
  assert_string_equal(question_code(def, 0), "heard");
  assert_string_equal(question_code(def, 1), "total");
  json_decref(def);
  /* total below q2, whose condition names it: refused */
  expect_refused("action=down&target=total", 400, "（q2）");
  assert_int_equal(build("action=remove&target=heard", NULL), 303);
  def = exported(builder_id);
  assert_int_equal(json_array_size(json_object_get(def, "questions")), 2);
  assert_string_equal(question_code(def, 0), "total");
  json_decref(def);
  char form[1024] = "";
  harness_field(form, sizeof(form), "action", "wave");
  harness_field(form, sizeof(form), "code", "2026H2");
  harness_field(form, sizeof(form), "name_zh", "2026 下半年");
  harness_field(form, sizeof(form), "name_en", "2026 H2");
  harness_field(form, sizeof(form), "opens", "2026-12-31");
  harness_field(form, sizeof(form), "closes", "2026-07-01");
  expect_refused(form, 400, "（2026H2）");
  form[0] = '\0';
  harness_field(form, sizeof(form), "action", "wave");
  harness_field(form, sizeof(form), "code", "2026H2");
  harness_field(form, sizeof(form), "name_zh", "2026 下半年");
  harness_field(form, sizeof(form), "name_en", "2026 H2");
  harness_field(form, sizeof(form), "opens", "2026-07-01");
  harness_field(form, sizeof(form), "closes", "2026-12-31");
  assert_int_equal(build(form, NULL), 303);
  def = exported(builder_id);
  expect_text_at(def, "waves.0.closes", "2026-12-31");
  json_decref(def);
  form[0] = '\0';
  harness_field(form, sizeof(form), "action", "settings");
  harness_field(form, sizeof(form), "title_zh", "大廳服務滿意度");
  harness_field(form, sizeof(form), "title_en", "Lobby service survey");
  harness_field(form, sizeof(form), "measure", "lobby");
  harness_field(form, sizeof(form), "collect", "open");
  assert_int_equal(build(form, NULL), 303);
  def = exported(builder_id);
  expect_text_at(def, "title_en", "Lobby service survey");
  json_decref(def);
}

/* The builder's page, its preview as citizens see it, the open survey's page, and roles. */
static void builder_pages(void)
{
  char path[128];
  snprintf(path, sizeof(path), "/staff/surveys/%lld/build?question=q2", builder_id);
  json_t *v = view_ok(&clients[ANALYST], path);
  assert_int_equal(json_array_size(json_object_get(v, "questions")), 2);
  expect_text_at(v, "question_form.target", "q2");
  expect_text_at(v, "question_form.when_values", "1, 2");
  json_decref(v);
  snprintf(path, sizeof(path), "/staff/surveys/%lld/preview", builder_id);
  v = view_ok(&clients[SUPERVISOR], path);
  assert_int_equal(json_array_size(json_object_get(v, "questions")), 2);
  expect_text_at(v, "questions.1.code", "q2");
  json_decref(v);
  char *html = expect_page(&server, &clients[SUPERVISOR], path, 200);
  expect_contains(html, "哪裡不滿意？");
  expect_lacks(html, "type=\"submit\" class=\"govuk-button\">");
  free(html);
  html = expect_page(&server, NULL, "/o/xinxing/survey/lobby", 200);
  expect_contains(html, "整體滿意度");
  free(html);
  snprintf(path, sizeof(path), "/staff/surveys/%lld/build", builder_id);
  get_page(&clients[CLERK], path, 403);
  get_page(&clients[CLERK], "/staff/", 200);
  assert_int_equal(post(&clients[CLERK], path, "action=remove&target=q2", NULL), 403);
}

/* Every saved change is one survey.build row of the audit trail, and no refused one is: the
 * creation, four question changes, a move, a removal, a wave and the settings. */
static void builder_audited(void)
{
  const char *args[] = {"user",   "add",  "--office", "xinxing", "--username",  "sv-admin",
                        "--name", "稽核", "--roles",  "admin",   "--no-expire", NULL};
  const char *pw[] = {"BIANMIN_PASSWORD=admin-password-123", NULL};
  assert_int_equal(server_cli_env(&server, args, pw), 0);
  struct client admin;
  char secret[64] = "";
  client_init(&admin, &server);
  assert_int_equal(
      client_login_totp(&admin, "sv-admin", "admin-password-123", secret, sizeof(secret)), 0);
  json_t *v = expect_view(&server, &admin, "/staff/admin/audit?action=survey.build", 200), *row;
  size_t i, rows = 0;
  char object[32];
  snprintf(object, sizeof(object), "%lld", builder_id);
  json_array_foreach(json_object_get(v, "rows"), i, row)
  {
    assert_string_equal(json_text_at(row, "action"), "survey.build");
    assert_string_equal(json_text_at(row, "actor"), "xinxing-supervisor");
    rows += !strcmp(json_text_at(row, "object_id"), object);
  }
  assert_int_equal(json_array_size(json_object_get(v, "rows")), 9);
  assert_true(rows == 9);
  json_decref(v);
  client_free(&admin);
}

static void test_form_builder(void **state)
{
  (void)state;
  builder_create();
  builder_add_and_edit();
  builder_bad_input();
  builder_move_remove_and_waves();
  builder_pages();
  builder_audited();
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_build_import_export),
      cmocka_unit_test(test_answer_from_case_once),
      cmocka_unit_test(test_tablet_and_open_survey),
      cmocka_unit_test(test_refusal_at_its_question),
      cmocka_unit_test(test_results_and_exports),
      cmocka_unit_test(test_tablet_rates_the_counter_s_last_case),
      cmocka_unit_test(test_quality_records),
      cmocka_unit_test(test_closed_after_the_last_wave),
      cmocka_unit_test(test_form_builder),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
