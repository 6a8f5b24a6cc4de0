/* i18n_test.c - .mo parsing (crafted bytes in both byte orders, a real msgfmt file, hostile
 * files) and page-language negotiation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "render/i18n.h"
#include "base/common.h"

#define MO_MAX 4096

struct mo_pair {
  const char *id;
  size_t id_len; /* 0: strlen(id) */
  const char *str;
  size_t str_len; /* 0: strlen(str) */
};

static void put32(unsigned char *p, uint32_t v, int big_endian)
{
  for (int i = 0; i < 4; i++)
    p[big_endian ? 3 - i : i] = (unsigned char)(v >> (8 * i));
}

/* Builds a .mo image of the pairs (in the given order) into out; returns its size. The layout
 * is the one msgfmt writes: header, original table, translation table, then the strings. */
static size_t build_mo(unsigned char *out, const struct mo_pair *pairs, uint32_t n, int big_endian)
{
  memset(out, 0, MO_MAX);
  put32(out, 0x950412deu, big_endian);
  put32(out + 4, 0, big_endian);
  put32(out + 8, n, big_endian);
  put32(out + 12, 28, big_endian);
  put32(out + 16, 28 + 8 * n, big_endian);
  put32(out + 20, 0, big_endian);
  put32(out + 24, 28 + 16 * n, big_endian);
  size_t pos = 28 + 16 * (size_t)n;
  for (int table = 0; table < 2; table++) {
    for (uint32_t i = 0; i < n; i++) {
      const char *s = table ? pairs[i].str : pairs[i].id;
      size_t len = table ? pairs[i].str_len : pairs[i].id_len;
      if (len == 0)
        len = strlen(s);
      assert_true(pos + len + 1 < MO_MAX);
      unsigned char *entry = out + 28 + (size_t)table * 8 * n + 8 * (size_t)i;
      put32(entry, (uint32_t)len, big_endian);
      put32(entry + 4, (uint32_t)pos, big_endian);
      memcpy(out + pos, s, len);
      out[pos + len] = '\0';
      pos += len + 1;
    }
  }
  return pos;
}

static const struct mo_pair sample[] = {
    {"", 0, "Content-Type: text/plain; charset=UTF-8\n", 0},
    {"apply", 0, "申辦", 0},
    {"home_title", 0, "首頁", 0},
    {"file\0files", 10, "檔案\0檔案們", 0},
    {"untranslated", 0, "", 0},
    {"ctx\x04key", 0, "context", 0},
};

static void check_sample(struct i18n_catalog *cat)
{
  assert_int_equal(i18n_count(cat), 3);
  assert_string_equal(i18n_get(cat, "apply"), "申辦");
  assert_string_equal(i18n_get(cat, "home_title"), "首頁");
  assert_string_equal(i18n_get(cat, "file"), "檔案");
  assert_string_equal(i18n_get(cat, "untranslated"), "untranslated");
  assert_string_equal(i18n_get(cat, "missing"), "missing");
  assert_string_equal(i18n_get(cat, ""), "");
}

static void test_little_endian(void **state)
{
  unsigned char mo[MO_MAX];
  char err[256] = "";
  struct i18n_catalog *cat = NULL;
  size_t len = build_mo(mo, sample, ARRAY_LEN(sample), 0);
  assert_int_equal(i18n_parse_mo(mo, len, &cat, err, sizeof(err)), ST_OK);
  check_sample(cat);
  i18n_free(cat);
}

static void test_big_endian(void **state)
{
  unsigned char mo[MO_MAX];
  char err[256] = "";
  struct i18n_catalog *cat = NULL;
  size_t len = build_mo(mo, sample, ARRAY_LEN(sample), 1);
  assert_int_equal(i18n_parse_mo(mo, len, &cat, err, sizeof(err)), ST_OK);
  check_sample(cat);
  i18n_free(cat);
}

static void test_unsorted_input_and_json(void **state)
{
  static const struct mo_pair pairs[] = {
      {"zeta", 0, "Z", 0}, {"alpha", 0, "A", 0}, {"mid", 0, "M", 0}};
  unsigned char mo[MO_MAX];
  char err[256] = "";
  struct i18n_catalog *cat = NULL;
  size_t len = build_mo(mo, pairs, 3, 0);
  assert_int_equal(i18n_parse_mo(mo, len, &cat, err, sizeof(err)), ST_OK);
  assert_string_equal(i18n_get(cat, "alpha"), "A");
  assert_string_equal(i18n_get(cat, "mid"), "M");
  assert_string_equal(i18n_get(cat, "zeta"), "Z");
  json_t *obj = i18n_to_json(cat);
  assert_non_null(obj);
  assert_int_equal(json_object_size(obj), 3);
  assert_string_equal(json_string_value(json_object_get(obj, "mid")), "M");
  json_decref(obj);
  i18n_free(cat);
}

