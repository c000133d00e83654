/* Small shared pieces: allocation that dies on OOM in one place, an error
 * value a person can act on, and a growable string buffer. */
#ifndef DUTYDESK_UTIL_H
#define DUTYDESK_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation: abort with a message on out-of-memory; callers never check. */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Returns a heap string the caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* An error a person can act on: "what: why". Exit code 2 marks a usage
 * error (bad command line), 1 anything else. */
/* ERR_UNAVAILABLE: a database server could not be reached (try again);
 * between the hub's layers only (a 503), never an exit status. */
enum { ERR_FAIL = 1, ERR_USAGE = 2, ERR_UNAVAILABLE = 3 };
struct err {
	int code;
	char msg[4096];
};
/* Writes all of b[0..n) to fd, again after EINTR (and, for a non-blocking
 * fd, after waiting up to 1 s for room); false on an error. */
bool fd_write_all(int fd, const char *b, size_t n);
/* Sets e (if not NULL) and returns false, so callers can `return err_set(...)`. */
bool err_set(struct err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prefixes an existing message with "prefix: ". */
void err_prefix(struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Growable NUL-terminated buffer. sb_init on caller memory, sb_finish frees
 * the contents; sb_take hands the heap string to the caller. */
struct strbuf {
	char *buf;
	size_t len, cap;
};
void sb_init(struct strbuf *sb);
void sb_finish(struct strbuf *sb);
void sb_add(struct strbuf *sb, const char *s, size_t n);
void sb_puts(struct strbuf *sb, const char *s);
void sb_putc(struct strbuf *sb, char c);
void sb_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap);
char *sb_take(struct strbuf *sb);
void sb_clear(struct strbuf *sb);
/* Appends the file at path to sb, until its end or until sb holds max
 * bytes or more (0: no limit). 0 when read; -1 when it cannot be opened,
 * 1 when reading it failed part-way (errno says why in both cases). */
int sb_read_file(struct strbuf *sb, const char *path, size_t max);

/* Strings. */
bool str_eq(const char *a, const char *b);       /* NULL-safe */
bool str_empty(const char *s);                   /* NULL or "" */
/* A copy of a list as people type it (桑壁镇，坡头乡、芝河镇) with its
 * full-width separators (，、； and the ideographic space) made ASCII, so
 * that strtok on ", " splits it: strtok splits bytes, and a full-width
 * separator's bytes occur inside other characters (县领导 holds 0xBC). */
char *str_list_ascii(const char *s);
bool str_valid_utf8(const char *s);
/* Parses a whole decimal integer in [min,max]; false on junk or range. */
bool str_to_ll(const char *s, long long min, long long max, long long *out);
bool str_to_double(const char *s, double *out);
/* 1 -> "一", 12 -> "十二", 25 -> "二十五" (1..99; digits beyond). */
const char *cn_numeral(int n, char *buf, size_t size);

#endif
