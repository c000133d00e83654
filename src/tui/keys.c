/* The keyboard as terminals really send it, pastes and the mouse.
 *
 * curses knows the keys the terminfo entry of $TERM names, but an officer's
 * client often sends other bytes for the same key: PuTTY announces
 * TERM=xterm and sends ESC [ 1 ~ for Home, where Debian's xterm entry says
 * ESC O H. One table below adds, with define_key(), every sequence the
 * clients in use send for the keys the console answers to; what the entry
 * itself binds to another key is left as it is.
 *
 * Then every byte from the terminal passes through one small reader here
 * (keys_read), which also:
 *   - swallows an escape sequence nobody defined, read to its final byte as
 *     ECMA-48 has it (CSI: parameters 0x30-0x3F, intermediates 0x20-0x2F,
 *     final 0x40-0x7E; SS3: ESC O and one byte), so it never arrives as Esc
 *     plus letters that are commands in a list or text in a field;
 *   - reads ESC and a character as Alt+that character (DD_KEY_META);
 *   - gathers a bracketed paste (ESC [ 200 ~ ... ESC [ 201 ~) into one text;
 *   - decodes mouse reports, SGR (ESC [ < b ; x ; y M/m, mode 1006) and the
 *     old X10 form (ESC [ M and three bytes) for clients without 1006.
 *
 * Sources of the byte sequences:
 *   PuTTY: windows/window.c (TranslateKey) before 0.71, terminal.c
 *     (format_function_key, format_small_keypad_key) since: "ESC[n~" (the
 *     default): Home 1~ Ins 2~ Del 3~ End 4~ PgUp 5~ PgDn 6~, F1-F12
 *     11~-15~ 17~-21~ 23~ 24~; "Linux": F1-F5 ESC [ [ A-E; "Xterm R6": F1-F4
 *     ESC O P-S; "VT100+": F1-F12 ESC O P-[ (P..Z then '['); "SCO": F1-F12
 *     ESC [ M-X, Home ESC [ H, End ESC [ F, Ins ESC [ L, PgUp ESC [ I, PgDn
 *     ESC [ G, Del sends 0x7F (the same byte as Backspace: indistinguishable);
 *     "VT400" sends the small keypad in the VT220's physical order (Home
 *     sends 2~, Insert 1~, PgUp 3~, Delete 4~, End 5~): those bytes are the
 *     other keys' in every other mode and cannot be told apart. Arrows:
 *     ESC [ A-D, or ESC O A-D in application cursor mode (which curses
 *     asks for with smkx); Shift+Tab ESC [ Z; Alt+key ESC then the key;
 *     Backspace ^? (default) or ^H; the numeric keypad in application mode
 *     ESC O p-y for 0-9, n '.', M Enter, k '+', m '-', j '*', o '/', l ','.
 *   xterm, Windows Terminal and the Windows console (conhost's VT input,
 *     which Windows OpenSSH uses): xterm's ctlseqs, "PC-Style Function
 *     Keys": Home/End ESC [ H / ESC [ F, or ESC O H / ESC O F in application
 *     cursor mode; Ins/Del/PgUp/PgDn 2~ 3~ 5~ 6~; F1-F4 ESC O P-S, F5-F12
 *     15~ 17~-21~ 23~ 24~; Backspace ^? (^H with Ctrl).
 *   Xshell and SecureCRT: their VT100 keymaps send PF1-PF4 (ESC O P-S) for
 *     F1-F4; their VT220/"Linux" and default xterm keymaps send the VT220
 *     editing keys (ESC [ 1~ ... 6~) and F1-F4 as ESC [ 11~-14~ like PuTTY
 *     (SecureCRT's "Determine Escape Sequence Key Codes" help page).
 *   The Linux console (console_codes(4), the linux terminfo entry): F1-F5
 *     ESC [ [ A-E, Home 1~, End 4~, Shift+Tab ESC Tab.
 *   tmux and screen: the VT220 editing keys 1~-6~ and xterm's F-keys, as
 *     their own terminfo entries (tmux-256color, screen) say.
 *   rxvt: Home ESC [ 7~, End ESC [ 8~.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dutydesk/dtime.h"
#include "tui.h"

/* Codes of our own for define_key(): they never leave this file. */
enum {
	K_PASTE_BEGIN = 0x2001,
	K_PASTE_END,
	K_MOUSE_SGR,
	K_MOUSE_X10, /* ESC [ M: an X10 mouse report, or F1 in PuTTY's SCO mode */
	K_PAD = 0x2100, /* + the character: a key of the numeric keypad */
};

