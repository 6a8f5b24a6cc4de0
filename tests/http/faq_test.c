/*
 * faq_test.c - an office's FAQ as citizens see it today, so a rewrite of its read path shows any
 * change: the list by category (names, order, questions, links, summaries) in both languages,
 * search (hits, the count sentence, no results, a too long search), one question's page (answer,
 * breadcrumb, update date, the vote form), the "was this helpful?" vote with its CSRF token
 * (counted once, a thank-you instead of the form, forged or bad votes refused and not counted),
 * and the most read questions on the office home page. HTML and JSON.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define DEADLINE_Q "買賣移轉登記有申請期限嗎？逾期會怎樣？"
#define DEADLINE_A                                                                                 \
  "應於訂立契約之日起1個月內申請買賣移轉登記。逾期者每逾1個月加罰1倍登記費，最高罰至20倍。"
#define LAND_VALUE_Q "哪裡可以查公告土地現值？"

static struct server server;

/* The address of the question in the zh-TW list (copied into href). */
static void href_of(const char *question, char *href, size_t size)
{
  json_t *view = expect_view(&server, NULL, "/o/xinxing/faq", 200);
  json_t *group, *entry;
  size_t i, j;
  href[0] = '\0';
  json_array_foreach(json_at(view, "categories"), i, group)
  {
    json_array_foreach(json_at(group, "entries"), j, entry)
    {
      if (strcmp(json_text_at(entry, "question"), question) == 0)
        snprintf(href, size, "%s", json_text_at(entry, "href"));
    }
  }
  json_decref(view);
  if (!href[0])
    fail_msg("\"%s\" is not in the FAQ list", question);
}

/* "115年3月2日" or "2 Mar 2026": a date in words, nothing else. */
static void assert_date_text(const char *text, bool en)
{
  char *end;
  assert_non_null(text);
  long first = strtol(text, &end, 10);
  if (en) {
    assert_true(first >= 1 && first <= 31 && *end == ' ' && strlen(end) > 5 && end[4] == ' ');
    long year = strtol(end + 5, &end, 10);
    assert_true(year >= 2026 && *end == '\0');
    return;
  }
  assert_true(first >= 115 && strncmp(end, "年", strlen("年")) == 0);
  long month = strtol(end + strlen("年"), &end, 10);
  assert_true(month >= 1 && month <= 12 && strncmp(end, "月", strlen("月")) == 0);
  long day = strtol(end + strlen("月"), &end, 10);
  assert_true(day >= 1 && day <= 31 && strcmp(end, "日") == 0);
}

static int setup(void **state)
{
  const char *env[] = {"BIANMIN_RATE_PUBLIC=100000", NULL};
  return server_start(&server, env);
}

static int teardown(void **state)
{
  return server_stop(&server) == 0 ? 0 : -1;
}

