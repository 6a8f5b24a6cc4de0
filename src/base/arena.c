/*
 * arena.c - bump allocator over a chain of blocks, with cleanup hooks. Freeing wipes the used
 * part of every block first (explicit_bzero).
 *
 * Recycled arenas (arena_new_recycled, one per HTTP request): the arena and its first block
 * are kept by the thread that freed them, up to ARENA_SPARES of them, and handed out again.
 * The kept block is allocated zeroed and wiped after each use, so its unused part is always
 * zero and arena_alloc hands it out without clearing it again (block.zeroed).
 */
#include "base/arena.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/common.h"

/* A recycled arena's kept block holds a whole progress lookup (about 16 KB used). */
enum {
  ARENA_BLOCK_SIZE = 16 * 1024,
  ARENA_RECYCLED_BLOCK = 32 * 1024,
  ARENA_ALIGN = 16,
  ARENA_SPARES = 4
};

struct block {
  struct block *next;
  size_t size;
  size_t used;
  bool zeroed; /* data[used..size) is all zeros (a recycled arena's kept block) */
  _Alignas(16) unsigned char data[];
};

struct cleanup {
  struct cleanup *next;
  void (*fn)(void *);
  void *data;
};

struct arena {
  struct block *head;
  struct cleanup *cleanups;
  size_t total;
  size_t max_bytes;
  struct block *kept; /* a recycled arena's first block (zeroed), NULL otherwise */
};

/* The calling thread's spare recycled arenas, freed by spares_release when the thread ends. */
struct spares {
  struct arena *list[ARENA_SPARES];
  size_t count;
  bool registered; /* spares_key holds this thread's list */
};
static _Thread_local struct spares spares;
static pthread_key_t spares_key;
static pthread_once_t spares_once = PTHREAD_ONCE_INIT;
static bool spares_key_ok;

struct arena *arena_new(size_t max_bytes)
{
  struct arena *arena = calloc(1, sizeof(*arena));
  if (!arena)
    return NULL;
  arena->max_bytes = max_bytes;
  return arena;
}

/* Wipes the used part of every block and frees all but the kept block, which is left empty
 * (and, wiped, all zeros). */
static void wipe_blocks(struct arena *arena)
{
  struct block *b = arena->head;
  while (b) {
    struct block *next = b->next;
    /* ASVS 8.3.6: what a request opened (personal data, tokens) does not linger in freed heap
     * memory; only the bytes handed out are wiped, which the compiler may not drop. */
    explicit_bzero(b->data, b->used);
    if (b != arena->kept)
      free(b);
    b = next;
  }
  arena->head = arena->kept;
  arena->total = 0;
  if (arena->kept) {
    arena->kept->used = 0;
    arena->kept->next = NULL;
    arena->total = arena->kept->size;
  }
}

static void arena_destroy(struct arena *arena)
{
  free(arena->kept);
  free(arena);
}

static void spares_release(void *list)
{
  struct spares *s = list;
  while (s->count)
    arena_destroy(s->list[--s->count]);
}

static void spares_key_create(void)
{
  spares_key_ok = pthread_key_create(&spares_key, spares_release) == 0;
}

/* Keeps a wiped recycled arena as a spare of this thread; false when there is no room. */
static bool spares_put(struct arena *arena)
{
  if (spares.count == ARENA_SPARES)
    return false;
  if (!spares.registered) {
    pthread_once(&spares_once, spares_key_create);
    if (!spares_key_ok || pthread_setspecific(spares_key, &spares) != 0)
      return false;
    spares.registered = true;
  }
  spares.list[spares.count++] = arena;
  return true;
}

struct arena *arena_new_recycled(size_t max_bytes)
{
  struct arena *arena = spares.count ? spares.list[--spares.count] : NULL;
  if (arena && arena->kept->size <= max_bytes) {
    arena->max_bytes = max_bytes;
    return arena;
  }
  if (arena)
    arena_destroy(arena);
  size_t size = max_bytes < ARENA_RECYCLED_BLOCK ? max_bytes : ARENA_RECYCLED_BLOCK;
  arena = arena_new(max_bytes);
  struct block *b = arena ? calloc(1, sizeof(*b) + size) : NULL;
  if (!b) {
    free(arena);
    return NULL;
  }
  b->size = size;
  b->zeroed = true;
  arena->kept = arena->head = b;
  arena->total = size;
  return arena;
}

void arena_free(struct arena *arena)
{
  if (!arena)
    return;
  for (struct cleanup *c = arena->cleanups; c; c = c->next)
    c->fn(c->data);
  arena->cleanups = NULL;
  wipe_blocks(arena);
  if (!arena->kept || !spares_put(arena))
    arena_destroy(arena);
}

static struct block *arena_grow(struct arena *arena, size_t need)
{
  size_t size = need > ARENA_BLOCK_SIZE ? need : ARENA_BLOCK_SIZE;
  if (arena->max_bytes - arena->total < size) {
    if (arena->max_bytes - arena->total < need)
      return NULL;
    size = need;
  }
  struct block *b = malloc(sizeof(*b) + size);
  if (!b)
    return NULL;
  b->size = size;
  b->used = 0;
  b->zeroed = false;
  b->next = arena->head;
  arena->head = b;
  arena->total += size;
  return b;
}

void *arena_alloc(struct arena *arena, size_t size)
{
  if (size == 0)
    size = 1;
  if (size > SIZE_MAX - ARENA_ALIGN)
    return NULL;
  size_t rounded = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
  struct block *b = arena->head;
  if (!b || b->size - b->used < rounded) {
    b = arena_grow(arena, rounded);
    if (!b)
      return NULL;
  }
  void *p = b->data + b->used;
  b->used += rounded;
  if (!b->zeroed)
    memset(p, 0, size);
  return p;
}

char *arena_strndup(struct arena *arena, const char *s, size_t len)
{
  if (len == SIZE_MAX)
    return NULL;
  char *p = arena_alloc(arena, len + 1);
  if (!p)
    return NULL;
  memcpy(p, s, len);
  p[len] = '\0';
  return p;
}

char *arena_strdup(struct arena *arena, const char *s)
{
  return arena_strndup(arena, s, strlen(s));
}

char *arena_vprintf(struct arena *arena, const char *fmt, va_list ap)
{
  va_list copy;
  va_copy(copy, ap);
  int n = vsnprintf(NULL, 0, fmt, copy);
  va_end(copy);
  if (n < 0)
    return NULL;
  char *p = arena_alloc(arena, (size_t)n + 1);
  if (!p)
    return NULL;
  vsnprintf(p, (size_t)n + 1, fmt, ap);
  return p;
}

char *arena_printf(struct arena *arena, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  char *p = arena_vprintf(arena, fmt, ap);
  va_end(ap);
  return p;
}

int arena_on_free(struct arena *arena, void (*fn)(void *), void *data)
{
  struct cleanup *c = arena_alloc(arena, sizeof(*c));
  if (!c)
    return ST_NOMEM;
  c->fn = fn;
  c->data = data;
  c->next = arena->cleanups;
  arena->cleanups = c;
  return ST_OK;
}

size_t arena_used(const struct arena *arena)
{
  return arena->total;
}
