/* dutydeskd: the county hub. Administration commands on the hub database
 * and `serve`, the HTTP front (http.c) of the hub library (src/sync/hub.c). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "hubd.h"
#include "dutydesk/dtime.h"
#include "dutydesk/hubstore.h"
#include "dutydesk/width.h"

#define DEFAULT_DB "/var/lib/dutydeskd/hub.db"

static void usage(FILE *f)
{
	fputs("Usage: dutydeskd [--db FILE|URL] COMMAND [ARGS...]\n"
	      "\n"
	      "The county hub that township and county dutydesk databases sync with.\n"
	      "\n"
	      "Options:\n"
	      "  --db FILE|URL    hub database: an SQLite file, or postgresql://USER@HOST:PORT/DB\n"
	      "                   (default: $DUTYDESKD_DB, else " DEFAULT_DB ")\n"
	      "  -h, --help       this help\n"
	      "  -V, --version    print the version\n"
	      "\n"
	      "Commands:\n"
	      "  init                               create the hub database (new epoch)\n"
	      "  serve --listen ADDR:PORT [--tls-cert F --tls-key F]\n"
	      "        [--per-addr N] [--max-connections N] [--timeout S] [--threads N]\n"
	      "        [--queue N] [--trust-proxy ADDR]... [--waiting-max N] [--waiting-age 7d]\n"
	      "        [--cache DIR]\n"
	      "                                     serve the sync protocol until SIGTERM\n"
	      "                                     (--cache: where a PostgreSQL hub keeps its cache\n"
	      "                                     of the log; default $STATE_DIRECTORY/cache, else\n"
	      "                                     none kept)\n"
	      "  node add NAME (--township NAME|CODE | --county | --area NAME|CODE)\n"
	      "        [--role county|township]     enrol a node; prints its token once, last;\n"
	      "                                     --county: the whole hub's county node,\n"
	      "                                     --area: the county node of one county on a\n"
	      "                                     province's hub (its townships' records)\n"
	      "  node import FILE.csv --tokens OUT  enrol many nodes at once, all or none (columns\n"
	      "                                     name,township,area[,role]); their tokens go\n"
	      "                                     to the new file OUT (0600), name,token\n"
	      "  node list [--json]                 enrolled nodes\n"
	      "  node revoke NAME                   refuse NAME's token from now on\n"
	      "  node rotate NAME                   a new token for NAME (the old one is refused);\n"
	      "                                     prints it once, last\n"
	      "  node replace NAME                  NAME on a new PC: a new token and a new\n"
	      "                                     incarnation; prints the token once, last\n"
	      "  divisions import FILE.csv          add or change the divisions the hub knows (a\n"
	      "                                     city's or province's counties and townships;\n"
	      "                                     columns code,name,level,parent_code as\n"
	      "                                     data/divisions.csv)\n"
	      "  divisions list [--under CODE] [--json]\n"
	      "                                     the divisions the hub knows\n"
	      "  backup FILE                        a consistent copy of the hub database\n"
	      "  restore FILE                       replace the hub database with a backup (hub stopped)\n"
	      "                                     (with a new epoch, for restoring)\n"
	      "  waiting [NODE] [--json]            ops that wait for a record the hub has not received\n"
	      "  waiting clear NODE                 drop NODE's waiting ops (it can send them again)\n"
	      "  waiting drop OP_ID...              drop those waiting ops only\n"
	      "  import-bundle FILE                 apply a node's signed bundle (sneakernet)\n"
	      "  export-bundle NODE FILE [--since SEQ]\n"
	      "                                     NODE's scoped ops as a bundle signed for it\n"
	      "\n"
	      "Exit status: 0 success, 1 failure, 2 usage error. See dutydeskd(8).\n",
	      f);
}

static int fail(const char *cmd, const struct err *e)
{
	fprintf(stderr, "dutydeskd%s%s: %s\n", cmd ? " " : "", cmd ? cmd : "", e->msg);
	return e->code ? e->code : ERR_FAIL;
}

static int usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "dutydeskd %s: ", cmd);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see dutydeskd --help)\n", stderr);
	return ERR_USAGE;
}

static int open_hub(const char *db, const char *cmd, struct hub **h)
{
	struct err e = {0};
	bool there;
	if (!hub_exists(db, &there, &e))
		return fail(cmd, &e);
	if (!there) {
		fprintf(stderr, "dutydeskd %s: %s: no hub database here (create one with dutydeskd "
				"--db %s init)\n", cmd, db, db);
		return ERR_FAIL;
	}
	if (!hub_open(db, h, &e))
		return fail(cmd, &e);
	return 0;
}

static int cmd_init(const char *db, int argc, char **argv)
{
	if (argc > 1)
		return usage_error("init", "unexpected argument '%s'", argv[1]);
	struct err e = {0};
	bool there;
	if (!hub_exists(db, &there, &e))
		return fail("init", &e);
	if (there) {
		fprintf(stderr, "dutydeskd init: %s exists already; a hub keeps its database\n", db);
		return ERR_FAIL;
	}
	struct hub *h;
	int ops;
	if (!hub_init(db, &e) || !hub_open(db, &h, &e))
		return fail("init", &e);
	if (!hub_load_library(h, &ops, &e)) {
		hub_close(h);
		hub_discard(db);
		return fail("init", &e);
	}
	printf("initialised hub %s (epoch %s); the item catalogue and plan library: %d records"
	       " for every node\n", db, hub_epoch(h), ops);
	hub_close(h);
	return 0;
}

static bool parse_uint(const char *cmd, const char *opt, const char *v, long long min,
		       long long max, unsigned *out)
{
	long long n;
	if (!str_to_ll(v, min, max, &n)) {
		fprintf(stderr, "dutydeskd %s: --%s '%s': expected a number from %lld to %lld\n", cmd,
			opt, v, min, max);
		return false;
	}
	*out = (unsigned)n;
	return true;
}

/* --waiting-age: N seconds, or N with s, m, h or d. */
static bool parse_age(const char *v, int64_t *out)
{
	char *end;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	int64_t unit = !*end ? 1 : !strcmp(end, "s") ? 1 : !strcmp(end, "m") ? 60
		     : !strcmp(end, "h") ? 3600 : !strcmp(end, "d") ? 86400 : 0;
	if (errno || end == v || n < 1 || !unit || n > 3650LL * 86400 / unit) {
		usage_error("serve", "--waiting-age '%s': expected a duration such as 7d, 12h, 90m "
			    "or 30s", v);
		return false;
	}
	*out = (int64_t)n * unit;
	return true;
}

