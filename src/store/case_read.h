/*
 * case_read.h - the store's part of reading a case for the public (domain/case_read.c): the
 * case row with what else it has, in one statement, so the lookup knows which of the further
 * reads (events always; payments and uploads only when there are any) it needs.
 */
#ifndef BIANMIN_STORE_CASE_READ_H
#define BIANMIN_STORE_CASE_READ_H

#include <jansson.h>
#include <stdint.h>

struct store;

/* The public columns of a case (no sealed personal data, no check code) plus "check_code"
 * (compared by the domain, never shown), "fee_due" (case_fees, 0 when unset),
 * "payment_count" and "upload_count". ST_NOTFOUND when there is no such case. */
int store_case_public_by_key(struct store *store, int64_t office_id, const char *case_key,
                             json_t **row);
int store_case_public_by_token(struct store *store, const char *token_hash, json_t **row);

#endif
