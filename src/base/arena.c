/*
 * arena.c - bump allocator over a chain of blocks, with cleanup hooks. Freeing wipes the used
 * part of every block first (explicit_bzero).
 */
#include "base/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/common.h"

enum { ARENA_BLOCK_SIZE = 16 * 1024, ARENA_ALIGN = 16 };

struct block {
  struct block *next;
  size_t size;
  size_t used;
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
};

struct arena *arena_new(size_t max_bytes)
{
  struct arena *arena = calloc(1, sizeof(*arena));
  if (!arena)
    return NULL;
  arena->max_bytes = max_bytes;
  return arena;
}

void arena_free(struct arena *arena)
{
  if (!arena)
    return;
  for (struct cleanup *c = arena->cleanups; c; c = c->next)
    c->fn(c->data);
  struct block *b = arena->head;
  while (b) {
    struct block *next = b->next;
    /* ASVS 8.3.6: what a request opened (personal data, tokens) does not linger in freed heap
     * memory; only the bytes handed out are wiped, which the compiler may not drop. */
    explicit_bzero(b->data, b->used);
    free(b);
    b = next;
  }
  free(arena);
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
