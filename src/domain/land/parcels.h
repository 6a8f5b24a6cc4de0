/*
 * parcels.h - land parcels of a land office: the text forms of section codes, parcel numbers,
 * building numbers and house addresses (normalised for storing and for lookups), and the CSV
 * import of parcels, resurvey mappings and addresses (README, "Land-office tools").
 *
 * The import streams the file (csv.h): it validates every row, reports every bad row and
 * column through a callback as it goes, and writes in batches inside ONE transaction. When
 * any row is bad nothing is written (the transaction is rolled back) unless skip_bad, which
 * writes the good rows. Memory stays bounded whatever the size of the file.
 */
#ifndef BIANMIN_DOMAIN_LAND_PARCELS_H
#define BIANMIN_DOMAIN_LAND_PARCELS_H

#include <stdbool.h>
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "domain/land/csv.h"
#include "domain/land/input.h"

struct store;

/* Sizes of the normalised forms, with their NUL. */
enum {
  PARCEL_SECTION_CODE_SIZE = 5, /* "0012" */
  PARCEL_NUMBER_SIZE = 10,      /* "0123-0004" (母號-子號) */
  PARCEL_BUILDING_SIZE = 10,    /* "00123-000" (建號) */
  PARCEL_NUMBER_DISPLAY_SIZE = 10
};

/* Longest address accepted, in characters. */
#define PARCEL_ADDRESS_MAX_CHARS 200
/* Longest section name accepted, in characters. */
#define PARCEL_NAME_MAX_CHARS 60

/* "12" or "0012" -> "0012": 1 to 4 ASCII digits. ST_INVALID otherwise. Surrounding spaces are
 * ignored; full-width digits must be NFKC-normalised first. */
int parcel_section_code_normalize(const char *text, char out[PARCEL_SECTION_CODE_SIZE]);
/* "123", "123-4", "0123-0004" -> "0123-0004" (子號 0000 when absent). */
int parcel_number_normalize(const char *text, char out[PARCEL_NUMBER_SIZE]);
/* The stored form as people write it: "0123-0004" -> "123-4", "0123-0000" -> "123". */
void parcel_number_display(const char *stored, char out[PARCEL_NUMBER_DISPLAY_SIZE]);
/* "00512-000" -> "512", "00512-001" -> "512-1"; "" stays "". */
void parcel_building_display(const char *stored, char out[PARCEL_NUMBER_DISPLAY_SIZE]);
/* "123", "123-1", "00123-001" -> "00123-001" (5 + 3 digits). */
int parcel_building_normalize(const char *text, char out[PARCEL_BUILDING_SIZE]);
/* The address as matched: NFKC, case-folded, every space removed, 台 read as 臺. NULL when
 * text is not valid UTF-8 or memory runs out. */
char *parcel_address_key(struct arena *arena, const char *text);
/* A date as land offices write it: "2019-05-20" or the ROC form "108/05/20". */
int parcel_date_parse(const char *text, struct civil_date *out);
/* A year: Gregorian, or ROC when below 1000 (113 -> 2024). ST_INVALID outside 1946..max. */
int parcel_year_parse(const char *text, int max_year, int *out);

enum parcel_import_kind {
  PARCEL_IMPORT_PARCELS = 0,
  PARCEL_IMPORT_RESURVEY,
  PARCEL_IMPORT_ADDRESSES
};

/* "parcels", "resurvey", "addresses" -> kind; ST_INVALID otherwise. */
int parcel_import_kind_parse(const char *text, enum parcel_import_kind *out);

/* One problem: a row (line of the file; 1 is the header) and column, or the whole file
 * (column NULL). reason_key is a translation key ("parcel_err_number", "csv_err_quote");
 * message is the same in English for the command line. */
struct parcel_import_problem {
  long line;
  const char *column;
  const char *reason_key;
  const char *message;
};

