/* The SMS channels and the drain (see notify.h). */
#define _GNU_SOURCE /* syncfs */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dutydesk/dtime.h"
#include "dutydesk/i18n.h"
#include "dutydesk/model.h"
#include "dutydesk/notify.h"
#include "dutydesk/sms.h"
#include "dutydesk/smsstore.h"
#include "dutydesk/sync_client.h"

#define STR(o, k) json_string_value(json_object_get(o, k))
#define BATCH 200
/* A channel that is down is tried again after at most this long. */
#define MAX_WAIT 300

bool sms_channel_ready(const struct config_sms *c, struct err *e)
{
	if (!strcmp(c->channel, "gammu") && !c->gammu_spool[0])
		return err_set(e, ERR_USAGE, _("sms.gammu_spool: not set (gammu-smsd's FILES folder)"));
	if (!strcmp(c->channel, "http") && (!c->url[0] || !c->body[0]))
		return err_set(e, ERR_USAGE, _("sms.url and sms.body: needed by the http channel"));
	if (!c->channel[0])
		return err_set(e, ERR_USAGE,
			       _("no SMS channel: set sms.channel (gammu or http) in config.yaml"));
	return true;
}

/* ---- gammu-smsd, FILES backend ---- */

static char *spool_dir(const struct config_sms *c, const char *sub)
{
	return xasprintf("%s/%s", c->gammu_spool, sub);
}

/* A file named for key in outbox/, sent/ or error/: handed already. */
static bool gammu_has(const struct config_sms *c, const char *key)
{
	static const char *const subs[] = {"outbox", "sent", "error"};
	char *tail = xasprintf("_%s.txt", key);
	size_t tl = strlen(tail);
	bool found = false;
	for (size_t i = 0; i < ARRAY_LEN(subs) && !found; i++) {
		char *d = spool_dir(c, subs[i]);
		DIR *dir = opendir(d);
		free(d);
		for (struct dirent *de; dir && !found && (de = readdir(dir));) {
			size_t n = strlen(de->d_name);
			found = n > tl && !strcmp(de->d_name + n - tl, tail);
		}
		if (dir)
			closedir(dir);
	}
	free(tail);
	return found;
}

/* The message as UTF-16 with a byte-order mark, which gammu-smsd reads
 * whatever its locale; written aside and renamed into the outbox, so that
 * the daemon never reads half a file. The batch is synced to disk once
 * (gammu_sync) before any of it is marked sent. */
static bool gammu_hand(const struct config_sms *c, const char *key, const char *phone,
		       const char *text, bool *down, struct err *e)
{
	char *out = spool_dir(c, "outbox");
	time_t now = (time_t)dd_now();
	struct tm tm;
	localtime_r(&now, &tm);
	char stamp[32];
	strftime(stamp, sizeof stamp, "%Y%m%d_%H%M%S", &tm);
	char *tmp = xasprintf("%s/.%s.part", out, key);
	char *dest = xasprintf("%s/OUTA%s_00_%s_%s.txt", out, stamp, phone, key);
	free(out);
	bool ok = false;
	size_t inlen = strlen(text), outcap = inlen * 2 + 4, outleft = outcap - 2;
	char *buf = xcalloc(1, outcap), *ip = (char *)text, *op = buf + 2;
	buf[0] = (char)0xFF;
	buf[1] = (char)0xFE;
	iconv_t cd = iconv_open("UTF-16LE", "UTF-8");
	if (cd == (iconv_t)-1 || iconv(cd, &ip, &inlen, &op, &outleft) == (size_t)-1) {
		err_set(e, ERR_FAIL, _("the message is not valid UTF-8"));
	} else {
		int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		size_t len = (size_t)(op - buf);
		if (fd < 0 || write(fd, buf, len) != (ssize_t)len) {
			*down = true;
			err_set(e, ERR_FAIL, _("gammu-smsd outbox %s: %s"), tmp, strerror(errno));
		} else if (rename(tmp, dest) != 0) {
			*down = true;
			err_set(e, ERR_FAIL, _("gammu-smsd outbox %s: %s"), dest, strerror(errno));
		} else {
			ok = true;
		}
		if (fd >= 0)
			close(fd);
		if (!ok)
			unlink(tmp);
	}
	if (cd != (iconv_t)-1)
		iconv_close(cd);
	free(buf);
	free(tmp);
	free(dest);
	return ok;
}

