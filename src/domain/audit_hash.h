/*
 * audit_hash.h - one link of the audit trail's hash chain. Each entry's hash covers the previous
 * entry's hash and every field of the entry, so changing, removing or reordering a stored entry
 * breaks every later link.
 *
 * The hashed bytes are: "bianmin-audit-v1;" then the previous hash and the fields in the order of
 * struct audit_entry (id, at, office_id, actor_id, actor, ip, action, object_kind, object_id,
 * detail), each written as "<byte length in decimal>:<bytes>;" (integers in decimal first), and
 * a NULL string as "-;" so that NULL and "" differ. The length prefix makes the encoding
 * unambiguous: ("ab", "c") and ("a", "bc") never hash alike. Changing this encoding breaks
 * every stored chain: bump the version tag instead.
 */
#ifndef BIANMIN_DOMAIN_AUDIT_HASH_H
#define BIANMIN_DOMAIN_AUDIT_HASH_H

#include <stdint.h>

/* The previous hash of the first entry. */
#define AUDIT_GENESIS  "0000000000000000000000000000000000000000000000000000000000000000"
#define AUDIT_HASH_HEX 64

struct audit_entry {
  int64_t id;
  const char *at; /* time as stored, e.g. "2025-03-01T09:30:00Z" */
  int64_t office_id;
  int64_t actor_id;
  const char *actor;
  const char *ip;
  const char *action;
  const char *object_kind;
  const char *object_id;
  const char *detail;
};

/* out = lowercase hex SHA-256 of the encoding above. ST_INVALID (out "") when e is NULL or
 * prev_hash_hex is not exactly 64 lowercase hex characters. */
int audit_entry_hash(const char *prev_hash_hex, const struct audit_entry *e,
                     char out[AUDIT_HASH_HEX + 1]);

#endif
