/* The console: one thread owns curses; a poll() loop over the terminal, a
 * signal pipe and timers; handlers only mark things dirty and one paint per
 * loop turn sends the difference (wnoutrefresh + doupdate). Private to
 * src/tui. */
#ifndef DUTYDESK_TUI_H
#define DUTYDESK_TUI_H

#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>
#include <stdint.h>
#include <wchar.h>

#include "dutydesk/config.h"
#include "dutydesk/deadline.h"
#include "dutydesk/i18n.h"
#include "dutydesk/query.h"
#include "dutydesk/store.h"

/* ---- actions: keys map to named actions, never straight to code ---- */
enum action {
	ACT_NONE,
	ACT_QUIT, ACT_HELP, ACT_NEXT_PANE, ACT_PREV_PANE,
	ACT_PANE_0, ACT_PANE_1, ACT_PANE_2, ACT_PANE_3, ACT_PANE_4,
	ACT_DOWN, ACT_UP, ACT_PAGE_DOWN, ACT_PAGE_UP, ACT_TOP, ACT_BOTTOM,
	ACT_OPEN, ACT_BACK, ACT_SEARCH, ACT_NEXT_MATCH, ACT_PREV_MATCH,
	ACT_SORT, ACT_FILTER, ACT_ADD, ACT_EDIT, ACT_NOTE, ACT_INSPECT, ACT_MOVE,
	ACT_COMMAND, ACT_REDRAW, ACT_HISTORY, ACT_VIEW, ACT_CONTACTS, ACT_DISPATCH, ACT_TICK,
	ACT_ZOOM, ACT_LEFT, ACT_RIGHT,
	ACT_COUNT
};
struct action_info {
	const char *name;    /* config name */
	const char *keys;    /* default keys, blank separated */
	const char *help;    /* untranslated; shown through gettext */
	const char *hint;    /* one word for the key-hint line, untranslated */
};
extern const struct action_info action_table[ACT_COUNT];
/* Alt+c (c printable ASCII): a key code of our own, above curses' (KEY_MAX
 * is 0777, and the extended keys of a terminfo entry follow it). */
#define DD_KEY_META(c) (0x1000 + (c))
/* Slots of the key map: ASCII and curses' codes (up to KEY_MAX), then
 * Alt+ASCII. Small, as the hint line is made from it at every paint. */
#define KEYMAP_SLOTS (KEY_MAX + 1 + 128)
struct keymap {
	/* slot of a key code -> action; characters beyond ASCII are not bound */
	unsigned char map[KEYMAP_SLOTS];
};
void keymap_defaults(struct keymap *km);
/* "j", "Down", "^F", "F1", "Tab", "BTab", "Enter", "Esc", "PgDn", "M-x" (Alt+x) ... */
int dd_key_from_name(const char *name);
const char *dd_key_name(int key, char *buf, size_t n);
bool keymap_bind(struct keymap *km, const char *action, const char *keys, char *why, size_t n);
enum action keymap_lookup(const struct keymap *km, int key);
/* The keys of an action as text, e.g. "j Down". */
const char *keymap_keys(const struct keymap *km, enum action a, char *buf, size_t n);

/* ---- theme: colours are roles, meaning never by colour alone ---- */
enum role {
	R_NORMAL, R_HEADER, R_TAB, R_TAB_ACTIVE, R_HINT, R_SELECTED, R_TITLE,
	R_LEVEL_I, R_LEVEL_II, R_LEVEL_III, R_LEVEL_IV, R_OVERDUE, R_WARN, R_GOOD,
	R_DIM, R_ERROR, R_FOCUS, R_COUNT
};
void theme_init(bool color);
attr_t theme_attr(enum role r);
/* Role of an incident level ("I".."IV", else R_NORMAL). */
enum role theme_level(const char *level);

/* ---- config ---- */
/* The keymap from the keys: entries of the config file over the defaults;
 * an unknown action or key is reported in cfg->warning at its place. */
void keymap_from_config(struct keymap *km, struct config *cfg);

