/* Hybrid logical clock: 48-bit Unix milliseconds + 16-bit counter, written
 * as 16 hex digits so that text order is time order. Pure functions; the
 * store persists the last value. */
#ifndef DUTYDESK_HLC_H
#define DUTYDESK_HLC_H

#include <stdbool.h>
#include <stdint.h>

typedef uint64_t hlc_t;
#define HLC_TEXT 17

/* The next stamp for a local event: above last, and not behind now_ms. */
hlc_t hlc_next(hlc_t last, int64_t now_ms);
/* Merges a stamp seen from elsewhere: the result is above both (at the
 * top of the range, year 10889, stamps saturate instead of wrapping). */
hlc_t hlc_recv(hlc_t last, hlc_t remote, int64_t now_ms);
int64_t hlc_ms(hlc_t h);
void hlc_format(hlc_t h, char out[HLC_TEXT]);
bool hlc_parse(const char *s, hlc_t *out);

/* A new time-ordered random id (UUID version 7), 36 characters + NUL. */
#define ID_TEXT 37
void id_new(char out[ID_TEXT], int64_t now_ms);

#endif
