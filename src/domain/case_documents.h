/*
 * case_documents.h - at intake, which of the service's required documents were handed in on
 * paper and which the office checked electronically instead (data exchange: 減少書證謄本 /
 * 免附證明文件), recorded per case for the indicators (kpi.h "paperless").
 *
 * Rules:
 * - required: how many documents the service lists (documents_zh) when the case is taken in;
 * - counter and post (intake_input.documents the ticked ones): on paper = the documents ticked
 *   as received; checked online = documents_online;
 * - online and API filings: checked online = documents_online (the applicant's consent on the
 *   check page); every other required document is on paper (uploaded or sent as a copy of a
 *   paper certificate);
 * - refused (ST_INVALID, reason "case_err_documents_online", field "documents_online"): not an
 *   array of names, a name also ticked as handed in on paper, or more names than required.
 */
#ifndef BIANMIN_DOMAIN_CASE_DOCUMENTS_H
#define BIANMIN_DOMAIN_CASE_DOCUMENTS_H

#include <jansson.h>
#include <stdint.h>

struct case_env;
struct intake_input;

/* Records them for case case_id of office_id, inside the intake's transaction. */
int case_documents_record(const struct case_env *env, const struct intake_input *in,
                          json_t *service, int64_t office_id, int64_t case_id, const char **reason,
                          const char **field);

#endif
