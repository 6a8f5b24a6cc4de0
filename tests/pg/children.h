/*
 * children.h - helper processes for the multi-node test: spawn a program with its output in a
 * log file, wait for a file to appear, pick a free loopback port, stop a child.
 */
#ifndef BIANMIN_TESTS_PG_CHILDREN_H
#define BIANMIN_TESTS_PG_CHILDREN_H

#include <stdbool.h>
#include <sys/types.h>

/* Starts args[0] (a path) with args; standard output and error appended to log. -1 on failure. */
pid_t child_spawn(const char *const *args, const char *log);
/* Waits for path to exist (harness_wait_until: up to HARNESS_WAIT_SECONDS); 0 when it does. */
int child_wait_file(const char *path);
/* A TCP port on 127.0.0.1 that nobody listened on a moment ago (0 on failure). */
int child_free_port(void);
/* true when something accepts connections on 127.0.0.1:port. */
bool child_port_open(int port);
/* SIGTERM, then wait; *pid becomes 0. */
void child_stop(pid_t *pid);
/* true when an executable file exists at path. */
bool child_executable(const char *path);

#endif
