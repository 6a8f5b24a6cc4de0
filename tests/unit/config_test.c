/* config_test.c - defaults, INI files, environment overrides, the setter and listen parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/config.h"
#include "base/common.h"

static char tmp_dir[] = "/tmp/config_test.XXXXXX";
static char ini_path[600];

static int setup(void **state)
{
  if (!mkdtemp(tmp_dir))
    return -1;
  snprintf(ini_path, sizeof(ini_path), "%s/bianmin.ini", tmp_dir);
  return 0;
}

static int teardown(void **state)
{
  remove(ini_path);
  rmdir(tmp_dir);
  return 0;
}

static void write_ini(const char *text)
{
  FILE *f = fopen(ini_path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
  assert_int_equal(fclose(f), 0);
}

static void test_defaults(void **state)
{
  struct config c;
  config_defaults(&c);
  assert_string_equal(c.listen, "127.0.0.1:8080");
  assert_string_equal(c.db, "var/bianmin.db");
  assert_string_equal(c.read_db, "");
  assert_string_equal(c.templates_dir, "templates");
  assert_string_equal(c.static_dir, "static");
  assert_string_equal(c.locale_dir, "build/release/locale");
  assert_string_equal(c.secret_key_file, "");
  assert_string_equal(c.log_level, "info");
  assert_false(c.dev_reload);
  assert_false(c.behind_tls);
  assert_int_equal(c.threads, 4);
  assert_int_equal(c.max_connections, 512);
  assert_int_equal(c.per_ip_connections, 64);
  assert_int_equal(c.timeout_seconds, 30);
  assert_int_equal(c.max_header_bytes, 32768);
}

static void test_example_file(void **state)
{
  /* The documented example must load and, being all defaults, change nothing. */
  struct config c, d;
  char err[512] = "";
  config_defaults(&c);
  config_defaults(&d);
  int rc = config_load_file(&c, BIANMIN_SOURCE_DIR "/docs/config.example.ini", err, sizeof(err));
  if (rc)
    fail_msg("%s", err);
  assert_memory_equal(&c, &d, sizeof(c));
}

static void test_file(void **state)
{
  struct config c;
  char err[512] = "";
  config_defaults(&c);
  write_ini("; bianmin test\n"
            "[server]\n"
            "listen = [::1]:9090\n"
            "threads = 8\n"
            "max_connections=1000\r\n"
            "  per_ip_connections = 10\n"
            "timeout_seconds = 60 ; inline comment\n"
            "max_header_bytes = 4096\n"
            "behind_tls = yes\n"
            "dev_reload = on\n"
            "\n"
            "[database]\n"
            "db = /var/lib/bianmin/office.db\n"
            "read_db = host=replica dbname=bianmin\n"
            "[paths]\n"
            "templates = /srv/templates\n"
            "static = /srv/static\n"
            "locale = /srv/locale\n"
            "[log]\n"
            "level = debug\n"
            "[security]\n"
            "secret_key_file = /etc/bianmin/secret.key\n");
  int rc = config_load_file(&c, ini_path, err, sizeof(err));
  if (rc)
    fail_msg("%s", err);
  assert_string_equal(c.listen, "[::1]:9090");
  assert_int_equal(c.threads, 8);
  assert_int_equal(c.max_connections, 1000);
  assert_int_equal(c.per_ip_connections, 10);
  assert_int_equal(c.timeout_seconds, 60);
  assert_int_equal(c.max_header_bytes, 4096);
  assert_true(c.behind_tls);
  assert_true(c.dev_reload);
  assert_string_equal(c.db, "/var/lib/bianmin/office.db");
  assert_string_equal(c.read_db, "host=replica dbname=bianmin");
  assert_string_equal(c.templates_dir, "/srv/templates");
  assert_string_equal(c.static_dir, "/srv/static");
  assert_string_equal(c.locale_dir, "/srv/locale");
  assert_string_equal(c.log_level, "debug");
  assert_string_equal(c.secret_key_file, "/etc/bianmin/secret.key");
}

/* Loads text and expects ST_INVALID with a message starting "path:line:" and containing part.
 * The configuration must be unchanged. */
static void expect_file_error(const char *text, int line, const char *part)
{
  struct config c, d;
  char err[512] = "", prefix[700];
  config_defaults(&c);
  config_defaults(&d);
  write_ini(text);
  assert_int_equal(config_load_file(&c, ini_path, err, sizeof(err)), ST_INVALID);
  snprintf(prefix, sizeof(prefix), "%s:%d: ", ini_path, line);
  if (strncmp(err, prefix, strlen(prefix)) != 0 || !strstr(err, part))
    fail_msg("got \"%s\", want prefix \"%s\" and \"%s\"", err, prefix, part);
  assert_memory_equal(&c, &d, sizeof(c));
}

