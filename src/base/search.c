/*
 * search.c - the search tokeniser and query terms (search.h), shared by every database backend.
 *
 * Why bigrams: most Chinese words are two characters (買賣, 過戶, 謄本) and Chinese has no spaces.
 * FTS5's trigram tokenizer cannot match a query shorter than three characters, and a dictionary
 * segmenter would need a dictionary to ship and maintain. Overlapping bigrams find every word of
 * two or more characters with no dictionary; a longer query is matched as a phrase of its
 * bigrams, so "抵押權" only matches text where 抵押 is followed by 押權.
 */
#include "base/search.h"

#include <string.h>
#include <utf8proc.h>

#include "base/text.h"

#include "base/common.h"

/* Citizens' words -> the words the catalogue uses. A query term containing a left-hand word is
 * also searched with it replaced (as an alternative: the term as typed still matches). Keep the
 * list to words people really type at the counter or on the phone. */
static const struct search_synonym synonyms[] =
    {
        {"過戶", "移轉"}, /* a sale is registered as 買賣移轉登記 */
        {"權狀", "書狀"}, /* 所有權狀 is printed as 書狀 in service names */
        {"房屋", "建物"}, /* registration law says 建物 */
        {"房子", "建物"},         {"遺產", "繼承"}, /* inheritance registration */
        {"房貸", "抵押"},                           /* a mortgage loan is registered as 抵押權 */
        {"貸款", "抵押"},         {"還清", "塗銷"}, /* paying off -> 抵押權塗銷 */
        {"註銷", "塗銷"},         {"補發", "補給"}, /* a lost deed is re-issued: 書狀補給 */
        {"遺失", "補給"},         {"騰本", "謄本"}, /* a frequent miswriting of 謄本 */
        {"地段號", "地號"},       {"界址", "鑑界"}, /* "where is my boundary" -> 鑑界 */
        {"界樁", "鑑界"},         {"測量", "複丈"}, /* land resurveys are 複丈 */
        {"搬家", "住址變更"},     {"改地址", "住址變更"}, {"送給", "贈與"},
        {"贈送", "贈與"},         {"老人卡", "敬老卡"},   {"當兵", "兵役"},
        {"租屋", "租金"}, /* 租金補貼 is the housing subsidy's name */
        {"分區證明", "使用分區"}, {"糾紛", "調解"},       {"公告現值", "土地現值"},
};

const struct search_synonym *search_synonyms(size_t *count)
{
  *count = ARRAY_LEN(synonyms);
  return synonyms;
}

bool search_is_cjk(unsigned cp)
{
  /* Han (radicals, ideographs, extensions, compatibility), 々, kana (without the middle dot
   * U+30FB, which separates), bopomofo and Hangul syllables. */
  static const unsigned ranges[][2] = {
      {0x2E80, 0x2FDF}, {0x3005, 0x3005}, {0x3040, 0x30FA},   {0x30FC, 0x30FF},
      {0x3100, 0x312F}, {0x31A0, 0x31BF}, {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},
      {0xAC00, 0xD7AF}, {0xF900, 0xFAFF}, {0x20000, 0x3134F},
  };
  for (size_t i = 0; i < ARRAY_LEN(ranges); i++)
    if (cp >= ranges[i][0] && cp <= ranges[i][1])
      return true;
  return false;
}

struct tokenizer {
  search_token_fn fn;
  void *ctx;
  int rc;
  char word[SEARCH_TOKEN_MAX + 1];
  size_t word_len, word_start, word_end;
  char prev[8]; /* the previous CJK character, UTF-8 */
  size_t prev_len, prev_start, prev_end, run;
};

static void emit(struct tokenizer *t, const char *token, size_t len, size_t start, size_t end)
{
  if (!t->rc && len)
    t->rc = t->fn(t->ctx, token, len, start, end);
}

static void flush_word(struct tokenizer *t)
{
  if (t->word_len) {
    t->word[t->word_len] = '\0';
    emit(t, t->word, t->word_len, t->word_start, t->word_end);
  }
  t->word_len = 0;
}

static void flush_cjk(struct tokenizer *t)
{
  if (t->run == 1) {
    char one[8];
    memcpy(one, t->prev, t->prev_len);
    one[t->prev_len] = '\0';
    emit(t, one, t->prev_len, t->prev_start, t->prev_end);
  }
  t->run = 0;
}

static void add_cjk(struct tokenizer *t, const char *utf8, size_t len, size_t start, size_t end)
{
  flush_word(t);
  if (t->run) {
    char pair[16];
    memcpy(pair, t->prev, t->prev_len);
    memcpy(pair + t->prev_len, utf8, len);
    pair[t->prev_len + len] = '\0';
    emit(t, pair, t->prev_len + len, t->prev_start, end);
  }
  memcpy(t->prev, utf8, len);
  t->prev_len = len;
  t->prev_start = start;
  t->prev_end = end;
  t->run++;
}

static void add_word_char(struct tokenizer *t, const char *utf8, size_t len, size_t start,
                          size_t end)
{
  flush_cjk(t);
  if (t->word_len == 0)
    t->word_start = start;
  t->word_end = end;
  if (t->word_len + len <= SEARCH_TOKEN_MAX) {
    memcpy(t->word + t->word_len, utf8, len);
    t->word_len += len;
  }
}

