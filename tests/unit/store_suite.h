/*
 * store_suite.h - the shared store test suite (ARCHITECTURE.md: both backends pass one suite).
 * The only input is the URL of a fresh, empty database; the tests use distinct slugs, so they
 * run one after another on that one database, opening as many connections to it as they need.
 */
#ifndef BIANMIN_TESTS_STORE_SUITE_H
#define BIANMIN_TESTS_STORE_SUITE_H

/* Runs every store test against url; returns the number of failed tests (0 = all passed). */
int store_suite_run(const char *url);

#endif
