/*
 * schema_compare_test.c - one schema, two dialects. Migrates a fresh SQLite file and the fresh
 * PostgreSQL database of BIANMIN_TEST_PG_URL (tests/pg/run.sh starts a private cluster) to the
 * latest version and compares them table by table: columns with normalised types, NOT NULL and
 * defaults; primary keys; unique constraints and unique indexes; other indexes (name, columns,
 * partial or not); foreign keys (columns, target, ON DELETE); triggers. Any difference fails with
 * a readable diff, except the few deliberate ones in `allowed` below. It also checks copy-db's
 * table list (store_copy_table) against the schema: every table, exactly its columns, parents
 * before children; and that migration 12 runs on a PostgreSQL database that already holds cases.
 * Without BIANMIN_TEST_PG_URL the test is skipped (exit 77).
 */
#include <fnmatch.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/db.h"
#include "store/store.h"
#include "base/common.h"

/* A fact holds up to two column lists. */
enum { COLS_MAX = 192, FACT_MAX = 512, DIFF_MAX = 16384, URL_MAX = 512 };

static const char *pg_url;
static char sqlite_dir[64];

/* ---- Deliberate differences ------------------------------------------------------------------
 * Keep this list short and say why for each entry. backend NULL: both. fact NULL: the whole
 * table (and every table its glob matches) is left out of the comparison and of the copy list.
 * Normalisations that are not differences (applied to both sides before comparing):
 *  - types: every integer type (and boolean, stored as 0/1) is "integer"; TEXT/VARCHAR "text";
 *    BLOB/BYTEA "blob"; REAL/DOUBLE "real";
 *  - a primary-key column counts as NOT NULL. PostgreSQL implies it; on SQLite an INTEGER
 *    PRIMARY KEY is the rowid and never NULL, while a TEXT key (sessions.id_hash,
 *    login_throttle.key, files.sha256, upload_blobs.sha256) would accept NULL for backward
 *    compatibility. The store never writes NULL there, and adding NOT NULL on SQLite means
 *    rebuilding those tables (files and upload blobs hold the documents);
 *  - a default's "::type" cast (PostgreSQL prints '' as ''::text);
 *  - unique constraints are compared by columns (their index names are generated and differ);
 *    indexes created by CREATE [UNIQUE] INDEX by name and columns; a partial index by the
 *    presence of its WHERE, not its text (the dialects print predicates differently). */
struct allowed {
  const char *backend; /* "sqlite", "postgresql" or NULL */
  const char *table;   /* fnmatch glob */
  const char *fact;    /* fnmatch glob, or NULL for the whole table */
};

static const struct allowed allowed[] = {
    /* The search index is derived data (rebuilt by copy-db's copy_finish, never copied): an FTS5
     * virtual table with its shadow tables on SQLite, a table of tsvectors on PostgreSQL. */
    {NULL, "search_index*", NULL},
    /* SQLite keeps search_index current with triggers on the catalogue; PostgreSQL's rows are
     * written by pg_catalog.c, because the bigram tokenizer is C and no SQL trigger can run it. */
    {"sqlite", "*", "trigger *_index_*"},
    /* SQLite has no TRUNCATE; the other two append-only triggers exist on both. */
    {"postgresql", "audit_log", "trigger audit_no_truncate"},
};

static bool is_allowed(const char *backend, const char *table, const char *fact)
{
  for (size_t i = 0; i < ARRAY_LEN(allowed); i++) {
    const struct allowed *a = &allowed[i];
    if (a->backend && strcmp(a->backend, backend) != 0)
      continue;
    if (fnmatch(a->table, table, 0) != 0)
      continue;
    if (!a->fact || (fact && fnmatch(a->fact, fact, 0) == 0))
      return true;
  }
  return false;
}

/* The schema bookkeeping tables: compared, but not data copy-db moves: schema_migrations (it
 * migrates both sides and refuses different versions) and directory_version (each database
 * counts its own directory changes; copying fills the target's tables, which moves its count). */
static bool is_bookkeeping(const char *table)
{
  /* the indicators' counters (kpi_*) are derived: a copy starts them again from the log */
  return strcmp(table, "schema_migrations") == 0 || strcmp(table, "directory_version") == 0 ||
         strncmp(table, "kpi_", 4) == 0;
}

/* ---- Introspection ---------------------------------------------------------------------------
 * Each dialect answers the same five questions with the same result columns, one row per column
 * of a table, index or foreign key, in order; the code below builds the facts from either. */
struct dialect {
  const char *name;
  const char *columns;      /* tbl, col, type, notnull, dflt, pk (position in the key, 0: not) */
  const char *indexes;      /* tbl, idx, uniq, origin ('pk', 'u' constraint, 'c'), partial, col */
  const char *foreign_keys; /* tbl, id, ref, col, refcol, on_delete (lower case) */
  const char *triggers;     /* tbl, name */
  const char *checks;       /* tbl, n: how many CHECK constraints (their text is not compared) */
};

