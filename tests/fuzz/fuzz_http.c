/* dutydeskd's whole HTTP path: raw request bytes over a real socket into
 * the running server (libmicrohttpd's parser, limits, routing, the token
 * check, gzip, push and pull into a hub database). "@TOKEN@" in an input
 * becomes a real node's token, so that inputs reach the authenticated
 * paths too. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../src/hub/hubd.h"
#include "fuzz.h"

static struct hub *hub;
static struct hubd *server;
static int port;
static char *token;
static char dir[64];

static void finish(void)
{
	hubd_stop(server);
	hub_close(hub);
	free(token);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz_http: could not remove %s\n", dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(dir, sizeof dir, "/tmp/dd-fuzz-http-XXXXXX");
	if (!mkdtemp(dir))
		abort();
	char path[128];
	snprintf(path, sizeof path, "%s/hub.db", dir);
	struct err e = {0};
	struct serve_opts o = {.listen = "127.0.0.1:0", .per_addr = 1000, .max_conn = 64,
			       .timeout = 2, .threads = 1, .max_waiting = 16};
	if (!hub_init(path, &e) || !hub_open(path, &hub, &e) ||
	    !hub_node_add(hub, "fz", "141032100", "township", &token, &e) ||
	    !(server = hubd_start(hub, &o, &port, &e))) {
		fprintf(stderr, "fuzz_http: %s\n", e.msg);
		abort();
	}
	atexit(finish);
	return 0;
}

/* The input with every @TOKEN@ replaced. */
static char *with_token(const uint8_t *data, size_t size, size_t *out)
{
	static const char mark[] = "@TOKEN@";
	size_t tl = strlen(token), ml = sizeof mark - 1;
	char *buf = malloc(size * (tl > ml ? tl : ml) / ml + tl + 1), *w = buf;
	for (size_t i = 0; i < size;) {
		if (size - i >= ml && memcmp(data + i, mark, ml) == 0) {
			memcpy(w, token, tl);
			w += tl;
			i += ml;
		} else {
			*w++ = (char)data[i++];
		}
	}
	*out = (size_t)(w - buf);
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > (2u << 20))
		return 0;
	size_t n;
	char *req = with_token(data, size, &n);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
		abort(); /* the server is gone: that is the crash */
	for (size_t off = 0; off < n;) {
		ssize_t w = send(fd, req + off, n - off, MSG_NOSIGNAL);
		if (w <= 0)
			break; /* the server closed early (a limit): fine */
		off += (size_t)w;
	}
	/* The end of input comes apart from the input, a moment later: the
	 * server's edge-triggered poll may read data and FIN in one event and
	 * never look again, leaving an incomplete request to wait for the
	 * idle timeout (2 s a run instead of milliseconds). */
	char buf[4096];
	struct pollfd p = {.fd = fd, .events = POLLIN};
	bool open = true;
	while (open && poll(&p, 1, 10) > 0)
		open = recv(fd, buf, sizeof buf, 0) > 0;
	shutdown(fd, SHUT_WR);
	/* Read the answer until the server closes, at most 3 s. */
	while (open && poll(&p, 1, 3000) > 0 && recv(fd, buf, sizeof buf, 0) > 0)
		;
	close(fd);
	free(req);
	return 0;
}
