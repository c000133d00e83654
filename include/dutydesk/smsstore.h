/* The SMS outbox, its inbox bookkeeping and the channel's state: the
 * store's side of warning dissemination (src/store/sms.c). Every function
 * that writes runs inside the caller's transaction. Rows come back as JSON
 * objects keyed by column, times as UTC seconds. */
#ifndef DUTYDESK_SMSSTORE_H
#define DUTYDESK_SMSSTORE_H

#include <jansson.h>
#include <stdint.h>

#include "dutydesk/store.h"

/* The warning entries whose id starts with id (NULL: the warnings in
 * force at now), latest first, at most two (two for an id: it is
 * ambiguous): [{id, at, colour, area, area_codes, valid_until, text}]. */
json_t *q_sms_warning(struct store *st, const char *id, int64_t now, struct err *e);
/* The contacts of the townships codes (comma separated): id, name, org,
 * post, phone, mobile, township_code, township. */
json_t *q_sms_township_contacts(struct store *st, const char *codes, struct err *e);
/* One contact by id (or id prefix): json null when none. */
json_t *q_sms_contact(struct store *st, const char *id, struct err *e);

/* Queues one message (an object with warning_id, phone, name, kind,
 * township_code, contact_id, text, channel, key_prefix): *added false when
 * this warning already has a message for this phone. */
bool sms_queue(struct store *st, json_t *msg, int64_t now, bool *added, struct err *e);
/* Claims up to limit queued messages due at now (state sending,
 * claimed_at now) and returns them: id, key, phone, text, tries. */
json_t *sms_claim(struct store *st, int64_t now, int64_t limit, struct err *e);
/* Messages claimed before before and never settled (a drain that died
 * between handing and marking): id, key, phone, text, tries. */
json_t *sms_stale(struct store *st, int64_t before, struct err *e);
/* Settles a message: state sent (handed), queued again at next_at after a
 * failure (tries + 1, error kept) or failed. */
bool sms_mark(struct store *st, int64_t id, const char *state, int64_t now, int64_t next_at,
	      const char *error, struct err *e);
/* The message behind key (json null when none): id, phone, state. */
json_t *sms_by_key(struct store *st, const char *key, struct err *e);
/* The channel's inbox entry name was read already. */
bool sms_inbox_seen(struct store *st, const char *name, bool *seen, struct err *e);
/* What came back from a phone: an answer, or the network's status report
 * on the message sent to it (gammu: "Delivered", "Failed", "Pending",
 * "Unknown"). */
enum sms_in { SMS_REPLY, SMS_DELIVERED, SMS_UNDELIVERED, SMS_STATUS };
/* Records inbox entry name and applies it to the latest message sent to
 * phone: delivered; failed (only one not delivered or answered yet:
 * *failed set); a reply (replied; confirmed when confirmed, a confirmation
 * kept through later replies); a status that settles nothing changes
 * nothing. *message_id gets the message it applied to (0: none). */
bool sms_inbox_take(struct store *st, const char *name, const char *phone, const char *text,
		    int64_t at, enum sms_in in, bool confirmed, int64_t *message_id,
		    bool *failed, struct err *e);
/* How the last hand-over to the channel went (ok, or error). */
bool sms_channel_note(struct store *st, const char *channel, int64_t now, const char *error,
		      struct err *e);
/* {channel, last_attempt, last_ok, last_error, queued, waiting}: queued
 * counts messages not yet handed (queued or sending), waiting those of
 * them held back after a failure. */
json_t *q_sms_channel(struct store *st, struct err *e);
/* The messages of a warning (id prefix; NULL: every warning), with
 * township names: id, warning_id, phone, name, kind, township, state,
 * tries, sent_at, delivered_at, confirmed_at, reply, error. */
json_t *q_sms_messages(struct store *st, const char *warning_id, struct err *e);
/* Warnings with messages since since: warning_id, at, colour, area. */
json_t *q_sms_warnings(struct store *st, int64_t since, struct err *e);

#endif
