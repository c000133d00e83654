/* sync and conflicts: the node's link to the county hub, sneakernet
 * bundles, and the review of values that lost a merge. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dutydesk/i18n.h"
#include "cmd_impl.h"
#include "dutydesk/syncstore.h"
#include "dutydesk/config.h"
#include "dutydesk/dtime.h"
#include "dutydesk/sync.h"
#include "dutydesk/sync_client.h"

static void print_stats(struct cmd_ctx *c, const struct sync_stats *s, struct http_client *h)
{
	int64_t up = 0, down = 0;
	if (h)
		http_bytes(h, &up, &down);
	if (c->json) {
		json_t *o = json_pack("{s:i, s:i, s:i, s:i, s:i, s:I}", "pushed", s->pushed, "pulled",
				      s->pulled, "received", s->received, "parked", s->parked,
				      "conflicts", s->conflicts, "pending", (json_int_t)s->pending);
		if (s->incarnation)
			json_object_set_new(o, "incarnation", json_integer(s->incarnation));
		if (h) {
			json_object_set_new(o, "bytes_up", json_integer(up));
			json_object_set_new(o, "bytes_down", json_integer(down));
		}
		out_json_new(c, o);
		return;
	}
	if (s->incarnation)
		fprintf(c->out,
			_("this database was behind what the hub holds of this node (restored from a "
			  "copy, or a new PC): it goes on as incarnation %lld, with op ids and incident "
			  "numbers of its own, and got back everything of its scope\n"),
			(long long)s->incarnation);
	/* "pulled" is what changed something here; ops that were here already
	 * (a county's own copy of the catalogue) are said beside it */
	char also[96] = "";
	if (s->received > s->pulled)
		snprintf(also, sizeof also, _(" (%d received, %d of them here already)"),
			 s->received, s->received - s->pulled);
	fprintf(c->out, _("pushed %d, pulled %d%s, conflicts %d, parked %d; %lld still pending\n"),
		s->pushed, s->pulled, also, s->conflicts, s->parked, (long long)s->pending);
	if (s->conflicts)
		fprintf(c->out, _("values that lost a merge are kept for review: dutydesk conflicts\n"));
	if (s->parked)
		fprintf(c->out, _("ops the hub refused are parked: dutydesk sync --status shows why\n"));
}

/* Ops of the outbox, ten at most, each with the hub's word on it (a result
 * "pending" said as pending_text). */
static void print_ops(struct cmd_ctx *c, json_t *rows, const char *pending_text)
{
	size_t i;
	json_t *p;
	json_array_foreach(rows, i, p) {
		if (i == 10) {
			fprintf(c->out, "  ... and %zu more (--json lists them all)\n",
				json_array_size(rows) - 10);
			break;
		}
		const char *r = json_string_value(json_object_get(p, "result"));
		if (pending_text && str_eq(r, "pending"))
			r = pending_text;
		fprintf(c->out, "  %s %s %s: %s\n", json_string_value(json_object_get(p, "op_id")),
			json_string_value(json_object_get(p, "table")),
			json_string_value(json_object_get(p, "row_id")), r ? r : "refused");
	}
}

