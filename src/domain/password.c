/*
 * password.c - new passwords checked with libpwquality (password.h).
 *
 * The settings are set here, not read from /etc/security/pwquality.conf, so that every node
 * applies the same rules: length is counted by accounts_password_policy (characters, not
 * bytes), so libpwquality's own minimum is its lowest; dictionary and user-name checks on; no
 * lookup of the system's accounts (staff are not system users).
 */
#include <pthread.h>
#include <pwquality.h>
#include <string.h>

#include "domain/password.h"

#include "base/common.h"

enum { BAD_WORDS_MAX = 1024 };

static pthread_mutex_t cracklib_lock = PTHREAD_MUTEX_INITIALIZER;

/* The office's words as libpwquality's space-separated list. A name's own spaces are dropped
 * ("Xinxing Land Office" -> "XinxingLandOffice"): its single words ("office") would refuse
 * every password holding them. */
static void bad_words(const char *const *words, size_t count, char out[BAD_WORDS_MAX])
{
  size_t used = 0;
  out[0] = '\0';
  for (size_t i = 0; i < count; i++) {
    size_t len = words[i] ? strlen(words[i]) : 0;
    if (!len || BAD_WORDS_MAX - used < len + 2)
      continue;
    if (used)
      out[used++] = ' ';
    for (size_t j = 0; j < len; j++)
      if (words[i][j] != ' ')
        out[used++] = words[i][j];
    out[used] = '\0';
  }
}

static const char *reason_of(int score)
{
  switch (score) {
  case PWQ_ERROR_CRACKLIB_CHECK:
    return "account_err_password_common";
  case PWQ_ERROR_USER_CHECK:
  case PWQ_ERROR_GECOS_CHECK:
  case PWQ_ERROR_BAD_WORDS:
    return "account_err_password_personal";
  default:
    return "account_err_password_simple";
  }
}

static pwquality_settings_t *settings_for(const char *const *office_words, size_t word_count)
{
  char words[BAD_WORDS_MAX];
  pwquality_settings_t *s = pwquality_default_settings();
  bad_words(office_words, word_count, words);
  if (s && (pwquality_set_int_value(s, PWQ_SETTING_MIN_LENGTH, 6) ||
            pwquality_set_int_value(s, PWQ_SETTING_DICT_CHECK, 1) ||
            pwquality_set_int_value(s, PWQ_SETTING_USER_CHECK, 1) ||
            pwquality_set_int_value(s, PWQ_SETTING_GECOS_CHECK, 0) ||
            (*words && pwquality_set_str_value(s, PWQ_SETTING_BAD_WORDS, words)))) {
    pwquality_free_settings(s);
    s = NULL;
  }
  return s;
}

int password_quality(const char *password, const char *username, const char *const *office_words,
                     size_t word_count, const char **reason)
{
  void *aux = NULL;
  pwquality_settings_t *s = settings_for(office_words, word_count);
  if (!s)
    return ST_NOMEM;
  pthread_mutex_lock(&cracklib_lock);
  int score = pwquality_check(s, password, NULL, username, &aux);
  pthread_mutex_unlock(&cracklib_lock);
  pwquality_free_settings(s); /* aux is libpwquality's (cracklib's static message, or a number) */
  if (score == PWQ_ERROR_MEM_ALLOC || score == PWQ_ERROR_FATAL_FAILURE)
    return ST_NOMEM;
  if (score >= 0)
    return ST_OK;
  *reason = reason_of(score);
  return ST_INVALID;
}
