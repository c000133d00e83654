/* dutydeskd internals: the HTTP front of the hub library. */
#ifndef DUTYDESK_HUBD_H
#define DUTYDESK_HUBD_H

#include <stdbool.h>
#include <stddef.h>

#include "dutydesk/sync.h"

#define SERVE_MAX_PROXIES 8

struct serve_opts {
	const char *listen;          /* ADDR:PORT, [V6]:PORT; port 0 picks a free one */
	const char *tls_cert, *tls_key; /* PEM files, both or neither */
	unsigned per_addr;           /* connections per client address */
	unsigned max_conn;           /* connections in all */
	unsigned timeout;            /* seconds a connection may idle */
	unsigned threads;            /* worker threads */
	unsigned max_waiting;        /* requests queued for the database before 503 */
	/* Proxies (IP addresses) whose X-Real-IP or X-Forwarded-For name the
	 * client: from any other peer those headers are ignored. */
	const char *trust_proxy[SERVE_MAX_PROXIES];
	unsigned n_trust_proxy;
};

/* Starts serving in threads of its own and returns at once (*port: the
 * port it listens on); hubd_stop stops accepting, lets the requests in
 * flight finish and stops. The hub stays open. */
struct hubd;
struct hubd *hubd_start(struct hub *h, const struct serve_opts *o, int *port, struct err *e);
void hubd_stop(struct hubd *hd);

/* Serves until SIGTERM or SIGINT, then stops accepting, lets the requests
 * in flight finish and returns. The hub stays open (the caller closes it). */
bool hubd_serve(struct hub *h, const struct serve_opts *o, struct err *e);

/* Writes obj (taken) as one line of the hub's log, stamped with the time. */
void hubd_log(json_t *obj);

#endif
