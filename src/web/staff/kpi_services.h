/*
 * kpi_services.h - the dashboard's indicators that are not cases (queues, satisfaction,
 * petitions, quality records; domain/kpi.h "kpi_services"), as the page's view and as a table
 * for the CSV and ODS exports (by=indicators); and the dashboard's filter from the URL, which
 * the work list reads too when it lists the cases behind a figure (web/cases/worklist.c).
 */
#ifndef BIANMIN_WEB_STAFF_KPI_SERVICES_H
#define BIANMIN_WEB_STAFF_KPI_SERVICES_H

#include <jansson.h>

#include "domain/kpi.h"
#include "render/table.h"
#include "web/app.h"

/* {queue, satisfaction, petitions, courtesy, spot_check: the numbers now with previous (a year
 * before), target and status; rows: [{key, label, value, previous, target, status,
 * status_label}] in the page's order}. NULL when out of memory. */
json_t *kpi_services_view(struct http_request *req, const struct kpi_report *r);
/* The rows as a table: indicator, value, a year before, target, status. */
int kpi_services_table(struct http_request *req, const struct kpi_report *r,
                       struct render_table *t);

/* A growth in per mille as a signed percentage with one decimal ("+12.5%", "-0.5%"), or "-"
 * when it is not known (nothing a year before to compare with). */
const char *kpi_growth_text(struct http_request *req, bool known, int permille);

/* year, month, unit, service, channel of the URL (the session's office; this ROC year when
 * none); ST_INVALID when a value is not one the dashboard offers. */
int kpi_filter_from_query(struct http_request *req, struct kpi_filter *f);

#endif
