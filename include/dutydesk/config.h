/* config.yaml: one file, read whole by one parser, for the console and
 * for sync.
 *
 *   office: 桑壁镇应急办          the console's settings, at the top level
 *   theme: mono
 *   keys:
 *     down: "j Down ^N"
 *   sync:                         what sync reads, under sync:
 *     server: https://hub.example:8443
 *     token_file: ~/.config/dutydesk/token
 *     ca_file: /etc/dutydesk/county-ca.pem
 *     every_minutes: 5
 *   sms:                          warnings sent by SMS (see man dutydesk, SMS)
 *     channel: gammu              gammu (gammu-smsd's FILES spool) or http
 *     gammu_spool: /var/spool/gammu
 *
 * A problem is reported as file:line:column: key: what was expected, and
 * what could not be read keeps its default. The console starts anyway and
 * shows the first problem; `dutydesk sync` refuses to run while there is
 * one in what it reads (sync_warning). */
#ifndef DUTYDESK_CONFIG_H
#define DUTYDESK_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#define CONFIG_MAX_KEYS 64

/* A keys: entry, as written: the console checks the action and the key
 * names when it binds them (and reports there with config_warn_at). */
struct config_key {
	char action[48];
	char keys[128];
	unsigned line, column; /* of the value, from 1 */
};

struct config_sync {
	char server[512];
	char token_file[512]; /* ~/ expanded */
	char ca_file[512];    /* ~/ expanded */
	int every_minutes;    /* 0: no background sync */
};

#define CONFIG_SMS_HEADERS 8

/* sms: the channel warnings go out through and the message. */
struct config_sms {
	char channel[16];       /* "" (none), "gammu", "http" */
	char gammu_spool[512];  /* gammu-smsd FILES: outbox/ inbox/ sent/ error/ below it */
	char url[512];          /* http: the gateway */
	char method[16];        /* http: POST (default), PUT or GET */
	char headers[CONFIG_SMS_HEADERS][256]; /* "Name: value", {secret} replaced */
	int nheaders;
	char body[1024];        /* {phone} {text} {id} {secret}, escaped for JSON
				 * when the body starts with { or [, else for a form */
	char secret_file[512];  /* ~/ expanded */
	char template_text[512];/* "" : the default (sms_default_template) */
	char confirm_words[256];/* blank separated; "" : 收到 */
	int retries;            /* hand-overs before a message is failed */
	int retry_seconds;      /* first wait after a failure, doubling */
};

struct config {
	char path[512]; /* the file read, or that would have been */
	/* the console */
	char office[128];
	char officer[64];
	char language[16]; /* "", "zh", "en", "auto" */
	char theme[16];    /* "auto", "mono" */
	char terminal_encoding[32]; /* "" (the locale's), "GBK", "GB18030", ... */
	int ambiguous;     /* 1 or 2 */
	int escdelay;      /* ms */
	int expiry_days;   /* stock expiring within this many days is an alert */
	bool bell;
	bool mouse;        /* clicks and the wheel, where the terminal reports them */
	struct config_key keys[CONFIG_MAX_KEYS];
	int nkeys;
	/* sync: */
	struct config_sync sync;
	/* sms: */
	struct config_sms sms;
	/* The first problem in the file, "" if none. */
	char warning[600];
	unsigned warning_line, warning_column;
	/* The first problem in what sync reads, "" if none: the file as a
	 * whole (unreadable, not YAML, not a mapping), anything under sync:,
	 * or a sync setting out of its place. */
	char sync_warning[600];
};

/* Where the file is: $DUTYDESK_CONFIG, else
 * $XDG_CONFIG_HOME/dutydesk/config.yaml, else ~/.config/dutydesk/config.yaml. */
void config_path(char *out, size_t n);

/* Reads path (NULL: config_path()) into c. A missing file is no problem:
 * everything keeps its default. */
void config_load(struct config *c, const char *path);

/* A problem found after loading, at line:column of the file ("key: what");
 * it becomes c->warning if it comes before the one there. */
void config_warn_at(struct config *c, unsigned line, unsigned column, const char *key,
		    const char *what);

#endif
