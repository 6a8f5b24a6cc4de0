/*
 * read_model.h - helpers for the domain's typed read models (ARCHITECTURE.md "web/ speaks to
 * domain/ only"): a domain read fills C structs whose strings and arrays live in the caller's
 * arena (the request's), so a page frees nothing one by one and web never reads store rows.
 */
#ifndef BIANMIN_DOMAIN_READ_MODEL_H
#define BIANMIN_DOMAIN_READ_MODEL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct arena;

/* The text field key of row copied into arena: "" when missing or not text, NULL only when
 * the arena is full. */
const char *read_model_text(struct arena *arena, const json_t *row, const char *key);
/* The integer field key of row: 0 when missing or not an integer (SQL NULL). */
int64_t read_model_int(const json_t *row, const char *key);
/* Zeroed room for count elements of size bytes in arena (a valid pointer also for count 0);
 * NULL when the arena is full or the product overflows. */
void *read_model_array(struct arena *arena, size_t count, size_t size);
/* Store rows (an array) as typed elements of size bytes in arena, each filled from its row by
 * fill (which returns ST_NOMEM when the arena is full): *out and *count on success; the first
 * error otherwise (nothing set). */
typedef int (*read_model_fill)(struct arena *arena, const json_t *row, void *element);
int read_model_rows(struct arena *arena, const json_t *rows, size_t size, read_model_fill fill,
                    void **out, size_t *count);
/* Keeps value (a reference the caller gives up; NULL is fine) until arena is freed, when it is
 * released: for JSON a read model points into (a form's answers, an event's data). ST_NOMEM,
 * value released at once, when the arena cannot take it. */
int read_model_hold(struct arena *arena, json_t *value);

#endif
