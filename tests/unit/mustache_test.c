/*
 * mustache_test.c - the mustache renderer against the official spec files
 * (tests/conformance/mustache-spec, read as they are) and our own contracts: escaping, compile
 * errors with line numbers, limits, the two-frame stack the app uses for globals, load_dir.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/str.h"
#include "render/mustache.h"
#include "render/view.h"
#include "base/common.h"
#include "render/html.h"
#include "render/mustache_internal.h"
#include "base/arena.h"

#define SPEC_DIR BIANMIN_SOURCE_DIR "/tests/conformance/mustache-spec/"

enum { TEST_OUT_MAX = 1024 * 1024 };

/* Spec cases run across all spec tests; the last test checks the run was not silently empty. */
static size_t spec_cases_run;

/* The name the case's own template gets: no spec partial name contains '<'. */
static const char SPEC_MAIN[] = "<spec template>";

static int add_partials(struct mustache_set *set, json_t *partials, char *err, size_t err_size)
{
  const char *key;
  json_t *value;
  json_object_foreach(partials, key, value)
  {
    int rc = mustache_set_add(set, key, json_string_value(value), json_string_length(value), err,
                              err_size);
    if (rc)
      return rc;
  }
  return ST_OK;
}

/* Runs one spec case; prints the file and case name and returns 1 when it fails. */
static int run_case(const char *file, json_t *test)
{
  const char *name = json_string_value(json_object_get(test, "name"));
  json_t *tpl = json_object_get(test, "template");
  json_t *data = json_object_get(test, "data");
  const char *expected = json_string_value(json_object_get(test, "expected"));
  char err[256] = "";
  struct buf out;
  int failed = 1;
  buf_init(&out, TEST_OUT_MAX);
  struct mustache_set *set = mustache_set_new();
  assert_non_null(set);
  int rc = add_partials(set, json_object_get(test, "partials"), err, sizeof(err));
  if (!rc)
    rc = mustache_set_add(set, SPEC_MAIN, json_string_value(tpl), json_string_length(tpl), err,
                          sizeof(err));
  if (!rc)
    rc = mustache_render(set, SPEC_MAIN, &data, 1, &out);
  if (rc)
    printf("FAIL %s / %s: status %d %s\n", file, name, rc, err);
  else if (strcmp(out.data ? out.data : "", expected) != 0)
    printf("FAIL %s / %s:\n  expected [%s]\n  got      [%s]\n", file, name, expected,
           out.data ? out.data : "");
  else
    failed = 0;
  mustache_set_free(set);
  buf_free(&out);
  return failed;
}

static void run_spec_file(const char *file)
{
  char path[512];
  json_error_t error;
  snprintf(path, sizeof(path), "%s%s", SPEC_DIR, file);
  json_t *spec = json_load_file(path, 0, &error);
  if (!spec)
    fail_msg("cannot read %s: %s (line %d)", path, error.text, error.line);
  json_t *tests = json_object_get(spec, "tests");
  assert_true(json_is_array(tests));
  size_t i, failures = 0;
  json_t *test;
  json_array_foreach(tests, i, test)
  {
    failures += (size_t)run_case(file, test);
    spec_cases_run++;
  }
  printf("%s: %zu of %zu cases pass\n", file, json_array_size(tests) - failures,
         json_array_size(tests));
  json_decref(spec);
  assert_int_equal(failures, 0);
}

static void spec_comments(void **state)
{
  run_spec_file("comments.json");
}

static void spec_delimiters(void **state)
{
  run_spec_file("delimiters.json");
}

static void spec_interpolation(void **state)
{
  run_spec_file("interpolation.json");
}

static void spec_inverted(void **state)
{
  run_spec_file("inverted.json");
}

static void spec_partials(void **state)
{
  run_spec_file("partials.json");
}

static void spec_sections(void **state)
{
  run_spec_file("sections.json");
}

static void spec_dynamic_names(void **state)
{
  run_spec_file("~dynamic-names.json");
}

/* The optional inheritance module ({{<parent}}, {{$block}}) is not implemented: its tags are
 * compile errors, so the file is skipped on purpose rather than failed. */
static void spec_inheritance_skipped(void **state)
{
  printf("~inheritance.json: skipped (optional module not implemented)\n");
  skip();
}

static void spec_case_count(void **state)
{
  printf("spec cases run: %zu\n", spec_cases_run);
  assert_true(spec_cases_run > 100);
}

/* Compiles src as "t" into a fresh set, renders it with the given stack into *out. */
static int render_src(const char *src, json_t *const *stack, size_t count, struct buf *out)
{
  char err[256];
  struct mustache_set *set = mustache_set_new();
  assert_non_null(set);
  int rc = mustache_set_add(set, "t", src, strlen(src), err, sizeof(err));
  if (!rc)
    rc = mustache_render(set, "t", stack, count, out);
  mustache_set_free(set);
  return rc;
}

/* Renders src against the JSON text data and checks the output. */
static void expect_render(const char *src, const char *data_json, const char *expected)
{
  struct buf out;
  json_t *data = json_loads(data_json, 0, NULL);
  assert_non_null(data);
  buf_init(&out, TEST_OUT_MAX);
  assert_int_equal(render_src(src, &data, 1, &out), ST_OK);
  assert_string_equal(out.data ? out.data : "", expected);
  buf_free(&out);
  json_decref(data);
}

