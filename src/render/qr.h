/*
 * qr.h - QR codes drawn as SVG (libqrencode), for posters and counters: every service page and
 * announcement links to its own address this way (seeds 000 and 003).
 */
#ifndef BIANMIN_RENDER_QR_H
#define BIANMIN_RENDER_QR_H

#include <stddef.h>

/* The longest text a QR code is made for, in bytes (a URL; longer ones make codes too dense to
 * scan from a printed poster). */
#define QR_TEXT_MAX 512
/* The light margin around the code, in modules (the standard asks for 4). */
#define QR_QUIET_ZONE 4

/* Encodes text (error correction level M, smallest version that fits) as a standalone SVG
 * document: one viewBox in module units including the quiet zone, a white background, every
 * dark module in ONE path, role="img" and a <title> naming the text. *svg is malloc'd and
 * NUL-terminated (the caller frees it); *modules (may be NULL) receives the code's width in
 * modules without the quiet zone (21 for version 1, +4 per version).
 * ST_INVALID for empty text, ST_LIMIT above QR_TEXT_MAX bytes, ST_NOMEM. */
int qr_svg(const char *text, char **svg, size_t *len, int *modules);

#endif
