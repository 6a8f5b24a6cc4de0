/*
 * demo_store.h - what the domain's unit tests start from: a fresh SQLite store in a temporary
 * folder of its own, migrated and holding the demo offices, and the test key and government
 * calendars that case code needs. Header only: each unit test is its own executable.
 */
#ifndef BIANMIN_TESTS_UNIT_DEMO_STORE_H
#define BIANMIN_TESTS_UNIT_DEMO_STORE_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "domain/cases.h"
#include "domain/demo.h"
#include "domain/keys.h"
#include "store/store.h"

enum { DEMO_STORE_DIR_SIZE = 64 };

/* Makes dir a new folder /tmp/bianmin-<name>-XXXXXX and opens <dir>/db there, migrated and
 * holding the demo offices; *office_id is the id of the office `slug`. 0, or -1 with the reason
 * on stderr. */
static inline int demo_store_open(char dir[DEMO_STORE_DIR_SIZE], const char *name, const char *slug,
                                  struct store **store, int64_t *office_id)
{
  char path[DEMO_STORE_DIR_SIZE + 8], err[512] = "";
  json_t *office = NULL;
  snprintf(dir, DEMO_STORE_DIR_SIZE, "/tmp/bianmin-%s-XXXXXX", name);
  if (!mkdtemp(dir)) {
    perror("setup: mkdtemp");
    return -1;
  }
  snprintf(path, sizeof(path), "%s/db", dir);
  if (store_open(path, store, err, sizeof(err)) || store_migrate(*store, NULL) ||
      demo_load(*store, BIANMIN_SOURCE_DIR "/data/demo/offices.json", err, sizeof(err)) ||
      store_office_get(*store, slug, &office)) {
    fprintf(stderr, "setup: %s\n", *err ? err : "no such demo office");
    return -1;
  }
  *office_id = json_integer_value(json_object_get(office, "id"));
  json_decref(office);
  return 0;
}

/* The fixed test key (secrets, check codes) and the calendars in data/calendar. 0, or -1 with
 * the reason on stderr. */
static inline int demo_keys_and_calendar(void)
{
  char err[256];
  if (keys_load_hex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff")) {
    fprintf(stderr, "setup: the test key\n");
    return -1;
  }
  if (cases_calendar_load_dir(BIANMIN_SOURCE_DIR "/data/calendar", err, sizeof(err))) {
    fprintf(stderr, "setup: %s\n", err);
    return -1;
  }
  return 0;
}

#endif
