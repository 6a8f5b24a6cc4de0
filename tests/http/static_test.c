/*
 * static_test.c - static files against a real server: pages link names that carry a hash of
 * the file's bytes, those names are cached for a year, the precompressed variants are chosen
 * by Accept-Encoding and decompress to the file, a variant made from other bytes is never
 * sent, and names outside the static folder are still refused.
 *
 * Uses the repository's static folder as scripts/build-assets.sh leaves it (the stylesheet and
 * its .gz and .br variants), like every other HTTP test.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <sodium.h>

#include "harness.h"

static struct server server;

static int setup(void **state)
{
  return server_start(&server, NULL);
}

static int teardown(void **state)
{
  return server_stop(&server) == 0 ? 0 : -1;
}

static char *header_or_fail(const struct response *r, const char *name)
{
  char *value = response_header(r, name);
  if (!value)
    fail_msg("header %s missing", name);
  return value;
}

static void assert_header_contains(const struct response *r, const char *name, const char *part)
{
  char *value = header_or_fail(r, name);
  if (!strstr(value, part))
    fail_msg("header %s is \"%s\", expected it to contain \"%s\"", name, value, part);
  free(value);
}

/* The whole file below the repository's static folder; fails the test when absent. */
static char *read_static(const char *rel, size_t *len)
{
  char path[512];
  snprintf(path, sizeof(path), "%s/static/%s", BIANMIN_SOURCE_DIR, rel);
  FILE *f = fopen(path, "rb");
  if (!f)
    fail_msg("cannot open %s (run scripts/build-assets.sh)", path);
  struct stat st;
  assert_int_equal(fstat(fileno(f), &st), 0);
  char *data = malloc((size_t)st.st_size + 1);
  assert_non_null(data);
  assert_int_equal(fread(data, 1, (size_t)st.st_size, f), (size_t)st.st_size);
  fclose(f);
  *len = (size_t)st.st_size;
  return data;
}

/* The name the server should give rel: the first 8 hex digits of the SHA-256 of its bytes
 * before the type ("css/bianmin.css" -> "/static/css/bianmin.3f2a9c1e.css"). */
static void expected_url(const char *rel, char *out, size_t size)
{
  size_t len;
  char *data = read_static(rel, &len);
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, (const unsigned char *)data, len);
  free(data);
  char hex[9];
  sodium_bin2hex(hex, sizeof(hex), digest, 4);
  const char *dot = strrchr(rel, '.');
  snprintf(out, size, "/static/%.*s.%s%s", (int)(dot - rel), rel, hex, dot);
}

static long get_with(const char *path, const char *accept_encoding, struct response *r)
{
  char header[256];
  snprintf(header, sizeof(header), "Accept-Encoding: %s", accept_encoding);
  const char *headers[] = {header, NULL};
  assert_int_equal(http_call(&server, "GET", path, accept_encoding ? headers : NULL, NULL, 0, r),
                   0);
  return r->status;
}

static void test_pages_link_the_hashed_names(void **state)
{
  char css[256], icon[256];
  expected_url("css/bianmin.css", css, sizeof(css));
  expected_url("favicon.svg", icon, sizeof(icon));
  const char *pages[] = {"/", "/o/xinxing/", "/o/xinxing/progress", "/staff/login"};
  for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
    struct response r;
    assert_int_equal(http_get(&server, pages[i], &r), 0);
    assert_int_equal(r.status, 200);
    char link[300];
    snprintf(link, sizeof(link), "<link rel=\"stylesheet\" href=\"%s\">", css);
    if (!strstr(r.body, link) || !strstr(r.body, icon))
      fail_msg("%s does not link %s and %s:\n%.1500s", pages[i], css, icon, r.body);
    response_free(&r);
  }
}

static void test_hashed_name_is_cached_for_a_year(void **state)
{
  char css[256];
  expected_url("css/bianmin.css", css, sizeof(css));
  size_t len;
  char *file = read_static("css/bianmin.css", &len);
  struct response r;
  assert_int_equal(get_with(css, "identity", &r), 200);
  assert_header_contains(&r, "Cache-Control", "public, max-age=31536000, immutable");
  assert_header_contains(&r, "Content-Type", "text/css");
  assert_header_contains(&r, "Vary", "Accept-Encoding");
  assert_int_equal(r.len, len);
  assert_memory_equal(r.body, file, len);
  response_free(&r);
  /* The plain name still works for old links, but is revalidated instead of kept. */
  assert_int_equal(get_with("/static/css/bianmin.css", "identity", &r), 200);
  assert_header_contains(&r, "Cache-Control", "no-cache");
  assert_int_equal(r.len, len);
  assert_memory_equal(r.body, file, len);
  response_free(&r);
  free(file);
}

