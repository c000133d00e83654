/* Emergency plans (应急预案) as YAML files: a strict loader that names
 * every problem as file:line:column: path.to.key: what was expected, and
 * gives the plan as a JSON value (the form it is stored in, snapshot by
 * version, and printed). See dutydesk-plans(5). */
#ifndef DUTYDESK_PLAN_H
#define DUTYDESK_PLAN_H

#include <jansson.h>
#include <stddef.h>

/* The plan, or NULL with *errors (a new array of messages, also set on
 * success as an empty array) naming every problem: a broken plan never
 * half-loads. Items carry id, text, unit, within (minutes), after, items. */
json_t *plan_load(const char *path, json_t **errors);
json_t *plan_load_mem(const char *name, const char *buf, size_t len, json_t **errors);

/* Level names from the lowest response up. */
extern const char *const plan_levels[4]; /* "IV", "III", "II", "I" */
/* A level as Ⅰ Ⅱ Ⅲ Ⅳ (the Unicode Roman numerals) in ASCII, "I".."IV";
 * any other text (NULL too) as it is. */
const char *plan_level_ascii(const char *s);

#endif
