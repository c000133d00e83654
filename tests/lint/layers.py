#!/usr/bin/env python3
"""Layers point one way: each folder of src/ may include the headers of its
own layer and of the layers below it, and no other folder's private header.

    util -> store -> model (plans) -> sync -> cmd -> cli / tui / hub

A header of include/dutydesk/ belongs to the layer of the folder that
implements it (LAYER_OF below); a new header must be placed here, or the
check fails naming it. Prints each wrong include as file:line and exits 1.
"""
import os
import re
import sys

ORDER = ["util", "store", "model", "sync", "cmd", "top"]
FOLDER = {"util": "util", "store": "store", "model": "model", "plans": "model",
          "sync": "sync", "cmd": "cmd", "cli": "top", "tui": "top", "hub": "top"}
LAYER_OF = {
    "util": "util", "dtime": "util", "width": "util", "csv": "util", "hlc": "util",
    "sha256": "util", "hash": "util", "config": "util", "i18n": "util", "termenc": "util",
    "yamlnode": "util", "dynlib": "util", "sheet": "util", "pinyin": "util",
    "store": "store", "query": "store", "schema": "store", "hubstore": "store",
    "syncstore": "store", "scope": "store", "smsstore": "store",
    "model": "model", "deadline": "model", "map": "model", "report": "model",
    "plan": "model", "sms": "model",
    "sync": "sync", "sync_client": "sync", "wire": "sync", "notify": "sync",
    "cmd": "cmd",
    "console": "top",
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def main(root):
    bad = []
    src = os.path.join(root, "src")
    for folder in sorted(os.listdir(src)):
        path = os.path.join(src, folder)
        if not os.path.isdir(path):
            continue
        if folder not in FOLDER:
            bad.append("src/%s/: a folder with no layer (add it to %s)" % (folder, sys.argv[0]))
            continue
        mine = ORDER.index(FOLDER[folder])
        for name in sorted(os.listdir(path)):
            if not name.endswith((".c", ".h")):
                continue
            rel = "src/%s/%s" % (folder, name)
            with open(os.path.join(path, name), encoding="utf-8") as f:
                for n, line in enumerate(f, 1):
                    m = INCLUDE.match(line)
                    if not m:
                        continue
                    inc = m.group(1)
                    where = "%s:%d: #include \"%s\"" % (rel, n, inc)
                    if inc in ("config.h", "pinyin_table.h"):  # generated at build time
                        continue
                    if inc.startswith("dutydesk/"):
                        base = os.path.splitext(os.path.basename(inc))[0]
                        layer = LAYER_OF.get(base)
                        if layer is None:
                            bad.append("%s: the header has no layer (add it to LAYER_OF)" % where)
                        elif ORDER.index(layer) > mine:
                            bad.append("%s: %s may not include the %s layer" % (where, folder, layer))
                    elif "/" in inc:
                        bad.append("%s: another folder's private header" % where)
                    elif not os.path.exists(os.path.join(path, inc)):
                        bad.append("%s: not a header of src/%s/" % (where, folder))
    for b in bad:
        print(b)
    if bad:
        print("%d includes against the layers" % len(bad))
        return 1
    print("layers: every include points down")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
