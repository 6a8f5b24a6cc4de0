/*
 * harness.h - black-box HTTP tests: a real `bianmin serve` on a random port with a fresh
 * database in a temporary folder (parallel-safe), and a small libcurl client.
 */
#ifndef BIANMIN_TESTS_HTTP_HARNESS_H
#define BIANMIN_TESTS_HTTP_HARNESS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

struct server {
  pid_t pid;
  int port;
  char dir[256];
  char db[320];
  char log[320];
};

/* Creates a temporary folder, runs `bianmin demo` on a fresh database in it and starts
 * `bianmin serve` on a free port. env: extra "NAME=value" strings, NULL-terminated (may be
 * NULL). Returns 0 on success; fails the test otherwise. When BIANMIN_TEST_PG_URL is set
 * (tests/pg/run.sh), the fresh database is a new PostgreSQL database in that cluster instead. */
int server_start(struct server *server, const char *const *env);
/* Starts a server on db_url (NULL: a fresh SQLite file in its folder), after `bianmin demo`
 * when load_demo, else `bianmin init`. Several servers may share one PostgreSQL database
 * (they share the test secret key). */
int server_start_db(struct server *server, const char *db_url, bool load_demo,
                    const char *const *env);
/* Creates a fresh, empty database in the cluster of BIANMIN_TEST_PG_URL; its URL in url. */
int test_pg_database(char *url, size_t size);
/* SIGTERM, wait (returns the exit status, or -1), remove the folder. */
int server_stop(struct server *server);
/* Runs the bianmin binary with args against the server's database; returns its exit status. */
int server_cli(struct server *server, const char *const *args);
/* The same with extra environment ("NAME=value", NULL-terminated). */
int server_cli_env(struct server *server, const char *const *args, const char *const *env);

/* Runs the bianmin binary with args (plus --db) and captures its standard output and error in
 * *output (malloc'd; may be NULL); *max_rss_kb (may be NULL) receives the child's peak
 * resident set size from wait4. Returns its exit status, or -1. */
int server_cli_capture(struct server *server, const char *const *args, const char *const *env,
                       char **output, long *max_rss_kb);

struct response {
  long status;
  char *body;
  size_t len;
  char *headers; /* raw header block */
};

/* method: "GET", "POST", ...; headers: NULL-terminated "Name: value" strings (may be NULL);
 * body may be NULL. Returns 0 when an answer arrived. */
int http_call(struct server *server, const char *method, const char *path,
              const char *const *headers, const char *body, size_t body_len, struct response *out);
int http_get(struct server *server, const char *path, struct response *out);
/* The value of the first header called name (case-insensitive), malloc'd; NULL if absent. */
char *response_header(const struct response *response, const char *name);
/* The body parsed as JSON (new reference) or NULL. */
json_t *response_json(const struct response *response);
void response_free(struct response *response);

/* Restarts the server on the same database (and a new port) with other extra environment. */
int server_restart(struct server *server, const char *const *env);
/* The same on another listen address; -1 (its log in server->log) when it refused to start. */
int server_restart_on(struct server *server, const char *listen, const char *const *env);

/* ---- waiting and time: tests never sleep for a fixed time, nor assert on elapsed time ---- */

enum { HARNESS_WAIT_SECONDS = 60 };

/* A free TCP port on 127.0.0.1 (bound, then released for the caller), 0 on failure. */
int harness_free_port(void);
/* Starts the tests' SMTP server (tests/support/smtp_sink.py, run by Debian's /usr/bin/python3)
 * on port: every message it receives becomes a file in mail_dir; its output goes to log. Waits
 * until it listens. 0 with *pid set (stop it with SIGTERM and waitpid), or -1. */
int harness_smtp_sink(int port, const char *mail_dir, const char *log, pid_t *pid);

/* Polls ready(arg) with a short backoff (5 ms, growing to 200 ms) until it returns true or
 * HARNESS_WAIT_SECONDS have passed (a generous bound for a loaded machine, not a measurement).
 * Returns whether it became true; on time-out says on standard error what was awaited. */
bool harness_wait_until(bool (*ready)(void *arg), void *arg, const char *what);

/* The fake clock (src/base/clock.h, BIANMIN_FAKE_CLOCK), one per test process: creates the
 * clock file set to start (unix seconds) and sets BIANMIN_FAKE_CLOCK in this process's
 * environment, so every server and CLI run started afterwards reads its time from the file
 * (and ignores BIANMIN_FAKE_NOW). Their time then stands still until the test moves it. The
 * file is removed at exit. Returns 0, or -1 when the file cannot be made. */
int harness_clock_start(time_t start);
/* The clock's time: the fake one once started, else the real one. */
time_t harness_clock_now(void);
/* Moves the fake clock; every process reading it sees the new time at its next clock_now(). */
void harness_clock_set(time_t t);
void harness_clock_advance(long seconds);

/* A browser-like client: keeps cookies, remembers the CSRF token of the last page it read. */
struct client {
  struct server *server;
  void *curl;
  char csrf[64];
};

int client_init(struct client *client, struct server *server);
void client_free(struct client *client);
/* Like http_call, with the client's cookies; reads a CSRF token from an HTML answer. */
int client_call(struct client *client, const char *method, const char *path,
                const char *const *headers, const char *body, size_t body_len,
                struct response *out);
int client_get(struct client *client, const char *path, struct response *out);
/* POSTs form (urlencoded, may be "") plus csrf=<the client's token>. */
int client_post(struct client *client, const char *path, const char *form, struct response *out);
/* Signs in with a password (GET the form, POST it); returns the HTTP status of the POST. */
long client_login(struct client *client, const char *username, const char *password);
/* Signs in an account that has (or must set up) a second factor. secret_b32 receives the
 * secret when this call sets it up; pass the known secret otherwise. Returns 0 when signed in. */
int client_login_totp(struct client *client, const char *username, const char *password,
                      char *secret_b32, size_t secret_size);
/* The current TOTP code for a base32 secret (for tests), at harness_clock_now(). */
int test_totp_code(const char *secret_b32, char out[7]);
int test_totp_code_at(const char *secret_b32, int step_offset, char out[7]);

/* ---- reading JSON answers (pages answer their view to Accept: application/json) ---------- */

/* GETs path as JSON: with client's cookies, or alone (client NULL) on server. *status gets the
 * HTTP status (0 when nothing arrived). Returns the parsed body (new reference) or NULL. */
json_t *get_json_view(struct server *server, struct client *client, const char *path, long *status);
/* The value at a dotted path in root: "case.timeline.0.what" (a number indexes an array);
 * NULL when any step is missing. Borrowed reference. */
json_t *json_at(json_t *root, const char *path);
/* The string at that path, or NULL when it is missing or not a string. */
const char *json_text_at(json_t *root, const char *path);

/* Adds a staff account through the CLI (`bianmin user add --no-expire`: the password does not
 * expire at first sign-in), failing the test otherwise. */
void harness_add_user(struct server *server, const char *office, const char *username,
                      const char *roles, const char *password);

/* Assertions shared by the page tests: each fails the test with what it saw. */
void expect_contains(const char *haystack, const char *needle);
void expect_lacks(const char *haystack, const char *needle);
/* The text at path (json_text_at) equals expected. */
void expect_text_at(json_t *view, const char *path, const char *expected);
/* GET path as JSON (as client, or anonymous when NULL), expecting status: the view (new
 * reference). */
json_t *expect_view(struct server *server, struct client *client, const char *path, long status);
/* GET path (as client, or anonymous when NULL), expecting status: the body (malloc'd). */
char *expect_page(struct server *server, struct client *client, const char *path, long status);

#endif
