/*
 * personal.c - ID and business number checks, masking, sealing and lookup hashes of personal
 * data (personal.h). Masking works on validated UTF-8 only, so what it copies is never a
 * fragment of a character.
 */
#include "domain/personal.h"

#include <sodium.h>
#include <stdint.h>
#include <string.h>

#include "base/arena.h"
#include "base/str.h"
#include "base/text.h"
#include "domain/keys.h"
#include "base/common.h"

#define NAME_MASK        "\xE2\x97\x8B" /* ○ U+25CB WHITE CIRCLE */
#define ASCII_MASK       "*"
#define EMAIL_MASK       "***"
#define ID_KEEP          6
#define PHONE_KEEP_HEAD  4
#define PHONE_KEEP_TAIL  3
#define PHONE_MIN_HIDDEN 3
/* Normalising a refused-if-longer input of PERSONAL_ID_INPUT_MAX bytes fits easily. */
#define ID_ARENA_MAX 4096

/* A caller's fixed buffer being filled; always NUL-terminated. */
struct out {
  char *ptr;
  size_t size;
  size_t len;
};

static int out_start(struct out *o, char *ptr, size_t size)
{
  o->ptr = ptr;
  o->size = size;
  o->len = 0;
  if (!ptr || size == 0)
    return ST_LIMIT;
  ptr[0] = '\0';
  return ST_OK;
}

static int out_put(struct out *o, const char *s, size_t n)
{
  if (o->size - o->len <= n)
    return ST_LIMIT;
  memcpy(o->ptr + o->len, s, n);
  o->len += n;
  o->ptr[o->len] = '\0';
  return ST_OK;
}

/* Clears the output on failure so a half-masked value is never shown. */
static int out_finish(struct out *o, int rc)
{
  if (rc && o->ptr && o->size > 0)
    o->ptr[0] = '\0';
  return rc;
}

/* Length of the code point starting at lead byte c of already validated UTF-8. */
static size_t code_point_len(unsigned char c)
{
  if (c < 0x80)
    return 1;
  if (c < 0xE0)
    return 2;
  return c < 0xF0 ? 3 : 4;
}

static bool is_digit(char c)
{
  return c >= '0' && c <= '9';
}

