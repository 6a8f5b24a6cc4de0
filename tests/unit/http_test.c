/*
 * http_test.c - the HTTP layer's pure parts: form parsing, content negotiation, route
 * matching, the rate limiter and response headers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "http/internal.h"
#include "web/app.h"

#include "base/common.h"

static struct arena *arena;

static int setup(void **state)
{
  arena = arena_new(1 << 20);
  return arena ? 0 : -1;
}

static int teardown(void **state)
{
  arena_free(arena);
  return 0;
}

static void test_form_decodes_pairs(void **state)
{
  struct http_param *p;
  size_t n;
  const char body[] = "name=%E7%8E%8B%E5%B0%8F%E6%98%8E&note=a+b%0Ac&empty=&flag";
  assert_int_equal(http_form_parse(arena, body, strlen(body), true, &p, &n), ST_OK);
  assert_int_equal(n, 4);
  assert_string_equal(p[0].value.ptr, "王小明");
  assert_string_equal(p[1].value.ptr, "a b\nc");
  assert_int_equal(p[2].value.len, 0);
  assert_string_equal(p[3].name.ptr, "flag");
}

static void test_form_refuses_bad_input(void **state)
{
  struct http_param *p;
  size_t n;
  const char *bad[] = {"a=%", "a=%G1", "a=%FF", "a=%00", "a=x%0Ay"};
  for (size_t i = 0; i < 4; i++)
    assert_int_equal(http_form_parse(arena, bad[i], strlen(bad[i]), true, &p, &n), ST_INVALID);
  /* newlines are refused where the caller does not allow them */
  assert_int_equal(http_form_parse(arena, bad[4], strlen(bad[4]), false, &p, &n), ST_INVALID);
  char many[HTTP_MAX_PARAMS * 4 + 8] = "";
  for (int i = 0; i <= HTTP_MAX_PARAMS; i++)
    memcpy(many + strlen(many), "a=1&", 5);
  assert_int_equal(http_form_parse(arena, many, strlen(many), true, &p, &n), ST_LIMIT);
}

/* Regression (hostile input): GET /o/xin%00xing/ was routed as /o/xin (libmicrohttpd's
 * unescaper kept the NUL, which cut the path short) and answered 308; now it is a 400. */
static void test_unescape_keeps_nul_visible(void **state)
{
  char path[] = "/o/xin%00xing/%E4%BE%BF%zz%4";
  size_t n = http_unescape(path);
  assert_int_equal(n, strlen(path));
  assert_string_equal(path, "/o/xin\x01xing/\xE4\xBE\xBF%zz%4");
  assert_false(str_valid_text(str_from(path), false));
  char plain[] = "/o/xinxing/search";
  assert_int_equal(http_unescape(plain), strlen("/o/xinxing/search"));
  assert_string_equal(plain, "/o/xinxing/search");
}

static void test_accept_negotiation(void **state)
{
  assert_false(http_accept_prefers_json(NULL));
  assert_true(http_accept_prefers_json("application/json"));
  assert_false(http_accept_prefers_json("text/html,application/xhtml+xml,*/*;q=0.8"));
  assert_true(http_accept_prefers_json("text/html;q=0.5, application/json"));
  assert_false(http_accept_prefers_json("application/json;q=0.4, text/html"));
  assert_false(http_accept_prefers_json("application/json;q=0"));
}

static int dummy(struct http_request *req, struct http_response *res)
{
  return ST_OK;
}

static const struct http_route routes[] = {
    {"GET", "/o/{office}/", dummy, 0, false, 0, HTTP_RATE_PUBLIC},
    {"POST", "/o/{office}/cases/{number}", dummy, 0, true, 1024, HTTP_RATE_PUBLIC},
};

static void test_route_matching(void **state)
{
  struct http_server server = {.routes = routes, .route_count = 2};
  struct http_request req = {.arena = arena, .method = "GET", .path = "/o/xinxing/"};
  size_t index;
  char allow[64];
  assert_int_equal(http_route_find(&server, &req, &index, allow, sizeof(allow)), 0);
  assert_ptr_equal(req.route, &routes[0]);
  assert_string_equal(http_capture(&req, "office"), "xinxing");

  req.path = "/o/xinxing/cases/115-HA07-000001";
  assert_int_equal(http_route_find(&server, &req, &index, allow, sizeof(allow)), 405);
  assert_string_equal(allow, "POST");
  req.method = "POST";
  assert_int_equal(http_route_find(&server, &req, &index, allow, sizeof(allow)), 0);
  assert_string_equal(http_capture(&req, "number"), "115-HA07-000001");

  req.path = "/o//";
  assert_int_equal(http_route_find(&server, &req, &index, allow, sizeof(allow)), 404);
  req.method = "HEAD";
  req.path = "/static/css/site.css";
  assert_int_equal(http_route_find(&server, &req, &index, allow, sizeof(allow)), 0);
  assert_string_equal(http_capture(&req, "path"), "css/site.css");
}

