/*
 * case_number.h - case numbers (收件字號, DOMAIN.md): ROC year + the office's word + a six-digit
 * number, sequential per (office, word, year). Shown as "115年 新登字 第001230號"; the compact
 * ASCII key "115-HA07-001230" is what URLs, SMS and phone calls use.
 *
 * Parsing accepts what citizens type: full-width digits and letters, lower case, spaces or
 * hyphens or nothing between the parts ("115 ha07 1230", "１１５－ＨＡ０７－００１２３０").
 */
#ifndef BIANMIN_DOMAIN_CASE_NUMBER_H
#define BIANMIN_DOMAIN_CASE_NUMBER_H

#include <stddef.h>
#include <stdint.h>

enum {
  CASE_WORD_CODE_MAX = 8, /* ASCII letters and digits, e.g. "HA07" */
  CASE_NUMBER_MAX = 999999,
  CASE_KEY_SIZE = 24,     /* "115-HA07-001230" + NUL, with room */
  CASE_CHECK_CODE_LEN = 6 /* digits printed on the receipt */
};

struct case_number {
  int roc_year;                           /* 1..999 */
  char word_code[CASE_WORD_CODE_MAX + 1]; /* upper case */
  int64_t serial;                         /* 1..999999 */
};

/* "115-HA07-001230" into out. */
int case_number_key(const struct case_number *n, char *out, size_t size);
/* "115年 新登字 第001230號" (zh-TW) or "115 HA07 No. 001230" (English) into out. word_zh may be
 * "" when the office has no Chinese word; then the code is shown. */
int case_number_display(const struct case_number *n, const char *word_zh, const char *lang,
                        char *out, size_t size);
/* Parses a typed or compact number; ST_INVALID when it is not one. */
int case_number_parse(const char *text, struct case_number *out);
/* The same, also reading the number as printed by an office whose Chinese word word_zh stands
 * for word_code ("115年 新登字 第000001號", "115新登字1號", "115 EB01 No. 000001", full-width,
 * with or without spaces). Lookups (the progress page and the JSON API) use this one. */
int case_number_parse_for(const char *text, const char *word_zh, const char *word_code,
                          struct case_number *out);
/* Parses six digits typed by a citizen (full-width allowed) into out (7 bytes). */
int case_check_code_parse(const char *text, char out[CASE_CHECK_CODE_LEN + 1]);
/* A random six-digit check code. */
void case_check_code_new(char out[CASE_CHECK_CODE_LEN + 1]);
/* True when code is a plausible word code: 1..8 ASCII letters or digits. */
int case_word_code_valid(const char *code);

#endif
