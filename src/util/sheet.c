/* Spreadsheets as rows of UTF-8 cells (see dutydesk/sheet.h). An .xlsx is
 * a zip of XML parts: the workbook names the sheets, its relations say
 * which part each one is, the shared strings hold the text, the styles say
 * which numbers are dates; a sheet part holds the cells and merged ranges. */
#include "dutydesk/sheet.h"

#include <errno.h>
#include <sys/wait.h>
#include <unistd.h>
#include <expat.h>
#include <stddef.h>
#include <fcntl.h>
#include <freexl.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "dutydesk/csv.h"
#include "dutydesk/dynlib.h"

/* libexpat and libfreexl are opened at the first sheet read
 * (dutydesk/dynlib.h): no other command loads them. */
#define XFN(f) __typeof__(XML_##f) *f;
static struct {
	XFN(ParserCreate)
	XFN(ParserFree)
	XFN(Parse)
	XFN(SetUserData)
	XFN(SetElementHandler)
	XFN(SetCharacterDataHandler)
	XFN(StopParser)
	XFN(GetErrorCode)
	XFN(GetCurrentLineNumber)
	XFN(ErrorString)
} EX;
#undef XFN
#define SYM(f) {"XML_" #f, offsetof(__typeof__(EX), f)}
static const struct dynlib_sym ex_syms[] = {
	SYM(ParserCreate),
	SYM(ParserFree),
	SYM(Parse),
	SYM(SetUserData),
	SYM(SetElementHandler),
	SYM(SetCharacterDataHandler),
	SYM(StopParser),
	SYM(GetErrorCode),
	SYM(GetCurrentLineNumber),
	SYM(ErrorString),
};
#undef SYM
static const char *const ex_names[] = {"libexpat.so.1", "libexpat.so", NULL};
static struct dynlib ex_lib = {ex_names, "libexpat1", ex_syms, ARRAY_LEN(ex_syms), &EX, NULL};

#define XFN(f) __typeof__(freexl_##f) *f;
static struct {
	XFN(open)
	XFN(close)
	XFN(get_info)
	XFN(select_active_worksheet)
	XFN(worksheet_dimensions)
	XFN(get_cell_value)
	XFN(get_worksheet_name)
} FX;
#undef XFN
#define SYM(f) {"freexl_" #f, offsetof(__typeof__(FX), f)}
static const struct dynlib_sym fx_syms[] = {
	SYM(open),
	SYM(close),
	SYM(get_info),
	SYM(select_active_worksheet),
	SYM(worksheet_dimensions),
	SYM(get_cell_value),
	SYM(get_worksheet_name),
};
#undef SYM
static const char *const fx_names[] = {"libfreexl.so.1", "libfreexl.so", NULL};
static struct dynlib fx_lib = {fx_names, "libfreexl1", fx_syms, ARRAY_LEN(fx_syms), &FX, NULL};


#define MAX_ROWS 1048576
#define MAX_COLS 16384
/* cells a workbook may spread over (a sheet's rows times its widths, merges
 * filled): a small file must not ask for gigabytes */
#define MAX_SLOTS (2u * 1024 * 1024)

/* ---- rows ---- */

static struct sheet_row *row_at(struct sheet *s, size_t *cap, size_t r)
{
	if (r >= s->nrows) {
		if (r >= *cap) {
			size_t nc = *cap ? *cap : 64;
			while (nc <= r)
				nc *= 2;
			s->rows = xrealloc(s->rows, nc * sizeof *s->rows);
			*cap = nc;
		}
		for (size_t i = s->nrows; i <= r; i++)
			s->rows[i] = (struct sheet_row){.line = i + 1};
		s->nrows = r + 1;
	}
	return &s->rows[r];
}

static void cell_set(struct sheet_row *row, size_t col, const char *text, bool merged)
{
	if (col >= row->n) {
		if (col >= row->cap) {
			row->cap = col < 8 ? 8 : 2 * col;
			row->cells = xrealloc(row->cells, row->cap * sizeof *row->cells);
			row->merged = xrealloc(row->merged, row->cap * sizeof *row->merged);
		}
		for (size_t i = row->n; i <= col; i++) {
			row->cells[i] = NULL;
			row->merged[i] = false;
		}
		row->n = col + 1;
	}
	free(row->cells[col]);
	row->cells[col] = xstrdup(text);
	row->merged[col] = merged;
}

/* Every cell present: "" where the sheet had none. */
static void rows_finish(struct sheet *s)
{
	for (size_t r = 0; r < s->nrows; r++)
		for (size_t i = 0; i < s->rows[r].n; i++)
			if (!s->rows[r].cells[i])
				s->rows[r].cells[i] = xstrdup("");
}

