#!/usr/bin/env python3
"""Prints an .xlsx workbook as lines a test can grep, with only the
standard library (zipfile + ElementTree):

    sheet 台账
    台账 frozen ySplit=1
    台账 width A 15.71
    台账!A1 s 统一编号
    台账!Q2 n 7
    台账!E4 n 46445 date=yyyy-mm-dd

A cell's type is the XML's t ("s" shared string, "inlineStr", "str",
"b"), or "n" when it has none (a number); a number in a style with a
date format says so.
"""
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
RID = "{%s}id" % NS["r"]

z = zipfile.ZipFile(sys.argv[1])
shared = []
if "xl/sharedStrings.xml" in z.namelist():
    for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS):
        shared.append("".join(t.text or "" for t in si.iter("{%s}t" % NS["m"])))
styles = ET.fromstring(z.read("xl/styles.xml"))
fmts = {int(f.get("numFmtId")): f.get("formatCode") for f in styles.iter("{%s}numFmt" % NS["m"])}
xfs = [int(x.get("numFmtId", 0)) for x in styles.find("m:cellXfs", NS).findall("m:xf", NS)]
rels = {r.get("Id"): r.get("Target") for r in ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))}
for sh in ET.fromstring(z.read("xl/workbook.xml")).find("m:sheets", NS):
    name = sh.get("name")
    print("sheet", name)
    ws = ET.fromstring(z.read("xl/" + rels[sh.get(RID)].lstrip("/").replace("xl/", "", 1)))
    for pane in ws.iter("{%s}pane" % NS["m"]):
        if pane.get("state") == "frozen":
            print(name, "frozen", "ySplit=" + (pane.get("ySplit") or "0"))
    for col in ws.iter("{%s}col" % NS["m"]):
        letter, n = "", int(col.get("min"))
        while n:
            n, r = divmod(n - 1, 26)
            letter = chr(65 + r) + letter
        print(name, "width", letter, "%.2f" % float(col.get("width")))
    for c in ws.iter("{%s}c" % NS["m"]):
        t = c.get("t", "n")
        v = c.find("m:v", NS)
        text = v.text if v is not None else "".join(x.text or "" for x in c.iter("{%s}t" % NS["m"]))
        if t == "s":
            text = shared[int(text)]
        extra = " FORMULA" if c.find("m:f", NS) is not None else ""
        fmt = fmts.get(xfs[int(c.get("s", 0))], "")
        if t == "n" and re.search(r"yy|dd", fmt):
            extra = " date=" + fmt
        print("%s!%s %s %s%s" % (name, c.get("r"), t, text.replace("\n", "\\n"), extra))