static void escaping(void **state)
{
  const char *data = "{\"x\": \"<a href=\\\"u?a=1&b='2'\\\">\"}";
  expect_render("{{x}}", data, "&lt;a href=&quot;u?a=1&amp;b=&#39;2&#39;&quot;&gt;");
  expect_render("{{{x}}}|{{&x}}", data, "<a href=\"u?a=1&b='2'\">|<a href=\"u?a=1&b='2'\">");
  expect_render("{{x}}", "{\"x\": \"\\u81fa\\u5317 plain\"}", "\xe8\x87\xba\xe5\x8c\x97 plain");
  /* bidirectional controls are shown as U+FFFD; other U+20xx characters and the marks stay */
  expect_render("{{x}}", "{\"x\": \"a\\u202eb\\u2066c\\u2069d\\u202a\"}",
                "a\xef\xbf\xbd"
                "b\xef\xbf\xbd"
                "c\xef\xbf\xbd"
                "d\xef\xbf\xbd");
  expect_render("{{x}}", "{\"x\": \"a\\u2014b\\u200fc\\u2065<\"}",
                "a\xe2\x80\x94"
                "b\xe2\x80\x8f"
                "c\xe2\x81\xa5&lt;");
  expect_render("{{{x}}}", "{\"x\": \"a\\u202eb\"}",
                "a\xe2\x80\xae"
                "b");
}

/* The escaping as it was written before the block scanner: one byte at a time. */
static void reference_escape(struct buf *out, const char *s, size_t len)
{
  for (size_t i = 0; i < len; i++) {
    const char *rep = NULL;
    switch (s[i]) {
    case '&':
      rep = "&amp;";
      break;
    case '<':
      rep = "&lt;";
      break;
    case '>':
      rep = "&gt;";
      break;
    case '"':
      rep = "&quot;";
      break;
    case '\'':
      rep = "&#39;";
      break;
    default:
      if (i + 2 < len && str_has_bidi_control((struct str){s + i, 3})) {
        rep = "\xEF\xBF\xBD";
        i += 2;
      }
    }
    assert_int_equal(rep ? buf_puts(out, rep) : buf_putc(out, s[i]), ST_OK);
  }
}

/* The block scanner (16 bytes at a time) escapes every byte where the byte-at-a-time escaping
 * did: each special byte and bidirectional control at every offset of texts up to 80 bytes
 * (so before, inside, across and after whole blocks, and in the last block, which overlaps
 * the one before), among ASCII and CJK text, and the scan stops at the first; and a text
 * checked as plain at load (the translations) renders as it is, one that is not, escaped. */
static void escaping_by_blocks(void **state)
{
  static const char *const specials[] = {
      "&", "<", ">", "\"", "'", "\xE2\x80\xAE", "\xE2\x81\xA6", "\xE2\x80\x94", "=", "?", "\xE2"};
  static const char filler[] = "ab\xE8\x87\xBA\xE5\x8C\x97"
                               "cdefghijklmnopqrstuvwxyz0123456789"
                               "\xE6\x96\xB0\xE8\x88\x88"
                               "ABCDEFGHIJKLMNOPQRSTUVWXYZ.,;:-_+~";
  struct buf got, want;
  buf_init(&got, TEST_OUT_MAX);
  buf_init(&want, TEST_OUT_MAX);
  size_t checked = 0;
  for (size_t len = 0; len <= 80 && len < sizeof(filler); len++)
    for (size_t at = 0; at <= len; at++)
      for (size_t k = 0; k < ARRAY_LEN(specials); k++) {
        char text[128];
        size_t n = strlen(specials[k]);
        memcpy(text, filler, len);
        memcpy(text + at, specials[k], n);
        size_t total = len > at + n ? len : at + n;
        text[total] = '\0'; /* for strcspn below; no byte before it is NUL */
        buf_reset(&got);
        buf_reset(&want);
        assert_int_equal(html_escape_append(&got, text, total), ST_OK);
        reference_escape(&want, text, total);
        assert_int_equal(got.len, want.len);
        assert_memory_equal(got.data, want.data, got.len);
        assert_int_equal(html_plain_prefix(text, total) == total,
                         want.len == total && !memchr(text, 0xE2, total));
        size_t first = strcspn(text, "&<>\"'\xE2");
        assert_int_equal(html_plain_prefix(text, total), first < total ? first : total);
        checked++;
      }
  assert_true(checked > 30000);

  struct view_map m = {0};
  struct view_entry entries[2];
  m.entries = entries;
  m.count = m.cap = 2;
  entries[0] = (struct view_entry){"plain", 5, view_key_hash("plain", 5),
                                   view_text_checked("a \xE8\x87\xBA b", 7)};
  entries[1] =
      (struct view_entry){"html", 4, view_key_hash("html", 4), view_text_checked("<b>&", 4)};
  for (size_t i = 0; i < 2; i++)
    m.filter[VIEW_FILTER_WORD(entries[i].hash)] |= VIEW_FILTER_BIT(entries[i].hash);
  assert_int_equal(entries[0].value.flags, VIEW_HTML_PLAIN);
  assert_int_equal(entries[1].value.flags, 0);
  struct mustache_set *set = mustache_set_new();
  char err[128];
  static const char src[] = "{{plain}}|{{html}}|{{{html}}}";
  assert_int_equal(mustache_set_add(set, "t", src, strlen(src), err, sizeof(err)), ST_OK);
  struct view page = view_of_map(&m);
  buf_reset(&got);
  assert_int_equal(mustache_render_views(set, "t", &page, 1, &got), ST_OK);
  assert_string_equal(got.data, "a \xE8\x87\xBA b|&lt;b&gt;&amp;|<b>&");
  mustache_set_free(set);
  buf_free(&got);
  buf_free(&want);
}

