/* dutydesk: the console (no command) and the scriptable CLI: getopt over
 * the verb table (src/cmd), the output through the terminal filters. */
#include <getopt.h>
#include <stdarg.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dutydesk/console.h"
#include "config.h"
#include "dutydesk/cmd.h"
#include "dutydesk/config.h"
#include "dutydesk/i18n.h"
#include "dutydesk/termenc.h"
#include "dutydesk/width.h"
#include "safeout.h"

static void usage(FILE *f)
{
	fputs(_("Usage: dutydesk [--db PATH] [--officer NAME] [COMMAND [ARGS...]]\n"
	      "\n"
	      "The duty console of a county emergency-management office, and its CLI.\n"
	      "With no command it shows the overview of the database.\n"
	      "\n"
	      "Options:\n"
	      "  --db PATH        database file (default: $DUTYDESK_DB, else\n"
	      "                   $XDG_DATA_HOME/dutydesk/dutydesk.db)\n"
	      "  --officer NAME   who is acting, for the audit trail (default: $DUTYDESK_OFFICER,\n"
	      "                   else the login); on a shared database the login acts\n"
	      "                   and NAME is only the name it is shown by\n"
	      "  --json           print JSON (also accepted after the command)\n"
	      "  -h, --help       this help; COMMAND --help for a command's options\n"
	      "  -V, --version    print the version\n"
	      "\n"
	      "Commands:\n"), f);
	for (const struct cmd *const *p = cmd_table; *p; p++) {
		char name[64];
		fprintf(f, "  %-18s %s\n", cmd_name(*p, name, sizeof name), _((*p)->summary));
	}
	fputs(_("\nExit status: 0 success, 1 failure, 2 usage error. See dutydesk(1).\n"), f);
}

/* A message to stderr with what the person typed in it made harmless: no
 * control or escape byte reaches the terminal (shown as '?'). */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	struct strbuf raw, safe;
	sb_init(&raw);
	sb_init(&safe);
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(&raw, fmt, ap);
	va_end(ap);
	sb_safe(&safe, raw.buf);
	FILE *msg = safeout_msg(STDERR_FILENO); /* in the terminal's encoding */
	fputs(safe.buf, msg ? msg : stderr);
	if (msg)
		fclose(msg);
	sb_finish(&raw);
	sb_finish(&safe);
}

/* Runs the verb: argv[0] is its last word. The text goes through the
 * filter unless --json was given before the command (then all is data),
 * messages always. Returns the exit code. */
static int run_verb(const struct cmd *cmd, int argc, char **argv, const char *db_path,
		    const char *officer, bool json)
{
	FILE *text = json ? NULL : safeout_text(STDOUT_FILENO);
	FILE *msg = safeout_msg(STDERR_FILENO);
	struct cmd_ctx c;
	cmd_ctx_init(&c, db_path, officer, text ? text : stdout, stdout, msg ? msg : stderr);
	c.json = json;
	int rc = cmd_run(&c, cmd, argc, argv);
	if (rc) {
		char name[64];
		fprintf(c.msg, "dutydesk %s: %s\n", cmd_name(cmd, name, sizeof name), c.err.msg);
	}
	cmd_ctx_finish(&c);
	if (msg)
		fclose(msg);
	fflush(stdout); /* data before the rest of the text */
	if (text && fclose(text) != 0 && rc == 0) {
		say("dutydesk: %s\n", _("cannot write the output"));
		rc = ERR_FAIL;
	}
	return rc;
}

/* The language and the terminal's encoding, as the console chooses them:
 * config.yaml's language: and terminal_encoding:, else the environment. */
static void choose_language(void)
{
	static struct config cfg;
	config_load(&cfg, NULL);
	i18n_init(cfg.language, NULL, 0);
	char enc[32];
	termenc_choose(cfg.terminal_encoding, enc, sizeof enc, NULL, 0);
	safeout_set_terminal_encoding(enc);
}

int main(int argc, char **argv)
{
	width_init_locale();
	choose_language();
	static const struct option lo[] = {
		{"db", required_argument, NULL, 'd'}, {"officer", required_argument, NULL, 'o'},
		{"json", no_argument, NULL, 'j'},      {"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},   {NULL, 0, NULL, 0}};
	const char *db_flag = NULL, *officer = NULL;
	bool json = false;
	int ch;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:hV", lo, NULL)) != -1) {
		switch (ch) {
		case 'd':
			db_flag = optarg;
			break;
		case 'o':
			officer = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h': {
			FILE *o = safeout_text(STDOUT_FILENO); /* the terminal's encoding */
			usage(o ? o : stdout);
			if (o)
				fclose(o);
			return 0;
		}
		case 'V':
			printf("dutydesk %s\n", DD_VERSION);
			return 0;
		default:
			say(ch == ':' ? _("dutydesk: no value for '%s' (see --help)\n")
				      : _("dutydesk: unknown option '%s' (see --help)\n"),
			    argv[optind - 1]);
			return ERR_USAGE;
		}
	}
	if (!officer)
		officer = getenv("DUTYDESK_OFFICER");
	if (str_empty(officer)) {
		/* the login itself: $USER may be another's after su or sudo */
		struct passwd *pw = getpwuid(getuid());
		officer = pw ? pw->pw_name : getenv("USER");
	}

	char *path = store_default_path(db_flag);
	int rc;
	/* No command: the console on a terminal, the overview text otherwise. */
	if (optind >= argc && !json && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
		rc = tui_main(path, officer);
		free(path);
		return rc;
	}
	static char overview[] = "overview";
	char *words[2] = {optind < argc ? argv[optind] : overview,
			  optind + 1 < argc ? argv[optind + 1] : NULL};
	const char *group = words[0], *verb = words[1];
	bool known_group;
	int used;
	const struct cmd *cmd = cmd_lookup(verb ? 2 : 1, words, &used, &known_group);
	if (!cmd && known_group) {
		bool help = verb && (str_eq(verb, "--help") || str_eq(verb, "-h"));
		if (verb && !help)
			say(_("dutydesk %s: unknown verb '%s'\n"), group, verb);
		/* through the filters: the terminal's encoding */
		FILE *o = help ? safeout_text(STDOUT_FILENO) : safeout_msg(STDERR_FILENO);
		cmd_group_usage(group, "dutydesk ", o ? o : help ? stdout : stderr);
		if (o)
			fclose(o);
		rc = help ? 0 : ERR_USAGE;
	} else if (!cmd) {
		say(_("dutydesk: unknown command '%s' (see dutydesk --help)\n"), group);
		rc = ERR_USAGE;
	} else {
		int skip = optind + used - 1;
		/* argv[skip] becomes argv[0] of the verb's own option parse. */
		if (optind >= argc)
			skip = argc - 1;
		rc = run_verb(cmd, argc - skip, argv + skip, path, officer, json);
	}
	free(path);
	return rc;
}