static void test_list_by_category(void **state)
{
  static const char *const zh[] = {"登記", "測量", "謄本", "地價"};
  static const char *const en[] = {"Registration", "Surveying", "Transcripts", "Land value"};
  static const size_t sizes[] = {7, 2, 1, 1};
  json_t *view = expect_view(&server, NULL, "/o/xinxing/faq", 200);
  json_t *en_view = expect_view(&server, NULL, "/o/xinxing/faq?lang=en", 200);
  expect_text_at(view, "title", "常見問題");
  expect_text_at(en_view, "title", "Frequently asked questions");
  expect_text_at(view, "search.action", "/o/xinxing/faq");
  expect_text_at(view, "search.q", "");
  assert_int_equal(json_integer_value(json_at(view, "count")), 0);
  assert_int_equal(json_array_size(json_at(view, "categories")), 4);
  char path[64];
  for (size_t i = 0; i < 4; i++) {
    snprintf(path, sizeof(path), "categories.%zu.name", i);
    expect_text_at(view, path, zh[i]);
    expect_text_at(en_view, path, en[i]);
    snprintf(path, sizeof(path), "categories.%zu.index", i);
    assert_int_equal(json_integer_value(json_at(view, path)), i + 1);
    snprintf(path, sizeof(path), "categories.%zu.entries", i);
    assert_int_equal(json_array_size(json_at(view, path)), sizes[i]);
  }
  expect_text_at(view, "categories.0.entries.0.question", "買了房子要怎麼過戶？");
  expect_text_at(en_view, "categories.0.entries.0.question",
                 "How do I register the house I bought in my name?");
  expect_text_at(view, "categories.0.entries.1.question", DEADLINE_Q);
  expect_text_at(view, "categories.0.entries.1.summary", DEADLINE_A);
  expect_text_at(view, "categories.0.entries.1.answer.0", DEADLINE_A);
  expect_text_at(view, "categories.1.entries.0.question", "鑑界費用怎麼算？");
  expect_text_at(view, "categories.3.entries.0.question", LAND_VALUE_Q);
  const char *href = json_text_at(view, "categories.0.entries.1.href");
  assert_non_null(href);
  assert_int_equal(strncmp(href, "/o/xinxing/faq/", 15), 0);
  char link[160];
  snprintf(link, sizeof(link), "<a class=\"govuk-link\" href=\"%s\">", href);
  json_decref(view);
  json_decref(en_view);

  char *body = expect_page(&server, NULL, "/o/xinxing/faq", 200);
  expect_contains(body, "<h1 class=\"govuk-heading-xl\">常見問題</h1>");
  expect_contains(body, "<form class=\"bm-search\" action=\"/o/xinxing/faq\" method=\"get\"");
  expect_contains(body, "name=\"q\" type=\"search\" value=\"\"");
  expect_contains(body, "<h2 class=\"govuk-heading-l\" id=\"faq-category-1\">登記</h2>");
  expect_contains(body, "<h2 class=\"govuk-heading-l\" id=\"faq-category-4\">地價</h2>");
  expect_contains(body, "<span class=\"govuk-details__summary-text\">" DEADLINE_Q "</span>");
  expect_contains(body, link);
  expect_lacks(body, "id=\"faq-results\""); /* no search, no results heading */
  free(body);
  /* Another office's questions are its own. */
  body = expect_page(&server, NULL, "/o/kh-udd/faq", 200);
  expect_lacks(body, DEADLINE_Q);
  free(body);
  view = expect_view(&server, NULL, "/o/nowhere/faq", 404);
  json_decref(view);
}

/* The questions of the search results of view, as one "|"-joined line in sorted order. */
static void result_questions(json_t *view, char *out, size_t size)
{
  const char *q[8] = {0};
  size_t n = json_array_size(json_at(view, "results"));
  assert_true(n <= 8);
  for (size_t i = 0; i < n; i++) {
    char path[48];
    snprintf(path, sizeof(path), "results.%zu.question", i);
    q[i] = json_text_at(view, path);
    assert_non_null(q[i]);
  }
  for (size_t i = 1; i < n; i++) /* order is the ranking's: compare as a set */
    for (size_t j = i; j > 0 && strcmp(q[j - 1], q[j]) > 0; j--) {
      const char *t = q[j];
      q[j] = q[j - 1];
      q[j - 1] = t;
    }
  out[0] = '\0';
  for (size_t i = 0; i < n; i++)
    snprintf(out + strlen(out), size - strlen(out), "%s%s", i ? "|" : "", q[i]);
}

static void test_search(void **state)
{
  char line[512];
  json_t *view = expect_view(&server, NULL, "/o/xinxing/faq?q=%E9%91%91%E7%95%8C", 200); /* 鑑界 */
  expect_text_at(view, "search.q", "鑑界");
  assert_int_equal(json_integer_value(json_at(view, "count")), 2);
  assert_true(json_is_true(json_at(view, "has_results")));
  result_questions(view, line, sizeof(line));
  assert_string_equal(line, "申請鑑界後多久會來測量？|鑑界費用怎麼算？");
  assert_int_equal(json_array_size(json_at(view, "categories")), 4); /* the list stays */
  json_decref(view);
  char *body = expect_page(&server, NULL, "/o/xinxing/faq?q=%E9%91%91%E7%95%8C", 200);
  expect_contains(body, "<h2 class=\"govuk-heading-l\" id=\"faq-results\">搜尋結果</h2>");
  expect_contains(body, "找到 <strong>2</strong> 筆結果，您搜尋的是「鑑界」。");
  expect_contains(body, "<a class=\"govuk-link\" href=\"/o/xinxing/faq/");
  expect_contains(body, "name=\"q\" type=\"search\" value=\"鑑界\"");
  free(body);
  /* English words find English questions, whatever their case. */
  view = expect_view(&server, NULL, "/o/xinxing/faq?q=BOUNDARY&lang=en", 200);
  result_questions(view, line, sizeof(line));
  expect_contains(line, "How much does a boundary survey cost?");
  json_decref(view);
  /* Nothing found: zero, and what to do. */
  body = expect_page(&server, NULL, "/o/xinxing/faq?q=zzqqxx", 200);
  expect_contains(body, "找到 <strong>0</strong> 筆結果，您搜尋的是「zzqqxx」。");
  expect_contains(body, "找不到符合的問題。請試試其他說法，或瀏覽下方的分類。");
  free(body);
  body = expect_page(&server, NULL, "/o/xinxing/faq?q=zzqqxx&lang=en", 200);
  expect_contains(body, "Results found: <strong>0</strong>. You searched for &quot;zzqqxx&quot;.");
  expect_contains(body, "No question matches. Try other words, or browse the categories below.");
  free(body);
  view = expect_view(&server, NULL, "/o/xinxing/faq?q=zzqqxx", 200);
  assert_int_equal(json_integer_value(json_at(view, "count")), 0);
  assert_false(json_is_true(json_at(view, "has_results")));
  json_decref(view);
  /* A search of 101 characters is refused with a page that says why. */
  char path[1200];
  size_t used = (size_t)snprintf(path, sizeof(path), "/o/xinxing/faq?q=");
  for (int i = 0; i < 101; i++)
    used += (size_t)snprintf(path + used, sizeof(path) - used, "%%E9%%95%%B7");
  body = expect_page(&server, NULL, path, 400);
  expect_contains(body, "搜尋的文字太長了，請改用較短的關鍵字（100 個字以內）。");
  free(body);
}

