/*
 * kpi.c - `bianmin kpi-rebuild`: forgets the indicators' counters and counts the whole case
 * event log again (after a restore, a copy-db, or a change to the counting rules).
 */
#include <stdio.h>

#include "base/clock.h"
#include "cli/cli.h"
#include "domain/cases.h"
#include "domain/kpi.h"
#include "store/store.h"

#include "base/common.h"

const char cli_kpi_rebuild_usage[] =
    "usage: bianmin kpi-rebuild [--db PATH]\n\n"
    "Counts every status event of the case log into the indicators again, in one transaction.\n"
    "The server keeps them up to date by itself; this is for after a restore or copy-db.\n\n";

int cli_kpi_rebuild(struct config *config, int argc, char **argv)
{
  char err[512];
  if (cli_db_options(config, argc, argv))
    return CLI_EXIT_USAGE;
  if (cases_calendar_load_dir(config->calendar_dir, err, sizeof(err))) {
    fprintf(stderr, "bianmin: %s\n", err);
    return 1;
  }
  struct store *store;
  if (cli_open_store(config, &store))
    return 1;
  int64_t counted = 0;
  int rc = kpi_rebuild(store, clock_now(), &counted);
  store_close(store);
  if (rc) {
    fprintf(stderr, "bianmin: the indicators could not be rebuilt (%s)\n", status_name(rc));
    return 1;
  }
  printf("indicators rebuilt: %lld events counted\n", (long long)counted);
  return 0;
}