static void test_empty_catalog_and_null(void **state)
{
  unsigned char mo[MO_MAX];
  char err[256] = "";
  struct i18n_catalog *cat = NULL;
  size_t len = build_mo(mo, NULL, 0, 0);
  assert_int_equal(i18n_parse_mo(mo, len, &cat, err, sizeof(err)), ST_OK);
  assert_int_equal(i18n_count(cat), 0);
  assert_string_equal(i18n_get(cat, "x"), "x");
  i18n_free(cat);
  assert_string_equal(i18n_get(NULL, "x"), "x");
  assert_int_equal(i18n_count(NULL), 0);
  json_t *obj = i18n_to_json(NULL);
  assert_int_equal(json_object_size(obj), 0);
  json_decref(obj);
  i18n_free(NULL);
}

static int parse_status(const unsigned char *data, size_t len)
{
  char err[256] = "";
  struct i18n_catalog *cat = NULL;
  int rc = i18n_parse_mo(data, len, &cat, err, sizeof(err));
  if (rc) {
    assert_null(cat);
    assert_true(err[0] != '\0');
  }
  i18n_free(cat);
  return rc;
}

static void test_truncated(void **state)
{
  unsigned char mo[MO_MAX];
  size_t len = build_mo(mo, sample, ARRAY_LEN(sample), 0);
  for (size_t cut = 0; cut < len; cut++) {
    unsigned char *copy = malloc(cut ? cut : 1); /* exact size, so ASan sees any overread */
    memcpy(copy, mo, cut);
    assert_int_equal(parse_status(copy, cut), ST_INVALID);
    free(copy);
  }
  assert_int_equal(parse_status(NULL, 0), ST_INVALID);
}

static void test_hostile_fields(void **state)
{
  unsigned char mo[MO_MAX];
  size_t len = build_mo(mo, sample, ARRAY_LEN(sample), 0);
  const uint32_t end = (uint32_t)len;
  const struct {
    size_t at;
    uint32_t value;
  } patches[] = {
      {0, 0x12345678u},  /* magic */
      {4, 0x00020000u},  /* major revision 2 */
      {8, 0xffffffffu},  /* count */
      {8, 0x10000000u},  /* count */
      {8, 200u},         /* count just beyond the tables */
      {12, 0xfffffff0u}, /* original table offset */
      {16, end},         /* translation table at the very end */
      {28, 0xffffffffu}, /* first msgid length */
      {32, 0xfffffffcu}, /* first msgid offset */
      {32, end},         /* first msgid offset at the end */
      {28 + 8, 1000u},   /* second msgid length beyond the file */
      {28 + 8 * 6, 3u},  /* header msgstr without its NUL */
  };
  for (size_t i = 0; i < ARRAY_LEN(patches); i++) {
    unsigned char *copy = malloc(len);
    memcpy(copy, mo, len);
    put32(copy + patches[i].at, patches[i].value, 0);
    assert_int_equal(parse_status(copy, len), ST_INVALID);
    free(copy);
  }
}

static void test_bad_strings(void **state)
{
  static const struct mo_pair bad_utf8[] = {{"key", 0, "\xff\xfe", 0}};
  static const struct mo_pair dup[] = {{"key", 0, "a", 0}, {"key", 0, "b", 0}};
  unsigned char mo[MO_MAX];
  size_t len = build_mo(mo, bad_utf8, 1, 0);
  assert_int_equal(parse_status(mo, len), ST_INVALID);
  len = build_mo(mo, dup, 2, 1);
  assert_int_equal(parse_status(mo, len), ST_INVALID);
}

/* Entries that share one string: a real file never does this, and copying or scanning each
 * share would cost N times the file size. Found by fuzzing (tests/fuzz/fuzz_mo.c). */
