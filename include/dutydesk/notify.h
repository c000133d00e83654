/* Warning messages out through a real channel and answers back
 * (src/sync/notify.c): gammu-smsd's FILES spool, or an HTTP SMS gateway,
 * as config.yaml's sms: says.
 *
 * Nobody is sent a message twice, whatever dies when. A drain claims due
 * messages (queued -> sending) in one transaction, hands each to the
 * channel under the message's key, then marks them sent in another. The
 * key is the channel's dedup id: the spool file's name carries it (a file
 * with that key in outbox/, sent/ or error/ means it was handed), the
 * gateway gets it as {id} and must take one id once (answering 2xx or
 * 409 again). Only one drain runs at a time (a lock beside the database),
 * so a message still "sending" when a drain starts was left by one that
 * died: it is handed again under the same key, which the channel drops
 * if it had it. */
#ifndef DUTYDESK_NOTIFY_H
#define DUTYDESK_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "dutydesk/config.h"
#include "dutydesk/smsstore.h"
#include "dutydesk/store.h"

struct sms_stats {
	int handed;    /* newly given to the channel */
	int again;     /* found already there (a drain that died) */
	int held;      /* queued again: the channel is down or refused */
	int failed;    /* given up after the last retry, or the channel reported failure */
	int replies, confirmed, reports; /* inbox entries taken */
	bool busy;     /* another drain holds the lock: nothing done */
	char down[300];/* the channel's last error this run, "" if it took everything */
};

/* Whether cfg names a channel and what it needs; false with e saying
 * what is missing. */
bool sms_channel_ready(const struct config_sms *cfg, struct err *e);
/* Hands every due message to the channel (see above), the stale ones
 * first. Writes its own transactions; a failure given up is written to
 * the duty log. False only on a store error. */
bool sms_drain(struct store *st, const struct config_sms *cfg, struct sms_stats *s,
	       struct err *e);
/* Reads what came back: gammu's inbox (replies and delivery reports) and
 * error folder (messages it could not send). The HTTP gateway brings
 * answers through `dutydesk sms reply`. */
bool sms_poll(struct store *st, const struct config_sms *cfg, struct sms_stats *s,
	      struct err *e);
/* An answer from phone (any form of a mainland number): applied to the
 * latest message sent to it, confirmed when it holds a confirming word;
 * name identifies it (never taken twice). *message_id 0: nobody was sent
 * a message from that number. Inside the caller's transaction. */
bool sms_take_reply(struct store *st, const struct config_sms *cfg, const char *name,
		    const char *phone, const char *text, enum sms_in in, int64_t *message_id,
		    bool *confirmed, struct err *e);

#endif
