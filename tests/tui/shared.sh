#!/bin/bash
# Several officers on one county server, each under their own login: the
# test makes two officers, a viewer and an outsider (users and groups of
# its own, removed on every exit), shares one database with `demo --shared
# --viewers`, and opens the consoles of all three at once.
# - each officer's writes carry their login (audit, timeline), shown with
#   the name they claimed; --officer and $DUTYDESK_OFFICER name nobody else;
# - the viewer's console says [只读], sees the officers' writes live, and
#   every write it tries is refused with the reason, by the file system too
#   (sqlite3 as the viewer cannot write either);
# - the modes of the database, -wal, -shm and of backups and restores stay
#   the group's; drafts stay private to their login;
# - a viewer reads with -shm gone (and none it may make), and sees the
#   next write once an officer has made it again.
# Needs root (useradd, groupadd, setpriv) and getfacl, sqlite3.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root to create the officers' users and groups"
need useradd userdel groupadd groupdel setpriv getfacl sqlite3

# Names of this run only: parallel runs do not clash.
tag=$(printf '%x%x' $$ "$RANDOM")
G_OFF=ddo$tag G_VIEW=ddv$tag
O1=ddw$tag O2=ddl$tag VIEWER=ddz$tag OUTSIDER=ddx$tag
USERS=()
GROUPS_MADE=()
_shared_finish() {
	local rc=$? u g p
	for u in "${USERS[@]}"; do
		# this run's own users: every process of theirs is this test's
		for p in $(pgrep -u "$u"); do kill -KILL "$p" 2>/dev/null; done
		userdel "$u" 2>/dev/null
	done
	for g in "${GROUPS_MADE[@]}"; do groupdel "$g" 2>/dev/null; done
	(exit "$rc")
	_finish
}
trap _shared_finish EXIT