#define F(n) KEY_F(n)
static const struct {
	const char *seq;
	int code; /* ours (K_...) replace what the terminfo entry binds them to */
} table[] = {
	/* arrows, normal and application cursor mode */
	{"\033[A", KEY_UP}, {"\033[B", KEY_DOWN}, {"\033[C", KEY_RIGHT}, {"\033[D", KEY_LEFT},
	{"\033OA", KEY_UP}, {"\033OB", KEY_DOWN}, {"\033OC", KEY_RIGHT}, {"\033OD", KEY_LEFT},
	/* the editing keys: VT220 (PuTTY, Linux, tmux, screen, Xshell, SecureCRT) */
	{"\033[1~", KEY_HOME}, {"\033[2~", KEY_IC}, {"\033[3~", KEY_DC},
	{"\033[4~", KEY_END}, {"\033[5~", KEY_PPAGE}, {"\033[6~", KEY_NPAGE},
	/* xterm, Windows Terminal, the Windows console; PuTTY's SCO mode */
	{"\033[H", KEY_HOME}, {"\033[F", KEY_END}, {"\033OH", KEY_HOME}, {"\033OF", KEY_END},
	{"\033[L", KEY_IC}, {"\033[I", KEY_PPAGE}, {"\033[G", KEY_NPAGE},
	/* rxvt */
	{"\033[7~", KEY_HOME}, {"\033[8~", KEY_END},
	/* F1-F12: xterm, Xterm R6, VT100+ and the Windows terminals ... */
	{"\033OP", F(1)}, {"\033OQ", F(2)}, {"\033OR", F(3)}, {"\033OS", F(4)},
	/* ... VT100+ on from F5 ... */
	{"\033OT", F(5)}, {"\033OU", F(6)}, {"\033OV", F(7)}, {"\033OW", F(8)},
	{"\033OX", F(9)}, {"\033OY", F(10)}, {"\033OZ", F(11)}, {"\033O[", F(12)},
	/* ... PuTTY's default ESC[n~ and the VT220 keymaps ... */
	{"\033[11~", F(1)}, {"\033[12~", F(2)}, {"\033[13~", F(3)}, {"\033[14~", F(4)},
	{"\033[15~", F(5)}, {"\033[17~", F(6)}, {"\033[18~", F(7)}, {"\033[19~", F(8)},
	{"\033[20~", F(9)}, {"\033[21~", F(10)}, {"\033[23~", F(11)}, {"\033[24~", F(12)},
	/* ... the Linux console and PuTTY's Linux mode ... */
	{"\033[[A", F(1)}, {"\033[[B", F(2)}, {"\033[[C", F(3)}, {"\033[[D", F(4)},
	{"\033[[E", F(5)},
	/* ... PuTTY's SCO mode (F1, ESC [ M, is read with the mouse below) */
	{"\033[N", F(2)}, {"\033[O", F(3)}, {"\033[P", F(4)}, {"\033[Q", F(5)},
	{"\033[R", F(6)}, {"\033[S", F(7)}, {"\033[T", F(8)}, {"\033[U", F(9)},
	{"\033[V", F(10)}, {"\033[W", F(11)}, {"\033[X", F(12)},
	/* Shift+Tab: xterm and the rest; the Linux console */
	{"\033[Z", KEY_BTAB}, {"\033\t", KEY_BTAB},
	/* the numeric keypad in application mode is its digits and signs */
	{"\033Op", K_PAD + '0'}, {"\033Oq", K_PAD + '1'},
	{"\033Or", K_PAD + '2'}, {"\033Os", K_PAD + '3'},
	{"\033Ot", K_PAD + '4'}, {"\033Ou", K_PAD + '5'},
	{"\033Ov", K_PAD + '6'}, {"\033Ow", K_PAD + '7'},
	{"\033Ox", K_PAD + '8'}, {"\033Oy", K_PAD + '9'},
	{"\033On", K_PAD + '.'}, {"\033Ok", K_PAD + '+'},
	{"\033Om", K_PAD + '-'}, {"\033Oj", K_PAD + '*'},
	{"\033Oo", K_PAD + '/'}, {"\033Ol", K_PAD + ','},
	{"\033OM", K_PAD + '\r'},
	/* pastes and the mouse, read by the reader */
	{"\033[200~", K_PASTE_BEGIN}, {"\033[201~", K_PASTE_END},
	{"\033[<", K_MOUSE_SGR}, {"\033[M", K_MOUSE_X10},
};
#undef F

