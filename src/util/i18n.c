/* The Chinese catalogue, read from the .mo file msgfmt writes.
 *
 * The file (GNU gettext manual, "The Format of GNU MO Files"): a header of
 * 32-bit words in the writer's byte order (magic 0x950412de, revision, N,
 * offset of the original strings' table, offset of the translations'
 * table, hash table size and offset), then two tables of N (length,
 * offset) pairs, the originals sorted by strcmp; each string is followed by
 * a NUL that its length does not count. Lookup is a binary search; the hash
 * table is not used. Every offset is checked against the file's size when
 * it is loaded, so a damaged file is refused whole, never read past. */
#include "dutydesk/i18n.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "dutydesk/util.h"

#define MO_MAGIC 0x950412deu
#define MO_MAX_BYTES (16u << 20) /* a catalogue is some 100 KB */

static struct {
	char *data;
	size_t size;
	uint32_t n;
	const char **orig, **trans;
	char path[PATH_MAX];
	bool zh;
} cat;

static uint32_t word(const unsigned char *p, bool swap)
{
	uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		     (uint32_t)p[3] << 24;
	if (swap)
		v = (v >> 24) | ((v >> 8) & 0xff00u) | ((v << 8) & 0xff0000u) | (v << 24);
	return v;
}

static void unload(void)
{
	free(cat.data);
	free(cat.orig);
	free(cat.trans);
	cat.data = NULL;
	cat.orig = cat.trans = NULL;
	cat.size = 0;
	cat.n = 0;
	cat.path[0] = '\0';
}

static bool fail(char *why, size_t n, const char *path, const char *what)
{
	if (why && n)
		snprintf(why, n, "%s: %s", path, what);
	return false;
}

/* Table entry i of the table at off: its string, checked to lie inside the
 * file and to end with a NUL; NULL if it does not. */
static const char *entry(const unsigned char *d, size_t size, uint32_t off, uint32_t i,
			 bool swap)
{
	uint64_t at = (uint64_t)off + (uint64_t)i * 8u;
	if (at + 8u > size)
		return NULL;
	uint64_t len = word(d + at, swap), s = word(d + at + 4, swap);
	if (s + len >= size || d[s + len] != '\0')
		return NULL;
	return (const char *)d + s;
}

static char *read_file(const char *path, size_t *size, char *why, size_t n)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fail(why, n, path, "cannot be read");
		return NULL;
	}
	char *buf = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (len == cap) {
			if (cap >= MO_MAX_BYTES) {
				fail(why, n, path, "too big for a catalogue");
				free(buf);
				fclose(f);
				return NULL;
			}
			cap = cap ? cap * 2 : 64 * 1024;
			buf = xrealloc(buf, cap + 1);
		}
		size_t got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	bool bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		fail(why, n, path, "cannot be read");
		return NULL;
	}
	buf[len] = '\0';
	*size = len;
	return buf;
}

bool i18n_load(const char *path, char *why, size_t n)
{
	unload();
	if (!path)
		return true;
	size_t size;
	char *d = read_file(path, &size, why, n);
	if (!d)
		return false;
	const unsigned char *u = (const unsigned char *)d;
	bool swap = false;
	if (size < 28)
		goto bad;
	if (word(u, false) != MO_MAGIC) {
		swap = true;
		if (word(u, true) != MO_MAGIC)
			goto bad;
	}
	uint32_t rev = word(u + 4, swap), count = word(u + 8, swap);
	uint32_t oo = word(u + 12, swap), to = word(u + 16, swap);
	if (rev >> 16 != 0 || count > size / 16) /* two 8-byte entries each */
		goto bad;
	const char **orig = xcalloc(count ? count : 1, sizeof *orig);
	const char **trans = xcalloc(count ? count : 1, sizeof *trans);
	for (uint32_t i = 0; i < count; i++) {
		orig[i] = entry(u, size, oo, i, swap);
		trans[i] = entry(u, size, to, i, swap);
		if (!orig[i] || !trans[i] || (i > 0 && strcmp(orig[i - 1], orig[i]) >= 0)) {
			free(orig);
			free(trans);
			goto bad;
		}
	}
	/* The header (the empty msgid, first when sorted) names the charset. */
	if (count == 0 || orig[0][0] != '\0' || !strstr(trans[0], "charset=UTF-8")) {
		free(orig);
		free(trans);
		free(d);
		return fail(why, n, path, "not a UTF-8 catalogue");
	}
	cat.data = d;
	cat.size = size;
	cat.n = count;
	cat.orig = orig;
	cat.trans = trans;
	snprintf(cat.path, sizeof cat.path, "%s", path);
	return true;
bad:
	free(d);
	return fail(why, n, path, "not a well-formed .mo catalogue");
}

const char *i18n_catalogue(void)
{
	return cat.path;
}

