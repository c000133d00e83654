/* A terminal that is not UTF-8 (GBK, GB18030, ...): curses keeps drawing
 * and reading UTF-8, on a pseudo-terminal of the program's own, and a relay
 * thread converts between it and the real terminal (util/termenc.c).
 * Private to src/tui. */
#ifndef DUTYDESK_TTYENC_H
#define DUTYDESK_TTYENC_H

#include <stdbool.h>
#include <stddef.h>

/* Puts a pseudo-terminal in place of stdin and stdout and starts the
 * relay, the real terminal in raw mode but for its signal keys. False
 * with a reason when it cannot (then nothing has changed). */
bool ttyenc_start(const char *encoding, char *why, size_t n);
/* Whether the relay runs. */
bool ttyenc_on(void);
/* After SIGWINCH or SIGCONT: the real terminal's size to the
 * pseudo-terminal, its raw mode again. */
void ttyenc_refresh(void);
/* Sends what curses wrote last, then gives stdin and stdout back and the
 * real terminal its modes. */
void ttyenc_stop(void);

#endif
