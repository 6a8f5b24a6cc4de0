/*
 * multipart_test.c - multipart/form-data parsing (http/multipart.c): boundaries, quoted and
 * unquoted parameters, file names reduced to a plain name, binary data, and refusals (missing
 * final boundary, preamble, no name, too many parts, bad text).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "http/internal.h"

#include "base/common.h"

#define CT "multipart/form-data; boundary=----bm42"

static struct arena *arena;

static int setup(void **state)
{
  arena = arena_new(4 << 20);
  return arena ? 0 : -1;
}

static int teardown(void **state)
{
  arena_free(arena);
  return 0;
}

static int parse(const char *type, const char *body, size_t len, struct http_part **parts,
                 size_t *n)
{
  return http_multipart_parse(arena, type, body, len, parts, n);
}

static int parse_text(const char *body, struct http_part **parts, size_t *n)
{
  return parse(CT, body, strlen(body), parts, n);
}

static void test_boundary_from_content_type(void **state)
{
  char b[80];
  assert_int_equal(http_multipart_boundary(CT, b, sizeof(b)), ST_OK);
  assert_string_equal(b, "----bm42");
  assert_int_equal(
      http_multipart_boundary("Multipart/Form-Data; charset=utf-8; boundary=\"a b:c\"", b, 80),
      ST_OK);
  assert_string_equal(b, "a b:c");
  assert_int_equal(http_multipart_boundary("multipart/form-data", b, sizeof(b)), ST_INVALID);
  assert_int_equal(http_multipart_boundary("multipart/form-data; boundary=", b, 80), ST_INVALID);
  assert_int_equal(http_multipart_boundary("text/plain; boundary=x", b, sizeof(b)), ST_INVALID);
  char long_type[200];
  snprintf(long_type, sizeof(long_type), "multipart/form-data; boundary=%071d", 0);
  assert_int_equal(http_multipart_boundary(long_type, b, sizeof(b)), ST_INVALID);
}

static void test_fields_and_file(void **state)
{
  static const char body[] = "------bm42\r\n"
                             "Content-Disposition: form-data; name=\"csrf\"\r\n\r\n"
                             "tok\r\n"
                             "------bm42\r\n"
                             "content-disposition: form-data; name=title; filename=\"a b.odt\"\r\n"
                             "Content-Type: application/octet-stream\r\n\r\n"
                             "PK\x03\x04\0\r\n--x\r\n\r\n"
                             "------bm42\r\n"
                             "Content-Disposition: form-data; name=\"empty\"\r\n\r\n"
                             "\r\n"
                             "------bm42--\r\n";
  struct http_part *p;
  size_t n;
  assert_int_equal(parse(CT, body, sizeof(body) - 1, &p, &n), ST_OK);
  assert_int_equal(n, 3);
  assert_string_equal(p[0].name, "csrf");
  assert_null(p[0].filename);
  assert_int_equal(p[0].len, 3);
  assert_memory_equal(p[0].data, "tok", 3);
  assert_string_equal(p[1].name, "title");
  assert_string_equal(p[1].filename, "a b.odt");
  assert_string_equal(p[1].content_type, "application/octet-stream");
  /* binary data with a NUL and a line that only looks like a boundary */
  assert_int_equal(p[1].len, 12);
  assert_memory_equal(p[1].data, "PK\x03\x04\0\r\n--x\r\n", 12);
  assert_string_equal(p[2].name, "empty");
  assert_int_equal(p[2].len, 0);
}

