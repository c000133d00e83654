/* Makes the large benchmark database: 100,000 incidents with 1,000,000
 * timeline entries, 10,000 hazard points with 200,000 inspections and
 * 1,000,000 stock movements, deterministic from a fixed seed.
 *
 * Reference data, identity and catalogue go through the normal code; the
 * bulk rows are written with plain prepared INSERTs in one transaction, as
 * a snapshot from the hub would arrive (no outbox: they are not local
 * changes). The stock_lot trigger keeps on-hand figures as usual.
 *
 *   gen_large OUT.db [SCALE]    SCALE divides every count (for quick runs)
 *   gen_large --stamp [SCALE]   what a cached database must match to be
 *                               used again: this generator's format, the
 *                               schema version, the scale */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dutydesk/hlc.h"
#include "dutydesk/model.h"
#include "dutydesk/store.h"
#include "store_impl.h" /* the store's statement helpers, for the reference rows */

/* Bump when the generated data changes: cached databases are made again. */
#define GEN_FORMAT 1

/* The schema version this build migrates to (not in a public header). */
extern const int store_schema_version;

static uint64_t rng = 0x141032;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static void die(sqlite3 *db, const char *what)
{
	fprintf(stderr, "gen_large: %s: %s\n", what, db ? sqlite3_errmsg(db) : "");
	exit(1);
}

static sqlite3_stmt *prep(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		die(db, sql);
	return s;
}

static void step(sqlite3 *db, sqlite3_stmt *s)
{
	if (sqlite3_step(s) != SQLITE_DONE)
		die(db, "insert");
	sqlite3_reset(s);
}

static hlc_t clock_ = 0;

/* A fresh id and stamp for a row made at time t (seconds). */
static void stamp(int64_t t, char id[ID_TEXT], char h[HLC_TEXT])
{
	clock_ = hlc_next(clock_, t * 1000);
	hlc_format(clock_, h);
	id_new(id, t * 1000);
}

