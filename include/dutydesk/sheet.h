/* Spreadsheets as rows of UTF-8 cells: CSV/TSV (UTF-8 with or without a
 * BOM, GBK/GB18030, UTF-16, told apart by content) and .xlsx workbooks
 * (shared and inline strings, numbers, dates by cell style, merged cells
 * filled), and legacy .xls workbooks (libfreexl). */
#ifndef DUTYDESK_SHEET_H
#define DUTYDESK_SHEET_H

#include <stdbool.h>
#include <stddef.h>

#include "dutydesk/util.h"

struct sheet_row {
	size_t line;  /* the sheet's own row number (CSV: the line it began on) */
	size_t n;     /* cells[0..n) */
	size_t cap;   /* room in cells and merged */
	char **cells; /* never NULL; "" when empty */
	bool *merged; /* cells[i] was filled from a merged range */
};

struct sheet {
	char *name; /* the sheet's name; NULL for a CSV file */
	size_t nrows;
	struct sheet_row *rows;
};

struct workbook {
	char *path;
	const char *format; /* "csv", "tsv", "xlsx" or "xls" */
	size_t nsheets;
	struct sheet *sheets;
};

/* Reads the whole file; encoding (CSV only) is utf-8, gbk, gb18030,
 * utf-16 or NULL/"auto". NULL with e set on failure. */
struct workbook *workbook_open(const char *path, const char *encoding, struct err *e);
void workbook_free(struct workbook *wb);
/* The sheet named name, or NULL. */
struct sheet *workbook_sheet(struct workbook *wb, const char *name);
/* Days since 1899-12-30 (an Excel serial) as YYYY-MM-DD, with " HH:MM"
 * when it has a time of day; false when out of range (1900..9999). */
bool excel_serial_text(double serial, char *out, size_t size);

#endif
