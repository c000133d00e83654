/* The schema, as forward-only migrations. migrations[i] takes a database
 * from PRAGMA user_version i to i + 1; each runs in its own transaction.
 * Never edit a migration that has shipped: add the next one. */
#include "store_impl.h"

/* Columns every synced record carries. Mutable records keep the stamp of
 * their creation and of their last change; per-field stamps of later
 * changes live in field_version. "archived" replaces DELETE. */
#define MUTABLE_COLS \
	"id TEXT PRIMARY KEY, origin_node TEXT NOT NULL, created_hlc TEXT NOT NULL, " \
	"hlc TEXT NOT NULL, archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0,1)), "
/* Append-only facts: written once, never updated or deleted. */
#define APPEND_COLS \
	"id TEXT PRIMARY KEY, origin_node TEXT NOT NULL, hlc TEXT NOT NULL, " \
	"created_at INTEGER NOT NULL, actor TEXT, "
#define APPEND_ONLY(t) \
	"CREATE TRIGGER " t "_no_update BEFORE UPDATE ON " t \
	" BEGIN SELECT RAISE(ABORT, '" t " is append-only'); END;\n" \
	"CREATE TRIGGER " t "_no_delete BEFORE DELETE ON " t \
	" BEGIN SELECT RAISE(ABORT, '" t " is append-only'); END;\n"