static void test_entry_page(void **state)
{
  char href[128], path[160], vote[160];
  href_of(DEADLINE_Q, href, sizeof(href));
  snprintf(vote, sizeof(vote), "%s/vote", href);
  json_t *view = expect_view(&server, NULL, href, 200);
  expect_text_at(view, "title", DEADLINE_Q);
  expect_text_at(view, "entry.question", DEADLINE_Q);
  expect_text_at(view, "entry.answer.0", DEADLINE_A);
  expect_text_at(view, "entry.href", href);
  expect_text_at(view, "vote_action", vote);
  expect_text_at(view, "faq_href", "/o/xinxing/faq");
  expect_text_at(view, "office.name", "高雄市政府地政局新興地政事務所");
  assert_false(json_is_true(json_at(view, "thanks")));
  assert_true(json_is_integer(json_at(view, "helpful")));
  assert_true(json_is_integer(json_at(view, "not_helpful")));
  assert_date_text(json_text_at(view, "updated"), false);
  json_decref(view);
  snprintf(path, sizeof(path), "%s?lang=en", href);
  view = expect_view(&server, NULL, path, 200);
  expect_text_at(view, "entry.question", "Is there a deadline for registering a sale?");
  assert_date_text(json_text_at(view, "updated"), true);
  json_decref(view);

  char *body = expect_page(&server, NULL, href, 200);
  char form[220];
  snprintf(form, sizeof(form), "<form class=\"bm-vote\" action=\"%s\" method=\"post\">", vote);
  expect_contains(body, "<h1 class=\"govuk-heading-xl\">" DEADLINE_Q "</h1>");
  expect_contains(body, "<p class=\"govuk-body\">" DEADLINE_A "</p>");
  expect_contains(body,
                  "<a class=\"govuk-breadcrumbs__link\" href=\"/o/xinxing/faq\">常見問題</a>");
  expect_contains(body, form);
  expect_contains(body, "<input type=\"hidden\" name=\"csrf\" value=\"");
  expect_contains(body, "name=\"helpful\" value=\"yes\"");
  expect_contains(body, "name=\"helpful\" value=\"no\"");
  expect_contains(body, "這個回答對您有幫助嗎？");
  expect_contains(body, ">有幫助</button>");
  expect_contains(body, ">沒有幫助</button>");
  expect_contains(body, ">回到所有常見問題</a>");
  expect_contains(body, "本頁更新日期");
  free(body);
  body = expect_page(&server, NULL, path, 200);
  expect_contains(body, "Was this answer helpful?");
  expect_contains(body, "Back to all questions");
  free(body);
  static const char *const missing[] = {"/o/xinxing/faq/99999", "/o/xinxing/faq/abc",
                                        "/o/xinxing/faq/0"};
  for (size_t i = 0; i < 3; i++)
    free(expect_page(&server, NULL, missing[i], 404));
  /* A question of this office is not one of another office's. */
  snprintf(path, sizeof(path), "/o/kh-udd/faq/%s", href + strlen("/o/xinxing/faq/"));
  free(expect_page(&server, NULL, path, 404));
}

static json_int_t count_of(const char *href, const char *field)
{
  json_t *view = expect_view(&server, NULL, href, 200);
  json_int_t n = json_integer_value(json_at(view, field));
  json_decref(view);
  return n;
}

