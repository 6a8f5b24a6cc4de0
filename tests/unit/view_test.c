/*
 * view_test.c - the arena view model (render/view.h): the official mustache spec rendered from
 * native views (not jansson), JSON text identical to jansson's for the same tree, lookups in
 * small and indexed maps, replacing members, lazy values computed once and only when read, and
 * the builder's sticky failure when the arena runs out.
 */
#include <stdarg.h>
#include <sys/mman.h>
#include <unistd.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/arena.h"
#include "base/buf.h"
#include "render/mustache.h"
#include "render/view.h"
#include "base/common.h"

#define SPEC_DIR BIANMIN_SOURCE_DIR "/tests/conformance/mustache-spec/"

enum { TEST_OUT_MAX = 1024 * 1024, TEST_ARENA = 64 * 1024 * 1024 };

/* A jansson value as a native view: maps, lists, texts, integers and booleans; reals (which
 * views do not have) stay jansson values walked in place. */
static struct view native(struct view_builder *b, json_t *j)
{
  switch (json_typeof(j)) {
  case JSON_OBJECT: {
    struct view_map *m = view_map(b);
    const char *key;
    json_t *value;
    json_object_foreach(j, key, value) view_add(b, m, key, native(b, value));
    return view_of_map(m);
  }
  case JSON_ARRAY: {
    struct view_list *l = view_list(b);
    size_t i;
    json_t *value;
    json_array_foreach(j, i, value) view_push(b, l, native(b, value));
    return view_of_list(l);
  }
  case JSON_STRING:
    return view_textn(json_string_value(j), json_string_length(j));
  case JSON_INTEGER:
    return view_int(json_integer_value(j));
  case JSON_TRUE:
    return view_bool(true);
  case JSON_FALSE:
    return view_bool(false);
  case JSON_REAL:
    return view_json(j);
  default:
    return view_null();
  }
}

static int run_case(const char *file, json_t *test)
{
  const char *name = json_string_value(json_object_get(test, "name"));
  json_t *tpl = json_object_get(test, "template");
  const char *expected = json_string_value(json_object_get(test, "expected"));
  char err[256] = "";
  struct buf out;
  struct arena *arena = arena_new(TEST_ARENA);
  struct view_builder b = view_builder(arena);
  struct view data = native(&b, json_object_get(test, "data"));
  struct mustache_set *set = mustache_set_new();
  const char *key;
  json_t *value;
  int rc = view_done(&b), failed = 1;
  buf_init(&out, TEST_OUT_MAX);
  assert_non_null(set);
  json_object_foreach(json_object_get(test, "partials"), key, value)
  {
    if (!rc)
      rc = mustache_set_add(set, key, json_string_value(value), json_string_length(value), err,
                            sizeof(err));
  }
  if (!rc)
    rc = mustache_set_add(set, "main", json_string_value(tpl), json_string_length(tpl), err,
                          sizeof(err));
  if (!rc)
    rc = mustache_render_views(set, "main", &data, 1, &out);
  if (rc)
    printf("FAIL %s / %s: status %d %s\n", file, name, rc, err);
  else if (strcmp(out.data ? out.data : "", expected) != 0)
    printf("FAIL %s / %s:\n  expected [%s]\n  got      [%s]\n", file, name, expected,
           out.data ? out.data : "");
  else
    failed = 0;
  mustache_set_free(set);
  buf_free(&out);
  arena_free(arena);
  return failed;
}

/* Every case of every required spec file (and dynamic names), rendered from native views. */
static void spec_from_views(void **state)
{
  static const char *const files[] = {"comments.json",      "delimiters.json", "interpolation.json",
                                      "inverted.json",      "partials.json",   "sections.json",
                                      "~dynamic-names.json"};
  size_t cases = 0, failures = 0;
  for (size_t f = 0; f < ARRAY_LEN(files); f++) {
    char path[512];
    json_error_t error;
    snprintf(path, sizeof(path), "%s%s", SPEC_DIR, files[f]);
    json_t *spec = json_load_file(path, 0, &error);
    if (!spec)
      fail_msg("cannot read %s: %s", path, error.text);
    size_t i;
    json_t *test;
    json_array_foreach(json_object_get(spec, "tests"), i, test)
    {
      failures += (size_t)run_case(files[f], test);
      cases++;
    }
    json_decref(spec);
  }
  printf("%zu spec cases from native views, %zu failed\n", cases, failures);
  assert_true(cases > 100);
  assert_int_equal(failures, 0);
}

