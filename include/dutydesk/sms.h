/* Warning dissemination (预警信息发布), the model's side: who a warning is
 * sent to, what they are sent, and how far it has reached. No SQL here
 * (smsstore.h), no channel (notify.h). */
#ifndef DUTYDESK_SMS_H
#define DUTYDESK_SMS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dutydesk/store.h"

/* The message when config.yaml's sms.template is not set. */
extern const char sms_default_template[];

/* A mainland mobile number ("138 0013 8000", "+86-13800138000",
 * "0086 13800138000") as its 11 digits in out; false when it is not one
 * (landlines cannot take an SMS). */
bool sms_phone_normal(const char *in, char out[16]);

/* The recipients of a warning: the one place that decides who is sent
 * what. warning_id is an id prefix (NULL: the latest warning in force at
 * now); added holds what the officer adds: contact ids or phone numbers
 * (strings; may be NULL). Returns {warning: {id, colour, area, area_codes,
 * valid_until, ...}, recipients: [{name, phone, kind, township,
 * township_code, contact_id, source}], invalid: [{name, phone, kind,
 * township, source}], by_kind: {kind: n}, by_township: {name: n}}, or
 * NULL with e set (no such warning, an added value that is neither a
 * contact nor a mobile number). kind: monitor (a hazard point's monitor),
 * informant (灾害信息员), leader (a township's leaders by post), added.
 * Each phone once, under the first kind it appears as. New reference. */
json_t *sms_recipients(struct store *st, const char *warning_id, json_t *added, int64_t now,
		       struct err *e);

/* The message for warning (an object as in sms_recipients) from tmpl
 * (NULL or "": sms_default_template): {colour} {area} {until} {action}
 * {office} {text} replaced; action NULL: the colour's usual action.
 * Heap string. */
char *sms_render(const char *tmpl, json_t *warning, const char *action, const char *office);
/* How many SMS segments text takes: 70 characters in one (UCS-2), 67
 * each when longer; 160/153 when it is all GSM-7 (ASCII). *chars gets the
 * length in characters. */
int sms_segments(const char *text, int *chars);
/* Whether a reply confirms: it holds one of words (blank separated; NULL
 * or "": 收到), full-width and case folded. */
bool sms_confirms(const char *reply, const char *words);

/* How far a warning's messages have reached: {total, queued, sent (handed
 * to the channel, and since), delivered, confirmed, unconfirmed (sent and
 * not confirmed), failed, waiting: [rows not confirmed: name, phone, kind,
 * township, state, error]} from the rows of q_sms_messages (borrowed). */
json_t *sms_coverage(json_t *messages);
/* "已发 92  送达 88  确认 61  未确认 31" in the interface's language (heap). */
char *sms_coverage_line(json_t *coverage);

/* The coverage of each warning with messages queued since since: [{
 * warning_id, area, colour, total, sent, delivered, confirmed,
 * unconfirmed, queued, failed, line (Chinese: 已发 92  送达 88 …), waiting
 * (the names, or phones, of those not confirmed, 、 separated, at most
 * 20 then 等N人)}]. For the handover and the daily report. */
json_t *sms_coverage_since(struct store *st, int64_t since, struct err *e);

#endif
