/* Named actions and their keys. Help and the hint line come from here. */
#include <stdio.h>
#include <string.h>

#include "tui.h"

const struct action_info action_table[ACT_COUNT] = {
	[ACT_NONE] = {"none", "", ""},
	[ACT_QUIT] = {"quit", "q", N_("quit (asks if a form has changes)")},
	[ACT_HELP] = {"help", "? F1", N_("help: every key of this pane")},
	[ACT_NEXT_PANE] = {"next-pane", "Tab", N_("next pane")},
	[ACT_PREV_PANE] = {"prev-pane", "BTab", N_("previous pane")},
	[ACT_PANE_0] = {"pane-overview", "0", N_("overview")},
	[ACT_PANE_1] = {"pane-incidents", "1", N_("incidents and duty log")},
	[ACT_PANE_2] = {"pane-hazards", "2", N_("hazards")},
	[ACT_PANE_3] = {"pane-resources", "3", N_("resources")},
	[ACT_PANE_4] = {"pane-plans", "4", N_("plans and checklists")},
	[ACT_DOWN] = {"down", "j Down", N_("down")},
	[ACT_UP] = {"up", "k Up", N_("up")},
	[ACT_PAGE_DOWN] = {"page-down", "PgDn ^F", N_("page down")},
	[ACT_PAGE_UP] = {"page-up", "PgUp ^B", N_("page up")},
	[ACT_TOP] = {"top", "g Home", N_("first row")},
	[ACT_BOTTOM] = {"bottom", "G End", N_("last row")},
	[ACT_OPEN] = {"open", "Enter", N_("open the record"), N_("view")},
	[ACT_BACK] = {"back", "Esc", N_("back / close")},
	[ACT_SEARCH] = {"search", "/", N_("search as you type"), N_("search")},
	[ACT_NEXT_MATCH] = {"next-match", "n", N_("next match")},
	[ACT_PREV_MATCH] = {"prev-match", "N", N_("previous match")},
	[ACT_SORT] = {"sort", "s", N_("sort by the next column"), N_("sort")},
	[ACT_FILTER] = {"filter", "f", N_("filter (cycles)"), N_("filter")},
	[ACT_ADD] = {"add", "a", N_("add a record"), N_("add")},
	[ACT_EDIT] = {"edit", "e", N_("edit the record"), N_("edit")},
	[ACT_NOTE] = {"note", "t", N_("add a timeline entry"), N_("note")},
	[ACT_INSPECT] = {"inspect", "i", N_("record an inspection"), N_("inspect")},
	[ACT_MOVE] = {"stock-move", "m", N_("stock movement"), N_("stock")},
	[ACT_COMMAND] = {"command", ":", N_("command line (:help lists commands)")},
	[ACT_REDRAW] = {"redraw", "^L", N_("redraw the screen")},
	[ACT_HISTORY] = {"history", "H", N_("history of the record: who changed what, when")},
	[ACT_VIEW] = {"switch-list", "v",
		      N_("switch the view: stock, teams, experts; hazards as a list or a map"),
		      N_("switch")},
	[ACT_CONTACTS] = {"call", "c",
			  N_("log a call to a contact: who, how it went (the selected incident's "
			     "timeline, else the duty log)"),
			  N_("call")},
	[ACT_DISPATCH] = {"dispatch", "d", N_("send stock to this incident"), N_("dispatch")},
	[ACT_TICK] = {"tick", "Space",
		      N_("tick: a checklist item done (again: open); a point's households evacuated"),
		      N_("tick")},
	[ACT_ZOOM] = {"zoom", "z", N_("map: zoom to the selected point's township (again: the county)"),
		      N_("zoom")},
	[ACT_LEFT] = {"left", "h Left", N_("a text view: scroll left")},
	[ACT_RIGHT] = {"right", "l Right", N_("a text view: scroll right (wide tables)")},
};

static const struct {
	const char *name;
	int key;
} named[] = {
	{"Down", KEY_DOWN}, {"Up", KEY_UP}, {"Left", KEY_LEFT}, {"Right", KEY_RIGHT},
	{"PgDn", KEY_NPAGE}, {"PgUp", KEY_PPAGE}, {"Home", KEY_HOME}, {"End", KEY_END},
	{"Enter", '\n'}, {"Esc", 27}, {"Tab", '\t'}, {"BTab", KEY_BTAB}, {"Space", ' '},
	{"Backspace", KEY_BACKSPACE}, {"Delete", KEY_DC}, {"Insert", KEY_IC},
};

int dd_key_from_name(const char *s)
{
	if (!s || !*s)
		return -1;
	for (size_t i = 0; i < ARRAY_LEN(named); i++)
		if (strcmp(named[i].name, s) == 0)
			return named[i].key;
	if ((s[0] == 'M' || s[0] == 'A') && s[1] == '-' && s[2] > ' ' && s[2] < 127 && !s[3])
		return DD_KEY_META(s[2]); /* M-x: Alt+x */
	if (s[0] == '^' && s[1] && !s[2] && s[1] >= '@' && s[1] <= '_')
		return s[1] - '@';
	if (s[0] == '^' && s[1] >= 'a' && s[1] <= 'z' && !s[2])
		return s[1] - 'a' + 1;
	if (s[0] == 'F' && s[1]) {
		int n = 0;
		for (const char *p = s + 1; *p; p++) {
			if (*p < '0' || *p > '9' || n > 12) /* F1..F12: stop before overflowing */
				return -1;
			n = n * 10 + (*p - '0');
		}
		return n >= 1 && n <= 12 ? KEY_F(n) : -1;
	}
	if (!s[1] && (unsigned char)s[0] > ' ' && (unsigned char)s[0] < 127)
		return s[0];
	return -1;
}

