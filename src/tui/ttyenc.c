/* The relay between curses' pseudo-terminal and a terminal in another
 * encoding than UTF-8.
 *
 * Why a pseudo-terminal and not curses in a GBK locale: that would need
 * zh_CN.GBK generated on the server (often it is not, and an officer
 * cannot generate it), every string drawn converted to the locale, and
 * curses would drop or misplace what GBK cannot show. Here curses stays in
 * C.UTF-8, its columns are wcwidth's, and the conversion (termenc_out)
 * keeps every character to those columns. Why a thread: curses writes a
 * whole screen in one doupdate(), which may be more than a pseudo-terminal
 * holds; someone must read it while curses writes. The thread touches no
 * curses state, only file descriptors. */
#include "ttyenc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "dutydesk/termenc.h"
#include "dutydesk/util.h"

static struct {
	bool on;
	int master, slave;
	int real_in, real_out; /* the terminal's own stdin and stdout */
	int stop[2];           /* the main thread asks the relay to finish */
	struct termios saved;  /* the real terminal's modes at start */
	bool saved_ok;
	struct termenc enc;
	pthread_t thread;
} R = {.master = -1, .slave = -1, .real_in = -1, .real_out = -1, .stop = {-1, -1}};

/* Raw but for ISIG: ^C and ^Z still signal the program, as they did. */
static void real_raw(void)
{
	if (!R.saved_ok)
		return;
	struct termios t = R.saved;
	cfmakeraw(&t);
	t.c_lflag |= ISIG;
	tcsetattr(R.real_in, TCSANOW, &t);
}

void ttyenc_refresh(void)
{
	if (!R.on)
		return;
	struct winsize ws;
	if (ioctl(R.real_out, TIOCGWINSZ, &ws) == 0)
		ioctl(R.master, TIOCSWINSZ, &ws);
	real_raw();
}

bool ttyenc_on(void)
{
	return R.on;
}

/* Curses' output to the terminal: returns false when the pseudo-terminal
 * is closed (its last writer gone) or the terminal cannot be written. */
static bool pass_out(struct strbuf *sb)
{
	char buf[8192];
	ssize_t k = read(R.master, buf, sizeof buf);
	if (k < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (k <= 0)
		return false;
	sb->len = 0;
	termenc_out(&R.enc, buf, (size_t)k, sb);
	return fd_write_all(R.real_out, sb->buf, sb->len);
}

static void *relay(void *arg)
{
	(void)arg;
	struct strbuf sb;
	sb_init(&sb);
	bool stopping = false;
	for (;;) {
		struct pollfd p[3] = {{R.master, POLLIN, 0},
				      {stopping ? -1 : R.real_in, POLLIN, 0},
				      {stopping ? -1 : R.stop[0], POLLIN, 0}};
		/* once asked to stop: what is left, for at most 2 s */
		int n = poll(p, 3, stopping ? 2000 : -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (p[0].revents && !pass_out(&sb))
			break;
		if (p[1].revents & POLLIN) {
			char buf[1024];
			ssize_t k = read(R.real_in, buf, sizeof buf);
			if (k > 0) {
				sb.len = 0;
				termenc_in(&R.enc, buf, (size_t)k, &sb);
				fd_write_all(R.master, sb.buf, sb.len);
			} else if (k == 0 || (errno != EINTR && errno != EAGAIN)) {
				break; /* the terminal went away */
			}
		} else if (p[1].revents & (POLLHUP | POLLERR)) {
			break;
		}
		if (p[2].revents)
			stopping = true;
	}
	/* the program's side of the pseudo-terminal sees the hang-up */
	if (!stopping) {
		close(R.master);
		R.master = -1;
	}
	sb_finish(&sb);
	return NULL;
}

static void undo(void)
{
	if (R.master >= 0)
		close(R.master);
	if (R.slave >= 0)
		close(R.slave);
	for (int i = 0; i < 2; i++)
		if (R.stop[i] >= 0)
			close(R.stop[i]);
	if (R.real_in >= 0)
		close(R.real_in);
	if (R.real_out >= 0)
		close(R.real_out);
	R.master = R.slave = R.real_in = R.real_out = R.stop[0] = R.stop[1] = -1;
	termenc_close(&R.enc);
}

bool ttyenc_start(const char *encoding, char *why, size_t n)
{
	struct err e;
	if (!termenc_open(&R.enc, encoding, &e)) {
		snprintf(why, n, "%s", e.msg);
		return false;
	}
	R.master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	const char *name = R.master >= 0 && grantpt(R.master) == 0 && unlockpt(R.master) == 0
				   ? ptsname(R.master)
				   : NULL;
	if (name)
		R.slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (R.slave < 0 || pipe(R.stop) != 0) {
		snprintf(why, n, "no pseudo-terminal for the %s terminal: %s", encoding,
			 strerror(errno));
		undo();
		return false;
	}
	fcntl(R.stop[0], F_SETFD, FD_CLOEXEC);
	fcntl(R.stop[1], F_SETFD, FD_CLOEXEC);
	R.real_in = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3);
	R.real_out = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
	R.saved_ok = tcgetattr(R.real_in, &R.saved) == 0;
	/* the pseudo-terminal starts with the terminal's own modes and size */
	if (R.saved_ok)
		tcsetattr(R.slave, TCSANOW, &R.saved);
	fflush(stdout);
	dup2(R.slave, STDIN_FILENO);
	dup2(R.slave, STDOUT_FILENO);
	R.on = true;
	ttyenc_refresh();
	if (pthread_create(&R.thread, NULL, relay, NULL) != 0) {
		snprintf(why, n, "cannot start the %s terminal relay", encoding);
		R.on = false;
		dup2(R.real_in, STDIN_FILENO);
		dup2(R.real_out, STDOUT_FILENO);
		if (R.saved_ok)
			tcsetattr(R.real_in, TCSANOW, &R.saved);
		undo();
		return false;
	}
	return true;
}

void ttyenc_stop(void)
{
	if (!R.on)
		return;
	R.on = false;
	fflush(stdout);
	/* Closing every descriptor of the program's side lets the relay read
	 * what is left and then see the end. */
	dup2(R.real_in, STDIN_FILENO);
	dup2(R.real_out, STDOUT_FILENO);
	close(R.slave);
	R.slave = -1;
	if (write(R.stop[1], "", 1) < 0) {
		/* the relay has ended already */
	}
	pthread_join(R.thread, NULL);
	if (R.saved_ok)
		tcsetattr(R.real_in, TCSADRAIN, &R.saved);
	undo();
}