static bool show_status(struct cmd_ctx *c, const struct config_sync *conf)
{
	json_t *s = sync_status(c->st, &c->err);
	if (!s)
		return false;
	if (conf->server[0])
		json_object_set_new(s, "server", json_string(conf->server));
	/* what the hub refused, and why: parked, never retried by themselves */
	json_t *parked = store_outbox_parked(c->st, &c->err);
	if (!parked) {
		json_decref(s);
		return false;
	}
	static const struct out_col cols[] = {
		{"server"}, {"pending", N_("pending ops")}, {"acked", N_("acked ops")},
		{"parked", N_("parked ops (refused by the hub)")},
		{"waiting_at_hub", N_("ops waiting at the hub for their record")},
		{"waiting", N_("received ops waiting for their record")},
		{"refused", N_("received ops refused here")}, {"conflicts", N_("conflicts to review")},
		{"last_success", N_("last success")}, {"last_attempt", N_("last attempt")},
		{"last_error", N_("last error")}, {"cursor", N_("pull cursor")}, {"hub_epoch", N_("hub epoch")},
		{"incarnation", N_("incarnation")},
	};
	json_t *waiting = store_outbox_hub_waiting_rows(c->st, &c->err);
	if (!waiting) {
		json_decref(parked);
		json_decref(s);
		return false;
	}
	if (c->json) {
		json_object_set_new(s, "parked_ops", parked);
		json_object_set_new(s, "waiting_ops", waiting);
		return out_json_new(c, s);
	}
	static const char *const times[] = {"last_success", "last_attempt"};
	for (size_t i = 0; i < ARRAY_LEN(times); i++) {
		json_t *t = json_object_get(s, times[i]);
		char buf[32];
		if (json_is_integer(t))
			json_object_set_new(
				s, times[i],
				json_string(dd_time_local(json_integer_value(t), buf, sizeof buf)));
	}
	out_record(c, s, cols, ARRAY_LEN(cols));
	print_ops(c, parked, NULL);
	if (json_array_size(waiting))
		fprintf(c->out, "%s\n",
			_("waiting at the hub (as of the last push; dutydesk sync --requeue sends the "
			  "parked and given-up ones again):"));
	print_ops(c, waiting, _("waits for the record it updates, which has not reached the hub: "
				"sync the node that made it"));
	json_decref(waiting);
	json_decref(parked);
	json_decref(s);
	return true;
}

/* sync --check: what differs between this node and the hub, in words,
 * and what to do about it. False (exit 1) when anything differs. */
static bool print_check(struct cmd_ctx *c, json_t *k)
{
	const char *me = json_string_value(json_object_get(k, "node"));
	const char *whose = json_string_value(json_object_get(k, "hub_node"));
	if (whose && !str_eq(whose, me))
		return err_set(&c->err, ERR_FAIL,
			       _("the token belongs to node %s, not to this node %s: fix --token-file "
				 "(or sync.token_file); nothing was compared"),
			       whose, me);
	if (c->json) {
		out_json(c, k);
		return true;
	}
	int differ = 0;
	size_t i;
	json_t *t;
	fprintf(c->out, _("node %s against the hub, table by table:\n"), me);
	json_array_foreach(json_object_get(k, "tables"), i, t) {
		bool same = json_is_true(json_object_get(t, "same"));
		long long here = json_integer_value(json_object_get(t, "rows"));
		long long there = json_integer_value(json_object_get(t, "hub_rows"));
		differ += !same;
		if (same)
			fprintf(c->out, _("  %-18s the same (%lld records)\n"),
				json_string_value(json_object_get(t, "table")), here);
		else
			fprintf(c->out, _("  %-18s DIFFERS: %lld records here, %lld at the hub\n"),
				json_string_value(json_object_get(t, "table")), here, there);
	}
	if (!differ) {
		fprintf(c->out, _("this node holds what the hub holds for it: nothing to do\n"));
		return true;
	}
	long long pending = json_integer_value(json_object_get(k, "pending"));
	long long parked = json_integer_value(json_object_get(k, "parked"));
	long long held = json_integer_value(json_object_get(k, "waiting")) +
			 json_integer_value(json_object_get(k, "refused"));
	bool behind = json_is_true(json_object_get(k, "refill")) ||
		      json_integer_value(json_object_get(k, "cursor")) <
			      json_integer_value(json_object_get(k, "hub_cursor"));
	if (pending)
		fprintf(c->out, _("%lld changes made here have not reached the hub yet: run "
				  "'dutydesk sync'\n"), pending);
	if (behind)
		fprintf(c->out, _("the hub has changes this node has not pulled yet: run "
				  "'dutydesk sync'\n"));
	if (parked)
		fprintf(c->out, _("the hub refused %lld changes made here: 'dutydesk sync --status' "
				  "says why\n"), parked);
	if (held)
		fprintf(c->out, _("%lld changes received here wait for their record or were refused "
				  "here: 'dutydesk sync --status' says why\n"), held);
	if (!pending && !behind && !parked && !held)
		fprintf(c->out,
			_("both sides are up to date and still differ: back up this database "
			  "('dutydesk backup FILE'); then at the hub run 'dutydeskd node replace %s' "
			  "and start this PC again on an empty database with the new token "
			  "('dutydesk init --node %s ...', then 'dutydesk sync'): it gets back "
			  "everything of its scope\n"),
			me, me);
	return err_set(&c->err, ERR_FAIL, _("this node and the hub differ in %d tables"), differ);
}

