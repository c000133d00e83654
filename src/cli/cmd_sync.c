/* sync and conflicts: the node's link to the county hub, sneakernet
 * bundles, and the review of values that lost a merge. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "dutydesk/dtime.h"
#include "dutydesk/sync.h"
#include "sync_client.h"

static void print_stats(struct cli *c, const struct sync_stats *s, struct http_client *h)
{
	int64_t up = 0, down = 0;
	if (h)
		http_bytes(h, &up, &down);
	if (c->json) {
		json_t *o = json_pack("{s:i, s:i, s:i, s:i, s:I}", "pushed", s->pushed, "pulled",
				      s->pulled, "parked", s->parked, "conflicts", s->conflicts,
				      "pending", (json_int_t)s->pending);
		if (h) {
			json_object_set_new(o, "bytes_up", json_integer(up));
			json_object_set_new(o, "bytes_down", json_integer(down));
		}
		out_json(o);
		json_decref(o);
		return;
	}
	printf("pushed %d, pulled %d, conflicts %d, parked %d; %lld still pending\n", s->pushed,
	       s->pulled, s->conflicts, s->parked, (long long)s->pending);
	if (s->conflicts)
		printf("values that lost a merge are kept for review: dutydesk conflicts\n");
	if (s->parked)
		printf("ops the hub refused are parked: dutydesk sync --status shows why\n");
}

static int run_status(struct cli *c, const struct sync_conf *conf)
{
	json_t *s = sync_status(c->st, &c->err);
	if (!s)
		return cli_fail(c);
	if (conf->server[0])
		json_object_set_new(s, "server", json_string(conf->server));
	static const struct out_col cols[] = {
		{"server", "server", false, 0},        {"pending", "pending ops", false, 0},
		{"parked", "parked ops", false, 0},     {"last_success", "last success", false, 0},
		{"last_error", "last error", false, 0}, {"cursor", "cursor", false, 0},
		{"hub_epoch", "hub epoch", false, 0},
	};
	/* times as local text for people */
	json_t *ls = json_object_get(s, "last_success");
	if (!c->json && json_is_integer(ls)) {
		char buf[32];
		json_object_set_new(s, "last_success",
				    json_string(dd_time_local(json_integer_value(ls), buf, sizeof buf)));
	}
	out_record(c, s, cols, ARRAY_LEN(cols));
	json_decref(s);
	return 0;
}