static int cmd_serve(const char *db, int argc, char **argv)
{
	unsigned wait_max = HUB_WAIT_MAX;
	int64_t wait_age = HUB_WAIT_AGE;
	const char *cache = NULL;
	struct serve_opts o = {.per_addr = 16, .max_conn = 512, .timeout = 30, .threads = 4,
			       .max_waiting = 64};
	static const struct option lo[] = {
		{"listen", required_argument, NULL, 'l'},
		{"tls-cert", required_argument, NULL, 'c'},
		{"tls-key", required_argument, NULL, 'k'},
		{"per-addr", required_argument, NULL, 'p'},
		{"max-connections", required_argument, NULL, 'm'},
		{"timeout", required_argument, NULL, 't'},
		{"threads", required_argument, NULL, 'T'},
		{"queue", required_argument, NULL, 'q'},
		{"trust-proxy", required_argument, NULL, 'P'},
		{"waiting-max", required_argument, NULL, 'W'},
		{"waiting-age", required_argument, NULL, 'A'},
		{"cache", required_argument, NULL, 'C'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	int ch;
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
		bool ok = true;
		switch (ch) {
		case 'l': o.listen = optarg; break;
		case 'c': o.tls_cert = optarg; break;
		case 'k': o.tls_key = optarg; break;
		case 'p': ok = parse_uint("serve", "per-addr", optarg, 1, 10000, &o.per_addr); break;
		case 'm': ok = parse_uint("serve", "max-connections", optarg, 1, 100000, &o.max_conn); break;
		case 't': ok = parse_uint("serve", "timeout", optarg, 1, 3600, &o.timeout); break;
		case 'T': ok = parse_uint("serve", "threads", optarg, 1, 64, &o.threads); break;
		case 'q': ok = parse_uint("serve", "queue", optarg, 0, 100000, &o.max_waiting); break;
		case 'W': ok = parse_uint("serve", "waiting-max", optarg, 0, 1000000, &wait_max); break;
		case 'A': ok = parse_age(optarg, &wait_age); break;
		case 'C': cache = optarg; break;
		case 'P':
			if (o.n_trust_proxy == SERVE_MAX_PROXIES)
				return usage_error("serve", "--trust-proxy: at most %d addresses",
						   SERVE_MAX_PROXIES);
			o.trust_proxy[o.n_trust_proxy++] = optarg;
			break;
		case 'h': usage(stdout); return 0;
		case ':': return usage_error("serve", "%s needs a value", argv[optind - 1]);
		default: return usage_error("serve", "unknown option '%s'", argv[optind - 1]);
		}
		if (!ok)
			return ERR_USAGE;
	}
	if (optind < argc)
		return usage_error("serve", "unexpected argument '%s'", argv[optind]);
	if (!o.listen)
		return usage_error("serve", "%s", "--listen ADDR:PORT is required");
	/* As a service (systemd's StateDirectory=), the cache is kept beside
	 * the state: a restart replays only what the log gained meanwhile. */
	char state[4096];
	const char *sd = getenv("STATE_DIRECTORY");
	if (!cache && sd && *sd) {
		snprintf(state, sizeof state, "%.*s/cache", (int)strcspn(sd, ":"), sd);
		cache = state;
	}
	hub_store_keep_cache(cache && *cache ? cache : NULL);
	struct hub *h;
	int rc = open_hub(db, "serve", &h);
	if (rc)
		return rc;
	struct err e = {0};
	/* A newer dutydeskd may ship new plan versions or, for a hub made
	 * before it loaded them, the whole library: logged for every node.
	 * Without it the hub still serves what it holds. */
	int ops;
	if (!hub_load_library(h, &ops, &e)) {
		fprintf(stderr, "dutydeskd serve: warning: the shipped catalogue and plan library"
				" were not loaded: %s\n", e.msg);
		e = (struct err){0};
	}
	char note[800];
	int64_t kept_at, replayed;
	if (hub_cache_note(h, note, sizeof note, &kept_at, &replayed))
		hubd_log(json_pack("{s:s, s:s, s:I, s:I}", "event", "cache", "message", note,
				   "reused_at", (json_int_t)kept_at, "replayed", (json_int_t)replayed));
	hub_set_waiting_limits(h, wait_max, wait_age);
	bool ok = hubd_serve(h, &o, &e);
	hub_close(h);
	return ok ? 0 : fail("serve", &e);
}

static const char *str_or(const char *s)
{
	return s ? s : "";
}

/* Incident numbers are made on each node from its prefix (the township's
 * short name unless `dutydesk init --prefix` says otherwise): a second
 * office of one township must have a prefix of its own, or the hub refuses
 * its incidents as duplicates of the first office's numbers. */
static void warn_shared_township(struct hub *h, const char *name)
{
	struct err e = {0};
	json_t *rows = hub_node_list(h, &e);
	const char *mine = NULL, *area = NULL;
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
		if (!strcmp(json_string_value(json_object_get(r, "name")), name)) {
			mine = json_string_value(json_object_get(r, "township"));
			area = str_or(json_string_value(json_object_get(r, "area")));
		}
	json_array_foreach(rows, i, r) {
		const char *other = json_string_value(json_object_get(r, "name"));
		/* the same township, or the county nodes of the same area */
		if (mine && strcmp(other, name) && !json_integer_value(json_object_get(r, "revoked")) &&
		    json_is_string(json_object_get(r, "township")) &&
		    !strcmp(json_string_value(json_object_get(r, "township")), mine) &&
		    !strcmp(str_or(json_string_value(json_object_get(r, "area"))), area)) {
			fprintf(stderr,
				"dutydeskd node add: note: node %s serves the same township; give this "
				"node's database an incident prefix of its own (dutydesk init --node %s "
				"... --prefix TEXT), or their incident numbers collide\n",
				other, name);
			break;
		}
	}
	json_decref(rows);
}

static int cmd_node_add(struct hub *h, int argc, char **argv)
{
	static const struct option lo[] = {{"township", required_argument, NULL, 't'},
					   {"county", no_argument, NULL, 'c'},
					   {"role", required_argument, NULL, 'r'},
					   {"area", required_argument, NULL, 'a'},
					   {NULL, 0, NULL, 0}};
	const char *town = NULL, *role = NULL, *area = NULL;
	bool county = false;
	int ch;
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":", lo, NULL)) != -1) {
		switch (ch) {
		case 't': town = optarg; break;
		case 'c': county = true; break;
		case 'r': role = optarg; break;
		case 'a': area = optarg; break;
		case ':': return usage_error("node add", "%s needs a value", argv[optind - 1]);
		default: return usage_error("node add", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind != 1)
		return usage_error("node add", "%s", "expected one NAME");
	if ((town != NULL) + county + (area != NULL) != 1)
		return usage_error("node add", "%s", "give either --township NAME|CODE, --county "
				   "(the whole hub) or --area NAME|CODE (one county)");
	if (!role)
		role = town ? "township" : "county";
	if (strcmp(role, "county") && strcmp(role, "township"))
		return usage_error("node add", "--role '%s': expected county or township", role);
	if (!town && strcmp(role, "county"))
		return usage_error("node add", "%s", area ? "--area goes with --role county"
						     : "--county goes with --role county");
	const char *name = argv[optind];
	char *token = NULL;
	struct err e = {0};
	if (!(area ? hub_node_add_area(h, name, area, &token, &e)
		   : hub_node_add(h, name, town, role, &token, &e)))
		return fail("node add", &e);
	printf("enrolled node %s (%s%s%s)\n", name, role,
	       town ? ", township " : area ? ", area " : "", town ? town : area ? area : "");
	warn_shared_township(h, name);
	printf("its token follows, shown this once: put it in the node's token file "
	       "(dutydesk sync --token-file)\n");
	printf("%s\n", token);
	free(token);
	return 0;
}

/* Prints rows as indented JSON. */
static void put_json(json_t *rows)
{
	char *s = json_dumps(rows, JSON_INDENT(2));
	puts(s);
	free(s);
}

/* A table's heading into sb (new): n columns padded to their widths by
 * display width, then the last one. */
static void table_head(struct strbuf *sb, const char *const *heads, const int *widths, int n,
		       const char *last)
{
	width_init_locale();
	sb_init(sb);
	for (int i = 0; i < n; i++)
		sb_cell(sb, heads[i], widths[i], false);
	sb_printf(sb, " %s\n", last);
}

static int cmd_node_list(struct hub *h, int argc, char **argv)
{
	bool json = argc == 2 && !strcmp(argv[1], "--json");
	if (argc > 1 && !json)
		return usage_error("node list", "unexpected argument '%s'", argv[1]);
	struct err e = {0};
	json_t *rows = hub_node_list(h, &e);
	if (!rows)
		return fail("node list", &e);
	if (json) {
		put_json(rows);
	} else {
		/* the township (a county node's area) by name, its code beside,
		 * padded by display width */
		static const char *const heads[] = {"NAME", " ROLE", " TOWNSHIP/AREA"};
		static const int widths[] = {24, 10, 23};
		struct strbuf sb;
		table_head(&sb, heads, widths, 3, "STATE");
		size_t i;
		json_t *r;
		json_array_foreach(rows, i, r) {
			const char *tw = json_string_value(json_object_get(r, "township"));
			const char *tn = json_string_value(json_object_get(r, "township_name"));
			const char *ar = json_string_value(json_object_get(r, "area"));
			if (ar && *ar) {
				tw = ar;
				tn = json_string_value(json_object_get(r, "area_name"));
			}
			char town[96];
			snprintf(town, sizeof town, "%s%s%s%s", tn ? tn : (tw && *tw ? tw : "-"),
				 tn ? " (" : "", tn ? tw : "", tn ? ")" : "");
			sb_cell(&sb, json_string_value(json_object_get(r, "name")), 24, false);
			sb_putc(&sb, ' ');
			sb_cell(&sb, json_string_value(json_object_get(r, "role")), 9, false);
			sb_putc(&sb, ' ');
			sb_cell(&sb, town, 22, false);
			sb_printf(&sb, " %s\n",
				  json_integer_value(json_object_get(r, "revoked")) ? "revoked" : "active");
		}
		fputs(sb.buf, stdout);
		sb_finish(&sb);
	}
	json_decref(rows);
	return 0;
}

/* node rotate NAME, node replace NAME: a new token, printed once, last. */
static int cmd_node_renew(struct hub *h, const char *verb, const char *name)
{
	char *token = NULL;
	int64_t inc = 0;
	struct err e = {0};
	bool replace = !strcmp(verb, "replace");
	if (!(replace ? hub_node_replace(h, name, &token, &inc, &e)
		      : hub_node_rotate(h, name, &token, &e)))
		return fail(replace ? "node replace" : "node rotate", &e);
	if (replace)
		printf("node %s is now incarnation %lld: its old PC's token is refused; on the new PC "
		       "run 'dutydesk init --node %s ...' and sync with this token: the node gets back "
		       "everything of its scope\n",
		       name, (long long)inc, name);
	else
		printf("node %s has a new token: the old one is refused from now on\n", name);
	printf("its token follows, shown this once: put it in the node's token file "
	       "(dutydesk sync --token-file)\n");
	printf("%s\n", token);
	memset(token, 0, strlen(token));
	free(token);
	return 0;
}

/* Where node import keeps the new tokens: a file made for them, 0600. */
struct token_file {
	FILE *f;
	const char *path;
};

static bool keep_token(void *ctx, const char *name, const char *token, struct err *e)
{
	struct token_file *t = ctx;
	bool ok = name ? fprintf(t->f, "%s,%s\n", name, token) > 0
		       : fflush(t->f) == 0 && fsync(fileno(t->f)) == 0;
	return ok || err_set(e, ERR_FAIL, "%s: %s; nobody enrolled", t->path, strerror(errno));
}

/* node import FILE.csv --tokens OUT */
static int cmd_node_import(struct hub *h, int argc, char **argv)
{
	static const struct option lo[] = {{"tokens", required_argument, NULL, 't'},
					   {NULL, 0, NULL, 0}};
	const char *out = NULL;
	int ch;
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":", lo, NULL)) != -1) {
		switch (ch) {
		case 't': out = optarg; break;
		case ':': return usage_error("node import", "%s needs a value", argv[optind - 1]);
		default: return usage_error("node import", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind != 1 || !out)
		return usage_error("node import", "%s", "expected FILE.csv --tokens OUT");
	/* A new file only: the tokens of an earlier import are never overwritten. */
	int fd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintf(stderr, "dutydeskd node import: %s: %s%s\n", out, strerror(errno),
			errno == EEXIST ? " (the tokens go to a new file: name another)" : "");
		return ERR_FAIL;
	}
	struct token_file t = {fdopen(fd, "w"), out};
	struct err e = {0};
	int n, rc = 0;
	if (t.f)
		fputs("name,token\n", t.f);
	if (!t.f || !hub_node_import(h, argv[optind], keep_token, &t, &n, &e)) {
		rc = t.f ? fail("node import", &e) : ERR_FAIL;
		unlink(out);
	} else {
		printf("enrolled %d nodes from %s; their tokens are in %s (mode 0600): give each "
		       "office its own, then remove the file\n", n, argv[optind], out);
	}
	if (t.f)
		fclose(t.f);
	else
		close(fd);
	return rc;
}

