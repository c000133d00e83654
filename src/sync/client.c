/* The node's HTTP transport (libcurl) and its token file.
 * TLS is verified (system CAs, or a county CA file); proxies come from the
 * standard environment variables (libcurl's default); bodies of pushes
 * are gzipped and responses asked for gzipped. */
#define CURL_DISABLE_TYPECHECK 1 /* calls go through the table below */
#include <curl/curl.h>
#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dutydesk/i18n.h"
#include "dutydesk/wire.h"
#include "dutydesk/sync_client.h"

/* Pushes smaller than this go uncompressed. */
#define GZIP_MIN 1024
/* A snapshot of a whole county can be large, but not this large. */
#define MAX_RESPONSE (512L * 1024 * 1024)

/* ---- libcurl, loaded when a sync first needs it ----
 * Linking it costs every dutydesk process about 3 ms and 6 MB at start
 * (libcurl and the TLS, LDAP and Kerberos libraries it pulls in), which
 * the console pays on every start; so it is opened only here. */
static struct {
	CURLcode (*global_init)(long);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode (*easy_perform)(CURL *);
	CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
	void (*easy_cleanup)(CURL *);
	void (*easy_reset)(CURL *);
	const char *(*easy_strerror)(CURLcode);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void (*slist_free_all)(struct curl_slist *);
	CURLU *(*url)(void);
	CURLUcode (*url_set)(CURLU *, CURLUPart, const char *, unsigned int);
	CURLUcode (*url_get)(const CURLU *, CURLUPart, char **, unsigned int);
	void (*url_cleanup)(CURLU *);
	void (*free)(void *);
} C;

static bool curl_load(struct err *e)
{
	static void *lib;
	if (lib)
		return true;
	static const char *const names[] = {"libcurl.so.4", "libcurl-gnutls.so.4", "libcurl.so"};
	void *h = NULL;
	for (size_t i = 0; !h && i < sizeof names / sizeof names[0]; i++)
		h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return err_set(e, ERR_FAIL, _("sync needs libcurl (libcurl.so.4, Debian package libcurl4): %s"),
			       dlerror());
	static const struct {
		const char *name;
		size_t off;
	} syms[] = {
#define SYM(f, n) {"curl_" n, offsetof(__typeof__(C), f)}
		SYM(global_init, "global_init"), SYM(easy_init, "easy_init"),
		SYM(easy_setopt, "easy_setopt"), SYM(easy_perform, "easy_perform"),
		SYM(easy_getinfo, "easy_getinfo"), SYM(easy_cleanup, "easy_cleanup"),
		SYM(easy_reset, "easy_reset"), SYM(easy_strerror, "easy_strerror"),
		SYM(slist_append, "slist_append"), SYM(slist_free_all, "slist_free_all"),
		SYM(url, "url"), SYM(url_set, "url_set"), SYM(url_get, "url_get"),
		SYM(url_cleanup, "url_cleanup"), SYM(free, "free"),
#undef SYM
	};
	for (size_t i = 0; i < sizeof syms / sizeof syms[0]; i++) {
		void *f = dlsym(h, syms[i].name);
		if (!f) {
			dlclose(h);
			return err_set(e, ERR_FAIL, _("sync: libcurl lacks %s (too old?)"), syms[i].name);
		}
		memcpy((char *)&C + syms[i].off, &f, sizeof f);
	}
	lib = h;
	C.global_init(CURL_GLOBAL_DEFAULT);
	return true;
}

bool sync_read_token(const char *file, char **out, struct err *e)
{
	FILE *f = fopen(file, "rb");
	if (!f)
		return err_set(e, ERR_FAIL, _("token file %s: %s"), file, strerror(errno));
	struct stat sb;
	if (fstat(fileno(f), &sb) == 0 && (sb.st_mode & 077))
		fprintf(stderr, _("dutydesk: warning: token file %s can be read by others "
				"(chmod 600 %s)\n"), file, file);
	char buf[512];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *s = buf;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	size_t len = strcspn(s, " \t\r\n");
	if (!len)
		return err_set(e, ERR_FAIL, _("token file %s: empty"), file);
	if (s[len] && s[len + strspn(s + len, " \t\r\n")])
		return err_set(e, ERR_FAIL, _("token file %s: expected the token alone on one line"),
			       file);
	*out = xstrndup(s, len);
	return true;
}

/* ---- the transport ---- */

