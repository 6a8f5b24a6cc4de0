/*
 * copydb.c - `bianmin copy-db --from URL --to URL`: moves an installation's data from one
 * database to another (an office's SQLite file to the city's PostgreSQL, or back). Both are
 * migrated first; the target must be empty; every table is copied in one transaction on the
 * target and its row count checked (store_copy, store/copy.c).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "store/store.h"

#include "base/common.h"

const char cli_copydb_usage[] =
    "usage: bianmin copy-db --from URL --to URL\n\n"
    "Copies every table (offices, accounts, audit trail, catalogue, cases) from one database to\n"
    "another, keeping ids, in one transaction; then checks each table's row count. The target\n"
    "must be empty (a new database: copy-db migrates it). Stop the servers using the source\n"
    "first. URLs as for --db: a SQLite path (sqlite:PATH) or postgresql://...\n"
    "Sealed personal data is copied as it is: keep using the same secret key.\n\n"
    "  --from URL        the database to read\n"
    "  --to URL          the empty database to fill\n";

static int open_migrated(const char *url, struct store **store)
{
  char err[512];
  int rc = store_open(url, store, err, sizeof(err));
  if (rc) {
    fprintf(stderr, "bianmin: cannot open database %s: %s\n", url, err);
    return rc;
  }
  rc = store_migrate(*store, NULL);
  if (rc) {
    fprintf(stderr, "bianmin: migrating %s failed: %s\n", url, store_last_error(*store));
    store_close(*store);
    *store = NULL;
  }
  return rc;
}

static void print_report(json_t *report)
{
  size_t i;
  json_t *entry;
  long long total = 0;
  json_array_foreach(report, i, entry)
  {
    long long rows = json_integer_value(json_object_get(entry, "rows"));
    printf("  %-16s %lld\n", json_string_value(json_object_get(entry, "table")), rows);
    total += rows;
  }
  printf("copied %lld row(s) in %zu table(s); every count checked\n", total,
         json_array_size(report));
}

static int parse_args(int argc, char **argv, const char **from, const char **to)
{
  static const struct option options[] = {
      {"from", required_argument, NULL, 'f'}, {"to", required_argument, NULL, 't'}, {0}};
  int opt;
  optind = 1;
  while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
    if (opt == 'f')
      *from = optarg;
    else if (opt == 't')
      *to = optarg;
    else
      return -1;
  }
  return *from && *to && optind == argc ? 0 : -1;
}

int cli_copydb(struct config *config, int argc, char **argv)
{
  const char *from_url = NULL, *to_url = NULL;
  struct store *from = NULL, *to = NULL;
  json_t *report = NULL;
  if (parse_args(argc, argv, &from_url, &to_url)) {
    fprintf(stderr, "%s", cli_copydb_usage);
    return CLI_EXIT_USAGE;
  }
  if (strcmp(from_url, to_url) == 0) {
    fprintf(stderr, "bianmin: --from and --to name the same database\n");
    return CLI_EXIT_USAGE;
  }
  int rc = open_migrated(from_url, &from);
  if (!rc)
    rc = open_migrated(to_url, &to);
  if (!rc && (rc = store_copy(from, to, &report)) != ST_OK)
    fprintf(stderr, "bianmin: copy-db failed, nothing was written: %s\n", store_last_error(to));
  if (!rc)
    print_report(report);
  json_decref(report);
  store_close(from);
  store_close(to);
  return rc ? 1 : 0;
}
