/* The terminal's encoding, when it is not UTF-8 (a GBK, GB18030 or GB2312
 * terminal: Xshell and SecureCRT on Chinese Windows). Data, files and the
 * program itself stay UTF-8; only the bytes to and from the terminal are
 * converted, by iconv, which needs no generated locale. */
#ifndef DUTYDESK_TERMENC_H
#define DUTYDESK_TERMENC_H

#include <stdbool.h>
#include <stddef.h>

#include "dutydesk/util.h"

/* The terminal's encoding: $DUTYDESK_TERMINAL_ENCODING, else configured
 * (config.yaml's terminal_encoding:, may be NULL or ""), else the codeset
 * of the user's locale (width_user_codeset()). name gets the iconv name
 * ("GBK", "GB18030", "GB2312", ...) or "" for UTF-8 (nothing to convert).
 * An encoding iconv does not know gives "" and a reason in why. */
void termenc_choose(const char *configured, char *name, size_t n, char *why, size_t wn);

/* One direction of conversion, keeping an incomplete character at the end
 * of a chunk for the next. */
struct termenc {
	void *to_term, *from_term; /* iconv_t */
	char name[32];
	char held_out[8], held_in[8];
	size_t nheld_out, nheld_in;
};
bool termenc_open(struct termenc *t, const char *name, struct err *e);
void termenc_close(struct termenc *t);
/* UTF-8 to the terminal: appended to out. A character the encoding cannot
 * show becomes a placeholder of its width (U+FF1F "？" for a wide one, '?'
 * for a narrow one), and a narrow character the encoding shows in two
 * bytes (… ─ “ — drawn two cells wide by such terminals) an ASCII look-
 * alike, so that the terminal's columns stay the program's. */
void termenc_out(struct termenc *t, const char *buf, size_t n, struct strbuf *out);
/* The terminal's bytes to UTF-8, appended to out; a byte that starts no
 * character becomes '?'. */
void termenc_in(struct termenc *t, const char *buf, size_t n, struct strbuf *out);

#endif