#define PASTE_MAX (64 * 1024) /* a report, not a file */

static struct {
	enum { S_NONE, S_ESC, S_CSI, S_SS3, S_PASTE, S_SGR, S_X10 } st;
	int escs;          /* ESCs in a row before what follows */
	char seq[40];      /* the sequence being read (for the hint) */
	size_t seqlen;
	int64_t deadline;  /* a half-read sequence is given up then; 0: none */
	struct strbuf paste;
	bool paste_cut;
	unsigned char x10[3];
	int nx10;
	bool apart;        /* curses waited for the byte after the ESC just read */
	bool modes;        /* paste and mouse reporting are on */
	bool mouse;
} in;

static void term_write(const char *s)
{
	fflush(stdout); /* after what curses has queued */
	size_t n = strlen(s);
	while (n > 0) {
		ssize_t w = write(STDOUT_FILENO, s, n);
		if (w <= 0)
			return; /* the terminal is gone: nothing to switch off */
		s += w;
		n -= (size_t)w;
	}
}

void keys_start(struct app *app)
{
	for (size_t i = 0; i < ARRAY_LEN(table); i++) {
		int now = key_defined(table[i].seq);
		if (now == table[i].code || now < 0)
			continue; /* already, or a prefix of a longer key */
		/* The entry's own meaning stands, unless it is one of the
		 * extended keys (above KEY_MAX: putty's binds ESC O P to one)
		 * the console has no use for. */
		if (now > 0 && now <= KEY_MAX && table[i].code < K_PASTE_BEGIN)
			continue;
		if (now > 0)
			define_key(table[i].seq, 0);
		define_key(table[i].seq, table[i].code);
	}
	sb_init(&in.paste);
	in.mouse = app->cfg.mouse;
	keys_resume();
}

void keys_resume(void)
{
	/* 2004: bracketed paste; 1000: clicks and the wheel; 1006: as SGR */
	term_write(in.mouse ? "\033[?2004h\033[?1000h\033[?1006h" : "\033[?2004h");
	in.modes = true;
}

void keys_stop(void)
{
	if (!in.modes)
		return;
	term_write(in.mouse ? "\033[?1006l\033[?1000l\033[?2004l" : "\033[?2004l");
	in.modes = false;
}

/* The sequence as text for the hint: ESC [ 1 ; 5 A */
static void seq_add(int c)
{
	if (in.seqlen + 1 < sizeof in.seq)
		in.seq[in.seqlen++] = (char)c;
	in.seq[in.seqlen] = '\0';
}

static void swallowed(struct app *app)
{
	char shown[sizeof in.seq + 8];
	snprintf(shown, sizeof shown, "ESC%s", in.seq);
	app_message(app, false, _("key not known here, ignored: %s"), shown);
	in.st = S_NONE;
	in.seqlen = 0;
}

static void paste_add(wint_t c)
{
	if (in.paste.len >= PASTE_MAX) {
		in.paste_cut = true;
		return;
	}
	if (c == '\r' || c == '\n') {
		/* CR LF, CR or LF: one line break */
		if (c == '\n' && in.paste.len && in.paste.buf[in.paste.len - 1] == '\r')
			return;
		sb_putc(&in.paste, c == '\r' ? '\r' : '\n');
		return;
	}
	if (c == '\t')
		c = ' ';
	if (c < 0x20 || c == 0x7F)
		return; /* no control characters in a field */
	sb_put_cp(&in.paste, (uint32_t)c);
}

static void paste_done(struct app *app)
{
	for (size_t i = 0; i < in.paste.len; i++)
		if (in.paste.buf[i] == '\r')
			in.paste.buf[i] = '\n';
	app_paste(app, in.paste.len ? in.paste.buf : "");
	if (in.paste_cut)
		app_message(app, true, _("the paste was longer than %d KiB: the rest was left out"),
			    PASTE_MAX / 1024);
	sb_finish(&in.paste);
	sb_init(&in.paste);
	in.paste_cut = false;
	in.st = S_NONE;
}

/* One report: b as xterm codes it, x and y from 0. */
static void mouse(struct app *app, int b, bool press, int x, int y)
{
	in.st = S_NONE;
	in.seqlen = 0;
	if (!press || (b & 32) || (b & 4))
		return; /* releases, drags; Shift is the terminal's own selection */
	if ((b & 64) && (b & 3) <= 1)
		app_mouse(app, (b & 3) ? MOUSE_WHEEL_DOWN : MOUSE_WHEEL_UP, y, x);
	else if (!(b & 64) && (b & 3) == 0)
		app_mouse(app, MOUSE_CLICK, y, x);
}

