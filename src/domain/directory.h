/*
 * directory.h - offices, units and services held in memory per process.
 *
 * They change a few times a year and are read by nearly every page, so a process reads them
 * once into an immutable snapshot and reads them again only when the database's directory
 * version moves (store/directory.h). A request takes the current snapshot with
 * directory_acquire; it stays valid until the request's arena is freed, even if a newer one
 * replaces it meanwhile.
 *
 * The FAQ and announcements move the same version (migration 18), for what the search and the
 * FAQ page keep per snapshot (domain/search_cache.h). So do a service's form links (migration
 * 14's triggers on service_forms), which the snapshot holds with each service: the public
 * service page reads nothing from the database.
 *
 * How soon an edit is seen: at once by the process that made it (it counts its own commits),
 * and within DIRECTORY_CHECK_MS by every other process (each checks the version at most that
 * often, on the next request after the interval).
 *
 * The typed records point into the snapshot: their strings are never NULL ("" when empty).
 * `record` is the store's whole record, for what is JSON by nature (a service's form
 * questions and fee schedule, the API's documents); read only.
 */
#ifndef BIANMIN_DOMAIN_DIRECTORY_H
#define BIANMIN_DOMAIN_DIRECTORY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct store;

enum { DIRECTORY_CHECK_MS = 1000 };

struct dir_office {
  int64_t id;
  const char *slug, *name_zh, *name_en, *kind, *city_zh, *city_en, *address_zh, *address_en;
  const char *phone, *email, *hours_zh, *hours_en, *case_word_zh, *case_word_code;
  const json_t *record;
  const char *path; /* "/o/<slug>/", joined once when the directory is read (NULL: join it) */
};

struct dir_unit {
  int64_t id, office_id, sort;
  const char *code, *name_zh, *name_en, *floor_zh, *floor_en, *counter, *phone, *duties_zh,
      *duties_en;
  const json_t *record;
  /* "name duties" in each language, normalised for matching (text_normalize, folded): made
   * once when the directory is read, not per search. */
  const char *search_zh, *search_en;
};

/* A form file linked to a service (service_forms joined with files): a blank form or a
 * filled-in example. Files never change once stored, and every change to a service's links
 * moves the directory's version, so the links are held with the service. */
struct dir_form {
  const char *sha256, *kind, *format, *title_zh, *title_en, *name; /* kind: "form"|"example" */
  int64_t size;                                                    /* bytes */
};

/* A list field of a service (steps, required documents): its lines in order, never NULL. */
struct dir_lines {
  const char *const *items;
  size_t count;
};

/* What the public pages show of a service beyond its name and fee ("check before you go"),
 * typed once when the directory is read. Multi-line texts keep their line breaks (the pages
 * split them into paragraphs). */
struct dir_service_info {
  const char *unit_code; /* its unit's code ("" when none) */
  const char *topic;     /* a catalogue topic (domain/catalog.h) or "" */
  const char *summary_zh, *summary_en, *eligibility_zh, *eligibility_en;
  struct dir_lines steps_zh, steps_en, documents_zh, documents_en;
  const char *where_zh, *where_en, *floor_zh, *floor_en, *counter, *hours_zh, *hours_en;
  const char *online_url;
  const char *updated_at; /* ISO 8601 UTC, when the record last changed */
  bool channel_counter, channel_online, channel_mail;
  bool has_fee_schedule; /* a land office's fee schedule (domain/fee_schedule.h) is set */
  /* a 即時 service's limit for a case arriving online, by post or through the API (working
   * minutes; 0: the default, domain/cases.h case_time_limit_for) */
  int64_t remote_instant_minutes;
};

struct dir_service {
  int64_t id, office_id, unit_id; /* unit_id 0: none */
  const char *slug, *name_zh, *name_en, *fee_zh, *fee_en, *workflow, *case_word_code;
  bool has_fee_amount; /* fee_amount is set (NT$) */
  int64_t fee_amount, time_limit_minutes;
  bool published, online_capable;
  const json_t *record;         /* the form's questions and the fee schedule, JSON by nature */
  const struct dir_form *forms; /* by sort, then the order they were set in */
  size_t form_count;
  struct dir_service_info info;
};

/* A case word of an office (收件字, migration 20): code "EB02", word_zh "新測". The office's own
 * word (offices.case_word_code / case_word_zh) is always one of its words, with or without a
 * case_words row (a row, if any, is what is shown). */
struct dir_word {
  int64_t office_id;
  const char *code, *word_zh, *word_en;
};

struct directory;

/* The current snapshot, checked against the database as described above and reloaded when it
 * moved; released when arena is freed. ST_DB when the database cannot be read and no snapshot
 * was ever loaded (a stale snapshot is kept when a check fails). */
int directory_acquire(struct store *store, struct arena *arena, const struct directory **out);

/* A number no other snapshot of this process has (never 0): what was computed from the
 * catalogue while dir was current may be kept under it (domain/search_cache.h). */
uint64_t directory_serial(const struct directory *dir);

/* NULL when there is none. */
const struct dir_office *directory_office(const struct directory *dir, int64_t id);
const struct dir_office *directory_office_by_slug(const struct directory *dir, const char *slug);
const struct dir_unit *directory_unit(const struct directory *dir, int64_t id);
const struct dir_service *directory_service(const struct directory *dir, int64_t id);
const struct dir_service *directory_service_by_slug(const struct directory *dir, int64_t office_id,
                                                    const char *slug);

/* Every office by id; an office's units by sort and id; an office's services (published and
 * not) in the catalogue's order (unit, sort, id). *count receives the length. */
const struct dir_office *directory_offices(const struct directory *dir, size_t *count);
const struct dir_unit *directory_units(const struct directory *dir, int64_t office_id,
                                       size_t *count);
const struct dir_service *directory_services(const struct directory *dir, int64_t office_id,
                                             size_t *count);

/* The office's word of that code, NULL when the office has none (office may be NULL). */
const struct dir_word *directory_word(const struct directory *dir, const struct dir_office *office,
                                      const char *code);
/* Every word of an office; *count receives the length. */
const struct dir_word *directory_words(const struct directory *dir, int64_t office_id,
                                       size_t *count);
/* The Chinese word printed for code at office: the word's word_zh, "" when there is none (the
 * printed number then shows the code). */
const char *directory_word_zh(const struct directory *dir, const struct dir_office *office,
                              const char *code);

/* The office's word whose Chinese word occurs in text (a number as printed, "115年 新測字
 * 第000001號"), the longest when several do; NULL when none does (office may be NULL). Lookups
 * pass it to case_number_parse_for. */
const struct dir_word *directory_printed_word(const struct directory *dir,
                                              const struct dir_office *office, const char *text);

/* The language's variant of a bilingual pair: en when lang is "en" and en is not empty. */
const char *directory_pick(const char *zh, const char *en, const char *lang);
/* The same for a pair of lists: en when lang is "en" and en has lines. */
const struct dir_lines *directory_pick_lines(const struct dir_lines *zh, const struct dir_lines *en,
                                             const char *lang);

/* Drops the snapshot so the next directory_acquire reads the database (tests, copy-db). */
void directory_forget(void);

#endif
