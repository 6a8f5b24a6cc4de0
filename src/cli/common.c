/* common.c - what the subcommands share: the database, the keys, passwords. */
#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "domain/keys.h"
#include "store/store.h"

#include "base/common.h"

int cli_open_store(const struct config *config, struct store **store)
{
  char err[512];
  int rc = store_open(config->db, store, err, sizeof(err));
  if (rc) {
    fprintf(stderr, "bianmin: cannot open database %s: %s\n", config->db, err);
    return rc;
  }
  rc = store_migrate(*store, NULL);
  if (rc) {
    fprintf(stderr, "bianmin: database migration failed: %s\n", store_last_error(*store));
    store_close(*store);
  }
  return rc;
}

/* secret.key beside the SQLite file named by db ("var/bianmin.db" -> "var/secret.key"). */
static void default_key_path(const char *db, char *out, size_t size)
{
  const char *path = db;
  if (strncmp(path, "sqlite:", 7) == 0 || strncmp(path, "file:", 5) == 0)
    path = strchr(path, ':') + 1;
  const char *slash = strrchr(path, '/');
  if (slash)
    snprintf(out, size, "%.*s/secret.key", (int)(slash - path), path);
  else
    snprintf(out, size, "secret.key");
}

int cli_load_keys(const struct config *config, bool create)
{
  char path[PATH_MAX], err[512];
  const char *hex = getenv("BIANMIN_SECRET_KEY");
  if (hex && *hex) {
    if (keys_load_hex(hex) == ST_OK)
      return ST_OK;
    fprintf(stderr, "bianmin: BIANMIN_SECRET_KEY must be 64 hexadecimal characters\n");
    return ST_INVALID;
  }
  if (config->secret_key_file[0]) {
    snprintf(path, sizeof(path), "%s", config->secret_key_file);
  } else if (strstr(config->db, "://") && strncmp(config->db, "file:", 5) != 0) {
    /* A server database has no folder to keep the key beside; every node needs the same key. */
    fprintf(stderr, "bianmin: with a PostgreSQL database, set [security] secret_key_file or "
                    "BIANMIN_SECRET_KEY (the same key on every node)\n");
    return ST_INVALID;
  } else {
    default_key_path(config->db, path, sizeof(path));
  }
  if (create && access(path, F_OK) != 0 && errno == ENOENT) {
    if (keys_create_file(path, err, sizeof(err))) {
      fprintf(stderr, "bianmin: %s\n", err);
      return ST_IO;
    }
    fprintf(stderr,
            "bianmin: created a new secret key in %s (back it up apart from the "
            "database: without it, sealed personal data cannot be read)\n",
            path);
  }
  if (keys_load_file(path, err, sizeof(err))) {
    fprintf(stderr, "bianmin: %s\n", err);
    return ST_IO;
  }
  return ST_OK;
}

int cli_read_password(char *out, size_t size)
{
  const char *env = getenv("BIANMIN_PASSWORD");
  if (env) {
    if (strlen(env) >= size)
      return ST_LIMIT;
    snprintf(out, size, "%s", env);
    return ST_OK;
  }
  if (isatty(STDIN_FILENO))
    fprintf(stderr, "password: ");
  if (!fgets(out, (int)size, stdin))
    return ST_INVALID;
  out[strcspn(out, "\r\n")] = '\0';
  return ST_OK;
}

int cli_db_options(struct config *config, int argc, char **argv)
{
  static const struct option options[] = {{"db", required_argument, NULL, 'd'},
                                          {"config", required_argument, NULL, 'c'},
                                          {NULL, 0, NULL, 0}};
  char err[512];
  int opt;
  while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
    int rc = opt == 'd'   ? config_set(config, "database", "db", optarg, err, sizeof(err))
             : opt == 'c' ? config_load_file(config, optarg, err, sizeof(err))
                          : CLI_EXIT_USAGE;
    if (rc) {
      fprintf(stderr, "bianmin: %s\n", rc == CLI_EXIT_USAGE ? "unknown option" : err);
      return CLI_EXIT_USAGE;
    }
  }
  return 0;
}