/* The outbox's file system to disk: one syncfs for a batch instead of an
 * fsync a file (6 ms each on a slow disk). */
static bool gammu_sync(const struct config_sms *c, struct err *e)
{
	char *out = spool_dir(c, "outbox");
	int fd = open(out, O_RDONLY | O_DIRECTORY);
	bool ok = fd >= 0 && syncfs(fd) == 0;
	if (!ok)
		err_set(e, ERR_FAIL, _("gammu-smsd outbox %s: %s"), out, strerror(errno));
	if (fd >= 0)
		close(fd);
	free(out);
	return ok;
}

/* ---- an HTTP gateway ---- */

static char *read_secret(const struct config_sms *c, struct err *e)
{
	if (!c->secret_file[0])
		return xstrdup("");
	struct strbuf sb;
	sb_init(&sb);
	if (sb_read_file(&sb, c->secret_file, 4096) < 0) {
		sb_finish(&sb);
		err_set(e, ERR_FAIL, _("sms.secret_file %s: %s"), c->secret_file, strerror(errno));
		return NULL;
	}
	char *s = sb_take(&sb);
	if (!s)
		return xstrdup("");
	s[strcspn(s, "\r\n")] = '\0';
	return s;
}

/* value escaped for a JSON string, or percent-encoded for a form */
static void put_escaped(struct strbuf *sb, const char *v, bool json)
{
	if (json) {
		json_t *str = json_string(v);
		char *j = json_dumps(str, JSON_ENCODE_ANY | JSON_ENSURE_ASCII);
		json_decref(str);
		size_t n = strlen(j);
		sb_add(sb, j + 1, n - 2); /* without its quotes */
		free(j);
		return;
	}
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (isalnum(*p) || strchr("-._~", *p))
			sb_putc(sb, (char)*p);
		else
			sb_printf(sb, "%%%02X", *p);
}

static char *fill(const char *tmpl, const char *const *names, const char *const *vals, size_t n,
		  bool json)
{
	struct strbuf sb;
	sb_init(&sb);
	for (const char *p = tmpl; *p;) {
		size_t k;
		for (k = 0; k < n; k++)
			if (!strncmp(p, names[k], strlen(names[k])))
				break;
		if (k < n) {
			if (vals[k])
				put_escaped(&sb, vals[k], json);
			p += strlen(names[k]);
		} else {
			sb_putc(&sb, *p++);
		}
	}
	if (!sb.buf)
		sb_puts(&sb, "");
	return sb_take(&sb);
}

/* 2xx: taken; 409: had it already (the same id again); 401, 403 (our
 * secret refused), 408, 429, 5xx and
 * no answer: the gateway is down, try later; another 4xx: refused. */
static bool http_hand(const struct config_sms *c, const char *key, const char *phone,
		      const char *text, bool *down, bool *again, struct err *e)
{
	char *secret = read_secret(c, e);
	if (!secret) {
		*down = true;
		return false;
	}
	static const char *const names[] = {"{phone}", "{text}", "{id}", "{secret}"};
	const char *vals[] = {phone, text, key, secret};
	bool json = c->body[0] == '{' || c->body[0] == '[';
	char *body = fill(c->body, names, vals, 4, json);
	char *url = fill(c->url, names, vals, 4, false);
	char *hdrs[CONFIG_SMS_HEADERS];
	for (int i = 0; i < c->nheaders; i++) {
		/* headers are not escaped: a secret goes in as written */
		struct strbuf sb;
		sb_init(&sb);
		const char *h = c->headers[i], *at = strstr(h, "{secret}");
		if (at) {
			sb_add(&sb, h, (size_t)(at - h));
			sb_puts(&sb, secret);
			sb_puts(&sb, at + 8);
		} else {
			sb_puts(&sb, h);
		}
		hdrs[i] = sb_take(&sb);
	}
	int status = 0;
	char *resp = NULL;
	bool ok = http_call(c->method, url, (const char *const *)hdrs, (size_t)c->nheaders, body,
			    &status, &resp, e);
	if (!ok) {
		*down = true;
	} else if (status == 409 || (status >= 200 && status < 300)) {
		*again = status == 409;
	} else {
		ok = false;
		*down = status == 401 || status == 403 || status == 408 || status == 429 || status >= 500;
		err_set(e, ERR_FAIL, _("SMS gateway answered %d: %.120s"), status, resp ? resp : "");
	}
	for (int i = 0; i < c->nheaders; i++)
		free(hdrs[i]);
	memset(secret, 0, strlen(secret));
	free(secret);
	free(resp);
	free(body);
	free(url);
	return ok;
}

