/*
 * audit.h - the audit trail: who did what, when, from where. Append-only and hash-chained:
 * each row's hash covers the previous row's hash (domain/audit_hash.h), and the newest id and
 * hash are also kept as an anchor in the settings, so a changed, removed or appended-by-hand
 * row is found by audit_verify.
 */
#ifndef BIANMIN_DOMAIN_AUDIT_H
#define BIANMIN_DOMAIN_AUDIT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct store; /* a connection: web only passes it on (ARCHITECTURE.md, Layers) */

struct audit_actor {
  int64_t office_id; /* the office whose data was touched (0 = the installation) */
  int64_t user_id;   /* 0 = nobody signed in (a failed sign-in, the command line) */
  const char *name;  /* username, or what was typed at a failed sign-in */
  const char *ip;    /* client address, or "cli" */
  const char *lang;  /* the language of a message the change sends the person ("zh-TW" or
                        "en"; NULL = zh-TW): security notices (domain/accounts.h) */
};

/* Appends one row. Runs inside the caller's transaction when one is open (so the audit row
 * commits or rolls back with the change it records), else in its own. detail may be NULL. */
int audit_record(struct store *store, const struct audit_actor *actor, const char *action,
                 const char *object_kind, const char *object_id, json_t *detail);

/* Walks the whole trail. ST_OK when intact (*checked rows); otherwise ST_CONFLICT with
 * *broken_id the first row that does not verify (or the row after the last intact one) and a
 * message in msg. */
int audit_verify(struct store *store, int64_t *checked, int64_t *broken_id, char *msg,
                 size_t msg_size);

/* A row of the admins' audit page (typed read model; strings in the read's arena). */
struct audit_row {
  int64_t id;
  const char *at, *actor, *ip, *action, *object_kind, *object_id, *detail;
};
struct audit_rows {
  size_t count;
  struct audit_row *rows;
};
struct arena;
/* Rows of office_id newest first, filtered by action prefix and actor ("" for any), with
 * id < before_id (0 = from the newest), at most limit. */
int audit_search_read(struct store *store, struct arena *arena, int64_t office_id,
                      const char *action, const char *actor, int64_t before_id, int64_t limit,
                      struct audit_rows *out);

#endif
