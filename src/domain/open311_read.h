/*
 * open311_read.h - Open311 service requests as one typed read model: GET requests,
 * GET requests/{id} and GET tokens/{token} each make one call, inside one read transaction.
 *
 * A service request is a case created through the API (store_api_request_*). Nothing here
 * carries personal data or the applicant's free text: the service, the state, the dates and,
 * with notes, the public timeline as kinds and statuses (never a note's text).
 *
 * Strings live in the arena given to the call and are never NULL ("" when empty).
 */
#ifndef BIANMIN_DOMAIN_OPEN311_READ_H
#define BIANMIN_DOMAIN_OPEN311_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct store;

enum { OPEN311_IDS_MAX = 100 }; /* service_request_id=a,b,c: the first 100 are read */

/* One entry of the public timeline: every status move (to_status) and each public event. */
struct open311_note {
  int64_t at;
  bool status; /* a status move; otherwise a public event of kind */
  const char *kind, *to_status;
};

struct open311_request {
  const char *case_key, *status, *service_code, *service_name_zh, *service_name_en;
  int64_t requested_at, received_at, updated_at, closed_at, due_at; /* 0: not set */
  struct open311_note *notes;                                       /* only when asked for */
  size_t note_count;
  /* From the case's workflow version (open311.h): at a final step, and its outcome (NULL). */
  bool closed;
  const char *outcome;
  /* The step's name in that workflow version ("" when it does not name it: an old row). */
  const char *status_zh, *status_en;
};

/* What GET requests asks for. With ids ("a,b", empty items skipped) only those requests of
 * the office, in that order, and no other filter applies. Otherwise service_codes ("a,b":
 * service slugs of the office, NULL for any), status ("open", "closed", "" for any),
 * requested_at within [from, to], newest first, limit and offset. */
struct open311_request_query {
  int64_t office_id;
  const char *ids;
  const char *service_codes, *status;
  int64_t from, to, limit, offset;
  bool notes;
};

/* The requests the query names into *out (*count of them). ST_NOTFOUND when a service code
 * is not one of the office's services (published or not). */
int open311_requests_read(struct store *store, struct arena *arena,
                          const struct open311_request_query *query, struct open311_request **out,
                          size_t *count);
/* One request of the office by its case key (service_request_id); ST_NOTFOUND when none. */
int open311_request_read(struct store *store, struct arena *arena, int64_t office_id,
                         const char *case_key, bool notes, struct open311_request *out);

#endif
