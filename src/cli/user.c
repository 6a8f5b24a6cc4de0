/*
 * user.c - `bianmin user add|passwd|disable|enable|list`: staff accounts from the command line.
 * Passwords come from BIANMIN_PASSWORD or standard input, never from an argument (arguments
 * are visible to every user of the machine). Every change is in the audit trail (actor "cli").
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/accounts.h"
#include "domain/notify.h"
#include "store/store.h"

#include "base/common.h"

const char cli_user_usage[] =
    "usage: bianmin user add --office SLUG --username NAME --name \"DISPLAY NAME\" --roles LIST\n"
    "                        [--unit CODE] [--email ADDRESS] [--no-expire]\n"
    "       bianmin user passwd USERNAME\n"
    "       bianmin user disable USERNAME | enable USERNAME\n"
    "       bianmin user list [--office SLUG]\n\n"
    "Manages staff accounts. Roles: clerk, handler, supervisor, admin, analyst (comma-separated).\n"
    "Passwords are read from BIANMIN_PASSWORD or the first line of standard input. A password\n"
    "set here (add, passwd) has expired: the person chooses their own at first sign-in, unless\n"
    "add is given --no-expire (the password is already the person's own choice).\n\n";

struct user_args {
  const char *office, *username, *name, *roles, *unit, *email;
  bool no_expire;
};

static int parse_user_args(struct config *config, int argc, char **argv, struct user_args *a)
{
  static const struct option options[] = {
      {"office", required_argument, NULL, 'o'}, {"username", required_argument, NULL, 'u'},
      {"name", required_argument, NULL, 'n'},   {"roles", required_argument, NULL, 'r'},
      {"unit", required_argument, NULL, 't'},   {"email", required_argument, NULL, 'e'},
      {"no-expire", no_argument, NULL, 'x'},    {"db", required_argument, NULL, 'd'},
      {"config", required_argument, NULL, 'c'}, {NULL, 0, NULL, 0}};
  char err[512];
  int opt;
  memset(a, 0, sizeof(*a));
  while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
    const char **slot[] = {['o'] = &a->office, ['u'] = &a->username, ['n'] = &a->name,
                           ['r'] = &a->roles,  ['t'] = &a->unit,     ['e'] = &a->email};
    if (opt == 'x') {
      a->no_expire = true;
    } else if (opt == 'd' || opt == 'c') {
      int rc = opt == 'd' ? config_set(config, "database", "db", optarg, err, sizeof(err))
                          : config_load_file(config, optarg, err, sizeof(err));
      if (rc) {
        fprintf(stderr, "bianmin: %s\n", err);
        return CLI_EXIT_USAGE;
      }
    } else if (opt > 0 && (size_t)opt < ARRAY_LEN(slot) && slot[opt]) {
      *slot[opt] = optarg;
    } else {
      return CLI_EXIT_USAGE;
    }
  }
  return 0;
}

static int find_unit(struct store *store, int64_t office_id, const char *code, int64_t *unit_id)
{
  json_t *units;
  *unit_id = 0;
  if (!code)
    return ST_OK;
  int rc = store_unit_list(store, office_id, &units);
  if (rc)
    return rc;
  size_t i;
  json_t *u;
  json_array_foreach(units, i, u) if (strcmp(json_string_value(json_object_get(u, "code")), code) ==
                                      0) *unit_id = json_integer_value(json_object_get(u, "id"));
  json_decref(units);
  return *unit_id ? ST_OK : ST_NOTFOUND;
}

static const struct audit_actor cli_actor = {0, 0, "cli", "cli"};

static int user_add(struct store *store, const struct user_args *a)
{
  json_t *office;
  struct account_fields f = {0};
  char password[256];
  if (!a->office || !a->username || !a->name || !a->roles) {
    fprintf(stderr, "bianmin: user add needs --office, --username, --name and --roles\n");
    return CLI_EXIT_USAGE;
  }
  if (store_office_get(store, a->office, &office)) {
    fprintf(stderr, "bianmin: no office %s\n", a->office);
    return 1;
  }
  f.office_id = json_integer_value(json_object_get(office, "id"));
  json_decref(office);
  if (roles_parse(a->roles, &f.roles) || find_unit(store, f.office_id, a->unit, &f.unit_id)) {
    fprintf(stderr, "bianmin: unknown role in '%s' or unit '%s'\n", a->roles,
            a->unit ? a->unit : "");
    return CLI_EXIT_USAGE;
  }
  f.username = a->username;
  f.display_name = a->name;
  f.email = a->email ? a->email : "";
  f.password_expired = !a->no_expire;
  const char *reason = NULL;
  struct audit_actor actor = cli_actor;
  actor.office_id = f.office_id;
  int64_t id;
  int rc = cli_read_password(password, sizeof(password));
  if (!rc)
    rc = accounts_create(store, &actor, &f, password, &id, &reason);
  if (rc) {
    fprintf(stderr, "bianmin: user not added: %s\n", reason ? reason : status_name(rc));
    return 1;
  }
  printf("added %s (id %lld)\n", a->username, (long long)id);
  return 0;
}

static int user_by_name(struct store *store, const char *username, int64_t *id, int64_t *office)
{
  json_t *user;
  if (!username || store_user_by_username(store, username, &user)) {
    fprintf(stderr, "bianmin: no user %s\n", username ? username : "(none given)");
    return 1;
  }
  *id = json_integer_value(json_object_get(user, "id"));
  *office = json_integer_value(json_object_get(user, "office_id"));
  json_decref(user);
  return 0;
}

static int user_change(struct store *store, const char *action, const char *username)
{
  int64_t id, office;
  if (user_by_name(store, username, &id, &office))
    return 1;
  struct audit_actor actor = cli_actor;
  actor.office_id = office;
  const char *reason = NULL;
  char password[256];
  int rc;
  if (strcmp(action, "passwd") == 0) {
    rc = cli_read_password(password, sizeof(password));
    if (!rc)
      rc = accounts_set_password(store, &actor, id, password, &reason);
  } else {
    rc = accounts_set_disabled(store, &actor, id, strcmp(action, "disable") == 0);
  }
  if (rc) {
    fprintf(stderr, "bianmin: %s %s failed: %s\n", action, username,
            reason ? reason : status_name(rc));
    return 1;
  }
  printf("%s %s: done\n", action, username);
  return 0;
}

static int user_list(struct store *store, const char *office_slug)
{
  int64_t office_id = 0;
  json_t *office, *users;
  if (office_slug) {
    if (store_office_get(store, office_slug, &office)) {
      fprintf(stderr, "bianmin: no office %s\n", office_slug);
      return 1;
    }
    office_id = json_integer_value(json_object_get(office, "id"));
    json_decref(office);
  }
  if (store_user_list(store, office_id, &users))
    return 1;
  size_t i;
  json_t *u;
  json_array_foreach(users, i, u)
  {
    char roles[64];
    roles_format((unsigned)json_integer_value(json_object_get(u, "roles")), roles, sizeof(roles));
    printf("%-24s %-28s %-30s%s%s\n", json_string_value(json_object_get(u, "username")),
           json_string_value(json_object_get(u, "display_name")), roles,
           json_integer_value(json_object_get(u, "totp_enabled")) ? " totp" : "",
           json_integer_value(json_object_get(u, "disabled")) ? " DISABLED" : "");
  }
  json_decref(users);
  return 0;
}

/* A password set here sends the account's security e-mail (domain/accounts.h): the shipped
 * message templates and the public address for its link, as `serve` sets them up. */