static void test_file_names_are_plain(void **state)
{
  static const char *const names[][2] = {
      {"../../x.odt", "x.odt"},
      {"C:\\Users\\chen\\form.pdf", "form.pdf"},
      {"/etc/passwd", "passwd"},
      {"dir/..", "upload"},
      {"..", "upload"},
      {"", "upload"},
      {"申請書.odt", "申請書.odt"},
      {"a/b/", "upload"},
  };
  for (size_t i = 0; i < ARRAY_LEN(names); i++) {
    char body[512];
    int len = snprintf(body, sizeof(body),
                       "------bm42\r\nContent-Disposition: form-data; name=\"file\"; "
                       "filename=\"%s\"\r\n\r\nx\r\n------bm42--",
                       names[i][0]);
    struct http_part *p;
    size_t n;
    assert_int_equal(parse(CT, body, (size_t)len, &p, &n), ST_OK);
    assert_int_equal(n, 1);
    assert_string_equal(p[0].filename, names[i][1]);
  }
}

static void test_refuses_malformed(void **state)
{
  static const char *const bodies[] = {
      /* missing final boundary */
      "------bm42\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue",
      "------bm42\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue\r\n------bm42",
      "------bm42\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue\r\n------bm42\r\n",
      /* a preamble, another boundary, nothing at all */
      "hello\r\n------bm42\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n------bm42--",
      "------other\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n------other--",
      "",
      /* no name, not form-data, no header end, broken quote, a header without a colon */
      "------bm42\r\nContent-Disposition: form-data\r\n\r\nv\r\n------bm42--",
      "------bm42\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nv\r\n------bm42--",
      "------bm42\r\nContent-Disposition: form-data; name=\"a\"\r\nv\r\n------bm42--",
      "------bm42\r\nContent-Disposition: form-data; name=\"a\r\n\r\nv\r\n------bm42--",
      "------bm42\r\nbroken\r\n\r\nv\r\n------bm42--",
      /* junk after a delimiter */
      "------bm42junk\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n------bm42--",
      /* a control character in a file name */
      "------bm42\r\nContent-Disposition: form-data; name=\"a\"; filename=\"a\x01.odt\"\r\n\r\n"
      "v\r\n------bm42--", /* a right-to-left override in a file name ("invoice<RLO>fdp.exe" shows
                              as "...exe.pdf") */
      "------bm42\r\nContent-Disposition: form-data; name=\"a\"; filename=\"invoice\xE2\x80\xAE"
      "fdp.exe\"\r\n\r\nv\r\n------bm42--",
  };
  for (size_t i = 0; i < ARRAY_LEN(bodies); i++) {
    struct http_part *p;
    size_t n;
    if (parse_text(bodies[i], &p, &n) != ST_INVALID)
      fail_msg("body %zu was accepted", i);
  }
  struct http_part *p;
  size_t n;
  assert_int_equal(parse("application/json", "{}", 2, &p, &n), ST_INVALID);
}

static void test_many_parts_limit(void **state)
{
  static char body[32 * 1024];
  size_t len = 0;
  for (int i = 0; i < HTTP_MAX_PARTS + 1; i++)
    len += (size_t)snprintf(body + len, sizeof(body) - len,
                            "------bm42\r\nContent-Disposition: form-data; name=\"f%d\"\r\n\r\n"
                            "%d\r\n",
                            i, i);
  len += (size_t)snprintf(body + len, sizeof(body) - len, "------bm42--\r\n");
  struct http_part *p;
  size_t n;
  assert_int_equal(parse(CT, body, len, &p, &n), ST_LIMIT);
  /* exactly the limit is fine: drop the last part */
  char *last = strstr(body, "------bm42\r\nContent-Disposition: form-data; name=\"f32\"");
  assert_non_null(last);
  len = (size_t)(last - body);
  len += (size_t)snprintf(body + len, sizeof(body) - len, "------bm42--");
  assert_int_equal(parse(CT, body, len, &p, &n), ST_OK);
  assert_int_equal(n, HTTP_MAX_PARTS);
  assert_string_equal(p[31].name, "f31");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_boundary_from_content_type), cmocka_unit_test(test_fields_and_file),
      cmocka_unit_test(test_file_names_are_plain),       cmocka_unit_test(test_refuses_malformed),
      cmocka_unit_test(test_many_parts_limit),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