static const char v1[] =
	/* ---- local bookkeeping (never synced) ---- */
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) STRICT;\n"
	"CREATE TABLE node (one INTEGER PRIMARY KEY CHECK (one = 1),"
	" node_id TEXT NOT NULL, township_code TEXT REFERENCES division(code),"
	" role TEXT NOT NULL CHECK (role IN ('county','township')),"
	" number_prefix TEXT NOT NULL, hlc TEXT NOT NULL, op_seq INTEGER NOT NULL DEFAULT 0,"
	" created_at INTEGER NOT NULL) STRICT;\n"
	"CREATE TABLE counter (name TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT;\n"
	"CREATE TABLE outbox (op_seq INTEGER PRIMARY KEY, op_id TEXT NOT NULL UNIQUE,"
	" hlc TEXT NOT NULL, tbl TEXT NOT NULL, row_id TEXT NOT NULL, body TEXT NOT NULL,"
	" state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','acked','parked')),"
	" server_seq INTEGER, result TEXT) STRICT;\n"
	"CREATE INDEX outbox_state ON outbox(state, op_seq);\n"
	"CREATE TABLE field_version (tbl TEXT NOT NULL, row_id TEXT NOT NULL, field TEXT NOT NULL,"
	" hlc TEXT NOT NULL, node TEXT NOT NULL, PRIMARY KEY (tbl, row_id, field)) STRICT, WITHOUT ROWID;\n"
	"CREATE TABLE sync_conflict (id INTEGER PRIMARY KEY, tbl TEXT NOT NULL, row_id TEXT NOT NULL,"
	" field TEXT NOT NULL, kept TEXT, lost TEXT, lost_hlc TEXT NOT NULL, lost_node TEXT NOT NULL,"
	" at INTEGER NOT NULL, reviewed INTEGER NOT NULL DEFAULT 0) STRICT;\n"
	"CREATE TABLE audit (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, node TEXT NOT NULL,"
	" actor TEXT, op_id TEXT, tbl TEXT NOT NULL, row_id TEXT NOT NULL,"
	" action TEXT NOT NULL, detail TEXT) STRICT;\n"
	"CREATE INDEX audit_row ON audit(row_id, id);\n"
	"CREATE INDEX audit_at ON audit(at);\n"
	APPEND_ONLY("audit")
	/* ---- reference data (shipped with every database) ---- */
	"CREATE TABLE division (code TEXT PRIMARY KEY, name TEXT NOT NULL,"
	" level TEXT NOT NULL CHECK (level IN ('county','township','village','community')),"
	" parent_code TEXT REFERENCES division(code), illustrative INTEGER NOT NULL DEFAULT 0) STRICT;\n"
	"CREATE INDEX division_name ON division(name, parent_code);\n"
	"CREATE TABLE incident_type (id TEXT PRIMARY KEY,"
	" class TEXT NOT NULL CHECK (class IN ('natural_disaster','accident','public_health','social_security')),"
	" name_zh TEXT NOT NULL UNIQUE, name_en TEXT NOT NULL) STRICT;\n"
	/* ---- synced records ---- */
	"CREATE TABLE contact (" MUTABLE_COLS
	" name TEXT NOT NULL, org TEXT, post TEXT, phone TEXT, mobile TEXT,"
	" township_code TEXT REFERENCES division(code), notes TEXT) STRICT;\n"
	"CREATE TABLE hazard (" MUTABLE_COLS
	" code TEXT NOT NULL UNIQUE,"
	" kind TEXT NOT NULL CHECK (kind IN ('geohazard','fire_unit','major_source','flood_point')),"
	" subtype TEXT, name TEXT NOT NULL, township_code TEXT REFERENCES division(code),"
	" village_code TEXT REFERENCES division(code), grp TEXT, address TEXT, lon REAL, lat REAL,"
	" status TEXT NOT NULL DEFAULT 'registered'"
	"  CHECK (status IN ('registered','mitigated','relocated','written_off')),"
	" status_reason TEXT, notes TEXT,"
	/* geological hazard point */
	" scale TEXT CHECK (scale IN ('large','medium','small')), volume_m3 REAL, stability TEXT,"
	" triggers TEXT, road INTEGER NOT NULL DEFAULT 0, county_town INTEGER NOT NULL DEFAULT 0,"
	" high_risk INTEGER NOT NULL DEFAULT 0, households INTEGER NOT NULL DEFAULT 0,"
	" people INTEGER NOT NULL DEFAULT 0, property_10k REAL,"
	" resp_township TEXT, resp_township_phone TEXT, resp_village TEXT, resp_village_phone TEXT,"
	" monitor TEXT, monitor_phone TEXT, monitor_method TEXT, monitor_freq TEXT,"
	" warning_signal TEXT, evac_route TEXT, shelter TEXT,"
	" hazard_card INTEGER NOT NULL DEFAULT 0, evac_cards INTEGER NOT NULL DEFAULT 0,"
	/* fire key unit */
	" resp_person TEXT, resp_phone TEXT, mgr_person TEXT, mgr_phone TEXT,"
	" floors INTEGER, area_m2 REAL, occupancy INTEGER,"
	/* major hazard source */
	" enterprise TEXT, substance TEXT, grade INTEGER CHECK (grade BETWEEN 1 AND 4),"
	" principal TEXT, principal_phone TEXT, technical TEXT, technical_phone TEXT,"
	" operational TEXT, operational_phone TEXT) STRICT;\n"
	"CREATE INDEX hazard_kind ON hazard(kind, township_code, code);\n"
	"CREATE TABLE household (" MUTABLE_COLS
	" hazard_id TEXT NOT NULL REFERENCES hazard(id), head TEXT NOT NULL, address TEXT,"
	" members INTEGER NOT NULL DEFAULT 1 CHECK (members >= 0), phone TEXT) STRICT;\n"
	"CREATE INDEX household_hazard ON household(hazard_id);\n"
	"CREATE TABLE inspection (" APPEND_COLS
	" hazard_id TEXT NOT NULL REFERENCES hazard(id),"
	" kind TEXT NOT NULL CHECK (kind IN ('pre_flood','in_flood','post_flood','patrol')),"
	" at INTEGER NOT NULL, inspector TEXT,"
	" result TEXT NOT NULL CHECK (result IN ('normal','abnormal')), note TEXT) STRICT;\n"
	"CREATE INDEX inspection_hazard ON inspection(hazard_id, at);\n"
	APPEND_ONLY("inspection")
	"CREATE TABLE shift (" MUTABLE_COLS
	" started_at INTEGER NOT NULL, ended_at INTEGER, officers TEXT NOT NULL, leader TEXT,"
	" notes TEXT) STRICT;\n"
	"CREATE TABLE incident (" MUTABLE_COLS
	" number TEXT NOT NULL UNIQUE, title TEXT NOT NULL,"
	" type TEXT NOT NULL REFERENCES incident_type(id),"
	" level TEXT NOT NULL DEFAULT 'pending' CHECK (level IN ('I','II','III','IV','pending')),"
	" status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','closed')),"
	" township_code TEXT REFERENCES division(code), village_code TEXT REFERENCES division(code),"
	" place TEXT, lon REAL, lat REAL, received_at INTEGER NOT NULL, occurred_at INTEGER,"
	" channel TEXT, reporter TEXT, reporter_phone TEXT, reporter_unit TEXT,"
	" deaths INTEGER NOT NULL DEFAULT 0 CHECK (deaths >= 0),"
	" injured INTEGER NOT NULL DEFAULT 0 CHECK (injured >= 0),"
	" missing INTEGER NOT NULL DEFAULT 0 CHECK (missing >= 0),"
	" trapped INTEGER NOT NULL DEFAULT 0 CHECK (trapped >= 0),"
	" evacuated INTEGER NOT NULL DEFAULT 0 CHECK (evacuated >= 0),"
	" affected INTEGER NOT NULL DEFAULT 0 CHECK (affected >= 0),"
	" loss_10k REAL, hazard_id TEXT REFERENCES hazard(id), summary TEXT,"
	" closed_at INTEGER, shift_id TEXT REFERENCES shift(id)) STRICT;\n"
	"CREATE INDEX incident_received ON incident(received_at, id);\n"
	"CREATE INDEX incident_status ON incident(status, received_at);\n"
	"CREATE TABLE timeline (" APPEND_COLS
	" incident_id TEXT NOT NULL REFERENCES incident(id),"
	" kind TEXT NOT NULL CHECK (kind IN ('received','first_report','follow_up','final_report',"
	"'instruction','dispatch','action','note','correction','status')),"
	" seq INTEGER, text TEXT, corrects_id TEXT REFERENCES timeline(id),"
	" deaths INTEGER, injured INTEGER, missing INTEGER, trapped INTEGER,"
	" shift_id TEXT REFERENCES shift(id)) STRICT;\n"
	"CREATE INDEX timeline_incident ON timeline(incident_id, created_at);\n"
	APPEND_ONLY("timeline")
	"CREATE TABLE depot (" MUTABLE_COLS
	" code TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
	" level TEXT NOT NULL CHECK (level IN ('county','township')),"
	" township_code TEXT REFERENCES division(code), address TEXT, keeper TEXT, phone TEXT,"
	" notes TEXT) STRICT;\n"
	"CREATE TABLE item (" MUTABLE_COLS
	" code TEXT NOT NULL UNIQUE, name TEXT NOT NULL, category TEXT NOT NULL,"
	" national_code TEXT, unit TEXT NOT NULL, min_stock INTEGER NOT NULL DEFAULT 0,"
	" shelf_life_days INTEGER) STRICT;\n"
	"CREATE TABLE stock_movement (" APPEND_COLS
	" depot_id TEXT NOT NULL REFERENCES depot(id), item_id TEXT NOT NULL REFERENCES item(id),"
	" qty INTEGER NOT NULL CHECK (qty <> 0),"
	" kind TEXT NOT NULL CHECK (kind IN ('receive','issue','transfer_out','transfer_in',"
	"'adjust','writeoff','return')),"
	" batch TEXT NOT NULL DEFAULT '', expiry TEXT NOT NULL DEFAULT '',"
	" incident_id TEXT REFERENCES incident(id), transfer_id TEXT, recipient TEXT,"
	" reason TEXT) STRICT;\n"
	"CREATE INDEX stock_movement_depot ON stock_movement(depot_id, item_id);\n"
	APPEND_ONLY("stock_movement")
	"CREATE TABLE team (" MUTABLE_COLS
	" code TEXT NOT NULL UNIQUE, name TEXT NOT NULL, type TEXT NOT NULL, size INTEGER,"
	" leader TEXT, phone TEXT, township_code TEXT REFERENCES division(code), base TEXT,"
	" equipment TEXT, available INTEGER NOT NULL DEFAULT 1) STRICT;\n"
	"CREATE TABLE expert (" MUTABLE_COLS
	" code TEXT NOT NULL UNIQUE, name TEXT NOT NULL, field TEXT NOT NULL, org TEXT,"
	" phone TEXT, township_code TEXT REFERENCES division(code)) STRICT;\n"
	"CREATE TABLE plan (" MUTABLE_COLS
	" plan_key TEXT NOT NULL, version TEXT NOT NULL, title TEXT NOT NULL, source TEXT NOT NULL,"
	" UNIQUE (plan_key, version)) STRICT;\n"
	"CREATE TABLE plan_activation (" MUTABLE_COLS
	" plan_id TEXT NOT NULL REFERENCES plan(id), incident_id TEXT REFERENCES incident(id),"
	" level TEXT NOT NULL CHECK (level IN ('I','II','III','IV')), started_at INTEGER NOT NULL,"
	" closed_at INTEGER, drill INTEGER NOT NULL DEFAULT 0) STRICT;\n"
	"CREATE TABLE checklist_item (" MUTABLE_COLS
	" activation_id TEXT NOT NULL REFERENCES plan_activation(id), item_key TEXT NOT NULL,"
	" parent_key TEXT, level TEXT NOT NULL, ord INTEGER NOT NULL, text TEXT NOT NULL,"
	" unit TEXT, within_min INTEGER, after_key TEXT,"
	" state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open','done','prev_done','na')),"
	" reason TEXT, UNIQUE (activation_id, item_key)) STRICT;\n"
	"CREATE TABLE checklist_tick (" APPEND_COLS
	" item_id TEXT NOT NULL REFERENCES checklist_item(id),"
	" state TEXT NOT NULL CHECK (state IN ('open','done','prev_done','na')), reason TEXT) STRICT;\n"
	"CREATE INDEX checklist_tick_item ON checklist_tick(item_id, created_at);\n"
	APPEND_ONLY("checklist_tick");