/* Texts shorter than a block are scanned with one 16-byte load when the load stays in their
 * page (html.c): a text that ends right at the end of a page followed by an unreadable one is
 * read byte by byte instead, and gives what the reference escaping gives. Every length up to
 * 20 at every distance from the page's end (so loads that fit, end exactly at the end, and
 * would cross it), with each special byte at every offset and none at all. */
static void escaping_at_page_end(void **state)
{
  (void)state;
  static const char *const specials[] = {"&", "<", ">", "\"", "'", "\xE2\x80\xAE", "\xE2"};
  long page = sysconf(_SC_PAGESIZE);
  assert_true(page >= 4096);
  char *map =
      mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  assert_true(map != MAP_FAILED);
  assert_int_equal(mprotect(map + page, (size_t)page, PROT_NONE), 0);
  struct buf got, want;
  buf_init(&got, TEST_OUT_MAX);
  buf_init(&want, TEST_OUT_MAX);
  size_t checked = 0;
  for (size_t len = 0; len <= 20; len++)
    for (size_t gap = 0; gap <= 20; gap++)
      for (size_t k = 0; k <= ARRAY_LEN(specials); k++)
        for (size_t at = 0; at <= len; at++) {
          char *text = map + page - gap - len; /* len bytes, then gap readable bytes */
          memset(map + page - 64, 'x', 64);
          size_t n = k < ARRAY_LEN(specials) ? strlen(specials[k]) : 0;
          if (at + n > len)
            continue;
          memcpy(text + at, k < ARRAY_LEN(specials) ? specials[k] : "", n);
          if (gap)
            text[len] = '<'; /* a special byte just past the text must not count */
          char copy[32];
          memcpy(copy, text, len);
          copy[len] = '\0';
          size_t first = strcspn(copy, "&<>\"'\xE2");
          assert_int_equal(html_plain_prefix(text, len), first);
          buf_reset(&got);
          buf_reset(&want);
          assert_int_equal(html_escape_append(&got, text, len), ST_OK);
          reference_escape(&want, text, len);
          assert_int_equal(got.len, want.len);
          assert_memory_equal(got.data ? got.data : "", want.data ? want.data : "", got.len);
          checked++;
        }
  assert_true(checked > 5000);
  buf_free(&got);
  buf_free(&want);
  munmap(map, (size_t)page * 2);
}

/* Dotted names are split once, when the template is compiled: each part is looked up inside
 * the value of the one before, only the first searches the stack, and an empty part ("a..b",
 * "a.") finds nothing, as it always did. */
static void dotted_names(void **state)
{
  const char *data = "{\"a\": {\"b\": {\"c\": \"deep\"}, \"x\": 1}, \"c\": \"top\", "
                     "\"x\": {\"y\": \"xy\"}}";
  expect_render("{{a.b.c}}|{{a.b.x}}|{{#a}}{{b.c}}{{x}}{{/a}}|{{a..b}}|{{a.}}|{{x.y}}", data,
                "deep||deep1|||xy");
  expect_render("{{#a.b}}{{c}}{{.}}{{/a.b}}{{^a.z}}none{{/a.z}}", data, "deepnone");
}

static void numbers_and_truthiness(void **state)
{
  expect_render("{{a}} {{b}} {{c}} {{d}} {{e}} {{f}}",
                "{\"a\": 1234567890123, \"b\": -7, \"c\": 0.1, \"d\": 1e300, \"e\": 2.5,"
                " \"f\": true}",
                "1234567890123 -7 0.1 1e+300 2.5 true");
  expect_render("{{#z}}zero{{/z}}{{#s}}no{{/s}}{{^s}}empty{{/s}}{{#o}}obj{{/o}}",
                "{\"z\": 0, \"s\": \"\", \"o\": {}}", "zeroemptyobj");
}

/* Compiles src and expects ST_INVALID with every fragment in the message. */
static void expect_compile_error(const char *src, const char *frag1, const char *frag2)
{
  char err[256] = "";
  struct mustache_set *set = mustache_set_new();
  assert_non_null(set);
  assert_int_equal(mustache_set_add(set, "pages/form", src, strlen(src), err, sizeof(err)),
                   ST_INVALID);
  if (!strstr(err, "pages/form") || !strstr(err, frag1) || !strstr(err, frag2))
    fail_msg("message [%s] lacks the template name, [%s] or [%s]", err, frag1, frag2);
  assert_false(mustache_set_has(set, "pages/form"));
  mustache_set_free(set);
}

static void compile_errors(void **state)
{
  expect_compile_error("line one\n{{#items}}\n  {{name}}\n", "line 2", "unclosed section");
  expect_compile_error("a\n{{#a}}\nb\n{{/b}}\n", "line 4", "does not match");
  expect_compile_error("a\n\nb {{name", "line 3", "unclosed tag");
  expect_compile_error("{{/a}}", "line 1", "without an open section");
  expect_compile_error("x\n{{=<% %>=}}\n<%{{x}}", "line 3", "unclosed tag");
  expect_compile_error("{{= a =}}", "line 1", "set-delimiter");
  expect_compile_error("{{}}", "line 1", "empty");
  expect_compile_error("{{a b}}", "line 1", "whitespace");
}

