/* libyaml document nodes as the three YAML readers (the config, the
 * deadline rules, the plans) read them: a scalar's text, and the pairs of
 * a mapping in order. */
#ifndef DUTYDESK_YAMLNODE_H
#define DUTYDESK_YAMLNODE_H

#include <stdbool.h>
#include <yaml.h>

/* A scalar node's text; NULL for no node or any other kind. */
static inline const char *ynode_text(yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* For each pair of the mapping node map of document doc, in order, with
 * p the pair and k, v (yaml_node_t *, declared by the caller) its key and
 * value nodes. */
#define ynode_foreach_pair(doc, map, p, k, v)                                                  \
	for (yaml_node_pair_t *p = (map)->data.mapping.pairs.start;                            \
	     p < (map)->data.mapping.pairs.top &&                                              \
	     ((k) = yaml_document_get_node((doc), p->key),                                     \
	      (v) = yaml_document_get_node((doc), p->value), true);                            \
	     p++)

#endif
