/*
 * booking_demo.c - demo booking settings (booking.h, booking_demo_load) for `bianmin demo`: the
 * xinxing land office takes bookings for its first published services, booked pickups of
 * finished cases and a free legal consultation on Wednesday afternoons.
 */
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "domain/booking.h"
#include "domain/directory.h"
#include "store/booking.h"
#include "store/store.h"

#include "base/common.h"

enum { DEMO_BOOKABLE = 4 }; /* services of the demo office made bookable */

static int demo_config(struct store *store, struct arena *arena, const struct directory *dir,
                       const struct dir_office *office)
{
  struct store_booking_config row;
  size_t n = 0, used = 0, chosen = 0;
  if (store_booking_config_get(store, arena, office->id, &row) != ST_NOTFOUND)
    return ST_OK; /* set already (by an admin, or an earlier run): left as it is */
  const struct dir_service *services = directory_services(dir, office->id, &n);
  char text[DEMO_BOOKABLE * 21 + 1] = "";
  for (size_t i = 0; i < n && chosen < DEMO_BOOKABLE; i++) {
    if (!services[i].published)
      continue;
    used += (size_t)snprintf(text + used, sizeof(text) - used, "%s%lld", chosen ? "," : "",
                             (long long)services[i].id);
    chosen++;
  }
  row = (struct store_booking_config){
      30, 2, 1, 3, 14 * 60, 16 * 60, 4, 1, text, "免費法律諮詢", "Free legal consultation"};
  return store_booking_config_put(store, office->id, &row, 0);
}

int booking_demo_load(struct store *store)
{
  const struct directory *dir;
  struct arena *arena = arena_new(256 * 1024);
  if (!arena)
    return ST_NOMEM;
  directory_forget(); /* the offices and services were just loaded */
  int rc = directory_acquire(store, arena, &dir);
  const struct dir_office *office = rc ? NULL : directory_office_by_slug(dir, "xinxing");
  if (office)
    rc = demo_config(store, arena, dir, office);
  arena_free(arena);
  return rc;
}
