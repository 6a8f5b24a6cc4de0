/*
 * opendata_test.c - an office's open data (issue 20) against a real server on the fake clock:
 * cases taken in and closed are published in the monthly case statistics with the numbers of
 * the indicators dashboard's JSON for the same month; counts under 3 are withheld (empty, with a
 * note; rates from them too) and appear once they reach 3; every dataset answers in every format
 * (CSV with a BOM and the dictionary's fields, JSON, an ODS whose first entry is the stored
 * mimetype and which LibreOffice opens when installed), with its dictionary; the DCAT catalogue
 * parses and names every distribution, each of which answers 200; no dataset holds a name, an
 * ID number, a mobile phone or an e-mail address; ETags answer 304; planned datasets have no
 * files.
 */
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

#define DEMO_PASSWORD  "bianmin-demo-2026"
#define SERVICE_NAME   "買賣移轉登記"
#define APPLICANT      "王小明"
#define RATE_ENV_LOGIN "BIANMIN_RATE_LOGIN=100000"
#define RATE_ENV_PUB   "BIANMIN_RATE_PUBLIC=100000"
#define OFFICE         "/o/xinxing/opendata"
/* 2026-03-10 10:00 in Taipei, a Tuesday (ROC 115). */
#define START ((time_t)1773108000)
#define HOUR  3600

static struct server server;

enum who { CLERK, SUPERVISOR, ANALYST, WHO_COUNT };
static const char *const usernames[WHO_COUNT] = {"xinxing-clerk", "xinxing-supervisor",
                                                 "xinxing-analyst"};
static struct client clients[WHO_COUNT];
static long long service_id, handler_id, cases[4];

static json_t *view_ok(enum who w, const char *path)
{
  long status;
  json_t *v = get_json_view(&server, &clients[w], path, &status);
  if (status != 200 || !v)
    fail_msg("GET %s as %s: %ld", path, usernames[w], status);
  return v;
}

static long post(enum who w, const char *path, const char *form, char **location)
{
  return harness_post(&clients[w], path, form, location);
}

static long long intake(void)
{
  char form[1024];
  snprintf(form, sizeof(form),
           "service_id=%lld&applicant_name=%%E7%%8E%%8B%%E5%%B0%%8F%%E6%%98%%8E&applicant_id="
           "A123456789&applicant_phone=0912345678&applicant_email=wang%%40example.com&notify="
           "none&channel=counter&lang=zh-TW&doc_0=x&handler_id=%lld",
           service_id, handler_id);
  return harness_intake(&clients[CLERK], form, NULL, 0);
}

static void close_case(long long id)
{
  static const char *const steps[] = {"first_review", "second_review",   "recording",
                                      "proofreading", "records_updated", "closed"};
  char path[96], form[96];
  snprintf(path, sizeof(path), "/staff/cases/%lld/status", id);
  for (size_t i = 0; i < sizeof(steps) / sizeof(*steps); i++) {
    snprintf(form, sizeof(form), "to=%s&note=ok", steps[i]);
    long status = post(SUPERVISOR, path, form, NULL);
    if (status != 303)
      fail_msg("case %lld to %s: %ld", id, steps[i], status);
  }
}