static int user_notices(const struct config *config)
{
  struct notify_settings s = {0};
  char dir[CONFIG_PATH_MAX + 16], err[1024];
  s.public_url_set = config->public_url[0] != '\0';
  if (s.public_url_set)
    snprintf(s.public_url, sizeof(s.public_url), "%.255s", config->public_url);
  else
    snprintf(s.public_url, sizeof(s.public_url), "http://%.200s", config->listen);
  notify_configure(&s);
  snprintf(dir, sizeof(dir), "%s/messages", config->templates_dir);
  /* Without them the account's notice is still queued; the server's worker writes it. */
  if (notify_templates_load_dir(dir, err, sizeof(err)))
    fprintf(stderr, "bianmin: %s (security notices are written when the server sends them)\n", err);
  return 0;
}

int cli_user(struct config *config, int argc, char **argv)
{
  struct user_args a;
  if (argc < 2) {
    fputs(cli_user_usage, stderr);
    return CLI_EXIT_USAGE;
  }
  const char *action = argv[1];
  if (parse_user_args(config, argc - 1, argv + 1, &a))
    return CLI_EXIT_USAGE;
  struct store *store;
  if (cli_load_keys(config, true) || user_notices(config) || cli_open_store(config, &store))
    return 1;
  int rc = CLI_EXIT_USAGE;
  const char *target = optind < argc - 1 ? argv[optind + 1] : NULL;
  if (strcmp(action, "add") == 0)
    rc = user_add(store, &a);
  else if (strcmp(action, "list") == 0)
    rc = user_list(store, a.office);
  else if (!strcmp(action, "passwd") || !strcmp(action, "disable") || !strcmp(action, "enable"))
    rc = user_change(store, action, target);
  else
    fputs(cli_user_usage, stderr);
  store_close(store);
  return rc;
}
