/* dutydesk sms recipients|send|status|run|reply: a warning sent by SMS to
 * everyone inside its area, and the 收到 that come back (see notify.h for
 * how nobody gets a message twice). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dutydesk/config.h"
#include "dutydesk/dtime.h"
#include "dutydesk/i18n.h"
#include "dutydesk/notify.h"
#include "dutydesk/sms.h"
#include "dutydesk/smsstore.h"
#include "cmd_impl.h"

#define STR(o, k) json_string_value(json_object_get(o, k))

/* --add "13800000000,3f2a…,县领导": numbers, contact ids and groups, comma
 * separated. */
static json_t *added(struct cmd_ctx *c)
{
	json_t *a = json_array();
	const char *v = cmd_opt(c, "add");
	if (!v)
		return a;
	char *copy = str_list_ascii(v), *save = NULL;
	for (char *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save))
		json_array_append_new(a, json_string(t));
	free(copy);
	return a;
}

static const char *kind_name(const char *k)
{
	if (str_eq(k, "monitor"))
		return _("point monitor");
	if (str_eq(k, "informant"))
		return _("informant");
	if (str_eq(k, "leader"))
		return _("township leader");
	return _("added");
}

static const char *state_name(const char *st)
{
	static const char *const names[][2] = {
		{"queued", N_("queued")},   {"sending", N_("sending")}, {"sent", N_("sent")},
		{"delivered", N_("delivered")}, {"failed", N_("failed")}, {"replied", N_("replied")}};
	for (size_t i = 0; i < ARRAY_LEN(names); i++)
		if (str_eq(st, names[i][0]))
			return _(names[i][1]);
	return st ? st : "";
}

/* The recipients of the warning named by the first argument and --add,
 * the message, and their counts shown (the invalid numbers too). */
static json_t *prepare(struct cmd_ctx *c, const struct config *cfg, char **text)
{
	json_t *add = added(c);
	json_t *r = sms_recipients(c->st, c->nargs ? c->args[0] : NULL, add, dd_now(), &c->err);
	json_decref(add);
	if (!r)
		return NULL;
	*text = sms_render(cfg->sms.template_text, json_object_get(r, "warning"),
			   cmd_opt(c, "action"), cfg->office);
	return r;
}

static void show_counts(struct cmd_ctx *c, json_t *r, const char *text, FILE *f)
{
	json_t *rec = json_object_get(r, "recipients"), *bad = json_object_get(r, "invalid");
	int chars, segs = sms_segments(text, &chars);
	fprintf(f, _("message (%d characters, %d SMS each; 70 a segment): %s\n"), chars, segs, text);
	fprintf(f, _("%zu recipients:"), json_array_size(rec));
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get(r, "by_kind"), k, v)
		fprintf(f, "  %s %lld", kind_name(k), (long long)json_integer_value(v));
	fputc('\n', f);
	fprintf(f, "%s", _("by township:"));
	json_object_foreach(json_object_get(r, "by_township"), k, v)
		fprintf(f, "  %s %lld", k, (long long)json_integer_value(v));
	fputc('\n', f);
	size_t i;
	json_t *b;
	json_array_foreach(bad, i, b)
		fprintf(f, _("not a mainland mobile number, not sent: %s %s (%s, %s)\n"),
			STR(b, "name") ? STR(b, "name") : "", STR(b, "phone"), kind_name(STR(b, "kind")),
			STR(b, "township") ? STR(b, "township") : STR(b, "source") ? STR(b, "source") : "-");
}

static bool exec_recipients(struct cmd_ctx *c)
{
	struct config cfg;
	config_load(&cfg, NULL);
	char *text = NULL;
	json_t *r = prepare(c, &cfg, &text);
	if (!r)
		return false;
	if (c->json) {
		json_object_set_new(r, "text", json_string(text));
		free(text);
		return out_json_new(c, r);
	}
	static const struct out_col cols[] = {
		{"township", .max = 8}, {"kind", N_("kind")}, {"name", .max = 16},
		{"phone"}, {"source", .max = 20, .as_is = true}};
	json_t *rows = json_deep_copy(json_object_get(r, "recipients"));
	size_t i;
	json_t *x;
	json_array_foreach(rows, i, x)
		json_object_set_new(x, "kind", json_string(kind_name(STR(x, "kind"))));
	out_table(c, rows, cols, ARRAY_LEN(cols));
	json_decref(rows);
	show_counts(c, r, text, c->out);
	free(text);
	json_decref(r);
	return true;
}

/* "dd" + the node's id (letters and digits: the spool's file names are
 * split at '_') + "m": the message's id follows. */
