/* The console's ':' line: words split as a shell splits them, so that
 * `:incident note 永和-2026-0007 '续报 内容'` gives the verb what the CLI
 * would, and Tab completion of verbs, options and values from the verb
 * table (the values from the store). */
#include <stdlib.h>
#include <string.h>

#include "dutydesk/i18n.h"
#include "cmd_impl.h"

static bool blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* One pass over the line; partial: an open quote ends the line, and a line
 * that ends in a blank has an empty last word. */
static bool split(const char *line, bool partial, int *argc, char ***argv, size_t *last_start,
		  struct err *e)
{
	size_t n = strlen(line), i = 0, cap = 8;
	int count = 0;
	char **words = xcalloc(cap, sizeof *words);
	size_t start = n;
	bool ok = true;
	for (;;) {
		size_t b = i;
		while (i < n && blank(line[i]))
			i++;
		if (i >= n) {
			if (partial && (i > b || count == 0)) {
				words[count++] = xstrdup("");
				start = n;
			}
			break;
		}
		start = i;
		struct strbuf w;
		sb_init(&w);
		sb_puts(&w, ""); /* '' is a word too */
		while (i < n && !blank(line[i])) {
			char ch = line[i];
			if (ch == '\'') {
				const char *end = strchr(line + i + 1, '\'');
				if (!end && !partial) {
					ok = err_set(e, ERR_USAGE, _("unterminated ' quote"));
					break;
				}
				size_t len = end ? (size_t)(end - line) - i - 1 : n - i - 1;
				sb_add(&w, line + i + 1, len);
				i += len + 1 + (end != NULL);
			} else if (ch == '"') {
				i++;
				while (i < n && line[i] != '"') {
					if (line[i] == '\\' && i + 1 < n && strchr("\"\\$`", line[i + 1]))
						i++;
					sb_putc(&w, line[i++]);
				}
				if (i >= n && !partial) {
					ok = err_set(e, ERR_USAGE, _("unterminated \" quote"));
					break;
				}
				i += i < n;
			} else if (ch == '\\' && i + 1 < n) {
				sb_putc(&w, line[i + 1]);
				i += 2;
			} else {
				sb_putc(&w, ch);
				i++;
			}
		}
		if (!ok) {
			sb_finish(&w);
			break;
		}
		if ((size_t)count + 2 > cap)
			words = xrealloc(words, (cap *= 2) * sizeof *words);
		words[count++] = sb_take(&w);
	}
	if ((size_t)count + 1 > cap)
		words = xrealloc(words, (cap + 1) * sizeof *words);
	words[count] = NULL;
	if (!ok) {
		cmd_words_free(count, words);
		words = NULL, count = 0;
	}
	*argc = count;
	*argv = words;
	if (last_start)
		*last_start = start;
	return ok;
}

bool cmd_split(const char *line, int *argc, char ***argv, struct err *e)
{
	return split(line, false, argc, argv, NULL, e);
}

void cmd_split_partial(const char *line, int *argc, char ***argv, size_t *last_start)
{
	split(line, true, argc, argv, last_start, NULL);
}

void cmd_words_free(int argc, char **argv)
{
	for (int i = 0; argv && i < argc; i++)
		free(argv[i]);
	free(argv);
}

char *cmd_quote(const char *word)
{
	bool plain = *word != '\0';
	for (const unsigned char *p = (const unsigned char *)word; *p && plain; p++)
		plain = *p > ' ' && *p != 0x7F && !strchr("'\"\\", *p);
	if (plain)
		return xstrdup(word);
	struct strbuf sb;
	sb_init(&sb);
	sb_putc(&sb, '\'');
	for (const char *p = word; *p; p++)
		if (*p == '\'')
			sb_puts(&sb, "'\\''");
		else
			sb_putc(&sb, *p);
	sb_putc(&sb, '\'');
	return sb_take(&sb);
}

int cmd_count_args(const struct cmd *cmd, int argc, char *const *argv)
{
	int k = 0;
	for (int i = 0; i < argc; i++) {
		const char *w = argv[i];
		if (w[0] != '-' || !w[1]) {
			k++;
			continue;
		}
		/* an option taking a value takes the next word (not --name=value) */
		for (const struct cmd_opt *o = cmd->opts; o && o->name; o++)
			if (o->arg && w[1] == '-' && strcmp(w + 2, o->name) == 0) {
				i++;
				break;
			}
	}
	return k;
}

/* ---- completion ---- */

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Appends s when it starts with prefix and is not there yet. */
static void offer(json_t *out, const char *s, const char *prefix, int limit)
{
	if (!s || !starts(s, prefix) || (int)json_array_size(out) >= limit)
		return;
	size_t i;
	json_t *v;
	json_array_foreach(out, i, v)
		if (strcmp(json_string_value(v), s) == 0)
			return;
	json_array_append_new(out, json_string(s));
}

/* The words of a blank-separated list that start with prefix. */
static void offer_words(json_t *out, const char *list, const char *prefix, int limit)
{
	char *copy = xstrdup(list ? list : ""), *save = NULL;
	for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
		offer(out, w, prefix, limit);
	free(copy);
}

/* Values from the store: numbers, names, codes. */
static void offer_store(json_t *out, struct store *st, const char *what, const char *prefix,
			int limit)
{
	json_t *rows = st ? q_candidates(st, what, prefix, limit, NULL) : NULL;
	size_t i;
	json_t *v;
	json_array_foreach(rows, i, v)
		offer(out, json_string_value(v), "", limit); /* the store matched already */
	json_decref(rows);
}