/* Stock on hand per lot, derived from the movements by trigger in the same
 * transaction so that a balance never scans the ledger. Never synced:
 * rebuilt from stock_movement whenever in doubt (see store_check). */
static const char v2[] =
	"CREATE TABLE stock_lot (depot_id TEXT NOT NULL, item_id TEXT NOT NULL,"
	" batch TEXT NOT NULL, expiry TEXT NOT NULL, qty INTEGER NOT NULL,"
	" PRIMARY KEY (depot_id, item_id, batch, expiry)) STRICT, WITHOUT ROWID;\n"
	"CREATE INDEX stock_lot_expiry ON stock_lot(expiry) WHERE expiry <> '';\n"
	"INSERT INTO stock_lot SELECT depot_id, item_id, batch, expiry, sum(qty)"
	" FROM stock_movement GROUP BY 1, 2, 3, 4;\n"
	"CREATE TRIGGER stock_lot_add AFTER INSERT ON stock_movement BEGIN"
	" INSERT INTO stock_lot VALUES (new.depot_id, new.item_id, new.batch, new.expiry, new.qty)"
	" ON CONFLICT DO UPDATE SET qty = qty + excluded.qty; END;\n";

/* The overview counts every register figure in one pass over a covering
 * index instead of the wide hazard rows; lists by kind read in code order. */