/* ---- drawing helpers ---- */
/* Puts s at y,x in at most width cells (clipped, never splitting a
 * character); returns the cells used. Control characters show as '?'. */
int put_text(WINDOW *w, int y, int x, const char *s, int width, attr_t a);
/* Pads/truncates s to exactly width cells. */
void put_cell(WINDOW *w, int y, int x, const char *s, int width, bool right, attr_t a);
/* Puts s wrapped to width cells in at most max_rows rows ending at row
 * bottom, each padded to width; a text longer than that ends in an
 * ellipsis. Returns the rows used. */
int put_wrapped(WINDOW *w, int bottom, int x, const char *s, int width, int max_rows, attr_t a);
void hline_at(WINDOW *w, int y, int x, int n);
void vline_at(WINDOW *w, int y, int x, int n);
extern bool tui_unicode; /* can draw Unicode lines */
/* A time the store gives as ISO text ("2026-11-28T10:30:00+08:00") the one
 * way the screen shows times: "11-28 10:30", the year in front when it is
 * not this year's; other text as it is. */
const char *tui_time(const char *iso, char *buf, size_t n);
/* The same for a time in seconds. */
const char *tui_time_at(int64_t t, char *buf, size_t n);

/* ---- the list widget: a window over keyset reads ---- */
struct list_col {
	const char *key, *head; /* row key; head untranslated */
	int min, max;            /* cells; max 0: takes what is left */
	bool right;
	const char *sort;        /* the list's sort (by name) this column sorts by, or NULL */
	bool desc;               /* default direction of that sort */
	/* Display of an identifier in the interface language, or NULL. */
	const char *(*label)(const char *id);
	const char *key_en;      /* row key used instead in English, or NULL */
	/* Text computed from the whole row when drawn (a countdown), or NULL. */
	const char *(*cell)(json_t *row, char *buf, size_t n);
};
extern bool tui_zh; /* the interface speaks Chinese */
struct list {
	enum list_id list;       /* what it shows (the store defines it) */
	const char *sort;        /* the sort (by name) and its direction: */
	bool desc;               /* they change with the sort column */
	const struct list_col *cols;
	int ncols;
	int sort_col;            /* index into cols of the active sort */
	struct list_cond *cond;  /* its filter, or NULL */
	char search[256];        /* last '/' text */
	json_t *rows;            /* on screen, display order */
	int sel;                 /* index in rows */
	int height;
	bool at_end;             /* rows reach the last row */
	bool at_start;           /* rows begin with the first row */
	/* role of a row (colour), may be NULL */
	enum role (*row_role)(json_t *row);
	/* where the rows were last drawn on the screen (for clicks) */
	int drawn_y, drawn_x, drawn_w;
};
void list_init(struct list *l, enum list_id list, const struct list_col *cols, int ncols,
	       int sort_col);
void list_finish(struct list *l);
/* Reads the screenful again from the top row (keeping the selection if it
 * is still there); after a filter or sort change, from the start. */
bool list_reload(struct list *l, struct store *st, bool from_start, struct err *e);
bool list_move(struct list *l, struct store *st, enum action a, struct err *e);
/* The selected row (borrowed) or NULL. */
json_t *list_selected(const struct list *l);
/* First row matching text from the selection on (dir 1) or backwards. */
/* Shows and selects the row whose column col is value (a saved record),
 * wherever it is in the list; false when the list does not have it. */
bool list_select(struct list *l, struct store *st, const char *col, const char *value,
		 struct err *e);
bool list_find(struct list *l, struct store *st, const char *text, int dir, bool include_sel,
	       struct err *e);
void list_draw(struct list *l, WINDOW *w, int y, int x, int height, int width, bool focus);
/* The cells every column of the list needs (the flexible one at its least). */
int list_full_width(const struct list *l);
/* The row drawn at screen row y, column x, or -1. */
int list_row_at(const struct list *l, int y, int x);
/* Filters the list by cond (taken; NULL: nothing filtered). */
void list_set_filter(struct list *l, struct list_cond *cond);
void list_next_sort(struct list *l);

