/*
 * lookup.h - offices, units and services by id, as pages that want the store's records need
 * them, read from the in-memory directory (domain/directory.h: ARCHITECTURE.md "What rarely
 * changes is read once"). Records are private copies of the store's jansson objects (store/store.h
 * "Offices", "Units", "Services"), owned by the caller. Code that has a request arena can use
 * the directory's typed records directly instead.
 */
#ifndef BIANMIN_DOMAIN_LOOKUP_H
#define BIANMIN_DOMAIN_LOOKUP_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct store;

/* Every office, by id. */
int lookup_offices(struct store *store, json_t **out);
/* The office with this id; ST_NOTFOUND when none. */
int lookup_office(struct store *store, int64_t office_id, json_t **out);
/* The office's units, by sort and id. */
int lookup_units(struct store *store, int64_t office_id, json_t **out);
/* Whether unit_id (0 = none, always true) is one of the office's units; false also when the
 * units cannot be read. */
bool lookup_unit_belongs(struct store *store, int64_t office_id, int64_t unit_id);
/* Whether code names one of the office's units (false also when they cannot be read). */
bool lookup_unit_code_belongs(struct store *store, int64_t office_id, const char *code);
/* The office's service with this id, published or not; ST_NOTFOUND for another office's. */
int lookup_service(struct store *store, int64_t office_id, int64_t id, json_t **out);

#endif
