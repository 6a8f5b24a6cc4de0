/*
 * workflows.h - stored workflow definitions (migration 21, issue 15; domain/workflow.h).
 *
 * One row per (office, code, version): the definition as JSON text, who saved it and when.
 * Rows are never changed or deleted: saving a workflow adds the next version, and the newest
 * version of a code is the office's current workflow. Cases remember the version they started
 * on (cases.workflow_version).
 *
 * Rows: {"office_id", "code", "version", "definition": JSON text, "created_at": epoch seconds,
 * "created_by": the account's user name, "" for the shipped install}.
 */
#ifndef BIANMIN_STORE_WORKFLOWS_H
#define BIANMIN_STORE_WORKFLOWS_H

#if defined(BIANMIN_LAYER_WEB) || defined(BIANMIN_LAYER_WORKERS)
#error                                                                                             \
    "web/ and workers/ may not include store/ headers: call the domain (docs/ARCHITECTURE.md, Layers)"
#endif

#include <jansson.h>
#include <stdint.h>

struct store;

/* Adds the next version of (office_id, code) (1 when there is none) and returns it in
 * *version. Two saves racing for one number: one gets ST_CONFLICT. */
int store_workflow_add(struct store *store, int64_t office_id, const char *code,
                       const char *definition, int64_t created_at, const char *created_by,
                       int64_t *version);
/* The row of (office_id, code, version); version 0: the newest. ST_NOTFOUND when none. */
int store_workflow_get(struct store *store, int64_t office_id, const char *code, int64_t version,
                       json_t **row);
/* The newest row of every code of an office, by code. */
int store_workflow_list(struct store *store, int64_t office_id, json_t **rows);

#endif