const char *dd_key_name(int key, char *buf, size_t n)
{
	for (size_t i = 0; i < ARRAY_LEN(named); i++)
		if (named[i].key == key) {
			snprintf(buf, n, "%s", named[i].name);
			return buf;
		}
	if (key >= KEY_F(1) && key <= KEY_F(12))
		snprintf(buf, n, "F%d", key - KEY_F(0));
	else if (key > DD_KEY_META(' ') && key < DD_KEY_META(127))
		snprintf(buf, n, "M-%c", key - DD_KEY_META(0));
	else if (key > 0 && key < 32)
		snprintf(buf, n, "^%c", key + '@');
	else if (key > 32 && key < 127)
		snprintf(buf, n, "%c", key);
	else
		snprintf(buf, n, "#%d", key);
	return buf;
}

/* The map's slot of a key code, or -1 when it has none. */
static int slot(int key)
{
	if (key >= 0 && key <= KEY_MAX)
		return key;
	if (key >= DD_KEY_META(0) && key < DD_KEY_META(128))
		return KEY_MAX + 1 + key - DD_KEY_META(0);
	return -1;
}

static int key_at(int slot)
{
	return slot <= KEY_MAX ? slot : DD_KEY_META(slot - KEY_MAX - 1);
}

static enum action action_by_name(const char *name)
{
	for (int a = 1; a < ACT_COUNT; a++)
		if (strcmp(action_table[a].name, name) == 0)
			return (enum action)a;
	return ACT_NONE;
}

/* Binds each blank-separated key name of keys to a. */
static bool bind_all(struct keymap *km, enum action a, const char *keys, char *why, size_t n)
{
	char buf[128], *save = NULL;
	snprintf(buf, sizeof buf, "%s", keys);
	for (char *k = strtok_r(buf, " ", &save); k; k = strtok_r(NULL, " ", &save)) {
		int code = slot(dd_key_from_name(k));
		if (code < 0) {
			if (why)
				snprintf(why, n, "unknown key '%s'", k);
			return false;
		}
		km->map[code] = (unsigned char)a;
	}
	return true;
}

void keymap_defaults(struct keymap *km)
{
	memset(km, 0, sizeof *km);
	for (int a = 1; a < ACT_COUNT; a++)
		bind_all(km, (enum action)a, action_table[a].keys, NULL, 0);
	km->map[KEY_ENTER] = ACT_OPEN;
	km->map['\r'] = ACT_OPEN;
}

bool keymap_bind(struct keymap *km, const char *action, const char *keys, char *why, size_t n)
{
	enum action a = action_by_name(action);
	if (a == ACT_NONE) {
		size_t len = (size_t)snprintf(why, n, "unknown action '%s' (expected one of", action);
		for (int b = 1; b < ACT_COUNT && len < n; b++)
			len += (size_t)snprintf(why + len, n - len, "%s %s", b > 1 ? "," : "",
						action_table[b].name);
		if (len < n)
			snprintf(why + len, n - len, ")");
		return false;
	}
	/* The new keys replace the action's old ones. */
	for (int k = 0; k < KEYMAP_SLOTS; k++)
		if (km->map[k] == a)
			km->map[k] = ACT_NONE;
	return bind_all(km, a, keys, why, n);
}

void keymap_from_config(struct keymap *km, struct config *cfg)
{
	keymap_defaults(km);
	for (int i = 0; i < cfg->nkeys; i++) {
		const struct config_key *b = &cfg->keys[i];
		char why[512], key[64];
		if (!keymap_bind(km, b->action, b->keys, why, sizeof why)) {
			snprintf(key, sizeof key, "keys.%s", b->action);
			config_warn_at(cfg, b->line, b->column, key, why);
		}
	}
}

enum action keymap_lookup(const struct keymap *km, int key)
{
	int k = slot(key);
	return k >= 0 ? (enum action)km->map[k] : ACT_NONE;
}

const char *keymap_keys(const struct keymap *km, enum action a, char *buf, size_t n)
{
	size_t len = 0;
	buf[0] = '\0';
	/* Printable keys first, then named ones, as a person would list them. */
	for (int pass = 0; pass < 2; pass++)
		for (int sl = 0; sl < KEYMAP_SLOTS && len < n; sl++) {
			int k = key_at(sl);
			if (km->map[sl] != a || k == '\r' || k == KEY_ENTER)
				continue;
			bool printable = k > ' ' && k < 127;
			if (printable != (pass == 0))
				continue;
			char name[16];
			len += (size_t)snprintf(buf + len, n - len, "%s%s", len ? " " : "",
						dd_key_name(k, name, sizeof name));
		}
	return buf;
}
