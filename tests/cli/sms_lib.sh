# Sourced by the sms tests after lib.sh: a warning over 桑壁镇 and 坡头乡
# in the demo, with each township's 信息员 and leaders in the contact book
# (one number that is no mobile, one landline) and a config naming the
# channel. Needs W (the warning's id) kept by the caller.

sms_setup() {
	expect_rc 0 dd demo
	cat >"$TMP/contacts.csv" <<'CSV'
name,org,post,phone,mobile,township
(示例)张信息,桑壁镇人民政府,灾害信息员,,13900000001,桑壁镇
(示例)李信息,坡头乡人民政府,灾害信息员,,139 0000 0002,坡头乡
(示例)王书记,桑壁镇人民政府,党委书记,0357-1234567,+86 139-0000-0003,桑壁镇
(示例)赵乡长,坡头乡人民政府,乡长,0357-7654321,,坡头乡
(示例)孙信息,桑壁镇人民政府,灾害信息员,,1390000,桑壁镇
(示例)周信息,打石腰乡人民政府,灾害信息员,,13900000009,打石腰乡
CSV
	expect_rc 0 dd import contacts "$TMP/contacts.csv"
	expect_rc 0 dd warning add --colour orange --townships '桑壁镇,坡头乡' --until '2026-11-29 08:00'
	W=$(cat "$OUT")
	MONITORS=$(sqlite3 "$DUTYDESK_DB" "SELECT count(DISTINCT monitor_phone) FROM hazard
		WHERE kind = 'geohazard' AND status = 'registered' AND archived = 0
		AND township_code IN ('141032101', '141032202') AND monitor_phone IS NOT NULL")
	[ "$MONITORS" -gt 10 ] || fail "the demo has monitors in 桑壁镇 and 坡头乡"
	pass
	# the demo's contact book: its 信息员 and leaders of the two townships
	# by their group (the demo's two township offices, 应急办, are told
	# with the leaders)
	DEMO_INFO=$(sqlite3 "$DUTYDESK_DB" "SELECT count(*) FROM contact WHERE grp = 'info_officer'
		AND township_code IN ('141032101', '141032202') AND archived = 0")
	DEMO_LEAD=$(sqlite3 "$DUTYDESK_DB" "SELECT count(*) FROM contact
		WHERE grp IN ('township_leader', 'department')
		AND township_code IN ('141032101', '141032202') AND archived = 0")
	[ "$DEMO_INFO" -ge 2 ] && [ "$DEMO_LEAD" -ge 2 ] || fail "the demo's contact book has 信息员 and leaders"
	pass
	# the monitors, the demo's book, and of the sheet above two 信息员 and
	# one leader by their posts (the other leader's numbers are a landline
	# and nothing); 周信息 is outside the area
	EXPECTED=$((MONITORS + DEMO_INFO + DEMO_LEAD + 3))
}

# The messages of the warning to each phone: "phone count" lines for
# phones given more than one.
twice() {
	sqlite3 "$DUTYDESK_DB" "SELECT phone, count(*) FROM sms_message GROUP BY warning_id, phone
		HAVING count(*) > 1"
}