static int cmd_node(const char *db, int argc, char **argv)
{
	if (argc < 2) {
		fputs("dutydeskd node: expected add, import, list, revoke, rotate or replace (see "
		      "dutydeskd --help)\n", stderr);
		return ERR_USAGE;
	}
	const char *verb = argv[1];
	if (strcmp(verb, "add") && strcmp(verb, "import") && strcmp(verb, "list") &&
	    strcmp(verb, "revoke") &&
	    strcmp(verb, "rotate") && strcmp(verb, "replace"))
		return usage_error("node", "unknown verb '%s'", verb);
	struct hub *h;
	int rc = open_hub(db, "node", &h);
	if (rc)
		return rc;
	if (!strcmp(verb, "add")) {
		rc = cmd_node_add(h, argc - 1, argv + 1);
	} else if (!strcmp(verb, "import")) {
		rc = cmd_node_import(h, argc - 1, argv + 1);
	} else if (!strcmp(verb, "list")) {
		rc = cmd_node_list(h, argc - 1, argv + 1);
	} else if (argc != 3) {
		char where[32];
		snprintf(where, sizeof where, "node %s", verb);
		rc = usage_error(where, "%s", "expected one NAME");
	} else if (strcmp(verb, "revoke")) {
		rc = cmd_node_renew(h, verb, argv[2]);
	} else {
		struct err e = {0};
		if (hub_node_revoke(h, argv[2], &e))
			printf("revoked node %s: its token is refused from now on\n", argv[2]);
		else
			rc = fail("node revoke", &e);
	}
	hub_close(h);
	return rc;
}