groupadd "$G_OFF" && GROUPS_MADE+=("$G_OFF") || fail "groupadd $G_OFF"
groupadd "$G_VIEW" && GROUPS_MADE+=("$G_VIEW") || fail "groupadd $G_VIEW"
chmod 711 "$TMP" # the users pass through to their homes and the database
for u in "$O1:$G_OFF" "$O2:$G_OFF" "$VIEWER:$G_VIEW" "$OUTSIDER:"; do
	name=${u%%:*} group=${u#*:}
	useradd -M -N -d "$TMP/h-$name" -s /bin/sh ${group:+-G "$group"} "$name" &&
		USERS+=("$name") || fail "useradd $name"
	mkdir -m 700 "$TMP/h-$name" && chown "$name" "$TMP/h-$name"
done

# The program and its data where every user can read them.
# A copy is no longer in the build tree, so it is told where the build's
# catalogue is (a copy of it), as an installed program knows its own.
BIN=$DUTYDESK DATA=$DUTYDESK_DATA LOCALE=()
if ! setpriv --reuid="$OUTSIDER" --regid=65534 --clear-groups test -x "$BIN" -a -r "$DATA/plans" 2>/dev/null; then
	mkdir -m 755 "$TMP/prog" && cp "$BIN" "$TMP/prog/" && cp -r "$DATA" "$TMP/prog/data" &&
		cp -rL "$(dirname "$BIN")/../locale" "$TMP/prog/locale" &&
		chmod -R a+rX "$TMP/prog" || fail "copying the program where the users can run it"
	BIN=$TMP/prog/$(basename "$BIN") DATA=$TMP/prog/data LOCALE=(DUTYDESK_LOCALEDIR="$TMP/prog/locale")
fi

SRV=$TMP/srv/dutydesk
mkdir -p "$SRV" && chmod 755 "$TMP/srv"
DB=$SRV/dutydesk.db

# as USER CMD...: CMD under USER's login, groups and own XDG folders.
as() {
	local u=$1
	shift
	setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups \
		env -i PATH=/usr/bin:/bin HOME="$TMP/h-$u" USER="$u" LOGNAME="$u" \
		XDG_STATE_HOME="$TMP/h-$u/state" XDG_CONFIG_HOME="$TMP/h-$u/config" \
		XDG_DATA_HOME="$TMP/h-$u/data" LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=Asia/Shanghai \
		DUTYDESK_DATA="$DATA" DUTYDESK_DB="$DB" "${LOCALE[@]}" \
		${ASAN_OPTIONS:+ASAN_OPTIONS=$ASAN_OPTIONS} "$@"
}
# dd_as USER ARGS...: the CLI as USER.
dd_as() {
	local u=$1
	shift
	as "$u" "$BIN" "$@"
}
# start_as SESSION USER [VAR=value...]: USER's console in its own session.
start_as() {
	local s=$1 u=$2
	shift 2
	local cmd="exec setpriv --reuid=$u --regid=$(id -g "$u") --init-groups env -i"
	cmd+=" PATH=/usr/bin:/bin HOME=$TMP/h-$u USER=$u LOGNAME=$u TERM=screen"
	cmd+=" XDG_STATE_HOME=$TMP/h-$u/state XDG_CONFIG_HOME=$TMP/h-$u/config"
	cmd+=" LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=Asia/Shanghai DUTYDESK_DATA=$DATA ${LOCALE[*]}"
	local a
	for a in "$@"; do cmd+=" $(printf '%q' "$a")"; done
	cmd+=" $BIN --db $DB"
	use "$s"
	tm new-session -d -s "$s" -x 100 -y 30 "$cmd" 2>"$TMP/tmux.err" ||
		fail "tmux new-session $s: $(cat "$TMP/tmux.err")"
	tm resize-window -t "$s" -x 100 -y 30 2>/dev/null
}
# mode_of FILE: "mode group", e.g. "660 ddo1a2b"
mode_of() { stat -c '%a %G' "$1"; }
# expect_shared FILE WHAT: the group's, read-write, readable by the viewers.
expect_shared() {
	expect_eq "$(mode_of "$1")" "660 $G_OFF" "$2: mode and group of $1"
	getfacl -cp "$1" 2>/dev/null | grep -qx "group:$G_VIEW:r--" ||
		fail "$2: $1 is not readable by the viewers: $(getfacl -cp "$1" 2>&1 | tr '\n' ' ')"
	pass
}
expect_all_shared() {
	local f
	expect_eq "$(mode_of "$SRV")" "2770 $G_OFF" "$1: the folder"
	for f in "$DB" "$DB-wal" "$DB-shm"; do expect_shared "$f" "$1"; done
}

# ---- one step: the database made and shared ----
"$BIN" --db "$DB" demo --shared "$G_OFF" --viewers "$G_VIEW" >"$TMP/demo.out" 2>&1 ||
	fail "demo --shared: $(cat "$TMP/demo.out")"
grep -qF "shared: the group $G_OFF writes it" "$TMP/demo.out" || fail "demo --shared said: $(cat "$TMP/demo.out")"
pass
expect_all_shared "after demo --shared"

# ---- who may not: an outsider is told which group to join ----
out=$(dd_as "$OUTSIDER" incident list 2>&1) && fail "an outsider read the database: $out"
expect_contains "$out" "usermod -aG $G_OFF $OUTSIDER" "the outsider's error names the group"
out=$(dd_as "$O1" share "$G_OFF" 2>&1) && fail "an officer re-shared root's database"
expect_contains "$out" "belongs to root" "share by another login"

# ---- the three consoles at once ----
start_as o1 "$O1" DUTYDESK_OFFICER=王明
start_as o2 "$O2" DUTYDESK_OFFICER=李强
start_as v "$VIEWER" LANGUAGE=zh_CN
for s in o1 o2 v; do
	use "$s"
	if [ "$s" = v ]; then wait_for "同步"; else wait_for "sync"; fi
	keys 1
	wait_for "永和-2026-0001"
done
use o1 && wait_for "王明"
use o2 && wait_for "李强"
use v && wait_for "[只读]"

# ---- each officer writes from their console; the viewer sees it live ----
use o1
keys :
type_text "incident add --title 王明录入的接报 --type collapse"
keys Enter
wait_for_re "永和-2026-[0-9]{4}"
use o2
keys :
type_text "log add 李强的值班记录"
keys Enter
use v
wait_for "王明录入的接报"
last_actor() { sqlite3 "$DB" "SELECT actor FROM audit WHERE detail LIKE '%$1%' ORDER BY id DESC LIMIT 1"; }
wait_eq "the audit row of 王明's incident" "$O1" last_actor 王明录入的接报
wait_eq "the audit row of 李强's log entry" "$O2" last_actor 李强的值班记录
expect_eq "$(sqlite3 "$DB" "SELECT actor FROM timeline ORDER BY rowid DESC LIMIT 1")" "$O1" \
	"the timeline entry of 王明's incident"
expect_all_shared "after the consoles' writes"
# audit and the log show both the name and the login
out=$(dd_as "$VIEWER" --json log list)
expect_contains "$out" "李强 ($O2)" "the duty log's author"
out=$(dd_as "$VIEWER" --json audit)
expect_contains "$out" "王明 ($O1)" "the audit's actor"

# ---- the viewer cannot write: our check and the file system's ----
use v
keys :
type_text "log add 领导想写"
keys Enter
wait_for "只读"
wait_for "$G_OFF"
# a form is refused as it opens (saying which), before anything is typed
keys :
type_text warning
keys Enter
wait_for "收到预警: "
expect_screen_lacks "预警颜色"
out=$(dd_as "$VIEWER" log add 领导想写 2>&1) && fail "the viewer wrote through the CLI"
expect_contains "$out" "read only" "the viewer's CLI write refused with the reason"
out=$(as "$VIEWER" sqlite3 "$DB" "INSERT INTO counter (name, value) VALUES ('x', 1)" 2>&1) &&
	fail "sqlite3 as the viewer wrote the database"
expect_contains "$out" "readonly" "the file system refuses the viewer's write"
expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM duty_entry WHERE text = '领导想写'")" 0 "no viewer's entry"

# ---- --officer and DUTYDESK_OFFICER name nobody else ----
out=$(dd_as "$O2" --officer 王明 log add 冒名 2>&1) && fail "$O2 wrote as 王明"
expect_contains "$out" "王明 is the name of login $O1" "--officer of another's name"
out=$(as "$O2" env DUTYDESK_OFFICER="$O1" "$BIN" log add 冒名 2>&1) && fail "$O2 wrote as $O1"
expect_contains "$out" "not as another login" "DUTYDESK_OFFICER of another login"
out=$(dd_as "$O2" --officer 新名字 log add 改名 2>&1) && fail "$O2 renamed themselves"
expect_contains "$out" "your name on the shared database" "a second name"
expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM duty_entry WHERE text IN ('冒名', '改名')")" 0 \
	"nothing written under a false name"
out=$(dd_as "$O1" officer name "$O2" 冒充 2>&1) && fail "$O1 renamed $O2"
expect_contains "$out" "only root names other logins" "renaming another login"
"$BIN" --db "$DB" officer name "$O2" 李强强 >/dev/null || fail "the owner renames $O2"
expect_contains "$(dd_as "$VIEWER" officer list)" 李强强 "officer list"
"$BIN" --db "$DB" officer name "$O2" 李强 >/dev/null || fail "the owner renames $O2 back"
dd_as "$O2" --officer 李强 log add 本人记录 >/dev/null || fail "$O2 under their own name"
expect_eq "$(last_actor 本人记录)" "$O2" "the own name acts as the login"

# ---- a handover acknowledged names the login ----
dd_as "$O1" shift start >/dev/null || fail "shift start"
dd_as "$O1" shift handover --to 李强 >/dev/null || fail "shift handover"
out=$(dd_as "$O2" shift ack --name 王明 2>&1) && fail "$O2 acknowledged as 王明"
dd_as "$O2" shift ack >/dev/null || fail "shift ack"
expect_eq "$(sqlite3 "$DB" "SELECT acked_by FROM shift WHERE acked_by IS NOT NULL")" "李强 ($O2)" \
	"acknowledged by"
expect_eq "$(sqlite3 "$DB" "SELECT officers FROM shift WHERE ended_at IS NULL")" "李强 ($O2)" \
	"the new shift's officer"

# ---- drafts stay private ----
use o1
keys Escape a
wait_for "New incident"
type_text '未保存的草稿'
draft_dir=$TMP/h-$O1/state/dutydesk/drafts
deadline=$((SECONDS + WAIT))
until ls "$draft_dir"/*.json >/dev/null 2>&1; do
	[ "$SECONDS" -lt "$deadline" ] || fail "no draft of $O1 was written within ${WAIT}s"
	sleep 0.05
done
for f in "$draft_dir"/*.json; do expect_eq "$(stat -c %a "$f")" 600 "the draft's mode"; done
expect_eq "$(stat -c %a "$draft_dir")" 700 "the drafts folder's mode"
as "$O2" cat "$draft_dir"/*.json >/dev/null 2>&1 && fail "$O2 read $O1's draft"
pass
keys Escape

# ---- backup and restore keep the files shared ----
dd_as "$O2" backup "$SRV/before.db" >/dev/null || fail "backup by $O2"
expect_shared "$SRV/before.db" "a backup"
dd_as "$O2" report daily --out "$SRV/daily.txt" >/dev/null || fail "report --out by $O2"
expect_shared "$SRV/daily.txt" "a report written beside the database"
dd_as "$O1" log add 备份之后 >/dev/null || fail "a write after the backup"
dd_as "$O1" restore "$SRV/before.db" >"$TMP/restore.out" 2>&1 || fail "restore: $(cat "$TMP/restore.out")"
expect_all_shared "after a restore"
for f in "$SRV"/dutydesk.db.before-restore-*; do expect_shared "$f" "the database kept aside"; done
dd_as "$VIEWER" log list | grep -qF 备份之后 && fail "the restore left the later entry"
pass

# ---- -shm gone: the viewer still reads, and sees the next write ----
for s in o1 o2 v; do tm kill-session -t "$s" 2>/dev/null; done
deadline=$((SECONDS + WAIT))
while pgrep -u "$O1,$O2,$VIEWER" dutydesk >/dev/null; do
	[ "$SECONDS" -lt "$deadline" ] || fail "the consoles did not end within ${WAIT}s"
	sleep 0.05
done
[ -e "$DB-shm" ] || fail "-shm was not kept after the last console closed"
pass
sqlite3 "$DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null && rm -f "$DB-wal" "$DB-shm"
out=$(dd_as "$VIEWER" incident list 2>&1) || fail "the viewer could not read without -shm: $out"
expect_contains "$out" "王明录入的接报" "read without -shm"
start_as v "$VIEWER" LANGUAGE=zh_CN
wait_for "[只读]"
keys 1
wait_for "王明录入的接报"
dd_as "$O1" incident add --title 再次写入 --type collapse >/dev/null || fail "a write after -shm was gone"
expect_all_shared "the files made again"
use v
wait_for "再次写入"
