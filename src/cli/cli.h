/* The command line: one table entry per verb, shared option handling,
 * output as aligned text or JSON. Private to src/cli. */
#ifndef DUTYDESK_CLI_H
#define DUTYDESK_CLI_H

#include <jansson.h>
#include <stdio.h>

#include "dutydesk/model.h"
#include "dutydesk/query.h"
#include "dutydesk/store.h"

struct cli_opt {
	const char *name;  /* long option, without "--" */
	const char *arg;   /* metavar; NULL for a flag */
	const char *field; /* the table column it fills (typed, validated), or
			    * NULL: kept as text in cli.extra ("1" for flags) */
	const char *help;
};

struct cli;

struct cli_cmd {
	const char *group, *verb; /* "incident", "add"; verb NULL for one-word commands */
	const char *args;         /* positional synopsis, e.g. "N TEXT" */
	int nargs_min, nargs_max;
	const char *summary;
	const struct table *table; /* whose columns the field options fill */
	const struct cli_opt *opts; /* terminated by {NULL} */
	unsigned flags;
	int (*run)(struct cli *c);
};
enum {
	CMD_CREATES = 1 << 0, /* opens with STORE_CREATE */
	CMD_RECORD = 1 << 1,  /* options fill a new record: its required columns must be given */
	CMD_NODB = 1 << 2,    /* needs no database */
};

struct cli {
	const struct cli_cmd *cmd;
	const char *db_path; /* resolved */
	const char *officer; /* who is acting (may be NULL) */
	struct store *st;
	bool json;
	json_t *fields; /* field options, typed */
	json_t *extra;  /* other options, as text */
	char **args;
	int nargs;
	struct err err;
};

/* Text of option name from extra, or NULL. */
const char *cli_opt(struct cli *c, const char *name);
/* Parses option name (from extra) as column col of table t. NULL + error. */
json_t *cli_value(struct cli *c, const struct table *t, const char *col, const char *name);
/* Runs fn inside one transaction; returns an exit code. */
int cli_tx(struct cli *c, bool (*fn)(struct cli *c));
/* A message to stderr with what the person typed (or a file held) in it
 * made harmless: control and escape bytes are shown as '?'. */
void cli_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Reports c->err on stderr and returns its exit code. */
int cli_fail(struct cli *c);

/* ---- output ---- */
struct out_col {
	const char *key, *head;
	bool right;
	int max; /* cells; 0: no cap */
};
/* An aligned table of rows by display width, or a JSON array with --json. */
void out_table(struct cli *c, json_t *rows, const struct out_col *cols, size_t ncols);
/* One record as "key: value" lines, or a JSON object with --json. */
void out_record(struct cli *c, json_t *obj, const struct out_col *cols, size_t ncols);
/* Rows as CSV for spreadsheet programs: a UTF-8 BOM, the header (heads,
 * or the keys when heads is NULL), CRLF line ends, RFC 4180 quoting. */
void out_csv(json_t *rows, const char *const *keys, const char *(*head)(const char *key));
/* An export: rows (taken) as --format csv (the default) or json; returns
 * the exit code. */
int out_export(struct cli *c, json_t *rows, const char *const *keys,
	       const char *(*head)(const char *key));
/* Where data (JSON, CSV exports) is written: stdout itself, not the text
 * filter that keeps control bytes away from terminals (see main.c). */
FILE *cli_data_out(void);
/* A JSON value, pretty, UTF-8 unescaped. */
void out_json(json_t *v);
/* A value as display text (heap string). */
char *out_text(json_t *v);

extern const struct cli_cmd cmds_misc[], cmds_backup[], cmds_incident[], cmds_hazard[],
	cmds_stock[], cmds_duty[], cmds_resources[], cmds_plan[], cmds_warning[], cmds_sync[];

#endif
