/*
 * main.c - the bianmin command line: serve, init, demo. Wires the layers together: the HTTP
 * layer gets the web layer's route table and the application's services (ARCHITECTURE.md).
 *
 * Configuration precedence, lowest first: built-in defaults, the INI file (--config or
 * BIANMIN_CONFIG), environment variables (BIANMIN_*), command-line flags.
 */
#include <getopt.h>
#include <pthread.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>

#include "base/config.h"
#include "cli/cli.h"
#include "cli/parcels.h"
#include "base/log.h"
#include "domain/accounts.h"
#include "domain/catalog.h"
#include "domain/cases.h"
#include "domain/demo.h"
#include "domain/queue.h"
#include "domain/keys.h"
#include "domain/apply.h"
#include "domain/notify.h"
#include "domain/payment.h"
#include "workers/outbox.h"
#include "workers/scanner.h"
#include "http/http.h"
#include "store/store.h"
#include "web/app.h"
#include "web/public/queue.h"

#include "base/common.h"

enum { EXIT_USAGE = 2, SHUTDOWN_GRACE_SECONDS = 30, SCAN_INTERVAL_SECONDS = 60 };

/* The demo accounts' password (BIANMIN_DEMO_PASSWORD overrides); for trying bianmin only. */
#define DEMO_STAFF_PASSWORD "bianmin-demo-2026"

struct command {
  const char *name;
  const char *summary;
  const char *usage;
  int (*run)(struct config *config, int argc, char **argv);
};

static const char common_options[] =
    "  --db URL          database: a SQLite file path (default var/bianmin.db) or\n"
    "                    postgresql://user@host:port/dbname\n"
    "  --config FILE     INI configuration file (see docs/config.example.ini)\n"
    "  -h, --help        show this help\n";

/* Flags every subcommand shares; returns 1 when the flag was one of them. */
static int common_flag(struct config *config, int opt, const char *arg, int *status)
{
  char err[512];
  switch (opt) {
  case 'd':
    *status = config_set(config, "database", "db", arg, err, sizeof(err));
    break;
  case 'c':
    *status = config_load_file(config, arg, err, sizeof(err));
    break;
  default:
    return 0;
  }
  if (*status)
    fprintf(stderr, "bianmin: %s\n", err);
  return 1;
}

/* Sets built-in defaults that depend on where the binary lives: translations are built next
 * to it (build/<preset>/locale). */
static void exe_relative_defaults(struct config *config)
{
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  if (n <= 0)
    return;
  exe[n] = '\0';
  char *slash = strrchr(exe, '/');
  if (!slash)
    return;
  *slash = '\0';
  char locale[PATH_MAX + 16], err[256];
  snprintf(locale, sizeof(locale), "%s/locale", exe);
  config_set(config, "paths", "locale", locale, err, sizeof(err));
}

static int open_store(const struct config *config, struct store **store)
{
  char err[512];
  int rc = store_open(config->db, store, err, sizeof(err));
  if (rc)
    fprintf(stderr, "bianmin: cannot open database %s: %s\n", config->db, err);
  return rc;
}

static int migrate(struct store *store, int *applied)
{
  int rc = store_migrate(store, applied);
  if (rc)
    fprintf(stderr, "bianmin: database migration failed (%s)\n", status_name(rc));
  return rc;
}

static int write_port_file(const char *path, int port)
{
  char tmp[PATH_MAX];
  snprintf(tmp, sizeof(tmp), "%s.tmp", path);
  FILE *f = fopen(tmp, "w");
  if (!f)
    return ST_IO;
  fprintf(f, "%d\n", port);
  if (fclose(f) != 0 || rename(tmp, path) != 0)
    return ST_IO;
  return ST_OK;
}

