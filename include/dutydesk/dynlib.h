/* A library opened at its first use, so that a process that never needs
 * it does not load it at start (libexpat, libfreexl, libutf8proc: only an
 * import of a sheet uses them). */
#ifndef DUTYDESK_DYNLIB_H
#define DUTYDESK_DYNLIB_H

#include <stdbool.h>
#include <stddef.h>

#include "dutydesk/util.h"

struct dynlib_sym {
	const char *name; /* the symbol */
	size_t off;       /* where its address goes in the caller's table */
};
struct dynlib {
	const char *const *names;  /* sonames to try, NULL-terminated */
	const char *package;       /* the Debian package, for the message */
	const struct dynlib_sym *syms;
	size_t nsyms;
	void *table;               /* a struct of function pointers */
	void *handle;              /* set once loaded */
};
/* Opens l (once) and fills its table; false with e naming the library
 * and its package when it is missing or lacks a symbol. */
bool dynlib_load(struct dynlib *l, struct err *e);

#endif
