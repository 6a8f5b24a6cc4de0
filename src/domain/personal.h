/*
 * personal.h - personal data (個資法, DOMAIN.md): checks of national ID numbers and business
 * numbers, masking for public pages and analyst views, sealing at rest and keyed lookup hashes.
 *
 * Masking conventions (all outputs go to a caller buffer of out_size bytes; ST_LIMIT when the
 * result and its NUL do not fit, ST_INVALID for invalid UTF-8 or a refused shape; on any error
 * out is set to "" when out_size > 0):
 *   names   Han-script names (no ASCII space, not all ASCII) are masked per code point with ○
 *           (U+25CB): 1 char "○" (never shown whole), 2 chars 王明 -> 王○, 3 chars 王小明 -> 王○明,
 *           4 or more keep the first two (a compound surname such as 歐陽) and the last one:
 *           歐陽小明 -> 歐陽○明, 5 chars ABCDE -> AB○○E. Names that are all ASCII or contain a
 *           space are masked word by word: each space-separated word keeps its first code point
 *           and every further code point becomes '*': "John Smith" -> "J*** S****". "" -> "".
 *   ids     exactly 10 ASCII letters or digits (national ID, resident certificate, old or new):
 *           the last 4 become '*': A123456789 -> A12345****. The checksum is not required.
 *   phones  digits and the separators space - ( ) +, at most PERSONAL_PHONE_MAX bytes, at least
 *           one digit. Digits are counted across separators (which stay in place): the first 4
 *           and the last 3 digits are kept and the rest become '*'. When that would hide fewer
 *           than 3 digits, fewer are kept (head and tail shrink in turn) so at least 3 (or all,
 *           for numbers of 3 digits or fewer) are hidden: 0912345678 -> 0912***678,
 *           02-2345-6789 -> 02-23**-*789, 2345-6789 -> 234*-**89. Normalise full-width digits
 *           (NFKC) first.
 *   emails  the local part (before the last '@') keeps its first code point followed by a fixed
 *           "***" (which hides its length); the domain is kept: wang@example.com ->
 *           w***@example.com. Both parts must be non-empty and without controls or spaces.
 */
#ifndef BIANMIN_DOMAIN_PERSONAL_H
#define BIANMIN_DOMAIN_PERSONAL_H

#include <stdbool.h>
#include <stddef.h>

#define PERSONAL_ID_LEN 10
/* Input longer than this is refused by personal_id_normalize before normalising. */
#define PERSONAL_ID_INPUT_MAX 128
#define PERSONAL_PHONE_MAX    32
#define PERSONAL_HASH_HEX     64

/* True for a national ID number (身分證統一編號, second character 1 or 2), a new-format
 * resident certificate number (second character 8 or 9): one letter A-Z (a-z accepted too) and
 * 9 ASCII digits with a correct check digit (DOMAIN.md); or an old-format resident certificate
 * number (舊式居留證): a letter, a second letter A-D and 8 digits, e.g. FA12345689, whose
 * second letter counts with the last digit of its letter value weighted 8, the digits weighted
 * 7..1 and the check digit 1. No whitespace, nothing else. */
bool personal_id_valid(const char *id);

/* What a citizen typed -> the canonical ID: NFKC (full-width letters and digits become ASCII),
 * every space removed, upper case, then checked with personal_id_valid. out gets the 10
 * characters and a NUL. ST_INVALID (out "") when invalid, ST_NOMEM. */
int personal_id_normalize(const char *in, char out[PERSONAL_ID_LEN + 1]);
/* The same for an applicant's ID at intake, which may also be a business number (統一編號,
 * personal_business_no_valid): the one canonical form stored and hashed. */
int personal_applicant_id_normalize(const char *in, char out[PERSONAL_ID_LEN + 1]);

/* True for a 統一編號: 8 ASCII digits, weights 1,2,1,2,1,2,4,1, digit sums of products, total
 * divisible by 5; when the 7th digit is 7 the total with that product counted as 0 also counts. */
bool personal_business_no_valid(const char *no);

int personal_mask_name(const char *name, char *out, size_t out_size);
int personal_mask_id(const char *id, char *out, size_t out_size);
int personal_mask_phone(const char *phone, char *out, size_t out_size);
int personal_mask_email(const char *email, char *out, size_t out_size);

/* Seals text for storage with the KEYS_SEAL subkey (format: keys_seal). *sealed is malloc'd.
 * ST_INVALID when no key is loaded or plain is NULL, ST_LIMIT, ST_NOMEM. */
int personal_seal(const char *plain, char **sealed);

/* Opens personal_seal text. *plain is malloc'd; free it with personal_free. ST_INVALID on a
 * wrong format, wrong key, tampering or no key loaded; ST_NOMEM. */
int personal_open(const char *sealed, char **plain);

/* Wipes (sodium_memzero) and frees text from personal_open. NULL is fine. */
void personal_free(char *plain);

/* Keyed hash for exact lookups without storing the value in clear: lowercase hex of
 * crypto_generichash (32 bytes) keyed with the KEYS_LOOKUP subkey. Hash the normalised form
 * (personal_id_normalize, digits-only phones, ...) so equal values give equal hashes.
 * ST_INVALID when no key is loaded or normalized is NULL. */
int personal_lookup_hash(const char *normalized, char out[PERSONAL_HASH_HEX + 1]);

#endif
