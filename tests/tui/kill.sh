#!/bin/bash
# The console killed outright (SIGKILL: no handler runs) in the middle of a
# form: the draft written at the last change comes back at the next start.
# Control characters pasted into a field never reach the screen or the
# database; a read-only database shows a banner and refuses a new record's
# form as it opens.
. "$(dirname "$0")/lib.sh"
need sqlite3
make_demo
TITLE='阁底乡永和关村崩塌强杀测试'
drafts=$XDG_STATE_HOME/dutydesk/drafts

start 80 24
wait_for "sync"
keys 1
wait_for "永和-2026-0001"
keys a
wait_for "New incident (phone report)"
# pasted text with control bytes (BEL, ^], ^^, ^_) between the characters:
# dropped, the characters either side meet
type_text "$TITLE"$'\x07\x1d\x1e\x1f'"尾"
wait_for_re "Title\\* +${TITLE}尾 *\$"
keys Tab Enter
wait_for "建筑火灾 building_fire"
type_text '崩塌'
wait_for "崩塌 collapse"
keys Enter
wait_for_re "Type\\* +崩塌 collapse"

pid=$(console_pid)
expect_eq "$(cat "/proc/$pid/comm" 2>/dev/null)" "dutydesk" "the pane's process"
kill -KILL "$pid" || fail "kill -KILL $pid"
wait_exit
expect_eq "$EXIT_STATUS" "signal 9" "killed"
draft_title=$(jq -r '.fields.title' "$drafts"/*.json 2>/dev/null)
expect_eq "$draft_title" "${TITLE}尾" "the title in the draft left by SIGKILL ($(od -An -c <<<"$draft_title" | tr -s ' ' | head -c 300))"
expect_eq "$(jq -r '.fields.type' "$drafts"/*.json)" collapse "the draft's type"
expect_eq "$(dd incident list --json | jq --arg t "$TITLE" '[.[] | select(.title | startswith($t))] | length')" 0 \
	"nothing saved by the kill"
expect_eq "$(sqlite3 "$DB" 'PRAGMA integrity_check')" ok "integrity after the kill"

tm kill-session -t main
start 80 24
wait_for "restored the unsaved form from"
wait_for "New incident (phone report)"
wait_for_re "Title\\* +${TITLE}尾 *\$"
wait_for_re "Type\\* +崩塌 collapse"
keys C-s
wait_for_re "saved 永和-2026-[0-9]{4}"
saved=$(dd incident list --json | jq -r --arg t "$TITLE" '.[] | select(.title | startswith($t)) | .title')
expect_eq "$saved" "${TITLE}尾" "the title of the restored form, saved ($(od -An -c <<<"$saved" | tr -s ' ' | head -c 300))"
tm kill-session -t main

# A read-only database: a banner, reading works, a new record is refused.
if [ "$(id -u)" -eq 0 ]; then
	MNT=$TMP/mnt
	mkdir -p "$MNT"
	if mount -t tmpfs -o size=8m tmpfs "$MNT" 2>/dev/null; then
		# the console must be gone before the file system can be unmounted
		unmount() {
			tm kill-server 2>/dev/null
			local i
			for ((i = 0; i < 40; i++)); do
				umount "$MNT" 2>/dev/null && return 0
				sleep 0.05
			done
			umount -l "$MNT" 2>/dev/null
		}
		trap 'rc=$?; unmount; (exit $rc); _finish' EXIT
		"$DUTYDESK" --db "$DB" backup "$MNT/ro.db" >/dev/null || fail "backup"
		sqlite3 "$MNT/ro.db" 'PRAGMA journal_mode = WAL' >/dev/null
		mount -o remount,ro "$MNT"
		DB=$MNT/ro.db
	else
		# root writes a 0444 file anyway: only a read-only mount will do
		echo "SKIP [$TEST_NAME] part read-only console: mounting a tmpfs is not permitted here"
		exit 0
	fi
else
	chmod 0444 "$DB"
fi
start 80 24
wait_for "[READ-ONLY]"
wait_for "the database is read-only"
keys 1
wait_for "永和-2026-0001"
# the form is refused as it opens, saying which and why, before anything is typed
keys a
wait_for "New incident (phone report): the database"
wait_for "read-only (no write permission"
expect_screen_lacks "Caller's account"
expect_eq "$(dd incident list --json | jq '[.[] | select(.title == "只读测试")] | length')" 0 "nothing written to a read-only database"
tm kill-session -t main