/* Conflicts recorded here and not yet reviewed: what a sync reports is the
 * rows it added, the ones `dutydesk conflicts` lists (a value that lost at
 * the hub is counted when it is recorded here, not twice). */
static int64_t unreviewed(struct store *st)
{
	json_t *s = sync_status(st, NULL);
	int64_t n = json_integer_value(json_object_get(s, "conflicts"));
	json_decref(s);
	return n;
}

static bool exec_sync(struct cmd_ctx *c)
{
	const char *exp = cmd_opt(c, "export-bundle"), *imp = cmd_opt(c, "import-bundle");
	bool status = cmd_opt(c, "status") != NULL, once = cmd_opt(c, "once") != NULL;
	bool check = cmd_opt(c, "check") != NULL;
	if ((exp != NULL) + (imp != NULL) + status + (cmd_opt(c, "digest") != NULL) + check +
		    (cmd_opt(c, "requeue") != NULL) > 1) {
		err_set(&c->err, ERR_USAGE,
			_("--status, --digest, --check, --requeue, --export-bundle and --import-bundle "
			  "go one at a time"));
		return false;
	}
	/* What sync reads must be right; a console setting is the console's. */
	struct config cfg;
	config_load(&cfg, NULL);
	if (cfg.sync_warning[0])
		return err_set(&c->err, ERR_FAIL, "%s", cfg.sync_warning);
	if (cfg.warning[0])
		cmd_say(c, _("dutydesk sync: warning: %s (a console setting: sync goes on)\n"),
			cfg.warning);
	struct config_sync conf = cfg.sync;
	if (cmd_opt(c, "server"))
		snprintf(conf.server, sizeof conf.server, "%s", cmd_opt(c, "server"));
	if (cmd_opt(c, "token-file"))
		snprintf(conf.token_file, sizeof conf.token_file, "%s", cmd_opt(c, "token-file"));
	if (cmd_opt(c, "ca-file"))
		snprintf(conf.ca_file, sizeof conf.ca_file, "%s", cmd_opt(c, "ca-file"));

	if (status)
		return show_status(c, &conf);
	if (cmd_opt(c, "requeue")) {
		int64_t n = 0;
		bool ok = store_begin(c->st, &c->err) &&
			  store_outbox_requeue_refused(c->st, &n, &c->err) &&
			  store_commit(c->st, &c->err);
		if (!ok) {
			store_rollback(c->st);
			return false;
		}
		if (!c->json)
			fprintf(c->out, _("%lld ops queued again (parked, or given up at the hub); "
					  "the next sync sends them\n"),
				(long long)n);
		return c->json ? out_json_new(c, json_pack("{s:I}", "requeued", (json_int_t)n)) : true;
	}
	if (cmd_opt(c, "digest")) {
		/* a node's rows are its scope: it holds nothing else */
		json_t *d = sync_digest(c->st, NULL, &c->err);
		return d && out_json_new(c, d);
	}
	struct sync_stats st = {0};
	int64_t conflicts_before = unreviewed(c->st);
	if (exp || imp) {
		/* Signed with the node's token when there is one (the hub checks
		 * the signature); a bundle for another node goes unsigned, and is
		 * taken there only from the node named. */
		bool unsigned_ = cmd_opt(c, "unsigned") != NULL;
		const char *allow = cmd_opt(c, "allow-unsigned-from");
		if ((unsigned_ && !exp) || (allow && !imp))
			return err_set(&c->err, ERR_USAGE, "%s",
				       _("--unsigned goes with --export-bundle, --allow-unsigned-from "
					 "with --import-bundle"));
		char *token = NULL;
		if (conf.token_file[0] && !sync_read_token(conf.token_file, &token, &c->err))
			return false;
		bool ok = exp ? sync_export_bundle_keyed(c->st, exp, unsigned_ ? NULL : token,
							 &c->err)
			      : sync_import_bundle_keyed(c->st, imp, token, allow, &st, &c->err);
		bool signed_ = token != NULL && !unsigned_;
		if (token) {
			memset(token, 0, strlen(token));
			free(token);
		}
		if (!ok)
			return false;
		st.conflicts = (int)(unreviewed(c->st) - conflicts_before);
		if (imp)
			print_stats(c, &st, NULL);
		else if (!c->json)
			fprintf(c->out, _("wrote %s bundle %s\n"), signed_ ? _("a signed") : _("an unsigned"), exp);
		return true;
	}

	struct node_info ni;
	if (!store_node(c->st, &ni, &c->err))
		return false;
	if (!conf.server[0]) {
		err_set(&c->err, ERR_USAGE,
			_("no hub: give --server URL or set sync.server in the config file"));
		return false;
	}
	if (!conf.token_file[0]) {
		err_set(&c->err, ERR_USAGE,
			_("no token: give --token-file FILE or set sync.token_file in the config file"));
		return false;
	}
	char *token;
	if (!sync_read_token(conf.token_file, &token, &c->err))
		return false;
	struct http_client *h;
	bool made = http_client_new(conf.server, token, conf.ca_file, &h, &c->err);
	memset(token, 0, strlen(token));
	free(token);
	if (!made)
		return false;
	srand((unsigned)(time(NULL) ^ getpid()));
	struct sync_transport t = http_transport(h);
	bool ok = true;
	if (check) {
		json_t *k = sync_check(c->st, &t, &c->err);
		ok = k && print_check(c, k);
		json_decref(k);
		http_client_free(h);
		return ok;
	}
	for (int attempt = 0;; attempt++) {
		memset(&st, 0, sizeof st);
		struct err e = {0};
		if (sync_run(c->st, &t, &st, &e)) {
			st.conflicts = (int)(unreviewed(c->st) - conflicts_before);
			print_stats(c, &st, h);
			break;
		}
		if (once || !http_retryable(h)) {
			c->err = e;
			ok = false;
			break;
		}
		int ms = sync_backoff_ms(attempt, http_last_retry_after(h));
		cmd_say(c, _("dutydesk sync: %s; retrying in %.1f s\n"), e.msg, ms / 1000.0);
		struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
		while (nanosleep(&ts, &ts) != 0)
			;
	}
	http_client_free(h);
	return ok;
}

