/*
 * case_number.c - formatting and parsing case numbers and check codes.
 */
#include "domain/case_number.h"

#include <ctype.h>
#include <stdbool.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "base/str.h"

#include "base/common.h"

enum { TYPED_MAX = 96 };

int case_word_code_valid(const char *code)
{
  size_t n = code ? strlen(code) : 0;
  if (n == 0 || n > CASE_WORD_CODE_MAX)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (!isalnum((unsigned char)code[i]))
      return 0;
  return 1;
}

/* A bounded writer for the short texts below, without snprintf's format interpretation (a
 * lookup formats and parses numbers several times). */
struct text_out {
  char *p;
  size_t len, size;
  bool over;
};

static void put_bytes(struct text_out *o, const char *s, size_t n)
{
  if (o->over || n >= o->size - o->len) {
    o->over = true;
    return;
  }
  memcpy(o->p + o->len, s, n);
  o->len += n;
  o->p[o->len] = '\0';
}

static void put_text(struct text_out *o, const char *s)
{
  put_bytes(o, s, strlen(s));
}

static void put_number(struct text_out *o, long long v, int width)
{
  char digits[STR_DECIMAL_SIZE];
  put_bytes(o, digits, str_decimal(v, width, digits));
}

static int text_done(const struct text_out *o, int over_rc)
{
  return o->over ? over_rc : ST_OK;
}

int case_number_key(const struct case_number *n, char *out, size_t size)
{
  if (!size)
    return ST_LIMIT;
  struct text_out o = {out, 0, size, false};
  out[0] = '\0';
  put_number(&o, n->roc_year, 3);
  put_bytes(&o, "-", 1);
  put_text(&o, n->word_code);
  put_bytes(&o, "-", 1);
  put_number(&o, n->serial, 6);
  return text_done(&o, ST_LIMIT);
}

int case_number_display(const struct case_number *n, const char *word_zh, const char *lang,
                        char *out, size_t size)
{
  if (!size)
    return ST_LIMIT;
  struct text_out o = {out, 0, size, false};
  out[0] = '\0';
  bool en = strcmp(lang, "en") == 0;
  put_number(&o, n->roc_year, 0);
  put_text(&o, en ? " " : "年 ");
  put_text(&o, en || !word_zh || !*word_zh ? n->word_code : word_zh);
  put_text(&o, en ? " No. " : "字 第");
  put_number(&o, n->serial, 6);
  if (!en)
    put_text(&o, "號");
  return text_done(&o, ST_LIMIT);
}

static bool all_ascii(const char *text)
{
  for (const unsigned char *p = (const unsigned char *)text; *p; p++)
    if (*p >= 0x80)
      return false;
  return true;
}

/* text under NFKC: text itself when it is ASCII (which NFKC leaves as it is), else a copy in
 * *mapped (freed by the caller); NULL when it is not valid UTF-8. Only text with other
 * characters (full-width digits, the Chinese words) pays for utf8proc. */
static const unsigned char *nfkc(const char *text, utf8proc_uint8_t **mapped)
{
  if (all_ascii(text))
    return (const unsigned char *)text;
  if (utf8proc_map((const utf8proc_uint8_t *)text, 0, mapped,
                   UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE) < 0)
    return NULL;
  return *mapped;
}

/* NFKC + upper case, keeping only ASCII letters and digits, separated by single '-' where the
 * typed text had any separator or a change between letters and digits is not enough (the word
 * code mixes them), so separators are kept as they were typed. */
static int normalise(const char *text, char *out, size_t size)
{
  utf8proc_uint8_t *mapped = NULL;
  const unsigned char *folded = text && strlen(text) <= 2 * TYPED_MAX ? nfkc(text, &mapped) : NULL;
  if (!folded)
    return ST_INVALID;
  size_t o = 0;
  bool gap = false;
  for (const unsigned char *p = folded; *p && o + 2 < size; p++) {
    if (isalnum(*p)) {
      if (gap && o > 0)
        out[o++] = '-';
      out[o++] = (char)toupper(*p);
      gap = false;
    } else if (*p == ' ' || *p == '-' || *p == '_' || *p == '/' || *p == '.' || *p >= 0x80) {
      gap = true; /* 年, 字, 第, 號, "No." and separators all split the parts */
    } else {
      free(mapped);
      return ST_INVALID;
    }
  }
  out[o] = '\0';
  free(mapped);
  return ST_OK;
}