static void partial_recursion_limit(void **state)
{
  char err[256];
  struct buf out;
  json_t *data = json_object();
  struct mustache_set *set = mustache_set_new();
  const char *loop = "x{{>loop}}";
  assert_int_equal(mustache_set_add(set, "loop", loop, strlen(loop), err, sizeof(err)), ST_OK);
  buf_init(&out, TEST_OUT_MAX);
  assert_int_equal(buf_puts(&out, "kept"), ST_OK);
  assert_int_equal(mustache_render(set, "loop", &data, 1, &out), ST_LIMIT);
  assert_string_equal(out.data, "kept"); /* a failed render leaves out as it was */
  assert_int_equal(mustache_render(set, "missing", &data, 1, &out), ST_NOTFOUND);
  buf_free(&out);
  mustache_set_free(set);
  json_decref(data);
}

static void two_frame_stack(void **state)
{
  struct buf out;
  json_t *stack[2];
  stack[0] =
      json_pack("{s:{s:s}, s:s, s:s}", "t", "hello", "Hi", "name", "globals", "site", "<bianmin>");
  stack[1] = json_pack("{s:s, s:[{s:s}, {s:s}]}", "name", "page", "rows", "n", "a", "n", "b");
  buf_init(&out, TEST_OUT_MAX);
  assert_int_equal(
      render_src("{{t.hello}} {{name}} {{site}}|{{#rows}}{{t.hello}} {{n}} {{name}};{{/rows}}",
                 stack, 2, &out),
      ST_OK);
  assert_string_equal(out.data, "Hi page &lt;bianmin&gt;|Hi a page;Hi b page;");
  buf_reset(&out);
  /* One frame: the globals alone. */
  assert_int_equal(render_src("{{name}}", stack, 1, &out), ST_OK);
  assert_string_equal(out.data, "globals");
  buf_free(&out);
  json_decref(stack[0]);
  json_decref(stack[1]);
}

static void output_limit(void **state)
{
  struct buf out;
  json_t *data = json_pack("{s:s}", "x", "0123456789");
  buf_init(&out, 16);
  assert_int_equal(render_src("{{x}}{{x}}", &data, 1, &out), ST_LIMIT);
  assert_int_equal(out.len, 0);
  buf_free(&out);
  assert_int_equal(render_src("{{x}}", &data, 1, &out), ST_OK);
  assert_string_equal(out.data, "0123456789");
  buf_free(&out);
  json_decref(data);
}

static void write_file(const char *dir, const char *rel, const char *content)
{
  char path[512];
  snprintf(path, sizeof(path), "%s/%s", dir, rel);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(content, f);
  fclose(f);
}

static void load_dir(void **state)
{
  char dir[] = "/tmp/mustache_test_XXXXXX";
  char path[512], err[256] = "";
  struct buf out;
  json_t *data = json_pack("{s:s}", "title", "Home");
  assert_non_null(mkdtemp(dir));
  snprintf(path, sizeof(path), "%s/public", dir);
  assert_int_equal(mkdir(path, 0700), 0);
  snprintf(path, sizeof(path), "%s/partials", dir);
  assert_int_equal(mkdir(path, 0700), 0);
  write_file(dir, "public/home.mustache", "{{>partials/header}}<main>home</main>\n");
  write_file(dir, "partials/header.mustache", "<h1>{{title}}</h1>\n");
  write_file(dir, "partials/notes.txt", "{{#broken");
  struct mustache_set *set = mustache_set_new();
  assert_int_equal(mustache_set_load_dir(set, dir, err, sizeof(err)), ST_OK);
  assert_true(mustache_set_has(set, "public/home"));
  assert_true(mustache_set_has(set, "partials/header"));
  assert_false(mustache_set_has(set, "partials/notes"));
  buf_init(&out, TEST_OUT_MAX);
  assert_int_equal(mustache_render(set, "public/home", &data, 1, &out), ST_OK);
  assert_string_equal(out.data, "<h1>Home</h1>\n<main>home</main>\n");
  /* A template that does not compile makes the load fail and names the file's template. */
  write_file(dir, "public/bad.mustache", "ok\n{{#open}}\n");
  assert_int_equal(mustache_set_load_dir(set, dir, err, sizeof(err)), ST_INVALID);
  assert_non_null(strstr(err, "public/bad"));
  assert_non_null(strstr(err, "line 2"));
  snprintf(path, sizeof(path), "%s/nowhere", dir);
  assert_int_equal(mustache_set_load_dir(set, path, err, sizeof(err)), ST_IO);
  const char *files[] = {"public/home.mustache",
                         "public/bad.mustache",
                         "partials/header.mustache",
                         "partials/notes.txt",
                         "public",
                         "partials"};
  for (size_t i = 0; i < ARRAY_LEN(files); i++) {
    snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
    assert_int_equal(remove(path), 0);
  }
  assert_int_equal(rmdir(dir), 0);
  buf_free(&out);
  mustache_set_free(set);
  json_decref(data);
}

