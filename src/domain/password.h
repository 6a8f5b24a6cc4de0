/*
 * password.h - whether a new staff password is good enough, beyond its length: libpwquality
 * (Debian's libpwquality1, as PAM's pam_pwquality uses it) with its cracklib dictionary of
 * common words and passwords, its check against the user name (also reversed or with its case
 * changed), and the office's own words (its slug and names) as "bad words".
 */
#ifndef BIANMIN_DOMAIN_PASSWORD_H
#define BIANMIN_DOMAIN_PASSWORD_H

#include <stddef.h>

/* ST_OK, or ST_INVALID with *reason a translation key saying why in words a person can act on:
 * "account_err_password_common" (in the dictionary of common or leaked passwords, or a word
 * from it with a few changes), "account_err_password_personal" (built from the user name or
 * the office's name), "account_err_password_simple" (too simple otherwise: repeated or
 * sequential characters, a palindrome). office_words: the office's slug and names (NULL
 * entries skipped). Thread-safe (cracklib itself is not: calls are serialised). */
int password_quality(const char *password, const char *username, const char *const *office_words,
                     size_t word_count, const char **reason);

#endif