static const struct dialect sqlite_dialect = {
    "sqlite",
    "SELECT m.name AS tbl, p.name AS col, p.type AS type, p.\"notnull\" AS \"notnull\", "
    "p.dflt_value AS dflt, p.pk AS pk FROM sqlite_schema m, pragma_table_info(m.name) p "
    "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite^_%' ESCAPE '^' AND $1 = 1 "
    "ORDER BY m.name, p.cid",
    "SELECT m.name AS tbl, il.name AS idx, il.\"unique\" AS uniq, il.origin AS origin, "
    "il.partial AS partial, ii.name AS col FROM sqlite_schema m, pragma_index_list(m.name) il, "
    "pragma_index_info(il.name) ii WHERE m.type = 'table' AND $1 = 1 "
    "ORDER BY m.name, il.name, ii.seqno",
    "SELECT m.name AS tbl, f.id AS id, f.\"table\" AS ref, f.\"from\" AS col, f.\"to\" AS refcol, "
    "lower(f.on_delete) AS on_delete FROM sqlite_schema m, pragma_foreign_key_list(m.name) f "
    "WHERE m.type = 'table' AND $1 = 1 ORDER BY m.name, f.id, f.seq",
    "SELECT tbl_name AS tbl, name FROM sqlite_schema WHERE type = 'trigger' AND $1 = 1",
    /* SQLite keeps a table's CHECKs only in its CREATE text (ADD COLUMN appends to it). */
    "SELECT name AS tbl, (length(s) - length(replace(s, 'CHECK (', ''))) / 7 AS n FROM (SELECT "
    "name, replace(upper(sql), 'CHECK(', 'CHECK (') AS s FROM sqlite_schema WHERE type = 'table' "
    "AND sql IS NOT NULL) WHERE $1 = 1",
};

static const struct dialect pg_dialect = {
    "postgresql",
    "SELECT c.relname AS tbl, a.attname AS col, format_type(a.atttypid, a.atttypmod) AS type, "
    "a.attnotnull AS \"notnull\", pg_get_expr(d.adbin, d.adrelid) AS dflt, "
    "coalesce((SELECT k.n FROM pg_index x, unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, "
    "n) WHERE x.indrelid = c.oid AND x.indisprimary AND k.attnum = a.attnum), 0) AS pk "
    "FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace "
    "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
    "LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum "
    "WHERE c.relkind IN ('r', 'p') AND s.nspname = current_schema() AND $1 = 1 "
    "ORDER BY c.relname, a.attnum",
    "SELECT t.relname AS tbl, i.relname AS idx, x.indisunique AS uniq, CASE WHEN x.indisprimary "
    "THEN 'pk' WHEN EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid AND "
    "k.conrelid = t.oid AND k.contype = 'u') THEN 'u' ELSE 'c' END AS origin, "
    "x.indpred IS NOT NULL AS partial, a.attname AS col FROM pg_index x "
    "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
    "JOIN pg_namespace s ON s.oid = t.relnamespace "
    "CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, n) "
    "LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum "
    "WHERE s.nspname = current_schema() AND $1 = 1 ORDER BY t.relname, i.relname, k.n",
    "SELECT t.relname AS tbl, k.oid::bigint AS id, r.relname AS ref, a.attname AS col, "
    "b.attname AS refcol, CASE k.confdeltype WHEN 'a' THEN 'no action' WHEN 'r' THEN 'restrict' "
    "WHEN 'c' THEN 'cascade' WHEN 'n' THEN 'set null' ELSE 'set default' END AS on_delete "
    "FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid "
    "JOIN pg_class r ON r.oid = k.confrelid JOIN pg_namespace s ON s.oid = t.relnamespace "
    "CROSS JOIN LATERAL unnest(k.conkey, k.confkey) WITH ORDINALITY AS u(attnum, refnum, n) "
    "JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum "
    "JOIN pg_attribute b ON b.attrelid = k.confrelid AND b.attnum = u.refnum "
    "WHERE k.contype = 'f' AND s.nspname = current_schema() AND $1 = 1 "
    "ORDER BY t.relname, k.oid, u.n",
    "SELECT c.relname AS tbl, g.tgname AS name FROM pg_trigger g "
    "JOIN pg_class c ON c.oid = g.tgrelid JOIN pg_namespace s ON s.oid = c.relnamespace "
    "WHERE NOT g.tgisinternal AND s.nspname = current_schema() AND $1 = 1",
    "SELECT c.relname AS tbl, count(*) AS n FROM pg_constraint k "
    "JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace s ON s.oid = c.relnamespace "
    "WHERE k.contype = 'c' AND s.nspname = current_schema() AND $1 = 1 GROUP BY c.relname",
};

/* A schema description: {table: {"facts": [text], "columns": [name], "refs": [table],
 * "pk": [column by position]}}. */
