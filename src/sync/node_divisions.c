/* A node's divisions from its hub: the hub says the generation of its
 * divisions in every pull answer; a node that last loaded another (or
 * none) fetches them (GET /v1/divisions) and takes them in one
 * transaction. A division the node has keeps its level; none is ever
 * deleted. And a new office asks the hub who its token is. */
#include "sync_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dutydesk/i18n.h"

/* "EPOCH:GENERATION": what a node compares with what it last loaded. */
static char *seen_key(const char *epoch, json_t *gen)
{
	return xasprintf("%s:%lld", epoch ? epoch : "", (long long)json_integer_value(gen));
}

bool sync_divisions_take(struct store *st, json_t *answer, int *learnt, struct err *e)
{
	json_t *rows = json_object_get(answer, "divisions");
	json_t *gen = json_object_get(answer, "generation");
	const char *epoch = json_string_value(json_object_get(answer, "hub_epoch"));
	*learnt = 0;
	if (!json_is_array(rows) || !json_is_integer(gen) || !epoch)
		return err_set(e, ERR_FAIL,
			       _("the hub's divisions: the answer has no divisions, generation or "
				 "hub_epoch"));
	for (size_t i = 0; i < json_array_size(rows); i++) {
		const char *code = "", *name = "", *level = "";
		json_t *parent = NULL;
		int ill = 0;
		bool kept;
		if (json_unpack(json_array_get(rows, i), "{s:s, s:s, s:s, s?:o, s?:i}", "code", &code,
				"name", &name, "level", &level, "parent_code", &parent,
				"illustrative", &ill) != 0 ||
		    !*code || !*name || (parent && !json_is_null(parent) && !json_is_string(parent)))
			return err_set(e, ERR_FAIL,
				       _("the hub's divisions: division %zu lacks its code, name or "
					 "level"), i + 1);
		/* The table checks the level and that the parent is known. */
		if (!store_learn_division(st, code, name, level, json_string_value(parent), ill != 0,
					  &kept, e)) {
			err_prefix(e, _("the hub's divisions: %s (%s)"), code, name);
			return false;
		}
		*learnt += !kept;
	}
	char *key = seen_key(epoch, gen);
	bool ok = store_set_divisions_seen(st, key, e);
	free(key);
	return ok;
}

/* GET path -> the answer parsed, 200 only; e in the interface's language,
 * naming server (NULL: at a sync, which names the hub already). */
static json_t *get(const struct sync_transport *t, const char *server, const char *path,
		   struct err *e)
{
	int status = 0, retry = 0;
	char *resp = NULL;
	/* the transport names the server it could not reach */
	if (!t->request(t->ctx, "GET", path, NULL, &status, &resp, &retry, e)) {
		free(resp);
		return NULL;
	}
	json_t *j = resp ? json_loads(resp, 0, NULL) : NULL;
	free(resp);
	if (status == 200 && json_is_object(j))
		return j;
	const char *msg = json_string_value(json_object_get(j, "message"));
	if (server && status == 401)
		err_set(e, ERR_FAIL,
			_("the hub at %s refused the token (unknown or revoked): ask the hub's "
			  "administrator for this office's token"), server);
	else if (server)
		err_set(e, ERR_FAIL, _("the hub at %s answered %d%s%s"), server, status,
			msg ? ": " : "", msg ? msg : "");
	else
		err_set(e, ERR_FAIL, _("the hub's divisions: the hub answered %d%s%s"), status,
			msg ? ": " : "", msg ? msg : "");
	json_decref(j);
	return NULL;
}

bool sync_divisions_follow(struct store *st, const struct sync_transport *t, json_t *pull,
			   struct err *e)
{
	json_t *gen = json_object_get(pull, "divisions");
	const char *epoch = json_string_value(json_object_get(pull, "hub_epoch"));
	if (!json_is_integer(gen) || !epoch)
		return true; /* a hub of an older version: its shipped divisions only */
	char *have = NULL, *key = seen_key(epoch, gen);
	bool ok = store_divisions_seen(st, &have, e);
	bool same = ok && str_eq(have, key);
	free(have);
	free(key);
	if (!ok || same)
		return ok;
	json_t *answer = get(t, NULL, "/v1/divisions", e);
	if (!answer)
		return false;
	int learnt;
	ok = store_begin(st, e);
	if (ok) {
		ok = sync_divisions_take(st, answer, &learnt, e);
		if (ok)
			ok = store_commit(st, e);
		else
			store_rollback(st);
	}
	json_decref(answer);
	return ok;
}

bool sync_ask_hub(const struct sync_transport *t, const char *server, json_t **who,
		  json_t **divisions, struct err *e)
{
	*who = *divisions = NULL;
	/* A pull of one op: its answer says whose token this is. */
	json_t *w = get(t, server, "/v1/pull?since=0&limit=1", e);
	if (!w)
		return false;
	if (!json_string_value(json_object_get(w, "node")) ||
	    !json_string_value(json_object_get(w, "role"))) {
		json_decref(w);
		return err_set(e, ERR_FAIL,
			       _("the hub at %s does not say whose token this is (a hub of an older "
				 "version?): give --township or --county and --node"), server);
	}
	json_t *d = get(t, server, "/v1/divisions", e);
	if (!d) {
		json_decref(w);
		return false;
	}
	*who = w;
	*divisions = d;
	return true;
}
