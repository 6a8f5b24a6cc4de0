/*
 * fts_test.c - the search tokeniser (base/search.h): CJK bigrams, lone characters, Latin words
 * folded to lowercase, full-width input, query terms with synonyms; and the FTS5 index through
 * the store finding Chinese and English text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/arena.h"
#include "base/search.h"
#include "store/store.h"
#include "base/common.h"

struct collected {
  char text[1024];
  size_t count;
  size_t starts[64], ends[64];
};

static int collect(void *ctx, const char *token, size_t len, size_t start, size_t end)
{
  struct collected *c = ctx;
  size_t used = strlen(c->text);
  snprintf(c->text + used, sizeof(c->text) - used, "%s%.*s", used ? "|" : "", (int)len, token);
  if (c->count < 64) {
    c->starts[c->count] = start;
    c->ends[c->count] = end;
  }
  c->count++;
  return 0;
}

static void assert_tokens(const char *text, const char *expected)
{
  struct collected c = {0};
  assert_int_equal(search_tokens(text, strlen(text), collect, &c), 0);
  assert_string_equal(c.text, expected);
}

static void test_cjk_bigrams(void **state)
{
  assert_tokens("買賣移轉登記", "買賣|賣移|移轉|轉登|登記");
  assert_tokens("過戶", "過戶");
  assert_tokens("地", "地");                /* a lone character is a unigram */
  assert_tokens("權狀、遺失", "權狀|遺失"); /* punctuation separates */
  assert_tokens("鑑界 地號", "鑑界|地號");
}

static void test_latin_words_lowercase(void **state)
{
  assert_tokens("Registration of a Mortgage", "registration|of|a|mortgage");
  assert_tokens("NT$80 per-deed", "nt|80|per|deed");
}

static void test_full_width_is_ascii(void **state)
{
  assert_tokens("ＭＯＲＴＧＡＧＥ　１２３", "mortgage|123");
  assert_tokens("１２３地號", "123|地號");
}

static void test_mixed_and_offsets(void **state)
{
  struct collected c = {0};
  const char *text = "A12 鑑界";
  assert_int_equal(search_tokens(text, strlen(text), collect, &c), 0);
  assert_string_equal(c.text, "a12|鑑界");
  assert_int_equal(c.starts[0], 0);
  assert_int_equal(c.ends[0], 3);
  assert_int_equal(c.starts[1], 4);
  assert_int_equal(c.ends[1], strlen(text));
}

static void test_invalid_utf8_separates(void **state)
{
  const char bad[] = "ab\xff\xfe"
                     "cd";
  struct collected c = {0};
  assert_int_equal(search_tokens(bad, sizeof(bad) - 1, collect, &c), 0);
  assert_string_equal(c.text, "ab|cd");
}

static void test_terms_and_synonyms(void **state)
{
  struct arena *arena = arena_new(64 * 1024);
  struct search_term terms[SEARCH_TERMS_MAX];
  size_t count = 0;
  assert_int_equal(search_terms(arena, "買賣　過戶", terms, &count), ST_OK);
  assert_int_equal(count, 2);
  assert_string_equal(terms[0].variants[0], "買賣");
  assert_int_equal(terms[0].variant_count, 1);
  assert_string_equal(terms[1].variants[0], "過戶");
  assert_int_equal(terms[1].variant_count, 2);
  assert_string_equal(terms[1].variants[1], "移轉");
  assert_int_equal(search_terms(arena, "權狀遺失", terms, &count), ST_OK);
  assert_int_equal(count, 1);
  assert_true(terms[0].variant_count >= 2);
  assert_string_equal(terms[0].variants[1], "書狀遺失");
  assert_int_equal(search_terms(arena, "Mortgage", terms, &count), ST_OK);
  assert_string_equal(terms[0].variants[0], "mortgage");
  assert_true(terms[0].latin);
  assert_int_equal(search_terms(arena, "地", terms, &count), ST_OK);
  assert_true(terms[0].lone_cjk);
  assert_int_equal(search_terms(arena, " 、。 ", terms, &count), ST_OK);
  assert_int_equal(count, 0);
  arena_free(arena);
}