static void test_overlapping_strings(void **state)
{
  static const unsigned char fuzz_crash[] = {
      0xde, 0x12, 0x04, 0x95, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x00,
      0x00, 0x24, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x61, 0x00, 0x00, 0x00, 0x0a, 0x00,
      0x00, 0x00, 0x6c, 0x00, 0x00, 0x00, 0x28, 0x00, 0x00, 0x00, 0x77, 0x00, 0x00, 0x00, 0x0a,
      0x00, 0x00, 0x00, 0x6c, 0x00, 0x00, 0x00, 0x28, 0x00, 0x00, 0x00, 0x77, 0x00, 0x00, 0x00,
      0x07, 0x00, 0x00, 0x00, 0xa0, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, 0xa8, 0x00, 0x00,
      0x00, 0x07, 0x00, 0x00, 0x00, 0xa0, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x63, 0x61, 0x73, 0x65, 0x00, 0x63, 0x61, 0x73,
      0x65, 0x73, 0x00, 0x68, 0x6f, 0x65, 0x65, 0x5f, 0x74, 0x69, 0x74, 0x6c, 0x65, 0x00, 0x43,
      0x6f, 0x6e, 0x74, 0x65, 0x6e, 0x74, 0x2d, 0x54, 0x79, 0x70, 0x65, 0x3a, 0x20, 0x74, 0x65,
      0x78, 0x74, 0x2f, 0x70, 0x6c, 0x61, 0x69, 0x6e, 0x3b, 0x20, 0x63, 0x68, 0x61, 0x72, 0x73,
      0x65, 0x74, 0x3d, 0x55, 0x54, 0x46, 0x2d, 0x38, 0x0a, 0x00, 0xe4, 0xbb, 0xb6, 0x00, 0xe4,
      0xbb, 0xb6, 0x00, 0xe9, 0xa6, 0x96, 0xe9, 0xa0, 0x81, 0x00, 0x87, 0x87, 0x87, 0x87, 0x87,
  };
  assert_int_equal(parse_status(fuzz_crash, sizeof(fuzz_crash)), ST_INVALID);

  char long_id[101];
  memset(long_id, 'a', 100);
  long_id[100] = '\0';
  const struct mo_pair pairs[] = {{long_id, 0, "x", 0}, {"b", 0, "y", 0}};
  unsigned char mo[MO_MAX];
  size_t len = build_mo(mo, pairs, 2, 0);
  assert_int_equal(parse_status(mo, len), ST_OK);
  memcpy(mo + 28 + 16 + 8, mo + 28, 8); /* the second msgstr is now the first msgid */
  assert_int_equal(parse_status(mo, len), ST_INVALID);
}

/* Every single-byte change of a valid file must parse or fail cleanly (ASan checks reads). */
static void test_byte_flips(void **state)
{
  unsigned char mo[MO_MAX];
  size_t len = build_mo(mo, sample, ARRAY_LEN(sample), 1);
  static const unsigned char values[] = {0x00, 0x01, 0x7f, 0x80, 0xff};
  unsigned char *copy = malloc(len);
  for (size_t at = 0; at < len; at++) {
    for (size_t v = 0; v < ARRAY_LEN(values); v++) {
      memcpy(copy, mo, len);
      copy[at] = values[v];
      int rc = parse_status(copy, len);
      assert_true(rc == ST_OK || rc == ST_INVALID);
    }
  }
  free(copy);
}

static void write_text(const char *path, const char *text)
{
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  assert_int_equal(fputs(text, f) >= 0, 1);
  assert_int_equal(fclose(f), 0);
}

static void test_msgfmt_file(void **state)
{
  if (system("command -v msgfmt >/dev/null 2>&1") != 0) {
    print_message("msgfmt not found: skipping the real .mo test\n");
    skip();
  }
  char dir[] = "/tmp/i18n_test.XXXXXX";
  assert_non_null(mkdtemp(dir));
  char po[512], mo[512], cmd[1200], err[256] = "";
  snprintf(po, sizeof(po), "%s/en.po", dir);
  snprintf(mo, sizeof(mo), "%s/en.mo", dir);
  write_text(po, "msgid \"\"\nmsgstr \"\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n"
                 "\"Plural-Forms: nplurals=2; plural=(n != 1);\\n\"\n\n"
                 "msgid \"home_title\"\nmsgstr \"首頁\"\n\n"
                 "msgid \"apply\"\nmsgstr \"Apply \\\"now\\\"\"\n\n"
                 "msgctxt \"menu\"\nmsgid \"open\"\nmsgstr \"開啟\"\n\n"
                 "msgid \"case\"\nmsgid_plural \"cases\"\nmsgstr[0] \"件\"\nmsgstr[1] \"件們\"\n\n"
                 "msgid \"todo\"\nmsgstr \"\"\n");
  snprintf(cmd, sizeof(cmd), "msgfmt -o '%s' '%s'", mo, po);
  assert_int_equal(system(cmd), 0);
  struct i18n_catalog *cat = NULL;
  assert_int_equal(i18n_load_mo(mo, &cat, err, sizeof(err)), ST_OK);
  assert_int_equal(i18n_count(cat), 3);
  assert_string_equal(i18n_get(cat, "home_title"), "首頁");
  assert_string_equal(i18n_get(cat, "apply"), "Apply \"now\"");
  assert_string_equal(i18n_get(cat, "case"), "件");
  assert_string_equal(i18n_get(cat, "todo"), "todo");
  assert_string_equal(i18n_get(cat, "open"), "open");
  i18n_free(cat);
  remove(po);
  remove(mo);
  rmdir(dir);
}

