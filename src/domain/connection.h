/*
 * connection.h - the database connections of the layers above the domain (web, workers): one
 * per thread to the primary, one per thread to the read replica when there is one, and the
 * staff session behind a cookie token as a typed record. The layers above hold a
 * `struct store *` only as an opaque handle to pass back to domain calls.
 */
#ifndef BIANMIN_DOMAIN_CONNECTION_H
#define BIANMIN_DOMAIN_CONNECTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct arena;
struct store;

/* The calling thread's connection to url, opened on first use (the failure logged) and closed
 * when the thread ends. */
int connection_primary(const char *url, struct store **out);
/* The same for the read replica at url; a connection that failed is dropped with
 * connection_read_failed, so the next request connects again (the replica may be back). */
int connection_replica(const char *url, struct store **out);
/* Closes the thread's replica connection store after a failure, logging why. */
void connection_read_failed(struct store *store);
/* A connection of its own for a worker thread or one pass (the scanner, the outbox worker):
 * opened here, closed with connection_close. err receives why it could not open. */
int connection_open(const char *url, struct store **out, char *err, size_t err_size);
void connection_close(struct store *store);
/* The last database error on store, for a worker's log line. */
const char *connection_error(struct store *store);
/* ST_OK when the thread's connection to url answers (for /readyz). */
int connection_ready(const char *url);

/* A signed-in staff session (accounts_session): strings in the arena, never NULL. */
struct connection_session {
  int64_t user_id, office_id, unit_id;
  unsigned roles;
  bool mfa_pending, totp_enabled, password_expired;
  const char *username, *display_name, *csrf_token;
};
/* The session behind a cookie token; ST_NOTFOUND as accounts_session. */
int connection_session(struct store *store, struct arena *arena, const char *token, time_t now,
                       struct connection_session *out);

#endif