static void sheet_free(struct sheet *s)
{
	for (size_t r = 0; r < s->nrows; r++) {
		for (size_t i = 0; i < s->rows[r].n; i++)
			free(s->rows[r].cells[i]);
		free(s->rows[r].cells);
		free(s->rows[r].merged);
	}
	free(s->rows);
	free(s->name);
}

void workbook_free(struct workbook *wb)
{
	if (!wb)
		return;
	for (size_t i = 0; i < wb->nsheets; i++)
		sheet_free(&wb->sheets[i]);
	free(wb->sheets);
	free(wb->path);
	free(wb);
}

struct sheet *workbook_sheet(struct workbook *wb, const char *name)
{
	for (size_t i = 0; i < wb->nsheets; i++)
		if (wb->sheets[i].name && !strcmp(wb->sheets[i].name, name))
			return &wb->sheets[i];
	return NULL;
}

static struct sheet *add_sheet(struct workbook *wb, const char *name)
{
	wb->sheets = xrealloc(wb->sheets, (wb->nsheets + 1) * sizeof *wb->sheets);
	struct sheet *s = &wb->sheets[wb->nsheets++];
	*s = (struct sheet){.name = name ? xstrdup(name) : NULL};
	return s;
}

bool excel_serial_text(double serial, char *out, size_t size)
{
	if (!(serial >= 1 && serial < 2958466))
		return false;
	/* 1900 is taken as a leap year by the format: from day 61 on, day 0
	 * is 1899-12-30. Civil date from days since 1970-01-01 (Hinnant). */
	long days = (long)floor(serial);
	if (days < 61)
		days++;
	long long z = (long long)days - 25569 + 719468;
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long y = (long long)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned d = doy - (153 * mp + 2) / 5 + 1;
	unsigned m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	long mins = lround((serial - floor(serial)) * 1440.0);
	if (mins >= 1440)
		mins = 1439;
	if (mins)
		snprintf(out, size, "%04lld-%02u-%02u %02ld:%02ld", y, m, d, mins / 60, mins % 60);
	else
		snprintf(out, size, "%04lld-%02u-%02u", y, m, d);
	return true;
}

/* ---- CSV and TSV ---- */

/* The encoding of a text file by its content: a BOM, the zero bytes of
 * UTF-16, valid UTF-8, else GB18030 (which GBK and GB2312 are part of). */
static const char *text_encoding(const char *buf, size_t len, size_t *skip)
{
	const unsigned char *u = (const unsigned char *)buf;
	*skip = 0;
	if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)
		return (*skip = 3), "UTF-8";
	if (len >= 2 && u[0] == 0xFF && u[1] == 0xFE)
		return (*skip = 2), "UTF-16LE";
	if (len >= 2 && u[0] == 0xFE && u[1] == 0xFF)
		return (*skip = 2), "UTF-16BE";
	size_t even = 0, odd = 0, n = len < 2000 ? len : 2000;
	for (size_t i = 0; i < n; i++)
		if (!u[i] && i % 2)
			odd++;
		else if (!u[i])
			even++;
	if (n >= 4 && odd > n / 8 && odd > 4 * even)
		return "UTF-16LE";
	if (n >= 4 && even > n / 8 && even > 4 * odd)
		return "UTF-16BE";
	return str_valid_utf8(buf) ? "UTF-8" : "GB18030";
}

static const char *named_encoding(const char *encoding)
{
	if (str_empty(encoding) || !strcasecmp(encoding, "auto"))
		return NULL;
	if (!strcasecmp(encoding, "utf-8") || !strcasecmp(encoding, "utf8"))
		return "UTF-8";
	if (!strcasecmp(encoding, "gbk") || !strcasecmp(encoding, "gb2312"))
		return "GBK";
	if (!strcasecmp(encoding, "gb18030"))
		return "GB18030";
	if (!strcasecmp(encoding, "utf-16") || !strcasecmp(encoding, "utf16"))
		return "UTF-16";
	return "?";
}

