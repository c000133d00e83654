/* The sync wire codec: a request or reply body as it arrives (size and
 * depth limits, a JSON object), and each op in it checked against the
 * schema without touching a database. */
#include "dutydesk/sync.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bool too_large = false;
	struct err e;
	json_t *body = sync_json_parse((const char *)data, size, &too_large, &e);
	if (!body)
		return 0;
	json_t *ops = json_object_get(body, "ops");
	size_t i;
	json_t *op;
	json_array_foreach(ops, i, op)
		sync_op_valid(op, &e);
	sync_op_valid(body, &e); /* a body that is itself one op */
	json_decref(body);
	return 0;
}
