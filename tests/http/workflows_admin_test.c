/*
 * workflows_admin_test.c - workflows as data an office admin edits (issue 15), against a real
 * server: the list; a step renamed and a step added, each saved as a new version; an open case
 * stays on the version it started on (its moves and names), a new case takes the newest and
 * its progress page shows the new wording; a bad edit is refused with a localised message and
 * changes nothing; export and import round trip; a bad import is refused with the problem
 * named and nothing saved; only admins reach the pages; a case entering a public-notice step
 * publishes an announcement on the news that leaving the step or the end of the period takes
 * down; a second server on the same database takes an edit at its next intake.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "harness.h"

#define DEMO_PASSWORD  "bianmin-demo-2026"
#define ADMIN_PASSWORD "admin-password-123"
#define SERVICE_NAME   "土地鑑界（界址鑑定）"
#define RATE_ENV_LOGIN "BIANMIN_RATE_LOGIN=100000"
#define BOUNDARY       "----bianmin-wf-boundary"
/* 2026-03-10 10:00 in Taipei, a Tuesday. */
#define START ((time_t)1773108000)

static struct server server;

enum who { CLERK, HANDLER, ADMIN, WHO_COUNT };
static const char *const usernames[WHO_COUNT] = {"xinxing-clerk", "xinxing-handler", "wf-admin"};
static struct client clients[WHO_COUNT];
static long long service_id, sale_id, handler_id;

/* ---- helpers --------------------------------------------------------------------------- */

static const char *text_of(json_t *o, const char *key)
{
  const char *s = json_string_value(json_object_get(o, key));
  return s ? s : "";
}

static json_t *view_ok(enum who w, const char *path)
{
  long status;
  json_t *v = get_json_view(&server, &clients[w], path, &status);
  if (status != 200 || !v)
    fail_msg("GET %s as %s: %ld", path, usernames[w], status);
  return v;
}

/* POSTs form plus the CSRF token (refreshed from the page `from`); the status, *location the
 * redirect (malloc'd) when wanted, *body the answer when wanted. */
