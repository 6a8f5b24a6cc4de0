/*
 * fuzz_parcels_csv.c - libFuzzer target for the streaming CSV reader of the parcel import
 * (domain/land/csv.h) and the parcel text forms. Any input must end in ST_NOTFOUND after a
 * bounded number of records, each record's fields must lie within the limits and be valid
 * text, and reading the same input a byte at a time must give the same records.
 * Built by the CMake preset "fuzz"; scripts/fuzz.sh runs it from tests/fuzz/corpus/<target>/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "domain/land/csv.h"
#include "domain/land/parcels.h"
#include "base/common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int read_one_byte(void *ctx, char *buf, size_t size, size_t *got)
{
  return csv_read_memory(ctx, buf, size ? 1 : 0, got);
}

/* A digest of every record: status, line, field count and the fields' bytes. */
static uint64_t digest(const uint8_t *data, size_t size, csv_read_fn read)
{
  struct csv_memory m = {(const char *)data, size, 0};
  struct csv_reader *r = csv_open(read, &m);
  struct csv_record rec;
  uint64_t h = 1469598103934665603ULL;
  size_t records = 0;
  int rc;
  if (!r)
    abort();
  while ((rc = csv_next(r, &rec)) != ST_NOTFOUND) {
    if ((rc != ST_OK && rc != ST_INVALID) || ++records > size + 1)
      abort();
    h = (h ^ (uint64_t)rc ^ ((uint64_t)rec.line << 8)) * 1099511628211ULL;
    for (size_t i = 0; rc == ST_OK && i < rec.count; i++) {
      struct str f = {rec.fields[i], rec.lengths[i]};
      char number[PARCEL_NUMBER_SIZE];
      if (rec.count > CSV_FIELDS_MAX || f.len > CSV_RECORD_MAX || !str_valid_text(f, true) ||
          rec.fields[i][f.len] != '\0')
        abort();
      if (parcel_number_normalize(rec.fields[i], number) == ST_OK && strlen(number) != 9)
        abort();
      for (size_t k = 0; k < f.len; k++)
        h = (h ^ (uint8_t)f.ptr[k]) * 1099511628211ULL;
    }
  }
  csv_close(r);
  return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (digest(data, size, csv_read_memory) != digest(data, size, read_one_byte))
    abort();
  return 0;
}