static void sign_in(enum who w)
{
  harness_sign_in(&clients[w], &server, usernames[w], DEMO_PASSWORD, NULL, 0);
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

/* Four cases in March; two closed four hours later (a third is closed by a test below). */
static int setup(void **state)
{
  (void)state;
  const char *env[] = {RATE_ENV_LOGIN, RATE_ENV_PUB, NULL};
  if (harness_clock_start(START) || server_start(&server, env))
    return -1;
  for (int w = 0; w < WHO_COUNT; w++)
    sign_in((enum who)w);
  learn_ids();
  for (size_t i = 0; i < 4; i++)
    cases[i] = intake();
  harness_clock_advance(4 * HOUR);
  for (int w = 0; w < WHO_COUNT; w++)
    sign_in((enum who)w);
  close_case(cases[0]);
  close_case(cases[1]);
  return 0;
}

static int teardown(void **state)
{
  (void)state;
  for (int w = 0; w < WHO_COUNT; w++)
    if (clients[w].curl)
      client_free(&clients[w]);
  return server_stop(&server) == 0 ? 0 : -1;
}

static struct response get_ok(const char *path)
{
  struct response r;
  assert_int_equal(http_get(&server, path, &r), 0);
  if (r.status != 200)
    fail_msg("GET %s: %ld", path, r.status);
  return r;
}

static json_t *get_json(const char *path)
{
  struct response r = get_ok(path);
  json_error_t error;
  json_t *v = json_loadb(r.body, r.len, 0, &error);
  if (!v)
    fail_msg("%s: not JSON: %s", path, error.text);
  response_free(&r);
  return v;
}

/* The March row of the service in the case statistics' JSON (a new reference). */
static json_t *march_row(void)
{
  json_t *doc = get_json(OFFICE "/case-statistics.json"), *row, *found = NULL;
  size_t i;
  json_array_foreach(json_object_get(doc, "rows"), i, row)
  {
    if (!strcmp(json_text_at(row, "month"), "2026-03") &&
        !strcmp(json_text_at(row, "service_zh"), SERVICE_NAME))
      found = json_incref(row);
  }
  json_decref(doc);
  if (!found)
    fail_msg("no March row for %s", SERVICE_NAME);
  return found;
}

/* The dashboard's figures for the service in March (a new reference): its total under the
 * service filter, which carries the median as well. */
static json_t *dashboard_row(void)
{
  char path[96];
  snprintf(path, sizeof(path), "/staff/kpi?year=115&month=3&service=%lld", service_id);
  json_t *v = view_ok(ANALYST, path), *total = json_incref(json_object_get(v, "total"));
  json_decref(v);
  assert_non_null(total);
  return total;
}

static void expect_count(json_t *od, json_t *kpi, const char *field)
{
  json_t *a = json_object_get(od, field), *b = json_object_get(kpi, field);
  if (!json_is_integer(a) || !json_is_integer(b) || json_integer_value(a) != json_integer_value(b))
    fail_msg("%s: open data %lld, dashboard %lld", field, (long long)json_integer_value(a),
             (long long)json_integer_value(b));
}

/* A rate or time of the dashboard ("75.0%", "4", "-") equals the open data's number or null. */
static void expect_figure(json_t *od, json_t *kpi, const char *field)
{
  const char *text = json_text_at(kpi, field);
  json_t *v = json_object_get(od, field);
  assert_non_null(text);
  if (!strcmp(text, "-")) {
    assert_true(json_is_null(v));
    return;
  }
  if (!json_is_number(v))
    fail_msg("%s: open data has no number for dashboard %s", field, text);
  double expected = strtod(text, NULL);
  if (json_number_value(v) < expected - 0.05 || json_number_value(v) > expected + 0.05)
    fail_msg("%s: open data %g, dashboard %s", field, json_number_value(v), text);
}

/* Two completed cases are under the threshold: withheld with their rates, times and a note;
 * the four received are shown and equal the dashboard's. */
static void test_small_counts_are_withheld(void **state)
{
  (void)state;
  json_t *kpi = dashboard_row(), *row = march_row();
  assert_int_equal(json_integer_value(json_object_get(kpi, "completed")), 2);
  expect_count(row, kpi, "received");
  assert_int_equal(json_integer_value(json_object_get(row, "received")), 4);
  assert_int_equal(json_integer_value(json_object_get(row, "online_received")), 0);
  static const char *const withheld[] = {"completed", "on_time", "on_time_rate", "mean_hours",
                                         "median_hours"};
  for (size_t i = 0; i < sizeof(withheld) / sizeof(*withheld); i++)
    if (!json_is_null(json_object_get(row, withheld[i])))
      fail_msg("%s is shown with two completed cases", withheld[i]);
  expect_contains(json_text_at(row, "note"), "withheld");
  json_decref(kpi);
  json_decref(row);
  struct response r = get_ok(OFFICE "/case-statistics.csv");
  expect_contains(r.body, ",4,0,0.0,,,,,,");
  response_free(&r);
}

/* With three completed the figures are published and equal the dashboard's JSON. */
static void test_numbers_equal_the_dashboard(void **state)
{
  (void)state;
  close_case(cases[2]);
  json_t *kpi = dashboard_row(), *row = march_row();
  static const char *const counts[] = {"received", "online_received", "completed", "on_time"};
  for (size_t i = 0; i < sizeof(counts) / sizeof(*counts); i++)
    expect_count(row, kpi, counts[i]);
  assert_int_equal(json_integer_value(json_object_get(row, "completed")), 3);
  static const char *const figures[] = {"on_time_rate", "online_share", "mean_hours",
                                        "median_hours"};
  for (size_t i = 0; i < sizeof(figures) / sizeof(*figures); i++)
    expect_figure(row, kpi, figures[i]);
  assert_true(json_is_null(json_object_get(row, "note")));
  json_decref(kpi);
  json_decref(row);
}

/* Fails when text holds a Taiwanese ID number, a mobile phone, an e-mail address or the
 * applicant's name. */
static void expect_no_personal_data(const char *what, const char *text)
{
  static const char *const patterns[] = {"[A-Z][12][0-9]{8}", "09[0-9]{8}",
                                         "[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}"};
  for (size_t i = 0; i < sizeof(patterns) / sizeof(*patterns); i++) {
    regex_t re;
    regmatch_t m;
    assert_int_equal(regcomp(&re, patterns[i], REG_EXTENDED), 0);
    int found = regexec(&re, text, 1, &m, 0);
    regfree(&re);
    if (found == 0)
      fail_msg("%s holds %.*s (pattern %s)", what, (int)(m.rm_eo - m.rm_so), text + m.rm_so,
               patterns[i]);
  }
  if (strstr(text, APPLICANT))
    fail_msg("%s holds the applicant's name", what);
}

/* The ODS: a zip whose first entry is "mimetype", stored, holding the ODS type. */
static void expect_ods(const struct response *r)
{
  static const char type[] = "application/vnd.oasis.opendocument.spreadsheet";
  assert_true(r->len > 38 + sizeof(type));
  assert_memory_equal(r->body, "PK\x03\x04", 4);
  assert_int_equal((unsigned char)r->body[8], 0); /* compression method 0: stored */
  assert_memory_equal(r->body + 30, "mimetype", 8);
  assert_memory_equal(r->body + 38, type, sizeof(type) - 1);
}

/* The dataset's CSV heading equals its dictionary's fields, in order. */
static void expect_heading(const char *id, const char *csv)
{
  char path[160];
  snprintf(path, sizeof(path), OFFICE "/%s/dictionary.json", id);
  json_t *dict = get_json(path), *f;
  size_t i;
  char heading[1024] = "\xEF\xBB\xBF";
  json_array_foreach(json_object_get(dict, "fields"), i, f)
  {
    size_t n = strlen(heading);
    snprintf(heading + n, sizeof(heading) - n, "%s%s", i ? "," : "", json_text_at(f, "field"));
    assert_non_null(json_text_at(f, "type"));
    assert_non_null(json_text_at(f, "meaning.zh-TW"));
    assert_non_null(json_text_at(f, "meaning.en"));
  }
  expect_text_at(dict, "license.url", "https://data.gov.tw/license");
  expect_text_at(dict, "license.zh-TW", "政府資料開放授權條款－第1版");
  expect_contains(json_text_at(dict, "publisher.zh-TW"), "新興");
  assert_true(strncmp(csv, heading, strlen(heading)) == 0);
  assert_int_equal(csv[strlen(heading)], '\r');
  json_decref(dict);
  snprintf(path, sizeof(path), OFFICE "/%s/dictionary.csv", id);
  struct response r = get_ok(path);
  expect_contains(r.body, "field,type,meaning_zh,meaning_en,unit_zh,unit_en");
  expect_contains(r.body, "https://data.gov.tw/license");
  response_free(&r);
}

/* Every distribution the catalogue names answers 200 in its format, without personal data. */
static void check_distribution(const char *url, size_t origin_len)
{
  const char *path = url + origin_len;
  struct response r = get_ok(path);
  char *type = response_header(&r, "Content-Type"), *etag = response_header(&r, "ETag");
  char *modified = response_header(&r, "Last-Modified");
  assert_non_null(etag);
  /* every dataset with something in it says when it last changed: for the petitions, tickets
   * and survey answers, when the last one came (none yet: no date to give) */
  static const struct {
    const char *part, *sql;
  } counted[] = {
      {"/petition-statistics.", "SELECT count(*) FROM petitions p JOIN offices o ON o.id = "
                                "p.office_id WHERE o.slug = 'xinxing'"},
      {"/queue-waits.", "SELECT count(*) FROM tickets t JOIN offices o ON o.id = t.office_id "
                        "WHERE o.slug = 'xinxing'"},
      {"/survey-results.", "SELECT count(*) FROM survey_answers a JOIN surveys s ON s.id = "
                           "a.survey_id JOIN offices o ON o.id = s.office_id WHERE o.slug = "
                           "'xinxing'"}};
  bool dated = true;
  for (size_t i = 0; i < sizeof(counted) / sizeof(*counted); i++)
    if (strstr(path, counted[i].part))
      dated = harness_sql_int(&server, counted[i].sql) > 0;
  if (dated)
    assert_non_null(modified);
  if (modified) { /* "Sun, 06 Dec 2026 21:01:02 GMT" */
    assert_int_equal(strlen(modified), 29);
    assert_string_equal(modified + 26, "GMT");
  }
  free(modified);
  const char *ext = strrchr(path, '.');
  if (!strcmp(ext, ".ods")) {
    expect_contains(type, "opendocument.spreadsheet");
    expect_ods(&r);
  } else {
    expect_no_personal_data(path, r.body);
  }
  if (!strcmp(ext, ".csv")) {
    char id[64];
    const char *slash = strrchr(path, '/') + 1;
    snprintf(id, sizeof(id), "%.*s", (int)(ext - slash), slash);
    expect_contains(type, "text/csv");
    expect_heading(id, r.body);
  }
  if (!strcmp(ext, ".json")) {
    json_t *doc = json_loadb(r.body, r.len, 0, NULL);
    assert_non_null(doc);
    assert_true(json_is_array(json_object_get(doc, "rows")));
    expect_text_at(doc, "license.url", "https://data.gov.tw/license");
    json_decref(doc);
  }
  free(type);
  free(etag);
  response_free(&r);
}

/* Tickets taken this month: the queue waits count them once three are taken (two are
 * withheld), with no wait yet (nobody was called). */
static void test_queue_waits(void **state)
{
  (void)state;
  char path[96];
  snprintf(path, sizeof(path), "/o/xinxing/queue?service=%lld", service_id);
  for (int taken = 1; taken <= 3; taken++) {
    struct client c;
    struct response r;
    char form[96];
    client_init(&c, &server);
    assert_int_equal(client_get(&c, path, &r), 0);
    response_free(&r);
    snprintf(form, sizeof(form), "service=%lld&channel=phone&priority=", service_id);
    assert_int_equal(client_post(&c, "/o/xinxing/queue/take", form, &r), 0);
    if (r.status != 303)
      fail_msg("taking ticket %d: %ld", taken, r.status);
    response_free(&r);
    client_free(&c);
    json_t *doc = get_json(OFFICE "/queue-waits.json"), *row, *found = NULL;
    size_t i;
    json_array_foreach(json_object_get(doc, "rows"), i, row)
    {
      if (!strcmp(json_text_at(row, "month"), "2026-03"))
        found = row;
    }
    if (!found)
      fail_msg("no March row after %d tickets", taken);
    if (taken < 3) {
      assert_true(json_is_null(json_object_get(found, "tickets")));
      expect_contains(json_text_at(found, "note"), "withheld");
    } else {
      assert_int_equal(json_integer_value(json_object_get(found, "tickets")), 3);
      assert_int_equal(json_integer_value(json_object_get(found, "served")), 0);
      assert_true(json_is_null(json_object_get(found, "mean_wait_minutes")));
      /* the file says when it last changed: the last ticket taken */
      assert_true(strlen(json_text_at(doc, "modified")) > 0);
      struct response csv = get_ok(OFFICE "/queue-waits.csv");
      char *modified = response_header(&csv, "Last-Modified");
      assert_non_null(modified);
      free(modified);
      response_free(&csv);
    }
    json_decref(doc);
  }
}

/* The month's row of the demo's open survey (NULL when none; a new reference). */
static json_t *survey_row(void)
{
  json_t *doc = get_json(OFFICE "/survey-results.json"), *row, *found = NULL;
  size_t i;
  json_array_foreach(json_object_get(doc, "rows"), i, row)
  {
    if (!strcmp(json_text_at(row, "survey_code"), "lunch-hour") &&
        !strcmp(json_text_at(row, "month"), "2026-03"))
      found = json_incref(row);
  }
  json_decref(doc);
  return found;
}

/* Answers to the demo's open survey: two satisfied of three are withheld with the share; with
 * a fourth (three satisfied of four) the share is 75.0 and the mean 4.00. */
static void test_survey_results(void **state)
{
  (void)state;
  static const char *const overall[] = {"4", "5", "2", "5"};
  struct client kiosk;
  struct response r;
  client_init(&kiosk, &server);
  for (size_t i = 0; i < 4; i++) {
    char form[64];
    assert_int_equal(client_get(&kiosk, "/o/xinxing/survey/lunch-hour", &r), 0);
    response_free(&r);
    snprintf(form, sizeof(form), "used=yes&overall=%s", overall[i]);
    assert_int_equal(client_post(&kiosk, "/o/xinxing/survey/lunch-hour", form, &r), 0);
    if (r.status != 303)
      fail_msg("survey answer %zu: %ld", i, r.status);
    response_free(&r);
    if (i < 2)
      continue;
    json_t *row = survey_row();
    assert_non_null(row);
    if (i == 2) {
      assert_int_equal(json_integer_value(json_object_get(row, "answers")), 3);
      assert_true(json_is_null(json_object_get(row, "satisfied")));
      assert_true(json_is_null(json_object_get(row, "satisfied_share")));
      expect_contains(json_text_at(row, "note"), "withheld");
    } else {
      assert_int_equal(json_integer_value(json_object_get(row, "answers")), 4);
      assert_int_equal(json_integer_value(json_object_get(row, "satisfied")), 3);
      assert_true(json_number_value(json_object_get(row, "satisfied_share")) == 75.0);
      assert_true(json_number_value(json_object_get(row, "mean_score")) == 4.0);
    }
    json_decref(row);
  }
  client_free(&kiosk);
}

static void test_catalogue_names_every_distribution(void **state)
{
  (void)state;
  json_t *cat = get_json(OFFICE "/catalog.jsonld"), *set, *dist;
  expect_text_at(cat, "@type", "dcat:Catalog");
  expect_text_at(cat, "@context.dcat", "http://www.w3.org/ns/dcat#");
  expect_text_at(cat, "@context.dct", "http://purl.org/dc/terms/");
  expect_text_at(cat, "dct:license.@id", "https://data.gov.tw/license");
  assert_non_null(json_text_at(cat, "dct:modified.@value"));
  assert_non_null(json_at(cat, "dct:publisher"));
  char origin[64];
  snprintf(origin, sizeof(origin), "http://127.0.0.1:%d", server.port);
  size_t i, j, distributions = 0, planned = 0;
  json_array_foreach(json_object_get(cat, "dcat:dataset"), i, set)
  {
    expect_text_at(set, "@type", "dcat:Dataset");
    expect_text_at(set, "dct:license.@id", "https://data.gov.tw/license");
    assert_non_null(json_at(set, "dct:publisher"));
    size_t n = json_array_size(json_object_get(set, "dcat:distribution"));
    planned += n == 0;
    json_array_foreach(json_object_get(set, "dcat:distribution"), j, dist)
    {
      expect_text_at(dist, "@type", "dcat:Distribution");
      const char *url = json_text_at(dist, "dcat:downloadURL.@id");
      assert_non_null(url);
      assert_true(strncmp(url, origin, strlen(origin)) == 0);
      assert_non_null(json_text_at(dist, "dcat:mediaType.@id"));
      check_distribution(url, strlen(origin));
      distributions++;
    }
  }
  /* case statistics, services, FAQ, petition statistics, queue waits, survey results */
  assert_int_equal(distributions, 6 * 3);
  assert_int_equal(planned, 0);
  json_decref(cat);
}

/* FAQ votes are counts too: one vote is withheld, three are shown. */
static void test_faq_votes_withheld(void **state)
{
  (void)state;
  json_t *doc = get_json(OFFICE "/faq.json");
  long long id = (long long)json_integer_value(json_at(doc, "rows.0.faq_id"));
  json_t *before = json_at(doc, "rows.0.helpful");
  assert_true(id > 0);
  assert_true(json_is_null(before) || json_integer_value(before) == 0);
  json_decref(doc);
  char page[96], path[128];
  snprintf(page, sizeof(page), "/o/xinxing/faq/%lld", id);
  snprintf(path, sizeof(path), "%s/vote", page);
  struct client citizen;
  struct response r;
  client_init(&citizen, &server);
  assert_int_equal(client_get(&citizen, page, &r), 0); /* the page gives the CSRF token */
  response_free(&r);
  for (int vote = 1; vote <= 3; vote++) {
    assert_int_equal(client_post(&citizen, path, "helpful=yes", &r), 0);
    assert_int_equal(r.status, 303);
    response_free(&r);
    doc = get_json(OFFICE "/faq.json");
    json_t *helpful = json_at(doc, "rows.0.helpful");
    if (vote < 3)
      assert_true(json_is_null(helpful));
    else
      assert_int_equal(json_integer_value(helpful), 3);
    json_decref(doc);
  }
  client_free(&citizen);
}

static void test_etag_planned_and_unknown(void **state)
{
  (void)state;
  struct response r = get_ok(OFFICE "/services.json");
  char *etag = response_header(&r, "ETag"), header[128];
  assert_non_null(etag);
  response_free(&r);
  snprintf(header, sizeof(header), "If-None-Match: %s", etag);
  const char *headers[] = {header, NULL};
  assert_int_equal(http_call(&server, "GET", OFFICE "/services.json", headers, NULL, 0, &r), 0);
  assert_int_equal(r.status, 304);
  response_free(&r);
  free(etag);
  json_t *petitions = get_json(OFFICE "/petition-statistics.json");
  expect_text_at(petitions, "rows.0.dimension", "all");
  json_t *total = json_at(petitions, "rows.0.petitions");
  assert_true(json_is_null(total) || json_is_integer(total));
  json_decref(petitions);
  static const char *const missing[] = {
      OFFICE "/survey-results.xlsx", OFFICE "/services.xlsx",
      OFFICE "/nothing.json",        OFFICE "/faq/dictionary.ods",
      "/o/nowhere/opendata/faq.csv", "/o/nowhere/opendata/faq/dictionary.csv",
      "/o/nowhere/opendata",         "/o/nowhere/opendata/catalog.jsonld"};
  for (size_t i = 0; i < sizeof(missing) / sizeof(*missing); i++) {
    assert_int_equal(http_get(&server, missing[i], &r), 0);
    if (r.status != 404)
      fail_msg("%s: %ld", missing[i], r.status);
    response_free(&r);
  }
  char *page = expect_page(&server, NULL, OFFICE, 200);
  expect_contains(page, "catalog.jsonld");
  expect_contains(page, "政府資料開放授權條款");
  expect_contains(page, "/o/xinxing/opendata/faq/dictionary.csv");
  free(page);
}

/* LibreOffice, when installed, opens the ODS and finds the heading and the rows. */
static void test_ods_opens_in_libreoffice(void **state)
{
  (void)state;
  if (access("/usr/bin/soffice", X_OK) != 0) {
    print_message("soffice is not installed: the ODS is not opened in LibreOffice\n");
    skip();
  }
  struct response r = get_ok(OFFICE "/services.ods");
  char file[400], out[400], cmd[1400];
  snprintf(file, sizeof(file), "%s/services.ods", server.dir);
  FILE *f = fopen(file, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(r.body, 1, r.len, f), r.len);
  fclose(f);
  response_free(&r);
  snprintf(cmd, sizeof(cmd),
           "cd '%s' && HOME='%s' timeout 120 soffice --headless -env:UserInstallation=file://%s/lo "
           "--convert-to csv:\"Text - txt - csv (StarCalc)\":44,34,76 services.ods >/dev/null 2>&1",
           server.dir, server.dir, server.dir);
  assert_int_equal(system(cmd), 0);
  snprintf(out, sizeof(out), "%s/services.csv", server.dir);
  f = fopen(out, "rb");
  assert_non_null(f);
  static char text[65536];
  size_t n = fread(text, 1, sizeof(text) - 1, f);
  fclose(f);
  text[n] = '\0';
  expect_contains(text, "service_code,service_zh");
  expect_contains(text, SERVICE_NAME);
}

/* Runs one statement of the test's own SQL on the server's database (SQLite or PostgreSQL). */
static void sql_exec(const char *sql)
{
  harness_sql_exec(&server, sql);
}

/* The office's own threshold: with 5, the four received are withheld too; the page says 5. */
static void test_office_threshold(void **state)
{
  (void)state;
  sql_exec("INSERT INTO settings (office_id, key, value) SELECT id, 'opendata_min_cell', '5' "
           "FROM offices WHERE slug = 'xinxing'");
  json_t *row = march_row();
  assert_true(json_is_null(json_object_get(row, "received")));
  assert_true(json_is_null(json_object_get(row, "online_share")));
  assert_true(json_is_null(json_object_get(row, "completed")));
  expect_contains(json_text_at(row, "note"), "under 5");
  json_decref(row);
  char *page = expect_page(&server, NULL, OFFICE "?lang=en", 200);
  expect_contains(page, "counts under 5 are withheld");
  free(page);
  sql_exec("DELETE FROM settings WHERE key = 'opendata_min_cell'");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_small_counts_are_withheld),
      cmocka_unit_test(test_numbers_equal_the_dashboard),
      cmocka_unit_test(test_queue_waits),
      cmocka_unit_test(test_survey_results),
      cmocka_unit_test(test_catalogue_names_every_distribution),
      cmocka_unit_test(test_faq_votes_withheld),
      cmocka_unit_test(test_etag_planned_and_unknown),
      cmocka_unit_test(test_ods_opens_in_libreoffice),
      cmocka_unit_test(test_office_threshold),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