static void sgr_done(struct app *app, bool press)
{
	int v[3] = {0, 0, 0}, n = 0;
	for (size_t i = 0; i < in.seqlen && n < 3; i++) {
		if (in.seq[i] == ';')
			n++;
		else if (in.seq[i] >= '0' && in.seq[i] <= '9' && v[n] < 100000)
			v[n] = v[n] * 10 + (in.seq[i] - '0');
	}
	if (n != 2 || v[1] < 1 || v[2] < 1) {
		swallowed(app);
		return;
	}
	mouse(app, v[0], press, v[1] - 1, v[2] - 1);
}

static void feed(struct app *app, bool code, wint_t c);

/* A key for the app: ^? and ^H are Backspace whatever the client sends. */
static void key(struct app *app, bool code, wint_t c)
{
	if (code && c >= K_PAD && c < K_PAD + 128)
		c -= K_PAD, code = c == '\r';
	else if (code && c > KEY_MAX && c < DD_KEY_META(0))
		return; /* an extended key of the entry (Ctrl+Up ...): none of ours */
	else if (!code && (c == 0x7F || c == 8))
		c = KEY_BACKSPACE, code = true;
	app_key(app, (int)c, !code && c >= 0x20);
}

/* ESC and a character in one read are Alt+that character, or Esc then the
 * character: a slow link or a script sends the two together. Over lists,
 * views and the help, an Alt key with no binding (and Esc with Enter, Tab
 * or Backspace, which are no Alt keys) is taken as the two keys; in a form
 * or on the ':' line it stays Alt, which does nothing, so that no form is
 * closed by it. */
static bool alt_or_two_keys(const struct app *app, wint_t c)
{
	if (app->mode == MODE_FORM || app->mode == MODE_PROMPT)
		return false;
	if (c == '\r' || c == '\n' || c == '\t' || c == 0x7F || c == 8)
		return true;
	return c > 0x20 && c < 0x7F && keymap_lookup(&app->keys, DD_KEY_META((int)c)) == ACT_NONE;
}

static void feed_esc(struct app *app, bool code, wint_t c)
{
	if (!code && c == 27) {
		in.escs++;
		return;
	}
	in.st = S_NONE;
	if (!code && c == '[') {
		in.st = S_CSI;
		in.seqlen = 0;
		seq_add('[');
	} else if (!code && c == 'O' && in.escs == 1) {
		in.st = S_SS3;
		in.seqlen = 0;
		seq_add('O');
	} else if (!code && in.escs == 1 && alt_or_two_keys(app, c)) {
		/* Esc and the key, typed apart but come in one read */
		key(app, false, 27);
		if (app->running)
			key(app, false, c);
	} else if (!code && c > 0x20 && c < 0x7F && in.escs == 1) {
		key(app, true, (wint_t)DD_KEY_META(c)); /* Alt+letter */
	} else {
		/* Alt with a key curses decoded (PuTTY's Alt+arrow is ESC ESC [ A),
		 * or with a control: not a key the console has */
		in.seqlen = 0;
		seq_add(' ');
		seq_add('.');
		seq_add('.');
		seq_add('.');
		swallowed(app);
	}
}