static void offer_value(json_t *out, struct store *st, enum cmd_value kind, const char *words,
			const char *prefix, int limit)
{
	static const char *const what[] = {
		[CV_INCIDENT] = "incident", [CV_TOWNSHIP] = "township", [CV_VILLAGE] = "village",
		[CV_HAZARD] = "hazard",	    [CV_DEPOT] = "depot",	[CV_ITEM] = "item",
		[CV_TYPE] = "type",	    [CV_PLAN] = "plan",		[CV_ACTIVATION] = "activation",
	};
	if (kind == CV_WORDS)
		offer_words(out, words, prefix, limit);
	else if (kind == CV_LEVEL)
		offer_words(out, "IV III II I", prefix, limit);
	else if (kind != CV_NONE && (size_t)kind < ARRAY_LEN(what) && what[kind])
		offer_store(out, st, what[kind], prefix, limit);
}

/* A field option's value: from its column's type. */
static void offer_field(json_t *out, struct store *st, const struct cmd *cmd,
			const struct cmd_opt *o, const char *prefix, int limit)
{
	const struct column *col = cmd->table ? table_column(cmd->table, o->field) : NULL;
	if (!col)
		return;
	switch (col->type) {
	case CT_TOWNSHIP:
		offer_value(out, st, CV_TOWNSHIP, NULL, prefix, limit);
		break;
	case CT_VILLAGE:
		offer_value(out, st, CV_VILLAGE, NULL, prefix, limit);
		break;
	case CT_TYPE:
		offer_value(out, st, CV_TYPE, NULL, prefix, limit);
		break;
	case CT_REF:
		if (str_eq(col->ref, "hazard") || str_eq(col->ref, "depot") ||
		    str_eq(col->ref, "item") || str_eq(col->ref, "incident"))
			offer_store(out, st, col->ref, prefix, limit);
		break;
	case CT_ENUM:
		for (const struct enum_value *v = col->values; v && v->id; v++)
			offer(out, v->id, prefix, limit);
		break;
	default:
		break;
	}
}

static const struct cmd_opt *find_opt(const struct cmd *cmd, const char *word)
{
	if (!starts(word, "--"))
		return NULL;
	for (const struct cmd_opt *o = cmd->opts; o && o->name; o++)
		if (strcmp(o->name, word + 2) == 0)
			return o;
	return NULL;
}

/* The words after the verb's name: an option's value, another option, or
 * the next argument. */
static void offer_after_verb(json_t *out, struct store *st, const struct cmd *cmd, int nrest,
			     char *const *rest, const char *word, int limit)
{
	const struct cmd_opt *prev = nrest > 0 ? find_opt(cmd, rest[nrest - 1]) : NULL;
	if (prev && prev->arg) {
		if (prev->field)
			offer_field(out, st, cmd, prev, word, limit);
		else
			offer_value(out, st, prev->value, prev->words, word, limit);
		return;
	}
	if (*word == '-') {
		for (const struct cmd_opt *o = cmd->opts; o && o->name; o++) {
			bool given = false;
			for (int i = 0; i < nrest && !given; i++)
				given = starts(rest[i], "--") && strcmp(rest[i] + 2, o->name) == 0;
			if (!given) {
				char name[80];
				snprintf(name, sizeof name, "--%s", o->name);
				offer(out, name, word, limit);
			}
		}
		offer(out, "--json", word, limit);
		offer(out, "--help", word, limit);
		return;
	}
	/* which argument this is: options and their values do not count */
	int k = cmd_count_args(cmd, nrest, rest);
	int nkinds = 0;
	while (nkinds < (int)ARRAY_LEN(cmd->argv) && cmd->argv[nkinds] != CV_NONE)
		nkinds++;
	size_t alen = cmd->args ? strlen(cmd->args) : 0;
	bool repeats = alen >= 3 && strcmp(cmd->args + alen - 3, "...") == 0;
	if (k >= nkinds && repeats && nkinds > 0)
		k = nkinds - 1;
	if (k < nkinds && k < cmd->nargs_max)
		offer_value(out, st, cmd->argv[k], cmd->words, word, limit);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(json_string_value(*(json_t *const *)a), json_string_value(*(json_t *const *)b));
}

/* Sorts an array of strings in place. */
static void sort_strings(json_t *arr)
{
	rows_sort(arr, cmp_str);
}

json_t *cmd_complete(struct store *st, int nwords, char *const *words,
		     const char *const *extra, int limit)
{
	json_t *out = json_array();
	if (nwords < 1)
		return out;
	const char *word = words[nwords - 1];
	if (nwords == 1) {
		for (const struct cmd *const *p = cmd_table; *p; p++)
			offer(out, (*p)->group, word, limit);
		for (const char *const *x = extra; x && *x; x++)
			offer(out, *x, word, limit);
		sort_strings(out);
		return out;
	}
	int used;
	bool known;
	const struct cmd *cmd = cmd_lookup(nwords - 1, words, &used, &known);
	if (nwords == 2 && known && *word != '-') {
		/* the verb of a group */
		for (const struct cmd *const *p = cmd_table; *p; p++)
			if (str_eq((*p)->group, words[0]) && (*p)->verb)
				offer(out, (*p)->verb, word, limit);
		if (json_array_size(out) || !cmd)
			return out;
	}
	if (cmd)
		offer_after_verb(out, st, cmd, nwords - 1 - used, words + used, word, limit);
	return out;
}
