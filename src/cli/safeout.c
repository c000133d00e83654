/* Streams that keep control and escape bytes away from the terminal.
 * Verbs print stored text in many places; in text mode stdout passes
 * through the text filter, and every message through the message filter.
 * JSON and CSV exports are data and go to stdout itself. */
#define _GNU_SOURCE /* fopencookie */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dutydesk/termenc.h"
#include "dutydesk/util.h"
#include "dutydesk/width.h"
#include "safeout.h"

static char terminal_encoding[32];

void safeout_set_terminal_encoding(const char *name)
{
	snprintf(terminal_encoding, sizeof terminal_encoding, "%s", name ? name : "");
}

/* A converter to the terminal's encoding when fd is a terminal that is
 * not UTF-8; NULL otherwise (files and pipes get UTF-8). */
static struct termenc *enc_for(int fd)
{
	if (!terminal_encoding[0] || !isatty(fd))
		return NULL;
	struct termenc *t = xcalloc(1, sizeof *t);
	struct err e;
	if (!termenc_open(t, terminal_encoding, &e)) {
		free(t);
		return NULL;
	}
	return t;
}

static void enc_free(struct termenc *t)
{
	if (t) {
		termenc_close(t);
		free(t);
	}
}

/* Writes b[0..n), converted when enc is not NULL. */
static bool write_enc(int fd, struct termenc *enc, const char *b, size_t n)
{
	if (!enc)
		return fd_write_all(fd, b, n);
	struct strbuf sb;
	sb_init(&sb);
	termenc_out(enc, b, n, &sb);
	bool ok = fd_write_all(fd, sb.buf ? sb.buf : "", sb.len);
	sb_finish(&sb);
	return ok;
}

/* A cookie's write says a failure with 0, never -1 (fopencookie(3)): glibc
 * takes what it returns as a count of bytes; -1 became SIZE_MAX, and the
 * next write sent as many bytes again from beyond the data (stack memory,
 * often NULs, shown as '?') before the message itself. */

/* ---- text ---- */

struct text_out {
	int fd;
	struct termenc *enc;
	bool c2; /* a 0xC2 lead byte waits for the next chunk */
};

static ssize_t text_write(void *cookie, const char *buf, size_t n)
{
	struct text_out *so = cookie;
	char out[4096 + 2];
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char b = (unsigned char)buf[i];
		if (so->c2) {
			so->c2 = false;
			if (b >= 0x80 && b <= 0x9F) {
				out[k++] = '?';
				continue;
			}
			out[k++] = (char)0xC2;
		}
		if (b == 0xC2) {
			so->c2 = true;
			continue;
		}
		if ((b < 0x20 && b != '\n' && b != '\t' && b != '\r') || b == 0x7F)
			b = '?';
		out[k++] = (char)b;
		if (k >= 4096) {
			if (!write_enc(so->fd, so->enc, out, k))
				return 0;
			k = 0;
		}
	}
	return k && !write_enc(so->fd, so->enc, out, k) ? 0 : (ssize_t)n;
}

static int text_close(void *cookie)
{
	struct text_out *so = cookie;
	bool ok = !so->c2 || write_enc(so->fd, so->enc, "\xC2", 1);
	enc_free(so->enc);
	free(so);
	return ok ? 0 : -1;
}

FILE *safeout_text(int fd)
{
	struct text_out *so = xcalloc(1, sizeof *so);
	so->fd = fd;
	so->enc = enc_for(fd);
	FILE *f = fopencookie(so, "w", (cookie_io_functions_t){NULL, text_write, NULL, text_close});
	if (!f) {
		enc_free(so->enc);
		free(so);
		return NULL;
	}
	setvbuf(f, NULL, isatty(fd) ? _IOLBF : _IOFBF, BUFSIZ);
	return f;
}

/* ---- messages ---- */

struct msg_out {
	int fd;
	struct termenc *enc;
	struct strbuf line; /* the part of a line not yet written */
};

/* Writes the complete lines held (all when flush), each made safe. */
static bool msg_lines(struct msg_out *mo, bool flush)
{
	bool ok = true;
	char *start = mo->line.buf;
	char *nl;
	while (start && (nl = strchr(start, '\n'))) {
		*nl = '\0';
		struct strbuf safe;
		sb_init(&safe);
		sb_safe(&safe, start);
		sb_putc(&safe, '\n');
		ok = write_enc(mo->fd, mo->enc, safe.buf, safe.len) && ok;
		sb_finish(&safe);
		start = nl + 1;
	}
	if (start && flush && *start) {
		struct strbuf safe;
		sb_init(&safe);
		sb_safe(&safe, start);
		ok = write_enc(mo->fd, mo->enc, safe.buf, safe.len) && ok;
		sb_finish(&safe);
		start += strlen(start);
	}
	if (start) {
		size_t rest = strlen(start);
		memmove(mo->line.buf, start, rest + 1);
		mo->line.len = rest;
	}
	return ok;
}

static ssize_t msg_write(void *cookie, const char *buf, size_t n)
{
	struct msg_out *mo = cookie;
	/* a NUL inside a message would end it early: shown as the rest are */
	for (size_t i = 0; i < n; i++)
		sb_putc(&mo->line, buf[i] ? buf[i] : '?');
	return msg_lines(mo, false) ? (ssize_t)n : 0;
}

static int msg_close(void *cookie)
{
	struct msg_out *mo = cookie;
	bool ok = msg_lines(mo, true);
	sb_finish(&mo->line);
	enc_free(mo->enc);
	free(mo);
	return ok ? 0 : -1;
}

FILE *safeout_msg(int fd)
{
	struct msg_out *mo = xcalloc(1, sizeof *mo);
	mo->fd = fd;
	mo->enc = enc_for(fd);
	sb_init(&mo->line);
	FILE *f = fopencookie(mo, "w", (cookie_io_functions_t){NULL, msg_write, NULL, msg_close});
	if (!f) {
		sb_finish(&mo->line);
		enc_free(mo->enc);
		free(mo);
		return NULL;
	}
	setvbuf(f, NULL, _IONBF, 0); /* as stderr: each write at once */
	return f;
}