/* ---- line editor: characters, not bytes ---- */
struct edit {
	wchar_t *buf;
	size_t len, cap, cur;
	int scroll; /* first visible character */
};
void edit_init(struct edit *ed, const char *utf8);
void edit_finish(struct edit *ed);
/* Handles an editing key; false if it is not one. */
bool edit_key(struct edit *ed, int key, bool is_char);
char *edit_text(const struct edit *ed); /* heap UTF-8 */
/* The first n characters (heap UTF-8): the text before the cursor. */
char *edit_text_upto(const struct edit *ed, size_t n);
/* Replaces characters [from, to) by s; the cursor ends after it. false
 * when the line was full (EDIT_MAX) before the end of s. */
bool edit_replace(struct edit *ed, size_t from, size_t to, const char *s);
/* Characters a line holds: a field is no place for a file. */
#define EDIT_MAX 4000
void edit_set(struct edit *ed, const char *utf8);
/* Draws in width cells; returns the cursor's cell column. */
int edit_draw(struct edit *ed, WINDOW *w, int y, int x, int width, attr_t a);

/* ---- the keyboard, pastes and the mouse as terminals send them (keys.c) ---- */
struct app;
/* Teaches curses the keys every client in use sends; turns bracketed paste
 * and (unless config says mouse: off) mouse reporting on. */
void keys_start(struct app *app);
void keys_stop(void);   /* paste and mouse reporting off: exit, suspend */
void keys_resume(void); /* on again after a suspend */
/* Reads everything waiting on the terminal into app_key, app_paste and
 * app_mouse; an unknown escape sequence is swallowed whole. */
void keys_read(struct app *app);
/* Milliseconds until a half-read sequence is given up (-1: none), and the
 * giving up. */
int keys_timeout(int64_t now_ms);
void keys_tick(struct app *app, int64_t now_ms);
enum mouse_event { MOUSE_CLICK, MOUSE_WHEEL_UP, MOUSE_WHEEL_DOWN };
/* Appends code point c to sb as UTF-8. */
void sb_put_cp(struct strbuf *sb, uint32_t c);

/* ---- forms ---- */
struct app;
enum field_kind { F_TEXT, F_NUMBER, F_TIME, F_CHOICE };
struct choice {
	char *id, *label;
	char *parent; /* the id it belongs under (a village's township), or NULL */
	char *also;   /* other names typing finds it by (张书记), \x1f separated, or NULL */
};
struct form_field {
	const char *name;  /* key in the draft and in save() */
	const char *label; /* untranslated */
	enum field_kind kind;
	bool required;
	struct edit ed;
	struct choice *choices; /* F_CHOICE */
	size_t nchoices;
	char *value_id;         /* F_CHOICE: the chosen id */
	char msg[200];          /* inline validation message */
	/* F_CHOICE: the field whose chosen id narrows the choices to those
	 * under it (a village's township), or NULL */
	const char *parent;
	const char *column;     /* the column it is saved as (errors name it), or NULL */
	const char *col_input;  /* the column's input name (errors may name that), or NULL */
	const char *hint;       /* untranslated; shown under it while focused, or NULL */
	int row;                /* screen row of the last draw, -1: not shown */
};
struct form {
	char kind[32];           /* "incident", "note", ... (draft kind) */
	char title[128];
	char target[128];        /* record the form is about (number, code), or "" */
	struct form_field *fields;
	int nfields, focus;
	int top;                 /* first field on screen (form_draw keeps focus in view) */
	int shown;               /* fields form_draw last had room for (PgDn moves so far) */
	bool dirty;
	/* picker state of the focused choice field */
	bool picking;
	int pick_sel;
	/* where the last draw put the pick list on the screen (for clicks):
	 * the row of its first entry shown, that entry, how many shown */
	int pick_y, pick_top, pick_n;
	struct edit pick;
	/* Saves; false with the message in e (and a field's msg set). */
	bool (*save)(struct app *app, struct form *f, struct err *e);
	char status[512];
	bool confirmed;          /* a form that asks once more has been asked */
	bool reads;              /* saves nothing (a filter): opens on a read-only database */
	json_t *data;            /* owned: what dynamic names and labels point into */
};
struct form *form_create(const char *kind, const char *title);
void form_destroy(struct form *f);
struct form_field *form_add(struct form *f, const char *name, const char *label,
			    enum field_kind kind, bool required);
