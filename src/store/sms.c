/* The SMS outbox (see smsstore.h). */
#include "store_impl.h"
#include "dutydesk/smsstore.h"

json_t *q_sms_warning(struct store *st, const char *id, int64_t now, struct err *e)
{
	return store_rows(st, e,
		"SELECT d.id, d.at, d.colour, d.area, d.area_codes, d.valid_until, d.text"
		" FROM duty_entry d WHERE d.kind = 'warning' AND d.area_codes IS NOT NULL"
		" AND (?1 IS NOT NULL AND substr(d.id, 1, length(?1)) = ?1 OR ?1 IS NULL"
		"  AND coalesce(d.valid_from, d.at) <= ?2 AND (d.valid_until IS NULL OR d.valid_until > ?2))"
		" ORDER BY d.at DESC, d.id DESC LIMIT 2", "si", id, now);
}

json_t *q_sms_township_contacts(struct store *st, const char *codes, struct err *e)
{
	return store_rows(st, e,
		"SELECT c.id, c.name, c.grp, c.org, c.post, c.phone, c.mobile, c.phones,"
		" c.township_code, t.name AS township"
		" FROM contact c LEFT JOIN division t ON t.code = c.township_code"
		" WHERE c.archived = 0 AND instr(',' || ?1 || ',', ',' || c.township_code || ',') > 0"
		" ORDER BY c.township_code, c.name, c.id", "s", codes);
}

json_t *q_sms_contact(struct store *st, const char *id, struct err *e)
{
	return store_row(st, e,
		"SELECT c.id, c.name, c.grp, c.org, c.post, c.phone, c.mobile, c.phones,"
		" c.township_code, t.name AS township"
		" FROM contact c LEFT JOIN division t ON t.code = c.township_code"
		" WHERE c.archived = 0 AND substr(c.id, 1, length(?1)) = ?1 ORDER BY c.id LIMIT 1",
		"s", id);
}

bool sms_queue(struct store *st, json_t *m, int64_t now, bool *added, struct err *e)
{
#define S(k) json_string_value(json_object_get(m, k))
	if (!store_exec(st, e,
			"INSERT INTO sms_message (warning_id, phone, name, kind, township_code,"
			" contact_id, text, channel, key, next_at, queued_at)"
			" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
			"  ?9 || (SELECT coalesce(max(id), 0) + 1 FROM sms_message), ?10, ?10)"
			" ON CONFLICT (warning_id, phone) DO NOTHING",
			"sssssssssi", S("warning_id"), S("phone"), S("name"), S("kind"),
			S("township_code"), S("contact_id"), S("text"), S("channel"), S("key_prefix"),
			now))
		return false;
#undef S
	*added = sqlite3_changes(st->db) > 0;
	return true;
}

#define MSG_COLS "id, key, phone, text, tries"

json_t *sms_claim(struct store *st, int64_t now, int64_t limit, struct err *e)
{
	return store_rows(st, e,
		"UPDATE sms_message SET state = 'sending', claimed_at = ?1"
		" WHERE id IN (SELECT id FROM sms_message WHERE state = 'queued' AND next_at <= ?1"
		"  ORDER BY next_at, id LIMIT ?2) RETURNING " MSG_COLS, "ii", now, limit);
}

json_t *sms_stale(struct store *st, int64_t before, struct err *e)
{
	return store_rows(st, e,
		"SELECT " MSG_COLS " FROM sms_message WHERE state = 'sending' AND claimed_at < ?"
		" ORDER BY id", "i", before);
}

bool sms_mark(struct store *st, int64_t id, const char *state, int64_t now, int64_t next_at,
	      const char *error, struct err *e)
{
	return store_exec(st, e,
		"UPDATE sms_message SET state = ?2,"
		" sent_at = CASE WHEN ?2 = 'sent' THEN ?3 ELSE sent_at END,"
		" tries = tries + (?2 != 'sent'), next_at = ?4, error = ?5 WHERE id = ?1",
		"isiis", id, state, now, next_at, error);
}

json_t *sms_by_key(struct store *st, const char *key, struct err *e)
{
	return store_row(st, e, "SELECT id, phone, state FROM sms_message WHERE key = ?", "s", key);
}