/* The answer of a route search with the index: the route, the status, the captures and Allow
 * the same as the whole table's scan gives. */
static void assert_same_route(struct http_server *indexed, struct http_server *plain,
                              const char *method, const char *path)
{
  struct http_request a = {.arena = arena, .method = method, .path = path};
  struct http_request b = a;
  size_t ia = 0, ib = 0;
  char allow_a[64], allow_b[64];
  int sa = http_route_find(indexed, &a, &ia, allow_a, sizeof(allow_a));
  int sb = http_route_find(plain, &b, &ib, allow_b, sizeof(allow_b));
  assert_int_equal(sa, sb);
  assert_ptr_equal(a.route, b.route);
  if (sa == 0) {
    assert_int_equal(ia, ib);
    assert_int_equal(a.capture_count, b.capture_count);
    for (size_t i = 0; i < a.capture_count; i++) {
      assert_string_equal(a.captures[i].name.ptr, b.captures[i].name.ptr);
      assert_string_equal(a.captures[i].value.ptr, b.captures[i].value.ptr);
    }
  } else {
    assert_string_equal(allow_a, allow_b);
  }
}

/* Every route of the application's table, and paths around them, found through the index as
 * through the whole table. */
static void test_route_index_agrees_with_scan(void **state)
{
  size_t count;
  const struct http_route *table = web_routes(&count);
  struct http_server plain = {.routes = table, .route_count = count};
  struct http_server indexed = plain;
  indexed.arena = arena;
  assert_int_equal(http_route_index_build(&indexed), ST_OK);
  assert_non_null(indexed.route_index);
  static const char *const methods[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "BREW"};
  static const char *const extra[] = {"/",
                                      "//",
                                      "/o",
                                      "/o/",
                                      "/o//",
                                      "/o/x/progress/",
                                      "/static/css/a.css",
                                      "/static/",
                                      "/healthz/",
                                      "/nowhere/x",
                                      "/p/abc/def/ghi",
                                      "/api/v1/nowhere",
                                      "/staff/x/y/z"};
  for (size_t i = 0; i < http_route_total(&plain); i++) {
    const struct http_route *route = http_route_at(&plain, i);
    /* the pattern with each capture filled in: "/o/{office}/progress" -> "/o/v/progress" */
    char path[256], *o = path;
    for (const char *p = route->pattern; *p && o < path + sizeof(path) - 8; p++) {
      if (*p == '{') {
        const char *close = strchr(p, '}');
        bool rest = close - p > 4 && memcmp(close - 3, "...", 3) == 0;
        memcpy(o, rest ? "v/w" : "v", rest ? 3 : 1);
        o += rest ? 3 : 1;
        p = close;
      } else {
        *o++ = *p;
      }
    }
    *o = '\0';
    for (size_t m = 0; m < ARRAY_LEN(methods); m++) {
      assert_same_route(&indexed, &plain, methods[m], path);
      char longer[300];
      snprintf(longer, sizeof(longer), "%s/x", path);
      assert_same_route(&indexed, &plain, methods[m], longer);
    }
  }
  for (size_t i = 0; i < ARRAY_LEN(extra); i++)
    for (size_t m = 0; m < ARRAY_LEN(methods); m++)
      assert_same_route(&indexed, &plain, methods[m], extra[i]);
}

/* Every byte: RFC 3986's unreserved characters stay, the others become %HH (upper case). */
static void test_url_encode_every_byte(void **state)
{
  for (int c = 1; c < 256; c++) {
    char s[2] = {(char)c, '\0'}, want[4];
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '_' || c == '.' || c == '~';
    if (keep)
      snprintf(want, sizeof(want), "%c", c);
    else
      snprintf(want, sizeof(want), "%%%02X", c);
    assert_string_equal(http_url_encode(arena, s), want);
  }
}

