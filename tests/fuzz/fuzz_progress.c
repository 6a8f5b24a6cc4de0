/*
 * fuzz_progress.c - libFuzzer target for the public progress lookup's input: the case number
 * as citizens type it (full-width, lower case, any separators) and the six-digit check code
 * (domain/case_number.c). Properties: a parsed number is in range, its compact key parses
 * back to the same number, it can be displayed in both languages; a parsed check code is
 * exactly six ASCII digits.
 *
 * Input: "NUMBER\nCHECK" (a missing line is an empty string).
 */
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/case_number.h"

#include "base/common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_number(const char *text)
{
  struct case_number n, back;
  char key[CASE_KEY_SIZE], shown[128];
  if (case_number_parse(text, &n) != ST_OK)
    return;
  if (n.roc_year < 1 || n.roc_year > 999 || n.serial < 1 || n.serial > CASE_NUMBER_MAX ||
      !case_word_code_valid(n.word_code))
    abort();
  if (case_number_key(&n, key, sizeof(key)) != ST_OK || case_number_parse(key, &back) != ST_OK)
    abort();
  if (back.roc_year != n.roc_year || back.serial != n.serial ||
      strcmp(back.word_code, n.word_code) != 0)
    abort();
  if (case_number_display(&n, "新登", "zh-TW", shown, sizeof(shown)) != ST_OK ||
      case_number_display(&n, "", "en", shown, sizeof(shown)) != ST_OK)
    abort();
}

static void check_code(const char *text)
{
  char code[CASE_CHECK_CODE_LEN + 1];
  if (case_check_code_parse(text, code) != ST_OK)
    return;
  if (strlen(code) != CASE_CHECK_CODE_LEN)
    abort();
  for (size_t i = 0; i < CASE_CHECK_CODE_LEN; i++)
    if (!isdigit((unsigned char)code[i]))
      abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *copy = malloc(size + 1);
  if (!copy)
    return 0;
  memcpy(copy, data, size);
  copy[size] = '\0';
  char *nl = memchr(copy, '\n', size);
  if (nl)
    *nl = '\0';
  const char *number = copy, *check = nl ? nl + 1 : "";
  check_number(number);
  check_code(check);
  check_code(number); /* people paste the wrong thing into the wrong box */
  check_number(check);
  free(copy);
  return 0;
}
