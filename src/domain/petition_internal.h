/*
 * petition_internal.h - what petition.c and petition_staff.c share (not for other modules).
 */
#ifndef BIANMIN_DOMAIN_PETITION_INTERNAL_H
#define BIANMIN_DOMAIN_PETITION_INTERNAL_H

#include <jansson.h>
#include <stdint.h>
#include <time.h>

#include "domain/personal.h"
#include "domain/petition.h"

struct store;

/* A string member ("" when absent) and an integer member (0 when absent). */
const char *petition_text(json_t *o, const char *key);
int64_t petition_int(json_t *o, const char *key);
/* Sets *reason (may be NULL) and returns ST_INVALID. */
int petition_refuse(const char **reason, const char *key);
/* The petitioner's link token of petition id: a keyed hash, so it can be printed again in any
 * message (the answer's rating link) without being stored; the row keeps only its hash. */
int petition_link_token(int64_t id, char token[PETITION_TOKEN_SIZE]);
int petition_token_hash(const char *token, char out[PERSONAL_HASH_HEX + 1]);
/* A timeline entry of p. */
int petition_event(struct store *store, json_t *p, time_t now, const char *kind, const char *actor,
                   const char *note);
/* The office's category (new reference) or NULL. */
json_t *petition_category_of(struct store *store, int64_t office_id, int64_t category_id);
/* Queues event to the petitioner through their contact, if any, with vars (an object the call
 * adds number, check_code, link and rating_url to). Inside the caller's transaction. */
int petition_notify(struct store *store, time_t now, json_t *p, const char *event, json_t *vars);

#endif