static void test_rate_limit_refills(void **state)
{
  struct http_ratelimit *limiter = http_ratelimit_new();
  for (int i = 0; i < 5; i++)
    assert_true(http_ratelimit_allow(limiter, HTTP_RATE_LOOKUP, "10.0.0.1", 5, 100.0));
  assert_false(http_ratelimit_allow(limiter, HTTP_RATE_LOOKUP, "10.0.0.1", 5, 100.0));
  /* another address and another class have their own buckets */
  assert_true(http_ratelimit_allow(limiter, HTTP_RATE_LOOKUP, "10.0.0.2", 5, 100.0));
  assert_true(http_ratelimit_allow(limiter, HTTP_RATE_PUBLIC, "10.0.0.1", 5, 100.0));
  /* 5 per minute: one token back after 12 seconds */
  assert_false(http_ratelimit_allow(limiter, HTTP_RATE_LOOKUP, "10.0.0.1", 5, 111.0));
  assert_true(http_ratelimit_allow(limiter, HTTP_RATE_LOOKUP, "10.0.0.1", 5, 124.5));
  http_ratelimit_free(limiter);
}

static void test_self_url_replaces_one_parameter(void **state)
{
  struct http_param query[] = {{STR_LIT("q"), STR_LIT("買賣 過戶")},
                               {STR_LIT("lang"), STR_LIT("en")}};
  struct http_request req = {
      .arena = arena, .path = "/o/xinxing/search", .query = query, .query_count = 2};
  assert_string_equal(http_self_url(&req, "lang", "zh-TW"),
                      "/o/xinxing/search?q=%E8%B2%B7%E8%B3%A3%20%E9%81%8E%E6%88%B6&lang=zh-TW");
  req.query_count = 0;
  assert_string_equal(http_self_url(&req, "lang", "en"), "/o/xinxing/search?lang=en");
  /* the replaced parameter anywhere; names encoded too; a path refused as text links home */
  struct http_param three[] = {{STR_LIT("lang"), STR_LIT("en")},
                               {STR_LIT("a b"), STR_LIT("~x/y")},
                               {STR_LIT("n"), STR_LIT("")}};
  req.query = three;
  req.query_count = 3;
  assert_string_equal(http_self_url(&req, "lang", "zh-TW"),
                      "/o/xinxing/search?a%20b=~x%2Fy&n=&lang=zh-TW");
  req.path = "/bad\x01";
  assert_string_equal(http_self_url(&req, "lang", "en"), "/?a%20b=~x%2Fy&n=&lang=en");
  /* at most 8191 bytes: a longer link is not made */
  enum { LONG = 8191 - 9 }; /* "/" + path + "?lang=en" */
  char *path = arena_alloc(arena, LONG + 2);
  path[0] = '/';
  memset(path + 1, 'a', LONG);
  req.path = path;
  req.query_count = 0;
  const char *url = http_self_url(&req, "lang", "en");
  assert_non_null(url);
  assert_int_equal(strlen(url), 8191);
  path = arena_alloc(arena, LONG + 3);
  path[0] = '/';
  memset(path + 1, 'a', LONG + 1);
  req.path = path;
  assert_null(http_self_url(&req, "lang", "en"));
}

/* Fills a buffer on this function's stack with a header value and adds it: once this returns,
 * the frame is reused, so a header kept by reference would read garbage (or trip ASan). */
static int add_from_stack(struct http_response *res, int n)
{
  char value[32];
  snprintf(value, sizeof(value), "max-age=%d", n);
  int rc = http_header_add(res, "Cache-Control", value);
  memset(value, 'x', sizeof(value) - 1);
  return rc;
}

static void test_header_value_is_copied(void **state)
{
  struct http_response res = {.arena = arena};
  assert_int_equal(add_from_stack(&res, 300), ST_OK);
  char name[] = "X-Test";
  char value[] = "kept";
  assert_int_equal(http_header_add(&res, name, value), ST_OK);
  name[0] = value[0] = 'Z';
  assert_int_equal(res.header_count, 2);
  assert_string_equal(res.header_names[0], "Cache-Control");
  assert_string_equal(res.header_values[0], "max-age=300");
  assert_string_equal(res.header_names[1], "X-Test");
  assert_string_equal(res.header_values[1], "kept");
  assert_int_equal(http_header_add(&res, "X-Bad", "a\r\nSet-Cookie: x=1"), ST_INVALID);
  assert_int_equal(http_header_add(&res, "X-Bad: y", "a"), ST_INVALID);
  assert_int_equal(res.header_count, 2);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_form_decodes_pairs),
      cmocka_unit_test(test_form_refuses_bad_input),
      cmocka_unit_test(test_unescape_keeps_nul_visible),
      cmocka_unit_test(test_accept_negotiation),
      cmocka_unit_test(test_route_matching),
      cmocka_unit_test(test_route_index_agrees_with_scan),
      cmocka_unit_test(test_url_encode_every_byte),
      cmocka_unit_test(test_rate_limit_refills),
      cmocka_unit_test(test_self_url_replaces_one_parameter),
      cmocka_unit_test(test_header_value_is_copied),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
