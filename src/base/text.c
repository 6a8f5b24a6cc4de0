/* text.c - normalisation and simple term matching over utf8proc. */
#include "base/text.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "base/common.h"

char *text_normalize(struct arena *arena, const char *s, bool fold)
{
  utf8proc_uint8_t *mapped = NULL;
  int options = UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT;
  if (fold)
    options |= UTF8PROC_CASEFOLD;
  utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, 0, &mapped, options);
  if (n < 0)
    return NULL;
  char *copy = arena_strndup(arena, (const char *)mapped, (size_t)n);
  free(mapped);
  return copy;
}

size_t text_length(const char *s)
{
  size_t n = 0;
  for (; *s; s++)
    if (((unsigned char)*s & 0xC0) != 0x80)
      n++;
  return n;
}

bool text_matches_all_terms(const char *haystack, const char *query)
{
  bool any = false;
  const char *p = query;
  while (*p) {
    while (*p == ' ' || *p == '\t')
      p++;
    size_t len = strcspn(p, " \t");
    if (len == 0)
      break;
    char term[256];
    if (len >= sizeof(term))
      return false;
    memcpy(term, p, len);
    term[len] = '\0';
    if (!strstr(haystack, term))
      return false;
    any = true;
    p += len;
  }
  return any;
}
