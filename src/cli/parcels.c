/*
 * parcels.c - `bianmin parcels-import`: streams a CSV file into a land office's parcel data
 * (domain/land/parcels.h), prints every problem as FILE:LINE: COLUMN: message [reason_key],
 * and shows progress on stderr when it is a terminal or --progress is given.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/civil.h"
#include "base/clock.h"
#include "cli/cli.h"
#include "cli/parcels.h"
#include "domain/land/parcels.h"
#include "store/store.h"

#include "base/common.h"

const char cli_parcels_import_usage[] =
    "usage: bianmin parcels-import --office SLUG [--kind parcels|resurvey|addresses]\n"
    "                              [--skip-bad] [--progress] FILE\n\n"
    "Imports a land office's parcels (default), old -> new numbers after a resurvey, or house\n"
    "addresses from a CSV file (UTF-8, with a header row; README \"Land-office tools\" lists\n"
    "the columns). Every bad row and column is printed; when any row is bad nothing is\n"
    "imported, unless --skip-bad, which imports the good rows. All or nothing: one\n"
    "transaction. Exit status: 0 imported (with --skip-bad: the good rows), 1 nothing imported,\n"
    "2 usage.\n\n"
    "  --office SLUG     the land office (e.g. xinxing)\n"
    "  --kind KIND       parcels (default), resurvey or addresses\n"
    "  --skip-bad        import the good rows even when some rows are bad\n"
    "  --progress        show progress on stderr even when it is not a terminal\n";

/* Progress is redrawn at most this often. */
#define PROGRESS_INTERVAL_S 0.25

struct import_args {
  const char *office, *kind, *file;
  bool skip_bad, progress;
};

struct import_run {
  const char *file;
  uint64_t size; /* 0 when unknown */
  bool show_progress, tty;
  double started, last_shown;
};

static double seconds_now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --db and --config; ST_OK or the configuration's refusal (printed). */
static int config_flag(struct config *config, int opt, const char *arg)
{
  char err[512];
  int rc = opt == 'd' ? config_set(config, "database", "db", arg, err, sizeof(err))
                      : config_load_file(config, arg, err, sizeof(err));
  if (rc)
    fprintf(stderr, "bianmin: %s\n", err);
  return rc;
}

static int parse_args(struct config *config, int argc, char **argv, struct import_args *a)
{
  static const struct option options[] = {{"office", required_argument, NULL, 'o'},
                                          {"kind", required_argument, NULL, 'k'},
                                          {"skip-bad", no_argument, NULL, 's'},
                                          {"progress", no_argument, NULL, 'p'},
                                          {"db", required_argument, NULL, 'd'},
                                          {"config", required_argument, NULL, 'c'},
                                          {NULL, 0, NULL, 0}};
  int opt, rc = ST_OK;
  memset(a, 0, sizeof(*a));
  a->kind = "parcels";
  while (rc == ST_OK && (opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
    if (opt == 'o')
      a->office = optarg;
    else if (opt == 'k')
      a->kind = optarg;
    else if (opt == 's' || opt == 'p')
      *(opt == 's' ? &a->skip_bad : &a->progress) = true;
    else if (opt == 'd' || opt == 'c')
      rc = config_flag(config, opt, optarg);
    else
      return CLI_EXIT_USAGE;
  }
  a->file = optind == argc - 1 ? argv[optind] : NULL;
  return rc || !a->office || !a->file ? CLI_EXIT_USAGE : 0;
}

static void print_problem(void *ctx, const struct parcel_import_problem *p)
{
  struct import_run *run = ctx;
  if (run->show_progress && run->tty)
    fputs("\r\033[K", stderr); /* the problem line replaces the progress line */
  printf("%s:%ld: %s%s%s [%s]\n", run->file, p->line, p->column ? p->column : "",
         p->column ? ": " : "", p->message, p->reason_key);
}

static void show_progress(void *ctx, uint64_t bytes, uint64_t rows)
{
  struct import_run *run = ctx;
  double now = seconds_now();
  if (!run->show_progress || now - run->last_shown < PROGRESS_INTERVAL_S)
    return;
  run->last_shown = now;
  double elapsed = now - run->started;
  double rate = elapsed > 0 ? (double)rows / elapsed : 0;
  double percent = run->size ? 100.0 * (double)bytes / (double)run->size : 0;
  fprintf(stderr, "%s%5.1f%%  %llu rows  %.0f rows/s%s", run->tty ? "\r\033[K" : "", percent,
          (unsigned long long)rows, rate, run->tty ? "" : "\n");
  fflush(stderr);
}

static struct civil_date today(void)
{
  return civil_taipei(clock_now()).date;
}

static void summary(const struct import_run *run, const struct parcel_import_stats *st, int rc,
                    bool skip_bad)
{
  if (run->show_progress && run->tty)
    fputs("\r\033[K", stderr);
  printf("%s: %llu rows read, %llu bad (%llu problems), %llu imported", run->file,
         (unsigned long long)st->rows, (unsigned long long)st->bad_rows,
         (unsigned long long)st->problems, (unsigned long long)st->written);
  if (rc == ST_INVALID)
    printf("; nothing imported%s",
           st->bad_rows && !skip_bad ? " (--skip-bad imports the good rows)" : "");
  printf("\n");
}

static int import_file(struct store *store, int64_t office_id, enum parcel_import_kind kind,
                       const struct import_args *a)
{
  FILE *f = fopen(a->file, "rb");
  struct stat sb;
  struct parcel_import_stats st;
  if (!f) {
    fprintf(stderr, "bianmin: cannot open %s\n", a->file);
    return 1;
  }
  struct import_run run = {a->file,
                           fstat(fileno(f), &sb) == 0 ? (uint64_t)sb.st_size : 0,
                           a->progress || isatty(STDERR_FILENO),
                           isatty(STDERR_FILENO),
                           seconds_now(),
                           0};
  struct parcel_import_options o = {
      office_id, kind, a->skip_bad, today(), csv_read_stdio, f, print_problem, show_progress, &run};
  int rc = parcel_import(store, &o, &st);
  fclose(f);
  if (rc && rc != ST_INVALID)
    fprintf(stderr, "bianmin: import failed: %s (%s)\n", status_name(rc), store_last_error(store));
  summary(&run, &st, rc, a->skip_bad);
  return rc ? 1 : 0;
}

int cli_parcels_import(struct config *config, int argc, char **argv)
{
  struct import_args a;
  enum parcel_import_kind kind;
  json_t *office = NULL;
  if (parse_args(config, argc, argv, &a) || parcel_import_kind_parse(a.kind, &kind)) {
    fputs(cli_parcels_import_usage, stderr);
    return CLI_EXIT_USAGE;
  }
  struct store *store;
  if (cli_open_store(config, &store))
    return 1;
  int rc = store_office_get(store, a.office, &office);
  const char *office_kind = rc ? "" : json_string_value(json_object_get(office, "kind"));
  if (rc || !office_kind || strcmp(office_kind, "land") != 0) {
    fprintf(stderr, "bianmin: %s is not a land office here\n", a.office);
    rc = 1;
  } else {
    rc = import_file(store, json_integer_value(json_object_get(office, "id")), kind, &a);
  }
  json_decref(office);
  store_close(store);
  return rc;
}