static void server_config_from(const struct config *c, struct http_server_config *s, char *host,
                               size_t host_size)
{
  memset(s, 0, sizeof(*s));
  config_parse_listen(c->listen, host, host_size, &s->port);
  s->host = host;
  s->threads = c->threads;
  s->max_connections = c->max_connections;
  s->per_ip_connections = c->per_ip_connections;
  s->timeout_seconds = c->timeout_seconds;
  s->max_header_bytes = c->max_header_bytes;
  s->behind_tls = c->behind_tls;
  s->trusted_proxies = c->trusted_proxies;
  s->metrics_from = c->metrics_from;
  s->dev_reload = c->dev_reload;
  s->templates_dir = c->templates_dir;
  s->static_dir = c->static_dir;
  s->locale_dir = c->locale_dir;
  s->rate_public_per_minute = c->rate_public_per_minute;
  s->rate_lookup_per_minute = c->rate_lookup_per_minute;
  s->rate_login_per_minute = c->rate_login_per_minute;
}

static int parse_serve_flags(struct config *config, int argc, char **argv, const char **port_file)
{
  static const struct option options[] = {{"db", required_argument, NULL, 'd'},
                                          {"config", required_argument, NULL, 'c'},
                                          {"listen", required_argument, NULL, 'l'},
                                          {"port-file", required_argument, NULL, 'p'},
                                          {"dev", no_argument, NULL, 'D'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};
  char err[512];
  int opt, status = 0;
  while (!status && (opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
    if (common_flag(config, opt, optarg, &status))
      continue;
    if (opt == 'l' && config_set(config, "server", "listen", optarg, err, sizeof(err))) {
      fprintf(stderr, "bianmin: %s\n", err);
      status = EXIT_USAGE;
    } else if (opt == 'p') {
      *port_file = optarg;
    } else if (opt == 'D') {
      config_set(config, "server", "dev_reload", "true", err, sizeof(err));
    } else if (opt == 'h' || opt == '?') {
      return -1;
    }
  }
  return status ? EXIT_USAGE : 0;
}

/* Notices: settings, the shipped message templates (templates/messages), libcurl. Before any
 * thread starts. */
static int notices_setup(const struct config *config)
{
  struct notify_settings s = {0};
  char dir[CONFIG_PATH_MAX + 16], err[1024];
  /* Without [notify] public_url (a loopback listener only): links in messages name the
   * listener; pages then build theirs from the request (web_origin). */
  s.public_url_set = config->public_url[0] != '\0';
  if (s.public_url_set)
    snprintf(s.public_url, sizeof(s.public_url), "%.255s", config->public_url);
  else
    snprintf(s.public_url, sizeof(s.public_url), "http://%.200s", config->listen);
  snprintf(s.receipt_token, sizeof(s.receipt_token), "%.127s", config->sms_receipt_token);
  if (notify_parse_hhmm(config->quiet_start, &s.quiet_start) ||
      notify_parse_hhmm(config->quiet_end, &s.quiet_end)) {
    fprintf(stderr, "bianmin: [notify] quiet hours must be HH:MM\n");
    return ST_INVALID;
  }
  notify_configure(&s);
  snprintf(dir, sizeof(dir), "%s/messages", config->templates_dir);
  int rc = outbox_templates_load(dir, err, sizeof(err));
  if (rc)
    fprintf(stderr, "bianmin: %s\n", err);
  if (!rc && outbox_global_init())
    rc = ST_IO;
  /* online applications send their one-time codes and resume links at once */
  apply_sender_set(outbox_send_now, (void *)config);
  return rc;
}

/* Online payment: the provider and its secrets (README "Paying fees online"). The sandbox's
 * key is a BLAKE2b hash of the configured secret, or else derived from the master key. After
 * the keys are loaded, before any thread starts. */
static int payments_setup(const struct config *config)
{
  static const char label[] = "bianmin payment sandbox v1";
  struct payment_settings s = {0};
  snprintf(s.provider, sizeof(s.provider), "%s", config->payment_provider);
  snprintf(s.callback_url, sizeof(s.callback_url), "%s", config->payment_callback_url);
  size_t n = strlen(s.callback_url);
  while (n && s.callback_url[n - 1] == '/')
    s.callback_url[--n] = '\0';
  s.expiry_seconds = config->payment_expiry_seconds;
  snprintf(s.ecpay_merchant_id, sizeof(s.ecpay_merchant_id), "%s",
           config->payment_ecpay_merchant_id);
  snprintf(s.ecpay_hash_key, sizeof(s.ecpay_hash_key), "%s", config->payment_ecpay_hash_key);
  snprintf(s.ecpay_hash_iv, sizeof(s.ecpay_hash_iv), "%s", config->payment_ecpay_hash_iv);
  snprintf(s.ecpay_url, sizeof(s.ecpay_url), "%s", config->payment_ecpay_url);
  n = strlen(s.ecpay_url);
  while (n && s.ecpay_url[n - 1] == '/')
    s.ecpay_url[--n] = '\0';
  const char *secret = config->payment_sandbox_secret;
  const unsigned char *master = keys_subkey(KEYS_TOKEN);
  if (secret[0])
    crypto_generichash(s.sandbox_secret, sizeof(s.sandbox_secret), (const unsigned char *)secret,
                       strlen(secret), NULL, 0);
  else if (master)
    crypto_generichash(s.sandbox_secret, sizeof(s.sandbox_secret), (const unsigned char *)label,
                       strlen(label), master, KEYS_SUBKEY_BYTES);
  int rc = payment_configure(&s);
  sodium_memzero(&s, sizeof(s));
  if (rc)
    fprintf(stderr,
            "bianmin: [payment] provider \"%s\" is not one this build knows, or lacks its "
            "settings (ecpay: ecpay_merchant_id, ecpay_hash_key, ecpay_hash_iv)\n",
            config->payment_provider);
  else if (config->payment_provider[0])
    log_info("online payment through the %s provider", config->payment_provider);
  return rc;
}

/* Blocks SIGTERM and SIGINT in every thread started after this; the caller waits for one. */
static void block_stop_signals(sigset_t *signals)
{
  sigemptyset(signals);
  sigaddset(signals, SIGTERM);
  sigaddset(signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, signals, NULL);
  signal(SIGPIPE, SIG_IGN);
}

/* The background workers of this process: the deadline scanner and the outbox worker. */
struct workers {
  struct scanner *scanner;
  struct outbox_worker *outbox;
};

static void workers_start(const struct config *config, bool outbox, struct workers *w)
{
  memset(w, 0, sizeof(*w));
  if (scanner_start(config->db, SCAN_INTERVAL_SECONDS, &w->scanner))
    log_error("the deadline scanner did not start");
  if (outbox && outbox_worker_start(config, &w->outbox))
    log_error("the outbox worker did not start");
  if (outbox && !config->mail_url[0])
    log_warn("no [mail] url: e-mail notices wait in the outbox");
  if (outbox && !config->sms_url[0])
    log_warn("no [sms] url: SMS notices wait in the outbox");
}

static void workers_stop(struct workers *w)
{
  outbox_worker_stop(w->outbox);
  scanner_stop(w->scanner);
}

static int serve_until_signal(const struct config *config, const char *port_file)
{
  char host[128], err[1024];
  struct http_server_config server_config;
  server_config_from(config, &server_config, host, sizeof(host));
  struct web_app app = {config->db, config->read_db};
  struct http_app http_app = {&app,
                              web_ready,
                              web_session_load,
                              "/staff/login",
                              "/staff/login/totp",
                              "/staff/account/totp",
                              "/staff/account/password",
                              web_forbidden};
  size_t route_count;
  const struct http_route *routes = web_routes(&route_count);
  struct http_server *server;
  int rc =
      http_server_start(&server_config, routes, route_count, &http_app, &server, err, sizeof(err));
  if (rc) {
    fprintf(stderr, "bianmin: cannot start the server: %s\n", err);
    return 1;
  }
  int port = http_server_port(server);
  char css[CONFIG_PATH_MAX + 32];
  snprintf(css, sizeof(css), "%s/css/bianmin.css", config->static_dir);
  if (access(css, R_OK) != 0) /* the stylesheet is built, not kept in git */
    log_warn("%s is missing: pages are served without their style (scripts/build-assets.sh "
             "builds it; scripts/demo.sh runs it)",
             css);
  char db_shown[CONFIG_PATH_MAX];
  config_db_for_log(config->db, db_shown, sizeof(db_shown));
  log_info("serving http://%s%s%s:%d/ (database %s)", strchr(host, ':') ? "[" : "", host,
           strchr(host, ':') ? "]" : "", port, db_shown);
  notify_listener_port(port); /* links in messages name the port given (listen on port 0) */
  if (port_file && write_port_file(port_file, port))
    log_error("cannot write port file %s", port_file);
  struct workers workers;
  workers_start(config, config->notify_worker, &workers);
  if (queue_feed_start(server, config->db))
    log_error("the queue boards' feed did not start: boards reload instead of updating live");
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  int sig = 0;
  sigwait(&signals, &sig);
  log_info("signal %d: finishing requests in flight, then stopping", sig);
  workers_stop(&workers);
  queue_feed_stop();
  http_server_stop(server, SHUTDOWN_GRACE_SECONDS);
  log_info("stopped");
  return 0;
}

static int cmd_serve(struct config *config, int argc, char **argv)
{
  const char *port_file = NULL;
  int rc = parse_serve_flags(config, argc, argv, &port_file);
  if (rc)
    return rc < 0 ? EXIT_USAGE : rc;
  struct store *store;
  if (cli_load_keys(config, true) || open_store(config, &store))
    return 1;
  rc = migrate(store, NULL);
  store_close(store);
  if (rc)
    return 1;
  char err[512];
  if (cases_calendar_load_dir(config->calendar_dir, err, sizeof(err))) {
    fprintf(stderr, "bianmin: %s\n", err);
    return 1;
  }
  if (config_check_public_url(config, err, sizeof(err))) {
    fprintf(stderr, "bianmin: %s\n", err);
    return 1;
  }
  if (notices_setup(config) || payments_setup(config))
    return 1;
  accounts_stepup_configure(config->stepup_seconds);
  /* Block the signals in every thread; the main thread waits for them with sigwait. */
  sigset_t signals;
  block_stop_signals(&signals);
  /* Access lines gathered (README "Logs"); written at the latest at the stop below. */
  if (log_access_start((size_t)config->log_access_buffer_bytes, config->log_access_flush_seconds))
    log_warn("access lines are written one by one: no memory or thread for their buffer");
  rc = serve_until_signal(config, port_file);
  log_access_stop();
  return rc;
}

static int parse_db_flags(struct config *config, int argc, char **argv, const char **data)
{
  static const struct option options[] = {{"db", required_argument, NULL, 'd'},
                                          {"config", required_argument, NULL, 'c'},
                                          {"data", required_argument, NULL, 'a'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};
  int opt, status = 0;
  while (!status && (opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
    if (common_flag(config, opt, optarg, &status))
      continue;
    if (opt == 'a' && data)
      *data = optarg;
    else
      return -1;
  }
  return status ? EXIT_USAGE : 0;
}

static int cmd_init(struct config *config, int argc, char **argv)
{
  int rc = parse_db_flags(config, argc, argv, NULL);
  if (rc)
    return rc < 0 ? EXIT_USAGE : rc;
  struct store *store;
  if (cli_load_keys(config, true) || open_store(config, &store))
    return 1;
  int applied = 0, version = 0;
  rc = migrate(store, &applied);
  if (!rc)
    rc = store_schema_version(store, &version);
  store_close(store);
  if (rc)
    return 1;
  printf("database %s is at schema version %d (%d migration%s applied now)\n", config->db, version,
         applied, applied == 1 ? "" : "s");
  return 0;
}

static int cmd_demo(struct config *config, int argc, char **argv)
{
  const char *data = "data/demo/offices.json";
  int rc = parse_db_flags(config, argc, argv, &data);
  if (rc)
    return rc < 0 ? EXIT_USAGE : rc;
  struct store *store;
  if (cli_load_keys(config, true) || open_store(config, &store))
    return 1;
  char err[1024];
  const char *password = getenv("BIANMIN_DEMO_PASSWORD");
  rc = migrate(store, NULL);
  if (!rc && (rc = demo_load(store, data, err, sizeof(err))))
    fprintf(stderr, "bianmin: demo data not loaded: %s\n", err);
  if (!rc)
    printf("demo data loaded from %s into %s\n", data, config->db);
  if (!rc)
    printf("demo staff sign-in at /staff/login (new accounts only; password, admin TOTP):\n");
  if (!rc && (rc = queue_demo_load(store)))
    fprintf(stderr, "bianmin: demo queues not added: %s\n", status_name(rc));
  if (!rc && (rc = demo_staff_load(store, password ? password : DEMO_STAFF_PASSWORD, stdout)))
    fprintf(stderr, "bianmin: demo staff not added: %s\n", status_name(rc));
  store_close(store);
  return rc ? 1 : 0;
}

static int parse_catalog_flags(struct config *config, int argc, char **argv, const char **office,
                               const char **file)
{
  static const struct option options[] = {{"db", required_argument, NULL, 'd'},
                                          {"config", required_argument, NULL, 'c'},
                                          {"office", required_argument, NULL, 'o'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};
  int opt, status = 0;
  while (!status && (opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
    if (common_flag(config, opt, optarg, &status))
      continue;
    if (opt == 'o')
      *office = optarg;
    else
      return -1;
  }
  if (status)
    return EXIT_USAGE;
  if (!*office || optind < argc - 1) {
    fprintf(stderr, "bianmin: --office SLUG and at most one file are needed (see --help)\n");
    return EXIT_USAGE;
  }
  *file = optind < argc ? argv[optind] : NULL;
  return 0;
}

/* Opens and migrates the database and finds the office; *office_id on success. */
static int open_office(const struct config *config, const char *slug, struct store **store,
                       int64_t *office_id)
{
  json_t *office = NULL;
  if (open_store(config, store))
    return 1;
  if (migrate(*store, NULL) || store_office_get(*store, slug, &office)) {
    fprintf(stderr, "bianmin: no office '%s' in %s\n", slug, config->db);
    store_close(*store);
    return 1;
  }
  *office_id = json_integer_value(json_object_get(office, "id"));
  json_decref(office);
  return 0;
}

static int cmd_catalog_export(struct config *config, int argc, char **argv)
{
  const char *slug = NULL, *file = NULL;
  int rc = parse_catalog_flags(config, argc, argv, &slug, &file);
  if (rc)
    return rc < 0 ? EXIT_USAGE : rc;
  struct store *store;
  int64_t office_id;
  json_t *doc = NULL;
  if (open_office(config, slug, &store, &office_id))
    return 1;
  rc = catalog_export(store, office_id, &doc);
  store_close(store);
  if (!rc)
    json_object_set_new(doc, "office", json_string(slug));
  int flags = JSON_INDENT(1) | JSON_PRESERVE_ORDER;
  if (!rc && (file ? json_dump_file(doc, file, flags) : json_dumpf(doc, stdout, flags)) != 0)
    rc = ST_IO;
  json_decref(doc);
  if (rc) {
    fprintf(stderr, "bianmin: catalogue export failed (%s)\n", status_name(rc));
    return 1;
  }
  if (!file)
    putchar('\n');
  return 0;
}

static int cmd_catalog_import(struct config *config, int argc, char **argv)
{
  const char *slug = NULL, *file = NULL;
  int rc = parse_catalog_flags(config, argc, argv, &slug, &file);
  if (rc)
    return rc < 0 ? EXIT_USAGE : rc;
  json_error_t jerr;
  json_t *doc = file ? json_load_file(file, JSON_REJECT_DUPLICATES, &jerr)
                     : json_loadf(stdin, JSON_REJECT_DUPLICATES, &jerr);
  if (!doc) {
    fprintf(stderr, "bianmin: %s:%d:%d: %s\n", file ? file : "stdin", jerr.line, jerr.column,
            jerr.text);
    return 1;
  }
  struct store *store;
  int64_t office_id;
  char err[1024], dir[PATH_MAX];
  const char *slash = file ? strrchr(file, '/') : NULL;
  snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - file) : 1, slash ? file : ".");
  if (open_office(config, slug, &store, &office_id)) {
    json_decref(doc);
    return 1;
  }
  rc = catalog_import_dir(store, office_id, doc, file ? dir : NULL, err, sizeof(err));
  store_close(store);
  json_decref(doc);
  if (rc) {
    fprintf(stderr, "bianmin: nothing imported: %s\n", err);
    return 1;
  }
  printf("catalogue imported into office %s\n", slug);
  return 0;
}

/* `bianmin worker`: the background workers without the web server (for nodes that only send
 * notices and scan deadlines). */
static int cmd_worker(struct config *config, int argc, char **argv)
{
  int rc = parse_db_flags(config, argc, argv, NULL);
  if (rc)
    return rc < 0 ? EXIT_USAGE : rc;
  struct store *store;
  char err[512];
  if (cli_load_keys(config, true) || open_store(config, &store))
    return 1;
  rc = migrate(store, NULL);
  store_close(store);
  if (rc)
    return 1;
  if (cases_calendar_load_dir(config->calendar_dir, err, sizeof(err))) {
    fprintf(stderr, "bianmin: %s\n", err);
    return 1;
  }
  if (notices_setup(config))
    return 1;
  sigset_t signals;
  block_stop_signals(&signals);
  struct workers workers;
  workers_start(config, true, &workers);
  char db_shown[CONFIG_PATH_MAX];
  config_db_for_log(config->db, db_shown, sizeof(db_shown));
  log_info("workers running (database %s)", db_shown);
  int sig = 0;
  sigwait(&signals, &sig);
  log_info("signal %d: stopping the workers", sig);
  workers_stop(&workers);
  return 0;
}

static int cmd_scan(struct config *config, int argc, char **argv)
{
  int rc = parse_db_flags(config, argc, argv, NULL);
  if (rc)
    return rc < 0 ? EXIT_USAGE : rc;
  char err[512];
  long long changed = 0;
  if (cli_load_keys(config, true))
    return 1;
  if (cases_calendar_load_dir(config->calendar_dir, err, sizeof(err))) {
    fprintf(stderr, "bianmin: %s\n", err);
    return 1;
  }
  if (notices_setup(config))
    return 1;
  rc = scanner_run_once(config->db, &changed);
  if (rc) {
    fprintf(stderr, "bianmin: the deadline scan failed (%s)\n", status_name(rc));
    return 1;
  }
  printf("deadline scan: %lld cases changed state\n", changed);
  return 0;
}

static const struct command commands[] = {
    {"serve", "serve the public site, staff console and APIs",
     "usage: bianmin serve [options]\n\n"
     "Serves bianmin over HTTP until SIGTERM or SIGINT, then finishes the requests in flight.\n"
     "Migrates the database first if needed.\n\n"
     "  --listen ADDR:PORT  address to listen on (default 127.0.0.1:8080; port 0 = any free)\n"
     "  --port-file FILE    write the port actually used to FILE once listening\n"
     "  --dev               reload templates from disk on every request\n",
     cmd_serve},
    {"init", "create the database or migrate it to the current schema",
     "usage: bianmin init [options]\n\nCreates the database if needed and applies every "
     "migration not yet applied. Safe to run again.\n\n",
     cmd_init},
    {"demo", "load the demo offices (five real offices from the seed plans)",
     "usage: bianmin demo [options]\n\nLoads demo data into the database (idempotent: running "
     "it again changes nothing).\n\n"
     "  --data FILE       demo data file (default data/demo/offices.json)\n",
     cmd_demo},
    {"scan", "mark cases due soon or overdue now (serve also does it every minute)",
     "usage: bianmin scan [options]\n\nRe-evaluates every open case's deadline once and records "
     "the due-soon and overdue events.\n\n",
     cmd_scan},
    {"worker", "run the background workers alone: notices (outbox) and the deadline scanner",
     "usage: bianmin worker [options]\n\nClaims and sends the queued notices (e-mail through "
     "[mail], SMS\nthrough [sms]) and re-checks deadlines every minute, until SIGTERM or SIGINT.\n"
     "Any number of workers may run against one database: each message is sent once.\n\n",
     cmd_worker},
    {"kpi-rebuild", "count the whole case log into the indicators again", cli_kpi_rebuild_usage,
     cli_kpi_rebuild},
    {"calendar-import", "check and install a DGPA office calendar CSV", cli_calendar_usage,
     cli_calendar_import},
    {"user", "add, change, disable and list staff accounts", cli_user_usage, cli_user},
    {"audit-verify", "check the audit trail's hash chain", cli_audit_verify_usage,
     cli_audit_verify},
    {"copy-db", "copy every table to an empty database (SQLite to PostgreSQL)", cli_copydb_usage,
     cli_copydb},
    {"catalog-export", "write an office's service catalogue, FAQ and announcements as JSON",
     "usage: bianmin catalog-export --office SLUG [options] [FILE]\n\n"
     "Writes the office's catalogue (services with their form files, FAQ, announcements) as one\n"
     "JSON document to FILE, or to standard output.\n\n"
     "  --office SLUG     the office (e.g. xinxing)\n",
     cmd_catalog_export},
    {"catalog-import", "read an office's catalogue from JSON (all or nothing)",
     "usage: bianmin catalog-import --office SLUG [options] [FILE]\n\n"
     "Reads a catalogue document (as catalog-export writes it) from FILE, or standard input, and\n"
     "creates or updates its records by slug, in one transaction: a document with any error\n"
     "changes nothing and the message names the place (e.g. services[3].time_limit_minutes).\n"
     "Forms may name files relative to FILE's folder (\"file\": \"forms/a.odt\").\n\n"
     "  --office SLUG     the office (e.g. xinxing)\n",
     cmd_catalog_import},
    {"parcels-import", "import a land office's parcels, resurvey or addresses from CSV",
     cli_parcels_import_usage, cli_parcels_import},
    {"routes", "list every route (method, path, roles, CSRF) as JSON", cli_routes_usage,
     cli_routes},
};

static void usage(FILE *out)
{
  fprintf(out,
          "bianmin %s - citizen services for government front-line offices\n\n"
          "usage: bianmin COMMAND [options]\n\ncommands:\n",
          BIANMIN_VERSION);
  for (size_t i = 0; i < ARRAY_LEN(commands); i++)
    fprintf(out, "  %-15s %s\n", commands[i].name, commands[i].summary);
  fprintf(out, "\nRun 'bianmin COMMAND --help' for a command's options.\n");
}

static bool wants_help(int argc, char **argv)
{
  for (int i = 1; i < argc; i++)
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
      return true;
  return false;
}

static int load_config(struct config *config)
{
  char err[1024];
  config_defaults(config);
  exe_relative_defaults(config);
  const char *file = getenv("BIANMIN_CONFIG");
  int rc = file ? config_load_file(config, file, err, sizeof(err)) : ST_OK;
  if (!rc)
    rc = config_load_env(config, err, sizeof(err));
  if (rc) {
    fprintf(stderr, "bianmin: %s\n", err);
    return rc;
  }
  static const char *const levels[] = {"debug", "info", "warn", "error"};
  for (size_t i = 0; i < ARRAY_LEN(levels); i++)
    if (strcmp(config->log_level, levels[i]) == 0)
      log_set_level((enum log_level)i);
  return ST_OK;
}

int main(int argc, char **argv)
{
  if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
      strcmp(argv[1], "help") == 0) {
    usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? EXIT_USAGE : 0;
  }
  if (strcmp(argv[1], "--version") == 0) {
    printf("bianmin %s\n", BIANMIN_VERSION);
    return 0;
  }
  for (size_t i = 0; i < ARRAY_LEN(commands); i++) {
    if (strcmp(argv[1], commands[i].name) != 0)
      continue;
    if (wants_help(argc - 1, argv + 1)) {
      printf("%s%s", commands[i].usage, common_options);
      return 0;
    }
    struct config config;
    if (load_config(&config))
      return EXIT_USAGE;
    return commands[i].run(&config, argc - 1, argv + 1);
  }
  fprintf(stderr, "bianmin: unknown command '%s'\n\n", argv[1]);
  usage(stderr);
  return EXIT_USAGE;
}