/* The same tree written by view_write_json and by jansson (through view_to_json) is the same
 * text: quotes, backslashes, control characters, non-ASCII, negative and large integers. */
static void json_text_as_jansson(void **state)
{
  struct arena *arena = arena_new(TEST_ARENA);
  struct view_builder b = view_builder(arena);
  struct view_map *m = view_map(&b), *inner = view_map(&b);
  struct view_list *l = view_list(&b);
  static const char tricky[] = "say \"hi\" \\ \x01\x1f\b\f\n\r\t / 中文 \xe2\x80\xa8 end";
  view_add_text(&b, m, "text", tricky);
  view_add_text(&b, m, "empty", "");
  view_add_text(&b, m, "null text", NULL);
  view_add_int(&b, m, "neg", INT64_MIN);
  view_add_int(&b, m, "big", INT64_MAX);
  view_add_bool(&b, m, "yes", true);
  view_add_bool(&b, m, "no", false);
  view_add(&b, m, "nothing", view_null());
  view_add(&b, m, "quote\"key\x02", view_int(0));
  for (int i = 0; i < 20; i++)
    view_push(&b, l, view_int(i * 7));
  view_add(&b, m, "list", view_of_list(l));
  view_add(&b, m, "empty list", view_of_list(view_list(&b)));
  view_add(&b, inner, "deep", view_text("x"));
  view_add(&b, m, "map", view_of_map(inner));
  json_t *j = json_pack("{s:[i, s, {s:b}], s:f}", "a", 1, "b\n", "c", 0, "r", 1.5);
  view_add(&b, m, "jansson", view_json(j));
  assert_int_equal(view_done(&b), ST_OK);

  struct buf out;
  buf_init(&out, TEST_OUT_MAX);
  assert_int_equal(view_write_json(&out, view_of_map(m)), ST_OK);
  json_t *converted = view_to_json(view_of_map(m));
  char *expected = json_dumps(converted, JSON_COMPACT);
  assert_non_null(expected);
  assert_string_equal(out.data, expected);
  json_t *back = json_loads(out.data, 0, NULL); /* and it parses */
  assert_non_null(back);
  assert_string_equal(json_string_value(json_object_get(back, "text")), tricky);
  free(expected);
  json_decref(back);
  json_decref(converted);
  json_decref(j);
  buf_free(&out);
  arena_free(arena);
}

/* Every byte a JSON string must escape, and a plain one, at every place in strings of 1 to 40
 * bytes (across the 16-byte blocks the writer scans), some ending just before a page boundary
 * (the short-string scan must neither fault nor look past the end): each written as jansson
 * writes it. */
static void json_escapes_everywhere(void **state)
{
  static const unsigned char bytes[] = {'"', '\\', 0x01, 0x1f, '\n', '\t', 0x7f, '/', 'a', ' '};
  long page = sysconf(_SC_PAGESIZE);
  char *pages =
      mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  assert_true(pages != MAP_FAILED);
  assert_int_equal(mprotect(pages + page, (size_t)page, PROT_NONE), 0); /* reads past fault */
  size_t checked = 0;
  for (size_t len = 1; len <= 40; len++)
    for (size_t at = 0; at < len; at++)
      for (size_t k = 0; k < sizeof(bytes); k++) {
        char *s = pages + page - len; /* the string's last byte is the page's last */
        memset(s, 'x', len);
        s[at] = (char)bytes[k];
        struct buf out;
        buf_init(&out, TEST_OUT_MAX);
        assert_int_equal(view_write_json(&out, view_textn(s, len)), ST_OK);
        json_t *j = json_stringn_nocheck(s, len);
        char *expected = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
        assert_non_null(expected);
        assert_string_equal(out.data, expected);
        free(expected);
        json_decref(j);
        buf_free(&out);
        checked++;
      }
  munmap(pages, (size_t)page * 2);
  assert_int_equal(checked, 8200);
}

/* An empty text whose pointer is the first byte of an unreadable page (one past the end of
 * the buffer before it): written as "" without reading there, as a value and inside a map. */
