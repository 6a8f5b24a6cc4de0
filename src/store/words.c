/*
 * words.c - an office's case words (store.h, "Case words"), in portable SQL over the db.h seam.
 */
#include "store/db.h"
#include "store/store_impl.h"

#include "base/common.h"

int store_case_word_list(struct store *store, int64_t office_id, json_t **out)
{
  static const char sql[] = "SELECT office_id, code, word_zh, word_en FROM case_words WHERE "
                            "office_id = $1 ORDER BY code";
  return db_query(store, sql, DB_ARGS(DB_I(office_id)), out);
}

int store_case_word_put(struct store *store, int64_t office_id, const char *code,
                        const char *word_zh, const char *word_en)
{
  static const char sql[] =
      "INSERT INTO case_words (office_id, code, word_zh, word_en) VALUES ($1, $2, $3, $4) ON "
      "CONFLICT (office_id, code) DO UPDATE SET word_zh = excluded.word_zh, word_en = "
      "excluded.word_en WHERE case_words.word_zh <> excluded.word_zh OR case_words.word_en <> "
      "excluded.word_en";
  if (office_id <= 0)
    return store_fail(store, ST_INVALID, "office_id must be positive");
  int rc = db_exec(
      store, sql, DB_ARGS(DB_I(office_id), DB_S(code), DB_S(word_zh), DB_S(word_en ? word_en : "")),
      NULL);
  if (!rc)
    store_directory_touched(store);
  return rc;
}
