/* The verbs: one const entry per verb (name, arguments, options, help,
 * flags, exec), shared by the two faces: the CLI (src/cli, getopt over the
 * table) and the console's ':' line (src/tui). The runner parses the words
 * against the entry, opens the store, and runs a verb that writes inside one
 * transaction, showing its output only once that transaction is committed.
 * Nothing here knows curses or a terminal: a verb writes to the streams of
 * its context, which each face provides. */
#ifndef DUTYDESK_CMD_H
#define DUTYDESK_CMD_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "dutydesk/deadline.h"
#include "dutydesk/schema.h"
#include "dutydesk/store.h"

/* What Tab offers for a value: an option's (a field option's comes from
 * its column's type) or a positional argument's. */
enum cmd_value {
	CV_NONE,
	CV_INCIDENT,   /* incident numbers, newest first */
	CV_TOWNSHIP,   /* township names */
	CV_VILLAGE,    /* village names */
	CV_HAZARD,     /* hazard codes */
	CV_DEPOT,      /* depot codes */
	CV_ITEM,       /* item codes */
	CV_TYPE,       /* incident types */
	CV_PLAN,       /* plan keys */
	CV_ACTIVATION, /* open activations */
	CV_LEVEL,      /* response levels */
	CV_WORDS,      /* the option's own list of words */
};

struct cmd_opt {
	const char *name;  /* long option, without "--" */
	const char *arg;   /* metavar; NULL for a flag */
	const char *field; /* the column of the verb's table it fills (typed,
			    * validated), or NULL: kept as text ("1" for a flag) */
	const char *help;
	enum cmd_value value; /* what Tab offers for a non-field option's value */
	const char *words;    /* CV_WORDS: the values, blank separated */
};

struct cmd_ctx;

struct cmd {
	const char *group, *verb; /* "incident", "add"; verb NULL: a one-word command */
	const char *args;         /* positional synopsis, e.g. "N [TEXT]" ("..." repeats) */
	int nargs_min, nargs_max;
	enum cmd_value argv[3];   /* what Tab offers for each argument; the last
				   * repeats when args ends in "..." */
	const char *words;        /* CV_WORDS arguments: the values, blank separated */
	const char *summary;
	const struct table *table;  /* whose columns the field options fill */
	const struct cmd_opt *opts; /* terminated by {NULL} */
	unsigned flags;
	/* Optional: usage checks run before the transaction, with the store
	 * open, so that a mistyped command fails at once even while another
	 * officer holds the write lock. Writes nothing. */
	bool (*check)(struct cmd_ctx *c);
	/* The verb; false with c->err set. A writing verb runs inside the
	 * runner's transaction and never begins or commits one itself. */
	bool (*exec)(struct cmd_ctx *c);
};
enum {
	CMD_CREATES = 1 << 0, /* opens with STORE_CREATE */
	CMD_RECORD = 1 << 1,  /* options fill a new record: its required columns must be given */
	CMD_NODB = 1 << 2,    /* needs no database */
	CMD_WRITES = 1 << 3,  /* runs inside one transaction the runner opens and commits */
	CMD_OWNTX = 1 << 4,   /* writes in transactions of its own (sync, bundles, resolve) */
	CMD_DRYRUN = 1 << 5,  /* with --dry-run the transaction is rolled back, the output kept */
	CMD_CLIONLY = 1 << 6, /* only from the command line: it replaces the open database */
};

/* Every verb, in the order `dutydesk --help` lists them; NULL-terminated. */
extern const struct cmd *const cmd_table[];

/* Where a verb's output goes. The CLI gives stdout through its control-byte
 * filter (out), stdout itself (data: JSON and CSV) and stderr through the
 * same kind of filter (msg); the console gives memory streams. */
