/* RFC 4180 CSV reader over a buffer: quoted fields, doubled quotes,
 * CRLF or LF, a UTF-8 BOM, '#' comment lines before the header. Errors name
 * the line. Fields are valid until the next csv_next() call. */
#ifndef DUTYDESK_CSV_H
#define DUTYDESK_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "dutydesk/util.h"

struct csv;

/* Reads the whole file; NULL and e set on failure. csv_destroy frees.
 * A file that is not UTF-8 is read as GB18030 (what office spreadsheet
 * programs in China write: a superset of GBK and GB2312). */
struct csv *csv_open(const char *path, struct err *e);
/* The same with the encoding named: "utf-8", "gbk", "gb18030" or "auto". */
struct csv *csv_open_enc(const char *path, const char *encoding, struct err *e);
/* Copies buf; name is used in messages. */
struct csv *csv_open_mem(const char *name, const char *buf, size_t len);
void csv_destroy(struct csv *c);
/* Fields separated by delim (a tab for TSV) instead of a comma. */
void csv_set_delim(struct csv *c, char delim);

/* 1: a record in fields[0..n); 0: end of input; -1: error in e. */
int csv_next(struct csv *c, char ***fields, size_t *n, struct err *e);
/* Line on which the last record began (1-based). */
size_t csv_line(const struct csv *c);
const char *csv_name(const struct csv *c);
/* The whole file into sb (sb_finish frees); false and e naming the file
 * when it cannot be read. */
bool text_read_file(const char *path, struct strbuf *sb, struct err *e);
/* Appends buf, in encoding enc (an iconv name), to out as UTF-8; false at
 * the first byte that is not enc. */
bool text_to_utf8(const char *enc, const char *buf, size_t len, struct strbuf *out);
/* The formula guard (OWASP "CSV injection"): a text cell that begins with
 * = + - @, a tab or a carriage return would be run as a formula by Excel
 * and WPS, so it is written with a leading ' (which they show as text and
 * an import takes off again). Only text cells are guarded: a value held
 * as a number (a count, a coordinate, -5) is written as the number. */
bool csv_guarded(const char *s);
/* Appends one cell to sb: guarded when text and csv_guarded, quoted when
 * it holds a comma, a quote or a line break. */
void csv_cell(struct strbuf *sb, const char *s, bool text);
/* Writes one text cell (guarded, quoted as csv_cell). */
void csv_put(FILE *f, const char *s);
/* Writes one cell holding a number as the program wrote it: never guarded. */
void csv_put_number(FILE *f, const char *s);

#endif