static const char v3[] =
	"CREATE INDEX hazard_stats ON hazard(status, archived, kind, subtype, scale, road,"
	" county_town, high_risk, households, people);\n"
	"CREATE INDEX hazard_code ON hazard(kind, code);\n";

/* On hand per depot and item, derived like the lots, so that a screenful
 * of the resources list reads a few rows instead of grouping every lot. */
static const char v4[] =
	"CREATE TABLE stock_balance (depot_id TEXT NOT NULL, item_id TEXT NOT NULL,"
	" qty INTEGER NOT NULL, PRIMARY KEY (depot_id, item_id)) STRICT, WITHOUT ROWID;\n"
	"INSERT INTO stock_balance SELECT depot_id, item_id, sum(qty) FROM stock_lot GROUP BY 1, 2;\n"
	"CREATE TRIGGER stock_balance_add AFTER INSERT ON stock_movement BEGIN"
	" INSERT INTO stock_balance VALUES (new.depot_id, new.item_id, new.qty)"
	" ON CONFLICT DO UPDATE SET qty = qty + excluded.qty; END;\n";

/* The duty workflow: a fuller intake record, how each report went up,
 * shift handovers, the duty log (entries not tied to an incident) and
 * tasks with deadlines. */
static const char v5[] =
	"ALTER TABLE incident ADD COLUMN reporter_post TEXT;\n"
	"ALTER TABLE incident ADD COLUMN cause TEXT;\n"
	"ALTER TABLE incident ADD COLUMN course TEXT;\n"
	"ALTER TABLE incident ADD COLUMN measures TEXT;\n"
	"ALTER TABLE incident ADD COLUMN trend TEXT;\n"
	"ALTER TABLE incident ADD COLUMN told TEXT;\n"
	"ALTER TABLE incident ADD COLUMN duplicate_of TEXT;\n"
	"ALTER TABLE timeline ADD COLUMN via TEXT;\n"
	"ALTER TABLE timeline ADD COLUMN evacuated INTEGER;\n"
	"ALTER TABLE shift ADD COLUMN handed_to TEXT;\n"
	"ALTER TABLE shift ADD COLUMN handed_at INTEGER;\n"
	"ALTER TABLE shift ADD COLUMN acked_by TEXT;\n"
	"ALTER TABLE shift ADD COLUMN acked_at INTEGER;\n"
	"ALTER TABLE shift ADD COLUMN equipment TEXT;\n"
	"ALTER TABLE shift ADD COLUMN summary TEXT;\n"
	"CREATE INDEX shift_started ON shift(started_at);\n"
	"CREATE TABLE duty_entry (" APPEND_COLS
	" kind TEXT NOT NULL CHECK (kind IN ('call','warning','notice','checkin','nil_report','other')),"
	" at INTEGER NOT NULL, township_code TEXT REFERENCES division(code), source TEXT,"
	" text TEXT NOT NULL, colour TEXT CHECK (colour IN ('blue','yellow','orange','red')),"
	" area TEXT, valid_until INTEGER, shift_id TEXT REFERENCES shift(id)) STRICT;\n"
	"CREATE INDEX duty_entry_at ON duty_entry(at);\n"
	APPEND_ONLY("duty_entry")
	"CREATE TABLE task (" MUTABLE_COLS
	" title TEXT NOT NULL, due_at INTEGER, owner TEXT, done_at INTEGER,"
	" entry_id TEXT REFERENCES duty_entry(id), incident_id TEXT REFERENCES incident(id),"
	" shift_id TEXT REFERENCES shift(id)) STRICT;\n"
	"CREATE INDEX task_open ON task(done_at, due_at);\n";