static long post(enum who w, const char *from, const char *path, const char *form, char **location,
                 char **body)
{
  struct client *c = &clients[w];
  struct response r;
  assert_int_equal(client_get(c, from, &r), 0);
  response_free(&r);
  char *all = malloc(strlen(form) + 128);
  snprintf(all, strlen(form) + 128, "%s%scsrf=%s", form, *form ? "&" : "", c->csrf);
  const char *headers[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
  assert_int_equal(client_call(c, "POST", path, headers, all, strlen(all), &r), 0);
  free(all);
  if (location)
    *location = response_header(&r, "Location");
  if (body)
    *body = r.body ? strdup(r.body) : NULL;
  long status = r.status;
  response_free(&r);
  return status;
}

/* Takes a case of service in at the counter (handler the demo handler); its id, *token its
 * link. */
static long long intake_of(long long service, char token[64])
{
  char form[2048] = "", value[32];
  snprintf(value, sizeof(value), "%lld", service);
  harness_field(form, sizeof(form), "service_id", value);
  harness_field(form, sizeof(form), "applicant_name", "王小明");
  harness_field(form, sizeof(form), "applicant_phone", "0912-345-678");
  harness_field(form, sizeof(form), "notify", "sms");
  harness_field(form, sizeof(form), "channel", "counter");
  harness_field(form, sizeof(form), "doc_0", "土地複丈申請書");
  snprintf(value, sizeof(value), "%lld", handler_id);
  harness_field(form, sizeof(form), "handler_id", value);
  return harness_intake(&clients[CLERK], form, token, 64);
}

static json_t *case_json(long long id)
{
  char path[64];
  snprintf(path, sizeof(path), "/staff/cases/%lld", id);
  json_t *v = view_ok(HANDLER, path);
  json_t *c = json_incref(json_object_get(v, "case"));
  json_decref(v);
  return c;
}

static long move(long long id, const char *to)
{
  char path[64], form[128] = "";
  snprintf(path, sizeof(path), "/staff/cases/%lld", id);
  harness_field(form, sizeof(form), "to", to);
  char action[80];
  snprintf(action, sizeof(action), "/staff/cases/%lld/status", id);
  return post(HANDLER, path, action, form, NULL, NULL);
}

/* The label the staff case page offers for moving case id to step code ("" when not offered). */
static char *offered(long long id, const char *code)
{
  json_t *c = case_json(id), *s;
  size_t i;
  char *label = strdup("");
  json_array_foreach(json_object_get(json_object_get(c, "offers"), "steps"), i, s)
  {
    if (!strcmp(text_of(s, "code"), code)) {
      free(label);
      label = strdup(text_of(s, "label"));
    }
  }
  json_decref(c);
  return label;
}

static long long version_of(const char *code)
{
  json_t *v = view_ok(ADMIN, "/staff/admin/workflows"), *w;
  size_t i;
  long long version = 0;
  json_array_foreach(json_object_get(v, "workflows"), i, w)
  {
    if (!strcmp(text_of(w, "code"), code))
      version = (long long)json_integer_value(json_object_get(w, "version"));
  }
  json_decref(v);
  return version;
}

static void sign_in(enum who w)
{
  static char secret[64];
  harness_sign_in(&clients[w], &server, usernames[w], w == ADMIN ? ADMIN_PASSWORD : DEMO_PASSWORD,
                  w == ADMIN ? secret : NULL, sizeof(secret));
}

static void learn_ids(void)
{
  json_t *v = view_ok(CLERK, "/staff/intake"), *o;
  size_t i;
  json_array_foreach(json_object_get(v, "services"), i, o)
  {
    if (!strcmp(text_of(o, "name"), SERVICE_NAME))
      service_id = (long long)json_integer_value(json_object_get(o, "id"));
    if (!strcmp(text_of(o, "name"), "買賣移轉登記"))
      sale_id = (long long)json_integer_value(json_object_get(o, "id"));
  }
  json_decref(v);
  char path[64];
  snprintf(path, sizeof(path), "/staff/intake?service=%lld", service_id);
  v = view_ok(CLERK, path);
  json_array_foreach(json_object_get(v, "handlers"), i, o)
  {
    if (!strcmp(text_of(o, "name"), "承辦人（示範）"))
      handler_id = (long long)json_integer_value(json_object_get(o, "id"));
  }
  json_decref(v);
  assert_true(service_id > 0 && sale_id > 0 && handler_id > 0);
}

static int setup(void **state)
{
  (void)state;
  const char *env[] = {RATE_ENV_LOGIN, NULL};
  if (harness_clock_start(START) || server_start(&server, env))
    return -1;
  harness_add_user(&server, "xinxing", "wf-admin", "admin", ADMIN_PASSWORD);
  for (int w = 0; w < WHO_COUNT; w++)
    sign_in((enum who)w);
  learn_ids();
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

static long long intake(char token[64])
{
  return intake_of(service_id, token);
}

/* Sets case id's appointment with who meets the applicant and map link map, expecting status
 * (a refused one adds nothing: the public page shows the last one set). */
static void appoint(long long id, const char *map, long status)
{
  char page[64], action[80], form[1024] = "", *body = NULL;
  snprintf(page, sizeof(page), "/staff/cases/%lld", id);
  snprintf(action, sizeof(action), "/staff/cases/%lld/appointment", id);
  harness_field(form, sizeof(form), "date", "2026-03-20");
  harness_field(form, sizeof(form), "time", "09:30");
  harness_field(form, sizeof(form), "place", "大港段一小段123地號");
  harness_field(form, sizeof(form), "officer", "林測量員");
  harness_field(form, sizeof(form), "map_url", map);
  assert_int_equal(post(HANDLER, page, action, form, NULL, &body), status);
  if (status == 400)
    expect_contains(body, "地圖連結需以 https:// 開頭");
  free(body);
}

/* ---- tests ------------------------------------------------------------------------------ */

static void test_only_admins(void **state)
{
  (void)state;
  long status = 0;
  json_t *v = get_json_view(&server, &clients[HANDLER], "/staff/admin/workflows", &status);
  json_decref(v);
  assert_int_equal(status, 403);
  v = view_ok(ADMIN, "/staff/admin/workflows");
  assert_int_equal(json_array_size(json_object_get(v, "workflows")), 6);
  json_decref(v);
  v = view_ok(ADMIN, "/staff/admin/workflows/land_survey");
  expect_text_at(v, "preview.steps.0.name", "已收件");
  expect_text_at(v, "preview.steps.1.name", "勘測時間已排定");
  json_decref(v);
}

static void test_edit_makes_a_version_and_open_cases_stay(void **state)
{
  (void)state;
  char token_old[64], token_new[64], form[2048] = "", *location = NULL, *body = NULL;
  long long before = version_of("land_survey");
  long long old_case = intake(token_old);

  /* Rename "scheduled". */
  harness_field(form, sizeof(form), "kind", "open");
  harness_field(form, sizeof(form), "name_zh", "會勘日期已排定");
  harness_field(form, sizeof(form), "name_en", "Site visit booked");
  harness_field(form, sizeof(form), "plain_zh", "已排定會勘日期，請依通知到場指界。");
  harness_field(form, sizeof(form), "plain_en",
                "A site visit is booked: please be there as the notice says.");
  harness_field(form, sizeof(form), "appointment", "1");
  harness_field(form, sizeof(form), "notice_days", "0");
  const char *page = "/staff/admin/workflows/land_survey/steps/scheduled";
  assert_int_equal(post(ADMIN, page, page, form, &location, NULL), 303);
  expect_contains(location, "saved=");
  free(location);
  assert_int_equal(version_of("land_survey"), before + 1);

  /* Add "boundary_marked" between surveyed and results drawn. */
  form[0] = '\0';
  harness_field(form, sizeof(form), "code", "boundary_marked");
  harness_field(form, sizeof(form), "after", "surveyed");
  harness_field(form, sizeof(form), "before", "results_drawn");
  harness_field(form, sizeof(form), "kind", "open");
  harness_field(form, sizeof(form), "name_zh", "界標已埋設");
  harness_field(form, sizeof(form), "name_en", "Boundary marked");
  harness_field(form, sizeof(form), "plain_zh", "界標已埋設，成果圖繪製中。");
  harness_field(form, sizeof(form), "plain_en",
                "The boundary marks are set; the results are being drawn.");
  harness_field(form, sizeof(form), "notice_days", "0");
  page = "/staff/admin/workflows/land_survey/steps/new";
  assert_int_equal(post(ADMIN, page, page, form, NULL, NULL), 303);
  assert_int_equal(version_of("land_survey"), before + 2);

  /* A bad edit (a step nothing leads to) is refused, named, and saves nothing. */
  form[0] = '\0';
  harness_field(form, sizeof(form), "code", "orphan");
  harness_field(form, sizeof(form), "kind", "open");
  harness_field(form, sizeof(form), "name_zh", "孤兒");
  harness_field(form, sizeof(form), "name_en", "Orphan");
  harness_field(form, sizeof(form), "notice_days", "0");
  assert_int_equal(post(ADMIN, page, page, form, NULL, &body), 400);
  expect_contains(body, "從第一個步驟無法到達這個步驟");
  expect_contains(body, "orphan");
  expect_contains(body, "value=\"孤兒\""); /* the form as typed */
  free(body);
  assert_int_equal(version_of("land_survey"), before + 2);

  /* The open case keeps the old names and moves; a new case takes the new ones. */
  json_t *c;
  long long new_case = intake(token_new);
  char *label = offered(old_case, "scheduled");
  assert_string_equal(label, "勘測時間已排定");
  free(label);
  label = offered(new_case, "scheduled");
  assert_string_equal(label, "會勘日期已排定");
  free(label);
  c = case_json(new_case);
  assert_false(json_is_true(json_object_get(c, "step_appointment")));
  json_decref(c);
  assert_int_equal(move(new_case, "scheduled"), 303);
  c = case_json(new_case); /* the step sets an appointment: the case page asks for it */
  assert_true(json_is_true(json_object_get(c, "step_appointment")));
  json_decref(c);
  appoint(new_case, "javascript:alert(1)", 400);
  appoint(new_case, "https://maps.example.org/?q=22.63,120.30", 303);
  assert_int_equal(move(new_case, "surveyed"), 303);
  assert_int_equal(move(new_case, "boundary_marked"), 303);
  assert_int_equal(move(old_case, "scheduled"), 303);
  assert_int_equal(move(old_case, "surveyed"), 303);
  assert_int_equal(move(old_case, "boundary_marked"), 403); /* not in its version */
  c = case_json(new_case);
  assert_string_equal(text_of(c, "status_label"), "界標已埋設");
  json_decref(c);
  /* The work list names the office's own step as the case page does (it has no translation). */
  char href[64];
  bool in_list = false;
  snprintf(href, sizeof(href), "/staff/cases/%lld", new_case);
  json_t *list = view_ok(HANDLER, "/staff/cases"), *row;
  size_t n;
  json_array_foreach(json_object_get(list, "rows"), n, row) if (!strcmp(text_of(row, "href"), href))
  {
    assert_string_equal(text_of(row, "status"), "界標已埋設");
    in_list = true;
  }
  json_decref(list);
  assert_true(in_list);
  /* So does the API's history of the case. */
  char api[160];
  c = case_json(new_case);
  snprintf(api, sizeof(api), "/api/v1/offices/xinxing/cases/%s?check_code=%s",
           text_of(c, "case_key"), text_of(c, "check_code"));
  json_decref(c);
  list = expect_view(&server, NULL, api, 200);
  bool named = false;
  json_array_foreach(json_at(list, "case.events"), n, row) named |=
      !strcmp(text_of(row, "status"), "boundary_marked") &&
      !strcmp(text_of(row, "what"), "界標已埋設");
  json_decref(list);
  assert_true(named);

  /* The citizen's progress page shows the new wording and the steps in plain words. */
  char path[128];
  snprintf(path, sizeof(path), "/p/%s", token_new);
  json_t *v = expect_view(&server, NULL, path, 200);
  expect_text_at(v, "case.status_label", "界標已埋設");
  expect_text_at(v, "case.status_plain", "界標已埋設，成果圖繪製中。");
  expect_text_at(v, "case.appointment.officer", "林測量員");
  expect_text_at(v, "case.appointment.map_url", "https://maps.example.org/?q=22.63,120.30");
  bool listed = false;
  json_t *s;
  size_t i;
  json_array_foreach(json_at(v, "case.steps"), i, s) listed |=
      !strcmp(text_of(s, "name"), "會勘日期已排定");
  assert_true(listed);
  json_decref(v);
  snprintf(path, sizeof(path), "/p/%s", token_old);
  v = expect_view(&server, NULL, path, 200);
  expect_text_at(v, "case.status_label", "已實地測量");
  json_decref(v);
}

static size_t multipart(const char *csrf, const char *data, char **body)
{
  char head[512];
  int n = snprintf(head, sizeof(head),
                   "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
                   "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"file\"; "
                   "filename=\"workflows.json\"\r\nContent-Type: application/json\r\n\r\n",
                   csrf);
  const char tail[] = "\r\n--" BOUNDARY "--\r\n";
  size_t len = strlen(data);
  *body = malloc((size_t)n + len + sizeof(tail));
  memcpy(*body, head, (size_t)n);
  memcpy(*body + n, data, len);
  memcpy(*body + n + len, tail, sizeof(tail));
  return (size_t)n + len + sizeof(tail) - 1;
}

static long import(const char *json, char **answer)
{
  struct client *c = &clients[ADMIN];
  struct response r;
  assert_int_equal(client_get(c, "/staff/admin/workflows", &r), 0);
  response_free(&r);
  const char *headers[] = {"Content-Type: multipart/form-data; boundary=" BOUNDARY, NULL};
  char *body;
  size_t len = multipart(c->csrf, json, &body);
  assert_int_equal(client_call(c, "POST", "/staff/admin/workflows/import", headers, body, len, &r),
                   0);
  free(body);
  if (answer)
    *answer = r.body ? strdup(r.body) : NULL;
  long status = r.status;
  response_free(&r);
  return status;
}

static void test_export_import_round_trip(void **state)
{
  (void)state;
  struct response r;
  assert_int_equal(client_get(&clients[ADMIN], "/staff/admin/workflows/export", &r), 0);
  assert_int_equal(r.status, 200);
  json_t *doc = json_loads(r.body, 0, NULL);
  response_free(&r);
  assert_non_null(doc);
  json_t *list = json_object_get(doc, "workflows");
  assert_int_equal(json_array_size(list), 6);
  long long mediation = version_of("mediation"), simple = version_of("simple");

  char *text = json_dumps(doc, 0);
  assert_int_equal(import(text, NULL), 303);
  free(text);
  assert_int_equal(version_of("mediation"), mediation + 1);
  assert_int_equal(version_of("simple"), simple + 1);
  json_t *again = NULL;
  assert_int_equal(client_get(&clients[ADMIN], "/staff/admin/workflows/export", &r), 0);
  again = json_loads(r.body, 0, NULL);
  response_free(&r);
  assert_true(json_equal(json_object_get(again, "workflows"), list));
  json_decref(again);

  /* One bad definition: refused with the problem named; nothing saved. */
  json_t *last = json_array_get(list, json_array_size(list) - 1);
  json_object_set_new(last, "initial", json_string("nowhere"));
  text = json_dumps(doc, 0);
  char *answer = NULL;
  assert_int_equal(import(text, &answer), 400);
  expect_contains(answer, "第一個步驟不存在或已是結束步驟");
  expect_contains(answer, "nowhere");
  free(answer);
  free(text);
  assert_int_equal(import("{not json", &answer), 400);
  expect_contains(answer, "這個檔案不是正確的 JSON");
  free(answer);
  assert_int_equal(version_of("mediation"), mediation + 1);
  assert_int_equal(version_of("simple"), simple + 1);
  json_decref(doc);
}

/* The href of the news item (current or archive: the news pages read the real date, the
 * cases the fake clock) whose title contains text, or NULL (malloc'd). */
static char *news_item(const char *text)
{
  static const char *const lists[] = {"/o/xinxing/news", "/o/xinxing/news/archive"};
  char *href = NULL;
  for (size_t l = 0; l < 2 && !href; l++) {
    json_t *v = expect_view(&server, NULL, lists[l], 200), *a;
    size_t i;
    json_array_foreach(json_object_get(v, "announcements"), i, a)
    {
      if (!href && strstr(text_of(a, "title"), text))
        href = strdup(text_of(a, "href"));
    }
    json_decref(v);
  }
  return href;
}

/* `bianmin scan` with the (shared, fake) clock at `at`. */
static void scan_at(long long at)
{
  const char *args[] = {"scan", NULL};
  harness_clock_set((time_t)at);
  assert_int_equal(server_cli(&server, args), 0);
}

static void to_public_notice(long long id)
{
  assert_int_equal(move(id, "first_review"), 303);
  assert_int_equal(move(id, "second_review"), 303);
  assert_int_equal(move(id, "public_notice"), 303);
}

static void test_public_notice_on_news(void **state)
{
  (void)state;
  char token[64], title[160];
  long long id = intake_of(sale_id, token);
  json_t *c = case_json(id);
  snprintf(title, sizeof(title), "公告：買賣移轉登記 %s", text_of(c, "number"));
  char *masked = strdup(text_of(c, "applicant_name_masked"));
  json_decref(c);
  assert_null(news_item(title));
  to_public_notice(id);
  char *href = news_item(title);
  assert_non_null(href);
  char *page = expect_page(&server, NULL, href, 200);
  expect_contains(page, masked);
  expect_lacks(page, "王小明");
  /* 30 days from Tuesday 2026-03-10, the last day a working day. */
  expect_contains(page, "2026-03-10");
  expect_contains(page, "2026-04-09");
  free(page);
  free(href);
  free(masked);
  /* Leaving the step takes it down. */
  assert_int_equal(move(id, "recording"), 303);
  href = news_item(title);
  assert_null(href);

  /* Another case's notice ends with its period: the scan takes it down then, not before. */
  long long other = intake_of(sale_id, token);
  c = case_json(other);
  snprintf(title, sizeof(title), "公告：買賣移轉登記 %s", text_of(c, "number"));
  json_decref(c);
  to_public_notice(other);
  href = news_item(title);
  assert_non_null(href);
  free(href);
  scan_at(START + 20LL * 86400);
  href = news_item(title);
  assert_non_null(href);
  free(href);
  scan_at(START + 40LL * 86400);
  assert_null(news_item(title));
}

/* Two nodes on one database: an edit saved through this server is taken by a case taken in on
 * the other at once (intake reads the newest version in its own transaction). */
static void test_second_node_takes_the_edit(void **state)
{
  (void)state;
  struct server node_b = {0};
  struct client clerk_b;
  struct response r;
  const char *env[] = {RATE_ENV_LOGIN, NULL};
  assert_int_equal(server_start_db(&node_b, server.db, false, env), 0);
  client_init(&clerk_b, &node_b);
  assert_int_equal(client_login(&clerk_b, usernames[CLERK], DEMO_PASSWORD), 303);

  char form[2048] = "", *location = NULL;
  harness_field(form, sizeof(form), "kind", "open");
  harness_field(form, sizeof(form), "name_zh", "第二節點看得到的名稱");
  harness_field(form, sizeof(form), "name_en", "Seen by the other node");
  harness_field(form, sizeof(form), "plain_zh", "說明。");
  harness_field(form, sizeof(form), "plain_en", "Words.");
  harness_field(form, sizeof(form), "appointment", "1");
  harness_field(form, sizeof(form), "notice_days", "0");
  const char *page = "/staff/admin/workflows/land_survey/steps/scheduled";
  assert_int_equal(post(ADMIN, page, page, form, &location, NULL), 303);
  long long version = strtoll(strstr(location, "saved=") + 6, NULL, 10);
  free(location);

  form[0] = '\0';
  char value[32];
  snprintf(value, sizeof(value), "%lld", service_id);
  harness_field(form, sizeof(form), "service_id", value);
  harness_field(form, sizeof(form), "applicant_name", "陳小華");
  harness_field(form, sizeof(form), "applicant_phone", "0912-345-678");
  harness_field(form, sizeof(form), "notify", "sms");
  harness_field(form, sizeof(form), "channel", "counter");
  harness_field(form, sizeof(form), "doc_0", "土地複丈申請書");
  assert_int_equal(client_get(&clerk_b, "/staff/intake", &r), 0);
  response_free(&r);
  assert_int_equal(client_post(&clerk_b, "/staff/intake", form, &r), 0);
  assert_int_equal(r.status, 303);
  location = response_header(&r, "Location");
  response_free(&r);
  assert_non_null(strstr(location, "?t="));
  char path[128];
  snprintf(path, sizeof(path), "/p/%s", strstr(location, "?t=") + 3);
  free(location);
  client_free(&clerk_b);
  server_stop(&node_b);

  /* Read back on this node through the citizen's link (the staff page would unseal the
   * applicant with node B's own key). */
  json_t *v = expect_view(&server, NULL, path, 200), *s;
  size_t i;
  bool listed = false;
  json_array_foreach(json_at(v, "case.steps"), i, s) listed |=
      !strcmp(text_of(s, "name"), "第二節點看得到的名稱");
  assert_true(listed);
  json_decref(v);
  assert_true(version > 1);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_only_admins),
      cmocka_unit_test(test_edit_makes_a_version_and_open_cases_stay),
      cmocka_unit_test(test_export_import_round_trip),
      cmocka_unit_test(test_second_node_takes_the_edit),
      cmocka_unit_test(test_public_notice_on_news), /* last: it moves the clock 40 days */
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