static json_t *table_entry(json_t *desc, const char *table)
{
  json_t *entry = json_object_get(desc, table);
  if (!entry) {
    entry = json_pack("{s:[], s:[], s:[], s:[]}", "facts", "columns", "refs", "pk");
    assert_non_null(entry);
    assert_int_equal(json_object_set_new(desc, table, entry), 0);
  }
  return entry;
}

static void add_fact(json_t *desc, const char *backend, const char *table, const char *fact)
{
  if (is_allowed(backend, table, NULL) || is_allowed(backend, table, fact))
    return;
  json_t *facts = json_object_get(table_entry(desc, table), "facts");
  assert_int_equal(json_array_append_new(facts, json_string(fact)), 0);
}

static void append(char *buf, size_t size, const char *text)
{
  size_t used = strlen(buf);
  if (used < size)
    snprintf(buf + used, size - used, "%s", text);
}

static bool contains_word(const char *lower, const char *word)
{
  return strstr(lower, word) != NULL;
}

/* Both dialects' type names onto a small set; an unknown type keeps its name, so it differs. */
static void normalise_type(const char *declared, char *out, size_t size)
{
  char lower[64] = "";
  size_t i = 0;
  for (; declared[i] && i + 1 < sizeof(lower); i++)
    lower[i] = (char)(declared[i] >= 'A' && declared[i] <= 'Z' ? declared[i] + 32 : declared[i]);
  lower[i] = '\0';
  const char *kind = lower;
  if (contains_word(lower, "int") || strcmp(lower, "boolean") == 0)
    kind = "integer";
  else if (contains_word(lower, "char") || contains_word(lower, "text") ||
           contains_word(lower, "clob"))
    kind = "text";
  else if (contains_word(lower, "blob") || strcmp(lower, "bytea") == 0)
    kind = "blob";
  else if (contains_word(lower, "real") || contains_word(lower, "doub") ||
           contains_word(lower, "floa"))
    kind = "real";
  snprintf(out, size, "%s", kind);
}

/* "''::text" -> "''"; "0" stays. Only a trailing cast after the closing quote is dropped. */
static void normalise_default(const char *dflt, char *out, size_t size)
{
  snprintf(out, size, "%s", dflt);
  char *cast = strstr(out, "::");
  if (cast && cast > out && cast[-1] == '\'' && !strchr(cast, '\''))
    *cast = '\0';
}

static void set_pk_position(json_t *entry, int64_t position, const char *column)
{
  json_t *pk = json_object_get(entry, "pk");
  while ((int64_t)json_array_size(pk) < position)
    assert_int_equal(json_array_append_new(pk, json_null()), 0);
  assert_int_equal(json_array_set_new(pk, (size_t)position - 1, json_string(column)), 0);
}

static void column_fact(const json_t *row, char *fact, size_t size)
{
  char type[64], dflt[256];
  bool not_null = db_int(row, "notnull") || db_int(row, "pk") > 0;
  normalise_type(db_text(row, "type"), type, sizeof(type));
  snprintf(fact, size, "column %s %s%s", db_text(row, "col"), type, not_null ? " not null" : "");
  if (json_is_string(json_object_get(row, "dflt"))) {
    normalise_default(db_text(row, "dflt"), dflt, sizeof(dflt));
    append(fact, size, " default ");
    append(fact, size, dflt);
  }
}

static json_t *query(struct store *store, const char *sql)
{
  json_t *rows = NULL;
  int rc = db_query(store, sql, DB_ARGS(DB_I(1)), &rows);
  if (rc)
    print_error("query failed: %s\n%s\n", store_last_error(store), sql);
  assert_int_equal(rc, ST_OK);
  return rows;
}

static void describe_columns(struct store *store, const struct dialect *d, json_t *desc)
{
  json_t *rows = query(store, d->columns), *row;
  size_t i;
  char fact[FACT_MAX];
  json_array_foreach(rows, i, row)
  {
    const char *table = db_text(row, "tbl");
    if (is_allowed(d->name, table, NULL))
      continue;
    json_t *entry = table_entry(desc, table);
    column_fact(row, fact, sizeof(fact));
    add_fact(desc, d->name, table, fact);
    json_array_append_new(json_object_get(entry, "columns"), json_string(db_text(row, "col")));
    if (db_int(row, "pk") > 0)
      set_pk_position(entry, db_int(row, "pk"), db_text(row, "col"));
  }
  json_decref(rows);
}

static void describe_primary_keys(const struct dialect *d, json_t *desc)
{
  const char *table;
  json_t *entry, *column;
  size_t i;
  json_object_foreach(desc, table, entry)
  {
    char fact[FACT_MAX] = "primary key (";
    json_t *pk = json_object_get(entry, "pk");
    if (!json_array_size(pk))
      continue;
    json_array_foreach(pk, i, column)
    {
      append(fact, sizeof(fact), i ? ", " : "");
      append(fact, sizeof(fact), json_is_string(column) ? json_string_value(column) : "?");
    }
    append(fact, sizeof(fact), ")");
    add_fact(desc, d->name, table, fact);
  }
}