static void key_prefix(struct store *st, char out[48])
{
	struct node_info ni;
	struct err e = {0};
	size_t n = 0;
	out[n++] = 'd';
	out[n++] = 'd';
	if (store_node(st, &ni, &e))
		for (const char *p = ni.node_id; *p && n < 40; p++)
			if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))
				out[n++] = *p;
	out[n++] = 'm';
	out[n] = '\0';
}

static void print_drain(struct cmd_ctx *c, const struct sms_stats *s, json_t *chan)
{
	if (s->busy)
		fprintf(c->out, "%s", _("another dutydesk is sending the queue (sms run or a console)\n"));
	else
		fprintf(c->out, _("handed to the channel %d, already there %d, waiting %d, failed %d\n"),
			s->handed, s->again, s->held, s->failed);
	if (s->down[0])
		fprintf(c->out,
			_("SMS channel down: %s; %lld messages wait in the queue and go out when it "
			  "is back (dutydesk sms run, or an open console)\n"),
			s->down, (long long)json_integer_value(json_object_get(chan, "queued")));
}

static bool exec_send(struct cmd_ctx *c)
{
	struct config cfg;
	config_load(&cfg, NULL);
	if (!sms_channel_ready(&cfg.sms, &c->err))
		return false;
	char *text = NULL;
	json_t *r = prepare(c, &cfg, &text);
	if (!r)
		return false;
	/* reported before anything is sent */
	show_counts(c, r, text, c->msg);
	json_t *rec = json_object_get(r, "recipients"), *w = json_object_get(r, "warning");
	char prefix[48];
	key_prefix(c->st, prefix);
	int64_t now = dd_now(), queued = 0, had = 0;
	bool ok = store_begin(c->st, &c->err);
	size_t i;
	json_t *x;
	json_array_foreach(rec, i, x) {
		if (!ok)
			break;
		json_t *m = json_pack("{s:O, s:O, s:O?, s:O, s:O?, s:O?, s:s, s:s, s:s}", "warning_id",
				      json_object_get(w, "id"), "phone", json_object_get(x, "phone"),
				      "name", json_object_get(x, "name"), "kind",
				      json_object_get(x, "kind"), "township_code",
				      json_object_get(x, "township_code"), "contact_id",
				      json_object_get(x, "contact_id"), "text", text, "channel",
				      cfg.sms.channel, "key_prefix", prefix);
		bool add = false;
		ok = sms_queue(c->st, m, now, &add, &c->err);
		json_decref(m);
		add ? queued++ : had++;
	}
	if (ok && queued) {
		char id[ID_TEXT];
		char *log = xasprintf("预警短信：%s%s预警，%lld 人排队发送（%s）", STR(w, "area"),
				      enum_label(ENUM_COLOUR, STR(w, "colour"), true), (long long)queued,
				      text);
		json_t *f = json_pack("{s:s, s:s, s:s}", "kind", "notice", "text", log, "source", "sms");
		ok = duty_log_add(c->st, NULL, f, id, &c->err);
		json_decref(f);
		free(log);
	}
	ok = ok && store_commit(c->st, &c->err);
	if (!ok)
		store_rollback(c->st);
	free(text);
	json_decref(r);
	if (!ok)
		return false;
	fprintf(c->out, _("queued %lld messages (%lld had it already)\n"), (long long)queued,
		(long long)had);
	struct sms_stats s = {0};
	if (!sms_drain(c->st, &cfg.sms, &s, &c->err))
		return false;
	json_t *chan = q_sms_channel(c->st, &c->err);
	if (!chan)
		return false;
	print_drain(c, &s, chan);
	json_decref(chan);
	return true;
}

static bool exec_status(struct cmd_ctx *c)
{
	json_t *msgs = q_sms_messages(c->st, c->nargs ? c->args[0] : NULL, &c->err);
	json_t *chan = msgs ? q_sms_channel(c->st, &c->err) : NULL;
	if (!chan) {
		json_decref(msgs);
		return false;
	}
	json_t *cov = sms_coverage(msgs);
	json_decref(msgs);
	if (c->json) {
		json_object_set_new(cov, "channel", chan);
		return out_json_new(c, cov);
	}
	char *line = sms_coverage_line(cov);
	fprintf(c->out, "%s\n", line);
	free(line);
	const char *err = STR(chan, "last_error");
	if (err && json_integer_value(json_object_get(chan, "queued")))
		fprintf(c->out, _("SMS channel down: %s\n"), err);
	json_t *rows = json_object_get(cov, "waiting");
	size_t i;
	json_t *x;
	json_array_foreach(rows, i, x) {
		json_object_set_new(x, "kind", json_string(kind_name(STR(x, "kind"))));
		json_object_set_new(x, "state", json_string(state_name(STR(x, "state"))));
	}
	if (json_array_size(rows)) {
		fprintf(c->out, "%s\n", _("not confirmed, to call:"));
		static const struct out_col cols[] = {
			{"township", .max = 8}, {"kind"}, {"name", .max = 16}, {"phone"},
			{"state", .as_is = true}, {"error", N_("last error"), .max = 30, .as_is = true}};
		out_table(c, rows, cols, ARRAY_LEN(cols));
	}
	json_decref(chan);
	json_decref(cov);
	return true;
}

