/* A divisions CSV file (the columns of data/divisions.csv), read and
 * checked against the divisions a database knows: one implementation for
 * dutydeskd divisions import (a hub's) and dutydesk divisions import (a
 * node's own). Reference data: never logged as ops. */
#include <stdlib.h>
#include <string.h>

#include "dutydesk/csv.h"
#include "dutydesk/i18n.h"
#include "dutydesk/model.h"

static const char *const levels[] = {"county", "township", "village", "community"};

/* 0 county, 1 township, 2 village or community; -1: not a level. */
static int level_rank(const char *level)
{
	for (int i = 0; i < 4; i++)
		if (str_eq(level, levels[i]))
			return i < 2 ? i : 2;
	return -1;
}

static bool code_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 1 || n > 15)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= 'a' && s[i] <= 'z')))
			return false;
	return true;
}

/* The file's rows as [{code, name, level, parent_code, illustrative, line}],
 * each field checked on its own; NULL and e naming file:line on the
 * first bad one. */
static json_t *read_rows(const char *file, struct err *e)
{
	struct csv *c = csv_open(file, e);
	if (!c)
		return NULL;
	char **f;
	size_t n, ncols = 0;
	int rc = csv_next(c, &f, &n, e);
	bool ok = rc == 1;
	if (rc == 0)
		ok = err_set(e, ERR_FAIL, _("%s: empty; expected the header "
			     "code,name,level,parent_code[,illustrative]"), file);
	if (ok && ((n == 4 || n == 5) && str_eq(f[0], "code") && str_eq(f[1], "name") &&
		   str_eq(f[2], "level") && str_eq(f[3], "parent_code") &&
		   (n == 4 || str_eq(f[4], "illustrative"))))
		ncols = n;
	else if (ok)
		ok = err_set(e, ERR_FAIL, _("%s:%zu: the header must be "
			     "code,name,level,parent_code[,illustrative]"), file, csv_line(c));
	json_t *rows = json_array();
	json_t *seen = json_object(); /* code -> its line */
	while (ok && (rc = csv_next(c, &f, &n, e)) == 1) {
		size_t line = csv_line(c);
		long long ill = 0;
		if (n != ncols)
			ok = err_set(e, ERR_FAIL, _("%zu fields, expected %zu"), n, ncols);
		else if (!code_ok(f[0]))
			ok = err_set(e, ERR_FAIL, _("code '%s': expected 1 to 15 letters or digits"), f[0]);
		else if (json_object_get(seen, f[0]))
			ok = err_set(e, ERR_FAIL, _("code %s again (first on line %lld)"), f[0],
				     (long long)json_integer_value(json_object_get(seen, f[0])));
		else if (str_empty(f[1]) || strlen(f[1]) > 120)
			ok = err_set(e, ERR_FAIL, _("name: expected 1 to 120 bytes of text"));
		else if (level_rank(f[2]) < 0)
			ok = err_set(e, ERR_FAIL, _("level '%s': expected county, township, village or "
				     "community"), f[2]);
		else if (ncols == 5 && !str_empty(f[4]) && !str_to_ll(f[4], 0, 1, &ill))
			ok = err_set(e, ERR_FAIL, _("illustrative '%s': expected 0 or 1"), f[4]);
		if (!ok) {
			err_prefix(e, "%s:%zu", file, line);
			break;
		}
		json_object_set_new(seen, f[0], json_integer((json_int_t)line));
		json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:s?, s:i, s:I}", "code", f[0],
						      "name", f[1], "level", f[2], "parent_code",
						      str_empty(f[3]) ? NULL : f[3], "illustrative",
						      (int)ill, "line", (json_int_t)line));
	}
	json_decref(seen);
	csv_destroy(c);
	if (ok && rc == 0)
		return rows;
	json_decref(rows);
	return NULL;
}

/* A division's code -> the row, from the file or, failing that, known. */
static json_t *find(json_t *byfile, json_t *known, const char *code)
{
	json_t *r = json_object_get(byfile, code);
	return r ? r : json_object_get(known, code);
}