/* The fact for one index whose first row is first and columns are cols. Primary keys are
 * described from the columns (SQLite has no index for an INTEGER PRIMARY KEY). */
static void index_fact(const json_t *first, const char *cols, char *fact, size_t size)
{
  const char *origin = db_text(first, "origin");
  const char *partial = db_int(first, "partial") ? " partial" : "";
  fact[0] = '\0';
  if (strcmp(origin, "pk") == 0)
    return;
  if (strcmp(origin, "u") == 0)
    snprintf(fact, size, "unique (%s)%s", cols, partial);
  else
    snprintf(fact, size, "%s %s (%s)%s", db_int(first, "uniq") ? "unique index" : "index",
             db_text(first, "idx"), cols, partial);
}

/* Rows [i, *next) of rows share key_a and key_b (one index, one foreign key). */
static size_t group_end(json_t *rows, size_t i, const char *key_a, const char *key_b)
{
  json_t *first = json_array_get(rows, i);
  size_t j = i + 1;
  for (; j < json_array_size(rows); j++) {
    json_t *row = json_array_get(rows, j);
    if (!json_equal(json_object_get(row, key_a), json_object_get(first, key_a)) ||
        !json_equal(json_object_get(row, key_b), json_object_get(first, key_b)))
      break;
  }
  return j;
}

static void join_column(char *cols, size_t size, const json_t *row, const char *key)
{
  append(cols, size, cols[0] ? ", " : "");
  append(cols, size, json_is_string(json_object_get(row, key)) ? db_text(row, key) : "(expr)");
}

static void describe_indexes(struct store *store, const struct dialect *d, json_t *desc)
{
  json_t *rows = query(store, d->indexes);
  for (size_t i = 0, end; i < json_array_size(rows); i = end) {
    json_t *first = json_array_get(rows, i);
    char cols[COLS_MAX] = "", fact[FACT_MAX];
    end = group_end(rows, i, "tbl", "idx");
    for (size_t j = i; j < end; j++)
      join_column(cols, sizeof(cols), json_array_get(rows, j), "col");
    index_fact(first, cols, fact, sizeof(fact));
    if (fact[0])
      add_fact(desc, d->name, db_text(first, "tbl"), fact);
  }
  json_decref(rows);
}

static void describe_foreign_keys(struct store *store, const struct dialect *d, json_t *desc)
{
  json_t *rows = query(store, d->foreign_keys);
  for (size_t i = 0, end; i < json_array_size(rows); i = end) {
    json_t *first = json_array_get(rows, i);
    const char *table = db_text(first, "tbl");
    char cols[COLS_MAX] = "", refcols[COLS_MAX] = "", fact[FACT_MAX];
    end = group_end(rows, i, "tbl", "id");
    for (size_t j = i; j < end; j++) {
      join_column(cols, sizeof(cols), json_array_get(rows, j), "col");
      join_column(refcols, sizeof(refcols), json_array_get(rows, j), "refcol");
    }
    snprintf(fact, sizeof(fact), "foreign key (%s) references %s (%s) on delete %s", cols,
             db_text(first, "ref"), refcols, db_text(first, "on_delete"));
    add_fact(desc, d->name, table, fact);
    if (!is_allowed(d->name, table, NULL))
      json_array_append_new(json_object_get(table_entry(desc, table), "refs"),
                            json_string(db_text(first, "ref")));
  }
  json_decref(rows);
}

static void describe_triggers(struct store *store, const struct dialect *d, json_t *desc)
{
  json_t *rows = query(store, d->triggers), *row;
  size_t i;
  char fact[FACT_MAX];
  json_array_foreach(rows, i, row)
  {
    snprintf(fact, sizeof(fact), "trigger %s", db_text(row, "name"));
    add_fact(desc, d->name, db_text(row, "tbl"), fact);
  }
  json_decref(rows);
}

static void describe_checks(struct store *store, const struct dialect *d, json_t *desc)
{
  json_t *rows = query(store, d->checks), *row;
  size_t i;
  char fact[FACT_MAX];
  json_array_foreach(rows, i, row)
  {
    if (db_int(row, "n") == 0)
      continue;
    snprintf(fact, sizeof(fact), "check constraints: %lld", (long long)db_int(row, "n"));
    add_fact(desc, d->name, db_text(row, "tbl"), fact);
  }
  json_decref(rows);
}

static json_t *describe(struct store *store, const struct dialect *d)
{
  json_t *desc = json_object();
  assert_non_null(desc);
  describe_columns(store, d, desc);
  describe_primary_keys(d, desc);
  describe_indexes(store, d, desc);
  describe_foreign_keys(store, d, desc);
  describe_triggers(store, d, desc);
  describe_checks(store, d, desc);
  return desc;
}

/* ---- Diff ------------------------------------------------------------------------------------ */