static bool is_word_char(utf8proc_int32_t cp)
{
  switch (utf8proc_category(cp)) {
  case UTF8PROC_CATEGORY_LU:
  case UTF8PROC_CATEGORY_LL:
  case UTF8PROC_CATEGORY_LT:
  case UTF8PROC_CATEGORY_LM:
  case UTF8PROC_CATEGORY_LO:
  case UTF8PROC_CATEGORY_ND:
  case UTF8PROC_CATEGORY_NL:
  case UTF8PROC_CATEGORY_NO:
    return true;
  default:
    return false;
  }
}

/* Feeds one code point of the input, found at [start, end), through NFKC and case folding. */
static void add_code_point(struct tokenizer *t, utf8proc_int32_t cp, size_t start, size_t end)
{
  utf8proc_int32_t mapped[8];
  utf8proc_ssize_t n = 1;
  mapped[0] = cp;
  /* Hangul syllables stay whole (decomposing would give jamo). */
  if (!(cp >= 0xAC00 && cp <= 0xD7AF)) {
    int options = UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK |
                  UTF8PROC_IGNORE;
    n = utf8proc_decompose_char(cp, mapped, (utf8proc_ssize_t)ARRAY_LEN(mapped), options, NULL);
  }
  if (n < 0 || n > (utf8proc_ssize_t)ARRAY_LEN(mapped)) {
    mapped[0] = ' ';
    n = 1;
  }
  for (utf8proc_ssize_t i = 0; i < n; i++) {
    utf8proc_uint8_t utf8[4];
    size_t len = (size_t)utf8proc_encode_char(mapped[i], utf8);
    if (search_is_cjk((unsigned)mapped[i])) {
      add_cjk(t, (const char *)utf8, len, start, end);
    } else if (is_word_char(mapped[i])) {
      add_word_char(t, (const char *)utf8, len, start, end);
    } else {
      flush_word(t);
      flush_cjk(t);
    }
  }
}

int search_tokens(const char *text, size_t len, search_token_fn fn, void *ctx)
{
  struct tokenizer t = {.fn = fn, .ctx = ctx};
  size_t pos = 0;
  while (pos < len && !t.rc) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t n =
        utf8proc_iterate((const utf8proc_uint8_t *)text + pos, (utf8proc_ssize_t)(len - pos), &cp);
    if (n <= 0) {
      n = 1;
      cp = ' ';
    }
    add_code_point(&t, cp, pos, pos + (size_t)n);
    pos += (size_t)n;
  }
  flush_word(&t);
  flush_cjk(&t);
  return t.rc;
}

struct term_shape {
  size_t tokens;
  size_t cjk_unigrams;
};

static int count_token(void *ctx, const char *token, size_t len, size_t start, size_t end)
{
  struct term_shape *shape = ctx;
  utf8proc_int32_t cp;
  shape->tokens++;
  if (utf8proc_iterate((const utf8proc_uint8_t *)token, (utf8proc_ssize_t)len, &cp) ==
          (utf8proc_ssize_t)len &&
      search_is_cjk((unsigned)cp))
    shape->cjk_unigrams++;
  return 0;
}

static bool is_ascii_alnum(const char *s)
{
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
      return false;
  return true;
}

/* The term with the first occurrence of from replaced by to, in the arena. */
static const char *replace_once(struct arena *arena, const char *term, const char *from,
                                const char *to)
{
  const char *at = strstr(term, from);
  if (!at)
    return NULL;
  return arena_printf(arena, "%.*s%s%s", (int)(at - term), term, to, at + strlen(from));
}

static int add_variants(struct arena *arena, struct search_term *term)
{
  for (size_t i = 0; i < ARRAY_LEN(synonyms) && term->variant_count < SEARCH_VARIANTS_MAX; i++) {
    if (!strstr(term->variants[0], synonyms[i].from))
      continue;
    const char *variant = replace_once(arena, term->variants[0], synonyms[i].from, synonyms[i].to);
    if (!variant)
      return ST_NOMEM;
    term->variants[term->variant_count++] = variant;
  }
  return ST_OK;
}

static int add_term(struct arena *arena, const char *text, size_t len, struct search_term *term,
                    bool *kept)
{
  struct term_shape shape = {0};
  char *copy = arena_strndup(arena, text, len);
  if (!copy)
    return ST_NOMEM;
  search_tokens(copy, len, count_token, &shape);
  *kept = shape.tokens > 0;
  if (!*kept)
    return ST_OK;
  memset(term, 0, sizeof(*term));
  term->variants[0] = copy;
  term->variant_count = 1;
  term->latin = is_ascii_alnum(copy);
  term->lone_cjk = shape.tokens == 1 && shape.cjk_unigrams == 1;
  return add_variants(arena, term);
}

int search_terms(struct arena *arena, const char *query, struct search_term *terms, size_t *count)
{
  *count = 0;
  const char *folded = text_normalize(arena, query ? query : "", true);
  if (!folded)
    return ST_INVALID;
  const char *p = folded;
  while (*p && *count < SEARCH_TERMS_MAX) {
    p += strspn(p, " \t\r\n");
    size_t len = strcspn(p, " \t\r\n");
    if (len == 0)
      break;
    bool kept = false;
    int rc = add_term(arena, p, len, &terms[*count], &kept);
    if (rc)
      return rc;
    if (kept)
      (*count)++;
    p += len;
  }
  return ST_OK;
}
