/*
 * sqlite_fts.c - the "bigram" FTS5 tokenizer: FTS5's C tokenizer API over search_tokens()
 * (base/search.h), registered on every connection before anything touches search_index.
 * Documents and queries go through the same function, so a query's bigrams are the indexed
 * ones (ARCHITECTURE.md "As built", Search).
 */
#include <sqlite3.h>

#include "base/search.h"
#include "store/sqlite_internal.h"

#include "base/common.h"

/* FTS5 wants a non-NULL tokenizer instance; ours keeps no state. */
static int tokenizer_instance;

struct token_sink {
  void *fts_ctx;
  int (*token)(void *ctx, int flags, const char *token, int len, int start, int end);
};

static int pass_token(void *ctx, const char *token, size_t len, size_t start, size_t end)
{
  struct token_sink *sink = ctx;
  return sink->token(sink->fts_ctx, 0, token, (int)len, (int)start, (int)end);
}

static int bigram_create(void *user, const char **args, int arg_count, Fts5Tokenizer **out)
{
  *out = (Fts5Tokenizer *)&tokenizer_instance;
  return SQLITE_OK;
}

static void bigram_delete(Fts5Tokenizer *tokenizer)
{
}

static int
bigram_tokenize(Fts5Tokenizer *tokenizer, void *ctx, int flags, const char *text, int len,
                int (*token)(void *ctx, int flags, const char *token, int len, int start, int end))
{
  struct token_sink sink = {ctx, token};
  if (len <= 0)
    return SQLITE_OK;
  return search_tokens(text, (size_t)len, pass_token, &sink);
}

static fts5_api *fts5_api_of(sqlite3 *db)
{
  fts5_api *api = NULL;
  sqlite3_stmt *stmt = NULL;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_bind_pointer(stmt, 1, (void *)&api, "fts5_api_ptr", NULL) == SQLITE_OK)
    sqlite3_step(stmt);
  sqlite3_finalize(stmt);
  return api;
}

int sqlite_fts_register(sqlite3 *db)
{
  static fts5_tokenizer bigram = {bigram_create, bigram_delete, bigram_tokenize};
  fts5_api *api = fts5_api_of(db);
  if (!api || api->iVersion < 2)
    return ST_DB;
  return api->xCreateTokenizer(api, "bigram", NULL, &bigram, NULL) == SQLITE_OK ? ST_OK : ST_DB;
}