static int compare_text(const void *a, const void *b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The strings of array, sorted, in a new array of n pointers (borrowed from array). */
static const char **sorted(const json_t *array, size_t *n)
{
  *n = json_array_size(array);
  const char **out = calloc(*n + 1, sizeof(*out));
  assert_non_null(out);
  for (size_t i = 0; i < *n; i++)
    out[i] = json_string_value(json_array_get(array, i));
  qsort(out, *n, sizeof(*out), compare_text);
  return out;
}

static void diff_line(char *diff, size_t size, const char *sign, const char *table,
                      const char *fact)
{
  char line[FACT_MAX + 128];
  snprintf(line, sizeof(line), "  %s %s: %s\n", sign, table, fact);
  append(diff, size, line);
}

/* Appends the facts only one side has to diff ("-" SQLite only, "+" PostgreSQL only). */
static int diff_table(const char *table, const json_t *a, const json_t *b, char *diff, size_t size)
{
  size_t na, nb, i = 0, j = 0;
  int count = 0;
  const char **fa = sorted(json_object_get(a, "facts"), &na);
  const char **fb = sorted(json_object_get(b, "facts"), &nb);
  while (i < na || j < nb) {
    int c = i == na ? 1 : j == nb ? -1 : strcmp(fa[i], fb[j]);
    if (c == 0) {
      i++, j++;
      continue;
    }
    diff_line(diff, size, c < 0 ? "-" : "+", table, c < 0 ? fa[i++] : fb[j++]);
    count++;
  }
  free(fa);
  free(fb);
  return count;
}

/* Compares two descriptions; returns the number of differences, described in diff. */
static int diff_schemas(const json_t *a, const json_t *b, char *diff, size_t size)
{
  const char *table;
  json_t *entry;
  int count = 0;
  diff[0] = '\0';
  json_object_foreach((json_t *)a, table, entry)
  {
    json_t *other = json_object_get(b, table);
    if (!other) {
      diff_line(diff, size, "-", table, "the whole table (not on PostgreSQL)");
      count++;
    } else {
      count += diff_table(table, entry, other, diff, size);
    }
  }
  json_object_foreach((json_t *)b, table, entry)
  {
    if (!json_object_get(a, table)) {
      diff_line(diff, size, "+", table, "the whole table (not on SQLite)");
      count++;
    }
  }
  return count;
}

/* ---- The copy-db list ------------------------------------------------------------------------ */

struct copy_entry {
  const char *name;
  const char *columns;
};

static size_t copy_list(struct copy_entry *out, size_t max)
{
  size_t n = 0;
  const char *name, *columns;
  while (n < max && (name = store_copy_table(n, &columns)) != NULL)
    out[n++] = (struct copy_entry){name, columns};
  return n;
}

static bool same_columns(const json_t *schema_columns, const char *copied)
{
  json_t *listed = json_array();
  char buf[FACT_MAX * 4];
  snprintf(buf, sizeof(buf), "%s", copied);
  for (char *save = NULL, *col = strtok_r(buf, ", ", &save); col; col = strtok_r(NULL, ", ", &save))
    json_array_append_new(listed, json_string(col));
  size_t na, nb;
  const char **a = sorted(schema_columns, &na), **b = sorted(listed, &nb);
  bool same = na == nb;
  for (size_t i = 0; same && i < na; i++)
    same = strcmp(a[i], b[i]) == 0;
  free(a);
  free(b);
  json_decref(listed);
  return same;
}

static ptrdiff_t copy_position(const struct copy_entry *list, size_t n, const char *table)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp(list[i].name, table) == 0)
      return (ptrdiff_t)i;
  return -1;
}

static void problem(char *report, size_t size, const char *table, const char *what)
{
  char line[FACT_MAX];
  snprintf(line, sizeof(line), "  %s: %s\n", table, what);
  append(report, size, line);
}

/* Checks list against the schema desc: every table but the bookkeeping one is copied, with
 * exactly its columns, after every table it references; no listed table is unknown. Returns the
 * number of problems, described in report. */
static int check_copy_list(const json_t *desc, const struct copy_entry *list, size_t n,
                           char *report, size_t size)
{
  const char *table;
  json_t *entry, *ref;
  size_t i;
  int count = 0;
  report[0] = '\0';
  json_object_foreach((json_t *)desc, table, entry)
  {
    ptrdiff_t at = copy_position(list, n, table);
    if (is_bookkeeping(table))
      continue;
    if (at < 0) {
      problem(report, size, table, "missing from copy-db's table list (src/store/copy.c)");
      count++;
      continue;
    }
    if (!same_columns(json_object_get(entry, "columns"), list[at].columns)) {
      problem(report, size, table, "copy-db lists other columns than the schema has");
      count++;
    }
    json_array_foreach(json_object_get(entry, "refs"), i, ref)
    {
      ptrdiff_t parent = copy_position(list, n, json_string_value(ref));
      if (parent > at) {
        problem(report, size, table, "copied before a table it references");
        count++;
      }
    }
  }
  for (i = 0; i < n; i++) {
    if (!json_object_get(desc, list[i].name)) {
      problem(report, size, list[i].name, "listed for copy-db but not in the schema");
      count++;
    }
  }
  return count;
}