struct cmd_ctx {
	/* set by the face */
	const char *db_path;
	const char *officer;  /* who is acting (may be NULL) */
	struct store *st;     /* the face's open store, or NULL: the runner opens db_path */
	const struct deadline_rules *rules; /* the face's rules, or NULL: loaded on first use */
	bool console;         /* run from the console's ':' line */
	bool json;            /* --json (also from the verb's own options) */
	FILE *out, *data, *msg;
	/* set by the runner */
	const struct cmd *cmd;
	json_t *fields;       /* field options, typed */
	json_t *extra;        /* other options, as text; verbs keep results here too */
	char **args;
	int nargs;
	bool dry_run;         /* CMD_DRYRUN and --dry-run given */
	bool helped;          /* --help was asked: the usage is all the output */
	int tables, rows;     /* text tables printed, and their rows (0 rows: an
			       * empty list, only its header shown) */
	struct err err;
	/* private to the runner */
	char officer_label[192]; /* "王明 (wangming)": officer on a shared database */
	bool own_store;
	bool own_rules_loaded;
	struct deadline_rules own_rules;
};

/* A context for a face: db_path, officer and the three streams (borrowed).
 * cmd_ctx_finish frees what the runner made (options, rules, a store it
 * opened); the streams and a store the face gave stay the face's. */
void cmd_ctx_init(struct cmd_ctx *c, const char *db_path, const char *officer, FILE *out,
		  FILE *data, FILE *msg);
void cmd_ctx_finish(struct cmd_ctx *c);

/* The verb that words name: words[0] a group (or one-word command),
 * words[1] its verb. *used gets how many words named it; *group_known
 * whether words[0] is a group at all. NULL when none. */
const struct cmd *cmd_lookup(int nwords, char *const *words, int *used, bool *group_known);
/* "incident add", "stats". */
const char *cmd_name(const struct cmd *cmd, char *buf, size_t n);

/* Runs cmd with argv (argv[0] is the verb's last word, as getopt wants it):
 * options, arguments, then the store (c->st, else db_path opened), then
 * check, then exec — inside one transaction for CMD_WRITES, whose output
 * goes to c's streams only after the commit. Returns the exit code: 0, 1
 * failure, 2 usage error; on failure c->err holds the message, naming the
 * option a value came from. --help writes the usage to c->out. */
int cmd_run(struct cmd_ctx *c, const struct cmd *cmd, int argc, char **argv);

/* Usage texts. prog starts each usage line: "dutydesk " for the CLI, ":"
 * for the console. */
void cmd_usage(const struct cmd *cmd, const char *prog, FILE *f);
/* The verbs of a group, one a line. */
void cmd_group_usage(const char *group, const char *prog, FILE *f);

/* ---- the console's ':' line (src/cmd/line.c) ---- */
/* Splits a line into words as a shell would: blanks separate, '…' keeps
 * everything literally, "…" keeps all but \" \\ \$ \`, a backslash outside
 * quotes keeps the next character. *argv (heap, NULL-terminated) is freed
 * with cmd_words_free. False with a message on an unterminated quote. */
bool cmd_split(const char *line, int *argc, char ***argv, struct err *e);
void cmd_words_free(int argc, char **argv);
/* The same for a line being typed: an unterminated last word is taken as
 * it stands. *last_start gets the byte offset where the last word begins
 * (its opening quote included) — the length of line when it ends in a
 * blank, the last word then being empty. */
void cmd_split_partial(const char *line, int *argc, char ***argv, size_t *last_start);
/* A word as the line would need it typed: quoted when it holds blanks,
 * quotes, backslashes or control characters. Heap string. */
char *cmd_quote(const char *word);

/* How many of words (those after the verb's name) are arguments, not
 * options or their values. */
int cmd_count_args(const struct cmd *cmd, int argc, char *const *argv);

/* Completion of the last of words (words[nwords - 1], may be empty): the
 * candidates that start with it (incident numbers also that contain it),
 * as a JSON array of strings, at most limit; never NULL. extra names
 * more first words to offer (the console's own commands, NULL-terminated;
 * may be NULL). st may be NULL (no values offered). */
json_t *cmd_complete(struct store *st, int nwords, char *const *words,
		     const char *const *extra, int limit);

/* rows (not taken: objects under keys, NULL-terminated, headed by heads)
 * as a one-sheet .xlsx workbook at path, whole or not at all, as
 * --format xlsx writes it; false with e set. */
bool cmd_write_xlsx(const char *path, const char *sheet, json_t *rows, const char *const *keys,
		    const char *const *heads, struct err *e);

#endif
