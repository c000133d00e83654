#!/usr/bin/env bash
# stock list | receive | issue | transfer
. "$(dirname "$0")/lib.sh"

expect_rc 0 dd demo
qty() { # depot item -> on hand
	run dd stock list --depot "$1" --item "$2" --json
	[ "$RC" -eq 0 ] || fail "stock list --depot $1 --item $2"
	json_get '[.[].qty] | add // 0'
}
total() { # item -> on hand across depots
	run dd stock list --item "$1" --json
	[ "$RC" -eq 0 ] || fail "stock list --item $1"
	json_get '[.[].qty] | add // 0'
}

expect_rc 0 dd stock list
expect_out_has 帐篷
expect_out_has CK-06
expect_rc 0 dd stock list --json
expect_all "stock list keys" . 'has("depot_code") and has("item_code") and has("qty") and has("unit")'
expect_eq "$(json_get '[.[] | select(.depot_code == "CK-00" and .item_code == "WZ-0501") | .qty] | add')" 100 "tents at CK-00"
expect_rc 0 dd stock list --depot CK-02 --json
expect_all "--depot filter" . '.depot_code == "CK-02"'
expect_rc 0 dd stock list --item WZ-0501 --json
expect_all "--item filter" . '.item_code == "WZ-0501"'
expect_eq "$(json_get length)" 7 "depots holding tents"

# receive with batch and expiry.
q0=$(qty CK-02 WZ-0508)
expect_rc 0 dd stock receive --depot CK-02 --item WZ-0508 --qty 40 --batch 202611-99 --expiry 2027-06-30 --reason 县库调拨
expect_eq "$(qty CK-02 WZ-0508)" $((q0 + 40)) "on hand after receive"
expect_eq "$(sqlite3 "$DUTYDESK_DB" "SELECT count(*) FROM stock_lot WHERE batch = '202611-99' AND expiry = '2027-06-30'")" 1 \
	"the received lot keeps its batch and expiry"
expect_rc 0 dd stock receive --depot CK-02 --item WZ-0101 --qty 5
expect_rc 0 dd stock list --depot CK-02 --item WZ-0508 --json
expect_eq "$(json_get '.[0].next_expiry')" 2026-12-18 "next expiry is the earliest lot"

# issue beyond what is on hand: refused, names the available quantity, changes nothing.
avail=$(qty CK-02 WZ-0501)
before=$(db_digest)
expect_rc 1 dd stock issue --depot CK-02 --item WZ-0501 --qty $((avail + 1)) --to 辛庄村
expect_err_has "$avail available"
expect_eq "$(db_digest)" "$before" "database after an issue beyond stock"
expect_eq "$(qty CK-02 WZ-0501)" "$avail" "on hand after a refused issue"

# issue within stock; first-expiring lot goes first.
expect_rc 0 dd stock issue --depot CK-02 --item WZ-0501 --qty 3 --to 辛庄村 --reason 转移安置
expect_eq "$(qty CK-02 WZ-0501)" $((avail - 3)) "on hand after issue"
expect_rc 0 dd stock issue --depot CK-02 --item WZ-0501 --qty $((avail - 3))
expect_eq "$(qty CK-02 WZ-0501)" 0 "issuing everything that is on hand"
expect_rc 1 dd stock issue --depot CK-02 --item WZ-0501 --qty 1
q=$(qty CK-02 WZ-0508)
expect_rc 0 dd stock issue --depot CK-02 --item WZ-0508 --qty 15
expect_eq "$(qty CK-02 WZ-0508)" $((q - 15)) "on hand after issuing the expiring lot"
expect_rc 0 dd stock list --depot CK-02 --item WZ-0508 --json
expect_eq "$(json_get '.[0].next_expiry')" 2027-06-30 "the first-expiring lot (2026-12-18, 15) is issued first"

# transfer: both legs, sum across depots unchanged.
t0=$(total WZ-0501) from0=$(qty CK-00 WZ-0501) to0=$(qty CK-05 WZ-0501)
expect_rc 0 dd stock transfer --from CK-00 --to CK-05 --item WZ-0501 --qty 7 --reason 补足坡头乡储备
expect_eq "$(qty CK-00 WZ-0501)" $((from0 - 7)) "giving depot after transfer"
expect_eq "$(qty CK-05 WZ-0501)" $((to0 + 7)) "receiving depot after transfer"
expect_eq "$(total WZ-0501)" "$t0" "total across depots after transfer"
before=$(db_digest)
expect_rc 1 dd stock transfer --from CK-05 --to CK-00 --item WZ-0501 --qty 100000
expect_eq "$(db_digest)" "$before" "database after a transfer beyond stock"
expect_rc 0 dd stats --json
expect_eq "$(json_get '[.stock.alerts[] | select(.depot_code == "CK-05" and .item_code == "WZ-0501")] | length')" 0 \
	"transfer cleared the below-minimum alert"

# Usage errors change nothing.
before=$(db_digest)
expect_rc 2 dd stock receive --depot CK-02 --item WZ-0508 --qty 10 --expiry 2026-02-30
expect_err_has "2026-02-30"
expect_rc 2 dd stock receive --depot CK-02 --item WZ-0508 --qty 10 --expiry 30/06/2027
expect_rc 2 dd stock receive --depot CK-02 --qty 10
expect_rc 2 dd stock issue --depot CK-02 --item WZ-0508
expect_rc 2 dd stock transfer --from CK-00 --item WZ-0501 --qty 1
expect_rc 2 dd stock receive --depot CK-99 --item WZ-0508 --qty 10
expect_err_has "'CK-99': no such depot"
expect_rc 2 dd stock receive --depot CK-02 --item WZ-9999 --qty 10
expect_err_has "'WZ-9999': no such item"
expect_rc 2 dd stock transfer --from CK-02 --to CK-02 --item WZ-0101 --qty 1
expect_err_has "the same depot"
expect_eq "$(db_digest)" "$before" "database after failed stock commands"
