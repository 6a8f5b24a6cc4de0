/*
 * privacy.h - the privacy notice (個人資料蒐集告知, 個人資料保護法 §8; ASVS 8.3.3): who collects
 * the personal data the public forms ask for, for what, which data, for how long, where and by
 * whom it is used, the person's rights (§3) and how to exercise them. An office's page fills in
 * the office's own name, address, phone and e-mail from its directory record; /privacy is the
 * installation's page (the offices' notices are linked from it).
 */
#ifndef BIANMIN_WEB_PUBLIC_PRIVACY_H
#define BIANMIN_WEB_PUBLIC_PRIVACY_H

struct http_request;
struct http_response;

int privacy_notice(struct http_request *req, struct http_response *res);

#endif