/* Which entry struck which: corrections are few, so a partial index keeps
 * "is this entry corrected?" from scanning the whole timeline; the duty
 * log and the daily report read the timeline by time. */
static const char v6[] =
	"CREATE INDEX timeline_corrects ON timeline(corrects_id) WHERE corrects_id IS NOT NULL;\n"
	"CREATE INDEX timeline_at ON timeline(created_at);\n";

/* Plan activations: when each item was done and by whom (also in the
 * ticks, append-only), and the summary an activation is closed with. */
static const char v7[] =
	"ALTER TABLE checklist_item ADD COLUMN done_at INTEGER;\n"
	"ALTER TABLE checklist_item ADD COLUMN done_by TEXT;\n"
	"ALTER TABLE checklist_item ADD COLUMN started_at INTEGER;\n"
	"ALTER TABLE plan_activation ADD COLUMN summary TEXT;\n"
	"CREATE INDEX checklist_item_activation ON checklist_item(activation_id, ord);\n";

/* What an incident was sent: found by the incident, not by scanning the
 * ledger. */
static const char v8[] =
	"CREATE INDEX stock_movement_incident ON stock_movement(incident_id)"
	" WHERE incident_id IS NOT NULL;\n";

/* A warning's area as townships (codes, comma separated), so the points
 * inside it can be found; and from when it is in force. */