struct http_client {
	CURL *curl;
	char *base; /* server URL without a trailing slash */
	char *auth; /* "Authorization: Bearer ..." */
	char *ca_file;
	char errbuf[CURL_ERROR_SIZE];
	int last_status, last_retry_after;
	int64_t up, down;
};

static bool is_loopback(const char *host)
{
	return !strcmp(host, "127.0.0.1") || !strcmp(host, "localhost") || !strcmp(host, "::1") ||
	       !strcmp(host, "[::1]");
}

bool http_client_new(const char *server, const char *token, const char *ca_file,
		     struct http_client **out, struct err *e)
{
	if (!curl_load(e))
		return false;
	CURLU *u = C.url();
	char *scheme = NULL, *host = NULL;
	bool ok = C.url_set(u, CURLUPART_URL, server, 0) == CURLUE_OK &&
		  C.url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
		  C.url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK;
	if (!ok)
		err_set(e, ERR_USAGE, _("server '%s': not a URL like https://hub.example:8443"), server);
	else if (strcmp(scheme, "https") && strcmp(scheme, "http"))
		ok = err_set(e, ERR_USAGE, _("server '%s': use https:// (or http:// to this machine)"),
			     server);
	else if (!strcmp(scheme, "http") && !is_loopback(host))
		ok = err_set(e, ERR_USAGE,
			     _("server '%s': refusing to send the node's token over plain http to %s; "
			     "use https:// (the hub's own TLS or a reverse proxy)"),
			     server, host);
	C.free(scheme);
	C.free(host);
	C.url_cleanup(u);
	if (!ok)
		return false;
	if (ca_file && *ca_file) {
		FILE *f = fopen(ca_file, "rb");
		if (!f)
			return err_set(e, ERR_FAIL, _("CA file %s: %s"), ca_file, strerror(errno));
		fclose(f);
	}
	struct http_client *h = xcalloc(1, sizeof *h);
	h->curl = C.easy_init();
	h->base = xstrdup(server);
	size_t n = strlen(h->base);
	while (n && h->base[n - 1] == '/')
		h->base[--n] = '\0';
	h->auth = xasprintf("Authorization: Bearer %s", token);
	h->ca_file = ca_file && *ca_file ? xstrdup(ca_file) : NULL;
	*out = h;
	return true;
}

void http_client_free(struct http_client *h)
{
	if (!h)
		return;
	C.easy_cleanup(h->curl);
	/* the token leaves memory with the client */
	memset(h->auth, 0, strlen(h->auth));
	free(h->auth);
	free(h->base);
	free(h->ca_file);
	free(h);
}

struct sink {
	struct strbuf sb;
	bool too_big;
};

static size_t on_data(char *p, size_t size, size_t n, void *ud)
{
	struct sink *s = ud;
	if (s->sb.len + n > (size_t)MAX_RESPONSE) {
		s->too_big = true;
		return 0; /* aborts the transfer */
	}
	sb_add(&s->sb, p, size * n);
	return size * n;
}

