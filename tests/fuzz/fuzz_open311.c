/*
 * fuzz_open311.c - libFuzzer target for what Open311 parses from clients (domain/open311.h):
 * W3C datetimes (start_date, end_date) and the HTML check on descriptions. Any bytes must be
 * accepted or refused without reading past the input; an accepted datetime written back in
 * Taiwan's offset must parse to the same instant.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/open311.h"

#define FUZZ_INPUT_MAX 256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size > FUZZ_INPUT_MAX)
    return 0;
  char *text = malloc(size + 1);
  if (!text)
    return 0;
  memcpy(text, data, size);
  text[size] = '\0';
  int64_t t = 0, again = 0;
  if (open311_parse_datetime(text, &t) && t > 0 && t < INT64_C(253402300799)) {
    char out[OPEN311_DATETIME_SIZE];
    open311_datetime(t, out);
    if (!open311_parse_datetime(out, &again) || again != t)
      abort();
  }
  (void)open311_has_html(text);
  free(text);
  return 0;
}
