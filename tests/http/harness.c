/*
 * harness.c - starting a real server for black-box tests, and a libcurl client.
 */
#include "harness.h"

#include <curl/curl.h>
#include <dirent.h>
#include <sodium.h>
#include <sqlite3.h>
#include <errno.h>
#include <libpq-fe.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "base/clock.h"
#include "domain/totp.h"

#include "base/common.h"

extern char **environ;

/* ---- waiting and time --------------------------------------------------------------------- */

static double monotonic_seconds(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

bool harness_wait_until(bool (*ready)(void *arg), void *arg, const char *what)
{
  enum { FIRST_PAUSE_US = 5000, LONGEST_PAUSE_US = 200000 };
  double deadline = monotonic_seconds() + HARNESS_WAIT_SECONDS;
  useconds_t pause = FIRST_PAUSE_US;
  while (!ready(arg)) {
    if (monotonic_seconds() > deadline) {
      fprintf(stderr, "waited %d s in vain for %s\n", HARNESS_WAIT_SECONDS, what);
      return false;
    }
    usleep(pause);
    pause = pause * 2 < LONGEST_PAUSE_US ? pause * 2 : LONGEST_PAUSE_US;
  }
  return true;
}

static int64_t *clock_value; /* the clock file, mapped shared and writable */
static char clock_path[64];

static void clock_remove(void)
{
  unlink(clock_path);
}

int harness_clock_start(time_t start)
{
  if (clock_value) {
    harness_clock_set(start);
    return 0;
  }
  snprintf(clock_path, sizeof(clock_path), "/tmp/bianmin-clock-XXXXXX");
  int fd = mkstemp(clock_path);
  void *map = MAP_FAILED;
  if (fd >= 0 && fchmod(fd, 0644) == 0 && ftruncate(fd, CLOCK_FILE_SIZE) == 0)
    map = mmap(NULL, CLOCK_FILE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (fd >= 0)
    close(fd);
  if (map == MAP_FAILED) {
    fprintf(stderr, "cannot make the fake clock file %s\n", clock_path);
    return -1;
  }
  clock_value = map;
  atexit(clock_remove);
  harness_clock_set(start);
  return setenv("BIANMIN_FAKE_CLOCK", clock_path, 1);
}

time_t harness_clock_now(void)
{
  return clock_value ? (time_t)__atomic_load_n(clock_value, __ATOMIC_ACQUIRE) : time(NULL);
}

void harness_clock_set(time_t t)
{
  if (clock_value)
    __atomic_store_n(clock_value, (int64_t)t, __ATOMIC_RELEASE);
}

void harness_clock_advance(long seconds)
{
  harness_clock_set(harness_clock_now() + seconds);
}

static char **child_env(const char *const *extra)
{
  size_t base = 0, more = 0;
  while (environ[base])
    base++;
  while (extra && extra[more])
    more++;
  /* getenv answers the first match, so the test's own settings come first, then the paths,
   * then whatever the test runner had (ASAN_OPTIONS, PATH, ...). */
  char **env = calloc(base + more + 4, sizeof(char *));
  size_t n = 0;
  for (size_t i = 0; i < more; i++)
    env[n++] = (char *)extra[i];
  env[n++] = "BIANMIN_TEMPLATES=" BIANMIN_SOURCE_DIR "/templates";
  env[n++] = "BIANMIN_STATIC=" BIANMIN_SOURCE_DIR "/static";
  env[n++] = "BIANMIN_LOCALE=" BIANMIN_BINARY_DIR "/locale";
  for (size_t i = 0; i < base; i++)
    env[n++] = environ[i];
  return env;
}

/* Spawns bianmin with args (argv[0] excluded), output to the server's log file. */
static pid_t spawn_bianmin(struct server *server, const char *const *args, const char *const *env)
{
  const char *argv[32] = {BIANMIN_EXE};
  size_t n = 1;
  for (; args[n - 1] && n < 31; n++)
    argv[n] = args[n - 1];
  argv[n] = NULL;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, server->log, O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, server->log, O_WRONLY | O_CREAT | O_APPEND, 0644);
  char **child = child_env(env);
  pid_t pid;
  if (chdir(BIANMIN_SOURCE_DIR) != 0 ||
      posix_spawn(&pid, BIANMIN_EXE, &actions, NULL, (char *const *)argv, child) != 0)
    pid = -1;
  free(child);
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

int server_cli(struct server *server, const char *const *args)
{
  return server_cli_env(server, args, NULL);
}

int server_cli_env(struct server *server, const char *const *args, const char *const *env)
{
  const char *full[32];
  size_t n = 0;
  for (; args[n] && n < 28; n++)
    full[n] = args[n];
  full[n++] = "--db";
  full[n++] = server->db;
  full[n] = NULL;
  pid_t pid = spawn_bianmin(server, full, env);
  int status;
  if (pid < 0 || waitpid(pid, &status, 0) < 0)
    return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static char *read_whole_file(const char *path)
{
  FILE *f = fopen(path, "rb");
  char *data = NULL;
  size_t len = 0, cap = 0, n;
  char chunk[4096];
  while (f && (n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
    if (len + n + 1 > cap) {
      cap = (len + n + 1) * 2;
      char *grown = realloc(data, cap);
      if (!grown)
        break;
      data = grown;
    }
    memcpy(data + len, chunk, n);
    len += n;
  }
  if (f)
    fclose(f);
  if (!data)
    data = calloc(1, 1);
  else
    data[len] = '\0';
  return data;
}

int server_cli_capture(struct server *server, const char *const *args, const char *const *env,
                       char **output, long *max_rss_kb)
{
  const char *argv[32] = {BIANMIN_EXE};
  size_t n = 1;
  for (; args[n - 1] && n < 28; n++)
    argv[n] = args[n - 1];
  argv[n++] = "--db";
  argv[n++] = server->db;
  argv[n] = NULL;
  char out_path[400];
  snprintf(out_path, sizeof(out_path), "%s/cli-output.txt", server->dir);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  char **child = child_env(env);
  pid_t pid;
  int status = 0;
  struct rusage usage;
  memset(&usage, 0, sizeof(usage));
  if (chdir(BIANMIN_SOURCE_DIR) != 0 ||
      posix_spawn(&pid, BIANMIN_EXE, &actions, NULL, (char *const *)argv, child) != 0)
    pid = -1;
  free(child);
  posix_spawn_file_actions_destroy(&actions);
  if (pid < 0 || wait4(pid, &status, 0, &usage) < 0)
    return -1;
  if (max_rss_kb)
    *max_rss_kb = usage.ru_maxrss;
  if (output)
    *output = read_whole_file(out_path);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int read_port(const char *path)
{
  FILE *f = fopen(path, "r");
  if (!f)
    return 0;
  char line[16] = {0};
  int port = 0;
  if (fgets(line, sizeof(line), f))
    port = (int)strtol(line, NULL, 10);
  fclose(f);
  return port;
}

static void dump_log(const struct server *server)
{
  FILE *f = fopen(server->log, "r");
  char line[512];
  fprintf(stderr, "--- server log %s ---\n", server->log);
  while (f && fgets(line, sizeof(line), f))
    fputs(line, stderr);
  if (f)
    fclose(f);
}

struct port_wait {
  struct server *server;
  const char *port_file;
};

/* Ready when the port file names a port, or when the server has exited (then pid is 0). */
static bool port_known(void *arg)
{
  struct port_wait *w = arg;
  int status;
  w->server->port = read_port(w->port_file);
  if (w->server->port > 0)
    return true;
  if (waitpid(w->server->pid, &status, WNOHANG) == w->server->pid)
    w->server->pid = 0;
  return w->server->pid == 0;
}

static int wait_for_port(struct server *server, const char *port_file)
{
  struct port_wait w = {server, port_file};
  if (harness_wait_until(port_known, &w, "the server's port file") && server->port > 0)
    return 0;
  dump_log(server);
  return -1;
}

/* One test key shared among every process a test starts (SQLite or a PostgreSQL run): the
 * nodes of one database must seal and pepper with the same key. */
#define TEST_SECRET_KEY "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

int test_pg_database(char *url, size_t size)
{
  static int counter;
  const char *base = getenv("BIANMIN_TEST_PG_URL");
  const char *slash = base ? strrchr(base, '/') : NULL;
  char name[64], sql[128];
  if (!base || !*base || !slash)
    return -1;
  /* Named after the test's database (tests/pg/run.sh drops them all by that prefix); a
   * PostgreSQL name has at most 63 bytes, a test's database at most 41. */
  size_t len = strlen(slash + 1);
  if (len == 0 || len > 41 || strspn(slash + 1, "abcdefghijklmnopqrstuvwxyz0123456789_") != len)
    return -1;
  snprintf(name, sizeof(name), "%s_%ld_%d", slash + 1, (long)getpid(), ++counter);
  snprintf(sql, sizeof(sql), "CREATE DATABASE %s", name);
  PGconn *conn = PQconnectdb(base);
  PGresult *res = PQstatus(conn) == CONNECTION_OK ? PQexec(conn, sql) : NULL;
  int ok = res && PQresultStatus(res) == PGRES_COMMAND_OK;
  if (!ok)
    fprintf(stderr, "cannot create database %s: %s\n", name, PQerrorMessage(conn));
  PQclear(res);
  PQfinish(conn);
  int n = snprintf(url, size, "%.*s/%s", (int)(slash - base), base, name);
  return ok && n > 0 && (size_t)n < size ? 0 : -1;
}

static int server_prepare(struct server *server, const char *db_url)
{
  memset(server, 0, sizeof(*server));
  snprintf(server->dir, sizeof(server->dir), "/tmp/bianmin-http-XXXXXX");
  if (!mkdtemp(server->dir))
    return -1;
  snprintf(server->log, sizeof(server->log), "%s/server.log", server->dir);
  /* Every server of a test shares the key: a second node on the first one's database must
   * verify its peppered passwords and open what it sealed (a test may still give one server
   * another key through its env). */
  if (setenv("BIANMIN_SECRET_KEY", TEST_SECRET_KEY, 0))
    return -1;
  if (db_url) {
    snprintf(server->db, sizeof(server->db), "%s", db_url);
    return 0;
  }
  snprintf(server->db, sizeof(server->db), "%s/bianmin.db", server->dir);
  return 0;
}

static int server_serve(struct server *server, const char *const *env)
{
  char port_file[320];
  snprintf(port_file, sizeof(port_file), "%s/port", server->dir);
  const char *serve[] = {"serve",       "--db",        server->db, "--listen",
                         "127.0.0.1:0", "--port-file", port_file,  NULL};
  server->pid = spawn_bianmin(server, serve, env);
  if (server->pid < 0)
    return -1;
  return wait_for_port(server, port_file);
}

int server_start_db(struct server *server, const char *db_url, bool load_demo,
                    const char *const *env)
{
  if (server_prepare(server, db_url))
    return -1;
  const char *demo[] = {load_demo ? "demo" : "init", NULL};
  if (server_cli(server, demo) != 0) {
    dump_log(server);
    return -1;
  }
  return server_serve(server, env);
}

int server_start(struct server *server, const char *const *env)
{
  char url[320];
  if (getenv("BIANMIN_TEST_PG_URL")) {
    if (test_pg_database(url, sizeof(url)))
      return -1;
    return server_start_db(server, url, true, env);
  }
  return server_start_db(server, NULL, true, env);
}

static void remove_tree(const char *dir)
{
  char cmd[400];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
  if (system(cmd) != 0)
    fprintf(stderr, "could not remove %s\n", dir);
}

int server_stop(struct server *server)
{
  int result = -1;
  if (server->pid > 0) {
    kill(server->pid, SIGTERM);
    int status;
    if (waitpid(server->pid, &status, 0) == server->pid && WIFEXITED(status))
      result = WEXITSTATUS(status);
    if (result != 0)
      dump_log(server);
  }
  if (getenv("BIANMIN_KEEP_TEST_DIRS") == NULL)
    remove_tree(server->dir);
  return result;
}

struct sink {
  char *data;
  size_t len;
};

static size_t sink_write(char *ptr, size_t size, size_t nmemb, void *userdata)
{
  struct sink *sink = userdata;
  size_t n = size * nmemb;
  char *grown = realloc(sink->data, sink->len + n + 1);
  if (!grown)
    return 0;
  memcpy(grown + sink->len, ptr, n);
  sink->len += n;
  grown[sink->len] = '\0';
  sink->data = grown;
  return n;
}

static struct curl_slist *header_list(const char *const *headers)
{
  struct curl_slist *list = curl_slist_append(NULL, "Expect:");
  for (size_t i = 0; headers && headers[i]; i++)
    list = curl_slist_append(list, headers[i]);
  return list;
}

int http_call(struct server *server, const char *method, const char *path,
              const char *const *headers, const char *body, size_t body_len, struct response *out)
{
  /* A fresh client without cookies: every call stands alone. */
  struct client client;
  memset(out, 0, sizeof(*out));
  if (client_init(&client, server))
    return -1;
  int rc = client_call(&client, method, path, headers, body, body_len, out);
  client_free(&client);
  return rc;
}

int http_get(struct server *server, const char *path, struct response *out)
{
  return http_call(server, "GET", path, NULL, NULL, 0, out);
}

char *response_header(const struct response *response, const char *name)
{
  size_t name_len = strlen(name);
  const char *line = response->headers;
  while (line && *line) {
    const char *end = strstr(line, "\r\n");
    size_t len = end ? (size_t)(end - line) : strlen(line);
    if (len > name_len && line[name_len] == ':' && strncasecmp(line, name, name_len) == 0) {
      const char *value = line + name_len + 1;
      while (*value == ' ')
        value++;
      return strndup(value, (size_t)(line + len - value));
    }
    line = end ? end + 2 : NULL;
  }
  return NULL;
}

json_t *response_json(const struct response *response)
{
  return json_loadb(response->body, response->len, 0, NULL);
}

void response_free(struct response *response)
{
  free(response->body);
  free(response->headers);
  memset(response, 0, sizeof(*response));
}

int server_restart(struct server *server, const char *const *env)
{
  return server_restart_on(server, "127.0.0.1:0", env);
}

int server_restart_on(struct server *server, const char *listen, const char *const *env)
{
  int status = 0;
  if (server->pid > 0) {
    kill(server->pid, SIGTERM);
    waitpid(server->pid, &status, 0);
  }
  char port_file[320];
  snprintf(port_file, sizeof(port_file), "%s/port", server->dir);
  unlink(port_file);
  const char *serve[] = {"serve", "--db",        server->db, "--listen",
                         listen,  "--port-file", port_file,  NULL};
  server->pid = spawn_bianmin(server, serve, env);
  return server->pid < 0 ? -1 : wait_for_port(server, port_file);
}

int client_init(struct client *client, struct server *server)
{
  memset(client, 0, sizeof(*client));
  client->server = server;
  client->curl = curl_easy_init();
  if (!client->curl)
    return -1;
  curl_easy_setopt(client->curl, CURLOPT_COOKIEFILE, "");
  return 0;
}

void client_free(struct client *client)
{
  curl_easy_cleanup(client->curl);
  client->curl = NULL;
}

static void remember_csrf(struct client *client, const char *body)
{
  const char *p = body ? strstr(body, "name=\"csrf\" value=\"") : NULL;
  if (!p)
    return;
  p += strlen("name=\"csrf\" value=\"");
  size_t n = strcspn(p, "\"");
  if (n < sizeof(client->csrf)) {
    memcpy(client->csrf, p, n);
    client->csrf[n] = '\0';
  }
}

/* ---- recording the JSON API's answers (tests/api/validate.mjs checks them) ---------------- */

/* The body as a JSON string: the text when it is UTF-8, else {"hex": ...} (a gzip'd answer). */
static json_t *recorded_body(const struct response *out)
{
  json_t *text = json_stringn(out->body, out->len);
  if (text)
    return text;
  char *hex = malloc(out->len * 2 + 1);
  for (size_t i = 0; hex && i < out->len; i++)
    snprintf(hex + 2 * i, 3, "%02x", (unsigned char)out->body[i]);
  json_t *doc = hex ? json_pack("{s:s%}", "hex", hex, out->len * 2) : NULL;
  free(hex);
  return doc;
}

/* With BIANMIN_API_RECORD=<file> set, every answer to a path under /api/ is appended to that
 * file as one JSON line {method, path, status, content_type, content_encoding, body}; the file
 * is emptied by the first answer a test process records. */
static void record_api_answer(const char *method, const char *path, const struct response *out)
{
  static bool started;
  const char *file = getenv("BIANMIN_API_RECORD");
  if (!file || !*file || strncmp(path, "/api/", 5) != 0 || !out->status)
    return;
  char *type = response_header(out, "Content-Type");
  char *encoding = response_header(out, "Content-Encoding");
  json_t *line = json_pack("{s:s, s:s, s:i, s:s?, s:s?, s:o?}", "method", method, "path", path,
                           "status", (int)out->status, "content_type", type, "content_encoding",
                           encoding, "body", recorded_body(out));
  free(type);
  free(encoding);
  char *text = line ? json_dumps(line, JSON_COMPACT) : NULL;
  json_decref(line);
  FILE *f = text ? fopen(file, started ? "a" : "w") : NULL;
  if (f) {
    started = true;
    fprintf(f, "%s\n", text);
    fclose(f);
  }
  if (!f)
    fail_msg("BIANMIN_API_RECORD: cannot record %s %s in %s", method, path, file);
  free(text);
}

int client_call(struct client *client, const char *method, const char *path,
                const char *const *headers, const char *body, size_t body_len, struct response *out)
{
  memset(out, 0, sizeof(*out));
  CURL *curl = client->curl;
  /* the whole path, however long (a test of the 8 KiB limit sends more; never cut short) */
  size_t url_size = strlen(path) + 32;
  char *url = malloc(url_size);
  if (!url)
    return -1;
  snprintf(url, url_size, "http://127.0.0.1:%d%s", client->server->port, path);
  struct sink body_sink = {0}, header_sink = {0};
  struct curl_slist *list = header_list(headers);
  curl_easy_setopt(curl, CURLOPT_URL, url);
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt(curl, CURLOPT_NOBODY, strcmp(method, "HEAD") == 0 ? 1L : 0L);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, sink_write);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body_sink);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, sink_write);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &header_sink);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  if (body) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)body_len);
  }
  CURLcode rc = curl_easy_perform(curl);
  free(url);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out->status);
  /* A server may refuse a request before reading all of its body (413 for an upload over the
   * limit) and close the connection; curl then fails to send the rest although the answer
   * arrived. The answer is what the test asserts on; without one the call still fails. */
  if (rc == CURLE_SEND_ERROR && out->status >= 400)
    rc = CURLE_OK;
  curl_slist_free_all(list);
  out->body = body_sink.data ? body_sink.data : calloc(1, 1);
  out->len = body_sink.len;
  out->headers = header_sink.data ? header_sink.data : calloc(1, 1);
  remember_csrf(client, out->body);
  record_api_answer(method, path, out);
  if (rc != CURLE_OK)
    fprintf(stderr, "%s %s: %s\n", method, path, curl_easy_strerror(rc));
  return rc == CURLE_OK ? 0 : -1;
}

