#!/usr/bin/env python3
"""Writes a minimal legacy .xls (BIFF8 in an OLE2 compound file) with only
the standard library: python3 mkxls.py OUT.xls <<< '{"sheets": [...]}'.
A sheet is {"name": N, "rows": [[cell, ...], ...]}; a cell is a string, a
number or null. Enough for a reader to find sheets, text and numbers."""
import json
import struct
import sys


def rec(kind, data=b""):
    return struct.pack("<HH", kind, len(data)) + data


def ustr16(s):  # XLUnicodeString, 16-bit length, UTF-16
    return struct.pack("<HB", len(s.encode("utf-16-le")) // 2, 1) + s.encode("utf-16-le")


def ustr8(s):  # ShortXLUnicodeString
    return struct.pack("<BB", len(s.encode("utf-16-le")) // 2, 1) + s.encode("utf-16-le")


def bof(dt):
    return rec(0x0809, struct.pack("<HHHHII", 0x0600, dt, 0x0DBB, 0x07CC, 0, 6))


def workbook(spec):
    strings, index = [], {}
    for sh in spec["sheets"]:
        for row in sh["rows"]:
            for v in row:
                if isinstance(v, str) and v not in index:
                    index[v] = len(strings)
                    strings.append(v)
    xf = rec(0x00E0, struct.pack("<HHHBBBBIIH", 0, 0, 0xFFF5, 0x20, 0, 0, 0, 0, 0, 0x20C0))
    cell_xf = rec(0x00E0, struct.pack("<HHHBBBBIIH", 0, 0, 0x0001, 0x20, 0, 0, 0, 0, 0, 0x20C0))
    font = rec(0x0031, struct.pack("<HHHHHBBBB", 200, 0, 0x7FFF, 400, 0, 0, 0, 0, 0) + ustr8("Arial"))
    sst = rec(0x00FC, struct.pack("<II", len(strings), len(strings)) +
              b"".join(ustr16(s) for s in strings))
    head = bof(0x0005) + rec(0x0042, struct.pack("<H", 1200)) + font * 5 + xf * 15 + cell_xf
    sheets = []
    for sh in spec["sheets"]:
        body = b""
        rows = sh["rows"]
        ncols = max((len(r) for r in rows), default=0)
        body += rec(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, ncols, 0))
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v is None:
                    continue
                if isinstance(v, str):
                    body += rec(0x00FD, struct.pack("<HHHI", r, c, 15, index[v]))
                else:
                    body += rec(0x0203, struct.pack("<HHHd", r, c, 15, float(v)))
        sheets.append(bof(0x0010) + body + rec(0x000A))
    bounds_len = sum(4 + 4 + 1 + 1 + len(ustr8(sh["name"])) for sh in spec["sheets"])
    offset = len(head) + bounds_len + len(sst) + 4
    bounds = b""
    for sh, data in zip(spec["sheets"], sheets):
        bounds += rec(0x0085, struct.pack("<IBB", offset, 0, 0) + ustr8(sh["name"]))
        offset += len(data)
    return head + bounds + sst + rec(0x000A) + b"".join(sheets)


def compound(stream):
    """One stream, "Workbook", in a version 3 compound file: sector 0 the
    FAT, then the stream (more than 4096 bytes: no mini stream), then the
    directory."""
    stream = stream + b"\0" * max(0, 4608 - len(stream))
    nsec = (len(stream) + 511) // 512
    assert nsec + 2 <= 128, "one FAT sector"
    data = stream + b"\0" * (nsec * 512 - len(stream))
    fat = [0xFFFFFFFD] + [i + 2 for i in range(nsec - 1)] + [0xFFFFFFFE, 0xFFFFFFFE]
    fat += [0xFFFFFFFF] * (128 - len(fat))
    dir_sector = nsec + 1

    def entry(name, kind, child, start, size):
        n = (name + "\0").encode("utf-16-le") if name else b""
        return (n + b"\0" * (64 - len(n)) + struct.pack("<HBBIII", len(n), kind, 1, 0xFFFFFFFF,
                                                        0xFFFFFFFF, child) +
                b"\0" * 36 + struct.pack("<II", start, size) + b"\0" * 4)
    directory = (entry("Root Entry", 5, 1, 0xFFFFFFFE, 0) +
                 entry("Workbook", 2, 0xFFFFFFFF, 1, len(stream)) +
                 entry("", 0, 0xFFFFFFFF, 0, 0) * 2)
    header = (b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" + b"\0" * 16 +
              struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6 +
              struct.pack("<IIIIIIIII", 0, 1, dir_sector, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0) +
              struct.pack("<I", 0) + struct.pack("<I", 0xFFFFFFFF) * 108)
    assert len(header) == 512
    return header + struct.pack("<128I", *fat) + data + directory


if __name__ == "__main__":
    with open(sys.argv[1], "wb") as f:
        f.write(compound(workbook(json.load(sys.stdin))))