static void replace_template(void **state)
{
  char err[256];
  struct buf out;
  json_t *data = json_object();
  struct mustache_set *set = mustache_set_new();
  assert_int_equal(mustache_set_add(set, "a", "one", 3, err, sizeof(err)), ST_OK);
  assert_int_equal(mustache_set_add(set, "a", "two", 3, err, sizeof(err)), ST_OK);
  assert_int_equal(mustache_set_add(set, "a", "{{#x}}", 6, err, sizeof(err)), ST_INVALID);
  buf_init(&out, TEST_OUT_MAX);
  assert_int_equal(mustache_render(set, "a", &data, 1, &out), ST_OK);
  assert_string_equal(out.data, "two"); /* a failed add keeps the previous template */
  buf_free(&out);
  mustache_set_free(set);
  json_decref(data);
}

static void nested_partial_indent(void **state)
{
  char err[256];
  struct buf out;
  json_t *data = json_pack("{s:s}", "v", "a\nb");
  const char *page = "<div>\n  {{>outer}}\n</div>\n";
  const char *outer = "<p>\n\n  {{>inner}}\n</p>\n";
  const char *inner = "x {{v}}\ny\n";
  struct mustache_set *set = mustache_set_new();
  assert_int_equal(mustache_set_add(set, "page", page, strlen(page), err, sizeof(err)), ST_OK);
  assert_int_equal(mustache_set_add(set, "outer", outer, strlen(outer), err, sizeof(err)), ST_OK);
  assert_int_equal(mustache_set_add(set, "inner", inner, strlen(inner), err, sizeof(err)), ST_OK);
  buf_init(&out, TEST_OUT_MAX);
  assert_int_equal(mustache_render(set, "page", &data, 1, &out), ST_OK);
  /* Template lines take the indent of every standalone partial around them; data does not. */
  assert_string_equal(out.data, "<div>\n  <p>\n\n    x a\nb\n    y\n  </p>\n</div>\n");
  buf_free(&out);
  mustache_set_free(set);
  json_decref(data);
}

static void nesting_limit(void **state)
{
  char err[256] = "";
  struct buf src;
  struct mustache_set *set = mustache_set_new();
  buf_init(&src, TEST_OUT_MAX);
  for (int i = 0; i < 101; i++)
    assert_int_equal(buf_puts(&src, "{{#a}}"), ST_OK);
  assert_int_equal(mustache_set_add(set, "deep", src.data, src.len, err, sizeof(err)), ST_INVALID);
  assert_non_null(strstr(err, "nested too deeply"));
  buf_free(&src);
  mustache_set_free(set);
}

struct thread_job {
  const struct mustache_set *set;
  json_t *data;
  int ok;
};

static void *render_many(void *arg)
{
  struct thread_job *job = arg;
  struct buf out;
  job->ok = 1;
  buf_init(&out, TEST_OUT_MAX);
  for (int i = 0; i < 200 && job->ok; i++) {
    buf_reset(&out);
    if (mustache_render(job->set, "page", &job->data, 1, &out) ||
        strcmp(out.data, "<ul>\n  <li>1</li>\n  <li>2</li>\n</ul>\n") != 0)
      job->ok = 0;
  }
  buf_free(&out);
  return NULL;
}

static void threads_share_a_set(void **state)
{
  char err[256];
  const char *page = "<ul>\n{{#items}}\n  {{>item}}\n{{/items}}\n</ul>\n";
  const char *item = "<li>{{.}}</li>\n";
  struct mustache_set *set = mustache_set_new();
  assert_int_equal(mustache_set_add(set, "page", page, strlen(page), err, sizeof(err)), ST_OK);
  assert_int_equal(mustache_set_add(set, "item", item, strlen(item), err, sizeof(err)), ST_OK);
  struct thread_job jobs[4];
  pthread_t threads[4];
  for (int i = 0; i < 4; i++) {
    jobs[i] = (struct thread_job){set, json_pack("{s:[i,i]}", "items", 1, 2), 0};
    assert_int_equal(pthread_create(&threads[i], NULL, render_many, &jobs[i]), 0);
  }
  for (int i = 0; i < 4; i++) {
    pthread_join(threads[i], NULL);
    assert_true(jobs[i].ok);
    json_decref(jobs[i].data);
  }
  mustache_set_free(set);
}

/* mustache_set_fold: templates with {{t.key}} folded in per map render the bytes the same
 * templates render by lookup, for each map, where a section's context or the page shadows t,
 * in partials inside and outside sections, indented standalone partials, escaped and raw. */
static const char *const FOLD_TEMPLATES[][2] = {
    {"main", "<p>{{t.plain}} {{{t.amp}}} {{t.amp}} {{t.bidi}} {{t.checked}}</p>\n"
             "{{#items}}<i>{{t.plain}}</i>{{>inner}}{{>*dyn}}{{#flag}}{{t.amp}}{{/flag}}{{/items}}"
             "{{^none}}[{{t.plain}}{{>inner}}]{{/none}}\n"
             "{{t.nl}}|{{t.cr}}|{{t.empty}}|{{t.missing}}|{{t.plain.x}}|{{{t.nl}}}|{{t}}\n"
             "{{#flag}}a{{/flag}}{{t.plain}}b{{#flag}}{{t.amp}}{{/flag}}c{{^flag}}{{/flag}}"
             "{{t.plain}}{{>*dyn}}\n"
             "  {{>indented}}\n"
             "{{t.plain}}"},
    {"inner", "({{t.plain}}/{{t.amp}})"},
    {"indented", "{{t.plain}}\n{{t.nl}}\n{{t.empty}}\n{{t.amp}}{{t.plain}}\n{{#flag}}\n"
                 "{{t.plain}}\n{{/flag}}\n"},
};