struct encoding_case {
  const char *accept_encoding; /* NULL: no header */
  const char *expected;        /* Content-Encoding, NULL: none */
};

static void check_encoding(const char *path, const struct encoding_case *c, size_t plain_len)
{
  struct response r;
  assert_int_equal(get_with(path, c->accept_encoding, &r), 200);
  char *encoding = response_header(&r, "Content-Encoding");
  char *length = header_or_fail(&r, "Content-Length");
  if ((encoding == NULL) != (c->expected == NULL) ||
      (encoding && strcmp(encoding, c->expected) != 0))
    fail_msg("Accept-Encoding \"%s\": Content-Encoding is %s, expected %s",
             c->accept_encoding ? c->accept_encoding : "(none)", encoding ? encoding : "(none)",
             c->expected ? c->expected : "(none)");
  assert_int_equal(strtoul(length, NULL, 10), r.len);
  if (c->expected)
    assert_true(r.len < plain_len);
  else
    assert_int_equal(r.len, plain_len);
  if (c->expected && strcmp(c->expected, "gzip") == 0)
    assert_true(r.len > 2 && (unsigned char)r.body[0] == 0x1f && (unsigned char)r.body[1] == 0x8b);
  assert_header_contains(&r, "Vary", "Accept-Encoding");
  free(encoding);
  free(length);
  response_free(&r);
}

static void test_encoding_follows_accept_encoding(void **state)
{
  static const struct encoding_case cases[] = {
      {"gzip, deflate, br", "br"},      /* what phone browsers send */
      {"gzip, deflate", "gzip"},        /* an older browser */
      {NULL, NULL},                     /* no header: identity */
      {"identity", NULL},               /* only identity named */
      {"br;q=0.5, gzip;q=0.8", "gzip"}, /* q-values decide */
      {"gzip;q=0.2, br;q=0.9", "br"},   /* ... either way */
      {"br;q=0, gzip", "gzip"},         /* q=0 refuses a coding */
      {"br;q=0, gzip;q=0", NULL},       /* both refused: identity */
      {"*", "br"},                      /* anything: the smallest */
      {"*;q=0.1, gzip;q=0.5", "gzip"},  /* a named coding above the rest */
      {"BR ; Q=1.0", "br"},             /* names and q are case-insensitive */
      {"br;q=2, gzip", "gzip"},         /* a malformed q-value is ignored */
      {"deflate, compress", NULL},      /* only codings we do not have */
      {"x-gzip", "gzip"},               /* the old name of gzip */
      {"identity;q=0, *;q=0", NULL},    /* nothing acceptable: identity all the same */
  };
  char css[256];
  expected_url("css/bianmin.css", css, sizeof(css));
  size_t len;
  free(read_static("css/bianmin.css", &len));
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    check_encoding(css, &cases[i], len);
}

/* GET through libcurl's own decoder (asking for one encoding only), to compare with the file. */
static void assert_decodes_to_file(const char *rel, const char *encoding)
{
  char url[256];
  expected_url(rel, url, sizeof(url));
  size_t len;
  char *file = read_static(rel, &len);
  struct client c;
  assert_int_equal(client_init(&c, &server), 0);
  curl_easy_setopt(c.curl, CURLOPT_ACCEPT_ENCODING, encoding);
  struct response r;
  assert_int_equal(client_get(&c, url, &r), 0);
  assert_int_equal(r.status, 200);
  assert_header_contains(&r, "Content-Encoding", encoding);
  if (r.len != len || memcmp(r.body, file, len) != 0)
    fail_msg("%s in %s decodes to %zu bytes unlike the file's %zu", rel, encoding, r.len, len);
  response_free(&r);
  client_free(&c);
  free(file);
}

static void test_variants_decompress_to_the_file(void **state)
{
  const char *files[] = {"css/bianmin.css", "js/sms-counter.js", "favicon.svg"};
  for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
    assert_decodes_to_file(files[i], "br");
    assert_decodes_to_file(files[i], "gzip");
  }
}

static void test_etag_answers_not_modified(void **state)
{
  char css[256];
  expected_url("css/bianmin.css", css, sizeof(css));
  struct response r;
  assert_int_equal(get_with(css, "gzip, br", &r), 200);
  char *etag = header_or_fail(&r, "ETag");
  response_free(&r);
  char header[128];
  snprintf(header, sizeof(header), "If-None-Match: %s", etag);
  const char *headers[] = {"Accept-Encoding: gzip, br", header, NULL};
  assert_int_equal(http_call(&server, "GET", css, headers, NULL, 0, &r), 0);
  assert_int_equal(r.status, 304);
  assert_int_equal(r.len, 0);
  response_free(&r);
  /* The same tag does not match the gzip representation. */
  const char *gzip_headers[] = {"Accept-Encoding: gzip", header, NULL};
  assert_int_equal(http_call(&server, "GET", css, gzip_headers, NULL, 0, &r), 0);
  assert_int_equal(r.status, 200);
  response_free(&r);
  free(etag);
}