static int cmd_backup(const char *db, int argc, char **argv)
{
	if (argc != 2)
		return usage_error("backup", "%s", "expected one FILE");
	struct hub *h;
	int rc = open_hub(db, "backup", &h);
	if (rc)
		return rc;
	struct err e = {0};
	if (hub_backup(h, argv[1], &e))
		printf("backed up %s to %s\n", db, argv[1]);
	else
		rc = fail("backup", &e);
	hub_close(h);
	return rc;
}

static int cmd_restore(const char *db, int argc, char **argv)
{
	if (argc != 2)
		return usage_error("restore", "%s", "expected one FILE");
	struct err e = {0};
	char *kept = NULL;
	if (!hub_restore(db, argv[1], &kept, &e))
		return fail("restore", &e);
	printf("restored %s from %s under a new epoch%s%s\n", db, argv[1],
	       kept ? "; the database it replaced is kept as " : "", kept ? kept : "");
	free(kept);
	return 0;
}

static int cmd_import_bundle(const char *db, int argc, char **argv)
{
	if (argc != 2)
		return usage_error("import-bundle", "%s", "expected one FILE");
	struct hub *h;
	int rc = open_hub(db, "import-bundle", &h);
	if (rc)
		return rc;
	struct err e = {0};
	json_t *sum = NULL;
	if (hub_import_bundle(h, argv[1], &sum, &e)) {
		json_object_del(sum, "results");
		char *s = json_dumps(sum, JSON_COMPACT | JSON_PRESERVE_ORDER);
		printf("imported %s: %s\n", argv[1], s);
		free(s);
	} else {
		rc = fail("import-bundle", &e);
	}
	json_decref(sum);
	hub_close(h);
	return rc;
}

