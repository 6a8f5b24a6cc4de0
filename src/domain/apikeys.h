/*
 * apikeys.h - API keys for clients that create cases (Open311 POST requests, /api/v1). An
 * office's admins issue and revoke them; a key belongs to one office. The secret is shown once
 * at creation: "bm_" + 43 base64url characters (256 random bits). Only its SHA-256 is stored,
 * with the first characters ("prefix") so admins can tell keys apart. Issuing and revoking are
 * in the audit trail.
 */
#ifndef BIANMIN_DOMAIN_APIKEYS_H
#define BIANMIN_DOMAIN_APIKEYS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/audit.h"

struct store; /* a connection: web only passes it on (ARCHITECTURE.md, Layers) */

enum {
  APIKEY_SECRET_SIZE = 3 + 43 + 1, /* "bm_" + base64url of 32 bytes + NUL */
  APIKEY_PREFIX_LEN = 10,          /* "bm_" and 7 characters, shown in lists */
  APIKEY_NAME_MAX = 80             /* characters */
};

/* Issues a key named name (one line, 1..APIKEY_NAME_MAX characters) for office_id. The secret
 * goes to secret (shown once, never stored). ST_INVALID with *reason "apikey_err_name" for a
 * bad name. */
int apikey_issue(struct store *store, const struct audit_actor *actor, int64_t office_id,
                 const char *name, int64_t now, char secret[APIKEY_SECRET_SIZE], int64_t *id,
                 const char **reason);
/* Revokes key id of office_id (once; again is fine). ST_NOTFOUND for another office's key. */
int apikey_revoke(struct store *store, const struct audit_actor *actor, int64_t office_id,
                  int64_t id, int64_t now);
/* The id of office_id's key with this secret, not revoked; records its use. ST_FORBIDDEN for
 * a missing, malformed, unknown or revoked key, or another office's (its use not recorded). */
int apikey_check(struct store *store, const char *secret, int64_t office_id, int64_t now,
                 int64_t *key_id);

/* A key as the admins' page lists it (typed read model; strings in the read's arena). Times
 * are unix seconds, 0 for never. */
struct apikey_row {
  int64_t id;
  const char *name, *prefix, *created_by;
  int64_t created_at, last_used_at, revoked_at;
};
struct apikey_list {
  size_t count;
  struct apikey_row *rows;
};
struct arena;
/* The office's keys, newest first. */
int apikey_list_read(struct store *store, struct arena *arena, int64_t office_id,
                     struct apikey_list *out);

#endif
