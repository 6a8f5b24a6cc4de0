/*
 * calendar.c - `bianmin calendar-import FILE`: checks a DGPA office calendar CSV (data.gov.tw
 * dataset 14718, 西元日期,星期,是否放假,備註) and installs it as dgpa-YYYY.csv in the calendar
 * folder, where every server reads it at start. A file with any bad row is refused whole, with
 * every bad row named.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/calendar.h"

#include "base/common.h"

const char cli_calendar_usage[] =
    "usage: bianmin calendar-import [--config FILE] CSV\n\n"
    "Checks a DGPA office calendar (CSV: 西元日期,星期,是否放假,備註; 2 = day off, 0 = working\n"
    "day) and installs it as <calendar folder>/dgpa-YYYY.csv. Restart the server to use it.\n\n";

static int read_all(const char *path, char **data, size_t *len)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    return ST_IO;
  *data = malloc(CALENDAR_FILE_MAX + 1);
  *len = *data ? fread(*data, 1, CALENDAR_FILE_MAX + 1, f) : 0;
  fclose(f);
  if (!*data)
    return ST_NOMEM;
  return *len > CALENDAR_FILE_MAX ? ST_LIMIT : ST_OK;
}

static void print_report(const struct calendar_import_report *report)
{
  size_t shown =
      report->n_errors < CALENDAR_REPORT_ERRORS_MAX ? report->n_errors : CALENDAR_REPORT_ERRORS_MAX;
  fprintf(stderr, "bianmin: the calendar has %zu bad row(s); nothing was installed\n",
          report->n_errors);
  for (size_t i = 0; i < shown; i++)
    fprintf(stderr, "  line %lu, column %u: %s\n", report->errors[i].line, report->errors[i].column,
            report->errors[i].message);
}

static int install(const struct config *config, int year, const char *data, size_t len)
{
  char path[1200], tmp[1210];
  snprintf(path, sizeof(path), "%s/dgpa-%d.csv", config->calendar_dir, year);
  snprintf(tmp, sizeof(tmp), "%s.tmp", path);
  FILE *f = fopen(tmp, "wb");
  if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0 || rename(tmp, path) != 0) {
    fprintf(stderr, "bianmin: cannot write %s\n", path);
    return 1;
  }
  printf("installed %s\n", path);
  return 0;
}

int cli_calendar_import(struct config *config, int argc, char **argv)
{
  static const struct option options[] = {{"config", required_argument, NULL, 'c'},
                                          {NULL, 0, NULL, 0}};
  char err[512];
  int opt;
  while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1)
    if (opt != 'c' || config_load_file(config, optarg, err, sizeof(err)))
      return CLI_EXIT_USAGE;
  if (optind != argc - 1) {
    fputs(cli_calendar_usage, stderr);
    return CLI_EXIT_USAGE;
  }
  char *data = NULL;
  size_t len = 0;
  struct calendar cal;
  struct calendar_import_report report;
  int rc = read_all(argv[optind], &data, &len);
  if (rc) {
    fprintf(stderr, "bianmin: cannot read %s (%s)\n", argv[optind], status_name(rc));
    free(data);
    return 1;
  }
  calendar_init(&cal);
  rc = calendar_parse_dgpa_csv(&cal, data, len, &report);
  calendar_free(&cal);
  if (rc)
    print_report(&report);
  else if (report.first_year != report.last_year)
    fprintf(stderr, "bianmin: give one year per file (this one has %d-%d)\n", report.first_year,
            report.last_year);
  int result = rc || report.first_year != report.last_year
                   ? 1
                   : install(config, report.first_year, data, len);
  free(data);
  return result;
}