static const char v9[] =
	"ALTER TABLE duty_entry ADD COLUMN area_codes TEXT;\n"
	"ALTER TABLE duty_entry ADD COLUMN valid_from INTEGER;\n";

/* Hazard registers: imported rows waiting to be checked; households
 * ticked as evacuated (a field, so the latest tick wins everywhere);
 * photos of an inspection by reference; fire-safety defects of a unit
 * and their rectification. */
static const char v10[] =
	"ALTER TABLE hazard ADD COLUMN to_verify INTEGER NOT NULL DEFAULT 0"
	" CHECK (to_verify IN (0,1));\n"
	"ALTER TABLE household ADD COLUMN evacuated_at INTEGER;\n"
	"ALTER TABLE household ADD COLUMN evacuated_by TEXT;\n"
	"ALTER TABLE inspection ADD COLUMN photos TEXT;\n"
	"CREATE TABLE defect (" MUTABLE_COLS
	" hazard_id TEXT NOT NULL REFERENCES hazard(id), found_at INTEGER NOT NULL,"
	" text TEXT NOT NULL, due_at INTEGER,"
	" state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open','rectifying','rectified')),"
	" rectified_at INTEGER, note TEXT) STRICT;\n"
	"CREATE INDEX defect_hazard ON defect(hazard_id, state);\n";

/* Sync state of this database as a node: where its pull got to in the
 * hub's log, which hub epoch that cursor belongs to, and how the last run
 * went (words for the header). The inbox holds remote ops that cannot be
 * applied yet (an update of a row whose insert has not arrived); they are
 * applied as soon as it does; a remote op this database cannot take at all
 * (a unique code taken here by another record) stays there too, with its
 * reason, to be seen rather than lost. sync_seen lists the remote ops applied, so
 * that one delivered again (a re-pull after a hub restore) is a duplicate
 * and not a "conflict" with the newer value that replaced it. */
static const char v11[] =
	"CREATE TABLE sync_state (one INTEGER PRIMARY KEY CHECK (one = 1),"
	" cursor INTEGER NOT NULL DEFAULT 0, hub_epoch TEXT, last_attempt INTEGER,"
	" last_success INTEGER, last_error TEXT, last_error_at INTEGER) STRICT;\n"
	"INSERT INTO sync_state (one) VALUES (1);\n"
	"CREATE TABLE sync_inbox (op_id TEXT PRIMARY KEY, tbl TEXT NOT NULL, row_id TEXT NOT NULL,"
	" body TEXT NOT NULL, pusher TEXT, received_at INTEGER NOT NULL, reason TEXT) STRICT;\n"
	"CREATE INDEX sync_inbox_row ON sync_inbox(tbl, row_id);\n"
	"CREATE TABLE sync_seen (op_id TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;\n"
	"CREATE INDEX sync_conflict_row ON sync_conflict(tbl, row_id);\n";

/* Incidents closed lately, found without walking all of them: the
 * deadline clocks look for them every minute. */