static void test_names_outside_the_folder_are_refused(void **state)
{
  char css[256], variant[300];
  expected_url("css/bianmin.css", css, sizeof(css));
  snprintf(variant, sizeof(variant), "%s.br", css);
  const char *paths[] = {"/static/../CMakeLists.txt",
                         "/static/%2e%2e/CMakeLists.txt",
                         "/static/css/../../CMakeLists.txt",
                         "/static/css/%2e%2e/%2e%2e/CMakeLists.txt",
                         "/static//etc/passwd",
                         "/static/css/.bianmin.css",
                         "/static/css/bianmin.css%00.txt",
                         "/static/css/bianmin.css/",
                         variant, /* variants are sent only as the file's encoding */
                         "/static/css/bianmin.zzzzzzzz.css",
                         "/static/css/nothing.0123abcd.css"};
  for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
    struct response r;
    assert_int_equal(http_get(&server, paths[i], &r), 0);
    if (r.status != 404 && r.status != 400)
      fail_msg("%s answered %ld", paths[i], r.status);
    response_free(&r);
  }
}

static void write_file(const char *dir, const char *name, const char *data, size_t len)
{
  char path[512];
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(data, 1, len, f), len);
  fclose(f);
}

/* A folder of our own: a variant named after other bytes (left from an older file) is never
 * sent, and an older version's name answers today's file without the year-long cache. */
static void test_stale_variant_is_never_sent(void **state)
{
  char dir[] = "/tmp/bianmin-static-XXXXXX";
  assert_non_null(mkdtemp(dir));
  enum { RULE = 29, RULES = 64 };
  char css[RULE * RULES];
  for (size_t i = 0; i < RULES; i++)
    memcpy(css + i * RULE, ".a{color:#123;margin:0 auto}\n", RULE);
  size_t len = sizeof(css);
  write_file(dir, "a.css", css, len);
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, (const unsigned char *)css, len);
  char hex[9], stale[64], fresh[64];
  sodium_bin2hex(hex, sizeof(hex), digest, 4);
  snprintf(stale, sizeof(stale), "a.%s.css.gz", strcmp(hex, "00000000") ? "00000000" : "11111111");
  write_file(dir, stale, "not what a.css holds", 20);
  char env_static[300];
  snprintf(env_static, sizeof(env_static), "BIANMIN_STATIC=%s", dir);
  const char *env[] = {env_static, NULL};
  struct server own;
  assert_int_equal(server_start(&own, env), 0);
  snprintf(fresh, sizeof(fresh), "/static/a.%s.css", hex);
  const char *headers[] = {"Accept-Encoding: gzip", NULL};
  struct response r;
  assert_int_equal(http_call(&own, "GET", fresh, headers, NULL, 0, &r), 0);
  assert_int_equal(r.status, 200);
  assert_null(response_header(&r, "Content-Encoding"));
  assert_int_equal(r.len, len);
  assert_memory_equal(r.body, css, len);
  assert_header_contains(&r, "Cache-Control", "immutable");
  response_free(&r);
  assert_int_equal(http_call(&own, "GET", "/static/a.0badc0de.css", headers, NULL, 0, &r), 0);
  assert_int_equal(r.status, 200);
  assert_int_equal(r.len, len);
  assert_header_contains(&r, "Cache-Control", "no-cache");
  response_free(&r);
  /* a folder without the stylesheet is served, and the log says why pages look bare */
  FILE *log = fopen(own.log, "r");
  assert_non_null(log);
  char line[1024];
  bool warned = false;
  while (fgets(line, sizeof(line), log))
    warned = warned || strstr(line, "css/bianmin.css is missing") != NULL;
  fclose(log);
  assert_true(warned); /* read before the stop, which removes the log with its folder */
  assert_int_equal(server_stop(&own), 0);
  char path[512];
  snprintf(path, sizeof(path), "%s/%s", dir, stale);
  unlink(path);
  snprintf(path, sizeof(path), "%s/a.css", dir);
  unlink(path);
  rmdir(dir);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pages_link_the_hashed_names),
      cmocka_unit_test(test_hashed_name_is_cached_for_a_year),
      cmocka_unit_test(test_encoding_follows_accept_encoding),
      cmocka_unit_test(test_variants_decompress_to_the_file),
      cmocka_unit_test(test_etag_answers_not_modified),
      cmocka_unit_test(test_names_outside_the_folder_are_refused),
      cmocka_unit_test(test_stale_variant_is_never_sent),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