/* ---- conflicts ---- */

static bool exec_conflicts(struct cmd_ctx *c)
{
	bool all = cmd_opt(c, "all") != NULL;
	json_t *rows = sync_conflicts(c->st, all, &c->err);
	if (!rows)
		return false;
	size_t k;
	json_t *r;
	json_array_foreach(rows, k, r) {
		json_object_set(r, "table", json_object_get(r, "tbl"));
		json_object_del(r, "tbl");
	}
	if (!c->json) {
		json_array_foreach(rows, k, r) {
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
			fprintf(c->out, all ? _("no conflicts recorded\n") : _("no conflicts to review\n"));
			json_decref(rows);
			return true;
		}
	}
	static const struct out_col cols[] = {
		{"id", N_("ID"), .right = true}, {"table", N_("TABLE")}, {"record", N_("RECORD"), .max = 16},
		{"field", N_("FIELD")}, {"kept", N_("KEPT"), .max = 30}, {"lost", N_("LOST"), .max = 30},
		{"lost_node", N_("LOST FROM")}, {"when", N_("WHEN")}, {"state", N_("STATE")},
	};
	return out_rows(c, rows, cols, ARRAY_LEN(cols));
}

static bool exec_resolve(struct cmd_ctx *c)
{
	if (!cmd_opt(c, "keep") == !cmd_opt(c, "take-lost")) {
		err_set(&c->err, ERR_USAGE, _("give either --keep or --take-lost"));
		return false;
	}
	long long id;
	if (!str_to_ll(c->args[0], 1, INT64_MAX, &id)) {
		err_set(&c->err, ERR_USAGE, _("'%s': expected a conflict number"), c->args[0]);
		return false;
	}
	int64_t state; /* 0 no such conflict, 1 to review, 2 resolved */
	if (!store_conflict_state(c->st, (int64_t)id, &state, &c->err))
		return false;
	if (!state) {
		err_set(&c->err, ERR_FAIL, _("conflict %lld: no such conflict (see dutydesk conflicts)"),
			id);
		return false;
	}
	if (state == 2) {
		err_set(&c->err, ERR_FAIL, _("conflict %lld: resolved already"), id);
		return false;
	}
	bool take = cmd_opt(c, "take-lost") != NULL;
	if (!sync_conflict_resolve(c->st, id, take, &c->err))
		return false;
	if (!c->json)
		fprintf(c->out, _("conflict %lld resolved: %s\n"), id,
		       take ? _("the lost value is back and will sync") : _("the kept value stays"));
	return true;
}

