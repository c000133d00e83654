#!/usr/bin/env bash
# demo + stats: every figure of the county plan, and the overview.
. "$(dirname "$0")/lib.sh"
: "${DUTYDESK_DATA:?}"

expect_rc 0 dd demo
expect_true "demo did not create the database" test -f "$DUTYDESK_DB"

expect_rc 0 dd stats --json
check() { expect_eq "$(json_get "$1")" "$2" "stats $1"; }
check .geohazards.total 180
check .geohazards.large 6
check .geohazards.medium 10
check .geohazards.small 164
check .geohazards.road 35
check .geohazards.county_town.total 21
check .geohazards.county_town.large 6
check .geohazards.county_town.medium 10
check .geohazards.county_town.small 5
check .geohazards.high_risk.households 72
check .geohazards.high_risk.people 240
check .fire_key_units.total 36
check .fire_key_units.school 5
check .fire_key_units.middle_school 3
check .fire_key_units.kindergarten 2
check .fire_key_units.hospital 2
check .fire_key_units.scenic 3
check .fire_key_units.other 26

# Figures that follow the demo CSVs, computed independently here.
expected=$(python3 - "$DUTYDESK_DATA" <<'PY'
import csv, sys, datetime as dt
from collections import Counter, defaultdict
d = sys.argv[1]
def rows(p):
    with open(f"{d}/{p}", encoding="utf-8") as f:
        return list(csv.DictReader(l for l in f if not l.startswith("#")))
inc = [r for r in rows("demo/incidents.csv") if r["status"] == "open"]
lv = Counter(r["level"] or "pending" for r in inc)
out = {"open": len(inc)}
for k in ("I", "II", "III", "IV", "pending"):
    out[k] = lv[k]
out["major_sources"] = len(rows("demo/major_sources.csv"))
out["flood_points"] = len(rows("demo/flood_points.csv"))
items = {r["code"]: r for r in rows("items.csv")}
depots = {r["code"]: r for r in rows("demo/depots.csv")}
lots = rows("demo/stock.csv")
on_hand = defaultdict(int)
for l in lots:
    on_hand[(l["depot"], l["item"])] += int(l["qty"])
below = sum(1 for (dp, it), q in on_hand.items()
            if depots[dp]["level"] == "township" and int(items[it]["min_stock"] or 0) > q)
now = dt.date(2026, 11, 28)
exp = [dt.date.fromisoformat(l["expiry"]) for l in lots if l["expiry"]]
out["below_min"] = below
out["expired"] = sum(1 for e in exp if e < now)
out["expiring"] = sum(1 for e in exp if now <= e <= now + dt.timedelta(days=30))
print(" ".join(f"{k}={v}" for k, v in out.items()))
PY
) || fail "could not compute the expected figures from $DUTYDESK_DATA"
for kv in $expected; do
	k=${kv%%=*} v=${kv#*=}
	case $k in
	open) check .incidents.open "$v" ;;
	I | II | III | IV | pending) check ".incidents.by_level.$k" "$v" ;;
	major_sources | flood_points) check ".$k" "$v" ;;
	below_min | expired | expiring)
		check ".stock.$k" "$v"
		check "[.stock.alerts[] | select(.alert == \"$k\")] | length" "$v"
		;;
	esac
done
# Every figure was computed (a missing one would go unchecked above), and the
# sample really exercises them (guards against a vacuous match of zeros).
expect_eq "$(echo "$expected" | tr ' ' '\n' | cut -d= -f1 | sort | paste -sd,)" \
	I,II,III,IV,below_min,expired,expiring,flood_points,major_sources,open,pending "figures computed"
case " $expected " in *" open=4 "*) pass ;; *) fail "demo incidents.csv changed: $expected" ;; esac
for k in below_min expired expiring; do
	v=$(echo "$expected" | tr ' ' '\n' | sed -n "s/^$k=//p")
	expect_true "the demo has $k stock ($v)" test "$v" -gt 0
done

# The same figures in the text overview.
expect_rc 0 dd stats
expect_out_has "180"
expect_out_has "36"
expect_out_has "large 6, medium 10, small 164; road 35"
expect_out_has "72 households, 240 people"
expect_rc 0 dd overview
expect_out_has "180"
# No command at all: the overview.
expect_rc 0 dd
expect_out_has "180"
expect_out_has "36"
expect_out_has "Open incidents"
# --json also works before the command.
expect_rc 0 dd --json stats
check .geohazards.total 180

# demo into a database that holds records: refused, content unchanged.
expect_rc 0 dd incident add --title 额外事件 --type flood
before=$(db_digest)
expect_rc 1 dd demo
expect_err_nonempty
expect_eq "$(db_digest)" "$before" "database after a refused demo"
expect_rc 1 dd demo --township 桑壁镇
expect_eq "$(db_digest)" "$before" "database after a refused demo --township"
expect_rc 0 dd stats --json
check .geohazards.total 180
check .incidents.open 5

# An initialised but empty database may take the demo data.
expect_rc 0 dd --db "$TMP/empty.db" init
expect_rc 0 dd --db "$TMP/empty.db" demo
expect_rc 0 dd --db "$TMP/empty.db" stats --json
check .geohazards.total 180
check .fire_key_units.total 36