static struct view fold_tmap(struct view_builder *b, bool en)
{
  struct view_map *m = view_map(b);
  view_add_text(b, m, "plain", en ? "Hello" : "你好");
  view_add_text(b, m, "amp", en ? "A & <b> \"q\" 'x'" : "甲&乙");
  view_add_text(b, m, "bidi",
                "a\xE2\x80\xAE"
                "b\xE2\x80\x94");
  view_add(b, m, "checked", view_text_checked("<c>", 3));
  view_add_text(b, m, "nl", "x\ny");
  view_add_text(b, m, "cr", "x\ry");
  view_add_text(b, m, "empty", "");
  return view_of_map(m);
}

static struct mustache_set *fold_set(void)
{
  char err[256];
  struct mustache_set *set = mustache_set_new();
  assert_non_null(set);
  for (size_t i = 0; i < sizeof(FOLD_TEMPLATES) / sizeof(FOLD_TEMPLATES[0]); i++)
    assert_int_equal(mustache_set_add(set, FOLD_TEMPLATES[i][0], FOLD_TEMPLATES[i][1],
                                      strlen(FOLD_TEMPLATES[i][1]), err, sizeof(err)),
                     ST_OK);
  return set;
}

/* Renders main from both sets with stack; the bytes must be the same. */
static void expect_same(const struct mustache_set *plain, const struct mustache_set *folded,
                        const struct view *stack, size_t count, uint32_t fold)
{
  struct buf a, b;
  buf_init(&a, TEST_OUT_MAX);
  buf_init(&b, TEST_OUT_MAX);
  assert_int_equal(mustache_set_fold_of(folded, stack, count), fold);
  assert_int_equal(mustache_render_views(plain, "main", stack, count, &a), ST_OK);
  assert_int_equal(mustache_render_views(folded, "main", stack, count, &b), ST_OK);
  assert_non_null(strstr(a.data, "&lt;b&gt;") ? a.data : strstr(a.data, "甲&amp;乙"));
  assert_non_null(strstr(a.data, "x\ny"));
  assert_string_equal(b.data, a.data);
  buf_free(&a);
  buf_free(&b);
}

static size_t variables_of(const struct mustache_template *tpl)
{
  size_t count = 0;
  for (size_t i = 0; i < tpl->count; i++)
    count += tpl->nodes[i].kind == MNODE_ESCAPED || tpl->nodes[i].kind == MNODE_RAW;
  return count;
}

/* The text before a node is merged into it at load (mustache_attach_text), never across a
 * section's start or end: a section's last text stays a node of its own, as do two texts
 * split by a comment (the first) and a template's last text; the bytes are the spec's. */
static void attached_text(void **state)
{
  (void)state;
  static const char src[] = "a{{x}}b{{#s}}c{{y}}d{{/s}}e{{! note }}f{{^s}}g{{/s}}h{{>p}}i";
  char err[128];
  struct mustache_set *set = mustache_set_new();
  assert_int_equal(mustache_set_add(set, "t", src, strlen(src), err, sizeof(err)), ST_OK);
  assert_int_equal(mustache_set_add(set, "p", "[{{x}}]", 7, err, sizeof(err)), ST_OK);
  const struct mustache_template *tpl = mustache_set_find(set, "t", 1);
  /* x(a) s(b) y(c) "d" "e" ^s(f) "g" >p(h) "i" */
  assert_int_equal(tpl->count, 9);
  assert_int_equal(tpl->nodes[0].pre_len, 1);
  assert_int_equal(tpl->nodes[1].kind, MNODE_SECTION);
  assert_int_equal(tpl->nodes[1].end, 4);
  assert_int_equal(tpl->nodes[3].kind, MNODE_TEXT);
  assert_int_equal(tpl->nodes[5].end, 7);
  assert_int_equal(mustache_set_find(set, "p", 1)->count, 2);
  static const char *const data[][2] = {
      {"{\"x\":\"<\",\"y\":1,\"s\":true}", "a&lt;bc1defh[&lt;]i"},
      {"{\"x\":\"<\",\"s\":false}", "a&lt;befgh[&lt;]i"},
      {"{\"s\":[{\"y\":1},{\"y\":2}]}", "abc1dc2defh[]i"},
  };
  for (size_t k = 0; k < ARRAY_LEN(data); k++) {
    json_t *j = json_loads(data[k][0], 0, NULL);
    struct buf out;
    buf_init(&out, TEST_OUT_MAX);
    assert_int_equal(mustache_render(set, "t", &j, 1, &out), ST_OK);
    assert_string_equal(out.data, data[k][1]);
    buf_free(&out);
    json_decref(j);
  }
  mustache_set_free(set);
}