static bool read_text(struct workbook *wb, const char *buf, size_t len, const char *encoding,
                      struct err *e)
{
	size_t skip = 0;
	const char *enc = named_encoding(encoding);
	if (enc && !strcmp(enc, "?"))
		return err_set(e, ERR_USAGE,
		               "encoding: '%s': expected utf-8, gbk, gb18030, utf-16 or auto",
		               encoding);
	const char *found = text_encoding(buf, len, &skip);
	if (!enc)
		enc = found;
	else if (strcmp(enc, "UTF-16"))
		skip = !strcmp(found, "UTF-8") ? skip : 0;
	struct strbuf sb;
	sb_init(&sb);
	if (!strcmp(enc, "UTF-8")) {
		sb_add(&sb, buf + skip, len - skip);
	} else if (!text_to_utf8(enc, buf + skip, len - skip, &sb)) {
		sb_finish(&sb);
		return err_set(e, ERR_FAIL, "%s: not %s text; save it as UTF-8 CSV or as .xlsx",
		               wb->path, enc);
	}
	const char *text = sb.buf ? sb.buf : "";
	/* a tab-separated file: tabs and no commas on its first line */
	const char *nl = strchr(text, '\n');
	size_t first = nl ? (size_t)(nl - text) : strlen(text);
	bool tsv = memchr(text, '\t', first) && !memchr(text, ',', first);
	struct csv *c = csv_open_mem(wb->path, text, sb.len);
	sb_finish(&sb);
	if (tsv)
		csv_set_delim(c, '\t');
	wb->format = tsv ? "tsv" : "csv";
	struct sheet *s = add_sheet(wb, NULL);
	size_t cap = 0;
	char **f;
	size_t n;
	int rc;
	while ((rc = csv_next(c, &f, &n, e)) == 1) {
		struct sheet_row *row = row_at(s, &cap, s->nrows);
		row->line = csv_line(c);
		for (size_t i = n; i-- > 0;)
			cell_set(row, i, f[i], false);
	}
	csv_destroy(c);
	rows_finish(s);
	return rc == 0;
}

/* ---- .xlsx ---- */

struct xlsx {
	struct workbook *wb;
	const unsigned char *zip; /* the whole file */
	size_t ziplen;
	struct err *e;
	char **strings; /* shared strings */
	size_t nstrings;
	bool *date_style; /* per cellXfs index */
	size_t nstyles;
	bool date1904; /* day 0 is 1904-01-01 (old Excel for Mac), not 1899-12-30 */
	char **fmt_ids; /* custom date number formats: ids as text */
	size_t nfmt;
	/* the part being parsed */
	XML_Parser p;
	int depth_text; /* > 0 inside an element whose text is kept */
	bool in_si, in_rph, in_xfs;
	struct strbuf text;
	/* a sheet */
	struct sheet *sheet;
	size_t cap;
	size_t row, col;
	char ctype[16];
	long style;
	bool in_v, in_is;
	size_t slots; /* cells taken so far, against MAX_SLOTS */
	bool full;    /* more were asked for: e says so */
	char **merges;
	size_t nmerges;
	/* workbook and its relations */
	char **names, **rids, **rel_ids, **rel_targets;
	size_t nnames, nrels;
};

/* ---- the zip an .xlsx is: its central directory, stored or deflated
 * members (zlib), no zip64 (a register is far below 4 GB) ---- */