static int run_sync(struct cli *c)
{
	const char *exp = cli_opt(c, "export-bundle"), *imp = cli_opt(c, "import-bundle");
	bool status = cli_opt(c, "status") != NULL, once = cli_opt(c, "once") != NULL;
	if ((exp != NULL) + (imp != NULL) + status + (cli_opt(c, "digest") != NULL) > 1) {
		err_set(&c->err, ERR_USAGE,
			"--status, --digest, --export-bundle and --import-bundle go one at a time");
		return cli_fail(c);
	}
	struct sync_conf conf;
	sync_conf_load(&conf, NULL);
	if (conf.warning[0])
		fprintf(stderr, "dutydesk sync: %s (ignored)\n", conf.warning);
	if (cli_opt(c, "server"))
		snprintf(conf.server, sizeof conf.server, "%s", cli_opt(c, "server"));
	if (cli_opt(c, "token-file"))
		snprintf(conf.token_file, sizeof conf.token_file, "%s", cli_opt(c, "token-file"));
	if (cli_opt(c, "ca-file"))
		snprintf(conf.ca_file, sizeof conf.ca_file, "%s", cli_opt(c, "ca-file"));

	if (status)
		return run_status(c, &conf);
	if (cli_opt(c, "digest")) {
		/* a node's rows are its scope: it holds nothing else */
		json_t *d = sync_digest(c->st, NULL, &c->err);
		if (!d)
			return cli_fail(c);
		out_json(d);
		json_decref(d);
		return 0;
	}
	struct sync_stats st = {0};
	if (exp || imp) {
		/* Signed with the node's token when there is one (the hub checks
		 * the signature); a bundle between nodes may go unsigned. */
		char *token = NULL;
		if (conf.token_file[0] && !sync_read_token(conf.token_file, &token, &c->err))
			return cli_fail(c);
		bool ok = exp ? sync_export_bundle_keyed(c->st, exp, token, &c->err)
			      : sync_import_bundle_keyed(c->st, imp, token, &st, &c->err);
		bool signed_ = token != NULL;
		if (token) {
			memset(token, 0, strlen(token));
			free(token);
		}
		if (!ok)
			return cli_fail(c);
		if (imp)
			print_stats(c, &st, NULL);
		else if (!c->json)
			printf("wrote %s bundle %s\n", signed_ ? "a signed" : "an unsigned", exp);
		return 0;
	}

	struct node_info ni;
	if (!store_node(c->st, &ni, &c->err))
		return cli_fail(c);
	if (!conf.server[0]) {
		err_set(&c->err, ERR_USAGE,
			"no hub: give --server URL or set sync.server in the config file");
		return cli_fail(c);
	}
	if (!conf.token_file[0]) {
		err_set(&c->err, ERR_USAGE,
			"no token: give --token-file FILE or set sync.token_file in the config file");
		return cli_fail(c);
	}
	char *token;
	if (!sync_read_token(conf.token_file, &token, &c->err))
		return cli_fail(c);
	struct http_client *h;
	bool made = http_client_new(conf.server, token, conf.ca_file, &h, &c->err);
	memset(token, 0, strlen(token));
	free(token);
	if (!made)
		return cli_fail(c);
	srand((unsigned)(time(NULL) ^ getpid()));
	struct sync_transport t = http_transport(h);
	int rc = 0;
	for (int attempt = 0;; attempt++) {
		memset(&st, 0, sizeof st);
		struct err e = {0};
		if (sync_run(c->st, &t, &st, &e)) {
			print_stats(c, &st, h);
			break;
		}
		if (once || !http_retryable(h)) {
			c->err = e;
			rc = cli_fail(c);
			break;
		}
		int ms = sync_backoff_ms(attempt, http_last_retry_after(h));
		fprintf(stderr, "dutydesk sync: %s; retrying in %.1f s\n", e.msg, ms / 1000.0);
		struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
		while (nanosleep(&ts, &ts) != 0)
			;
	}
	http_client_free(h);
	return rc;
}

/* ---- conflicts ---- */

static int run_conflicts(struct cli *c)
{
	bool all = cli_opt(c, "all") != NULL;
	json_t *rows = store_rows(
		c->st, &c->err,
		"SELECT id, tbl AS \"table\", row_id, field, kept, lost, lost_node, lost_hlc, at,"
		" reviewed FROM sync_conflict WHERE reviewed = 0 OR ? ORDER BY id",
		"i", (int64_t)all);
	if (!rows)
		return cli_fail(c);
	if (!c->json) {
		size_t i;
		json_t *r;
		json_array_foreach(rows, i, r) {
			char buf[32];
			json_object_set_new(
				r, "when",
				json_string(dd_time_local(json_integer_value(json_object_get(r, "at")),
							  buf, sizeof buf)));
			json_object_set_new(r, "state",
					    json_string(json_integer_value(json_object_get(r, "reviewed"))
							? "resolved"
							: "to review"));
		}
		if (!json_array_size(rows)) {
			printf(all ? "no conflicts recorded\n" : "no conflicts to review\n");
			json_decref(rows);
			return 0;
		}
	}
	static const struct out_col cols[] = {
		{"id", "ID", true, 0},          {"table", "TABLE", false, 0},
		{"row_id", "RECORD", false, 12}, {"field", "FIELD", false, 0},
		{"kept", "KEPT", false, 30},     {"lost", "LOST", false, 30},
		{"lost_node", "LOST FROM", false, 0}, {"when", "WHEN", false, 0},
		{"state", "STATE", false, 0},
	};
	out_table(c, rows, cols, ARRAY_LEN(cols));
	json_decref(rows);
	return 0;
}

