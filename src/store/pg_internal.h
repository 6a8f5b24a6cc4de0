/*
 * pg_internal.h - what the PostgreSQL backend's files share (private to src/store/).
 */
#ifndef BIANMIN_STORE_PG_INTERNAL_H
#define BIANMIN_STORE_PG_INTERNAL_H

#if defined(BIANMIN_LAYER_WEB) || defined(BIANMIN_LAYER_WORKERS)
#error                                                                                             \
    "web/ and workers/ may not include store/ headers: call the domain (docs/ARCHITECTURE.md, Layers)"
#endif

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

/* Parameter type OIDs (pg_type.h is a server header). */
#define PG_OID_BOOL  16
#define PG_OID_BYTEA 17
#define PG_OID_INT8  20
#define PG_OID_INT2  21
#define PG_OID_INT4  23
#define PG_OID_TEXT  25

/* The most parameters one statement of this backend binds. */
#define PG_PARAMS_MAX 64

/* Parameters being built for PQexecParams: integers are printed into num[i]. */
struct pg_params {
  int count;
  const char *values[PG_PARAMS_MAX];
  Oid types[PG_PARAMS_MAX];
  int lengths[PG_PARAMS_MAX];
  int formats[PG_PARAMS_MAX];
  char num[PG_PARAMS_MAX][24];
};

void pg_params_int(struct pg_params *p, int64_t value);
void pg_params_text(struct pg_params *p, const char *text); /* NULL binds SQL NULL */
void pg_params_bytes(struct pg_params *p, const void *bytes, size_t len);

/* Runs sql with params (may be NULL). On success *out (may be NULL: cleared here) holds the
 * result for the caller to PQclear; on failure the store's error says why and the status maps
 * the SQLSTATE (unique -> ST_CONFLICT, foreign key -> ST_NOTFOUND, other constraint ->
 * ST_INVALID). */
int pg_run(struct store *store, const char *sql, const struct pg_params *params, PGresult **out,
           const char *what);
/* Column col of row as JSON by its type: integers and bool as integers, NULL as null, the
 * rest as strings. NULL on a conversion failure. */
json_t *pg_value_json(const PGresult *res, int row, int col);
/* Appends every row of res to array as objects keyed by column name. */
int pg_rows_json(struct store *store, const PGresult *res, json_t *array);
/* The integer in row 0, column 0; *found false when there is no row. */
int pg_first_int(struct store *store, const PGresult *res, int64_t *value, bool *found);
/* Parses PostgreSQL's text form of an integer. */
bool pg_parse_int(const char *text, int64_t *value);

/* Rebuilds every search_index row from the catalogue tables (after copy-db). */
int pg_catalog_reindex(struct store *store);

/* Builds the tsvector literal of a search document (title tokens weighted A, body tokens D,
 * with a gap so no phrase spans the two) into a malloc'd string. */
int pg_search_document(const char *title, const char *body, char **out);
/* Builds the tsquery literal of query terms (base/search.h); *empty when nothing can match. */
struct search_term;
int pg_search_query(const struct search_term *terms, size_t count, char **out, bool *empty);

#endif