static void feed(struct app *app, bool code, wint_t c)
{
	switch (in.st) {
	case S_PASTE:
		if (code && c == K_PASTE_END)
			paste_done(app);
		else if (!code)
			paste_add(c);
		return; /* keys inside a paste are text of no interest */
	case S_SGR:
		if (!code && ((c >= '0' && c <= '9') || c == ';') && in.seqlen < 30) {
			seq_add((int)c);
		} else if (!code && (c == 'M' || c == 'm')) {
			sgr_done(app, c == 'M');
		} else {
			swallowed(app);
			feed(app, code, c);
		}
		return;
	case S_X10:
		if (code) {
			swallowed(app);
			feed(app, code, c);
			return;
		}
		in.x10[in.nx10++] = (unsigned char)c;
		if (in.nx10 == 3)
			mouse(app, in.x10[0] - 32, (in.x10[0] & 3) != 3, in.x10[1] - 33,
			      in.x10[2] - 33);
		return;
	case S_CSI:
		if (!code && c >= 0x20 && c <= 0x3F && in.seqlen < 30) {
			seq_add((int)c); /* parameters and intermediates */
		} else if (!code && c >= 0x40 && c <= 0x7E) {
			seq_add((int)c); /* the final byte */
			swallowed(app);
		} else {
			swallowed(app); /* cut short: what came is dropped */
			feed(app, code, c);
		}
		return;
	case S_SS3:
		if (!code && c >= 0x20 && c <= 0x3F && in.seqlen < 30) {
			seq_add((int)c); /* xterm's old ESC O 5 P: modifiers */
		} else if (!code && c >= 0x40 && c <= 0x7E) {
			seq_add((int)c);
			swallowed(app);
		} else if (in.seqlen == 1) {
			in.st = S_NONE; /* ESC O and nothing of a sequence: Alt+O */
			key(app, true, (wint_t)DD_KEY_META('O'));
			feed(app, code, c);
		} else {
			swallowed(app);
			feed(app, code, c);
		}
		return;
	case S_ESC:
		feed_esc(app, code, c);
		return;
	case S_NONE:
		break;
	}
	if (!code && c == 27 && in.apart) {
		/* What follows came later: a person pressed Esc, then a key. */
		key(app, false, 27);
	} else if (!code && c == 27) {
		in.st = S_ESC;
		in.escs = 1;
	} else if (code && c == K_PASTE_BEGIN) {
		in.st = S_PASTE;
		sb_finish(&in.paste);
		sb_init(&in.paste);
		in.paste_cut = false;
	} else if (code && c == K_MOUSE_SGR) {
		in.st = S_SGR;
		in.seqlen = 0;
	} else if (code && c == K_MOUSE_X10) {
		in.st = S_X10;
		in.nx10 = 0;
	} else if (code && (c == K_PASTE_END || c == KEY_MOUSE)) {
		/* a paste's end without its start; a report curses read */
	} else {
		key(app, code, c);
	}
}

/* Ends what the terminal stopped sending: called when no byte is waiting.
 * A lone ESC is Esc (curses has already waited the escape delay for what
 * would follow); ESC [ M with nothing after it is PuTTY's SCO F1. */
static void settle(struct app *app, int64_t now, bool timed_out)
{
	if (in.st == S_ESC) {
		int n = in.escs;
		in.st = S_NONE;
		for (int i = 0; i < n && app->running; i++)
			key(app, false, 27);
	} else if (in.st == S_X10 && in.nx10 == 0) {
		in.st = S_NONE;
		key(app, true, KEY_F(1));
	} else if (in.st == S_NONE) {
		in.deadline = 0;
	} else if (!timed_out) {
		/* A sequence split across reads: its rest gets a while; a paste
		 * gets longer, counted from its last byte. */
		in.deadline = now + (in.st == S_PASTE ? 2000 : 500);
	} else if (in.st == S_PASTE) {
		paste_done(app);
	} else if (in.st == S_SS3 && in.seqlen == 1) {
		in.st = S_NONE;
		key(app, true, (wint_t)DD_KEY_META('O'));
	} else {
		swallowed(app);
	}
	if (in.st == S_NONE)
		in.deadline = 0;
}

void keys_read(struct app *app)
{
	while (app->running) {
		wint_t c;
		int rc;
		if (in.st == S_X10) {
			/* X10 coordinates are raw bytes, not UTF-8 */
			int b = wgetch(stdscr);
			rc = b == ERR ? ERR : OK;
			c = (wint_t)b;
		} else {
			/* A client sends Alt+x, or a key's sequence, in one write:
			 * curses finds the byte after the ESC waiting. When it had to
			 * wait for it (up to the escape delay), they were typed apart. */
			struct timespec t0, t1;
			clock_gettime(CLOCK_MONOTONIC, &t0);
			rc = get_wch(&c);
			clock_gettime(CLOCK_MONOTONIC, &t1);
			in.apart = (t1.tv_sec - t0.tv_sec) * 1000000000L + (t1.tv_nsec - t0.tv_nsec) >
				   1000000L;
		}
		if (rc == ERR)
			break;
		if (rc == KEY_CODE_YES && c == KEY_RESIZE)
			app_layout(app);
		else
			feed(app, rc == KEY_CODE_YES, c);
	}
	settle(app, dd_now_ms(), false);
}

int keys_timeout(int64_t now)
{
	if (!in.deadline)
		return -1;
	return in.deadline > now ? (int)(in.deadline - now) : 0;
}

void keys_tick(struct app *app, int64_t now)
{
	if (in.deadline && now >= in.deadline)
		settle(app, now, true);
}