static void fold_translations(void **state)
{
  (void)state;
  struct arena *arena = arena_new(1024 * 1024);
  assert_non_null(arena);
  struct view_builder b = view_builder(arena);
  struct view maps[2] = {fold_tmap(&b, true), fold_tmap(&b, false)};
  struct view copy = fold_tmap(&b, true); /* the same texts, another map: not folded */
  struct view_map *g[4] = {view_map(&b), view_map(&b), view_map(&b), view_map(&b)};
  /* a page of views: a list item that holds t (shadowing the folded map), one that does not */
  struct view_map *vpage = view_map(&b), *shadow = view_map(&b), *item = view_map(&b);
  struct view_list *items = view_list(&b);
  struct view_map *vt = view_map(&b);
  view_add_text(&b, vt, "plain", "a view's");
  view_add(&b, shadow, "t", view_of_map(vt));
  view_add_bool(&b, item, "flag", true);
  view_push(&b, items, view_of_map(item));
  view_push(&b, items, view_of_map(shadow));
  view_add(&b, vpage, "items", view_of_list(items));
  view_add_bool(&b, vpage, "flag", true);
  view_add(&b, g[0], "t", maps[0]);
  view_add(&b, g[1], "t", maps[1]);
  view_add(&b, g[2], "t", copy);
  view_add_text(&b, g[3], "other", "x"); /* no t at all */
  assert_int_equal(view_done(&b), ST_OK);
  json_t *page = json_loads("{\"items\":[{\"t\":{\"plain\":\"shadow\",\"amp\":\"s&\"}},{\"x\":1}],"
                            "\"flag\":true,\"dyn\":\"inner\"}",
                            0, NULL);
  json_t *shadowing = json_loads("{\"t\":{\"plain\":\"the page\"},\"flag\":true}", 0, NULL);
  assert_non_null(page);
  assert_non_null(shadowing);
  struct mustache_set *plain = fold_set(), *folded = fold_set();
  assert_int_equal(mustache_set_fold(folded, "t", maps, 2), ST_OK);

  for (size_t lang = 0; lang < 2; lang++) {
    struct view stack[] = {view_of_map(g[lang]), view_json(page)};
    expect_same(plain, folded, stack, 2, (uint32_t)lang + 1);
  }
  struct view view_page[] = {view_of_map(g[1]), view_of_map(vpage)};
  expect_same(plain, folded, view_page, 2, 2);
  /* folding did take names away */
  const struct mustache_template *main_tpl = mustache_set_find(folded, "main", 4);
  assert_true(variables_of(&main_tpl->folds[0]) + 10 < variables_of(main_tpl));
  struct view other_map[] = {view_of_map(g[2]), view_json(page)};
  expect_same(plain, folded, other_map, 2, 0);
  struct view shadowed[] = {view_of_map(g[0]), view_json(shadowing)};
  struct view no_t[] = {view_of_map(g[3]), view_json(page)};
  struct buf a, c;
  buf_init(&a, TEST_OUT_MAX);
  buf_init(&c, TEST_OUT_MAX);
  assert_int_equal(mustache_set_fold_of(folded, shadowed, 2), 0);
  assert_int_equal(mustache_set_fold_of(folded, no_t, 2), 0);
  assert_int_equal(mustache_render_views(folded, "main", shadowed, 2, &a), ST_OK);
  assert_int_equal(mustache_render_views(plain, "main", shadowed, 2, &c), ST_OK);
  assert_non_null(strstr(a.data, "the page"));
  assert_string_equal(a.data, c.data);
  buf_free(&a);
  buf_free(&c);

  /* an add undoes the folding: the variants' partial links would go stale */
  char err[256];
  assert_int_equal(mustache_set_add(folded, "inner", "{{t.plain}}", 11, err, sizeof(err)), ST_OK);
  assert_null(mustache_set_find(folded, "main", 4)->folds);
  assert_int_equal(mustache_set_fold(folded, "t", &copy, 1), ST_OK);
  assert_int_equal(mustache_set_fold(folded, "t", maps, MUSTACHE_MAX_FOLDS + 1), ST_LIMIT);
  assert_int_equal(mustache_set_fold(folded, "t", (struct view[]){view_text("x")}, 1), ST_INVALID);
  mustache_set_free(plain);
  mustache_set_free(folded);
  json_decref(page);
  json_decref(shadowing);
  arena_free(arena);
}

/* A map pushed by a section as a context gives every name what the same map gives as a base
 * context: a name added twice (the first wins), absent names, dotted names, a name found
 * below it, for maps small and large (before and after their filter fills up). */