static bool exec_reply(struct cmd_ctx *c)
{
	struct config cfg;
	config_load(&cfg, NULL);
	struct strbuf text;
	sb_init(&text);
	for (int i = 1; i < c->nargs; i++)
		sb_printf(&text, "%s%s", i > 1 ? " " : "", c->args[i]);
	char *name = xasprintf("reply %lld %s", (long long)dd_now_ms(), c->args[0]);
	int64_t mid = 0;
	bool confirmed = false;
	bool ok = sms_take_reply(c->st, &cfg.sms, name, c->args[0], text.buf ? text.buf : "",
				 SMS_REPLY, &mid, &confirmed, &c->err);
	free(name);
	sb_finish(&text);
	if (ok && !mid)
		return err_set(&c->err, ERR_FAIL, _("%s: no warning was sent to this number"),
			       c->args[0]);
	if (ok && !c->json)
		fprintf(c->out, "%s\n", confirmed ? _("confirmed") : _("reply kept (not a confirmation)"));
	return ok;
}

static volatile sig_atomic_t stop;
static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

/* The queue's drainer while no console is open: a service (see
 * data/dutydesk-sms.service). Each turn hands what is due and reads what
 * came back. */
static bool exec_run(struct cmd_ctx *c)
{
	struct config cfg;
	config_load(&cfg, NULL);
	long long every = 10;
	if (!cmd_number(c, "every", 1, 3600, _("seconds from 1 to 3600"), &every))
		return false;
	bool once = cmd_opt(c, "once") != NULL;
	signal(SIGTERM, on_stop);
	signal(SIGINT, on_stop);
	do {
		struct sms_stats s = {0};
		if (!sms_drain(c->st, &cfg.sms, &s, &c->err) || !sms_poll(c->st, &cfg.sms, &s, &c->err))
			return false;
		if (once || s.handed || s.again || s.held || s.failed || s.replies || s.reports) {
			json_t *chan = q_sms_channel(c->st, &c->err);
			if (!chan)
				return false;
			print_drain(c, &s, chan);
			fprintf(c->out, _("replies %d (confirmed %d), delivery reports %d\n"), s.replies,
				s.confirmed, s.reports);
			fflush(c->out);
			json_decref(chan);
		}
		for (long long t = 0; !once && !stop && t < every * 10; t++)
			nanosleep(&(struct timespec){0, 100000000}, NULL);
	} while (!once && !stop);
	return true;
}

static const struct cmd_opt send_opts[] = {
	{"add", "PHONES|IDS|GROUPS", NULL,
	 N_("more recipients: mobile numbers, contact ids or groups of the contact book (县领导 ...), "
	    "comma separated")},
	{"action", "TEXT", NULL, N_("the action asked (default: the colour's usual one)")},
	{0}};
static const struct cmd_opt run_opts[] = {
	{"once", NULL, NULL, N_("one turn, then exit")},
	{"every", "SECONDS", NULL, N_("between turns (default 10)")},
	{0}};

const struct cmd cmd_sms_recipients = {
	.group = "sms", .verb = "recipients",
	.summary = N_("who a warning would be sent to, with counts by kind and township, the invalid "
		      "numbers and the message"),
	.args = "[WARNING]", .nargs_min = 0, .nargs_max = 1, .opts = send_opts,
	.exec = exec_recipients,
};

const struct cmd cmd_sms_send = {
	.group = "sms", .verb = "send",
	.summary = N_("send a warning by SMS to everyone inside its area (never twice to one phone)"),
	.args = "[WARNING]", .nargs_min = 0, .nargs_max = 1, .opts = send_opts,
	.flags = CMD_OWNTX, .exec = exec_send,
};

const struct cmd cmd_sms_status = {
	.group = "sms", .verb = "status",
	.summary = N_("how far a warning's messages reached: sent, delivered, confirmed, and who to call"),
	.args = "[WARNING]", .nargs_min = 0, .nargs_max = 1,
	.exec = exec_status,
};

const struct cmd cmd_sms_reply = {
	.group = "sms", .verb = "reply",
	.summary = N_("record an answer from a phone (收到 confirms), from a gateway or by hand"),
	.args = "PHONE TEXT...", .nargs_min = 2, .nargs_max = 64,
	.flags = CMD_WRITES, .exec = exec_reply,
};

const struct cmd cmd_sms_run = {
	.group = "sms", .verb = "run",
	.summary = N_("send the queue and read replies until stopped (the service beside the console)"),
	.opts = run_opts, .flags = CMD_OWNTX, .exec = exec_run,
};