/* Each row against the others and the divisions the hub knows: parents of
 * the right level, levels unchanged. *added, *changed: how many rows are
 * new or differ; the rows that do neither are dropped. */
static bool check_rows(const char *file, const char *where, json_t *rows, json_t *known,
		       int *added, int *changed, struct err *e)
{
	json_t *byfile = json_object();
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
		json_object_set(byfile, json_string_value(json_object_get(r, "code")), r);
	bool ok = true;
	json_t *keep = json_array();
	json_array_foreach(rows, i, r) {
		const char *code = json_string_value(json_object_get(r, "code"));
		const char *level = json_string_value(json_object_get(r, "level"));
		const char *parent = json_string_value(json_object_get(r, "parent_code"));
		json_t *had = json_object_get(known, code);
		json_t *p = parent ? find(byfile, known, parent) : NULL;
		int rank = level_rank(level);
		const char *had_level = json_string_value(json_object_get(had, "level"));
		if (had && !str_eq(had_level, level))
			ok = err_set(e, ERR_FAIL, _("%s is a %s already (%s); a division keeps its level"),
				     code, had_level, json_string_value(json_object_get(had, "name")));
		else if (rank == 0 && parent)
			ok = err_set(e, ERR_FAIL, _("a county has no parent_code (%s given)"), parent);
		else if (rank > 0 && !parent)
			ok = err_set(e, ERR_FAIL, _("a %s needs its parent_code (its %s)"), level,
				     rank == 1 ? "county" : "township");
		else if (rank > 0 && !p)
			ok = err_set(e, ERR_FAIL, _("parent_code %s: no such division in the file or %s"),
				     parent, where);
		else if (rank > 0 &&
			 level_rank(json_string_value(json_object_get(p, "level"))) != rank - 1)
			ok = err_set(e, ERR_FAIL, _("parent_code %s is a %s; a %s's parent is a %s"), parent,
				     json_string_value(json_object_get(p, "level")), level,
				     rank == 1 ? "county" : "township");
		if (!ok) {
			err_prefix(e, "%s:%lld", file,
				   (long long)json_integer_value(json_object_get(r, "line")));
			break;
		}
		bool same = had && str_eq(json_string_value(json_object_get(had, "name")),
					  json_string_value(json_object_get(r, "name"))) &&
			    str_eq(json_string_value(json_object_get(had, "parent_code")), parent) &&
			    json_integer_value(json_object_get(had, "illustrative")) ==
				    json_integer_value(json_object_get(r, "illustrative"));
		if (!had)
			++*added;
		else if (!same)
			++*changed;
		if (!same)
			json_array_append(keep, r);
	}
	json_decref(byfile);
	json_array_clear(rows);
	json_array_extend(rows, keep);
	json_decref(keep);
	return ok;
}

/* The rows parents first, in the file's order within a level: one pass a
 * level (there are three), so a province's 40,000 rows cost no more than
 * reading them. */
static void parents_first(json_t *rows)
{
	json_t *out = json_array();
	for (int rank = 0; rank < 3; rank++) {
		size_t i;
		json_t *r;
		json_array_foreach(rows, i, r)
			if (level_rank(json_string_value(json_object_get(r, "level"))) == rank)
				json_array_append(out, r);
	}
	json_array_clear(rows);
	json_array_extend(rows, out);
	json_decref(out);
}

json_t *divisions_read(struct store *st, const char *file, const char *where, int *added,
		       int *changed, struct err *e)
{
	*added = *changed = 0;
	json_t *rows = read_rows(file, e);
	json_t *all = rows ? store_divisions(st, NULL, e) : NULL;
	json_t *known = json_object();
	size_t i;
	json_t *r;
	json_array_foreach(all, i, r)
		json_object_set(known, json_string_value(json_object_get(r, "code")), r);
	bool ok = all && check_rows(file, where, rows, known, added, changed, e);
	json_decref(known);
	json_decref(all);
	if (!ok) {
		json_decref(rows);
		*added = *changed = 0;
		return NULL;
	}
	parents_first(rows);
	return rows;
}