static const struct cmd_opt sync_opts[] = {
	{"server", "URL", NULL, N_("the hub, e.g. https://hub.county.example:8443 (overrides sync.server)")},
	{"token-file", "FILE", NULL, N_("file holding this node's token (overrides sync.token_file)")},
	{"ca-file", "FILE", NULL, N_("CA certificate(s) to trust for the hub (overrides sync.ca_file)")},
	{"once", NULL, NULL, N_("one attempt: no retries after a network failure")},
	{"status", NULL, NULL, N_("pending and parked ops, last success, last error")},
	{"digest", NULL, NULL, N_("per-table hashes of the records in this node's scope (JSON)")},
	{"requeue", NULL, NULL, N_("queue the parked ops and those the hub gave up waiting for again")},
	{"check", NULL, NULL, N_("compare this node with the hub table by table; says what differs and what to do")},
	{"export-bundle", "FILE", NULL, N_("write this node's ops to FILE, for a link-less transfer (signed with the token, if any)")},
	{"import-bundle", "FILE", NULL, N_("merge the ops of a bundle FILE (twice is harmless; a signed one needs the token)")},
	{"unsigned", NULL, NULL, N_("with --export-bundle: no signature, for another node (which cannot check one)")},
	{"allow-unsigned-from", "NODE", NULL, N_("with --import-bundle: take an unsigned bundle, only from NODE")},
	{0},
};
static const struct cmd_opt conflicts_opts[] = {
	{"all", NULL, NULL, N_("resolved ones too")},
	{0},
};
static const struct cmd_opt resolve_opts[] = {
	{"keep", NULL, NULL, N_("keep the value that won")},
	{"take-lost", NULL, NULL, N_("put the lost value back (a new edit, synced)")},
	{0},
};

/* Each step of a sync commits by itself (a dropped link loses nothing),
 * and a bundle is merged in a transaction of its own. */
const struct cmd cmd_sync = {
	.group = "sync", .summary = N_("push this node's ops to the hub and pull the others'"),
	.opts = sync_opts, .flags = CMD_OWNTX, .exec = exec_sync,
};

const struct cmd cmd_conflicts_resolve = {
	.group = "conflicts", .verb = "resolve",
	.summary = N_("keep the winning value, or take the lost one"),
	.args = "ID", .nargs_min = 1, .nargs_max = 1,
	.opts = resolve_opts, .flags = CMD_OWNTX, .exec = exec_resolve,
};

const struct cmd cmd_conflicts = {
	.group = "conflicts", .summary = N_("values that lost a merge, for review"),
	.opts = conflicts_opts, .exec = exec_conflicts,
};
