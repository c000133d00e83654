/* Sneakernet bundles: the same ops as on the wire, in a file, checked end
 * to end (see sync.h for the format). Writing goes to a temporary file
 * renamed into place, so a bundle is either whole or absent. */
#include "sync_impl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dutydesk/dtime.h"
#include "dutydesk/hash.h"
#include "dutydesk/i18n.h"

#define BUNDLE_MAX (1024L * 1024 * 1024)

void bundle_free(struct bundle *b)
{
	json_decref(b->header);
	json_decref(b->ops);
	json_decref(b->trailer);
	free(b->text);
	memset(b, 0, sizeof *b);
}

/* The key is the hex text of SHA-256(token), all 64 digits of it. */
static void mac_hex(const char *keyhex, const char *text, size_t n, char out[SHA256_HEX])
{
	hmac_sha256_hex(keyhex, strlen(keyhex), text, n, out);
}

bool bundle_write(const char *file, json_t *header, json_t *ops, const char *keyhex, bool sign,
		  struct err *e)
{
	json_t *h = json_deep_copy(header);
	json_object_set_new(h, "count", json_integer((json_int_t)json_array_size(ops)));
	struct strbuf sb;
	sb_init(&sb);
	char *line = json_dumps(h, JSON_COMPACT);
	json_decref(h);
	sb_puts(&sb, line);
	sb_putc(&sb, '\n');
	free(line);
	size_t i;
	json_t *op;
	json_array_foreach(ops, i, op) {
		line = json_dumps(op, JSON_COMPACT | JSON_SORT_KEYS);
		sb_puts(&sb, line);
		sb_putc(&sb, '\n');
		free(line);
	}
	char hex[SHA256_HEX];
	if (sign && keyhex) {
		mac_hex(keyhex, sb.buf, sb.len, hex);
		sb_printf(&sb, "{\"hmac_sha256\":\"%s\"}\n", hex);
	} else {
		sha256_hex(sb.buf, sb.len, hex);
		sb_printf(&sb, "{\"sha256\":\"%s\"}\n", hex);
	}
	char *tmp = xasprintf("%s.tmp", file);
	FILE *f = fopen(tmp, "wb");
	bool ok = f && fwrite(sb.buf, 1, sb.len, f) == sb.len;
	if (f && fflush(f) == 0)
		fsync(fileno(f));
	if (f && fclose(f) != 0)
		ok = false;
	if (ok && rename(tmp, file) != 0)
		ok = false;
	if (!ok) {
		err_set(e, ERR_FAIL, "%s: cannot write the bundle: %s", file, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	sb_finish(&sb);
	return ok;
}

bool bundle_read(const char *file, struct bundle *b, struct err *e)
{
	memset(b, 0, sizeof *b);
	struct strbuf sb;
	sb_init(&sb);
	if (sb_read_file(&sb, file, BUNDLE_MAX) < 0) {
		sb_finish(&sb);
		return err_set(e, ERR_FAIL, "%s: %s", file, strerror(errno));
	}
	b->text = sb_take(&sb);
	size_t len = strlen(b->text);
	if (len < 2 || b->text[len - 1] != '\n') {
		bundle_free(b);
		return err_set(e, ERR_FAIL, "%s: not a dutydesk bundle (cut short?)", file);
	}
	/* The last line is the check over everything before it. */
	size_t last = len - 1;
	while (last > 0 && b->text[last - 1] != '\n')
		last--;
	b->signed_len = last;
	b->trailer = json_loadb(b->text + last, len - last, 0, NULL);
	if (!json_is_object(b->trailer) || last == 0) {
		bundle_free(b);
		return err_set(e, ERR_FAIL, "%s: not a dutydesk bundle (no check line at the end)",
			       file);
	}
	b->ops = json_array();
	size_t pos = 0;
	int lineno = 0;
	while (pos < last) {
		char *nl = memchr(b->text + pos, '\n', last - pos);
		size_t l = (size_t)(nl - (b->text + pos));
		lineno++;
		json_error_t je;
		json_t *j = json_loadb(b->text + pos, l, 0, &je);
		if (!json_is_object(j)) {
			json_decref(j);
			bundle_free(b);
			return err_set(e, ERR_FAIL, "%s: line %d: not a JSON object", file, lineno);
		}
		if (lineno == 1)
			b->header = j;
		else
			json_array_append_new(b->ops, j);
		pos += l + 1;
	}
	if (!json_is_integer(json_object_get(b->header, "dutydesk_bundle"))) {
		bundle_free(b);
		return err_set(e, ERR_FAIL, "%s: line 1: not a dutydesk bundle header", file);
	}
	long long said = (long long)json_integer_value(json_object_get(b->header, "count"));
	size_t held = json_array_size(b->ops);
	if (said != (long long)held) {
		bundle_free(b); /* the numbers are read before: the header goes with it */
		return err_set(e, ERR_FAIL, "%s: the header says %lld ops, the file holds %zu", file,
			       said, held);
	}
	return true;
}

bool bundle_verify_hash(const struct bundle *b, const char *keyhex, const char *file,
			struct err *e)
{
	const char *mac = json_string_value(json_object_get(b->trailer, "hmac_sha256"));
	const char *sum = json_string_value(json_object_get(b->trailer, "sha256"));
	char hex[SHA256_HEX];
	if (mac) {
		if (!keyhex)
			return err_set(e, ERR_FAIL, "%s is signed; give the node's token to check it",
				       file);
		mac_hex(keyhex, b->text, b->signed_len, hex);
		if (!hash_hex_equal(mac, hex))
			return err_set(e, ERR_FAIL, "%s: the signature does not match (altered, or "
				       "signed with another token)", file);
		return true;
	}
	if (keyhex)
		return err_set(e, ERR_FAIL, "%s is not signed; only bundles signed with the node's "
			       "token are accepted", file);
	sha256_hex(b->text, b->signed_len, hex);
	if (!hash_hex_equal(sum, hex))
		return err_set(e, ERR_FAIL, "%s: the checksum does not match (damaged or altered)",
			       file);
	return true;
}

bool sync_export_bundle_keyed(struct store *st, const char *file, const char *token,
			      struct err *e)
{
	struct node_info ni;
	if (!store_node(st, &ni, e))
		return false;
	json_t *rows = store_outbox_kept(st, e);
	if (!rows)
		return false;
	json_t *ops = ops_of_rows(rows);
	json_decref(rows);
	char *epoch = NULL;
	store_sync_epoch(st, &epoch, NULL);
	json_t *hdr = json_pack("{s:i, s:s, s:s, s:s, s:s?, s:I}", "dutydesk_bundle", 1, "from",
				"node", "node", ni.node_id, "township", ni.township_code, "hub_epoch",
				epoch, "created_at", (json_int_t)dd_now());
	free(epoch);
	char keyhex[SHA256_HEX];
	if (token)
		sha256_hex(token, strlen(token), keyhex);
	bool ok = bundle_write(file, hdr, ops, token ? keyhex : NULL, token != NULL, e);
	json_decref(hdr);
	json_decref(ops);
	return ok;
}

bool sync_export_bundle(struct store *st, const char *file, struct err *e)
{
	return sync_export_bundle_keyed(st, file, NULL, e);
}

/* A bundle from another node: only the hub can check a node's signature,
 * so here only an unsigned one is taken, and only from the node named by
 * allow_from, holding only that node's ops. */
static bool node_bundle_ok(const struct bundle *b, const char *from_node, const char *allow_from,
			   const char *file, struct err *e)
{
	if (json_object_get(b->trailer, "hmac_sha256"))
		return err_set(e, ERR_FAIL,
			       _("%s is signed by node %s for the hub, and only the hub can check "
				 "that signature: take it to the hub (dutydeskd import-bundle), or "
				 "have %s write one with --export-bundle FILE --unsigned"),
			       file, from_node, from_node);
	if (!str_eq(allow_from, from_node))
		return err_set(e, ERR_FAIL,
			       _("%s is an unsigned bundle from node %s: anyone could have written "
				 "it; to take it all the same, name its source: "
				 "--allow-unsigned-from %s"),
			       file, from_node, from_node);
	size_t i, n = strlen(from_node);
	json_t *op;
	json_array_foreach(b->ops, i, op) {
		const char *id = json_string_value(json_object_get(op, "op_id"));
		if (!id || strncmp(id, from_node, n) || id[n] != ':')
			return err_set(e, ERR_FAIL,
				       _("%s: op %zu (%s) is not node %s's own: the bundle is "
					 "refused"),
				       file, i + 1, id ? id : "?", from_node);
	}
	return true;
}

bool sync_import_bundle_keyed(struct store *st, const char *file, const char *token,
			      const char *allow_from, struct sync_stats *out, struct err *e)
{
	struct sync_stats s = {0};
	struct node_info ni;
	if (!store_node(st, &ni, e))
		return false;
	struct bundle b;
	if (!bundle_read(file, &b, e))
		return false;
	char keyhex[SHA256_HEX];
	if (token)
		sha256_hex(token, strlen(token), keyhex);
	const char *from = json_string_value(json_object_get(b.header, "from"));
	const char *for_node = json_string_value(json_object_get(b.header, "node"));
	bool from_hub = str_eq(from, "hub");
	bool ok = true;
	if (!from_hub && !str_eq(from, "node"))
		ok = err_set(e, ERR_FAIL, _("%s: line 1: \"from\" must be \"hub\" or \"node\""),
			     file);
	else if (from_hub && !json_object_get(b.trailer, "hmac_sha256"))
		ok = err_set(e, ERR_FAIL,
			     _("%s claims to come from the hub but is not signed (the hub signs "
			       "every bundle): refused"),
			     file);
	else if (from_hub)
		ok = bundle_verify_hash(&b, token ? keyhex : NULL, file, e);
	if (ok && from_hub && !str_eq(for_node, ni.node_id))
		ok = err_set(e, ERR_FAIL, "%s was made by the hub for node %s, not for this node (%s)",
			     file, for_node ? for_node : "?", ni.node_id);
	if (ok && !from_hub && str_eq(for_node, ni.node_id))
		ok = err_set(e, ERR_FAIL, "%s holds this node's own ops; take it to the hub", file);
	if (ok && !from_hub)
		ok = node_bundle_ok(&b, for_node ? for_node : "?", allow_from, file, e) &&
		     bundle_verify_hash(&b, NULL, file, e);
	if (!ok) {
		bundle_free(&b);
		return false;
	}
	/* Like a pull: the ops were checked where they were accepted. */
	if (!store_applying(st, true, e) || !store_begin(st, e)) {
		bundle_free(&b);
		return false;
	}
	size_t i;
	json_t *op;
	json_array_foreach(b.ops, i, op) {
		enum op_status os;
		char msg[512];
		/* Ops from a node are not marked seen: the hub's copy, when it
		 * comes, is still applied. */
		if (!(ok = apply_op(st, op, from_hub ? 0 : APPLY_UNSEEN, &os, msg, sizeof msg, e)))
			break;
		if (os == OP_INVALID && !(ok = inbox_keep(st, op, msg, e)))
			break;
		s.received++;
		if (os == OP_APPLIED || os == OP_CONFLICT_RECORDED || os == OP_PENDING)
			s.pulled++;
		if (os == OP_CONFLICT_RECORDED)
			s.conflicts++;
		if (os == OP_INVALID)
			s.parked++;
	}
	if (ok && from_hub) {
		/* The cursor moves only when the bundle continues where this node is. */
		char *epoch = NULL;
		int64_t cursor = 0;
		const char *be = json_string_value(json_object_get(b.header, "hub_epoch"));
		ok = store_sync_epoch(st, &epoch, e) && store_sync_cursor(st, &cursor, e);
		json_int_t since = json_integer_value(json_object_get(b.header, "since"));
		json_int_t next = json_integer_value(json_object_get(b.header, "next_cursor"));
		if (ok && be && (!epoch || str_eq(epoch, be)) && since <= cursor && next > cursor)
			ok = store_sync_set_position(st, (int64_t)next, be, e);
		free(epoch);
	}
	if (ok)
		ok = store_commit(st, e);
	else
		store_rollback(st);
	store_applying(st, false, NULL);
	bundle_free(&b);
	store_outbox_count(st, "pending", &s.pending, NULL);
	if (out)
		*out = s;
	return ok;
}

bool sync_import_bundle(struct store *st, const char *file, struct sync_stats *out,
			struct err *e)
{
	return sync_import_bundle_keyed(st, file, NULL, NULL, out, e);
}