/* A catalogue of 3,000 entries (msgfmt's file) finds every msgid through its hash index, and
 * answers every near miss (a prefix, a longer key, another case) with the key itself. */
static void test_many_entries(void **state)
{
  if (system("command -v msgfmt >/dev/null 2>&1") != 0) {
    print_message("msgfmt not found: skipping the large .mo test\n");
    skip();
  }
  enum { MANY = 3000 };
  char dir[] = "/tmp/i18n_test.XXXXXX";
  assert_non_null(mkdtemp(dir));
  char po[512], mo[512], cmd[1200], err[256] = "";
  snprintf(po, sizeof(po), "%s/many.po", dir);
  snprintf(mo, sizeof(mo), "%s/many.mo", dir);
  FILE *f = fopen(po, "w");
  assert_non_null(f);
  fprintf(f, "msgid \"\"\nmsgstr \"\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n\n");
  for (int i = 0; i < MANY; i++)
    fprintf(f, "msgid \"event_kind_%d\"\nmsgstr \"事件 %d\"\n\n", i, i * 7);
  assert_int_equal(fclose(f), 0);
  snprintf(cmd, sizeof(cmd), "msgfmt -o '%s' '%s'", mo, po);
  assert_int_equal(system(cmd), 0);
  struct i18n_catalog *cat = NULL;
  assert_int_equal(i18n_load_mo(mo, &cat, err, sizeof(err)), ST_OK);
  assert_int_equal(i18n_count(cat), MANY);
  for (int i = 0; i < MANY; i++) {
    char key[64], want[64], miss[64];
    snprintf(key, sizeof(key), "event_kind_%d", i);
    snprintf(want, sizeof(want), "事件 %d", i * 7);
    assert_string_equal(i18n_get(cat, key), want);
    snprintf(miss, sizeof(miss), "event_kind_%dx", i);
    assert_ptr_equal(i18n_get(cat, miss), miss);
    snprintf(miss, sizeof(miss), "Event_kind_%d", i);
    assert_ptr_equal(i18n_get(cat, miss), miss);
    key[strlen(key) - 1] = '\0'; /* a prefix: another entry for i >= 10, else a miss */
    if (i < 10)
      assert_ptr_equal(i18n_get(cat, key), key);
  }
  assert_string_equal(i18n_get(cat, ""), "");
  i18n_free(cat);
  remove(po);
  remove(mo);
  rmdir(dir);
}

static void test_load_errors(void **state)
{
  char err[256] = "";
  struct i18n_catalog *cat = NULL;
  assert_int_equal(i18n_load_mo("/nonexistent/zz.mo", &cat, err, sizeof(err)), ST_IO);
  assert_null(cat);
  assert_non_null(strstr(err, "/nonexistent/zz.mo"));
  char dir[] = "/tmp/i18n_test.XXXXXX";
  assert_non_null(mkdtemp(dir));
  char path[512];
  snprintf(path, sizeof(path), "%s/bad.mo", dir);
  write_text(path, "not a mo file at all, but long enough for a header");
  assert_int_equal(i18n_load_mo(path, &cat, err, sizeof(err)), ST_INVALID);
  assert_non_null(strstr(err, "bad.mo"));
  remove(path);
  rmdir(dir);
}

static void test_normalize(void **state)
{
  static const struct {
    const char *tag;
    const char *want;
  } cases[] = {
      {"zh", "zh-TW"},    {"zh-TW", "zh-TW"},   {"zh_TW", "zh-TW"},
      {"ZH-tw", "zh-TW"}, {"zh-Hant", "zh-TW"}, {"zh-Hant-TW", "zh-TW"},
      {"zh-CN", "zh-TW"}, {"zh-HK", "zh-TW"},   {"en", "en"},
      {"en-US", "en"},    {"EN-gb", "en"},      {"en_US", "en"},
      {"fr", NULL},       {"", NULL},           {"e", NULL},
      {"english", NULL},  {"zhx", NULL},        {"en-", NULL},
      {"en--US", NULL},   {"*", NULL},          {"en-toolongsubtag", NULL},
      {"en US", NULL},    {"zh-TW;q=1", NULL},
  };
  for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
    const char *got = i18n_normalize(cases[i].tag, strlen(cases[i].tag));
    if (cases[i].want)
      assert_string_equal(got, cases[i].want);
    else
      assert_null(got);
  }
  assert_null(i18n_normalize(NULL, 0));
  assert_string_equal(i18n_normalize("en-US garbage", 5), "en"); /* length-delimited */
  assert_true(i18n_supported("zh-TW"));
  assert_true(i18n_supported("en"));
  assert_true(i18n_supported("zh-Hant-TW"));
  assert_false(i18n_supported("fr"));
  assert_false(i18n_supported(NULL));
}

