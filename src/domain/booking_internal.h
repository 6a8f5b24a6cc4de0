/*
 * booking_internal.h - what booking.c and booking_read.c share (inside an open transaction).
 */
#ifndef BIANMIN_DOMAIN_BOOKING_INTERNAL_H
#define BIANMIN_DOMAIN_BOOKING_INTERNAL_H

#include "domain/booking.h"

struct directory;
struct store_booking_row;

/* The office's settings (the defaults when never saved). */
int booking_config_in(struct store *store, struct arena *arena, int64_t office_id,
                      struct booking_config *out);
bool booking_service_bookable(const struct booking_config *c, int64_t service_id);

/* What a lane offers: its kind, lane and places per slot. */
struct booking_lane_spec {
  const char *kind, *lane;
  int capacity;
};
struct booking_lane_spec booking_lane_of(struct arena *arena, const struct booking_config *c,
                                         const char *kind, int64_t unit_id);

/* The days from today with free places in slots that have not started (booking.h,
 * booking_offer_read). */
int booking_days_in(struct store *store, struct arena *arena, time_t now, int64_t office_id,
                    const struct booking_config *c, const struct booking_lane_spec *lane,
                    struct booking_day **days, size_t *n_days);

/* Whether (day, start) is a slot of the lane's kind under c that has not started at now; *end
 * receives its end. */
bool booking_slot_valid(const struct booking_config *c, const char *kind, time_t now, int64_t day,
                        int start_minute, int *end);

/* Minutes after local (Taipei) midnight of t. */
int booking_minute_of(time_t t);

/* A pickup's case (booking_offer_read): out's case_id, unit_id and case_key, or a refusal. */
int booking_pickup_case(struct store *store, struct arena *arena, time_t now, int64_t office_id,
                        const struct booking_what *what, case_writer_fn writer, void *writer_ctx,
                        struct booking_offer *out, const char **reason);

/* A stored row as the domain's booking. */
void booking_from_row(const struct directory *dir, time_t now, const struct store_booking_row *row,
                      struct booking *out);

#endif
