/*
 * case_documents.h - which of a case's required documents were handed in on paper and which the
 * office checked electronically instead (migration 35, case_document_checks), and the
 * indicators' read of them (domain/kpi.h "paperless").
 */
#ifndef BIANMIN_STORE_CASE_DOCUMENTS_H
#define BIANMIN_STORE_CASE_DOCUMENTS_H

#if defined(BIANMIN_LAYER_WEB) || defined(BIANMIN_LAYER_WORKERS)
#error                                                                                             \
    "web/ and workers/ may not include store/ headers: call the domain (docs/ARCHITECTURE.md, Layers)"
#endif

#include <stdint.h>

struct store;

/* What intake recorded of a case's documents; online_documents is a JSON array text. */
struct store_case_documents {
  int64_t case_id, office_id, received_at, unit_id, service_id;
  const char *channel;
  int64_t required, on_paper, online;
  const char *online_documents;
};
/* Records them, once per case, inside the intake's transaction. */
int store_case_documents_insert(struct store *store, const struct store_case_documents *d);
/* The case's channel changed after intake (an API filing is taken in as online). */
int store_case_documents_set_channel(struct store *store, int64_t case_id, const char *channel);

/* Cases received in [from_at, to_at) whose service required at least one document, and those
 * of them with at least one checked online and none on paper; unit, service 0 and channel ""
 * for any. */
struct store_kpi_paperless_filter {
  int64_t office_id, from_at, to_at, unit_id, service_id;
  const char *channel;
};
int store_kpi_paperless_sums(struct store *store, const struct store_kpi_paperless_filter *f,
                             int64_t *with_documents, int64_t *paperless);

#endif