/* ---- the drain ---- */

/* Only one drain at a time: a lock beside the database, let go by the
 * kernel when its holder dies. fd -1: someone else holds it. */
static int drain_lock(struct store *st)
{
	char *path = xasprintf("%s.sms-lock", store_path(st));
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0660);
	free(path);
	if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) != 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

struct outcome {
	int64_t id;
	const char *state; /* sent, queued, failed */
	int64_t next_at;
	char *error;
	char *phone;
};

/* A message given up: in the duty log, so that the officer phones them. */
static bool log_failed(struct store *st, const char *phone, const char *why, struct err *e)
{
	char id[ID_TEXT];
	char *text = xasprintf("预警短信发送失败：%s（%s）", phone, why ? why : "");
	json_t *f = json_pack("{s:s, s:s, s:s}", "kind", "notice", "text", text, "source", "sms");
	bool ok = duty_log_add(st, NULL, f, id, e);
	json_decref(f);
	free(text);
	return ok;
}

static bool settle(struct store *st, const struct config_sms *cfg, struct outcome *o, size_t n,
		   const char *down, struct err *e)
{
	int64_t now = dd_now();
	if (!store_begin(st, e))
		return false;
	bool ok = true;
	for (size_t i = 0; i < n && ok; i++) {
		ok = sms_mark(st, o[i].id, o[i].state, now, o[i].next_at, o[i].error, e);
		if (ok && !strcmp(o[i].state, "failed"))
			ok = log_failed(st, o[i].phone, o[i].error, e);
	}
	if (ok && n)
		ok = sms_channel_note(st, cfg->channel, now, down && *down ? down : NULL, e);
	if (ok)
		return store_commit(st, e);
	store_rollback(st);
	return false;
}

/* Test hook: die (kill -9) after handing this many messages, before
 * marking them: the crash the drain is built to survive. */
static int kill_after(void)
{
	const char *v = getenv("DUTYDESK_SMS_KILL_AFTER");
	return v ? atoi(v) : 0;
}

/* Hands rows (claimed) and settles them; stale: they may be in the
 * channel already. */
static bool hand_all(struct store *st, const struct config_sms *cfg, json_t *rows, bool stale,
		     struct sms_stats *s, struct err *e)
{
	size_t n = json_array_size(rows), i;
	struct outcome *o = xcalloc(n ? n : 1, sizeof *o);
	json_t *r;
	static int handed_total;
	bool gammu = !strcmp(cfg->channel, "gammu");
	json_array_foreach(rows, i, r) {
		const char *key = STR(r, "key"), *phone = STR(r, "phone"), *text = STR(r, "text");
		int64_t tries = json_integer_value(json_object_get(r, "tries"));
		o[i].id = json_integer_value(json_object_get(r, "id"));
		o[i].phone = xstrdup(phone);
		bool down = s->down[0] != '\0', again = false, ok = false;
		struct err he = {0};
		if (down) {
			/* the channel failed for an earlier one: these wait with it */
		} else if (gammu && stale && gammu_has(cfg, key)) {
			ok = again = true;
		} else if (gammu) {
			ok = gammu_hand(cfg, key, phone, text, &down, &he);
		} else {
			ok = http_hand(cfg, key, phone, text, &down, &again, &he);
		}
		if (ok) {
			o[i].state = "sent";
			again ? s->again++ : s->handed++;
			if (kill_after() && ++handed_total >= kill_after())
				raise(SIGKILL);
			continue;
		}
		if (down && !s->down[0])
			snprintf(s->down, sizeof s->down, "%s", he.msg);
		int64_t wait = (int64_t)cfg->retry_seconds << (tries < 16 ? tries : 16);
		if (down) {
			o[i].state = "queued";
			o[i].next_at = dd_now() + (wait < MAX_WAIT ? wait : MAX_WAIT);
			s->held++;
		} else if (tries + 1 >= cfg->retries) {
			o[i].state = "failed";
			s->failed++;
		} else {
			o[i].state = "queued";
			o[i].next_at = dd_now() + wait;
			s->held++;
		}
		o[i].error = xstrdup(down ? s->down : he.msg);
	}
	bool ok = (!gammu || !n || gammu_sync(cfg, e)) && settle(st, cfg, o, n, s->down, e);
	for (i = 0; i < n; i++) {
		free(o[i].error);
		free(o[i].phone);
	}
	free(o);
	return ok;
}