static void test_synonym_table(void **state)
{
  size_t n = 0;
  const struct search_synonym *list = search_synonyms(&n);
  assert_true(n >= 15);
  for (size_t i = 0; i < n; i++) {
    assert_true(strlen(list[i].from) > 0);
    assert_true(strcmp(list[i].from, list[i].to) != 0);
  }
}

/* The index through the store: Chinese with synonyms, English, full-width, single characters. */
static void test_store_search(void **state)
{
  char dir[] = "/tmp/bianmin-fts-XXXXXX", path[128], err[256];
  assert_non_null(mkdtemp(dir));
  snprintf(path, sizeof(path), "%s/t.db", dir);
  struct store *store = NULL;
  assert_int_equal(store_open(path, &store, err, sizeof(err)), ST_OK);
  assert_int_equal(store_migrate(store, NULL), ST_OK);
  json_t *office = json_pack("{s:s, s:s, s:s}", "slug", "fts", "name_zh", "測試", "kind", "land");
  int64_t office_id = 0, id = 0;
  assert_int_equal(store_office_put(store, office, &office_id), ST_OK);
  json_decref(office);
  json_t *sale =
      json_pack("{s:s, s:s, s:s, s:s, s:i, s:b}", "slug", "sale", "name_zh", "買賣移轉登記",
                "name_en", "Transfer of ownership by sale", "summary_zh",
                "買賣土地後申請所有權移轉登記", "time_limit_minutes", 1440, "published", 1);
  json_t *mortgage =
      json_pack("{s:s, s:s, s:s, s:i, s:b}", "slug", "mortgage", "name_zh", "抵押權設定登記",
                "name_en", "Registration of a mortgage", "time_limit_minutes", 480, "published", 1);
  assert_int_equal(store_service_put(store, office_id, sale, &id, NULL), ST_OK);
  assert_int_equal(store_service_put(store, office_id, mortgage, &id, NULL), ST_OK);
  json_decref(sale);
  json_decref(mortgage);
  static const struct {
    const char *query;
    const char *first_slug; /* NULL: no result */
  } cases[] = {
      {"買賣 過戶", "sale"},
      {"過戶", "sale"},
      {"mortgage", "mortgage"},
      {"MORTGAGES", NULL},
      {"ｍｏｒｔｇａｇｅ", "mortgage"},
      {"抵押權", "mortgage"},
      {"押", "mortgage"},
      {"買賣 抵押", NULL},
      {"房貸", "mortgage"},
      {"mort", "mortgage"},
      {"鑑界", NULL},
  };
  for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
    json_t *hits = NULL;
    assert_int_equal(store_search(store, office_id, cases[i].query, "2026-02-10", 10, &hits),
                     ST_OK);
    if (!cases[i].first_slug && json_array_size(hits) != 0)
      fail_msg("%s: expected nothing", cases[i].query);
    if (cases[i].first_slug &&
        (json_array_size(hits) == 0 ||
         strcmp(json_string_value(json_object_get(json_array_get(hits, 0), "slug")),
                cases[i].first_slug) != 0))
      fail_msg("%s: expected %s first", cases[i].query, cases[i].first_slug);
    json_decref(hits);
  }
  store_close(store);
  snprintf(path, sizeof(path), "rm -rf '%s'", dir);
  assert_int_equal(system(path), 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_cjk_bigrams),
      cmocka_unit_test(test_latin_words_lowercase),
      cmocka_unit_test(test_full_width_is_ascii),
      cmocka_unit_test(test_mixed_and_offsets),
      cmocka_unit_test(test_invalid_utf8_separates),
      cmocka_unit_test(test_terms_and_synonyms),
      cmocka_unit_test(test_synonym_table),
      cmocka_unit_test(test_store_search),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