static int cmd_export_bundle(const char *db, int argc, char **argv)
{
	static const struct option lo[] = {{"since", required_argument, NULL, 's'},
					   {NULL, 0, NULL, 0}};
	long long since = 0;
	int ch;
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":", lo, NULL)) != -1) {
		if (ch == 's' && str_to_ll(optarg, 0, INT64_MAX, &since))
			continue;
		if (ch == 's')
			return usage_error("export-bundle", "--since '%s': expected a number >= 0",
					   optarg);
		return usage_error("export-bundle", "unknown option '%s'", argv[optind - 1]);
	}
	if (argc - optind != 2)
		return usage_error("export-bundle", "%s", "expected NODE FILE");
	const char *name = argv[optind], *file = argv[optind + 1];
	struct hub *h;
	int rc = open_hub(db, "export-bundle", &h);
	if (rc)
		return rc;
	struct err e = {0};
	json_t *nodes = hub_node_list(h, &e);
	struct hub_node who = {0};
	bool found = false;
	size_t i;
	json_t *n;
	json_array_foreach(nodes, i, n) {
		if (!str_eq(json_string_value(json_object_get(n, "name")), name))
			continue;
		found = true;
		snprintf(who.name, sizeof who.name, "%s", name);
		snprintf(who.township, sizeof who.township, "%s",
			 str_or(json_string_value(json_object_get(n, "township"))));
		snprintf(who.role, sizeof who.role, "%s",
			 str_or(json_string_value(json_object_get(n, "role"))));
		snprintf(who.area, sizeof who.area, "%s",
			 str_or(json_string_value(json_object_get(n, "area"))));
		who.revoked = json_integer_value(json_object_get(n, "revoked")) != 0;
	}
	json_decref(nodes);
	if (!found)
		rc = (err_set(&e, ERR_FAIL, "no node %s is enrolled (see dutydeskd node list)", name),
		      fail("export-bundle", &e));
	else if (who.revoked)
		rc = (err_set(&e, ERR_FAIL, "node %s is revoked", name), fail("export-bundle", &e));
	else if (hub_export_bundle(h, &who, since, file, &e))
		printf("wrote %s: %s's ops after %lld, signed for %s\n", file, name, since, name);
	else
		rc = fail("export-bundle", &e);
	hub_close(h);
	return rc;
}

