/* The node's side of the wire: its token file and a libcurl transport for
 * sync_run(). Shared by `dutydesk sync` and the console's background sync;
 * the settings (sync: in config.yaml) come from dutydesk/config.h. */
#ifndef DUTYDESK_SYNC_CLIENT_H
#define DUTYDESK_SYNC_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "dutydesk/sync.h"

/* Reads a token file: one line, surrounding white space dropped. */
bool sync_read_token(const char *file, char **out, struct err *e);

/* A connection to a hub. The token is sent only over https, or over plain
 * http to this machine (127.0.0.1, ::1, localhost). */
struct http_client;
bool http_client_new(const char *server, const char *token, const char *ca_file,
		     struct http_client **out, struct err *e);
void http_client_free(struct http_client *h);
/* The transport for sync_run() (h must outlive it). */
struct sync_transport http_transport(struct http_client *h);
/* About the last request: HTTP status (0 after a network failure) and
 * Retry-After seconds (0 if none). */
int http_last_status(const struct http_client *h);
int http_last_retry_after(const struct http_client *h);
/* Bytes sent and received on the wire so far (headers included,
 * bodies as compressed). */
void http_bytes(const struct http_client *h, int64_t *up, int64_t *down);

/* One request of its own (an SMS gateway's): headers as "Name: value",
 * body may be NULL. *status the HTTP status, *resp the answer (heap).
 * False with e set when the server cannot be reached. */
bool http_call(const char *method, const char *url, const char *const *headers, size_t nheaders,
	       const char *body, int *status, char **resp, struct err *e);

/* Whether a failed run is worth retrying: network failures, 5xx and 429
 * are; a refused token or request (4xx) is not until someone acts. */
bool http_retryable(const struct http_client *h);
/* Delay before attempt n (0-based) after failures: 1 s doubling to 5 min,
 * with jitter (a random point in the upper half), at least retry_after. */
int sync_backoff_ms(int attempt, int retry_after);

#endif