static bool do_resolve(struct cli *c)
{
	long long id;
	if (!str_to_ll(c->args[0], 1, INT64_MAX, &id))
		return err_set(&c->err, ERR_USAGE, "'%s': expected a conflict number", c->args[0]);
	json_t *row = store_row(c->st, &c->err,
				"SELECT tbl, row_id, field, lost, reviewed FROM sync_conflict WHERE id = ?",
				"i", (int64_t)id);
	if (!row)
		return false;
	bool ok = true;
	if (json_is_null(row)) {
		ok = err_set(&c->err, ERR_FAIL, "conflict %lld: no such conflict (see dutydesk conflicts)",
			     id);
	} else if (json_integer_value(json_object_get(row, "reviewed"))) {
		ok = err_set(&c->err, ERR_FAIL, "conflict %lld: resolved already", id);
	} else if (cli_opt(c, "take-lost")) {
		const char *tbl = json_string_value(json_object_get(row, "tbl"));
		const struct table *t = table_by_name(tbl);
		const char *lost = json_string_value(json_object_get(row, "lost"));
		/* the lost value as it travelled: JSON text; plain text otherwise */
		json_t *v = lost ? json_loads(lost, JSON_DECODE_ANY, NULL) : json_null();
		if (!v)
			v = json_string(lost);
		json_t *fields = json_object();
		json_object_set_new(fields, json_string_value(json_object_get(row, "field")), v);
		if (!t)
			ok = err_set(&c->err, ERR_FAIL, "conflict %lld: unknown table %s", id, tbl);
		else
			ok = rec_update(c->st, t, json_string_value(json_object_get(row, "row_id")),
					fields, NULL, &c->err);
		json_decref(fields);
	}
	if (ok)
		ok = store_exec(c->st, &c->err, "UPDATE sync_conflict SET reviewed = 1 WHERE id = ?",
				"i", (int64_t)id);
	if (ok && !c->json)
		printf("conflict %lld resolved: %s\n", id,
		       cli_opt(c, "take-lost") ? "the lost value is back and will sync"
					       : "the kept value stays");
	json_decref(row);
	return ok;
}

static int run_resolve(struct cli *c)
{
	if (!cli_opt(c, "keep") == !cli_opt(c, "take-lost")) {
		err_set(&c->err, ERR_USAGE, "give either --keep or --take-lost");
		return cli_fail(c);
	}
	return cli_tx(c, do_resolve);
}

static const struct cli_opt sync_opts[] = {
	{"server", "URL", NULL, "the hub, e.g. https://hub.county.example:8443 (overrides sync.server)"},
	{"token-file", "FILE", NULL, "file holding this node's token (overrides sync.token_file)"},
	{"ca-file", "FILE", NULL, "CA certificate(s) to trust for the hub (overrides sync.ca_file)"},
	{"once", NULL, NULL, "one attempt: no retries after a network failure"},
	{"status", NULL, NULL, "pending and parked ops, last success, last error"},
	{"digest", NULL, NULL, "per-table hashes of the records in this node's scope (JSON)"},
	{"export-bundle", "FILE", NULL, "write this node's ops to FILE, for a link-less transfer (signed with the token, if any)"},
	{"import-bundle", "FILE", NULL, "merge the ops of a bundle FILE (twice is harmless; a signed one needs the token)"},
	{NULL, NULL, NULL, NULL},
};
static const struct cli_opt conflicts_opts[] = {
	{"all", NULL, NULL, "resolved ones too"},
	{NULL, NULL, NULL, NULL},
};
static const struct cli_opt resolve_opts[] = {
	{"keep", NULL, NULL, "keep the value that won"},
	{"take-lost", NULL, NULL, "put the lost value back (a new edit, synced)"},
	{NULL, NULL, NULL, NULL},
};

const struct cli_cmd cmds_sync[] = {
	{"sync", NULL, NULL, 0, 0, "push this node's ops to the hub and pull the others'", NULL,
	 sync_opts, 0, run_sync},
	{"conflicts", "resolve", "ID", 1, 1, "keep the winning value, or take the lost one", NULL,
	 resolve_opts, 0, run_resolve},
	{"conflicts", NULL, NULL, 0, 0, "values that lost a merge, for review", NULL,
	 conflicts_opts, 0, run_conflicts},
	{NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, 0, NULL},
};