static long vote(struct client *c, const char *href, const char *form, char **location)
{
  char path[160];
  struct response r;
  snprintf(path, sizeof(path), "%s/vote", href);
  assert_int_equal(client_post(c, path, form, &r), 0);
  long status = r.status;
  if (location)
    *location = response_header(&r, "Location");
  response_free(&r);
  return status;
}

static void test_vote_with_csrf(void **state)
{
  char href[128], thanks[160];
  href_of("過戶要繳哪些規費？", href, sizeof(href));
  json_int_t yes = count_of(href, "helpful"), no = count_of(href, "not_helpful");
  struct client citizen, other;
  struct response r;
  client_init(&citizen, &server);
  client_init(&other, &server);
  assert_int_equal(client_get(&citizen, href, &r), 0); /* the page gives the token */
  response_free(&r);
  char *location = NULL;
  assert_int_equal(vote(&citizen, href, "helpful=no", &location), 303);
  snprintf(thanks, sizeof(thanks), "%s?thanks=1", href);
  assert_non_null(location);
  assert_string_equal(location, thanks);
  free(location);
  assert_int_equal(count_of(href, "not_helpful"), no + 1);
  assert_int_equal(count_of(href, "helpful"), yes);
  /* The thank-you page: a banner instead of the form. */
  char *body = expect_page(&server, NULL, thanks, 200);
  expect_contains(body, "謝謝您的回饋，我們會用來改善回答。");
  expect_lacks(body, "class=\"bm-vote\"");
  free(body);
  json_t *view = expect_view(&server, NULL, thanks, 200);
  assert_true(json_is_true(json_at(view, "thanks")));
  json_decref(view);
  body = expect_page(&server, NULL, "/o/xinxing/faq/1?thanks=1&lang=en", 200);
  expect_contains(body, "Thank you for your feedback; we use it to improve our answers.");
  free(body);

  /* Refused and not counted: no token, another visitor's token, no choice, a bad choice. */
  static const char *const form_type[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
  char path[160];
  snprintf(path, sizeof(path), "%s/vote", href);
  assert_int_equal(http_call(&server, "POST", path, form_type, "helpful=yes", 11, &r), 0);
  assert_int_equal(r.status, 403);
  response_free(&r);
  assert_int_equal(client_get(&other, href, &r), 0);
  response_free(&r);
  snprintf(other.csrf, sizeof(other.csrf), "%s", citizen.csrf);
  assert_int_equal(vote(&other, href, "helpful=yes", NULL), 403);
  assert_int_equal(client_get(&citizen, href, &r), 0);
  response_free(&r);
  assert_int_equal(client_post(&citizen, path, "helpful=maybe", &r), 0);
  assert_int_equal(r.status, 400);
  expect_contains(r.body, "請選擇「有幫助」或「沒有幫助」後再送出。");
  response_free(&r);
  assert_int_equal(vote(&citizen, href, "", NULL), 400);
  assert_int_equal(vote(&citizen, "/o/xinxing/faq/99999", "helpful=yes", NULL), 404);
  client_free(&citizen);
  client_free(&other);
  assert_int_equal(count_of(href, "helpful"), yes);
  assert_int_equal(count_of(href, "not_helpful"), no + 1);
}

static void test_most_read_on_the_home_page(void **state)
{
  char href[128];
  href_of(LAND_VALUE_Q, href, sizeof(href));
  /* More reads than any other question gets in this file. */
  for (int i = 0; i < 30; i++)
    free(expect_page(&server, NULL, href, 200));
  json_t *home = expect_view(&server, NULL, "/o/xinxing/", 200);
  assert_true(json_is_true(json_at(home, "has_top_faq")));
  expect_text_at(home, "top_faq.0.question", LAND_VALUE_Q);
  expect_text_at(home, "top_faq.0.href", href);
  expect_text_at(home, "faq_href", "/o/xinxing/faq");
  assert_int_equal(json_array_size(json_at(home, "top_faq")), 5);
  json_decref(home);
  char *body = expect_page(&server, NULL, "/o/xinxing/", 200);
  expect_contains(body, "民眾最常問");
  expect_contains(body, LAND_VALUE_Q);
  free(body);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_list_by_category),
      cmocka_unit_test(test_search),
      cmocka_unit_test(test_entry_page),
      cmocka_unit_test(test_vote_with_csrf),
      cmocka_unit_test(test_most_read_on_the_home_page),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
