/* The console's entry point, for the CLI's dispatcher. */
#ifndef DUTYDESK_TUI_MAIN_H
#define DUTYDESK_TUI_MAIN_H

/* Runs the console on the database at db_path; the process exit code. */
int tui_main(const char *db_path, const char *officer);

#endif