/* ---- Fixtures -------------------------------------------------------------------------------- */

static struct store *open_migrated(const char *url)
{
  struct store *store = NULL;
  char err[256] = "";
  int applied = 0;
  if (store_open(url, &store, err, sizeof(err)) != ST_OK)
    print_error("cannot open %s: %s\n", url, err);
  assert_non_null(store);
  int rc = store_migrate(store, &applied);
  if (rc)
    print_error("migrating %s: %s\n", url, store_last_error(store));
  assert_int_equal(rc, ST_OK);
  return store;
}

static struct store *open_sqlite(const char *file)
{
  char url[URL_MAX];
  snprintf(url, sizeof(url), "sqlite:%s/%s", sqlite_dir, file);
  return open_migrated(url);
}

/* A new, empty database, <the test's database>_m12, in the test's cluster (shared with other
 * tests under CTest: tests/pg/run.sh drops it by that prefix); its URL into url. (The seam
 * caches statements by the address of their SQL: the statement is a static buffer, written
 * once.) */
static void new_pg_database(char *url, size_t size)
{
  static char create[128];
  struct store *admin = NULL;
  char err[256] = "";
  const char *slash = strrchr(pg_url, '/');
  assert_non_null(slash);
  size_t len = strlen(slash + 1);
  assert_true(len > 0 && len < 48);
  assert_int_equal(strspn(slash + 1, "abcdefghijklmnopqrstuvwxyz0123456789_"), len);
  snprintf(create, sizeof(create), "CREATE DATABASE %s_m12", slash + 1);
  assert_int_equal(store_open(pg_url, &admin, err, sizeof(err)), ST_OK);
  assert_int_equal(db_exec(admin, create, NULL, 0, NULL), ST_OK);
  store_close(admin);
  snprintf(url, size, "%s_m12", pg_url);
}

static void expect_same(const json_t *sqlite, const json_t *pg)
{
  char *diff = malloc(DIFF_MAX);
  assert_non_null(diff);
  int count = diff_schemas(sqlite, pg, diff, DIFF_MAX);
  if (count)
    print_error("the SQLite and PostgreSQL schemas differ in %d place(s) "
                "(- only on SQLite, + only on PostgreSQL):\n%s",
                count, diff);
  free(diff);
  assert_int_equal(count, 0);
}

/* ---- Tests ----------------------------------------------------------------------------------- */

/* Both databases, migrated from empty, describe the same schema. */
static void test_schemas_match(void **state)
{
  struct store *sqlite = open_sqlite("fresh.db");
  struct store *pg = open_migrated(pg_url);
  int sqlite_version = 0, pg_version = 0;
  assert_int_equal(store_schema_version(sqlite, &sqlite_version), ST_OK);
  assert_int_equal(store_schema_version(pg, &pg_version), ST_OK);
  assert_int_equal(sqlite_version, pg_version);
  json_t *a = describe(sqlite, &sqlite_dialect), *b = describe(pg, &pg_dialect);
  assert_true(json_object_size(a) > 20);
  expect_same(a, b);
  json_decref(a);
  json_decref(b);
  store_close(sqlite);
  store_close(pg);
}

/* The comparison sees a drift: the old PostgreSQL cases_key (a plain index on case_key) and an
 * extra column, made on a second SQLite file, are reported and nothing else is. */
static void test_drift_is_reported(void **state)
{
  struct store *fresh = open_sqlite("reference.db"), *drifted = open_sqlite("drifted.db");
  assert_int_equal(db_exec(drifted, "DROP INDEX cases_key", NULL, 0, NULL), ST_OK);
  assert_int_equal(db_exec(drifted, "CREATE INDEX cases_key ON cases(case_key)", NULL, 0, NULL),
                   ST_OK);
  assert_int_equal(db_exec(drifted, "ALTER TABLE offices ADD COLUMN extra TEXT NOT NULL DEFAULT ''",
                           NULL, 0, NULL),
                   ST_OK);
  json_t *a = describe(fresh, &sqlite_dialect), *b = describe(drifted, &sqlite_dialect);
  char diff[DIFF_MAX];
  assert_int_equal(diff_schemas(a, b, diff, sizeof(diff)), 3);
  assert_non_null(strstr(diff, "- cases: unique index cases_key (office_id, case_key)\n"));
  assert_non_null(strstr(diff, "+ cases: index cases_key (case_key)\n"));
  assert_non_null(strstr(diff, "+ offices: column extra text not null default ''\n"));
  json_decref(a);
  json_decref(b);
  store_close(fresh);
  store_close(drifted);
}

/* copy-db's list names every table with exactly its columns, parents first (checked against
 * both dialects); and the check does fail when a table is left out or a column is missing. */
