#include "dutydesk/dynlib.h"

#include <dlfcn.h>
#include <string.h>

#include "dutydesk/i18n.h"

bool dynlib_load(struct dynlib *l, struct err *e)
{
	if (l->handle)
		return true;
	void *h = NULL;
	for (size_t i = 0; !h && l->names[i]; i++)
		h = dlopen(l->names[i], RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return err_set(e, ERR_FAIL, _("%s cannot be opened (Debian package %s): %s"),
			       l->names[0], l->package, dlerror());
	for (size_t i = 0; i < l->nsyms; i++) {
		void *f = dlsym(h, l->syms[i].name);
		if (!f) {
			dlclose(h);
			return err_set(e, ERR_FAIL, _("%s lacks %s (too old?)"), l->names[0],
				       l->syms[i].name);
		}
		memcpy((char *)l->table + l->syms[i].off, &f, sizeof f);
	}
	l->handle = h;
	return true;
}
