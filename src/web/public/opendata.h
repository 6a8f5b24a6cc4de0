/*
 * opendata.h - an office's open data (issue 20): the human page, the DCAT catalogue, each
 * dataset as CSV, JSON or ODS and its data dictionary as CSV or JSON (opendata.c), and the
 * writers they share (opendata_write.c).
 */
#ifndef BIANMIN_WEB_PUBLIC_OPENDATA_H
#define BIANMIN_WEB_PUBLIC_OPENDATA_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "domain/opendata.h"
#include "http/http.h"

#define OPENDATA_LICENSE_ZH  "政府資料開放授權條款－第1版"
#define OPENDATA_LICENSE_EN  "Open Government Data License, version 1.0"
#define OPENDATA_LICENSE_URL "https://data.gov.tw/license"

/* What every file names besides its rows: the publisher (the office) and the update date. */
struct od_meta {
  const char *publisher_zh, *publisher_en;
  const char *modified; /* "YYYY-MM-DD" (Taipei), or "" */
};

int opendata_page(struct http_request *req, struct http_response *res);
/* /o/{office}/opendata/{file}: catalog.jsonld or {dataset}.{csv|json|ods} */
int opendata_file(struct http_request *req, struct http_response *res);
/* /o/{office}/opendata/{dataset}/{file}: dictionary.{csv|json} */
int opendata_dictionary(struct http_request *req, struct http_response *res);

/* opendata_write.c: UTF-8 with a BOM, CRLF rows, quoted where needed. */
int od_csv(const struct od_table *t, struct buf *out);
int od_json(const struct od_table *t, const struct od_meta *meta, struct buf *out);
/* An OpenDocument spreadsheet: the data sheet and an "about" sheet (licence, publisher, date). */
int od_ods(const struct od_table *t, const struct od_meta *meta, struct buf *out);
int od_dictionary_csv(const struct od_dataset *set, const struct od_meta *meta, struct buf *out);
int od_dictionary_json(const struct od_dataset *set, const struct od_meta *meta, struct buf *out);

#endif
