/*
 * i18n.h - translations from gettext .mo files, one catalogue per language, loaded at start
 * and looked up per request (ARCHITECTURE.md explains why not glibc's gettext).
 *
 * Languages are "zh-TW" (the default) and "en". Message ids are keys such as "home_title"
 * (letters, digits, underscores, so templates can write {{t.home_title}}).
 */
#ifndef BIANMIN_RENDER_I18N_H
#define BIANMIN_RENDER_I18N_H

#if defined(BIANMIN_LAYER_DOMAIN)
#error                                                                                             \
    "domain/ formats and renders no text: it returns data, rendered in web/ or workers/ (docs/ARCHITECTURE.md, Layers)"
#endif

#include <jansson.h>
#include <stddef.h>

#include "render/view.h"

#define I18N_DEFAULT_LANG "zh-TW"

struct i18n_catalog;

/* Parses a .mo file (either byte order). ST_INVALID with a message in err when malformed. */
int i18n_load_mo(const char *path, struct i18n_catalog **out, char *err, size_t err_size);
/* Same from memory (for tests and fuzzing). */
int i18n_parse_mo(const unsigned char *data, size_t len, struct i18n_catalog **out, char *err,
                  size_t err_size);
void i18n_free(struct i18n_catalog *catalog);

/* The translation of msgid, or msgid itself when the catalogue has none. */
const char *i18n_get(const struct i18n_catalog *catalog, const char *msgid);
/* All translations as one JSON object msgid -> msgstr (new reference), for templates. */
json_t *i18n_to_json(const struct i18n_catalog *catalog);
/* The same as an indexed view map whose keys and texts point into the catalogue (which must
 * outlive it); built once at start, read by every request. */
struct view i18n_to_view(const struct i18n_catalog *catalog, struct view_builder *b);
size_t i18n_count(const struct i18n_catalog *catalog);

/* True for the languages we serve ("zh-TW", "en"). Accepts the aliases of i18n_normalize. */
int i18n_supported(const char *lang);
/* Maps a language tag to one we serve: zh, zh-TW, zh-Hant, zh-Hant-TW, zh_TW -> "zh-TW";
 * en, en-US, en-GB ... -> "en"; anything else -> NULL. Case-insensitive. */
const char *i18n_normalize(const char *tag, size_t len);

/* Picks the page language: the ?lang= parameter, then the cookie, then Accept-Language (by
 * q-values, ties by order), then the default. Each argument may be NULL. */
const char *i18n_negotiate(const char *query_lang, const char *cookie_lang,
                           const char *accept_language);

/* The value for <html lang="">: "zh-Hant-TW" or "en". */
const char *i18n_html_lang(const char *lang);

#endif
