/*
 * opendata.h - the store's part of the open datasets (domain/opendata.h): the indicators'
 * counters (migration 29) summed per (month, service) for one office, and their hours
 * histogram, read in one pass each; never the cases.
 */
#ifndef BIANMIN_STORE_OPENDATA_H
#define BIANMIN_STORE_OPENDATA_H

#if defined(BIANMIN_LAYER_WEB) || defined(BIANMIN_LAYER_WORKERS)
#error                                                                                             \
    "web/ and workers/ may not include store/ headers: call the domain (docs/ARCHITECTURE.md, Layers)"
#endif

#include <stddef.h>
#include <stdint.h>

struct arena;
struct store;

/* The sums of one (month YYYYMM, service) of the office, ordered by month then service. */
struct store_od_month {
  int64_t month, service_id;
  int64_t received, online_received, completed, on_time, used_minutes;
};
int store_od_months_read(struct store *store, struct arena *arena, int64_t office_id,
                         struct store_od_month **rows, size_t *count);

/* Completed cases of one (month, service) by working hours, ordered by month, service, hours. */
struct store_od_hours {
  int64_t month, service_id, hours, cases;
};
int store_od_hours_read(struct store *store, struct arena *arena, int64_t office_id,
                        struct store_od_hours **rows, size_t *count);

/* When what a dataset counts last changed at the office: OD_ACTIVITY_PETITIONS (a petition
 * received or answered), OD_ACTIVITY_TICKETS (a ticket taken or finished), OD_ACTIVITY_SURVEYS
 * (a survey answered); 0 when nothing yet. */
enum store_od_activity { OD_ACTIVITY_PETITIONS, OD_ACTIVITY_TICKETS, OD_ACTIVITY_SURVEYS };
int store_od_activity(struct store *store, int64_t office_id, enum store_od_activity what,
                      int64_t *at);

#endif