bool sms_inbox_seen(struct store *st, const char *name, bool *seen, struct err *e)
{
	int64_t n = 0;
	if (!store_int(st, e, &n, "SELECT count(*) FROM sms_inbox WHERE name = ?", "s", name))
		return false;
	*seen = n > 0;
	return true;
}

bool sms_inbox_take(struct store *st, const char *name, const char *phone, const char *text,
		    int64_t at, enum sms_in in, bool confirmed, int64_t *message_id,
		    bool *failed, struct err *e)
{
	*failed = false;
	/* The latest message handed to that phone: a report or a reply answers
	 * the last warning it was sent. */
	if (!store_int(st, e, message_id,
		       "SELECT id FROM sms_message WHERE phone = ? AND state IN"
		       " ('sent','delivered','replied') ORDER BY sent_at DESC, id DESC LIMIT 1",
		       "s", phone))
		return false;
	if (*message_id && in == SMS_UNDELIVERED) {
		int64_t n = 0;
		if (!store_exec(st, e,
				"UPDATE sms_message SET state = 'failed', error = ?2 WHERE id = ?1"
				" AND state = 'sent'", "is", *message_id,
				"the network reported it undelivered") ||
		    !store_int(st, e, &n, "SELECT changes()", ""))
			return false;
		*failed = n > 0;
	}
	if (*message_id && in == SMS_DELIVERED &&
	    !store_exec(st, e,
			"UPDATE sms_message SET delivered_at = coalesce(delivered_at, ?2),"
			" state = CASE WHEN state = 'sent' THEN 'delivered' ELSE state END WHERE id = ?1",
			"ii", *message_id, at))
		return false;
	if (*message_id && in == SMS_REPLY &&
	    !store_exec(st, e,
			"UPDATE sms_message SET state = 'replied', replied_at = ?2,"
			" reply = coalesce(reply || ' / ', '') || ?3,"
			" confirmed_at = CASE WHEN ?4 THEN coalesce(confirmed_at, ?2)"
			" ELSE confirmed_at END WHERE id = ?1",
			"iisi", *message_id, at, text, (int64_t)confirmed))
		return false;
	return store_exec(st, e,
			  "INSERT INTO sms_inbox (name, phone, text, at, message_id) VALUES (?, ?, ?, ?, ?)",
			  "sssii", name, phone, text, at, *message_id);
}

bool sms_channel_note(struct store *st, const char *channel, int64_t now, const char *error,
		      struct err *e)
{
	return store_exec(st, e,
		"UPDATE sms_channel SET channel = ?1, last_attempt = ?2,"
		" last_ok = CASE WHEN ?3 IS NULL THEN ?2 ELSE last_ok END, last_error = ?3", "sis",
		channel, now, error);
}

json_t *q_sms_channel(struct store *st, struct err *e)
{
	return store_row(st, e,
		"SELECT c.channel, c.last_attempt, c.last_ok, c.last_error,"
		" (SELECT count(*) FROM sms_message WHERE state IN ('queued','sending')) AS queued,"
		" (SELECT count(*) FROM sms_message WHERE state = 'queued' AND tries > 0) AS waiting"
		" FROM sms_channel c", "");
}

json_t *q_sms_messages(struct store *st, const char *warning_id, struct err *e)
{
	return store_rows(st, e,
		"SELECT m.id, m.warning_id, m.phone, m.name, m.kind, t.name AS township,"
		" m.township_code, m.state, m.tries, m.sent_at, m.delivered_at, m.confirmed_at,"
		" m.reply, m.error FROM sms_message m LEFT JOIN division t ON t.code = m.township_code"
		" WHERE ?1 IS NULL OR substr(m.warning_id, 1, length(?1)) = ?1"
		" ORDER BY m.warning_id, m.township_code, m.kind, m.name, m.id", "s", warning_id);
}

json_t *q_sms_warnings(struct store *st, int64_t since, struct err *e)
{
	return store_rows(st, e,
		"SELECT m.warning_id, d.at, d.colour, d.area FROM sms_message m"
		" JOIN duty_entry d ON d.id = m.warning_id WHERE m.queued_at >= ?"
		" GROUP BY m.warning_id ORDER BY d.at", "i", since);
}
