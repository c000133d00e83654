/* A list pane: the list widget, filters, and the record it opens. The
 * incidents, hazards and resources panes are list panes with a spec. */
#ifndef DUTYDESK_LPANE_H
#define DUTYDESK_LPANE_H

#include "tui.h"

struct lpane;

struct filter_def {
	const char *label;  /* untranslated */
	const char *preset; /* the condition the list names it by, or NULL for all */
};

struct lpane_spec {
	enum list_id list;  /* what it shows (defined in the store) */
	const struct list_col *cols;
	int ncols, sort_col;
	const struct filter_def *filters;
	int nfilters;
	const char *key_col;      /* row column naming the record (number, code) */
	/* The record as detail lines: appends "label\tvalue" or plain lines. */
	bool (*detail)(struct app *app, const char *key, struct strbuf *out);
	enum role (*row_role)(json_t *row);
	/* Pane-specific actions (add, edit, note, inspect, move); true if used. */
	bool (*action)(struct app *app, struct lpane *lp, enum action a, const char *key);
	/* Optional, for panes with filters of their own (hazards): */
	/* the hazards the list shows (LIST_HAZARDS; its township is the list's); */
	void (*hazards)(struct app *app, struct lpane *lp, struct hazard_filter *f);
	/* says what is filtered, for the status line, instead of the preset; */
	void (*describe)(struct app *app, struct lpane *lp, char *buf, size_t n);
	/* a line under the status line (totals of what is shown), or false; */
	bool (*summary)(struct app *app, struct lpane *lp, char *buf, size_t n);
	/* draws the body instead of the list (another view of it), or false; */
	bool (*body)(struct app *app, struct lpane *lp, WINDOW *w, int y, int h, int width);
	/* told when the rows may have changed (filter, reload); */
	void (*changed)(struct app *app, struct lpane *lp);
	/* the selected row's whole text, shown wrapped under the list when the
	 * record is not beside it (a checklist item), or NULL. */
	const char *(*preview)(json_t *row);
};

struct lpane {
	const struct lpane_spec *spec;
	struct list list;
	int filter;
	char township[16];
	char township_name[64];
	char *detail_text;  /* lines of the open (or, when wide, selected) record */
	char detail_key[64];
	int detail_scroll;
	bool stale;         /* reload before the next paint */
};

bool lpane_init(struct app *app, struct pane *p, const struct lpane_spec *spec);
/* Shows another list in the same pane (filters start again). */
void lpane_set_spec(struct app *app, struct pane *p, const struct lpane_spec *spec);
void lpane_destroy(struct pane *p);
void lpane_reload(struct app *app, struct pane *p);
/* Applies the filters again (after a pane's own filter changed). */
void lpane_refilter(struct app *app, struct pane *p);
void lpane_draw(struct app *app, struct pane *p, WINDOW *w, int h, int width);
bool lpane_action(struct app *app, struct pane *p, enum action a);
/* Sets the township filter by name or code ("" clears); message on error. */
bool lpane_township(struct app *app, struct pane *p, const char *text);
/* Starts or continues a '/' search. */
void lpane_search(struct app *app, struct pane *p, const char *text, int dir, bool incl);
const char *lpane_selected_key(struct pane *p);
/* Writes every row of the list as it is filtered and sorted on screen to
 * path as CSV (UTF-8 with BOM, the columns in their screen order); *rows
 * gets the count. */
bool lpane_export(struct app *app, struct pane *p, const char *path, long *rows, struct err *e);

/* Defines the pane type sym: a list pane made from spec, answering to
 * the actions in acts (ACT_NONE-terminated). */
#define LPANE_TYPE(sym, title, spec_, acts)                                  \
	static bool sym##_init(struct app *app, struct pane *p)              \
	{                                                                    \
		return lpane_init(app, p, &(spec_));                         \
	}                                                                    \
	const struct pane_type sym = {.name = (title),                       \
				      .init = sym##_init,                    \
				      .destroy = lpane_destroy,              \
				      .reload = lpane_reload,                \
				      .draw = lpane_draw,                    \
				      .action = lpane_action,                \
				      .actions = (acts),                     \
				      .list = true}

/* Appends a "label\tvalue" line when value is set. */
void detail_line(struct strbuf *out, const char *label, json_t *v);
/* The same for a text (a label, a formatted time) when set. */
void detail_text(struct strbuf *out, const char *label, const char *text);
/* A key of two parts, "HEAD<sep>TAIL": copies HEAD to head and returns
 * TAIL (inside key), or NULL when key is NULL or has no sep. */
const char *key_split(const char *key, char sep, char *head, size_t n);

#endif
