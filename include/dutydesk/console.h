/* The console's entry point, for the one main() of dutydesk (src/cli/main.c):
 * with no command on a terminal it runs the console. */
#ifndef DUTYDESK_CONSOLE_H
#define DUTYDESK_CONSOLE_H

/* Runs the console on the database at db_path; the process exit code. */
int tui_main(const char *db_path, const char *officer);

#endif