static void test_negotiate(void **state)
{
  static const struct {
    const char *query, *cookie, *accept, *want;
  } cases[] = {
      {NULL, NULL, NULL, "zh-TW"},
      {"en", "zh-TW", "zh-TW", "en"},
      {"zh-TW", "en", "en", "zh-TW"},
      {"fr", "en", NULL, "en"},
      {"", "", "en", "en"},
      {" en ", NULL, NULL, "en"},
      {NULL, NULL, "en-US,en;q=0.9,zh-TW;q=0.8", "en"},
      {NULL, NULL, "zh-TW;q=0.5, en;q=0.9", "en"},
      {NULL, NULL, "fr", "zh-TW"},
      {NULL, NULL, "fr, en;q=0.1", "en"},
      {NULL, NULL, "fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7", "en"},
      {NULL, NULL, "zh-CN,zh;q=0.9,en;q=0.8", "zh-TW"},
      {NULL, NULL, " en ; q=0.7 , zh ; Q=0.7", "en"},
      {NULL, NULL, "zh;q=0.7,en;q=0.7", "zh-TW"},
      {NULL, NULL, "zh;q=0, en;q=0.001", "en"},
      {NULL, NULL, "en;q=0", "zh-TW"},
      {NULL, NULL, "en;q=abc, zh-TW;q=0.3", "zh-TW"},
      {NULL, NULL, "zh;q=0.2, en;q=1.5", "zh-TW"},
      {NULL, NULL, "zh;q=0.2, en;q=0.5000", "zh-TW"},
      {NULL, NULL, "zh;q=0.2, en;q", "zh-TW"},
      {NULL, NULL, "zh;q=0.2, en;q=1.000", "en"},
      {NULL, NULL, "ja;q=1, en;level=1;q=0.4", "en"},
      {NULL, NULL, ";;;,,,=,;q=1", "zh-TW"},
      {NULL, NULL, "*", "zh-TW"},
      {NULL, NULL, "", "zh-TW"},
      {NULL, NULL, ",,,en", "en"},
      {NULL, NULL, "en\t;\tq=0.5", "en"},
  };
  for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
    const char *got = i18n_negotiate(cases[i].query, cases[i].cookie, cases[i].accept);
    if (strcmp(got, cases[i].want) != 0)
      fail_msg("case %zu (%s): got %s, want %s", i, cases[i].accept ? cases[i].accept : "-", got,
               cases[i].want);
  }
}

static void test_negotiate_long_header(void **state)
{
  size_t n = 100000;
  char *header = malloc(n + 16);
  for (size_t i = 0; i < n; i += 4)
    memcpy(header + i, "fr,,", 4);
  memcpy(header + n, "en;q=0.1", 9);
  assert_string_equal(i18n_negotiate(NULL, NULL, header), "en");
  free(header);
}

static void test_html_lang(void **state)
{
  assert_string_equal(i18n_html_lang("zh-TW"), "zh-Hant-TW");
  assert_string_equal(i18n_html_lang("en"), "en");
  assert_string_equal(i18n_html_lang("en-GB"), "en");
  assert_string_equal(i18n_html_lang(NULL), "zh-Hant-TW");
  assert_string_equal(i18n_html_lang("fr"), "zh-Hant-TW");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_little_endian),
      cmocka_unit_test(test_big_endian),
      cmocka_unit_test(test_unsorted_input_and_json),
      cmocka_unit_test(test_empty_catalog_and_null),
      cmocka_unit_test(test_truncated),
      cmocka_unit_test(test_hostile_fields),
      cmocka_unit_test(test_bad_strings),
      cmocka_unit_test(test_overlapping_strings),
      cmocka_unit_test(test_byte_flips),
      cmocka_unit_test(test_msgfmt_file),
      cmocka_unit_test(test_many_entries),
      cmocka_unit_test(test_load_errors),
      cmocka_unit_test(test_normalize),
      cmocka_unit_test(test_negotiate),
      cmocka_unit_test(test_negotiate_long_header),
      cmocka_unit_test(test_html_lang),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