/* waiting [NODE] [--json] | waiting clear NODE */
static int cmd_waiting(const char *db, int argc, char **argv)
{
	bool clear = argc >= 2 && !strcmp(argv[1], "clear");
	bool drop = argc >= 2 && !strcmp(argv[1], "drop");
	if (drop) {
		if (argc < 3)
			return usage_error("waiting", "expected: waiting drop OP_ID...");
		struct hub *h = NULL;
		int rc = open_hub(db, "waiting", &h);
		for (int i = 2; !rc && i < argc; i++) {
			struct err e = {0};
			if (hub_waiting_drop(h, argv[i], &e))
				printf("dropped %s; its node sends it again with dutydesk sync --requeue\n",
				       argv[i]);
			else
				rc = fail("waiting drop", &e);
		}
		if (h)
			hub_close(h);
		return rc;
	}
	bool json = !clear && argc >= 2 && !strcmp(argv[argc - 1], "--json");
	int rest = argc - 1 - clear - json;
	if (clear ? rest != 1 : rest > 1)
		return usage_error("waiting", "%s",
				   clear ? "expected: waiting clear NODE"
					 : "expected: waiting [NODE] [--json]");
	const char *node = rest ? argv[1 + clear] : NULL;
	struct hub *h;
	int rc = open_hub(db, "waiting", &h);
	if (rc)
		return rc;
	struct err e = {0};
	if (clear) {
		int64_t n = 0;
		if (hub_waiting_clear(h, node, &n, &e))
			printf("dropped %lld ops of node %s that waited for their records; the node "
			       "sends them again with dutydesk sync --requeue\n",
			       (long long)n, node);
		else
			rc = fail("waiting clear", &e);
		hub_close(h);
		return rc;
	}
	json_t *rows = hub_waiting_list(h, node, &e);
	if (!rows) {
		rc = fail("waiting", &e);
	} else if (json) {
		put_json(rows);
	} else if (!json_array_size(rows)) {
		printf("no op waits for its record\n");
	} else {
		size_t i;
		json_t *r;
		json_array_foreach(rows, i, r) {
			char when[32];
			const char *why = json_string_value(json_object_get(r, "reason"));
			printf("%s %s %s %s since %s: %s\n",
			       json_string_value(json_object_get(r, "pusher")),
			       json_string_value(json_object_get(r, "op_id")),
			       json_string_value(json_object_get(r, "tbl")),
			       json_string_value(json_object_get(r, "row_id")),
			       dd_time_local(json_integer_value(json_object_get(r, "received_at")), when,
					     sizeof when),
			       why ? why : "waits for that record to reach the hub");
		}
	}
	json_decref(rows);
	hub_close(h);
	return rc;
}