static void text(sqlite3_stmt *s, int i, const char *v)
{
	sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: gen_large OUT.db [SCALE]\n");
		return 2;
	}
	if (!strcmp(argv[1], "--stamp")) {
		printf("gen_large format %d, schema %d, scale %d\n", GEN_FORMAT, store_schema_version,
		       argc > 2 && atoi(argv[2]) > 1 ? atoi(argv[2]) : 1);
		return 0;
	}
	const char *path = argv[1];
	int scale = argc > 2 ? atoi(argv[2]) : 1;
	if (scale < 1)
		scale = 1;
	const int n_inc = 100000 / scale, tl_per = 10, n_haz = 10000 / scale, insp_per = 20,
		  n_mov = 1000000 / scale, n_depots = 50;
	remove(path);

	struct store *st;
	struct err e;
	if (!store_open(path, STORE_CREATE, &st, &e) || !store_begin(st, &e) ||
	    !reference_load(st, &e) ||
	    !store_set_node(st, "bench", NULL, "county", "永和", &e) || !catalogue_load(st, &e) ||
	    !store_commit(st, &e)) {
		fprintf(stderr, "gen_large: %s\n", e.msg);
		return 1;
	}
	json_t *towns = store_rows(st, &e, "SELECT code FROM division WHERE level = 'township'", "");
	json_t *vills = store_rows(st, &e,
		"SELECT code, parent_code FROM division WHERE level IN ('village','community')", "");
	json_t *items = store_rows(st, &e, "SELECT id FROM item", "");
	json_t *types = store_rows(st, &e, "SELECT id FROM incident_type", "");
	store_close(st);

	sqlite3 *db;
	if (sqlite3_open(path, &db) != SQLITE_OK)
		die(db, "open");
	sqlite3_exec(db, "PRAGMA synchronous=OFF; PRAGMA foreign_keys=OFF; PRAGMA cache_size=-200000;"
			 " BEGIN", NULL, NULL, NULL);
	char id[ID_TEXT], h[HLC_TEXT], name[128];
	const int64_t t0 = 1640995200; /* 2022-01-01 */
	const int64_t span = 5LL * 365 * 86400;
	static const char *const levels[] = {"IV", "IV", "IV", "III", "III", "II", "I", "pending"};
	static const char *const kinds[] = {"first_report", "follow_up", "follow_up", "action",
					    "dispatch", "note", "instruction", "follow_up",
					    "final_report", "note"};

	/* depots */
	char (*depots)[ID_TEXT] = calloc(n_depots, ID_TEXT);
	sqlite3_stmt *s = prep(db,
		"INSERT INTO depot (id, origin_node, created_hlc, hlc, code, name, level,"
		" township_code) VALUES (?1, 'bench', ?2, ?2, ?3, ?4, ?5, ?6)");
	for (int i = 0; i < n_depots; i++) {
		stamp(t0, depots[i], h);
		json_t *tw = json_array_get(towns, (size_t)i % json_array_size(towns));
		text(s, 1, depots[i]);
		text(s, 2, h);
		snprintf(name, sizeof name, "BK-%03d", i);
		text(s, 3, name);
		snprintf(name, sizeof name, "测试储备点%03d", i);
		text(s, 4, name);
		text(s, 5, i == 0 ? "county" : "township");
		text(s, 6, json_string_value(json_object_get(tw, "code")));
		step(db, s);
	}
	sqlite3_finalize(s);

	/* hazards and inspections */
	s = prep(db, "INSERT INTO hazard (id, origin_node, created_hlc, hlc, code, kind, subtype, name,"
		     " township_code, village_code, scale, road, county_town, high_risk, households,"
		     " people, monitor, monitor_phone, lon, lat) VALUES (?1, 'bench', ?2, ?2, ?3, ?4,"
		     " ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, '监测员', '13800000000', ?15, ?16)");
	sqlite3_stmt *si = prep(db,
		"INSERT INTO inspection (id, origin_node, hlc, created_at, actor, hazard_id, kind, at,"
		" inspector, result, note) VALUES (?1, 'bench', ?2, ?3, 'bench', ?4, ?5, ?3, '巡查员',"
		" ?6, '例行巡查')");
	static const char *const insp_kinds[] = {"pre_flood", "in_flood", "post_flood", "patrol"};
	static const char *const sub[] = {"landslide", "collapse", "debris_flow", "unstable_slope"};
	static const char *const scales[] = {"small", "small", "small", "medium", "large"};
	for (int i = 0; i < n_haz; i++) {
		char hid[ID_TEXT];
		stamp(t0 + i, hid, h);
		json_t *v = json_array_get(vills, rnd((uint32_t)json_array_size(vills)));
		bool geo = i % 10 != 0;
		text(s, 1, hid);
		text(s, 2, h);
		snprintf(name, sizeof name, "BH-%06d", i);
		text(s, 3, name);
		text(s, 4, geo ? "geohazard" : "fire_unit");
		text(s, 5, geo ? sub[rnd(4)] : "other");
		snprintf(name, sizeof name, "测试隐患点%06d号", i);
		text(s, 6, name);
		text(s, 7, json_string_value(json_object_get(v, "parent_code")));
		text(s, 8, json_string_value(json_object_get(v, "code")));
		if (geo)
			text(s, 9, scales[rnd(5)]);
		else
			sqlite3_bind_null(s, 9);
		sqlite3_bind_int(s, 10, rnd(5) == 0);
		sqlite3_bind_int(s, 11, rnd(8) == 0);
		sqlite3_bind_int(s, 12, rnd(20) == 0);
		sqlite3_bind_int(s, 13, (int)rnd(20));
		sqlite3_bind_int(s, 14, (int)rnd(80));
		sqlite3_bind_double(s, 15, 110.5 + rnd(40000) / 100000.0);
		sqlite3_bind_double(s, 16, 36.6 + rnd(30000) / 100000.0);
		step(db, s);
		for (int k = 0; k < insp_per; k++) {
			int64_t t = t0 + (int64_t)rnd((uint32_t)span);
			stamp(t, id, h);
			text(si, 1, id);
			text(si, 2, h);
			sqlite3_bind_int64(si, 3, t);
			text(si, 4, hid);
			text(si, 5, insp_kinds[k % 4]);
			text(si, 6, rnd(30) ? "normal" : "abnormal");
			step(db, si);
		}
	}
	sqlite3_finalize(s);
	sqlite3_finalize(si);

	/* incidents and timelines, in time order as a real log grows */
	s = prep(db, "INSERT INTO incident (id, origin_node, created_hlc, hlc, number, title, type,"
		     " level, status, township_code, village_code, received_at, occurred_at,"
		     " reporter, reporter_phone, deaths, injured, missing, trapped)"
		     " VALUES (?1, 'bench', ?2, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10 - 600,"
		     " '报告人', '13900000000', ?11, ?12, 0, 0)");
	sqlite3_stmt *stl = prep(db,
		"INSERT INTO timeline (id, origin_node, hlc, created_at, actor, incident_id, kind, seq,"
		" text) VALUES (?1, 'bench', ?2, ?3, '值班员', ?4, ?5, ?6, ?7)");
	for (int i = 0; i < n_inc; i++) {
		char iid[ID_TEXT];
		int64_t t = t0 + (int64_t)i * (span / n_inc);
		stamp(t, iid, h);
		json_t *v = json_array_get(vills, rnd((uint32_t)json_array_size(vills)));
		text(s, 1, iid);
		text(s, 2, h);
		snprintf(name, sizeof name, "永和-%d-%05d", 2022 + (int)((t - t0) / (365 * 86400)), i);
		text(s, 3, name);
		snprintf(name, sizeof name, "测试事件%06d：村道边坡局部垮塌", i);
		text(s, 4, name);
		text(s, 5, json_string_value(json_object_get(json_array_get(
				   types, rnd((uint32_t)json_array_size(types))), "id")));
		text(s, 6, levels[rnd(8)]);
		text(s, 7, i >= n_inc - n_inc / 50 ? "open" : "closed");
		text(s, 8, json_string_value(json_object_get(v, "parent_code")));
		text(s, 9, json_string_value(json_object_get(v, "code")));
		sqlite3_bind_int64(s, 10, t);
		sqlite3_bind_int(s, 11, rnd(50) == 0);
		sqlite3_bind_int(s, 12, (int)rnd(3));
		step(db, s);
		for (int k = 0; k < tl_per; k++) {
			int64_t te = t + 60 * (k + 1);
			stamp(te, id, h);
			text(stl, 1, id);
			text(stl, 2, h);
			sqlite3_bind_int64(stl, 3, te);
			text(stl, 4, iid);
			text(stl, 5, kinds[k]);
			sqlite3_bind_int(stl, 6, k);
			text(stl, 7, "现场人员已到位，正在组织群众转移，暂无人员伤亡报告。");
			step(db, stl);
		}
	}
	sqlite3_finalize(s);
	sqlite3_finalize(stl);

	/* stock: receipts into ten lots per depot and item, then issues */
	s = prep(db, "INSERT INTO stock_movement (id, origin_node, hlc, created_at, actor, depot_id,"
		     " item_id, qty, kind, batch, expiry) VALUES (?1, 'bench', ?2, ?3, '库管员', ?4,"
		     " ?5, ?6, ?7, ?8, ?9)");
	size_t nitems = json_array_size(items);
	for (int i = 0; i < n_mov; i++) {
		int64_t t = t0 + (int64_t)i * (span / n_mov);
		stamp(t, id, h);
		bool receipt = i < n_mov / 4 || rnd(3) == 0;
		unsigned lot = rnd(10);
		char batch[16], expiry[24];
		snprintf(batch, sizeof batch, "B%02u", lot);
		snprintf(expiry, sizeof expiry, "%04u-%02u-15", 2026 + lot / 4, 1 + lot % 12);
		text(s, 1, id);
		text(s, 2, h);
		sqlite3_bind_int64(s, 3, t);
		text(s, 4, depots[rnd(n_depots)]);
		text(s, 5, json_string_value(json_object_get(json_array_get(items, rnd((uint32_t)nitems)), "id")));
		sqlite3_bind_int(s, 6, receipt ? 50 + (int)rnd(100) : -(1 + (int)rnd(20)));
		text(s, 7, receipt ? "receive" : "issue");
		text(s, 8, batch);
		text(s, 9, expiry);
		step(db, s);
	}
	sqlite3_finalize(s);
	if (sqlite3_exec(db, "COMMIT; ANALYZE; PRAGMA journal_mode=WAL;", NULL, NULL, NULL) != SQLITE_OK)
		die(db, "commit");
	sqlite3_close(db);
	free(depots);
	json_decref(towns);
	json_decref(vills);
	json_decref(items);
	json_decref(types);
	printf("gen_large: %s: %d incidents, %d timeline entries, %d hazards, %d inspections,"
	       " %d stock movements\n", path, n_inc, n_inc * tl_per, n_haz, n_haz * insp_per, n_mov);
	return 0;
}
