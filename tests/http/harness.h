/*
 * harness.h - black-box HTTP tests: a real `bianmin serve` on a random port with a fresh
 * database in a temporary folder (parallel-safe), and a small libcurl client.
 */
#ifndef BIANMIN_TESTS_HTTP_HARNESS_H
#define BIANMIN_TESTS_HTTP_HARNESS_H

#include <jansson.h>
#include <stddef.h>
#include <sys/types.h>

struct server {
  pid_t pid;
  int port;
  char dir[256];
  char db[320];
  char log[320];
};

/* Creates a temporary folder, runs `bianmin init` and `bianmin demo` on a fresh database in it
 * and starts `bianmin serve` on a free port. env: extra "NAME=value" strings, NULL-terminated
 * (may be NULL). Returns 0 on success; fails the test otherwise. */
int server_start(struct server *server, const char *const *env);
/* SIGTERM, wait (returns the exit status, or -1), remove the folder. */
int server_stop(struct server *server);
/* Runs the bianmin binary with args against the server's database; returns its exit status. */
int server_cli(struct server *server, const char *const *args);

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

#endif