static void json_empty_at_unreadable_page(void **state)
{
  long page = sysconf(_SC_PAGESIZE);
  char *pages =
      mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  assert_true(pages != MAP_FAILED);
  assert_int_equal(mprotect(pages + page, (size_t)page, PROT_NONE), 0);
  const char *end = pages + page;
  struct buf out;
  buf_init(&out, TEST_OUT_MAX);
  assert_int_equal(view_write_json(&out, view_textn(end, 0)), ST_OK);
  assert_string_equal(out.data, "\"\"");
  buf_free(&out);
  struct arena *arena = arena_new(TEST_ARENA);
  struct view_builder b = view_builder(arena);
  struct view_map *m = view_map(&b);
  view_add(&b, m, "empty", view_textn(end, 0));
  assert_int_equal(view_done(&b), ST_OK);
  buf_init(&out, TEST_OUT_MAX);
  assert_int_equal(view_write_json(&out, view_of_map(m)), ST_OK);
  assert_string_equal(out.data, "{\"empty\":\"\"}");
  buf_free(&out);
  arena_free(arena);
  munmap(pages, (size_t)page * 2);
}

/* The view's text as jansson writes the same tree (view_to_json), compared byte for byte. */
static void assert_as_jansson(struct view v)
{
  struct buf out;
  buf_init(&out, TEST_OUT_MAX);
  assert_int_equal(view_write_json(&out, v), ST_OK);
  json_t *j = view_to_json(v);
  char *expected = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
  assert_non_null(expected);
  assert_int_equal(out.len, strlen(expected));
  assert_string_equal(out.data, expected);
  free(expected);
  json_decref(j);
  buf_free(&out);
}

/* Member names take the key path (',' '"' name '"' ':' in one write, a short name in one load
 * and store): every byte that needs an escape and plain ones, at every place of names of 1 to
 * 40 bytes ending on a page's last byte, first and later members, as jansson writes them. */
static void json_keys_everywhere(void **state)
{
  static const unsigned char bytes[] = {'"', '\\', 0x01, 0x1f, '\n', 0x7f, 'a', ' '};
  long page = sysconf(_SC_PAGESIZE);
  char *pages =
      mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  assert_true(pages != MAP_FAILED);
  assert_int_equal(mprotect(pages + page, (size_t)page, PROT_NONE), 0);
  size_t checked = 0;
  for (size_t len = 1; len <= 40; len++)
    for (size_t at = 0; at < len; at++)
      for (size_t k = 0; k < sizeof(bytes); k++) {
        char *s = pages + page - len - 1; /* the name and its NUL end the page */
        memset(s, 'k', len);
        s[at] = (char)bytes[k];
        s[len] = '\0';
        struct arena *arena = arena_new(TEST_ARENA);
        struct view_builder b = view_builder(arena);
        struct view_map *m = view_map(&b);
        view_add(&b, m, s, view_int((int64_t)len));
        view_add(&b, m, "plain", view_text(s));
        if (at) /* a later member's name, shorter (jansson keeps one of a repeated name) */
          view_add(&b, m, s + at, view_bool(true));
        assert_int_equal(view_done(&b), ST_OK);
        assert_as_jansson(view_of_map(m));
        arena_free(arena);
        checked++;
      }
  munmap(pages, (size_t)page * 2);
  assert_int_equal(checked, 6560);
}

/* Integers as jansson writes them, around every power of ten (the one-digit path and
 * str_decimal), negative ones, the extremes; inside maps and lists. */
static void json_integers(void **state)
{
  struct arena *arena = arena_new(TEST_ARENA);
  struct view_builder b = view_builder(arena);
  struct view_list *l = view_list(&b);
  struct view_map *m = view_map(&b);
  int64_t p = 1; /* 10^i: 10^18 is the last that int64_t holds */
  for (int i = 0; i < 19; i++, p = i < 19 ? p * 10 : p)
    for (int64_t d = -1; d <= 1; d++) {
      view_push(&b, l, view_int(p + d));
      view_push(&b, l, view_int(-(p + d)));
      view_add(&b, m, arena_printf(arena, "n%d%+d", i, (int)d), view_int(p + d));
    }
  for (int64_t i = -12; i <= 12; i++)
    view_push(&b, l, view_int(i));
  view_push(&b, l, view_int(INT64_MIN));
  view_push(&b, l, view_int(INT64_MAX));
  view_add(&b, m, "list", view_of_list(l));
  assert_int_equal(view_done(&b), ST_OK);
  assert_as_jansson(view_of_map(m));
  assert_as_jansson(view_int(7));
  assert_as_jansson(view_int(INT64_MIN));
  arena_free(arena);
}