bool sms_drain(struct store *st, const struct config_sms *cfg, struct sms_stats *s,
	       struct err *e)
{
	if (!sms_channel_ready(cfg, e))
		return false;
	int lock = drain_lock(st);
	if (lock < 0) {
		s->busy = true;
		return true;
	}
	/* We hold the lock: whatever is still "sending" was left by a drain
	 * that died. */
	json_t *stale = sms_stale(st, INT64_MAX, e);
	bool ok = stale && hand_all(st, cfg, stale, true, s, e);
	json_decref(stale);
	while (ok && !s->down[0]) {
		if (!store_begin(st, e)) {
			ok = false;
			break;
		}
		json_t *rows = sms_claim(st, dd_now(), BATCH, e);
		if (!rows || !store_commit(st, e)) {
			if (rows)
				json_decref(rows);
			else
				store_rollback(st);
			ok = false;
			break;
		}
		size_t n = json_array_size(rows);
		ok = hand_all(st, cfg, rows, false, s, e);
		json_decref(rows);
		if (n < BATCH)
			break;
	}
	close(lock);
	return ok;
}

/* ---- what comes back ---- */

bool sms_take_reply(struct store *st, const struct config_sms *cfg, const char *name,
		    const char *phone, const char *text, enum sms_in in, int64_t *message_id,
		    bool *confirmed, struct err *e)
{
	char p[16];
	bool failed;
	if (!sms_phone_normal(phone, p))
		snprintf(p, sizeof p, "%.15s", phone);
	*confirmed = in == SMS_REPLY && sms_confirms(text, cfg->confirm_words);
	return sms_inbox_take(st, name, p, text, dd_now(), in, *confirmed, message_id, &failed,
			      e) &&
	       (!failed || log_failed(st, p, "运营商回执：未送达", e));
}

/* gammu writes a status report (DeliveryReport = sms) as a message whose
 * text is its status (libgammu's GSM_DecodeSMSStatusReportData); anything
 * else is an answer. */
static enum sms_in inbox_kind(const char *text)
{
	return !text ? SMS_REPLY
	       : !strcmp(text, "Delivered") ? SMS_DELIVERED
	       : !strcmp(text, "Failed") ? SMS_UNDELIVERED
	       : !strcmp(text, "Pending") || !strcmp(text, "Unknown") ? SMS_STATUS
								    : SMS_REPLY;
}

/* A file of gammu's inbox as UTF-8 (heap; NULL when it cannot be read):
 * UTF-16 with a byte-order mark (InboxFormat unicode, the default), else
 * taken as UTF-8 (InboxFormat standard under a UTF-8 locale). */
static char *read_inbox_file(const char *path)
{
	struct strbuf sb;
	sb_init(&sb);
	if (sb_read_file(&sb, path, 64 * 1024) < 0) {
		sb_finish(&sb);
		return NULL;
	}
	const unsigned char *b = (const unsigned char *)sb.buf;
	size_t n = sb.len;
	const char *enc = n >= 2 && b[0] == 0xFE && b[1] == 0xFF ? "UTF-16BE"
			  : n >= 2 && b[0] == 0xFF && b[1] == 0xFE ? "UTF-16LE" : NULL;
	if (!enc)
		return sb.buf ? sb_take(&sb) : xstrdup("");
	iconv_t cd = iconv_open("UTF-8", enc);
	size_t inlen = n - 2, cap = inlen * 2 + 1, left = cap - 1;
	char *out = xcalloc(1, cap), *ip = sb.buf + 2, *op = out;
	if (cd != (iconv_t)-1) {
		iconv(cd, &ip, &inlen, &op, &left);
		iconv_close(cd);
	}
	*op = '\0';
	sb_finish(&sb);
	return out; /* trailing U+0000 padding ends the string */
}