void form_choice(struct form_field *ff, const char *id, const char *label);
/* Other names (\x1f separated) the choice last added is found by. */
void form_choice_also(struct form_field *ff, const char *also);
/* A choice under parent (the id chosen in ff->parent), e.g. a village
 * under its township: shown only when that is chosen or nothing is. */
void form_choice_under(struct form_field *ff, const char *id, const char *label,
		       const char *parent);
/* Puts msg ("name: what is wrong", as the model words it, the name a field's
 * name or column) beside that field, without the name, and focuses the
 * first field with a message; false when msg names no field. */
bool form_blame(struct form *f, const char *msg);
/* Value of a field: text, or the chosen id; "" when empty. Borrowed until
 * the next call. */
const char *form_value(struct form *f, const char *name);
struct form_field *form_field(struct form *f, const char *name);
/* A message that names a column ("occurred_at: ...", "--at: ...") names
 * the field as the form labels it instead. */
void form_set(struct form *f, const char *name, const char *value);
/* A pasted text into the focused field, at the cursor: its line breaks
 * become blanks in a one-line field; into the filter of an open pick list.
 * The draft is written as for typing. */
bool form_paste(struct form *f, const char *text); /* false: cut at EDIT_MAX */
/* A click at screen row y, column x: focuses the field on that row or
 * takes the pick list's entry there. 1 when an entry was taken, 0 when a
 * field was focused, -1 when nothing is there. */
int form_click(struct form *f, int y, int x);
/* Key handling: returns 1 saved (close), -1 cancel asked, 0 go on. */
int form_key(struct app *app, struct form *f, int key, bool is_char);
void form_draw(struct form *f, WINDOW *w, int h, int width);
/* Form content as JSON (for drafts) and back. */
json_t *form_to_json(struct form *f);
void form_from_json(struct form *f, json_t *o);

/* ---- drafts: what is typed survives a hang-up or a crash ---- */
void draft_path_init(const char *db_path);
bool draft_save(struct form *f);   /* atomic replace; fsync when asked */
void draft_sync(void);             /* fsync the last draft (on SIGHUP/SIGTERM) */
json_t *draft_load(void);          /* NULL if none */
void draft_clear(void);

/* ---- panes: a const table of callbacks plus private data ---- */
struct pane;
struct pane_type {
	const char *name;  /* untranslated tab title */
	bool (*init)(struct app *app, struct pane *p);
	void (*destroy)(struct pane *p);
	/* Reload data (after a change elsewhere); keep the selection. */
	void (*reload)(struct app *app, struct pane *p);
	void (*draw)(struct app *app, struct pane *p, WINDOW *w, int h, int width);
	/* true when the pane used the action */
	bool (*action)(struct app *app, struct pane *p, enum action a);
	/* Actions this pane answers to, for the help and the hint line. */
	const enum action *actions;
	bool list; /* also answers to the list moves (j/k, PgDn, g/G, n/N, Esc) */
};
struct pane {
	const struct pane_type *type;
	void *data;
	bool detail;      /* a record is open */
	int detail_scroll;
};
extern const struct pane_type pane_overview, pane_incidents, pane_hazards, pane_resources,
	pane_plans;

/* ---- the app ---- */
#define NPANES 5
/* What takes the keys (input.c). The first three are the base: the pane's
 * list, a text view over it, an open form. The others are overlays over a
 * base, which they return to when they close (struct app's mode_under). */
