/*
 * petition.h - the store of petitions and the director's mailbox (migration 27; domain/petition.h
 * says what they mean). Rows are jansson objects with the column names as keys; times are unix
 * seconds. Only src/domain includes this header.
 */
#ifndef BIANMIN_STORE_PETITION_H
#define BIANMIN_STORE_PETITION_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct store;

/* An office's categories by sort and id: {"id", "office_id", "code", "name_zh", "name_en",
 * "unit_id" (0 none), "answer_days", "canned_zh", "canned_en", "sort"}. */
int store_petition_categories(struct store *store, int64_t office_id, json_t **out);
/* Adds or (same office and code) changes a category. */
int store_petition_category_put(struct store *store, int64_t office_id, json_t *category);
/* The next number of the office's petitions in roc_year (1, 2, ...). */
int store_petition_next_serial(struct store *store, int64_t office_id, int roc_year,
                               int64_t *serial);
/* Inserts a petition row (every column but id; missing ones take their defaults). */
int store_petition_insert(struct store *store, json_t *petition, int64_t *id);
/* Writes the changeable columns of row (status, petition_key, check_code, category_id, unit_id,
 * code_hash, code_expires_at, code_tries, due_at, reminded_at, answered_at, flag, flag_by,
 * flag_confirmed_by, transferred_to, answer, answer_state, answer_by, approved_by,
 * duplicate_of, confidential, token_hash) back; ST_NOTFOUND when it is not the office's. */
int store_petition_update(struct store *store, json_t *row);
int store_petition_get(struct store *store, int64_t office_id, int64_t id, json_t **out);
int store_petition_by_token(struct store *store, const char *token_hash, json_t **out);
int store_petition_by_key(struct store *store, int64_t office_id, const char *key, json_t **out);
/* The office's petitions of a list: "open" (open, by due date), "overdue" (open and due before
 * now), "flags" (a §173 flag awaiting a supervisor), "approval" (an answer awaiting approval),
 * "all" (newest first); only unit_id's when unit_id > 0; at most limit. */
int store_petition_list(struct store *store, int64_t office_id, int64_t unit_id, const char *list,
                        int64_t now, int64_t limit, json_t **out);
/* The office's earlier petitions from the same contact (its keyed hash), newest first:
 * {"id", "petition_key", "subject", "status", "answered_at", "unit_id" (0 none)}. */
int store_petition_same_contact(struct store *store, int64_t office_id, const char *contact_hash,
                                int64_t before_id, json_t **out);
/* How many petitions of the office were started online from this contact since since (verified
 * or not): the limit on one-time codes sent to one address. */
int store_petition_started_since(struct store *store, int64_t office_id, const char *contact_hash,
                                 int64_t since, int64_t *count);
/* Deletes online filings never verified that were started before before. */
int store_petition_purge_unverified(struct store *store, int64_t before, int64_t *deleted);
/* Records the rating once: ST_CONFLICT when the petition was rated already. */
int store_petition_rate(struct store *store, int64_t id, int64_t rating, int64_t now);
/* A timeline entry. */
int store_petition_event_add(struct store *store, int64_t petition_id, int64_t office_id,
                             int64_t at, const char *kind, const char *actor, const char *note);
int store_petition_events(struct store *store, int64_t petition_id, json_t **out);
/* A letter's scan: bytes (len) stored with the petition. */
int store_petition_file_add(struct store *store, int64_t petition_id, int64_t office_id,
                            const char *name, const char *mime, const void *bytes, size_t len,
                            int64_t now, int64_t *id);
/* A petition's files without their bytes: [{"id", "name", "mime", "size", "created_at"}]. */
int store_petition_files(struct store *store, int64_t petition_id, json_t **out);
/* One file of an office's petition: *meta {"id", "petition_id", "name", "mime", "size"} and its
 * bytes (malloc'd). ST_NOTFOUND when none. */
int store_petition_file_get(struct store *store, int64_t office_id, int64_t petition_id, int64_t id,
                            json_t **meta, void **bytes, size_t *len);
/* What the public statistics count: every verified petition of the office with category_id,
 * received_at, answered_at, due_at, status and flag (no personal data). */
int store_petition_stats_rows(struct store *store, int64_t office_id, json_t **out);
/* Open petitions of every office due at or before horizon and not reminded yet. */
int store_petition_reminders_due(struct store *store, int64_t horizon, json_t **out);

#endif
