/* The console's ':' line: words split as a shell splits them, so that
 * `:incident note 永和-2026-0007 '续报 内容'` gives the verb what the CLI
 * would. */
#include <stdlib.h>
#include <string.h>

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
					ok = err_set(e, ERR_USAGE, "unterminated ' quote");
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
					ok = err_set(e, ERR_USAGE, "unterminated \" quote");
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