static void test_file_errors(void **state)
{
  expect_file_error("[server]\nthreads = 2\n\nbogus = 1\n", 4, "unknown key [server] bogus");
  expect_file_error("[server]\nthreads = 2\n[nosuch]\nlisten = 1.2.3.4:5\n", 4, "unknown key");
  expect_file_error("threads = 2\n", 1, "unknown key");
  expect_file_error("[server]\nthreads = 0\n", 2, "1..64");
  expect_file_error("[server]\nthreads = 65\n", 2, "threads");
  expect_file_error("[server]\nthreads = 4x\n", 2, "threads");
  expect_file_error("[server]\nthreads =\n", 2, "threads");
  expect_file_error("[server]\nmax_header_bytes = 1024\n", 2, "4096..1048576");
  expect_file_error("[server]\ntimeout_seconds = 99999999999999999999\n", 2, "timeout");
  expect_file_error("[server]\nbehind_tls = maybe\n", 2, "true or false");
  expect_file_error("[server]\nlisten = localhost:8080\n", 2, "listen");
  expect_file_error("[log]\nlevel = verbose\n", 2, "debug, info, warn or error");
  expect_file_error("[database]\ndb =\n", 2, "must not be empty");
  expect_file_error("[server]\nthreads = 2\nthis line has no equals sign\n", 3, "expected");
  expect_file_error("[server\nthreads = 2\n", 1, "expected");
  expect_file_error("[paths]\ntemplates = bad\xff\n", 2, "UTF-8");
  /* The first error is the one reported. */
  expect_file_error("[server]\nthreads = 0\nbogus = 1\n", 2, "threads");
  expect_file_error("[server]\nnoequals\nthreads = 0\n", 2, "expected");
}

static void test_long_line(void **state)
{
  char text[1200] = "[database]\ndb = /";
  size_t n = strlen(text);
  memset(text + n, 'a', 1000);
  memcpy(text + n + 1000, "\n", 2);
  expect_file_error(text, 2, "too long");
  /* A path that fits the line buffer is kept whole. */
  struct config c;
  char err[512] = "";
  config_defaults(&c);
  char line[300] = "[database]\ndb = /";
  n = strlen(line);
  memset(line + n, 'b', 150);
  memcpy(line + n + 150, "\n", 2);
  write_ini(line);
  assert_int_equal(config_load_file(&c, ini_path, err, sizeof(err)), ST_OK);
  assert_int_equal(strlen(c.db), 151);
}

static void test_missing_file(void **state)
{
  struct config c;
  char err[512] = "";
  config_defaults(&c);
  assert_int_equal(config_load_file(&c, "/nonexistent/bianmin.ini", err, sizeof(err)), ST_IO);
  assert_non_null(strstr(err, "/nonexistent/bianmin.ini"));
}

static void unset_all(void)
{
  static const char *const names[] = {
      "BIANMIN_LISTEN",     "BIANMIN_DB",         "BIANMIN_READ_DB",        "BIANMIN_THREADS",
      "BIANMIN_TEMPLATES",  "BIANMIN_STATIC",     "BIANMIN_LOCALE",         "BIANMIN_LOG_LEVEL",
      "BIANMIN_BEHIND_TLS", "BIANMIN_DEV_RELOAD", "BIANMIN_SECRET_KEY_FILE"};
  for (size_t i = 0; i < ARRAY_LEN(names); i++)
    unsetenv(names[i]);
}

