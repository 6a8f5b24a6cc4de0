/*
 * case_documents.c - documents checked online instead of on paper (store/case_documents.h),
 * in portable SQL over the db.h seam.
 */
#include "store/case_documents.h"
#include "store/db.h"
#include "store/store_impl.h"

#include "base/common.h"

int store_case_documents_insert(struct store *store, const struct store_case_documents *d)
{
  static const char sql[] =
      "INSERT INTO case_document_checks (case_id, office_id, received_at, unit_id, service_id, "
      "channel, required, on_paper, online, online_documents) VALUES ($1, $2, $3, $4, $5, $6, $7, "
      "$8, $9, $10)";
  return db_exec(store, sql,
                 DB_ARGS(DB_I(d->case_id), DB_I(d->office_id), DB_I(d->received_at),
                         DB_I(d->unit_id), DB_I(d->service_id), DB_S(d->channel), DB_I(d->required),
                         DB_I(d->on_paper), DB_I(d->online),
                         DB_S(d->online_documents ? d->online_documents : "[]")),
                 NULL);
}

int store_case_documents_set_channel(struct store *store, int64_t case_id, const char *channel)
{
  static const char sql[] = "UPDATE case_document_checks SET channel = $2 WHERE case_id = $1";
  return db_exec(store, sql, DB_ARGS(DB_I(case_id), DB_S(channel)), NULL);
}

static int sums_row(void *ctx, const struct db_row *row)
{
  int64_t *out = ctx;
  out[0] = db_col_int(row, 0);
  out[1] = db_col_int(row, 1);
  return ST_OK;
}

int store_kpi_paperless_sums(struct store *store, const struct store_kpi_paperless_filter *f,
                             int64_t *with_documents, int64_t *paperless)
{
  /* the covering index case_document_checks_received (office_id, received_at, unit_id,
   * service_id, channel, required, on_paper, online) answers alone */
  static const char sql[] =
      "SELECT count(*), COALESCE(sum(CASE WHEN online > 0 AND on_paper = 0 THEN 1 ELSE 0 END), 0) "
      "FROM case_document_checks WHERE office_id = $1 AND received_at >= $2 AND received_at < $3 "
      "AND required > 0 AND ($4 = 0 OR unit_id = $4) AND ($5 = 0 OR service_id = $5) AND ($6 = '' "
      "OR channel = $6)";
  int64_t v[2] = {0};
  int rc =
      db_query_each(store, sql,
                    DB_ARGS(DB_I(f->office_id), DB_I(f->from_at), DB_I(f->to_at), DB_I(f->unit_id),
                            DB_I(f->service_id), DB_S(f->channel ? f->channel : "")),
                    sums_row, v);
  *with_documents = v[0];
  *paperless = v[1];
  return rc;
}