static bool is_ascii_alnum(char c)
{
  return is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* --- ID numbers and business numbers ------------------------------------------------------ */

/* DOMAIN.md: the number each first letter stands for. */
static const unsigned char id_letter_values[26] = {
    10, 11, 12, 13, 14, 15, 16, 17, 34, 18, 19, 20, 21, /* A..M */
    22, 35, 23, 24, 25, 26, 27, 28, 29, 32, 30, 31, 33, /* N..Z */
};

/* The sum of the first letter's two digits weighted 1 and 9: the start of both checksums. */
static int letter_sum(char letter)
{
  if (letter >= 'a' && letter <= 'z')
    letter = (char)(letter - 'a' + 'A');
  if (letter < 'A' || letter > 'Z')
    return -1;
  int value = id_letter_values[letter - 'A'];
  return value / 10 + (value % 10) * 9;
}

/* Adds digits id[from..9] weighted from..., the last weighted 1; -1 when one is not a digit. */
static int digits_sum(const char *id, int from, const int *weights)
{
  int sum = 0;
  for (int i = from; i < PERSONAL_ID_LEN; i++) {
    if (!is_digit(id[i]))
      return -1;
    sum += (id[i] - '0') * weights[i - from];
  }
  return sum;
}

/* The old-format resident certificate (舊式居留證, two letters and 8 digits, e.g. FA12345689):
 * the second letter (A to D) counts with the last digit of its letter value, weighted 8. */
static bool old_resident_valid(const char *id)
{
  static const int weights[8] = {7, 6, 5, 4, 3, 2, 1, 1};
  char second = (char)(id[1] >= 'a' && id[1] <= 'z' ? id[1] - 'a' + 'A' : id[1]);
  if (second < 'A' || second > 'D')
    return false;
  int first = letter_sum(id[0]), rest = digits_sum(id, 2, weights);
  return first >= 0 && rest >= 0 &&
         (first + (id_letter_values[second - 'A'] % 10) * 8 + rest) % 10 == 0;
}

bool personal_id_valid(const char *id)
{
  static const int weights[9] = {8, 7, 6, 5, 4, 3, 2, 1, 1};
  if (!id || strnlen(id, PERSONAL_ID_LEN + 1) != PERSONAL_ID_LEN)
    return false;
  if (!is_digit(id[1]))
    return old_resident_valid(id);
  if (id[1] != '1' && id[1] != '2' && id[1] != '8' && id[1] != '9')
    return false;
  int first = letter_sum(id[0]), rest = digits_sum(id, 1, weights);
  return first >= 0 && rest >= 0 && (first + rest) % 10 == 0;
}

/* in as NFKC text without any whitespace, upper case, into out (size bytes); ST_INVALID when
 * it is longer. */
static int compact_upper(const char *in, char *out, size_t size)
{
  struct arena *arena = arena_new(ID_ARENA_MAX);
  char *normalized = arena ? text_normalize(arena, in, false) : NULL;
  size_t o = 0;
  int rc = normalized ? ST_OK : ST_NOMEM;
  for (const char *p = normalized; !rc && *p; p++) {
    if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
      continue;
    if (o + 1 >= size)
      rc = ST_INVALID;
    else
      out[o++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
  }
  out[o] = '\0';
  arena_free(arena);
  return rc;
}

int personal_id_normalize(const char *in, char out[PERSONAL_ID_LEN + 1])
{
  char candidate[PERSONAL_ID_LEN + 2];
  out[0] = '\0';
  if (!in || strnlen(in, PERSONAL_ID_INPUT_MAX + 1) > PERSONAL_ID_INPUT_MAX ||
      !str_valid_text(str_from(in), true))
    return ST_INVALID;
  int rc = compact_upper(in, candidate, sizeof(candidate));
  if (rc)
    return rc;
  if (!personal_id_valid(candidate))
    return ST_INVALID;
  memcpy(out, candidate, PERSONAL_ID_LEN + 1);
  return ST_OK;
}

int personal_applicant_id_normalize(const char *in, char out[PERSONAL_ID_LEN + 1])
{
  char candidate[PERSONAL_ID_LEN + 2];
  int rc = personal_id_normalize(in, out);
  if (rc != ST_INVALID || !in || strnlen(in, PERSONAL_ID_INPUT_MAX + 1) > PERSONAL_ID_INPUT_MAX ||
      !str_valid_text(str_from(in), true))
    return rc;
  rc = compact_upper(in, candidate, sizeof(candidate));
  if (rc)
    return rc;
  if (!personal_business_no_valid(candidate))
    return ST_INVALID;
  memcpy(out, candidate, strlen(candidate) + 1);
  return ST_OK;
}

/* Digit sum of a product of at most 9 x 4 = 36, repeated once more for 28 -> 10 -> 1. */
static int digit_sum(int product)
{
  int sum = product / 10 + product % 10;
  return sum >= 10 ? sum / 10 + sum % 10 : sum;
}

bool personal_business_no_valid(const char *no)
{
  static const int weights[8] = {1, 2, 1, 2, 1, 2, 4, 1};
  if (!no || strnlen(no, 9) != 8)
    return false;
  int sum = 0;
  for (int i = 0; i < 8; i++) {
    if (!is_digit(no[i]))
      return false;
    sum += digit_sum((no[i] - '0') * weights[i]);
  }
  if (sum % 5 == 0)
    return true;
  /* 7 x 4 = 28 -> 10 -> 1 above; the rule lets that product count as 0 instead. */
  return no[6] == '7' && (sum - 1) % 5 == 0;
}

/* --- masking ------------------------------------------------------------------------------ */

static size_t count_code_points(const char *s)
{
  size_t n = 0;
  for (size_t i = 0; s[i]; i += code_point_len((unsigned char)s[i]))
    n++;
  return n;
}

static bool is_all_ascii(const char *s)
{
  for (; *s; s++)
    if ((unsigned char)*s >= 0x80)
      return false;
  return true;
}

/* "John Smith" -> "J*** S****": the first code point of each word stays. */
static int mask_words(const char *name, struct out *o)
{
  int rc = ST_OK;
  bool word_start = true;
  for (size_t i = 0; name[i] && rc == ST_OK;) {
    size_t n = code_point_len((unsigned char)name[i]);
    if (name[i] == ' ') {
      rc = out_put(o, " ", 1);
      word_start = true;
    } else {
      rc = word_start ? out_put(o, name + i, n) : out_put(o, ASCII_MASK, 1);
      word_start = false;
    }
    i += n;
  }
  return rc;
}

/* 王小明 -> 王○明, 王明 -> 王○, 歐陽小明 -> 歐陽○明 (personal.h). */
static int mask_han(const char *name, struct out *o)
{
  size_t count = count_code_points(name);
  size_t head = count == 1 ? 0 : count <= 3 ? 1 : 2;
  size_t tail = count >= 3 ? 1 : 0;
  int rc = ST_OK;
  size_t index = 0;
  for (size_t i = 0; name[i] && rc == ST_OK; index++) {
    size_t n = code_point_len((unsigned char)name[i]);
    if (index < head || index >= count - tail)
      rc = out_put(o, name + i, n);
    else
      rc = out_put(o, NAME_MASK, sizeof(NAME_MASK) - 1);
    i += n;
  }
  return rc;
}

int personal_mask_name(const char *name, char *out, size_t out_size)
{
  struct out o;
  int rc = out_start(&o, out, out_size);
  if (rc)
    return rc;
  if (!name || !str_valid_text(str_from(name), false))
    return ST_INVALID;
  if (is_all_ascii(name) || strchr(name, ' '))
    rc = mask_words(name, &o);
  else
    rc = mask_han(name, &o);
  return out_finish(&o, rc);
}

int personal_mask_id(const char *id, char *out, size_t out_size)
{
  struct out o;
  int rc = out_start(&o, out, out_size);
  if (rc)
    return rc;
  if (!id || strnlen(id, PERSONAL_ID_LEN + 1) != PERSONAL_ID_LEN)
    return ST_INVALID;
  for (size_t i = 0; i < PERSONAL_ID_LEN; i++)
    if (!is_ascii_alnum(id[i]))
      return ST_INVALID;
  rc = out_put(&o, id, ID_KEEP);
  if (!rc)
    rc = out_put(&o, "****", PERSONAL_ID_LEN - ID_KEEP);
  return out_finish(&o, rc);
}

/* Counts the digits of phone; ST_INVALID for any character but digits and separators. */
static int phone_digit_count(const char *phone, size_t *count)
{
  *count = 0;
  if (!phone || strnlen(phone, PERSONAL_PHONE_MAX + 1) > PERSONAL_PHONE_MAX)
    return ST_INVALID;
  for (const char *p = phone; *p; p++) {
    if (is_digit(*p))
      (*count)++;
    else if (!strchr(" -()+", *p))
      return ST_INVALID;
  }
  return *count > 0 ? ST_OK : ST_INVALID;
}

int personal_mask_phone(const char *phone, char *out, size_t out_size)
{
  struct out o;
  size_t count = 0, head = PHONE_KEEP_HEAD, tail = PHONE_KEEP_TAIL;
  int rc = out_start(&o, out, out_size);
  if (rc)
    return rc;
  if (phone_digit_count(phone, &count))
    return ST_INVALID;
  /* Shrink what is kept, head first, until at least PHONE_MIN_HIDDEN digits are hidden. */
  for (bool shrink_head = true; head + tail + PHONE_MIN_HIDDEN > count && head + tail > 0;
       shrink_head = !shrink_head) {
    if (shrink_head && head > 0)
      head--;
    else if (tail > 0)
      tail--;
    else
      head--;
  }
  size_t digit = 0;
  for (const char *p = phone; *p && rc == ST_OK; p++) {
    bool keep = !is_digit(*p) || digit < head || digit >= count - tail;
    if (is_digit(*p))
      digit++;
    rc = out_put(&o, keep ? p : ASCII_MASK, 1);
  }
  return out_finish(&o, rc);
}

int personal_mask_email(const char *email, char *out, size_t out_size)
{
  struct out o;
  int rc = out_start(&o, out, out_size);
  if (rc)
    return rc;
  if (!email || !str_valid_text(str_from(email), false) || strpbrk(email, " \t"))
    return ST_INVALID;
  const char *at = strrchr(email, '@');
  if (!at || at == email || at[1] == '\0')
    return ST_INVALID;
  size_t first = code_point_len((unsigned char)email[0]);
  if (first > (size_t)(at - email))
    return ST_INVALID;
  rc = out_put(&o, email, first);
  if (!rc)
    rc = out_put(&o, EMAIL_MASK, sizeof(EMAIL_MASK) - 1);
  if (!rc)
    rc = out_put(&o, at, strlen(at));
  return out_finish(&o, rc);
}

/* --- sealing and lookup hashes ------------------------------------------------------------ */

int personal_seal(const char *plain, char **sealed)
{
  *sealed = NULL;
  if (!plain)
    return ST_INVALID;
  return keys_seal(KEYS_SEAL, (const unsigned char *)plain, strlen(plain), sealed);
}

int personal_open(const char *sealed, char **plain)
{
  unsigned char *data = NULL;
  size_t len = 0;
  *plain = NULL;
  int rc = keys_open(KEYS_SEAL, sealed, &data, &len);
  if (rc)
    return rc;
  if (memchr(data, '\0', len)) { /* sealed as bytes, not as text: not ours */
    keys_wipe_free(data, len);
    return ST_INVALID;
  }
  *plain = (char *)data;
  return ST_OK;
}

void personal_free(char *plain)
{
  if (plain)
    keys_wipe_free(plain, strlen(plain));
}

int personal_lookup_hash(const char *normalized, char out[PERSONAL_HASH_HEX + 1])
{
  unsigned char hash[PERSONAL_HASH_HEX / 2];
  const unsigned char *key = keys_subkey(KEYS_LOOKUP);
  out[0] = '\0';
  if (!key || !normalized)
    return ST_INVALID;
  crypto_generichash(hash, sizeof(hash), (const unsigned char *)normalized, strlen(normalized), key,
                     KEYS_SUBKEY_BYTES);
  sodium_bin2hex(out, PERSONAL_HASH_HEX + 1, hash, sizeof(hash));
  return ST_OK;
}
