/*
 * opendata.h - an office's public, de-identified datasets (issue 20, "Open data"): what each
 * dataset holds (its data dictionary), and one read per dataset into a table of texts in the
 * request's arena, ready to be written as CSV, JSON or ODS by the web layer.
 *
 * Contract:
 * - Only aggregates and published catalogue text: never a name, ID number, phone or e-mail of
 *   a person. The case statistics come from the indicators' counters (domain/kpi.h), the
 *   catalogue from the in-memory directory, the FAQ from its published entries; no dataset
 *   reads the cases.
 * - Small cells: a count from 1 to threshold - 1 (the office setting OPENDATA_MIN_CELL_SETTING,
 *   default 3) is withheld (the cell is empty) and the row's note says so; a rate or a mean
 *   computed from a withheld count is withheld too. Zero is published (it reveals no one).
 * - The petition statistics are petition_stats' (domain/petition.h: it withholds counts under
 *   PETITION_STATS_MIN_CELL itself, and times with fewer answers), laid out as rows.
 * - Queue waits come from queue_figures_read (a year of tickets, month by month), survey
 *   results from survey_results_read (the focus question's months; never free text).
 * - A dataset whose tables do not exist yet would be listed as planned: available is false and
 *   it has no table (none is, since surveys landed).
 */
#ifndef BIANMIN_DOMAIN_OPENDATA_H
#define BIANMIN_DOMAIN_OPENDATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct arena;
struct store; /* a connection: web only passes it on (ARCHITECTURE.md, Layers) */

#define OPENDATA_MIN_CELL_SETTING "opendata_min_cell"
#define OPENDATA_MIN_CELL         3

/* The type of a field, as the dictionary names it ("string", "integer", "number", "boolean"). */
enum od_type { OD_STRING, OD_INTEGER, OD_NUMBER, OD_BOOLEAN };
const char *opendata_type_name(enum od_type type);

/* A field of the data dictionary. unit is "" when the field has none. */
struct od_field {
  const char *name;
  enum od_type type;
  const char *meaning_zh, *meaning_en, *unit_zh, *unit_en;
};

struct od_dataset {
  const char *id; /* the URL's name: /o/{office}/opendata/{id}.csv */
  const char *title_zh, *title_en, *description_zh, *description_en;
  const struct od_field *fields;
  size_t field_count;
  bool available; /* false: planned, not published yet */
};

/* Every dataset in the catalogue's order, planned ones last. */
const struct od_dataset *opendata_datasets(size_t *count);
/* NULL when there is no dataset of that id. */
const struct od_dataset *opendata_dataset(const char *id);

/* A dataset's rows: cells[row * field_count + field], each a text in the arena or NULL for an
 * empty (withheld or unknown) cell. modified: when its data last changed (unix seconds, 0:
 * never). suppressed: how many cells were withheld. */
struct od_table {
  const struct od_dataset *dataset;
  const char **cells;
  size_t rows;
  size_t suppressed;
  int threshold;
  int64_t modified;
};

/* One read of an available dataset of the office (one read transaction). ST_NOTFOUND for an
 * unknown or planned dataset. */
int opendata_read(struct store *store, struct arena *arena, int64_t office_id, const char *id,
                  struct od_table *out);
/* When each dataset of the office last changed (unix seconds, indexed like opendata_datasets;
 * 0 for planned ones): for the catalogue's dct:modified and the page; *threshold (may be NULL)
 * receives the office's small-cell threshold. */
int opendata_modified(struct store *store, struct arena *arena, int64_t office_id,
                      int64_t **modified, size_t *count, int *threshold);

/* The withheld-cell rule, exposed for tests: whether a count is published. */
bool opendata_count_shown(int64_t count, int threshold);

#endif
