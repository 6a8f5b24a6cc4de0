/*
 * arena.h - a per-request memory pool. Everything allocated from an arena dies with it;
 * nothing request-scoped is freed one by one. Every arena has a named maximum size so a
 * hostile request cannot make the process allocate without bound.
 */
#ifndef BIANMIN_BASE_ARENA_H
#define BIANMIN_BASE_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

/* Creates an arena that refuses to grow beyond max_bytes in total. NULL on allocation failure. */
struct arena *arena_new(size_t max_bytes);
/* The same for an arena made and freed very often (one per HTTP request): it comes from the
 * calling thread's few spare arenas when there is one. arena_free of such an arena wipes what
 * was used just the same, then keeps it (with its first block, whose wiped bytes are the zeros
 * the next arena_alloc hands out) as a spare of the freeing thread; a thread's spares are freed
 * when it ends. */
struct arena *arena_new_recycled(size_t max_bytes);
/* Runs the cleanup hooks, then wipes (explicit_bzero) the used part of every block and frees
 * them (ASVS 8.3.6: a request's opened personal data does not stay in freed memory). */
void arena_free(struct arena *arena);

/* Returns zeroed memory aligned for any type, or NULL when the limit or memory runs out. */
void *arena_alloc(struct arena *arena, size_t size);
char *arena_strndup(struct arena *arena, const char *s, size_t len);
char *arena_strdup(struct arena *arena, const char *s);
char *arena_printf(struct arena *arena, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *arena, const char *fmt, va_list ap);

/* Registers fn(data) to run when the arena is freed (closing files, freeing json_t, ...). */
int arena_on_free(struct arena *arena, void (*fn)(void *), void *data);

size_t arena_used(const struct arena *arena);

#endif