static unsigned le16(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The central directory: false when there is none (not a zip). */
static bool zip_directory(const unsigned char *z, size_t len, size_t *off, size_t *count)
{
	if (len < 22)
		return false;
	size_t lo = len > 22 + 65535 ? len - 22 - 65535 : 0;
	for (size_t i = len - 22 + 1; i-- > lo;) {
		if (le32(z + i) != 0x06054b50)
			continue;
		size_t cd = le32(z + i + 16), size = le32(z + i + 12);
		if (cd > i || size > i - cd)
			return false;
		*off = cd;
		*count = le16(z + i + 10);
		return true;
	}
	return false;
}

/* Member name, inflated (heap, NUL-terminated); NULL when absent or bad. */
static char *zip_part(struct xlsx *x, const char *name, size_t *len)
{
	const unsigned char *z = x->zip;
	size_t n = x->ziplen, p, count, want = strlen(name);
	if (!zip_directory(z, n, &p, &count))
		return NULL;
	for (size_t k = 0; k < count; k++) {
		if (p + 46 > n || le32(z + p) != 0x02014b50)
			return NULL;
		unsigned method = le16(z + p + 10), nlen = le16(z + p + 28);
		size_t csize = le32(z + p + 20), usize = le32(z + p + 24), local = le32(z + p + 42);
		size_t next = p + 46 + nlen + le16(z + p + 30) + le16(z + p + 32);
		if (next > n)
			return NULL;
		if (nlen != want || memcmp(z + p + 46, name, want)) {
			p = next;
			continue;
		}
		if (local + 30 > n || le32(z + local) != 0x04034b50 || usize > 512u * 1024 * 1024)
			return NULL;
		size_t data = local + 30 + le16(z + local + 26) + le16(z + local + 28);
		if (data > n || csize > n - data)
			return NULL;
		char *out = xmalloc(usize + 1);
		bool ok = false;
		if (method == 0 && csize == usize) {
			memcpy(out, z + data, usize);
			ok = true;
		} else if (method == 8) {
			z_stream s = {0};
			if (inflateInit2(&s, -MAX_WBITS) == Z_OK) {
				s.next_in = (Bytef *)(z + data);
				s.avail_in = (uInt)csize;
				s.next_out = (Bytef *)out;
				s.avail_out = (uInt)usize;
				ok = inflate(&s, Z_FINISH) == Z_STREAM_END && s.total_out == usize;
				inflateEnd(&s);
			}
		}
		if (!ok) {
			free(out);
			return NULL;
		}
		out[usize] = '\0';
		*len = usize;
		return out;
	}
	return NULL;
}

static const char *attr(const XML_Char **a, const char *name)
{
	for (; a && a[0]; a += 2) {
		const char *colon = strchr(a[0], ':');
		if (!strcmp(a[0], name) || (colon && name[0] == ':' && !strcmp(colon, name)))
			return a[1];
	}
	return NULL;
}

/* Element names without their namespace prefix. */
static const char *local(const char *n)
{
	const char *colon = strchr(n, ':');
	return colon ? colon + 1 : n;
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
	struct xlsx *x = ud;
	if (x->depth_text > 0 && !x->in_rph)
		sb_add(&x->text, s, (size_t)len);
}

static bool parse_part(struct xlsx *x, const char *name, XML_StartElementHandler start,
                       XML_EndElementHandler end, bool required)
{
	size_t len = 0;
	char *buf = zip_part(x, name, &len);
	if (!buf)
		return required
		           ? err_set(x->e, ERR_FAIL, "%s: not a readable .xlsx workbook (no %s)",
		                     x->wb->path, name)
		           : true;
	x->p = EX.ParserCreate(NULL);
	EX.SetUserData(x->p, x);
	EX.SetElementHandler(x->p, start, end);
	EX.SetCharacterDataHandler(x->p, on_text);
	sb_clear(&x->text);
	bool ok = EX.Parse(x->p, buf, (int)len, 1) == XML_STATUS_OK;
	if (!ok && !x->full)
		err_set(x->e, ERR_FAIL, "%s: %s: bad XML at line %lu (%s)", x->wb->path, name,
		        (unsigned long)EX.GetCurrentLineNumber(x->p),
		        EX.ErrorString(EX.GetErrorCode(x->p)));
	EX.ParserFree(x->p);
	x->p = NULL;
	free(buf);
	return ok;
}

static char **push(char **arr, size_t *n, const char *s)
{
	/* room doubles at each power of two: many shared strings stay linear */
	if ((*n & (*n - 1)) == 0)
		arr = xrealloc(arr, (*n ? 2 * *n : 1) * sizeof *arr);
	arr[(*n)++] = xstrdup(s ? s : "");
	return arr;
}

static void free_list(char **arr, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(arr[i]);
	free(arr);
}

/* workbook.xml: <sheet name="地灾" r:id="rId1"/> */
static void XMLCALL wb_start(void *ud, const XML_Char *n, const XML_Char **a)
{
	struct xlsx *x = ud;
	if (!strcmp(local(n), "workbookPr")) {
		const char *v = attr(a, "date1904");
		x->date1904 = v && (!strcmp(v, "1") || !strcmp(v, "true"));
	} else if (!strcmp(local(n), "sheet")) {
		size_t k = x->nnames;
		x->names = push(x->names, &k, attr(a, "name"));
		x->rids = push(x->rids, &x->nnames, attr(a, ":id"));
	}
}
static void XMLCALL no_end(void *ud, const XML_Char *n)
{
	(void)ud;
	(void)n;
}

static void XMLCALL rel_start(void *ud, const XML_Char *n, const XML_Char **a)
{
	struct xlsx *x = ud;
	if (!strcmp(local(n), "Relationship")) {
		size_t k = x->nrels;
		x->rel_ids = push(x->rel_ids, &k, attr(a, "Id"));
		x->rel_targets = push(x->rel_targets, &x->nrels, attr(a, "Target"));
	}
}

/* sharedStrings.xml: <si><t>..</t><r><t>..</t></r><rPh>..</rPh></si> */
static void XMLCALL ss_start(void *ud, const XML_Char *n, const XML_Char **a)
{
	struct xlsx *x = ud;
	(void)a;
	n = local(n);
	if (!strcmp(n, "si")) {
		x->in_si = true;
		sb_clear(&x->text);
	} else if (!strcmp(n, "rPh")) {
		x->in_rph = true;
	} else if (!strcmp(n, "t") && x->in_si) {
		x->depth_text++;
	}
}
static void XMLCALL ss_end(void *ud, const XML_Char *n)
{
	struct xlsx *x = ud;
	n = local(n);
	if (!strcmp(n, "si")) {
		x->in_si = false;
		x->strings = push(x->strings, &x->nstrings, x->text.buf ? x->text.buf : "");
	} else if (!strcmp(n, "rPh")) {
		x->in_rph = false;
	} else if (!strcmp(n, "t") && x->depth_text > 0) {
		x->depth_text--;
	}
}

/* A number format that shows a date: built in (14-22, 27-36, 45-47,
 * 50-58: the Chinese ones) or custom with y, d, m or 年月日 outside quotes
 * and brackets. */
static bool date_format(const char *code)
{
	bool quoted = false, bracket = false;
	for (const char *p = code; *p; p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (quoted)
			continue;
		else if (*p == '\\' && p[1])
			p++;
		else if (*p == '[')
			bracket = true;
		else if (*p == ']')
			bracket = false;
		else if (!bracket && strchr("yYdDmMhH", *p))
			return true;
		else if (!bracket &&
		         (!strncmp(p, "年", 3) || !strncmp(p, "月", 3) || !strncmp(p, "日", 3)))
			return true;
	}
	return false;
}

static bool builtin_date(long id)
{
	return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
	       (id >= 50 && id <= 58);
}

static void XMLCALL st_start(void *ud, const XML_Char *n, const XML_Char **a)
{
	struct xlsx *x = ud;
	n = local(n);
	if (!strcmp(n, "numFmt")) {
		const char *id = attr(a, "numFmtId"), *code = attr(a, "formatCode");
		if (id && code && date_format(code))
			x->fmt_ids = push(x->fmt_ids, &x->nfmt, id);
	} else if (!strcmp(n, "cellXfs")) {
		x->in_xfs = true;
	} else if (!strcmp(n, "xf") && x->in_xfs) {
		const char *id = attr(a, "numFmtId");
		bool date = id && builtin_date(strtol(id, NULL, 10));
		for (size_t i = 0; id && i < x->nfmt; i++)
			date |= !strcmp(x->fmt_ids[i], id);
		x->date_style = xrealloc(x->date_style, (x->nstyles + 1) * sizeof *x->date_style);
		x->date_style[x->nstyles++] = date;
	}
}
static void XMLCALL st_end(void *ud, const XML_Char *n)
{
	struct xlsx *x = ud;
	if (!strcmp(local(n), "cellXfs"))
		x->in_xfs = false;
}

/* "BC12" -> column 54 (0-based), row 11 (0-based) */
static bool cell_ref(const char *ref, size_t *col, size_t *row)
{
	size_t c = 0, r = 0;
	const char *p = ref;
	for (; *p >= 'A' && *p <= 'Z'; p++)
		c = c * 26 + (size_t)(*p - 'A' + 1);
	for (; *p >= '0' && *p <= '9'; p++)
		r = r * 10 + (size_t)(*p - '0');
	if (!c || !r || *p || c > MAX_COLS || r > MAX_ROWS)
		return false;
	*col = c - 1;
	*row = r - 1;
	return true;
}

static void XMLCALL sh_start(void *ud, const XML_Char *n, const XML_Char **a)
{
	struct xlsx *x = ud;
	n = local(n);
	if (!strcmp(n, "row")) {
		const char *r = attr(a, "r");
		long v = r ? strtol(r, NULL, 10) : 0;
		if (v >= 1 && v <= MAX_ROWS)
			x->row = (size_t)v - 1;
		else if (!r)
			x->row = x->sheet->nrows;
		x->col = 0;
	} else if (!strcmp(n, "c")) {
		const char *r = attr(a, "r"), *t = attr(a, "t"), *s = attr(a, "s");
		size_t col, row;
		if (r && cell_ref(r, &col, &row)) {
			x->col = col;
			x->row = row;
		}
		snprintf(x->ctype, sizeof x->ctype, "%s", t ? t : "n");
		x->style = s ? strtol(s, NULL, 10) : -1;
		sb_clear(&x->text);
	} else if (!strcmp(n, "v")) {
		x->in_v = true;
		x->depth_text++;
	} else if (!strcmp(n, "is")) {
		x->in_is = true;
	} else if (!strcmp(n, "rPh")) {
		x->in_rph = true;
	} else if (!strcmp(n, "t") && x->in_is) {
		x->depth_text++;
	} else if (!strcmp(n, "mergeCell")) {
		x->merges = push(x->merges, &x->nmerges, attr(a, "ref"));
	}
}

/* A number cell's text: a date by its style, else the number as written
 * (to 15 significant digits, as the program shows it). */
static void number_text(struct xlsx *x, const char *v, char *out, size_t size)
{
	char *end;
	double d = strtod(v, &end);
	bool num = *v && !*end;
	if (num && x->style >= 0 && (size_t)x->style < x->nstyles && x->date_style[x->style] &&
	    excel_serial_text(x->date1904 ? d + 1462 : d, out, size))
		return;
	if (num && strlen(v) > 15)
		snprintf(out, size, "%.15g", d);
	else
		snprintf(out, size, "%s", v);
}

/* Room for cell (r, c), within MAX_SLOTS; false (the parse stopped, e
 * set) when a sheet would take more. */
static bool take_slots(struct xlsx *x, size_t r, size_t c)
{
	if (x->full)
		return false;
	size_t have = r < x->sheet->nrows ? x->sheet->rows[r].n : 0;
	if (c < have)
		return true;
	x->slots += c + 1 - have;
	if (x->slots <= MAX_SLOTS)
		return true;
	x->full = true;
	err_set(x->e, ERR_FAIL, "%s: sheet '%s' spreads over more than %u cells; save only the "
			       "register's rows and columns",
		x->wb->path, x->sheet->name, MAX_SLOTS);
	if (x->p)
		EX.StopParser(x->p, XML_FALSE);
	return false;
}

static void XMLCALL sh_end(void *ud, const XML_Char *n)
{
	struct xlsx *x = ud;
	n = local(n);
	if (!strcmp(n, "v") || (!strcmp(n, "t") && x->in_is)) {
		x->in_v = false;
		if (x->depth_text > 0)
			x->depth_text--;
	} else if (!strcmp(n, "is")) {
		x->in_is = false;
	} else if (!strcmp(n, "rPh")) {
		x->in_rph = false;
	} else if (!strcmp(n, "c")) {
		const char *v = x->text.buf ? x->text.buf : "";
		char num[64];
		const char *text = v;
		if (!strcmp(x->ctype, "s")) {
			char *end;
			long i = strtol(v, &end, 10);
			text =
			    *v && !*end && i >= 0 && (size_t)i < x->nstrings ? x->strings[i] : "";
		} else if (!strcmp(x->ctype, "n") || !x->ctype[0]) {
			number_text(x, v, num, sizeof num);
			text = num;
		}
		if (*text && take_slots(x, x->row, x->col))
			cell_set(row_at(x->sheet, &x->cap, x->row), x->col, text, false);
		x->col++;
		sb_clear(&x->text);
	}
}

/* Every cell of a merged range holds the range's first cell. */
static void fill_merges(struct xlsx *x)
{
	for (size_t i = 0; i < x->nmerges; i++) {
		char a[32], b[32];
		const char *colon = strchr(x->merges[i], ':');
		size_t c0, r0, c1, r1;
		if (!colon || (size_t)(colon - x->merges[i]) >= sizeof a)
			continue;
		snprintf(a, sizeof a, "%.*s", (int)(colon - x->merges[i]), x->merges[i]);
		snprintf(b, sizeof b, "%s", colon + 1);
		if (!cell_ref(a, &c0, &r0) || !cell_ref(b, &c1, &r1) || c1 < c0 || r1 < r0)
			continue;
		if (r0 >= x->sheet->nrows || c0 >= x->sheet->rows[r0].n ||
		    !x->sheet->rows[r0].cells[c0])
			continue;
		char *v = xstrdup(x->sheet->rows[r0].cells[c0]);
		for (size_t r = r0; r <= r1 && !x->full; r++)
			for (size_t c = c0; c <= c1 && !x->full; c++)
				if ((r != r0 || c != c0) && take_slots(x, r, c))
					cell_set(row_at(x->sheet, &x->cap, r), c, v, true);
		free(v);
	}
}

static bool read_xlsx(struct workbook *wb, const char *buf, size_t len, struct err *e)
{
	wb->format = "xlsx";
	if (!dynlib_load(&ex_lib, e))
		return false;
	size_t cd, count;
	if (!zip_directory((const unsigned char *)buf, len, &cd, &count))
		return err_set(e, ERR_FAIL, "%s: not a readable .xlsx workbook (a broken zip)",
		               wb->path);
	struct xlsx x = {.wb = wb, .zip = (const unsigned char *)buf, .ziplen = len, .e = e};
	sb_init(&x.text);
	bool ok = parse_part(&x, "xl/workbook.xml", wb_start, no_end, true) &&
	          parse_part(&x, "xl/_rels/workbook.xml.rels", rel_start, no_end, true);
	if (ok)
		ok = parse_part(&x, "xl/sharedStrings.xml", ss_start, ss_end, false) &&
		     parse_part(&x, "xl/styles.xml", st_start, st_end, false);
	for (size_t i = 0; ok && i < x.nnames; i++) {
		const char *target = NULL;
		for (size_t j = 0; j < x.nrels; j++)
			if (!strcmp(x.rel_ids[j], x.rids[i]))
				target = x.rel_targets[j];
		if (!target)
			continue;
		char *part = target[0] == '/' ? xstrdup(target + 1) : xasprintf("xl/%s", target);
		x.sheet = add_sheet(wb, x.names[i]);
		x.cap = 0;
		x.row = 0;
		free_list(x.merges, x.nmerges);
		x.merges = NULL;
		x.nmerges = 0;
		ok = parse_part(&x, part, sh_start, sh_end, true);
		free(part);
		if (ok) {
			fill_merges(&x);
			ok = !x.full;
		}
		rows_finish(x.sheet);
	}
	if (ok && !wb->nsheets)
		ok = err_set(e, ERR_FAIL, "%s: a workbook without sheets", wb->path);
	free_list(x.strings, x.nstrings);
	free_list(x.fmt_ids, x.nfmt);
	free_list(x.merges, x.nmerges);
	free_list(x.names, x.nnames);
	free_list(x.rids, x.nnames);
	free_list(x.rel_ids, x.nrels);
	free_list(x.rel_targets, x.nrels);
	free(x.date_style);
	sb_finish(&x.text);
	return ok;
}

/* ---- legacy .xls (BIFF, through libfreexl) ---- */

static bool xls_parse(struct workbook *wb, struct err *e)
{
	wb->format = "xls";
	if (!dynlib_load(&fx_lib, e))
		return false;
	const void *h = NULL;
	/* a file it cannot parse may come back "OK" with no handle */
	if (FX.open(wb->path, &h) != FREEXL_OK || !h) {
		if (h)
			FX.close(h);
		return err_set(
		    e, ERR_FAIL,
		    "%s: not a readable .xls workbook; open it in Excel or WPS and save it "
		    "as .xlsx, then import that",
		    wb->path);
	}
	unsigned int count = 0;
	bool ok = FX.get_info(h, FREEXL_BIFF_SHEET_COUNT, &count) == FREEXL_OK;
	for (unsigned short i = 0; ok && i < count; i++) {
		const char *name = NULL;
		unsigned int rows = 0;
		unsigned short cols = 0;
		ok = FX.get_worksheet_name(h, i, &name) == FREEXL_OK &&
		     FX.select_active_worksheet(h, i) == FREEXL_OK &&
		     FX.worksheet_dimensions(h, &rows, &cols) == FREEXL_OK;
		if (!ok)
			break;
		struct sheet *s = add_sheet(wb, name ? name : "");
		size_t cap = 0;
		for (unsigned int r = 0; r < rows && r < MAX_ROWS; r++) {
			struct sheet_row *row = row_at(s, &cap, r);
			for (unsigned short c = 0; c < cols; c++) {
				FreeXL_CellValue v;
				char num[64];
				const char *text = NULL;
				if (FX.get_cell_value(h, r, c, &v) != FREEXL_OK)
					continue;
				switch (v.type) {
				case FREEXL_CELL_INT:
					snprintf(num, sizeof num, "%d", v.value.int_value);
					text = num;
					break;
				case FREEXL_CELL_DOUBLE:
					snprintf(num, sizeof num, "%.15g", v.value.double_value);
					text = num;
					break;
				case FREEXL_CELL_TEXT:
				case FREEXL_CELL_SST_TEXT:
				case FREEXL_CELL_DATE:
				case FREEXL_CELL_DATETIME:
				case FREEXL_CELL_TIME:
					text = v.value.text_value;
					break;
				}
				if (text && *text)
					cell_set(row, c, text, false);
			}
		}
		rows_finish(s);
	}
	FX.close(h);
	if (!ok)
		return err_set(e, ERR_FAIL,
		               "%s: a damaged .xls workbook; save it as .xlsx in Excel "
		               "or WPS and import that",
		               wb->path);
	if (!wb->nsheets)
		return err_set(e, ERR_FAIL, "%s: a workbook without sheets", wb->path);
	return true;
}

/* libfreexl is not safe on a crafted file (a fuzzer makes it read out of
 * bounds): it runs in a child process, which hands the cells back over a
 * pipe as records: 'S' name NUL (a sheet), 'C' row col (4 bytes each) text
 * NUL (a cell), 'E' message NUL (it could not read the file). A child that
 * dies says the file is damaged. */
/* Set by a sanitizer (a fuzzer's hook on a crash), else absent. */
extern void __sanitizer_set_death_callback(void (*cb)(void)) __attribute__((weak));

static void xls_child(struct workbook *wb, int fd)
{
	FILE *out = fdopen(fd, "w");
	struct err e = {0};
	if (!out)
		_exit(2);
	/* what the library (or a sanitizer) might say of a crafted file goes
	 * nowhere: the parent says the file is damaged */
	static const int fatal[] = {SIGABRT, SIGSEGV, SIGBUS, SIGILL, SIGFPE};
	for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
		signal(fatal[i], SIG_DFL);
	if (__sanitizer_set_death_callback)
		__sanitizer_set_death_callback(NULL);
	int null = open("/dev/null", O_WRONLY);
	if (null >= 0) {
		dup2(null, STDERR_FILENO);
		close(null);
	}
	if (!xls_parse(wb, &e)) {
		fprintf(out, "E%s%c", e.msg, 0);
	} else {
		for (size_t i = 0; i < wb->nsheets; i++) {
			struct sheet *s = &wb->sheets[i];
			fprintf(out, "S%s%c", s->name ? s->name : "", 0);
			for (size_t r = 0; r < s->nrows; r++)
				for (size_t c = 0; c < s->rows[r].n; c++) {
					if (!*s->rows[r].cells[c])
						continue;
					uint32_t rc[2] = {(uint32_t)r, (uint32_t)c};
					fputc('C', out);
					fwrite(rc, sizeof rc, 1, out);
					fprintf(out, "%s%c", s->rows[r].cells[c], 0);
				}
		}
	}
	_exit(fflush(out) ? 2 : 0);
}

static bool read_xls(struct workbook *wb, struct err *e)
{
	wb->format = "xls";
	int fd[2];
	if (pipe(fd))
		return err_set(e, ERR_FAIL, "%s: %s", wb->path, strerror(errno));
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		close(fd[0]);
		close(fd[1]);
		return err_set(e, ERR_FAIL, "%s: %s", wb->path, strerror(errno));
	}
	if (pid == 0) {
		close(fd[0]);
		xls_child(wb, fd[1]);
	}
	close(fd[1]);
	struct strbuf sb;
	sb_init(&sb);
	char chunk[65536];
	ssize_t got;
	while ((got = read(fd[0], chunk, sizeof chunk)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			break;
		sb_add(&sb, chunk, (size_t)got);
	}
	close(fd[0]);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	const char *p = sb.buf ? sb.buf : "", *end = p + sb.len;
	bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
	struct sheet *s = NULL;
	size_t cap = 0;
	bool told = false;
	while (ok && p < end) {
		char kind = *p++;
		if (kind == 'C' && s && end - p > 8) {
			uint32_t rc[2];
			memcpy(rc, p, sizeof rc);
			p += sizeof rc;
			if (rc[0] >= MAX_ROWS || rc[1] >= MAX_COLS)
				break;
			cell_set(row_at(s, &cap, rc[0]), rc[1], p, false);
		} else if (kind == 'S') {
			if (s)
				rows_finish(s);
			s = add_sheet(wb, p);
			cap = 0;
		} else if (kind == 'E') {
			err_set(e, ERR_FAIL, "%s", p);
			ok = false;
			told = true;
			break;
		} else {
			break;
		}
		p += strnlen(p, (size_t)(end - p)) + 1;
	}
	if (s)
		rows_finish(s);
	sb_finish(&sb);
	if (ok && p < end)
		ok = false;
	if (!ok && !told)
		return err_set(e, ERR_FAIL,
		               "%s: a damaged .xls workbook; open it in Excel or WPS, save it as "
		               ".xlsx and import that",
		               wb->path);
	if (ok && !wb->nsheets)
		return err_set(e, ERR_FAIL, "%s: a workbook without sheets", wb->path);
	return ok;
}

struct workbook *workbook_open(const char *path, const char *encoding, struct err *e)
{
	struct strbuf sb;
	if (!text_read_file(path, &sb, e))
		return NULL;
	struct workbook *wb = xcalloc(1, sizeof *wb);
	wb->path = xstrdup(path);
	const char *buf = sb.buf ? sb.buf : "";
	bool ok;
	if (sb.len >= 4 && !memcmp(buf, "PK\3\4", 4)) {
		ok = read_xlsx(wb, buf, sb.len, e);
	} else if (sb.len >= 8 && !memcmp(buf, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8)) {
		ok = read_xls(wb, e);
	} else {
		ok = read_text(wb, buf, sb.len, encoding, e);
	}
	sb_finish(&sb);
	if (!ok) {
		workbook_free(wb);
		return NULL;
	}
	return wb;
}
