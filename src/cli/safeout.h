/* The CLI's streams made safe for terminals: what a record holds (titles,
 * notes, codes, file contents) and what a person typed never reach the
 * terminal as raw control or escape bytes. Private to src/cli. */
#ifndef DUTYDESK_SAFEOUT_H
#define DUTYDESK_SAFEOUT_H

#include <stdio.h>

/* Text for stdout: C0 controls other than tab, line feed and carriage
 * return (CSV line ends), DEL and C1 controls (UTF-8 C2 80..C2 9F) become
 * '?'. Line-buffered on a terminal, as stdout was. NULL if it cannot be
 * made (then write to stdout itself). Closing does not close fd. */
FILE *safeout_text(int fd);
/* Messages for stderr: each line, when complete, as sb_safe makes it
 * (every control character but the line feed as '?', bad UTF-8 as U+FFFD),
 * written at once as stderr is. */
FILE *safeout_msg(int fd);
/* The terminal's encoding when it is not UTF-8 ("" or NULL: UTF-8): text
 * and messages written to a terminal are converted to it, as the console
 * converts its screen (util/termenc.c); written to a file or a pipe they
 * stay UTF-8. Set before the streams are made. */
void safeout_set_terminal_encoding(const char *name);

#endif