/* ---- the misses: $DUTYDESK_I18N_MISSES names a file that gets, one a
 * line and each once, every English text the Chinese interface was about
 * to show: a msgid the catalogue lacks, or a message never marked. ---- */

static struct {
	uint64_t seen[2048];
	size_t nseen;
} misses;

static void miss(const char *text)
{
	const char *path = getenv("DUTYDESK_I18N_MISSES");
	if (!path || !*path)
		return;
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (const char *p = text; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	for (size_t i = 0; i < misses.nseen; i++)
		if (misses.seen[i] == h)
			return;
	if (misses.nseen < ARRAY_LEN(misses.seen))
		misses.seen[misses.nseen++] = h;
	FILE *f = fopen(path, "a");
	if (!f)
		return;
	for (const char *p = text; *p; p++) /* one line each */
		fputc(*p == '\n' ? '|' : *p, f);
	fputc('\n', f);
	fclose(f);
}

/* Whether text holds a word: two ASCII letters in a row outside printf
 * conversions ("%s: %s" holds none, "no such %s" does). */
static bool has_word(const char *text)
{
	int run = 0;
	for (const char *p = text; *p; p++) {
		if (*p == '%') {
			p++;
			while (*p && !strchr("sdiuxXfgcpz%", *p))
				p++;
			while (*p == 'z' || *p == 'l')
				p++;
			if (!*p)
				break;
			run = 0;
			continue;
		}
		bool letter = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z');
		run = letter ? run + 1 : 0;
		if (run >= 2)
			return true;
	}
	return false;
}

void i18n_check_shown(const char *text)
{
	if (!cat.zh || !text || !has_word(text))
		return;
	if (text >= cat.data && text < cat.data + cat.size)
		return; /* a translation */
	miss(text);
}

const char *i18n_tr(const char *msgid)
{
	if (!cat.n || !msgid || !*msgid)
		return msgid;
	uint32_t lo = 0, hi = cat.n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = strcmp(msgid, cat.orig[mid]);
		if (c == 0)
			return *cat.trans[mid] ? cat.trans[mid] : msgid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (cat.zh)
		miss(msgid);
	return msgid;
}

/* ---- the language ---- */

static bool is_zh(const char *s)
{
	return s[0] == 'z' && s[1] == 'h' && (s[2] == '\0' || s[2] == '_' || s[2] == '.' ||
					      s[2] == '@' || s[2] == ':' || s[2] == '-');
}

bool i18n_wants_zh(const char *language)
{
	if (language && !strcmp(language, "zh"))
		return true;
	if (language && !strcmp(language, "en"))
		return false;
	static const char *const vars[] = {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"};
	for (size_t i = 0; i < ARRAY_LEN(vars); i++) {
		const char *v = getenv(vars[i]);
		if (!v)
			continue;
		while (i == 0 && *v == ':') /* LANGUAGE is a list; skip empty entries */
			v++;
		if (*v)
			return is_zh(v);
	}
	return false;
}

bool i18n_zh(void)
{
	return cat.zh;
}

/* Whether the running program lies under dir (the build tree): then its
 * own catalogue is the build tree's, not an older installed one. */
static bool run_from(const char *dir)
{
	char exe[PATH_MAX];
	ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (k <= 0)
		return false;
	exe[k] = '\0';
	size_t n = strlen(dir);
	return n > 0 && !strncmp(exe, dir, n) && exe[n] == '/';
}

bool run_from_build_tree(void)
{
	return run_from(DD_BUILD_ROOT);
}

bool i18n_init(const char *language, char *note, size_t n)
{
	if (note && n)
		note[0] = '\0';
	cat.zh = false;
	i18n_load(NULL, NULL, 0);
	if (!i18n_wants_zh(language))
		return false;
	const char *env = getenv("DUTYDESK_LOCALEDIR");
	const char *dirs[3] = {NULL, NULL, NULL};
	if (env && *env) {
		dirs[0] = env;
	} else if (run_from_build_tree()) {
		dirs[0] = DD_BUILD_LOCALEDIR;
		dirs[1] = DD_LOCALEDIR;
	} else {
		dirs[0] = DD_LOCALEDIR;
	}
	char why[PATH_MAX + 64] = "";
	for (size_t i = 0; i < ARRAY_LEN(dirs) && dirs[i]; i++) {
		char path[PATH_MAX];
		snprintf(path, sizeof path, "%s/zh_CN/LC_MESSAGES/dutydesk.mo", dirs[i]);
		char w[PATH_MAX + 64];
		if (i18n_load(path, w, sizeof w)) {
			cat.zh = true;
			return true;
		}
		if (!why[0])
			snprintf(why, sizeof why, "%s", w);
	}
	if (note && n)
		snprintf(note, n, "Chinese was asked for, but %s", why);
	return false;
}
