/*
 * queue_internal.h - what queue.c shares with queue_admin.c (inside an open transaction).
 */
#ifndef BIANMIN_DOMAIN_QUEUE_INTERNAL_H
#define BIANMIN_DOMAIN_QUEUE_INTERNAL_H

#include "domain/queue.h"

/* The office's queues and counters (queue_office_read without its own transaction). */
int queue_office_in(struct store *store, struct arena *arena, time_t now, int64_t office_id,
                    struct queue_office *out);

/* The office's settings from the admin page (queue_admin.c), outside any transaction: the
 * board's own announcement ("" when none) and the "turn is near" number offered. */
int queue_board_note(struct store *store, struct arena *arena, int64_t office_id, const char **zh,
                     const char **en);
int64_t queue_turn_near_of(struct store *store, int64_t office_id);

#endif