/* Near the buffer's maximum the fast paths (which want 16 bytes of room more) give way to the
 * exact one: a text of L bytes is written whole for every maximum that holds it and its NUL,
 * refused (ST_LIMIT) for every smaller one, never cut. */
static void json_at_the_maximum(void **state)
{
  struct arena *arena = arena_new(TEST_ARENA);
  struct view_builder b = view_builder(arena);
  struct view_map *m = view_map(&b);
  view_add_text(&b, m, "name", "value");
  view_add_int(&b, m, "number", 1234567890);
  view_add(&b, m, "list", view_of_list(view_list(&b)));
  view_add_bool(&b, m, "yes", true);
  view_add(&b, m, "none", view_null());
  view_add_text(&b, m, "esc\"aped", "a\nb");
  struct buf full;
  buf_init(&full, TEST_OUT_MAX);
  assert_int_equal(view_write_json(&full, view_of_map(m)), ST_OK);
  for (size_t max = 1; max < full.len + 40; max++) {
    struct buf out;
    buf_init(&out, max);
    int rc = view_write_json(&out, view_of_map(m));
    if (full.len + 1 <= max) {
      assert_int_equal(rc, ST_OK);
      assert_string_equal(out.data, full.data);
    } else {
      assert_int_equal(rc, ST_LIMIT);
      assert_true(out.len < max);
    }
    buf_free(&out);
  }
  buf_free(&full);
  arena_free(arena);
}

/* Small maps search in order (the first of a repeated key wins, as jansson's last-wins is not
 * what a template reading a view built in order expects); an indexed map of a thousand keys
 * finds each (the first of a repeated one, as in order), misses what it does not have, and
 * indexes what is added to it afterwards, growing its index. */
static void lookups(void **state)
{
  struct arena *arena = arena_new(TEST_ARENA);
  struct view_builder b = view_builder(arena);
  struct view_map *m = view_map(&b);
  view_add_text(&b, m, "a", "first");
  view_add_text(&b, m, "a", "second");
  view_add_text(&b, m, "ab", "longer");
  struct view v = view_get(view_of_map(m), "a", 1);
  assert_int_equal(v.type, VIEW_TEXT);
  assert_string_equal(v.u.s, "first");
  assert_int_equal(view_get(view_of_map(m), "abc", 3).type, VIEW_MISSING);
  assert_string_equal(view_get(view_of_map(m), "abc", 2).u.s, "longer");
  view_set(&b, m, "a", view_int(5));
  assert_int_equal(view_get(view_of_map(m), "a", 1).u.i, 5);
  view_set(&b, m, "new", view_int(6));
  assert_int_equal(view_get(view_of_map(m), "new", 3).u.i, 6);

  struct view_map *big = view_map(&b);
  for (int i = 0; i < 1000; i++)
    view_add(&b, big, arena_printf(arena, "key_%d", i), view_int(i));
  view_add(&b, big, "key_7", view_int(-1)); /* a repeat: the first stays */
  assert_null(big->slots);
  view_map_index(&b, big);
  assert_non_null(big->slots);
  assert_int_equal(view_get(view_of_map(big), "key_7", 5).u.i, 7);
  for (int i = 0; i < 1000; i++) {
    char key[16];
    int n = snprintf(key, sizeof(key), "key_%d", i);
    struct view found = view_get(view_of_map(big), key, (size_t)n);
    assert_int_equal(found.type, VIEW_INT);
    assert_int_equal(found.u.i, i);
  }
  assert_int_equal(view_get(view_of_map(big), "key_1000", 8).type, VIEW_MISSING);
  assert_int_equal(view_get(view_of_map(big), "key_", 4).type, VIEW_MISSING);
  uint32_t slots_before = big->mask + 1;
  for (int i = 0; i < 1500; i++)
    view_add(&b, big, arena_printf(arena, "late_%d", i), view_int(i));
  assert_non_null(big->slots);
  assert_true(big->mask + 1 > slots_before);
  for (int i = 0; i < 1500; i += 37) {
    char key[16];
    int n = snprintf(key, sizeof(key), "late_%d", i);
    assert_int_equal(view_get(view_of_map(big), key, (size_t)n).u.i, i);
  }
  assert_int_equal(view_get(view_of_map(big), "key_999", 7).u.i, 999);
  /* view_set through the index: the first of a repeated name replaced, a new name appended */
  uint32_t count = big->count;
  view_set(&b, big, "key_7", view_int(77));
  view_set(&b, big, "late_1499", view_int(-5));
  view_set(&b, big, "brand_new", view_int(8));
  assert_int_equal(big->count, count + 1);
  assert_int_equal(view_get(view_of_map(big), "key_7", 5).u.i, 77);
  assert_int_equal(big->entries[1000].value.u.i, -1); /* the repeat is left as it was */
  assert_int_equal(view_get(view_of_map(big), "late_1499", 9).u.i, -5);
  assert_int_equal(view_get(view_of_map(big), "brand_new", 9).u.i, 8);
  assert_int_equal(big->entries[count].value.u.i, 8);
  view_map_index(&b, m); /* a small map, indexed on request */
  assert_non_null(m->slots);
  assert_string_equal(view_get(view_of_map(m), "ab", 2).u.s, "longer");
  assert_int_equal(view_get(view_of_map(m), "a", 1).u.i, 5);
  assert_int_equal(view_get(view_of_map(m), "b", 1).type, VIEW_MISSING);
  assert_int_equal(view_done(&b), ST_OK);
  arena_free(arena);
}

