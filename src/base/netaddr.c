/* netaddr.c - trusted proxies and the client address behind them (netaddr.h). */
#include "base/netaddr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "base/str.h"
#include "base/common.h"

/* Parses one textual address (no prefix) into family and 16 bytes; IPv4-mapped IPv6 becomes
 * IPv4. The text is copied first: it need not be NUL-terminated at len. */
static int parse_ip(const char *text, size_t len, int *family, unsigned char addr[16])
{
  char literal[NETADDR_TEXT_MAX];
  static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (len == 0 || len >= sizeof(literal))
    return ST_INVALID;
  memcpy(literal, text, len);
  literal[len] = '\0';
  memset(addr, 0, 16);
  if (inet_pton(AF_INET, literal, addr) == 1) {
    *family = AF_INET;
    return ST_OK;
  }
  if (inet_pton(AF_INET6, literal, addr) != 1)
    return ST_INVALID;
  *family = AF_INET6;
  if (memcmp(addr, mapped, sizeof(mapped)) == 0) {
    memmove(addr, addr + 12, 4);
    memset(addr + 4, 0, 12);
    *family = AF_INET;
  }
  return ST_OK;
}

static int parse_net(const char *text, size_t len, struct netaddr_net *net)
{
  const char *slash = memchr(text, '/', len);
  size_t ip_len = slash ? (size_t)(slash - text) : len;
  if (parse_ip(text, ip_len, &net->family, net->addr))
    return ST_INVALID;
  int max = net->family == AF_INET ? 32 : 128;
  int64_t prefix = max;
  if (slash) {
    struct str p = {slash + 1, len - ip_len - 1};
    if (p.len == 0 || p.ptr[0] < '0' || p.ptr[0] > '9' || str_to_int64(p, 0, max, &prefix))
      return ST_INVALID;
  }
  net->prefix = (int)prefix;
  return ST_OK;
}

static bool is_separator(char c)
{
  return c == ',' || c == ' ' || c == '\t';
}

int netaddr_list_parse(const char *text, struct netaddr_list *out, char *err, size_t err_size)
{
  memset(out, 0, sizeof(*out));
  const char *p = text ? text : "";
  while (*p) {
    while (is_separator(*p))
      p++;
    size_t len = 0;
    while (p[len] && !is_separator(p[len]))
      len++;
    if (!len)
      break;
    if (out->count == NETADDR_LIST_MAX) {
      if (err)
        snprintf(err, err_size, "more than %d addresses or networks", NETADDR_LIST_MAX);
      return ST_LIMIT;
    }
    if (parse_net(p, len, &out->nets[out->count])) {
      if (err)
        snprintf(err, err_size, "\"%.*s\" is not an IP address or CIDR network",
                 (int)(len > 60 ? 60 : len), p);
      memset(out, 0, sizeof(*out));
      return ST_INVALID;
    }
    out->count++;
    p += len;
  }
  return ST_OK;
}

static bool net_contains(const struct netaddr_net *net, int family, const unsigned char *addr)
{
  if (net->family != family)
    return false;
  int full = net->prefix / 8, rest = net->prefix % 8;
  if (memcmp(net->addr, addr, (size_t)full) != 0)
    return false;
  if (!rest)
    return true;
  unsigned char mask = (unsigned char)(0xffu << (8 - rest));
  return (net->addr[full] & mask) == (addr[full] & mask);
}

static bool contains_parsed(const struct netaddr_list *list, int family, const unsigned char *a)
{
  for (size_t i = 0; i < list->count; i++)
    if (net_contains(&list->nets[i], family, a))
      return true;
  return false;
}

bool netaddr_list_contains(const struct netaddr_list *list, const char *ip)
{
  int family;
  unsigned char addr[16];
  if (!list || !ip || parse_ip(ip, strlen(ip), &family, addr))
    return false;
  return contains_parsed(list, family, addr);
}

static void canonical(int family, const unsigned char *addr, char *out, size_t size)
{
  char text[NETADDR_TEXT_MAX];
  if (!inet_ntop(family, addr, text, sizeof(text)))
    text[0] = '\0';
  snprintf(out, size, "%s", text);
}

/* The entry of forwarded that ends at end (exclusive), trimmed; *start receives where it
 * begins (just after its comma, or forwarded). */
static struct str entry_before(const char *forwarded, const char *end, const char **start)
{
  const char *b = end;
  while (b > forwarded && b[-1] != ',')
    b--;
  *start = b;
  struct str s = {b, (size_t)(end - b)};
  while (s.len && (s.ptr[0] == ' ' || s.ptr[0] == '\t')) {
    s.ptr++;
    s.len--;
  }
  while (s.len && (s.ptr[s.len - 1] == ' ' || s.ptr[s.len - 1] == '\t'))
    s.len--;
  return s;
}

void netaddr_client(const struct netaddr_list *trusted, const char *peer, const char *forwarded,
                    char *out, size_t size)
{
  int family;
  unsigned char addr[16];
  snprintf(out, size, "%s", peer ? peer : "");
  if (!trusted || !trusted->count || !forwarded || !netaddr_list_contains(trusted, peer))
    return;
  const char *end = forwarded + strlen(forwarded), *start;
  while (end > forwarded) {
    struct str e = entry_before(forwarded, end, &start);
    end = start > forwarded ? start - 1 : forwarded;
    if (e.len == 0 && end > forwarded)
      continue; /* an empty list element ("a,,b") */
    if (parse_ip(e.ptr, e.len, &family, addr))
      return; /* out holds the nearest trusted hop */
    canonical(family, addr, out, size);
    if (!contains_parsed(trusted, family, addr))
      return;
  }
}