static void large_map_contexts(void **state)
{
  (void)state;
  static const size_t sizes[] = {5, 23, 24, 25, 50, 95, 96, 97, 200};
  struct arena *arena = arena_new(4 * 1024 * 1024);
  assert_non_null(arena);
  for (size_t z = 0; z < ARRAY_LEN(sizes); z++) {
    size_t count = sizes[z];
    struct view_builder b = view_builder(arena);
    struct view_map *m = view_map(&b), *inner = view_map(&b), *outer = view_map(&b);
    struct buf src;
    buf_init(&src, TEST_OUT_MAX);
    view_add_text(&b, inner, "x", "in<ner>");
    for (size_t i = 0; i + 2 < count; i++) {
      char *key = arena_alloc(arena, 32), *val = arena_alloc(arena, 32);
      assert_non_null(key);
      assert_non_null(val);
      snprintf(key, 32, "k%zu", i);
      snprintf(val, 32, "v%zu&", i);
      view_add_text(&b, m, key, val);
      assert_int_equal(buf_printf(&src, "{{%s}}|{{k%zu}}|", key, i + 1000), ST_OK);
    }
    view_add(&b, m, "sub", view_of_map(inner));
    view_add_text(&b, m, count > 2 ? "k0" : "kk", "second"); /* added twice: not found */
    view_add_text(&b, outer, "below", "from below");
    assert_int_equal(buf_puts(&src, "{{sub.x}}|{{sub.y}}|{{below}}|{{#sub}}{{x}}{{k1}}{{/sub}}|"
                                    "{{k0}}|{{^nothing}}none{{/nothing}}"),
                     ST_OK);
    assert_int_equal(view_done(&b), ST_OK);
    struct buf wrapped;
    buf_init(&wrapped, TEST_OUT_MAX);
    assert_int_equal(buf_printf(&wrapped, "{{#m}}%s{{/m}}", src.data), ST_OK);
    struct view_map *holder = view_map(&b);
    view_add(&b, holder, "m", view_of_map(m));
    assert_int_equal(view_done(&b), ST_OK);

    struct mustache_set *set = mustache_set_new();
    char err[128];
    assert_int_equal(mustache_set_add(set, "flat", src.data, src.len, err, sizeof(err)), ST_OK);
    assert_int_equal(mustache_set_add(set, "pushed", wrapped.data, wrapped.len, err, sizeof(err)),
                     ST_OK);
    struct view flat_stack[] = {view_of_map(outer), view_of_map(m)};
    struct view pushed_stack[] = {view_of_map(outer), view_of_map(holder)};
    struct buf a, c;
    buf_init(&a, TEST_OUT_MAX);
    buf_init(&c, TEST_OUT_MAX);
    assert_int_equal(mustache_render_views(set, "flat", flat_stack, 2, &a), ST_OK);
    assert_int_equal(mustache_render_views(set, "pushed", pushed_stack, 2, &c), ST_OK);
    assert_string_equal(c.data, a.data);
    assert_non_null(strstr(a.data, "in&lt;ner&gt;|"));
    assert_non_null(strstr(a.data, "|from below|"));
    assert_null(strstr(a.data, "second"));
    if (count > 3)
      assert_non_null(strstr(a.data, "ner&gt;v1&amp;|v0&amp;|none"));
    buf_free(&a);
    buf_free(&c);
    buf_free(&wrapped);
    buf_free(&src);
    mustache_set_free(set);
  }
  arena_free(arena);
}

/* Sections on true, a number, a text and a list of texts push contexts that hold no names
 * (passed over without a lookup): the names inside them are found below, and {{.}} is the
 * context itself; a map pushed above them still shadows. */
static void scalar_contexts(void **state)
{
  (void)state;
  struct arena *arena = arena_new(64 * 1024);
  assert_non_null(arena);
  struct view_builder b = view_builder(arena);
  struct view_map *page = view_map(&b), *inner = view_map(&b);
  struct view_list *words = view_list(&b);
  view_push(&b, words, view_text("w1"));
  view_push(&b, words, view_text("w<2>"));
  view_add_text(&b, inner, "x", "inner x");
  view_add_bool(&b, page, "t", true);
  view_add_int(&b, page, "n", 7);
  view_add_text(&b, page, "s", "str");
  view_add_text(&b, page, "x", "X&");
  view_add(&b, page, "words", view_of_list(words));
  view_add(&b, page, "m", view_of_map(inner));
  assert_int_equal(view_done(&b), ST_OK);
  static const char src[] = "{{#t}}{{#n}}{{.}}{{#s}}{{x}}{{.}}{{#m}}{{x}}{{n}}{{/m}}{{/s}}{{/n}}"
                            "{{/t}}|{{#words}}{{.}}{{x}}{{s}}{{/words}}";
  struct mustache_set *set = mustache_set_new();
  char err[128];
  assert_int_equal(mustache_set_add(set, "p", src, strlen(src), err, sizeof(err)), ST_OK);
  struct view stack = view_of_map(page);
  struct buf out;
  buf_init(&out, TEST_OUT_MAX);
  assert_int_equal(mustache_render_views(set, "p", &stack, 1, &out), ST_OK);
  assert_string_equal(out.data, "7X&amp;strinner x7|w1X&amp;strw&lt;2&gt;X&amp;str");
  buf_free(&out);
  mustache_set_free(set);
  arena_free(arena);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(spec_comments),
      cmocka_unit_test(spec_delimiters),
      cmocka_unit_test(spec_interpolation),
      cmocka_unit_test(spec_inverted),
      cmocka_unit_test(spec_partials),
      cmocka_unit_test(spec_sections),
      cmocka_unit_test(spec_dynamic_names),
      cmocka_unit_test(spec_inheritance_skipped),
      cmocka_unit_test(spec_case_count),
      cmocka_unit_test(escaping),
      cmocka_unit_test(escaping_by_blocks),
      cmocka_unit_test(escaping_at_page_end),
      cmocka_unit_test(large_map_contexts),
      cmocka_unit_test(dotted_names),
      cmocka_unit_test(numbers_and_truthiness),
      cmocka_unit_test(compile_errors),
      cmocka_unit_test(partial_recursion_limit),
      cmocka_unit_test(two_frame_stack),
      cmocka_unit_test(output_limit),
      cmocka_unit_test(load_dir),
      cmocka_unit_test(replace_template),
      cmocka_unit_test(nested_partial_indent),
      cmocka_unit_test(nesting_limit),
      cmocka_unit_test(threads_share_a_set),
      cmocka_unit_test(attached_text),
      cmocka_unit_test(scalar_contexts),
      cmocka_unit_test(fold_translations),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