static int parse_digits(struct str s, int64_t max, int64_t *out)
{
  if (s.len == 0 || s.len > 6)
    return ST_INVALID;
  for (size_t i = 0; i < s.len; i++)
    if (!isdigit((unsigned char)s.ptr[i]))
      return ST_INVALID;
  return str_to_int64(s, 1, max, out);
}

/* norm (normalise's output) as year-word-serial; the English display's "No." before the
 * serial ("115-EB01-NO-000001") is skipped. */
static int parse_parts(const char *norm, struct case_number *out)
{
  const char *first = strchr(norm, '-');
  const char *last = strrchr(norm, '-');
  if (!first || first == last)
    return ST_INVALID;
  int64_t year, serial;
  struct str word = {first + 1, (size_t)(last - first - 1)};
  if (word.len > 3 && memcmp(word.ptr + word.len - 3, "-NO", 3) == 0)
    word.len -= 3;
  if (parse_digits((struct str){norm, (size_t)(first - norm)}, 999, &year) ||
      parse_digits(str_from(last + 1), CASE_NUMBER_MAX, &serial) || word.len == 0 ||
      word.len > CASE_WORD_CODE_MAX || memchr(word.ptr, '-', word.len))
    return ST_INVALID;
  out->roc_year = (int)year;
  memcpy(out->word_code, word.ptr, word.len);
  out->word_code[word.len] = '\0';
  out->serial = serial;
  return ST_OK;
}

int case_number_parse(const char *text, struct case_number *out)
{
  return case_number_parse_for(text, NULL, NULL, out);
}

/* text with the first word_zh (the office's Chinese word, e.g. "新登") replaced by " code ",
 * into out; a copy when word_zh is "" or absent. */
static int substitute_word(const char *text, const char *word_zh, const char *code, char *out,
                           size_t size)
{
  const char *at = word_zh && *word_zh ? strstr(text, word_zh) : NULL;
  size_t head = at ? (size_t)(at - text) : strlen(text);
  struct text_out o = {out, 0, size, !size};
  if (size)
    out[0] = '\0';
  put_bytes(&o, text, head);
  if (at) {
    put_bytes(&o, " ", 1);
    put_text(&o, code);
    put_bytes(&o, " ", 1);
    put_text(&o, at + strlen(word_zh));
  }
  return text_done(&o, ST_INVALID);
}

int case_number_parse_for(const char *text, const char *word_zh, const char *word_code,
                          struct case_number *out)
{
  char norm[2 * TYPED_MAX + 1], typed[2 * TYPED_MAX];
  if (!text || strlen(text) > TYPED_MAX)
    return ST_INVALID;
  if (!word_code || !case_word_code_valid(word_code))
    word_zh = NULL;
  if (substitute_word(text, word_zh, word_code, typed, sizeof(typed)) ||
      normalise(typed, norm, sizeof(norm)))
    return ST_INVALID;
  return parse_parts(norm, out);
}

int case_check_code_parse(const char *text, char out[CASE_CHECK_CODE_LEN + 1])
{
  char norm[TYPED_MAX + 1];
  if (normalise(text, norm, sizeof(norm)))
    return ST_INVALID;
  size_t o = 0;
  for (const char *p = norm; *p; p++) {
    if (*p == '-')
      continue;
    if (!isdigit((unsigned char)*p) || o == CASE_CHECK_CODE_LEN)
      return ST_INVALID;
    out[o++] = *p;
  }
  out[o] = '\0';
  return o == CASE_CHECK_CODE_LEN ? ST_OK : ST_INVALID;
}

void case_check_code_new(char out[CASE_CHECK_CODE_LEN + 1])
{
  for (int i = 0; i < CASE_CHECK_CODE_LEN; i++)
    out[i] = (char)('0' + randombytes_uniform(10));
  out[CASE_CHECK_CODE_LEN] = '\0';
}