enum mode {
	MODE_LIST,            /* the active pane */
	MODE_VIEW,            /* app->view over the pane */
	MODE_FORM,            /* app->form (a view may be open under it) */
	MODE_HELP,            /* the key help, over the list or a form */
	MODE_PROMPT,          /* the '/' or ':' line, over the list or a view */
	MODE_CONFIRM_DISCARD, /* "discard changes?" over a form */
	MODE_CONFIRM_QUIT,    /* "quit anyway?" after ':q' */
};
static inline bool mode_is_overlay(enum mode m)
{
	return m >= MODE_HELP;
}
struct app {
	struct store *st;
	const char *db_path;
	struct config cfg;     /* config.yaml (src/util/config.c) */
	struct keymap keys;    /* its keys: over the defaults */
	struct node_info node;
	struct pane panes[NPANES];
	int active;
	WINDOW *win;          /* the pane area */
	int rows, cols;
	bool zh;              /* Chinese interface */
	bool too_small;       /* below 80x24: only a notice, only 'q' */
	bool running;
	enum mode mode;       /* what takes the keys; changed by app_set_mode() */
	enum mode mode_under; /* the base an overlay returns to */
	int help_scroll;
	struct form *form;    /* open form, or NULL */
	/* one-line prompt at the bottom ('/' search, ':' command) */
	char prompt_kind;     /* '/' or ':' */
	struct edit prompt;
	char message[300];    /* shown in the hint line until the next key */
	bool message_error;
	bool readonly;
	int64_t data_version;
	int64_t alerts;       /* stock alerts (below minimum, expiring, expired) */
	char on_duty[128];    /* the open shift's officers; empty with no shift */
	/* the roster's shift under way: its officer and leader; the officer
	 * empty when the roster has none now */
	char roster_officer[128], roster_leader[64];
	int64_t warnings;     /* warnings in force (duty log, until not passed) */
	int64_t sms_queued;   /* warning messages not yet handed to the channel */
	bool sms_down;        /* the channel's last hand-over failed */
	pid_t sms_child;      /* the `sms run --once` under way, 0 if none */
	json_t *stats;        /* cached overview, reloaded on change */
	json_t *sms_cov;      /* warnings sent by SMS lately: sms_coverage_since */
	int clock_minute;
	bool dirty;           /* repaint needed */
	struct deadline_rules rules;
	int64_t overdue;      /* incidents with a report overdue */
	bool deadlines_stale; /* count them again on the next turn */
	char *view;           /* a text view over the pane (report, log, history) */
	struct form *next_form; /* opened when the form being saved closes */
	int view_scroll;
	int view_hscroll;     /* cells of the view scrolled off to the left */
	/* Tab on the ':' line: the candidates a second Tab goes through, from
	 * the character where the word being completed starts */
	json_t *complete;
	size_t complete_next, complete_from;
	struct sync_bg *sync; /* background sync (sync_bg.c) */
	/* the record a save made, selected by its pane's list when it reloads */
	const struct pane_type *select_in;
	char select_key[64];
	int tab_x[NPANES + 1]; /* where each tab starts on row 1, and the last ends */
};
/* The deadline rules the console uses (for list cells). */
extern const struct deadline_rules *tui_rules;
/* Sets the message line (printf-like); error makes it stand out. */
void app_message(struct app *app, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Opens f as the active form (the app owns it from now on). */
void app_open_form(struct app *app, struct form *f);
/* Asks the list of pane type t to select the record key (just saved) when
 * it reloads, which app_changed() makes it do. */
void app_select(struct app *app, const struct pane_type *t, const char *key);
/* Marks every pane for reload after a local write. */
void app_changed(struct app *app);
/* Shows text over the pane, scrollable both ways; takes the string. */
void app_open_view(struct app *app, char *text);
/* Goes to pane i (0-4). */
void app_switch_pane(struct app *app, int i);
/* The one place the mode changes (input.c): an overlay remembers the base
 * it opens over, a base mode ends any overlay; the cursor shows in the
 * prompt and in a form. */
void app_set_mode(struct app *app, enum mode m);
/* One key (is_char: a character, else a curses key code). */
void app_key(struct app *app, int key, bool is_char);
/* A pasted text (UTF-8, line breaks as \n): into the field or line that
 * has the focus; over a list, the search line opens with it. */
void app_paste(struct app *app, const char *text);
/* A click or a turn of the wheel at screen row y, column x (from 0). */
void app_mouse(struct app *app, enum mouse_event ev, int y, int x);
/* Paints what is dirty (paint.c), one update of the terminal. */
void app_paint(struct app *app);
/* Takes the terminal's size again and makes the pane window. */
void app_layout(struct app *app);

/* ---- the ':' line (cmdline.c): the verb table, the console's own
 * commands and shortcuts, the forms a verb without options opens ---- */
/* Who the console writes as: the open shift's officers (the header's
 * name), else the configured officer. */
const char *app_officer(const struct app *app);
/* Runs a ':' command line. */
void app_command(struct app *app, const char *line);
/* Opens the view a key asks for: "who" (to call for incident arg) or
 * "history" (of record arg, or of the selected one when arg is ""). */
void app_view(struct app *app, const char *what, const char *arg);
/* Opens the call form (c) about the selected record. */
void app_call(struct app *app);
/* The console's commands and the verbs, a line each: name, a tab, help. */
void cmdline_help(struct app *app, struct strbuf *sb);
/* Tab on the ':' line: the word before the cursor completed (a verb, an
 * option, a value from the store) as far as the candidates agree, the
 * candidates on the message line; Tab again goes through them. */
void cmdline_complete(struct app *app);
/* Any other key ends the going through. */
void cmdline_complete_reset(struct app *app);
/* Label of an enumerated id for the interface language. */
const char *app_label(struct app *app, const struct enum_value *vals, const char *id);
/* Runs the console; returns the process exit code. */
int tui_main(const char *db_path, const char *officer);

/* Forms the panes open (defined in forms.c). */
struct form *form_incident_new(struct app *app);
struct form *form_incident_note(struct app *app, const char *number);
struct form *form_incident_edit(struct app *app, const char *number);
struct form *form_hazard_new(struct app *app, const char *kind);
struct form *form_hazard_edit(struct app *app, const char *code);
struct form *form_inspection(struct app *app, const char *code);
struct form *form_stock_move(struct app *app, const char *depot, const char *item);
struct form *form_dispatch(struct app *app, const char *number);
struct form *form_activate(struct app *app, const char *plan_key);
struct form *form_item_note(struct app *app, const char *key);
/* The hazards pane's own filter (what `dutydesk hazard list` selects by);
 * "" or false: any. */
struct hazard_ui_filter {
	char kind[16], subtype[24], scale[8], danger[8], status[16];
	bool overdue, in_warning, to_verify;
};
struct form *form_hazard_filter(struct app *app, const struct hazard_ui_filter *cur,
				const char *township);
void hazards_filter_set(struct app *app, const struct hazard_ui_filter *f, const char *township);
/* Ticks the households of a hazard point evacuated (or back home). */
struct form *form_evacuation(struct app *app, const char *code);
/* Choices of a form field (forms.c): q_choices(what), or enumerated
 * values labelled in the interface language. */
void load_choices(struct app *app, struct form_field *ff, const char *what);
void enum_choices(struct app *app, struct form_field *ff, const struct enum_value *v);
/* Re-creates a form from a draft object (kind + fields); NULL if unknown. */
struct form *form_from_draft(struct app *app, json_t *draft);
/* The watch's forms over verbs (forms_watch.c), by kind: "note" (a
 * timeline entry or report: how, to whom, new figures), "close" (both
 * about the incident target), "warning", "shift_start", "handover",
 * "ack", "stock_return"; NULL for another kind. */
struct form *form_verb(struct app *app, const char *kind, const char *target);
/* A call to a contact (c): about incident (its timeline), else about the
 * record named (the duty log); both may be NULL. */
struct form *form_call(struct app *app, const char *incident, const char *about);
struct form *form_incident_close(struct app *app, const char *number);
/* Runs a verb's words as the ':' line does; a failure's message goes to
 * e (for a form to show), not to the message line. done (translated)
 * replaces a one-line result. */
bool app_run_words(struct app *app, int argc, char **argv, const char *done, struct err *e);

#endif
