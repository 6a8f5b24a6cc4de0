/*
 * demo.h - loads the demo offices and their units (data/demo/offices.json) into a store, for
 * `bianmin demo`, tests and first-time trials.
 */
#ifndef BIANMIN_DOMAIN_DEMO_H
#define BIANMIN_DOMAIN_DEMO_H

#include <stddef.h>
#include <stdio.h>

struct store;

/* Reads path, a JSON object {"offices": [office, ...]} where each office is a store office
 * object (store.h) with a "units" array of store unit objects, and puts them all in ONE
 * transaction: either everything is written or nothing is. Offices are matched by slug and
 * units by code, so loading the same file again changes nothing. The store must be migrated
 * and must not be inside a transaction.
 * ST_IO when the file cannot be read, ST_INVALID when it is not valid JSON or a record is
 * refused; err then names the place (e.g. "offices[2].units[0]: unit code must match ...").
 * Then, for each office with a file catalog/<slug>.json beside path, imports that catalogue
 * (catalog_import_dir, forms relative to the catalog folder) in one transaction per office,
 * with announcement dates moved from 2026-02-10 to today (data/demo/catalog/README.md). */
int demo_load(struct store *store, const char *path, char *err, size_t err_size);

/* The demo plan (plan control, demo_plan.c): plan/xinxing.csv beside path imported for this
 * ROC year, unless the office has a plan for it already. */
int demo_plan_load(struct store *store, const char *path, char *err, size_t err_size);

/* Creates the demo staff accounts (one per role and office: "<office>-clerk", ...) with the
 * given password, unless they exist; prints each new login (and an admin's TOTP secret) to
 * out. Needs the secret keys loaded. */
int demo_staff_load(struct store *store, const char *password, FILE *out);

#endif
