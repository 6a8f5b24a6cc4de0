/*
 * news_test.c - an office's announcements as citizens see them today, so a rewrite of their read
 * path shows any change: the current list and the archive (titles, kinds, posting periods as
 * dates in words, links, order), one announcement's page (body paragraphs, period, QR code, the
 * "has ended" notice), and which announcement shows where by its dates: one not started yet and
 * one unpublished show nowhere and answer 404, one ended is in the archive only.
 *
 * The news pages read the real date in Taipei (not BIANMIN_FAKE_NOW), and `bianmin demo` moves
 * the demo notices to today, so this test imports its own announcements dated days away from
 * today; a check that fails after the date in Taipei changed (since setup) skips instead.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "harness.h"

enum { DAY = 86400, TAIPEI = 8 * 3600 };

static struct server server;
static time_t today_noon; /* noon of the day the announcements were dated from */
static long long current_id, future_id, ended_id, hidden_id;

/* Noon (UTC clock arithmetic) of today's date in Taipei. */
static time_t taipei_today_noon(void)
{
  time_t local = time(NULL) + TAIPEI;
  return local - local % DAY + DAY / 2;
}

/* A check about dates failed: when the day in Taipei has changed since the announcements were
 * dated, the expectation is stale, not the server; skip instead of failing. */
static void date_may_have_changed(void)
{
  if (taipei_today_noon() != today_noon)
    skip();
}

static void assert_contains(const char *haystack, const char *needle)
{
  if (!haystack || !strstr(haystack, needle))
    date_may_have_changed();
  if (!haystack || !strstr(haystack, needle))
    fail_msg("expected \"%s\" in:\n%.3000s", needle, haystack ? haystack : "(null)");
}

static void assert_lacks(const char *haystack, const char *needle)
{
  if (haystack && strstr(haystack, needle))
    date_may_have_changed();
  if (haystack && strstr(haystack, needle))
    fail_msg("did not expect \"%s\" in:\n%.3000s", needle, haystack);
}

static void expect_text(json_t *view, const char *path, const char *expected)
{
  const char *got = json_text_at(view, path);
  if (!got || strcmp(got, expected) != 0)
    date_may_have_changed();
  if (!got || strcmp(got, expected) != 0)
    fail_msg("%s is \"%s\", expected \"%s\"", path, got ? got : "(missing)", expected);
}

