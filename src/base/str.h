/*
 * str.h - length-delimited string slices and the checked parsers that replace atoi and
 * friends. Request text is never assumed to be NUL-terminated.
 */
#ifndef BIANMIN_BASE_STR_H
#define BIANMIN_BASE_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct str {
  const char *ptr;
  size_t len;
};

#define STR_LIT(s) ((struct str){(s), sizeof(s) - 1})

struct str str_from(const char *cstr);
bool str_eq(struct str a, struct str b);
bool str_eq_cstr(struct str a, const char *b);
bool str_case_eq_cstr(struct str a, const char *b);
bool str_starts_with(struct str s, const char *prefix);
struct str str_trim(struct str s);

/* True when s is well-formed UTF-8 without NUL bytes, without C0 controls other than tab, CR
 * and LF (and, when allow_newlines is false, without CR and LF either), and without the
 * bidirectional embedding, override and isolate controls (str_has_bidi_control), and without
 * the noncharacters U+FFFE and U+FFFF (not characters of XML). This is the
 * one text rule of the program: every value a request carries (path, query, form, multipart
 * field and file name) and every text the domain stores goes through it. */
bool str_valid_text(struct str s, bool allow_newlines);
/* True when s holds U+202A..U+202E (LRE RLE PDF LRO RLO) or U+2066..U+2069 (LRI RLI FSI
 * PDI): characters that reorder the text after them until their end, so a name or note could
 * show other staff or a citizen something else than it says ("Trojan Source"). The marks
 * U+200E, U+200F and U+061C (LRM RLM ALM) are allowed: they open no span, only settle the
 * direction of the characters next to them, and mixed-script text uses them honestly. */
bool str_has_bidi_control(struct str s);

/* Parses an optionally signed decimal integer that must lie in [min, max]; the whole slice
 * must be digits. Returns ST_OK, or ST_INVALID for syntax or range errors. */
int str_to_int64(struct str s, int64_t min, int64_t max, int64_t *out);

/* The value of one hex digit (either case), or -1. */
int str_hex_value(char c);
/* Hex text (even length) to bytes: *out malloc'd (the caller frees), *len its length.
 * ST_INVALID for a character that is not a hex digit or an odd length, ST_NOMEM. */
int str_unhex(const char *hex, unsigned char **out, size_t *len);

/* Copies a slice into a fixed buffer; ST_LIMIT when it would not fit with its NUL. */
/* v in decimal into out (no NUL), at least width digits (zero-padded after any '-'); returns
 * the length. One writer for the places that must not pay for printf. */
enum { STR_DECIMAL_SIZE = 24 };
size_t str_decimal(int64_t v, int width, char out[STR_DECIMAL_SIZE]);

int str_copy(char *dst, size_t dst_size, struct str src);

/* FNV-1a, the hash of the program's in-memory tables (rate limits, translations, routes):
 * continues h (STR_HASH_START for a new hash) over the n bytes at p. */
#define STR_HASH_START 2166136261u
static inline uint32_t str_hash(uint32_t h, const void *p, size_t n)
{
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++)
    h = (h ^ b[i]) * 16777619u;
  return h;
}

#endif