static const char v12[] =
	"CREATE INDEX incident_closed ON incident(closed_at) WHERE closed_at IS NOT NULL;\n";

/* Lots by expiry with their quantity in the index: the overview counts
 * expired and expiring stock from the index alone. */
static const char v13[] =
	"DROP INDEX stock_lot_expiry;\n"
	"CREATE INDEX stock_lot_expiry ON stock_lot(expiry, qty) WHERE expiry <> '';\n";

/* A report's recipient (to whom it went: 县政府值班室), and the figures a
 * 续报 may bring beside the casualties: people affected, the direct loss. */
static const char v14[] =
	"ALTER TABLE timeline ADD COLUMN recipient TEXT;\n"
	"ALTER TABLE timeline ADD COLUMN affected INTEGER;\n"
	"ALTER TABLE timeline ADD COLUMN loss_10k REAL;\n";

/* A node's life: the incarnation its op ids carry (0 until the hub gives
 * it another, after a restore or on a replacement PC: "name.K:seq", so no
 * op id is ever made twice), and whether its pull must bring back its own
 * ops too (the database lost some of them) until it has read the log
 * through. */
static const char v15[] =
	"ALTER TABLE node ADD COLUMN incarnation INTEGER NOT NULL DEFAULT 0;\n"
	"ALTER TABLE sync_state ADD COLUMN refill INTEGER NOT NULL DEFAULT 0;\n";

/* On a database shared by several logins of one server: the name each
 * login is shown by (王明 for wangming), and who set it. The login is
 * what the rows record; this table only names it. Local to this file:
 * logins mean nothing on another machine, so it never syncs. */
static const char v_shared22[] =
	"CREATE TABLE IF NOT EXISTS login_name (login TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
	" set_by TEXT NOT NULL, set_at INTEGER NOT NULL);\n";

/* The duty roster (值班表): who is on duty and which leader leads each
 * shift, as this office's monthly sheet says. Local, never synced: each
 * desk has its own sheet (the county's duty room one, a township office
 * another), and the sheet is the truth: importing a month again replaces
 * that month. The shift's times are fixed when it is imported. It can run
 * again over itself (tests/sync/identity.sh makes an older database by
 * setting user_version back). */
static const char v_roster[] =
	"CREATE TABLE IF NOT EXISTS roster (day TEXT NOT NULL,"
	" shift TEXT NOT NULL CHECK (shift IN ('all','day','night')),"
	" officer TEXT NOT NULL, leader TEXT, phone TEXT, notes TEXT,"
	" starts_at INTEGER NOT NULL, ends_at INTEGER NOT NULL CHECK (ends_at > starts_at),"
	" source TEXT, imported_at INTEGER NOT NULL, PRIMARY KEY (day, shift)) STRICT;\n"
	"CREATE INDEX IF NOT EXISTS roster_starts ON roster(starts_at);\n";

/* The contact book: each person's group (county leaders, township
 * leaders, departments, 灾害信息员, monitors, teams) and their further
 * numbers beyond phone and mobile (comma separated); a hazard's monitor and
 * a team's leader as the contact they are (one person, one record, the
 * name and phone on the hazard and the team kept as copies); and the
 * contact a call in the timeline or the duty log was made to. */
static const char v_contacts[] =
	"ALTER TABLE contact ADD COLUMN grp TEXT CHECK (grp IN ('county_leader','township_leader',"
	"'department','info_officer','monitor','team'));\n"
	"ALTER TABLE contact ADD COLUMN phones TEXT;\n"
	"ALTER TABLE hazard ADD COLUMN monitor_contact_id TEXT REFERENCES contact(id);\n"
	"ALTER TABLE team ADD COLUMN leader_contact_id TEXT REFERENCES contact(id);\n"
	"ALTER TABLE timeline ADD COLUMN contact_id TEXT REFERENCES contact(id);\n"
	"ALTER TABLE duty_entry ADD COLUMN contact_id TEXT REFERENCES contact(id);\n"
	"CREATE INDEX contact_name ON contact(name);\n"
	"CREATE INDEX hazard_monitor ON hazard(monitor_contact_id) WHERE monitor_contact_id IS NOT NULL;\n"
	"CREATE INDEX timeline_contact ON timeline(contact_id) WHERE contact_id IS NOT NULL;\n"
	"CREATE INDEX duty_entry_contact ON duty_entry(contact_id) WHERE contact_id IS NOT NULL;\n";

