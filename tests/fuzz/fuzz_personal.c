/*
 * fuzz_personal.c - libFuzzer target for the personal-data parsers and maskers: any bytes must
 * be accepted or refused with a status, never read or write outside their buffers, and whatever
 * is accepted must keep the documented shape (a normalised ID is valid; masked text is valid
 * UTF-8 that fits its buffer; a masked ID keeps 6 characters and hides 4).
 *
 * Built by the CMake preset "fuzz"; scripts/fuzz.sh runs it from tests/fuzz/corpus/<target>/.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "domain/personal.h"
#include "base/common.h"

#define FUZZ_INPUT_MAX 4096
#define FUZZ_OUT_SIZE  64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef int (*mask_fn)(const char *, char *, size_t);

static void check_mask(mask_fn mask, const char *text, size_t out_size)
{
  char out[FUZZ_OUT_SIZE + 1];
  out[out_size] = '\x7f'; /* a canary just past the buffer the mask may use */
  int rc = mask(text, out, out_size);
  if (out[out_size] != '\x7f')
    abort();
  if (rc == ST_OK && (strlen(out) >= out_size || !str_valid_text(str_from(out), false)))
    abort();
  if (rc != ST_OK && rc != ST_INVALID && rc != ST_LIMIT)
    abort();
  if (rc != ST_OK && out_size > 0 && out[0] != '\0')
    abort(); /* a half-masked value must never be left behind */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char id[PERSONAL_ID_LEN + 1];
  if (size > FUZZ_INPUT_MAX)
    return 0;
  /* The first byte picks the output size, the rest is the text. */
  size_t out_size = size > 0 ? data[0] % (FUZZ_OUT_SIZE + 1) : FUZZ_OUT_SIZE;
  char *text = malloc(size + 1);
  if (!text)
    return 0;
  if (size > 0)
    memcpy(text, data + 1, size - 1);
  text[size > 0 ? size - 1 : 0] = '\0';

  int rc = personal_id_normalize(text, id);
  if (rc == ST_OK && !personal_id_valid(id))
    abort();
  if (rc != ST_OK && id[0] != '\0')
    abort();
  (void)personal_id_valid(text);
  (void)personal_business_no_valid(text);
  check_mask(personal_mask_name, text, out_size);
  check_mask(personal_mask_id, text, out_size);
  check_mask(personal_mask_phone, text, out_size);
  check_mask(personal_mask_email, text, out_size);

  char masked[FUZZ_OUT_SIZE];
  if (personal_mask_id(text, masked, sizeof(masked)) == ST_OK &&
      (strlen(masked) != PERSONAL_ID_LEN || memcmp(masked, text, 6) != 0 ||
       strcmp(masked + 6, "****") != 0))
    abort();
  free(text);
  return 0;
}
