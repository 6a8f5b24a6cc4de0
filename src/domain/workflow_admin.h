/*
 * workflow_admin.h - an office admin's workflows (issue 15, /staff/admin/workflows): the list,
 * saving a new version, JSON export and import. Each call owns its transaction; saves and
 * imports are all or nothing and recorded in the audit trail ("workflow.save",
 * "workflow.import", "workflow.export") like catalogue edits.
 */
#ifndef BIANMIN_DOMAIN_WORKFLOW_ADMIN_H
#define BIANMIN_DOMAIN_WORKFLOW_ADMIN_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/workflow.h"

struct arena;
struct audit_actor;
struct store;

/* An office's current workflow of one code: the newest stored version, or the shipped one. */
struct workflow_admin_item {
  const struct workflow *wf;
  int64_t created_at;     /* 0: the shipped definition, never saved by the office */
  const char *created_by; /* "" for the shipped install */
};

/* Every code the office has a version of, then every shipped code it has none of, by code;
 * items in arena. */
int workflow_admin_list(struct store *store, struct arena *arena, int64_t office_id,
                        struct workflow_admin_item **items, size_t *count);
/* The office's current workflow of code (ST_NOTFOUND when neither it nor the shipped set has
 * one). */
int workflow_admin_get(struct store *store, int64_t office_id, const char *code,
                       const struct workflow **out);
/* Checks definition and saves it as the next version of its code; *version receives it. On
 * ST_INVALID *problems lists what is wrong (workflow_check) and nothing was saved. */
int workflow_admin_save(struct store *store, const struct audit_actor *actor, int64_t office_id,
                        const json_t *definition, int64_t now, int64_t *version, json_t **problems);
/* The office's current workflows as one document {"format": "bianmin-workflows", "workflows":
 * [definition...]}, recorded in the audit trail. */
int workflow_admin_export(struct store *store, const struct audit_actor *actor, int64_t office_id,
                          json_t **doc);
/* Saves every definition of doc (the export's format) as a new version, all or nothing: on
 * ST_INVALID *problems lists every fault, "what" prefixed with the workflow's code. */
int workflow_admin_import(struct store *store, const struct audit_actor *actor, int64_t office_id,
                          const json_t *doc, int64_t now, size_t *saved, json_t **problems);

#endif