/* Warnings sent by SMS: one row per recipient and warning (never two:
 * the unique key), local to this office (its modem or gateway sends them;
 * not synced). state: queued -> sending (claimed: being handed to the
 * channel under its idempotent key, the channel's own dedup id) -> sent ->
 * delivered; failed after the last retry; replied when an answer came
 * (confirmed_at when it held a confirming word). sms_inbox lists the
 * channel's inbox entries already read; sms_channel how the last hand-over
 * went, for the header. */
static const char v_sms[] =
	"CREATE TABLE sms_message (id INTEGER PRIMARY KEY, warning_id TEXT NOT NULL,"
	" phone TEXT NOT NULL, name TEXT, kind TEXT NOT NULL, township_code TEXT, contact_id TEXT,"
	" text TEXT NOT NULL, channel TEXT NOT NULL, key TEXT NOT NULL UNIQUE,"
	" state TEXT NOT NULL DEFAULT 'queued'"
	"  CHECK (state IN ('queued','sending','sent','delivered','failed','replied')),"
	" tries INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL, queued_at INTEGER NOT NULL,"
	" claimed_at INTEGER, sent_at INTEGER, delivered_at INTEGER, replied_at INTEGER,"
	" confirmed_at INTEGER, reply TEXT, error TEXT, UNIQUE (warning_id, phone)) STRICT;\n"
	"CREATE INDEX sms_message_due ON sms_message(state, next_at);\n"
	"CREATE INDEX sms_message_phone ON sms_message(phone, id);\n"
	"CREATE INDEX sms_message_queued ON sms_message(queued_at);\n"
	"CREATE TABLE sms_inbox (name TEXT PRIMARY KEY, phone TEXT, text TEXT, at INTEGER NOT NULL,"
	" message_id INTEGER) STRICT;\n"
	"CREATE TABLE sms_channel (one INTEGER PRIMARY KEY CHECK (one = 1), channel TEXT,"
	" last_attempt INTEGER, last_ok INTEGER, last_error TEXT) STRICT;\n"
	"INSERT INTO sms_channel (one) VALUES (1);\n";

/* A county node of one area of a province's hub: the area's division code
 * as the hub last said it ('' for the whole hub), so that its digest
 * covers what the hub's does. */
static const char v_area[] = "ALTER TABLE sync_state ADD COLUMN area TEXT NOT NULL DEFAULT '';\n";

/* The hub's divisions this node last loaded, as "EPOCH:GENERATION" of the
 * hub's pull answer ('' before the first: the shipped ones only). */
static const char v_nodediv[] =
	"ALTER TABLE sync_state ADD COLUMN divisions TEXT NOT NULL DEFAULT '';\n";

/* The outbox's few acked ops that wait at the hub for their record (or
 * were given up there), found without walking every op ever acked: each
 * push asks after them, so a backlog of N ops cost N pushes times N rows. */
static const char v_pullspeed[] =
	"CREATE INDEX outbox_hub_waiting ON outbox(state, op_seq)"
	" WHERE result = 'pending' OR result LIKE 'given up: %';\n";

const char *const store_migrations[] = {v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12,
					v13, v14, v15, v_shared22, v_roster, v_contacts, v_sms,
					v_area, v_nodediv, v_pullspeed};
const int store_schema_version = (int)(sizeof store_migrations / sizeof store_migrations[0]);