static bool poll_inbox(struct store *st, const struct config_sms *cfg, struct sms_stats *s,
		       struct err *e)
{
	char *dir = spool_dir(cfg, "inbox");
	struct dirent **names = NULL;
	int n = scandir(dir, &names, NULL, alphasort);
	bool ok = true;
	for (int i = 0; i < n; i++) {
		const char *f = names[i]->d_name;
		/* IN<date>_<time>_<serial>_<sender>_<sequence>.txt */
		char *copy = xstrdup(f), *save = NULL, *field[5] = {0};
		int k = 0;
		for (char *t = strtok_r(copy, "_", &save); t && k < 5; t = strtok_r(NULL, "_", &save))
			field[k++] = t;
		bool seen = true;
		if (ok && k == 5 && !strncmp(f, "IN", 2) && strstr(f, ".txt"))
			ok = sms_inbox_seen(st, f, &seen, e);
		if (ok && !seen) {
			char *path = xasprintf("%s/%s", dir, f);
			char *text = read_inbox_file(path);
			free(path);
			enum sms_in in = inbox_kind(text);
			int64_t mid = 0;
			bool confirmed = false;
			ok = store_begin(st, e) &&
			     sms_take_reply(st, cfg, f, field[3], text ? text : "", in, &mid,
					    &confirmed, e);
			ok = ok ? store_commit(st, e) : (store_rollback(st), false);
			if (ok) {
				in == SMS_REPLY ? s->replies++ : s->reports++;
				s->failed += in == SMS_UNDELIVERED;
				s->confirmed += confirmed;
			}
			free(text);
		}
		free(copy);
		free(names[i]);
	}
	free(names);
	free(dir);
	return ok;
}

/* Files gammu-smsd moved to error/: it could not send them. */
static bool poll_errors(struct store *st, const struct config_sms *cfg, struct sms_stats *s,
			struct err *e)
{
	char *dir = spool_dir(cfg, "error");
	DIR *d = opendir(dir);
	bool ok = true;
	for (struct dirent *de; ok && d && (de = readdir(d));) {
		const char *f = de->d_name, *us = strrchr(f, '_'), *dot = strrchr(f, '.');
		if (strncmp(f, "OUT", 3) || !us || !dot || dot < us)
			continue;
		char *name = xasprintf("error/%s", f), *key = xstrndup(us + 1, (size_t)(dot - us - 1));
		bool seen = true;
		ok = sms_inbox_seen(st, name, &seen, e);
		json_t *m = ok && !seen ? sms_by_key(st, key, e) : NULL;
		if (ok && !seen && !m)
			ok = false;
		if (ok && !seen) {
			int64_t none = 0;
			const char *phone = STR(m, "phone");
			ok = store_begin(st, e);
			if (ok && json_is_object(m) && str_eq(STR(m, "state"), "sent")) {
				ok = sms_mark(st, json_integer_value(json_object_get(m, "id")), "failed",
					      dd_now(), 0, "gammu-smsd could not send it", e) &&
				     log_failed(st, phone, "gammu-smsd error", e);
				s->failed += ok;
			}
			bool no;
			ok = ok && sms_inbox_take(st, name, "", "", dd_now(), SMS_STATUS, false, &none,
						  &no, e);
			ok = ok ? store_commit(st, e) : (store_rollback(st), false);
		}
		json_decref(m);
		free(name);
		free(key);
	}
	if (d)
		closedir(d);
	free(dir);
	return ok;
}

bool sms_poll(struct store *st, const struct config_sms *cfg, struct sms_stats *s,
	      struct err *e)
{
	if (strcmp(cfg->channel, "gammu"))
		return true;
	return poll_inbox(st, cfg, s, e) && poll_errors(st, cfg, s, e);
}