/* divisions import FILE.csv, divisions list [--under CODE] [--json] */
static int cmd_divisions(const char *db, int argc, char **argv)
{
	static const struct option lo[] = {{"under", required_argument, NULL, 'u'},
					   {"json", no_argument, NULL, 'j'},
					   {NULL, 0, NULL, 0}};
	const char *verb = argc > 1 ? argv[1] : "";
	bool import = !strcmp(verb, "import");
	if (!import && strcmp(verb, "list"))
		return usage_error("divisions", "%s", "expected import FILE.csv or list");
	const char *under = NULL;
	bool json = false;
	int ch;
	optind = 0;
	opterr = 0;
	while (!import && (ch = getopt_long(argc - 1, argv + 1, ":", lo, NULL)) != -1) {
		switch (ch) {
		case 'u': under = optarg; break;
		case 'j': json = true; break;
		case ':': return usage_error("divisions list", "%s needs a value", argv[optind]);
		default: return usage_error("divisions list", "unknown option '%s'", argv[optind]);
		}
	}
	if (import && argc != 3)
		return usage_error("divisions import", "%s", "expected one FILE.csv");
	if (!import && optind < argc - 1)
		return usage_error("divisions list", "unexpected argument '%s'", argv[optind + 1]);
	struct hub *h;
	int rc = open_hub(db, "divisions", &h);
	if (rc)
		return rc;
	struct err e = {0};
	if (import) {
		int added, changed;
		if (hub_divisions_import(h, argv[2], &added, &changed, &e))
			printf("%s: %d divisions added, %d changed%s\n", argv[2], added, changed,
			       added + changed ? "" : " (the hub knew them all already)");
		else
			rc = fail("divisions import", &e);
		hub_close(h);
		return rc;
	}
	json_t *rows = hub_divisions_list(h, under, &e);
	hub_close(h);
	if (!rows)
		return fail("divisions list", &e);
	if (json) {
		put_json(rows);
	} else {
		static const char *const heads[] = {"CODE", " NAME", " LEVEL"};
		static const int widths[] = {16, 21, 11};
		struct strbuf sb;
		table_head(&sb, heads, widths, 3, "PARENT");
		size_t i;
		json_t *r;
		json_array_foreach(rows, i, r) {
			const char *p = json_string_value(json_object_get(r, "parent_code"));
			sb_cell(&sb, json_string_value(json_object_get(r, "code")), 16, false);
			sb_putc(&sb, ' ');
			sb_cell(&sb, json_string_value(json_object_get(r, "name")), 20, false);
			sb_putc(&sb, ' ');
			sb_cell(&sb, json_string_value(json_object_get(r, "level")), 10, false);
			sb_printf(&sb, " %s\n", p ? p : "-");
		}
		fputs(sb.buf, stdout);
		sb_finish(&sb);
	}
	json_decref(rows);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {{"db", required_argument, NULL, 'd'},
					   {"help", no_argument, NULL, 'h'},
					   {"version", no_argument, NULL, 'V'},
					   {NULL, 0, NULL, 0}};
	hub_store_use_postgresql();
	const char *db = getenv("DUTYDESKD_DB");
	if (!db || !*db)
		db = DEFAULT_DB;
	int ch;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:hV", lo, NULL)) != -1) {
		switch (ch) {
		case 'd':
			db = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("dutydeskd %s (sync protocol %d)\n", DD_VERSION, SYNC_PROTO);
			return 0;
		default:
			fprintf(stderr, "dutydeskd: %s '%s' (see --help)\n",
				ch == ':' ? "no value for" : "unknown option", argv[optind - 1]);
			return ERR_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return ERR_USAGE;
	}
	const char *cmd = argv[optind];
	int n = argc - optind;
	char **args = argv + optind;
	if (!strcmp(cmd, "init"))
		return cmd_init(db, n, args);
	if (!strcmp(cmd, "serve"))
		return cmd_serve(db, n, args);
	if (!strcmp(cmd, "node"))
		return cmd_node(db, n, args);
	if (!strcmp(cmd, "divisions"))
		return cmd_divisions(db, n, args);
	if (!strcmp(cmd, "backup"))
		return cmd_backup(db, n, args);
	if (!strcmp(cmd, "restore"))
		return cmd_restore(db, n, args);
	if (!strcmp(cmd, "import-bundle"))
		return cmd_import_bundle(db, n, args);
	if (!strcmp(cmd, "export-bundle"))
		return cmd_export_bundle(db, n, args);
	if (!strcmp(cmd, "waiting"))
		return cmd_waiting(db, n, args);
	fprintf(stderr, "dutydeskd: unknown command '%s' (see dutydeskd --help)\n", cmd);
	return ERR_USAGE;
}
