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
/* Creates a fresh, empty database in the cluster of BIANMIN_TEST_PG_URL, named
 * <that database's name>_<pid>_<n> (so tests/pg/run.sh drops it with the test's own); its URL
 * in url. -1 when the variable is unset or names no plain [a-z0-9_] database. */
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
/* "YYYY-MM-DD" of the Asia/Taipei day `days` after the one t falls in. */
void harness_taipei_date(time_t t, int days, char out[11]);

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

/* ---- helpers the tests shared as private copies ------------------------------------------ */

/* Signs client in as username and reads /staff/ so that it holds the session's CSRF token;
 * fails the test otherwise. client must be zeroed (a static one) or come from client_init: it is
 * freed first when in use, then initialised on server. With totp_secret NULL the password alone
 * must answer 303; otherwise the account signs in with a second factor (client_login_totp:
 * totp_secret, of secret_size bytes, receives the secret when this call sets it up). */
void harness_sign_in(struct client *client, struct server *server, const char *username,
                     const char *password, char *totp_secret, size_t secret_size);

/* Appends name=value to the urlencoded form (of size bytes), the value percent-encoded but for
 * A-Z a-z 0-9 - . _ ~; fails the test when it does not fit. */
void harness_field(char *form, size_t size, const char *name, const char *value);

/* POSTs form (urlencoded, may be "") plus the client's CSRF token to path, as a browser form
 * (client_post), failing the test when no answer arrives or the body does not fit 16 KiB.
 * Returns the HTTP status; *location (may be NULL) receives the Location header, malloc'd, or
 * NULL. */
long harness_post(struct client *client, const char *path, const char *form, char **location);
/* The same asking for JSON (Accept: application/json): *view (may be NULL) receives the
 * parsed body (new reference), or NULL when it is not JSON. */
long harness_post_json(struct client *client, const char *path, const char *form, json_t **view);

/* A counter intake: GETs /staff/intake?service=<the form's service_id> (the form's CSRF
 * token), POSTs form (urlencoded, without the token) to /staff/intake as client, and fails the
 * test unless the answer is 303 to /staff/cases/<id>/receipt?t=<token>. Returns the case id
 * (> 0); the receipt's token into token (may be NULL). */
long long harness_intake(struct client *client, const char *form, char *token, size_t token_size);
/* A case harness_take_in took in, as its staff page shows it. */
struct taken_case {
  long long id;
  char token[64];  /* the receipt's */
  char key[32];    /* case.case_key */
  char check[8];   /* case.check_code (six digits) */
  char number[96]; /* case.number, the full case number */
  long long serial;
};
/* harness_intake, then reads the case's staff page as client (expecting 200) into out. */
void harness_take_in(struct client *client, const char *form, struct taken_case *out);

/* ---- the SMTP sink's mails (harness_smtp_sink: message n is mail_dir/NNNN.eml, from 1) ---- */

/* How many messages mail_dir holds (*.eml, not the *.tmp being written). */
int harness_mail_count(const char *mail_dir);
/* The text/plain part of a raw message (base64, as bianmin writes it), decoded, malloc'd; NULL
 * when it has none or it does not decode. */
char *harness_mail_decode(const char *raw);
/* Message n's raw text, malloc'd, once it exists (waits: HARNESS_WAIT_SECONDS); NULL when it
 * does not come. */
char *harness_mail_raw(const char *mail_dir, int n);
/* Message n's decoded text part (harness_mail_raw, harness_mail_decode), malloc'd, or NULL. */
char *harness_mail_text(const char *mail_dir, int n);
/* The number of the first message from number from on whose text holds needle, waiting for it
 * (the outbox worker sends in its own time, and other notices may come between); fails the
 * test when none comes. */
int harness_mail_with(const char *mail_dir, int from, const char *needle);
/* The first run of exactly six digits in text (a one-time code) into code; fails the test when
 * there is none. */
void harness_six_digits(const char *text, char code[7]);
/* The one-time code of the first message from number from on that holds "驗證碼" (the code
 * message's zh-TW words; harness_mail_with), into code. */
void harness_mail_code(const char *mail_dir, int from, char code[7]);

/* ---- the test's own SQL on the server's database (a SQLite file or PostgreSQL) ------------ */

/* One integer: the first column of the single row sql answers; fails the test otherwise. */
long long harness_sql_int(struct server *server, const char *sql);
/* Runs one statement that answers no rows; fails the test when it fails. */
void harness_sql_exec(struct server *server, const char *sql);

#endif
