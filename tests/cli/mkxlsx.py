#!/usr/bin/env python3
"""Writes a minimal .xlsx from a JSON description on stdin, with only the
standard library: python3 mkxlsx.py OUT.xlsx <<< '{"sheets": [...]}'.
A sheet is {"name": N, "rows": [[cell, ...], ...], "merges": ["A3:A5"]};
a cell is a string (shared), a number, {"inline": text} or {"date": serial}
(a number styled as a date), null for none. "date1904": true at the top
marks the workbook as counting days from 1904 (Excel for Mac's old default)."""
import json
import sys
import zipfile
from xml.sax.saxutils import escape


def col(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def main(out):
    spec = json.load(sys.stdin)
    strings, index = [], {}
    parts = {}
    for n, sh in enumerate(spec["sheets"], 1):
        rows = []
        for r, row in enumerate(sh["rows"], 1):
            cells = []
            for c, v in enumerate(row):
                ref = "%s%d" % (col(c), r)
                if v is None:
                    continue
                if isinstance(v, str):
                    if v not in index:
                        index[v] = len(strings)
                        strings.append(v)
                    cells.append('<c r="%s" t="s"><v>%d</v></c>' % (ref, index[v]))
                elif isinstance(v, dict) and "inline" in v:
                    cells.append('<c r="%s" t="inlineStr"><is><t>%s</t></is></c>'
                                 % (ref, escape(v["inline"])))
                elif isinstance(v, dict) and "date" in v:
                    cells.append('<c r="%s" s="1"><v>%s</v></c>' % (ref, v["date"]))
                else:
                    cells.append('<c r="%s"><v>%s</v></c>' % (ref, v))
            if cells:
                rows.append('<row r="%d">%s</row>' % (r, "".join(cells)))
        merges = sh.get("merges", [])
        m = ('<mergeCells count="%d">%s</mergeCells>' % (
            len(merges), "".join('<mergeCell ref="%s"/>' % x for x in merges))) if merges else ""
        parts["xl/worksheets/sheet%d.xml" % n] = (
            '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats'
            '.org/spreadsheetml/2006/main"><sheetData>%s</sheetData>%s</worksheet>'
            % ("".join(rows), m))
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    pr = '<workbookPr date1904="1"/>' if spec.get("date1904") else ""
    parts["xl/workbook.xml"] = '<workbook %s %s>%s<sheets>%s</sheets></workbook>' % (ns, rns, pr, "".join(
        '<sheet name="%s" sheetId="%d" r:id="rId%d"/>' % (escape(s["name"]), i, i)
        for i, s in enumerate(spec["sheets"], 1)))
    parts["xl/_rels/workbook.xml.rels"] = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">%s'
        '</Relationships>' % "".join(
            '<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/worksheet" Target="worksheets/sheet%d.xml"/>' % (i, i)
            for i in range(1, len(spec["sheets"]) + 1)))
    parts["xl/sharedStrings.xml"] = '<sst %s count="%d">%s</sst>' % (ns, len(strings), "".join(
        '<si><t xml:space="preserve">%s</t></si>' % escape(s) for s in strings))
    parts["xl/styles.xml"] = (
        '<styleSheet %s><numFmts count="1"><numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m'
        '&quot;月&quot;d&quot;日&quot;"/></numFmts><cellXfs count="2"><xf numFmtId="0"/>'
        '<xf numFmtId="176"/></cellXfs></styleSheet>' % ns)
    parts["[Content_Types].xml"] = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)


if __name__ == "__main__":
    main(sys.argv[1])
