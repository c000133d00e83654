#!/bin/bash
# The contact book travels like every record: a township's monitor contact
# (made by a hazard added there) and the hazard's link to it reach the
# county; the county's edit of that contact reaches the township with the
# point following it; a call logged at the county names the contact on
# both sides; the digests agree.
. "$(dirname "$0")/lib.sh"

three_nodes
expect_rc 0 node sangbi hazard add --kind geohazard --code SB-C1 --name 桑壁镇测试滑坡 \
	--township 桑壁镇 --monitor 白玉明 --monitor-phone 13600000011
expect_rc 0 node sangbi contact add --name 刘信息 --group info_officer --township 桑壁镇 \
	--mobile 13600000012 --phones 13600000013,0357-7000001
expect_rc 0 node county contact add --name 贺县长 --group county_leader --post 县长 --mobile 13600000014
start_hub
for n in sangbi county sangbi zhihe; do
	expect_rc 0 node_sync "$n"
done

# at the county: the township's contacts, and the point linked to its monitor
expect_rc 0 node county contact show 白玉明 --json
expect_eq "$(json_get '"\(.grp) \(.mobile) \([.hazards[].code] | join(","))"')" "monitor 13600000011 SB-C1" \
	"the monitor's contact and their point at the county"
expect_rc 0 node county contact show 刘信息 --json
expect_eq "$(json_get '"\(.grp) \(.phones)"')" "info_officer 13600000013,0357-7000001" "group and numbers travel"
# the county's own leader reaches the township (a county-wide record)
expect_rc 0 node sangbi contact search hxz --json
expect_eq "$(json_get '[.[].name] | join(",")')" 贺县长 "the county's leader at the township, by initials"

# the county edits the monitor's number; the township's point follows
expect_rc 0 node county contact edit 白玉明 --mobile 13600000021
expect_rc 0 node county contact call 白玉明 --outcome 已通知转移 --about SB-C1
expect_rc 0 node_sync county
expect_rc 0 node_sync sangbi
expect_rc 0 node sangbi hazard show SB-C1 --json
expect_eq "$(json_get '"\(.monitor) \(.monitor_phone)"')" "白玉明 13600000021" "the point follows the edited contact"
expect_rc 0 node sangbi contact show 13600000021 --json
expect_eq "$(json_get '"\(.name) \(.calls | length)"')" "白玉明 1" "the county's call on the township's copy"
expect_rc 0 node sangbi contact list --json
expect_eq "$(json_get '[.[] | select(.name == "白玉明")] | length')" 1 "one record for the monitor"

# the hub and each node agree on what each may see
for n in sangbi county; do
	expect_eq "$(node_digest "$n")" "$(hub_digest "$n")" "$n's digest equals the hub's"
done