static bool request(void *ctx, const char *method, const char *path, const char *body,
		    int *status, char **resp, int *retry_after, struct err *e)
{
	struct http_client *h = ctx;
	CURL *c = h->curl;
	C.easy_reset(c); /* options go; the open connection stays */
	char *url = xasprintf("%s%s", h->base, path);
	struct curl_slist *hdr = NULL;
	hdr = C.slist_append(hdr, h->auth);
	hdr = C.slist_append(hdr, "Dutydesk-Proto: 1");
	hdr = C.slist_append(hdr, "Accept: application/json");
	hdr = C.slist_append(hdr, "Expect:"); /* no 100-continue round trip */
	char *zbody = NULL;
	size_t blen = body ? strlen(body) : 0;
	if (body) {
		hdr = C.slist_append(hdr, "Content-Type: application/json");
		size_t zlen;
		if (blen >= GZIP_MIN && gz_deflate(body, blen, &zbody, &zlen)) {
			hdr = C.slist_append(hdr, "Content-Encoding: gzip");
			blen = zlen;
		}
		C.easy_setopt(c, CURLOPT_POSTFIELDS, zbody ? zbody : body);
		C.easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)blen);
	}
	C.easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	struct sink sink = {0};
	sb_init(&sink.sb);
	h->errbuf[0] = '\0';
	C.easy_setopt(c, CURLOPT_URL, url);
	C.easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	C.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	C.easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	C.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	C.easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	C.easy_setopt(c, CURLOPT_TIMEOUT, 300L);
	/* A link that stalls (under 100 bytes/s for 30 s) counts as down. */
	C.easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 100L);
	C.easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 30L);
	C.easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	C.easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (h->ca_file)
		C.easy_setopt(c, CURLOPT_CAINFO, h->ca_file);
	C.easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf);
	C.easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	C.easy_setopt(c, CURLOPT_WRITEDATA, &sink);
	CURLcode rc = C.easy_perform(c);
	C.slist_free_all(hdr);
	free(zbody);
	free(url);

	curl_off_t up = 0, down = 0;
	long hsize = 0, rsize = 0, code = 0;
	C.easy_getinfo(c, CURLINFO_SIZE_UPLOAD_T, &up);
	C.easy_getinfo(c, CURLINFO_SIZE_DOWNLOAD_T, &down);
	C.easy_getinfo(c, CURLINFO_HEADER_SIZE, &hsize);
	C.easy_getinfo(c, CURLINFO_REQUEST_SIZE, &rsize);
	h->up += up + rsize;
	h->down += down + hsize;
	h->last_status = 0;
	h->last_retry_after = 0;
	if (rc != CURLE_OK) {
		sb_finish(&sink.sb);
		if (sink.too_big)
			return err_set(e, ERR_FAIL, _("%s %s: answer larger than %ld MiB"), method, path,
				       MAX_RESPONSE >> 20);
		return err_set(e, ERR_FAIL, _("cannot reach %s: %s"), h->base,
			       h->errbuf[0] ? h->errbuf : C.easy_strerror(rc));
	}
	C.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_off_t ra = 0;
	C.easy_getinfo(c, CURLINFO_RETRY_AFTER, &ra);
	h->last_status = (int)code;
	h->last_retry_after = ra > 0 && ra < 86400 ? (int)ra : 0;
	*status = (int)code;
	*retry_after = h->last_retry_after;
	if (!sink.sb.buf)
		sb_puts(&sink.sb, "");
	*resp = sb_take(&sink.sb);
	return true;
}

bool http_call(const char *method, const char *url, const char *const *headers, size_t nheaders,
	       const char *body, int *status, char **resp, struct err *e)
{
	if (!curl_load(e))
		return false;
	CURL *c = C.easy_init();
	struct curl_slist *hdr = C.slist_append(NULL, "Expect:");
	for (size_t i = 0; i < nheaders; i++)
		hdr = C.slist_append(hdr, headers[i]);
	char errbuf[CURL_ERROR_SIZE] = "";
	struct sink sink = {0};
	sb_init(&sink.sb);
	C.easy_setopt(c, CURLOPT_URL, url);
	C.easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (body && strcmp(method, "GET"))
		C.easy_setopt(c, CURLOPT_POSTFIELDS, body);
	C.easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	C.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	C.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	C.easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	C.easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	C.easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	C.easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	C.easy_setopt(c, CURLOPT_WRITEDATA, &sink);
	CURLcode rc = C.easy_perform(c);
	long code = 0;
	C.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	C.slist_free_all(hdr);
	C.easy_cleanup(c);
	if (rc != CURLE_OK) {
		sb_finish(&sink.sb);
		return err_set(e, ERR_FAIL, _("cannot reach %s: %s"), url,
			       errbuf[0] ? errbuf : C.easy_strerror(rc));
	}
	*status = (int)code;
	if (!sink.sb.buf)
		sb_puts(&sink.sb, "");
	*resp = sb_take(&sink.sb);
	return true;
}

struct sync_transport http_transport(struct http_client *h)
{
	return (struct sync_transport){.ctx = h, .request = request};
}

int http_last_status(const struct http_client *h) { return h->last_status; }
int http_last_retry_after(const struct http_client *h) { return h->last_retry_after; }

void http_bytes(const struct http_client *h, int64_t *up, int64_t *down)
{
	*up = h->up;
	*down = h->down;
}

bool http_retryable(const struct http_client *h)
{
	int s = h->last_status;
	return s == 0 || s == 429 || s == 408 || s >= 500;
}

int sync_backoff_ms(int attempt, int retry_after)
{
	int64_t base = 1000;
	for (int i = 0; i < attempt && base < 300000; i++)
		base *= 2;
	if (base > 300000)
		base = 300000;
	int64_t ms = base / 2 + (int64_t)((double)rand() / RAND_MAX * (double)(base / 2));
	if (ms < (int64_t)retry_after * 1000)
		ms = (int64_t)retry_after * 1000;
	return (int)ms;
}
