"""Parquet page indexes (PageIndex.md) read with a Thrift compact decoder of its own, sharing no code
with careflow's (pyarrow only says whether a chunk has one; fastparquet's decoder misreads
ColumnIndex's list<bool>).

  page_indexes(path)  every chunk's ColumnIndex and OffsetIndex, in the JSON form of
                      `lake_interop page-index` (per row group, per chunk: {"offsets": [[offset,
                      size, first_row]], "column": null or {"null_pages", "min", "max" (hex),
                      "order", "null_counts"}}, null for a chunk without one)
  check_pages(label, path, index)
                      that each OffsetIndex entry points at a data page header whose size and
                      value count agree with it
"""
import struct


def _varint(buf, pos):
    v, shift = 0, 0
    while True:
        b = buf[pos]
        pos += 1
        v |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return v, pos


def _unzigzag(v):
    return (v >> 1) ^ -(v & 1)


def _value(buf, pos, t):
    if t in (1, 2):  # a bool field: its value is the type
        return t == 1, pos
    if t == 3:
        return struct.unpack_from("b", buf, pos)[0], pos + 1
    if t in (4, 5, 6):
        v, pos = _varint(buf, pos)
        return _unzigzag(v), pos
    if t == 7:
        return struct.unpack_from("<d", buf, pos)[0], pos + 8
    if t == 8:
        n, pos = _varint(buf, pos)
        return bytes(buf[pos:pos + n]), pos + n
    if t in (9, 10):
        header = buf[pos]
        pos += 1
        n, element = header >> 4, header & 0x0F
        if n == 15:
            n, pos = _varint(buf, pos)
        out = []
        for _ in range(n):
            if element in (1, 2):  # a bool element is one byte, 1 for true
                out.append(buf[pos] == 1)
                pos += 1
            else:
                v, pos = _value(buf, pos, element)
                out.append(v)
        return out, pos
    if t == 12:
        return struct_at(buf, pos)
    raise ValueError(f"thrift type {t} at byte {pos}")


def struct_at(buf, pos):
    """The compact struct at buf[pos:] → ({field id: value}, position after it)."""
    fields, last = {}, 0
    while True:
        b = buf[pos]
        pos += 1
        if b == 0:
            return fields, pos
        if b >> 4:
            fid = last + (b >> 4)
        else:
            v, pos = _varint(buf, pos)
            fid = _unzigzag(v)
        last = fid
        fields[fid], pos = _value(buf, pos, b & 0x0F)


def page_indexes(path):
    buf = open(path, "rb").read()
    footer_len = struct.unpack_from("<I", buf, len(buf) - 8)[0]
    meta, _ = struct_at(buf, len(buf) - 8 - footer_len)
    out = []
    for group in meta.get(4, []):
        chunks = []
        for chunk in group[1]:
            if 4 not in chunk:
                chunks.append(None)
                continue
            offsets, _ = struct_at(buf, chunk[4])
            entry = {"offsets": [[p[1], p[2], p[3]] for p in offsets[1]], "column": None}
            if 6 in chunk:
                ci, _ = struct_at(buf, chunk[6])
                entry["column"] = {"null_pages": ci[1], "min": [v.hex() for v in ci[2]], "max": [v.hex() for v in ci[3]],
                                   "order": ci[4], "null_counts": ci.get(5)}
            chunks.append(entry)
        out.append(chunks)
    return out


def check_pages(label, path, index):
    """Each page location: a DATA_PAGE or DATA_PAGE_V2 header there, the header and body as long as
    the index says, as many values as rows up to the next page (flat columns)."""
    buf = open(path, "rb").read()
    meta = struct_at(buf, len(buf) - 8 - struct.unpack_from("<I", buf, len(buf) - 8)[0])[0]
    for g, chunks in enumerate(index):
        rows = meta[4][g][3]
        for c, chunk in enumerate(chunks):
            pages = chunk["offsets"]
            for p, (offset, size, first) in enumerate(pages):
                header, body_at = struct_at(buf, offset)
                if header[1] not in (0, 3) or body_at - offset + header[3] != size:
                    raise SystemExit(f"{label}: row group {g} chunk {c} page {p}: header {header} at {offset}, index says {size} bytes")
                values = header[5][1] if header[1] == 0 else header[8][1]
                end = pages[p + 1][2] if p + 1 < len(pages) else rows
                if values != end - first:
                    raise SystemExit(f"{label}: row group {g} chunk {c} page {p}: {values} values for rows {first}..{end}")