/* The date days from today_noon as ISO, ROC words or English words. */
enum date_form { ISO, ROC, ENGLISH };
static void date_of(int days, enum date_form form, char *out, size_t size)
{
  static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  time_t t = today_noon + (time_t)days * DAY;
  struct tm tm;
  gmtime_r(&t, &tm);
  if (form == ISO)
    snprintf(out, size, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  else if (form == ROC)
    snprintf(out, size, "%d年%d月%d日", tm.tm_year + 1900 - 1911, tm.tm_mon + 1, tm.tm_mday);
  else
    snprintf(out, size, "%d %s %d", tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900);
}

static int write_announcements(const char *path)
{
  char d[6][48];
  static const int offsets[] = {-2, 3, 3, 10, -10, -3};
  for (int i = 0; i < 6; i++)
    date_of(offsets[i], ISO, d[i], sizeof(d[i]));
  FILE *f = fopen(path, "w");
  if (!f)
    return -1;
  fprintf(f,
          "{\"format\": \"bianmin-catalog\", \"version\": 1, \"announcements\": [\n"
          "{\"slug\": \"t-current\", \"kind\": \"general\", \"title_zh\": \"測試：目前的公告\", "
          "\"title_en\": \"Test: a current notice\", \"body_zh\": \"第一段。\\n第二段。\", "
          "\"body_en\": \"First part.\\nSecond part.\", \"starts_on\": \"%s\", "
          "\"ends_on\": \"%s\", \"published\": true},\n"
          "{\"slug\": \"t-future\", \"kind\": \"general\", \"title_zh\": \"測試：尚未開始\", "
          "\"title_en\": \"Test: not started\", \"starts_on\": \"%s\", \"ends_on\": \"%s\", "
          "\"published\": true},\n"
          "{\"slug\": \"t-ended\", \"kind\": \"lost_deed_notice\", \"title_zh\": \"測試：已結束\", "
          "\"title_en\": \"Test: ended\", \"body_zh\": \"已公告期滿。\", \"body_en\": \"Over.\", "
          "\"starts_on\": \"%s\", \"ends_on\": \"%s\", \"published\": true},\n"
          "{\"slug\": \"t-hidden\", \"kind\": \"general\", \"title_zh\": \"測試：未發布\", "
          "\"title_en\": \"Test: unpublished\", \"starts_on\": \"%s\", \"ends_on\": \"%s\", "
          "\"published\": false}]}\n",
          d[0], d[1], d[2], d[3], d[4], d[5], d[0], d[1]);
  return fclose(f) == 0 ? 0 : -1;
}

static int setup(void **state)
{
  const char *env[] = {"BIANMIN_RATE_PUBLIC=100000", NULL};
  char path[400];
  today_noon = taipei_today_noon(); /* before `bianmin demo` dates the demo's notices */
  if (server_start(&server, env))
    return -1;
  snprintf(path, sizeof(path), "%s/announcements.json", server.dir);
  const char *args[] = {"catalog-import", "--office", "xinxing", path, NULL};
  return write_announcements(path) || server_cli(&server, args) != 0 ? -1 : 0;
}

static int teardown(void **state)
{
  return server_stop(&server) == 0 ? 0 : -1;
}

/* The id in an announcement's href "/o/xinxing/news/<id>". */
static long long id_of(const char *href)
{
  assert_non_null(href);
  assert_int_equal(strncmp(href, "/o/xinxing/news/", 16), 0);
  return strtoll(href + 16, NULL, 10);
}

static void test_current_list(void **state)
{
  char starts[48], ends[48], href[96], path[128];
  json_t *view = expect_view(&server, NULL, "/o/xinxing/news", 200);
  expect_text(view, "title", "最新消息與公告");
  assert_false(json_is_true(json_at(view, "archive")));
  expect_text(view, "other_href", "/o/xinxing/news/archive");
  /* Ours (started 2 days ago) and the demo's two current notices, latest start first. */
  assert_int_equal(json_array_size(json_at(view, "announcements")), 3);
  expect_text(view, "announcements.0.title", "測試：目前的公告");
  expect_text(view, "announcements.0.kind", "general");
  expect_text(view, "announcements.0.kind_label", "一般公告");
  expect_text(view, "announcements.1.title", "書狀補給公告：新興區大港段一小段123地號所有權狀遺失");
  expect_text(view, "announcements.1.kind_label", "書狀補給公告");
  expect_text(view, "announcements.2.title", "中午不打烊：謄本及登記櫃台午休時間照常服務");
  expect_text(view, "announcements.2.kind_label", "服務異動");
  assert_false(json_is_true(json_at(view, "announcements.0.archived")));
  current_id = id_of(json_text_at(view, "announcements.0.href"));
  snprintf(href, sizeof(href), "/o/xinxing/news/%lld", current_id);
  snprintf(path, sizeof(path), "%s/qr.svg", href);
  expect_text(view, "announcements.0.qr_src", path);
  date_of(-2, ROC, starts, sizeof(starts));
  date_of(3, ROC, ends, sizeof(ends));
  expect_text(view, "announcements.0.starts", starts);
  expect_text(view, "announcements.0.ends", ends);
  date_of(-5, ROC, starts, sizeof(starts)); /* the demo's lost deed: 2026-02-05 as of 02-10 */
  date_of(24, ROC, ends, sizeof(ends));
  expect_text(view, "announcements.1.starts", starts);
  expect_text(view, "announcements.1.ends", ends);
  json_decref(view);
  char *body = expect_page(&server, NULL, "/o/xinxing/news", 200);
  char line[300];
  assert_contains(body, "<h1 class=\"govuk-heading-xl\">最新消息與公告</h1>");
  snprintf(line, sizeof(line), "<a class=\"govuk-link\" href=\"%s\">測試：目前的公告</a>", href);
  assert_contains(body, line);
  date_of(-2, ROC, starts, sizeof(starts));
  date_of(3, ROC, ends, sizeof(ends));
  snprintf(line, sizeof(line),
           "<strong class=\"govuk-tag govuk-tag--grey\">一般公告</strong> 公告期間：%s 至 %s",
           starts, ends);
  assert_contains(body, line);
  assert_contains(body, "<a class=\"govuk-link\" href=\"/o/xinxing/news/archive\">"
                        "查看已結束的公告</a>");
  assert_lacks(body, "測試：尚未開始");
  assert_lacks(body, "測試：已結束");
  assert_lacks(body, "測試：未發布");
  free(body);
  body = expect_page(&server, NULL, "/o/xinxing/news?lang=en", 200);
  date_of(-2, ENGLISH, starts, sizeof(starts));
  date_of(3, ENGLISH, ends, sizeof(ends));
  snprintf(line, sizeof(line),
           "<strong class=\"govuk-tag govuk-tag--grey\">Notice</strong> "
           "Posted %s to %s",
           starts, ends);
  assert_contains(body, "News and public notices");
  assert_contains(body, "Test: a current notice");
  assert_contains(body, line);
  free(body);
}

static void test_archive(void **state)
{
  char starts[48], ends[48];
  json_t *view = expect_view(&server, NULL, "/o/xinxing/news/archive", 200);
  expect_text(view, "title", "已結束的公告");
  assert_true(json_is_true(json_at(view, "archive")));
  expect_text(view, "other_href", "/o/xinxing/news");
  assert_int_equal(json_array_size(json_at(view, "announcements")), 2);
  expect_text(view, "announcements.0.title", "測試：已結束");
  expect_text(view, "announcements.0.kind_label", "書狀補給公告");
  assert_true(json_is_true(json_at(view, "announcements.0.archived")));
  expect_text(view, "announcements.1.title", "書狀補給公告：新興區新興段二小段45地號所有權狀遺失");
  date_of(-10, ROC, starts, sizeof(starts));
  date_of(-3, ROC, ends, sizeof(ends));
  expect_text(view, "announcements.0.starts", starts);
  expect_text(view, "announcements.0.ends", ends);
  ended_id = id_of(json_text_at(view, "announcements.0.href"));
  json_decref(view);
  char *body = expect_page(&server, NULL, "/o/xinxing/news/archive?lang=en", 200);
  assert_contains(body, "<h1 class=\"govuk-heading-xl\">Past notices</h1>");
  assert_contains(body, "Notices whose posting period has ended, kept for reference.");
  assert_contains(body, "Test: ended");
  assert_contains(body, ">See current notices</a>");
  assert_lacks(body, "Test: a current notice");
  free(body);
}

static void need_ids(void)
{
  if (!current_id)
    test_current_list(NULL);
  if (!ended_id)
    test_archive(NULL);
  /* One import inserts in document order: the ones never listed sit between and after. */
  assert_int_equal(ended_id, current_id + 2);
  future_id = current_id + 1;
  hidden_id = current_id + 3;
}

static void test_entry_pages(void **state)
{
  char path[96], starts[48], ends[48], line[200];
  need_ids();
  snprintf(path, sizeof(path), "/o/xinxing/news/%lld", current_id);
  json_t *view = expect_view(&server, NULL, path, 200);
  expect_text(view, "title", "測試：目前的公告");
  expect_text(view, "news_href", "/o/xinxing/news");
  expect_text(view, "announcement.body.0", "第一段。");
  expect_text(view, "announcement.body.1", "第二段。");
  assert_int_equal(json_array_size(json_at(view, "announcement.body")), 2);
  assert_false(json_is_true(json_at(view, "announcement.archived")));
  json_decref(view);
  char *body = expect_page(&server, NULL, path, 200);
  date_of(-2, ROC, starts, sizeof(starts));
  date_of(3, ROC, ends, sizeof(ends));
  assert_contains(body, "<span class=\"govuk-caption-l\">一般公告</span>");
  assert_contains(body, "<h1 class=\"govuk-heading-xl\">測試：目前的公告</h1>");
  assert_contains(body, "<p class=\"govuk-body\">第一段。</p>");
  assert_contains(body, "<p class=\"govuk-body\">第二段。</p>");
  snprintf(line, sizeof(line), "<dd class=\"govuk-summary-list__value\">%s 至 %s</dd>", starts,
           ends);
  assert_contains(body, line);
  snprintf(line, sizeof(line), "<img src=\"/o/xinxing/news/%lld/qr.svg\"", current_id);
  assert_contains(body, line);
  assert_contains(body, "<a class=\"govuk-breadcrumbs__link\" href=\"/o/xinxing/news\">"
                        "最新消息與公告</a>");
  assert_lacks(body, "這則公告的公告期間已經結束。");
  free(body);
  snprintf(path, sizeof(path), "/o/xinxing/news/%lld?lang=en", current_id);
  body = expect_page(&server, NULL, path, 200);
  assert_contains(body, "<p class=\"govuk-body\">Second part.</p>");
  free(body);
  /* Ended: still readable, and says so. */
  snprintf(path, sizeof(path), "/o/xinxing/news/%lld", ended_id);
  body = expect_page(&server, NULL, path, 200);
  assert_contains(body, "<div class=\"govuk-inset-text\">這則公告的公告期間已經結束。</div>");
  free(body);
  view = expect_view(&server, NULL, path, 200);
  assert_true(json_is_true(json_at(view, "announcement.archived")));
  json_decref(view);
  /* The QR code of an announcement names its address. */
  struct response r;
  snprintf(path, sizeof(path), "/o/xinxing/news/%lld/qr.svg", current_id);
  assert_int_equal(http_get(&server, path, &r), 0);
  assert_int_equal(r.status, 200);
  snprintf(line, sizeof(line), "<title>http://127.0.0.1:%d/o/xinxing/news/%lld</title>",
           server.port, current_id);
  assert_contains(r.body, line);
  response_free(&r);
}

static void test_not_started_and_unpublished_show_nowhere(void **state)
{
  char path[96];
  need_ids();
  long long ids[] = {future_id, hidden_id};
  for (size_t i = 0; i < 2; i++) {
    snprintf(path, sizeof(path), "/o/xinxing/news/%lld", ids[i]);
    free(expect_page(&server, NULL, path, 404));
    snprintf(path, sizeof(path), "/o/xinxing/news/%lld/qr.svg", ids[i]);
    free(expect_page(&server, NULL, path, 404));
  }
  static const char *const lists[] = {"/o/xinxing/news", "/o/xinxing/news/archive",
                                      "/o/xinxing/news?lang=en"};
  for (size_t i = 0; i < 3; i++) {
    char *body = expect_page(&server, NULL, lists[i], 200);
    assert_lacks(body, "尚未開始");
    assert_lacks(body, "未發布");
    assert_lacks(body, "not started");
    assert_lacks(body, "unpublished");
    free(body);
  }
  /* Another office's announcement is not this office's; nonsense ids are not found. */
  snprintf(path, sizeof(path), "/o/kh-udd/news/%lld", current_id);
  free(expect_page(&server, NULL, path, 404));
  free(expect_page(&server, NULL, "/o/xinxing/news/abc", 404));
  json_t *view = expect_view(&server, NULL, "/o/xinxing/news/0", 404);
  expect_text(view, "code", "not_found");
  json_decref(view);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_current_list),
      cmocka_unit_test(test_archive),
      cmocka_unit_test(test_entry_pages),
      cmocka_unit_test(test_not_started_and_unpublished_show_nowhere),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