static void test_env(void **state)
{
  struct config c, d;
  char err[512] = "";
  unset_all();
  config_defaults(&c);
  config_defaults(&d);
  assert_int_equal(config_load_env(&c, err, sizeof(err)), ST_OK);
  assert_memory_equal(&c, &d, sizeof(c));

  setenv("BIANMIN_LISTEN", "0.0.0.0:80", 1);
  setenv("BIANMIN_DB", "/data/x.db", 1);
  setenv("BIANMIN_READ_DB", "/data/replica.db", 1);
  setenv("BIANMIN_THREADS", "16", 1);
  setenv("BIANMIN_TEMPLATES", "/t", 1);
  setenv("BIANMIN_STATIC", "/s", 1);
  setenv("BIANMIN_LOCALE", "/l", 1);
  setenv("BIANMIN_LOG_LEVEL", "warn", 1);
  setenv("BIANMIN_BEHIND_TLS", "true", 1);
  setenv("BIANMIN_DEV_RELOAD", "1", 1);
  setenv("BIANMIN_SECRET_KEY_FILE", "/k", 1);
  assert_int_equal(config_load_env(&c, err, sizeof(err)), ST_OK);
  assert_string_equal(c.listen, "0.0.0.0:80");
  assert_string_equal(c.db, "/data/x.db");
  assert_string_equal(c.read_db, "/data/replica.db");
  assert_int_equal(c.threads, 16);
  assert_string_equal(c.templates_dir, "/t");
  assert_string_equal(c.static_dir, "/s");
  assert_string_equal(c.locale_dir, "/l");
  assert_string_equal(c.log_level, "warn");
  assert_true(c.behind_tls);
  assert_true(c.dev_reload);
  assert_string_equal(c.secret_key_file, "/k");

  /* A bad value names the variable and leaves everything unchanged. */
  d = c;
  setenv("BIANMIN_DB", "/other.db", 1);
  setenv("BIANMIN_THREADS", "0", 1);
  assert_int_equal(config_load_env(&c, err, sizeof(err)), ST_INVALID);
  assert_non_null(strstr(err, "BIANMIN_THREADS"));
  assert_memory_equal(&c, &d, sizeof(c));
  setenv("BIANMIN_THREADS", "eight", 1);
  assert_int_equal(config_load_env(&c, err, sizeof(err)), ST_INVALID);
  setenv("BIANMIN_THREADS", "8", 1);
  setenv("BIANMIN_LISTEN", "127.0.0.1:70000", 1);
  assert_int_equal(config_load_env(&c, err, sizeof(err)), ST_INVALID);
  assert_non_null(strstr(err, "BIANMIN_LISTEN"));
  unset_all();
}

static void test_env_overrides_file(void **state)
{
  struct config c;
  char err[512] = "";
  unset_all();
  config_defaults(&c);
  write_ini("[server]\nthreads = 2\n[log]\nlevel = error\n");
  assert_int_equal(config_load_file(&c, ini_path, err, sizeof(err)), ST_OK);
  setenv("BIANMIN_THREADS", "3", 1);
  assert_int_equal(config_load_env(&c, err, sizeof(err)), ST_OK);
  assert_int_equal(c.threads, 3);
  assert_string_equal(c.log_level, "error");
  unset_all();
}

static void test_set(void **state)
{
  struct config c, d;
  char err[512] = "";
  config_defaults(&c);
  assert_int_equal(config_set(&c, "server", "threads", "64", err, sizeof(err)), ST_OK);
  assert_int_equal(c.threads, 64);
  assert_int_equal(config_set(&c, "server", "threads", "+1", err, sizeof(err)), ST_OK);
  assert_int_equal(c.threads, 1);
  assert_int_equal(config_set(&c, "server", "max_connections", "100000", err, sizeof(err)), ST_OK);
  assert_int_equal(config_set(&c, "server", "behind_tls", "off", err, sizeof(err)), ST_OK);
  assert_false(c.behind_tls);
  assert_int_equal(config_set(&c, "database", "read_db", "", err, sizeof(err)), ST_OK);
  d = c;
  static const char *const bad[][3] = {
      {"server", "threads", "-1"},
      {"server", "threads", " 4"},
      {"server", "threads", "0x10"},
      {"server", "threads", ""},
      {"server", "max_connections", "100001"},
      {"server", "per_ip_connections", "0"},
      {"server", "timeout_seconds", "3601"},
      {"server", "dev_reload", "TRUE!"},
      {"server", "listen", ""},
      {"server", "nosuch", "1"},
      {"", "threads", "4"},
      {"paths", "templates", "a\nb"},
      {"log", "level", "INFO "},
      {"security", "secret_key_file", "x\x01y"},
  };
  for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
    err[0] = '\0';
    if (config_set(&c, bad[i][0], bad[i][1], bad[i][2], err, sizeof(err)) != ST_INVALID)
      fail_msg("accepted [%s] %s = '%s'", bad[i][0], bad[i][1], bad[i][2]);
    assert_true(err[0] != '\0');
  }
  assert_int_equal(config_set(&c, NULL, NULL, NULL, err, sizeof(err)), ST_INVALID);
  assert_int_equal(config_set(&c, "server", "threads", NULL, err, sizeof(err)), ST_INVALID);
  assert_memory_equal(&c, &d, sizeof(c));

  char path[CONFIG_PATH_MAX + 1];
  memset(path, 'p', sizeof(path) - 1);
  path[sizeof(path) - 1] = '\0';
  assert_int_equal(config_set(&c, "database", "db", path, err, sizeof(err)), ST_INVALID);
  path[sizeof(path) - 2] = '\0'; /* 1023 bytes fit */
  assert_int_equal(config_set(&c, "database", "db", path, err, sizeof(err)), ST_OK);
  assert_int_equal(strlen(c.db), CONFIG_PATH_MAX - 1);
}

