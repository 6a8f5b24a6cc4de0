/*
 * cli.h - subcommands of the bianmin command line beyond serve/init/demo (main.c), and the
 * helpers they share.
 */
#ifndef BIANMIN_CLI_CLI_H
#define BIANMIN_CLI_CLI_H

#include <stdbool.h>

#include "base/config.h"
#include "store/store.h"

enum { CLI_EXIT_USAGE = 2 };

/* Opens the configured database and migrates it; prints why on failure. */
int cli_open_store(const struct config *config, struct store **store);
/* Reads the only options of a command that takes just --db PATH and --config FILE; 0, or
 * CLI_EXIT_USAGE after saying why. */
int cli_db_options(struct config *config, int argc, char **argv);
/* Loads the secret keys: BIANMIN_SECRET_KEY (hex), else the key file (secret_key_file, or
 * secret.key beside a SQLite database), created when missing if create is true. */
int cli_load_keys(const struct config *config, bool create);
/* A password from BIANMIN_PASSWORD, else the first line of standard input. */
int cli_read_password(char *out, size_t size);

int cli_user(struct config *config, int argc, char **argv);
int cli_audit_verify(struct config *config, int argc, char **argv);

int cli_calendar_import(struct config *config, int argc, char **argv);
int cli_copydb(struct config *config, int argc, char **argv);
int cli_routes(struct config *config, int argc, char **argv);
int cli_kpi_rebuild(struct config *config, int argc, char **argv);

extern const char cli_user_usage[];
extern const char cli_calendar_usage[];
extern const char cli_audit_verify_usage[];
extern const char cli_copydb_usage[];
extern const char cli_routes_usage[];
extern const char cli_kpi_rebuild_usage[];

#endif
