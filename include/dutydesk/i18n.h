/* The interface's language, and its Chinese catalogue read straight from
 * the compiled .mo file (the format of GNU gettext's manual, "The Format of
 * GNU MO Files"), not through gettext(3): gettext only translates under a
 * generated LC_MESSAGES locale and ignores LANGUAGE under the C locale, and
 * a duty room's server often has neither. Every layer may translate; the
 * language is chosen once, at start. */
#ifndef DUTYDESK_I18N_H
#define DUTYDESK_I18N_H

#include <stdbool.h>
#include <stddef.h>

#define _(s) i18n_tr(s)
#define N_(s) (s)

/* The translation of msgid in the chosen language; msgid itself in English,
 * for a string the catalogue lacks, or before i18n_init(). */
const char *i18n_tr(const char *msgid) __attribute__((format_arg(1)));

/* Under the Chinese interface with $DUTYDESK_I18N_MISSES set: text (a
 * message format about to be shown) is noted in that file when it holds
 * English words and is not a translation from the catalogue. i18n_tr notes
 * every msgid it cannot translate there too; tests read the file. */
void i18n_check_shown(const char *text);

/* Whether the user asked for Chinese: language is config.yaml's "zh",
 * "en", "auto" or "". For auto, the first of LANGUAGE (its first entry),
 * LC_ALL, LC_MESSAGES and LANG that is set decides: zh... is Chinese. No
 * locale needs to exist. */
bool i18n_wants_zh(const char *language);

/* Chooses the language (as i18n_wants_zh) and, for Chinese, loads the
 * catalogue: $DUTYDESK_LOCALEDIR, else the build tree's for a binary run
 * from it, else the install prefix's (each <dir>/zh_CN/LC_MESSAGES/
 * dutydesk.mo). Returns whether the interface is Chinese; false with a
 * reason in note (if not NULL) when Chinese was asked for but no catalogue
 * could be read. */
bool i18n_init(const char *language, char *note, size_t n);
/* Whether the interface is Chinese. */
bool i18n_zh(void);
/* Whether the running program is one of the build tree's: only then are
 * the source tree's data and plans and the build tree's catalogue read
 * when the installed ones are missing. An installed program never looks
 * there (the paths are the build machine's: a world-writable /tmp, say). */
bool run_from_build_tree(void);

/* The catalogue at path, replacing the current one; false with a reason
 * when the file is missing or not a well-formed UTF-8 .mo file (then
 * nothing is translated). NULL unloads. */
bool i18n_load(const char *path, char *why, size_t n);
/* Where the catalogue was read from, or "". */
const char *i18n_catalogue(void);

#endif