int client_get(struct client *client, const char *path, struct response *out)
{
  return client_call(client, "GET", path, NULL, NULL, 0, out);
}

int client_post(struct client *client, const char *path, const char *form, struct response *out)
{
  char body[8192];
  snprintf(body, sizeof(body), "%s%scsrf=%s", form, *form ? "&" : "", client->csrf);
  const char *headers[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
  return client_call(client, "POST", path, headers, body, strlen(body), out);
}

long client_login(struct client *client, const char *username, const char *password)
{
  struct response r;
  char form[512];
  if (client_get(client, "/staff/login", &r))
    return -1;
  response_free(&r);
  snprintf(form, sizeof(form), "username=%s&password=%s", username, password);
  if (client_post(client, "/staff/login", form, &r))
    return -1;
  long status = r.status;
  response_free(&r);
  return status;
}

int test_totp_code(const char *secret_b32, char out[7])
{
  return test_totp_code_at(secret_b32, 0, out);
}

int test_totp_code_at(const char *secret_b32, int step_offset, char out[7])
{
  unsigned char secret[64];
  size_t len = 0;
  if (totp_base32_decode(secret_b32, secret, sizeof(secret), &len))
    return -1;
  uint64_t step = (uint64_t)(harness_clock_now() / 30 + step_offset);
  return totp_code(secret, len, step, out) ? -1 : 0;
}

/* Copies the value of <input ... name="NAME" value="..."> in body into out. */
static int input_value(const char *body, const char *name, char *out, size_t size)
{
  char needle[80];
  snprintf(needle, sizeof(needle), "name=\"%s\" value=\"", name);
  const char *p = strstr(body, needle);
  if (!p)
    return -1;
  p += strlen(needle);
  size_t n = strcspn(p, "\"");
  if (n >= size)
    return -1;
  memcpy(out, p, n);
  out[n] = '\0';
  return 0;
}

static int enrol(struct client *client, char *secret_b32, size_t secret_size)
{
  struct response r;
  char form[256], code[7];
  if (client_get(client, "/staff/account/totp", &r) || r.status != 200 ||
      input_value(r.body, "secret", secret_b32, secret_size)) {
    response_free(&r);
    return -1;
  }
  response_free(&r);
  test_totp_code(secret_b32, code);
  snprintf(form, sizeof(form), "secret=%s&code=%s", secret_b32, code);
  if (client_post(client, "/staff/account/totp", form, &r))
    return -1;
  long status = r.status;
  response_free(&r);
  return status == 303 ? 0 : -1;
}

/* Second step with the current code, or the next step's code if the current one was used. */
static int second_step(struct client *client, const char *secret_b32)
{
  struct response r;
  for (int offset = 0; offset <= 1; offset++) {
    char form[64], code[7];
    if (client_get(client, "/staff/login/totp", &r))
      return -1;
    response_free(&r);
    test_totp_code_at(secret_b32, offset, code);
    snprintf(form, sizeof(form), "code=%s", code);
    if (client_post(client, "/staff/login/totp", form, &r))
      return -1;
    long status = r.status;
    response_free(&r);
    if (status == 303)
      return 0;
  }
  return -1;
}

int client_login_totp(struct client *client, const char *username, const char *password,
                      char *secret_b32, size_t secret_size)
{
  if (client_login(client, username, password) != 303)
    return -1;
  if (secret_b32[0])
    return second_step(client, secret_b32);
  return enrol(client, secret_b32, secret_size);
}

json_t *get_json_view(struct server *server, struct client *client, const char *path, long *status)
{
  static const char *const accept[] = {"Accept: application/json", NULL};
  struct response r;
  int rc = client ? client_call(client, "GET", path, accept, NULL, 0, &r)
                  : http_call(server, "GET", path, accept, NULL, 0, &r);
  *status = rc ? 0 : r.status;
  json_t *view = rc ? NULL : response_json(&r);
  response_free(&r);
  return view;
}

json_t *json_at(json_t *root, const char *path)
{
  json_t *at = root;
  const char *p = path;
  while (at && *p) {
    size_t n = strcspn(p, ".");
    char key[128];
    if (n >= sizeof(key))
      return NULL;
    memcpy(key, p, n);
    key[n] = '\0';
    if (json_is_array(at)) {
      char *end;
      unsigned long index = strtoul(key, &end, 10);
      at = *key && !*end ? json_array_get(at, index) : NULL;
    } else {
      at = json_object_get(at, key);
    }
    p += n;
    p += *p == '.';
  }
  return at;
}

const char *json_text_at(json_t *root, const char *path)
{
  return json_string_value(json_at(root, path));
}

void expect_contains(const char *haystack, const char *needle)
{
  if (!haystack || !strstr(haystack, needle))
    fail_msg("expected \"%s\" in:\n%.3000s", needle, haystack ? haystack : "(null)");
}

void expect_lacks(const char *haystack, const char *needle)
{
  if (haystack && strstr(haystack, needle))
    fail_msg("did not expect \"%s\" in:\n%.3000s", needle, haystack);
}

void expect_text_at(json_t *view, const char *path, const char *expected)
{
  const char *got = json_text_at(view, path);
  if (!got || strcmp(got, expected) != 0)
    fail_msg("%s is \"%s\", expected \"%s\"", path, got ? got : "(missing)", expected);
}

json_t *expect_view(struct server *server, struct client *client, const char *path, long status)
{
  long got = 0;
  json_t *view = get_json_view(server, client, path, &got);
  if (got != status || !view)
    fail_msg("GET %s as JSON: %ld, expected %ld", path, got, status);
  return view;
}

char *expect_page(struct server *server, struct client *client, const char *path, long status)
{
  struct response r;
  int rc = client ? client_get(client, path, &r) : http_get(server, path, &r);
  assert_int_equal(rc, 0);
  if (r.status != status)
    fail_msg("GET %s: %ld, expected %ld\n%.2000s", path, r.status, status, r.body);
  char *body = r.body;
  r.body = NULL;
  response_free(&r);
  return body;
}

void harness_add_user(struct server *server, const char *office, const char *username,
                      const char *roles, const char *password)
{
  char env_password[160];
  snprintf(env_password, sizeof(env_password), "BIANMIN_PASSWORD=%s", password);
  const char *args[] = {"user",   "add",  "--office", office, "--username",  username,
                        "--name", "管理", "--roles",  roles,  "--no-expire", NULL};
  const char *env[] = {env_password, NULL};
  assert_int_equal(server_cli_env(server, args, env), 0);
}

int harness_free_port(void)
{
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t len = sizeof(a);
  int port = fd >= 0 && !bind(fd, (struct sockaddr *)&a, sizeof(a)) &&
                     !getsockname(fd, (struct sockaddr *)&a, &len)
                 ? ntohs(a.sin_port)
                 : 0;
  if (fd >= 0)
    close(fd);
  return port;
}

static bool sink_ready(void *path)
{
  return access(path, F_OK) == 0;
}

int harness_smtp_sink(int port, const char *mail_dir, const char *log, pid_t *pid)
{
  char port_text[16], ready[512];
  snprintf(port_text, sizeof(port_text), "%d", port);
  snprintf(ready, sizeof(ready), "%s/ready", mail_dir);
  const char *args[] = {"/usr/bin/python3", BIANMIN_SOURCE_DIR "/tests/support/smtp_sink.py",
                        port_text, mail_dir, NULL};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, log, O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (posix_spawn(pid, args[0], &actions, NULL, (char *const *)args, environ) != 0)
    *pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  return *pid > 0 && harness_wait_until(sink_ready, ready, "the SMTP server") ? 0 : -1;
}

/* ---- helpers the tests shared as private copies ------------------------------------------ */

void harness_sign_in(struct client *client, struct server *server, const char *username,
                     const char *password, char *totp_secret, size_t secret_size)
{
  struct response r;
  if (client->curl)
    client_free(client);
  assert_int_equal(client_init(client, server), 0);
  if (totp_secret)
    assert_int_equal(client_login_totp(client, username, password, totp_secret, secret_size), 0);
  else if (client_login(client, username, password) != 303)
    fail_msg("%s could not sign in", username);
  assert_int_equal(client_get(client, "/staff/", &r), 0);
  if (r.status != 200)
    fail_msg("GET /staff/ as %s: %ld", username, r.status);
  response_free(&r);
  assert_true(client->csrf[0] != '\0');
}

void harness_field(char *form, size_t size, const char *name, const char *value)
{
  size_t n = strlen(form);
  n += (size_t)snprintf(form + n, size - n, "%s%s=", n ? "&" : "", name);
  for (const unsigned char *p = (const unsigned char *)value; *p && n + 4 < size; p++) {
    bool plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                 strchr("-._~", *p);
    n += (size_t)snprintf(form + n, size - n, plain ? "%c" : "%%%02X", *p);
  }
  if (n + 4 >= size)
    fail_msg("the form does not fit %zu bytes at %s", size, name);
}

static long post_form(struct client *client, const char *path, const char *form, const char *accept,
                      struct response *r)
{
  char body[16384];
  int n = snprintf(body, sizeof(body), "%s%scsrf=%s", form, *form ? "&" : "", client->csrf);
  if (n < 0 || (size_t)n >= sizeof(body))
    fail_msg("POST %s: the form does not fit %zu bytes", path, sizeof(body));
  const char *headers[] = {"Content-Type: application/x-www-form-urlencoded", accept, NULL};
  if (client_call(client, "POST", path, headers, body, (size_t)n, r))
    fail_msg("POST %s: no answer", path);
  return r->status;
}

long harness_post(struct client *client, const char *path, const char *form, char **location)
{
  struct response r;
  long status = post_form(client, path, form, NULL, &r);
  if (location)
    *location = response_header(&r, "Location");
  response_free(&r);
  return status;
}

long harness_post_json(struct client *client, const char *path, const char *form, json_t **view)
{
  struct response r;
  long status = post_form(client, path, form, "Accept: application/json", &r);
  if (view)
    *view = response_json(&r);
  response_free(&r);
  return status;
}

long long harness_intake(struct client *client, const char *form, char *token, size_t token_size)
{
  static const char prefix[] = "/staff/cases/";
  struct response r;
  char page[96];
  const char *service = strstr(form, "service_id=");
  snprintf(page, sizeof(page), "/staff/intake?service=%.*s",
           service ? (int)strspn(service + 11, "0123456789") : 0, service ? service + 11 : "");
  assert_int_equal(client_get(client, page, &r), 0); /* the form's CSRF token */
  response_free(&r);
  assert_int_equal(client_post(client, "/staff/intake", form, &r), 0);
  if (r.status != 303)
    fail_msg("intake answered %ld: %.1000s", r.status, r.body);
  char *location = response_header(&r, "Location");
  response_free(&r);
  assert_non_null(location);
  assert_int_equal(strncmp(location, prefix, strlen(prefix)), 0);
  char *end = NULL;
  long long id = strtoll(location + strlen(prefix), &end, 10);
  assert_true(id > 0);
  if (strncmp(end, "/receipt?t=", 11) != 0)
    fail_msg("intake sent to %s, not to the receipt", location);
  if (token)
    snprintf(token, token_size, "%s", end + 11);
  free(location);
  return id;
}

static void copy_text_at(json_t *view, const char *path, char *out, size_t size)
{
  const char *text = json_text_at(view, path);
  if (!text)
    fail_msg("the case's page has no %s", path);
  snprintf(out, size, "%s", text);
}

void harness_take_in(struct client *client, const char *form, struct taken_case *out)
{
  char path[64];
  memset(out, 0, sizeof(*out));
  out->id = harness_intake(client, form, out->token, sizeof(out->token));
  snprintf(path, sizeof(path), "/staff/cases/%lld", out->id);
  json_t *view = expect_view(client->server, client, path, 200);
  copy_text_at(view, "case.case_key", out->key, sizeof(out->key));
  copy_text_at(view, "case.check_code", out->check, sizeof(out->check));
  copy_text_at(view, "case.number", out->number, sizeof(out->number));
  out->serial = (long long)json_integer_value(json_at(view, "case.serial"));
  json_decref(view);
}

/* ---- the SMTP sink's mails ---------------------------------------------------------------- */

enum { MAIL_MAX = 1 << 20 };

int harness_mail_count(const char *mail_dir)
{
  DIR *d = opendir(mail_dir);
  struct dirent *e;
  int n = 0;
  while (d && (e = readdir(d)) != NULL)
    n += strstr(e->d_name, ".eml") && !strstr(e->d_name, ".tmp");
  if (d)
    closedir(d);
  return n;
}

char *harness_mail_decode(const char *raw)
{
  const char *part = strstr(raw, "text/plain"), *start = part ? strstr(part, "\r\n\r\n") : NULL;
  const char *end = start ? strstr(start + 4, "\r\n--") : NULL; /* multipart, or the text alone */
  if (start && !end)
    end = raw + strlen(raw);
  if (!start)
    return NULL;
  size_t cap = (size_t)(end - start), out_len = 0;
  unsigned char *out = calloc(1, cap + 1);
  if (!out || sodium_base642bin(out, cap, start + 4, (size_t)(end - start - 4), "\r\n", &out_len,
                                NULL, sodium_base64_VARIANT_ORIGINAL)) {
    free(out);
    return NULL;
  }
  out[out_len] = '\0';
  return (char *)out;
}

static bool path_exists(void *path)
{
  return access(path, F_OK) == 0;
}

char *harness_mail_raw(const char *mail_dir, int n)
{
  char path[512];
  snprintf(path, sizeof(path), "%s/%04d.eml", mail_dir, n);
  if (!harness_wait_until(path_exists, path, path))
    return NULL;
  FILE *f = fopen(path, "rb");
  char *raw = f ? calloc(1, MAIL_MAX) : NULL;
  if (raw) {
    size_t len = fread(raw, 1, MAIL_MAX - 1, f);
    raw[len] = '\0';
  }
  if (f)
    fclose(f);
  return raw;
}

char *harness_mail_text(const char *mail_dir, int n)
{
  char *raw = harness_mail_raw(mail_dir, n);
  char *text = raw ? harness_mail_decode(raw) : NULL;
  free(raw);
  return text;
}

struct mail_match {
  const char *mail_dir;
  int from;
  const char *needle;
  int found;
};

static bool mail_matched(void *arg)
{
  struct mail_match *m = arg;
  for (int n = m->from; n <= harness_mail_count(m->mail_dir) && !m->found; n++) {
    char *text = harness_mail_text(m->mail_dir, n);
    if (text && strstr(text, m->needle))
      m->found = n;
    free(text);
  }
  return m->found != 0;
}

int harness_mail_with(const char *mail_dir, int from, const char *needle)
{
  struct mail_match m = {mail_dir, from, needle, 0};
  if (!harness_wait_until(mail_matched, &m, needle))
    fail_msg("no message from number %d on holds \"%s\"", from, needle);
  return m.found;
}

void harness_six_digits(const char *text, char code[7])
{
  const char *p = text;
  assert_non_null(text);
  while (*p && !(strspn(p, "0123456789") == 6 && (p == text || p[-1] < '0' || p[-1] > '9')))
    p++;
  if (!*p)
    fail_msg("no six-digit code in:\n%.2000s", text);
  memcpy(code, p, 6);
  code[6] = '\0';
}

void harness_mail_code(const char *mail_dir, int from, char code[7])
{
  char *text = harness_mail_text(mail_dir, harness_mail_with(mail_dir, from, "驗證碼"));
  harness_six_digits(text, code);
  free(text);
}

/* ---- the test's own SQL ------------------------------------------------------------------- */

static bool on_postgres(const struct server *server)
{
  return strncmp(server->db, "postgres", 8) == 0;
}

long long harness_sql_int(struct server *server, const char *sql)
{
  long long v = 0;
  bool ok = false;
  if (on_postgres(server)) {
    PGconn *pg = PQconnectdb(server->db);
    PGresult *res = PQstatus(pg) == CONNECTION_OK ? PQexec(pg, sql) : NULL;
    ok = res && PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1;
    if (ok)
      v = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    PQfinish(pg);
  } else {
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    ok = sqlite3_open_v2(server->db, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
         sqlite3_busy_timeout(db, 10000) == SQLITE_OK &&
         sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW;
    if (ok)
      v = sqlite3_column_int64(st, 0);
    ok = ok && sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    sqlite3_close(db);
  }
  if (!ok)
    fail_msg("SQL failed or did not answer one row: %s", sql);
  return v;
}

void harness_sql_exec(struct server *server, const char *sql)
{
  bool ok = false;
  if (on_postgres(server)) {
    PGconn *pg = PQconnectdb(server->db);
    PGresult *res = PQstatus(pg) == CONNECTION_OK ? PQexec(pg, sql) : NULL;
    ok = res && PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    PQfinish(pg);
  } else {
    sqlite3 *db = NULL;
    ok = sqlite3_open(server->db, &db) == SQLITE_OK &&
         sqlite3_busy_timeout(db, 10000) == SQLITE_OK &&
         sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK;
    sqlite3_close(db);
  }
  if (!ok)
    fail_msg("SQL failed: %s", sql);
}

void harness_taipei_date(time_t t, int days, char out[11])
{
  time_t local = t + 8 * 3600 + (time_t)days * 86400;
  struct tm tm;
  gmtime_r(&local, &tm);
  strftime(out, 11, "%Y-%m-%d", &tm);
}