static void test_copy_list_covers_schema(void **state)
{
  struct store *sqlite = open_sqlite("copy.db");
  struct store *pg = open_migrated(pg_url);
  struct copy_entry list[128];
  size_t n = copy_list(list, ARRAY_LEN(list));
  char report[DIFF_MAX];
  json_t *a = describe(sqlite, &sqlite_dialect), *b = describe(pg, &pg_dialect);
  int count = check_copy_list(a, list, n, report, sizeof(report));
  if (count)
    print_error("copy-db's table list against the SQLite schema:\n%s", report);
  assert_int_equal(count, 0);
  count = check_copy_list(b, list, n, report, sizeof(report));
  if (count)
    print_error("copy-db's table list against the PostgreSQL schema:\n%s", report);
  assert_int_equal(count, 0);

  ptrdiff_t cases = copy_position(list, n, "cases");
  assert_true(cases >= 0 && n > 2);
  struct copy_entry shorter[128];
  memcpy(shorter, list, n * sizeof(*list));
  memmove(&shorter[cases], &shorter[cases + 1], (n - (size_t)cases - 1) * sizeof(*list));
  assert_int_equal(check_copy_list(a, shorter, n - 1, report, sizeof(report)), 1); /* no cases */
  assert_non_null(strstr(report, "cases: missing from copy-db's table list"));
  memcpy(shorter, list, n * sizeof(*list));
  shorter[cases].columns = "id, office_id"; /* most columns left out */
  assert_int_equal(check_copy_list(a, shorter, n, report, sizeof(report)), 1);
  assert_non_null(strstr(report, "cases: copy-db lists other columns"));
  memcpy(shorter, list, n * sizeof(*list));
  ptrdiff_t offices = copy_position(list, n, "offices"), units = copy_position(list, n, "units");
  assert_true(offices >= 0 && units >= 0);
  shorter[offices] = list[units]; /* units before the offices it references */
  shorter[units] = list[offices];
  assert_int_equal(check_copy_list(a, shorter, n, report, sizeof(report)), 1);
  assert_non_null(strstr(report, "units: copied before a table it references"));
  json_decref(a);
  json_decref(b);
  store_close(sqlite);
  store_close(pg);
}

static const char office_sql[] =
    "INSERT INTO offices (slug, name_zh, kind, updated_at) VALUES ($1, $2, 'land', "
    "'2026-01-01T00:00:00Z') RETURNING id";
static const char case_sql[] =
    "INSERT INTO cases (office_id, service_id, roc_year, word_code, serial, case_key, check_code, "
    "qr_token_hash, workflow, status, channel, received_at, time_limit_minutes, applicant_name, "
    "applicant_name_masked, updated_at) VALUES ($1, 1, 115, $2, $3, $4, '123456', $5, "
    "'standard', 'received', 'counter', 0, 60, 'x', 'x', 0)";

static int add_case(struct store *store, int64_t office, const char *word, int64_t serial,
                    const char *key)
{
  char buf[64];
  const char *token = buf;
  snprintf(buf, sizeof(buf), "token-%lld-%s-%lld", (long long)office, word, (long long)serial);
  return db_exec(store, case_sql,
                 DB_ARGS(DB_I(office), DB_S(word), DB_I(serial), DB_S(key), DB_S(token)), NULL);
}

/* Two offices; three cases, one key in both offices (allowed before and after migration 12). */
static void add_cases(struct store *store, int64_t office[2])
{
  assert_int_equal(db_query_int(store, office_sql, DB_ARGS(DB_S("m12-a"), DB_S("甲")), &office[0]),
                   ST_OK);
  assert_int_equal(db_query_int(store, office_sql, DB_ARGS(DB_S("m12-b"), DB_S("乙")), &office[1]),
                   ST_OK);
  assert_int_equal(add_case(store, office[0], "HA", 1, "115-HA-000001"), ST_OK);
  assert_int_equal(add_case(store, office[0], "HA", 2, "115-HA-000002"), ST_OK);
  assert_int_equal(add_case(store, office[1], "HA", 1, "115-HA-000001"), ST_OK);
}

static void run_all(struct store *store, const char *const *sql, size_t n)
{
  for (size_t i = 0; i < n; i++)
    assert_int_equal(db_exec(store, sql[i], NULL, 0, NULL), ST_OK);
}

static int64_t has_migration_12(struct store *store)
{
  int64_t n = -1;
  assert_int_equal(db_query_int(store, "SELECT count(*) FROM schema_migrations WHERE version = $1",
                                DB_ARGS(DB_I(12)), &n),
                   ST_OK);
  return n;
}

static void migrate_expecting(struct store *store, int st, int applied)
{
  int n = -1;
  int rc = store_migrate(store, &n);
  if (rc != st)
    print_error("migrate: %s\n", store_last_error(store));
  assert_int_equal(rc, st);
  if (st == ST_OK)
    assert_int_equal(n, applied);
}