static int lazy_calls;

static struct view lazy_text(void *ctx)
{
  lazy_calls++;
  return view_text(ctx);
}

/* A lazy value is computed when a template reads it, once however often it is read, and not
 * at all when no template reads it. */
static void lazy_once_and_only_when_read(void **state)
{
  struct arena *arena = arena_new(TEST_ARENA);
  struct view_builder b = view_builder(arena);
  struct view_lazy lazy = {.fn = lazy_text, .ctx = "token"};
  struct view_map *m = view_map(&b);
  view_add(&b, m, "csrf", view_of_lazy(&lazy));
  view_add_text(&b, m, "other", "x");
  struct mustache_set *set = mustache_set_new();
  char err[128];
  static const char without[] = "{{other}}", with[] = "{{csrf}}{{#csrf}}-{{csrf}}{{/csrf}}";
  assert_int_equal(mustache_set_add(set, "without", without, strlen(without), err, sizeof(err)),
                   ST_OK);
  assert_int_equal(mustache_set_add(set, "with", with, strlen(with), err, sizeof(err)), ST_OK);
  struct buf out;
  buf_init(&out, TEST_OUT_MAX);
  struct view page = view_of_map(m);
  lazy_calls = 0;
  assert_int_equal(mustache_render_views(set, "without", &page, 1, &out), ST_OK);
  assert_string_equal(out.data, "x");
  assert_int_equal(lazy_calls, 0);
  buf_reset(&out);
  assert_int_equal(mustache_render_views(set, "with", &page, 1, &out), ST_OK);
  assert_string_equal(out.data, "token-token");
  assert_int_equal(lazy_calls, 1);
  buf_reset(&out);
  assert_int_equal(view_write_json(&out, page), ST_OK);
  assert_string_equal(out.data, "{\"csrf\":\"token\",\"other\":\"x\"}");
  assert_int_equal(lazy_calls, 1);
  buf_free(&out);
  mustache_set_free(set);
  arena_free(arena);
}

/* When the arena runs out, every later call does nothing and view_done reports it once. */
static void sticky_failure(void **state)
{
  struct arena *arena = arena_new(4096);
  struct view_builder b = view_builder(arena);
  struct view_list *l = view_list(&b);
  for (int i = 0; i < 10000; i++)
    view_push(&b, l, view_int(i));
  assert_int_equal(view_done(&b), ST_NOMEM);
  assert_true(l->count < 10000);
  assert_null(view_map(&b)); /* nothing more once failed */
  arena_free(arena);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(spec_from_views),
      cmocka_unit_test(json_text_as_jansson),
      cmocka_unit_test(json_escapes_everywhere),
      cmocka_unit_test(json_empty_at_unreadable_page),
      cmocka_unit_test(json_keys_everywhere),
      cmocka_unit_test(json_integers),
      cmocka_unit_test(json_at_the_maximum),
      cmocka_unit_test(lookups),
      cmocka_unit_test(lazy_once_and_only_when_read),
      cmocka_unit_test(sticky_failure),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