static void test_listen(void **state)
{
  char host[64];
  int port = -1;
  assert_int_equal(config_parse_listen("127.0.0.1:8080", host, sizeof(host), &port), ST_OK);
  assert_string_equal(host, "127.0.0.1");
  assert_int_equal(port, 8080);
  assert_int_equal(config_parse_listen("[::1]:8080", host, sizeof(host), &port), ST_OK);
  assert_string_equal(host, "::1");
  assert_int_equal(port, 8080);
  assert_int_equal(config_parse_listen("0.0.0.0:0", host, sizeof(host), &port), ST_OK);
  assert_string_equal(host, "0.0.0.0");
  assert_int_equal(port, 0);
  assert_int_equal(config_parse_listen("[::]:65535", host, sizeof(host), &port), ST_OK);
  assert_string_equal(host, "::");
  assert_int_equal(port, 65535);
  assert_int_equal(config_parse_listen("[2001:db8::8a2e:370:7334]:443", host, sizeof(host), &port),
                   ST_OK);
  assert_string_equal(host, "2001:db8::8a2e:370:7334");

  static const char *const bad[] = {
      "",
      "127.0.0.1",
      "127.0.0.1:",
      "127.0.0.1:65536",
      "127.0.0.1:-1",
      "127.0.0.1:+80",
      "127.0.0.1:8o",
      ":8080",
      "localhost:8080",
      "256.0.0.1:80",
      "::1:8080",
      "[::1]",
      "[::1]8080",
      "[::1:8080",
      "[]:80",
      "[127.0.0.1]:80",
      "[::1]:",
      "1.2.3.4:80:90",
      "[::1]:80]",
      "1.2.3.4 :80",
      "[fe80::1%eth0]:80",
      "127.0.0.1:99999999999999999999",
  };
  for (size_t i = 0; i < ARRAY_LEN(bad); i++)
    if (config_parse_listen(bad[i], host, sizeof(host), &port) != ST_INVALID)
      fail_msg("accepted listen \"%s\"", bad[i]);
  assert_int_equal(config_parse_listen(NULL, host, sizeof(host), &port), ST_INVALID);
  assert_int_equal(config_parse_listen("[::1]:80", host, 3, &port), ST_LIMIT);
  assert_int_equal(config_parse_listen("[::1]:80", host, 4, &port), ST_OK);
}

/* Database URLs in log lines: the password never, the rest as given. */
static void test_db_for_log(void **state)
{
  (void)state;
  char out[256];
  config_db_for_log("postgresql://bianmin:Sekr1t@db.example:5432/bianmin?sslmode=require", out,
                    sizeof(out));
  assert_string_equal(out,
                      "postgresql://bianmin:[redacted]@db.example:5432/bianmin?sslmode=require");
  config_db_for_log("postgresql://db.example/bianmin?user=x&password=Sekr1t&sslmode=require", out,
                    sizeof(out));
  assert_string_equal(out,
                      "postgresql://db.example/bianmin?user=x&password=[redacted]&sslmode=require");
  config_db_for_log("host=db.example password=Sekr1t dbname=bianmin", out, sizeof(out));
  assert_string_equal(out, "host=db.example password=[redacted] dbname=bianmin");
  config_db_for_log("postgresql://bianmin@db.example/bianmin", out, sizeof(out));
  assert_string_equal(out, "postgresql://bianmin@db.example/bianmin");
  config_db_for_log("var/bianmin.db", out, sizeof(out));
  assert_string_equal(out, "var/bianmin.db");
  config_db_for_log("postgresql://u:Sekr1t@h/d", out, 12);
  assert_null(strstr(out, "Sekr1t"));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_defaults),   cmocka_unit_test(test_example_file),
      cmocka_unit_test(test_file),       cmocka_unit_test(test_file_errors),
      cmocka_unit_test(test_long_line),  cmocka_unit_test(test_missing_file),
      cmocka_unit_test(test_env),        cmocka_unit_test(test_env_overrides_file),
      cmocka_unit_test(test_set),        cmocka_unit_test(test_listen),
      cmocka_unit_test(test_db_for_log),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
