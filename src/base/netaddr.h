/*
 * netaddr.h - IP addresses and networks for the trusted-proxy setting: parse a list of
 * addresses and CIDR networks, test membership, and pick the client's address from a request
 * that came through trusted proxies (X-Forwarded-For).
 */
#ifndef BIANMIN_BASE_NETADDR_H
#define BIANMIN_BASE_NETADDR_H

#include <stdbool.h>
#include <stddef.h>

/* Most networks in one list (a handful of proxies is usual). */
#define NETADDR_LIST_MAX 32
/* Longest textual address, with its NUL (INET6_ADDRSTRLEN). */
#define NETADDR_TEXT_MAX 46

struct netaddr_net {
  int family; /* AF_INET or AF_INET6 */
  unsigned char addr[16];
  int prefix; /* bits: 0..32 or 0..128 */
};

struct netaddr_list {
  size_t count;
  struct netaddr_net nets[NETADDR_LIST_MAX];
};

/* Parses "127.0.0.1, 10.0.0.0/8 ::1 fd00::/8": addresses (a whole-host network) and CIDR
 * networks, separated by commas and/or blanks; "" is the empty list (trust nobody). Host bits
 * below the prefix are ignored. IPv4-mapped IPv6 addresses count as IPv4. ST_INVALID with the
 * offending entry named in err (may be NULL) when an entry is malformed, ST_LIMIT when there are
 * more than NETADDR_LIST_MAX. */
int netaddr_list_parse(const char *text, struct netaddr_list *out, char *err, size_t err_size);

/* true when ip (textual, IPv4 or IPv6) is inside one of the list's networks. */
bool netaddr_list_contains(const struct netaddr_list *list, const char *ip);

/* The client's address of a request from peer (the socket's address) that carried the
 * X-Forwarded-For value forwarded (NULL when absent; several headers joined with commas).
 * When peer is not a trusted proxy, peer. Otherwise the rightmost forwarded entry that is not
 * itself trusted; when every entry is trusted, the leftmost; an entry that is not an IP address
 * ends the walk at the nearest trusted hop (so garbage can never become the address). The
 * result is in canonical form (inet_ntop) in out. */
void netaddr_client(const struct netaddr_list *trusted, const char *peer, const char *forwarded,
                    char *out, size_t size);

#endif