/* After migration 12 the cases are all there, and a key is unique within its office only. */
static void expect_key_unique_per_office(struct store *store, const int64_t office[2])
{
  int64_t n = 0;
  assert_int_equal(
      db_query_int(store, "SELECT count(*) FROM cases WHERE $1 = 1", DB_ARGS(DB_I(1)), &n), ST_OK);
  assert_int_equal(n, 3);
  assert_int_equal(add_case(store, office[0], "HB", 9, "115-HA-000002"), ST_CONFLICT);
  assert_int_equal(add_case(store, office[1], "HB", 9, "115-HA-000002"), ST_OK);
}

/* Migration 12 on PostgreSQL databases that already hold cases: the database is brought back to
 * what migration 11 left (the undo is checked: exactly the old drift), then migrated again. With
 * a duplicate key in one office it fails and leaves the database as it was; without, only 12
 * runs, the cases stay and the schema matches SQLite's. */
static void test_migration_12_over_cases_pg(void **state)
{
  static const char *const undo[] = {"DROP INDEX cases_key",
                                     "CREATE INDEX cases_key ON cases(case_key)",
                                     "DELETE FROM schema_migrations WHERE version = 12"};
  static const char duplicate_sql[] = "DELETE FROM cases WHERE word_code = 'HB'";
  char url[URL_MAX], diff[DIFF_MAX];
  int64_t office[2];
  new_pg_database(url, sizeof(url));
  struct store *sqlite = open_sqlite("cases.db"), *pg = open_migrated(url);
  json_t *reference = describe(sqlite, &sqlite_dialect);
  run_all(pg, undo, ARRAY_LEN(undo));
  json_t *old = describe(pg, &pg_dialect);
  assert_int_equal(diff_schemas(reference, old, diff, sizeof(diff)), 2);
  assert_non_null(strstr(diff, "+ cases: index cases_key (case_key)\n"));
  add_cases(pg, office);

  assert_int_equal(add_case(pg, office[0], "HB", 9, "115-HA-000001"), ST_OK);
  migrate_expecting(pg, ST_DB, 0);
  assert_non_null(strstr(store_last_error(pg), "cases_key"));
  assert_int_equal(has_migration_12(pg), 0);
  json_t *after_failure = describe(pg, &pg_dialect);
  assert_true(json_equal(old, after_failure));
  run_all(pg, (const char *const[]){duplicate_sql}, 1);

  migrate_expecting(pg, ST_OK, 1);
  assert_int_equal(has_migration_12(pg), 1);
  json_t *migrated = describe(pg, &pg_dialect);
  expect_same(reference, migrated);
  expect_key_unique_per_office(pg, office);
  json_decref(reference);
  json_decref(old);
  json_decref(after_failure);
  json_decref(migrated);
  store_close(sqlite);
  store_close(pg);
}

/* Migration 12 on SQLite over cases changes nothing but runs (the index it names exists). */
static void test_migration_12_over_cases_sqlite(void **state)
{
  static const char *const undo[] = {"DELETE FROM schema_migrations WHERE version = 12"};
  int64_t office[2];
  struct store *sqlite = open_sqlite("cases.db");
  json_t *reference = describe(sqlite, &sqlite_dialect);
  add_cases(sqlite, office);
  run_all(sqlite, undo, ARRAY_LEN(undo));
  migrate_expecting(sqlite, ST_OK, 1);
  json_t *migrated = describe(sqlite, &sqlite_dialect);
  expect_same(reference, migrated);
  expect_key_unique_per_office(sqlite, office);
  json_decref(reference);
  json_decref(migrated);
  store_close(sqlite);
}

static int setup(void **state)
{
  snprintf(sqlite_dir, sizeof(sqlite_dir), "/tmp/bianmin-schema-XXXXXX");
  return mkdtemp(sqlite_dir) ? 0 : -1;
}

static int teardown(void **state)
{
  static const char *const files[] = {"fresh.db", "reference.db", "drifted.db", "copy.db",
                                      "cases.db"};
  static const char *const suffixes[] = {"", "-wal", "-shm"};
  char path[URL_MAX];
  for (size_t i = 0; i < ARRAY_LEN(files); i++) {
    for (size_t j = 0; j < ARRAY_LEN(suffixes); j++) {
      snprintf(path, sizeof(path), "%s/%s%s", sqlite_dir, files[i], suffixes[j]);
      unlink(path);
    }
  }
  return rmdir(sqlite_dir);
}

int main(void)
{
  pg_url = getenv("BIANMIN_TEST_PG_URL");
  if (!pg_url || !*pg_url) {
    fprintf(stderr, "schema_compare_test: BIANMIN_TEST_PG_URL not set (run through "
                    "tests/pg/run.sh); skipped\n");
    return 77;
  }
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_schemas_match),
      cmocka_unit_test(test_drift_is_reported),
      cmocka_unit_test(test_copy_list_covers_schema),
      cmocka_unit_test(test_migration_12_over_cases_pg),
      cmocka_unit_test(test_migration_12_over_cases_sqlite),
  };
  return cmocka_run_group_tests_name("pg/schema_compare", tests, setup, teardown);
}
