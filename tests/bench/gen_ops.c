/* Queues many local changes in an initialised node database, through the
 * normal record writer (so every one is an op in the outbox): incidents,
 * each with timeline notes. For the sync benchmark and the kill tests.
 *
 *   gen_ops DB INCIDENTS NOTES_EACH TOWNSHIP_CODE
 *
 * Ops made: about INCIDENTS * (2 + NOTES_EACH). Batches of 1000 incidents
 * per transaction. */
#include <stdio.h>
#include <stdlib.h>

#include "dutydesk/dtime.h"
#include "dutydesk/model.h"
#include "dutydesk/store.h"

static const char *const places[] = {"后山坡脚", "河道弯处", "村口老桥", "学校北侧", "煤矿工业广场"};

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: gen_ops DB INCIDENTS NOTES_EACH TOWNSHIP_CODE\n");
		return 2;
	}
	long n = atol(argv[2]), notes = atol(argv[3]);
	struct store *st;
	struct err e = {0};
	if (!store_open(argv[1], 0, &st, &e)) {
		fprintf(stderr, "gen_ops: %s\n", e.msg);
		return 1;
	}
	store_set_actor(st, "基准测试");
	int64_t now = dd_now();
	for (long i = 0; i < n; i++) {
		if (i % 1000 == 0 && !store_begin(st, &e))
			goto fail;
		json_t *f = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I}", "title", "山洪冲毁便道",
				      "type", "flood", "township_code", argv[4], "place",
				      places[i % 5], "received_at", (json_int_t)(now - n + i),
				      "occurred_at", (json_int_t)(now - n + i - 60));
		char number[64];
		bool ok = incident_add(st, f, "群众电话报告，请核实", number, &e);
		json_decref(f);
		for (long k = 0; ok && k < notes; k++)
			ok = incident_log(st, number, "note", "现场人员报告：水位继续上涨，已转移群众", &e);
		if (!ok)
			goto fail;
		if ((i % 1000 == 999 || i == n - 1) && !store_commit(st, &e))
			goto fail;
	}
	store_close(st);
	return 0;
fail:
	fprintf(stderr, "gen_ops: %s\n", e.msg);
	store_rollback(st);
	store_close(st);
	return 1;
}