struct parcel_import_options {
  int64_t office_id;
  enum parcel_import_kind kind;
  bool skip_bad;           /* write the good rows even when some are bad */
  struct civil_date today; /* dates may not be after it */
  csv_read_fn read;
  void *read_ctx;
  /* Called for every problem as it is found, and every few thousand rows; may be NULL. */
  void (*on_problem)(void *ctx, const struct parcel_import_problem *problem);
  void (*on_progress)(void *ctx, uint64_t bytes, uint64_t rows);
  void *ctx;
};

struct parcel_import_stats {
  uint64_t rows;     /* data rows read (the header excluded) */
  uint64_t bad_rows; /* rows with at least one problem */
  uint64_t problems; /* problems reported */
  uint64_t written;  /* rows written and committed */
  uint64_t bytes;    /* bytes of the file read */
};

/* Imports a CSV file into office_id's parcel data. ST_OK when committed (no bad row, or
 * skip_bad); ST_INVALID when the file or a row is bad and nothing was written; ST_IO when
 * reading failed; ST_DB and others from the store. The store must not be in a transaction. */
int parcel_import(struct store *store, const struct parcel_import_options *options,
                  struct parcel_import_stats *stats);

/* Loads data/demo/parcels/<slug>.csv, <slug>-resurvey.csv and <slug>-addresses.csv for every
 * land office, from the folder `dir`; an office without files is skipped. Idempotent. err
 * names the file and line of the first problem. */
int parcel_demo_load(struct store *store, const char *dir, char *err, size_t err_size);

/* ---- the public lookups' reads (parcel_lookup.c) ------------------------------------------ */

/* Typed read models, one read per page; strings live in the arena given (never NULL). */
struct parcel_section {
  const char *code, *name_zh, *name_en; /* a resurvey's old section: its name in name_zh */
};
struct parcel_value {
  int64_t year, current_value, land_value; /* NT$ per m² (公告土地現值, 申報地價) */
};
/* An old number and what it became in a resurvey; the new section's names "" when the office
 * has no such section. */
struct parcel_mapping {
  const char *old_section_code, *old_section_name, *old_number;
  const char *new_section_code, *new_section_name_zh, *new_section_name_en, *new_number;
};
struct parcel_record {
  const char *section_code, *section_name_zh, *section_name_en, *number;
  const char *area_m2;         /* decimal text as stored */
  bool has_previous_value;     /* the value at the previous transfer is known */
  int64_t previous_value;      /* NT$ per m² */
  const char *previous_date;   /* YYYY-MM-DD or "" */
  struct parcel_value *values; /* newest year first */
  size_t value_count;
};
/* The lookup page: the office's sections by code, and when a parcel was asked for (section
 * code and number normalised, else NULL), whether it was found, the parcel and the resurvey
 * mappings that lead to it. */
struct parcel_lookup {
  struct parcel_section *sections;
  size_t section_count;
  bool found;
  struct parcel_record parcel;
  struct parcel_mapping *from;
  size_t from_count;
};
int parcel_lookup_read(struct store *store, struct arena *arena, int64_t office_id,
                       const char *section_code, const char *number, struct parcel_lookup *out);
/* The resurvey page: the old sections of the office's mappings by code, and when an old number
 * was asked for, whether it was resurveyed and into what. */
struct parcel_resurvey {
  struct parcel_section *sections;
  size_t section_count;
  bool found;
  struct parcel_mapping mapping;
};
int parcel_resurvey_read(struct store *store, struct arena *arena, int64_t office_id,
                         const char *old_section_code, const char *old_number,
                         struct parcel_resurvey *out);
/* Addresses whose key (parcel_address_key) equals key or contains it, at most limit, the exact
 * ones first. */
struct parcel_address {
  const char *address, *section_code, *section_name_zh, *section_name_en, *number;
  const char *building_number;
};
int parcel_addresses_read(struct store *store, struct arena *arena, int64_t office_id,
                          const char *key, int64_t limit, struct parcel_address **out,
                          size_t *count);

#endif
