#!/usr/bin/env python3
"""Known-answer record batches for test/unit/test_record_batch.c and
test_legacy_msgset.c, written from the protocol documentation (Kafka's
"Record Batch" and "Message Sets" pages), independent of samsa's encoder.
Prints C arrays; run it and paste when a vector changes."""
import gzip
import struct
import zlib


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF


def uvarint(v):
    out = b""
    while v >= 0x80:
        out += bytes([(v & 0x7F) | 0x80])
        v >>= 7
    return out + bytes([v])


def varint(v):  # zigzag, 64-bit
    return uvarint((v << 1) ^ (v >> 63))


def nbytes(b):
    return varint(-1) if b is None else varint(len(b)) + b


def record(ts_delta, off_delta, key, value, headers):
    body = b"\x00" + varint(ts_delta) + varint(off_delta) + nbytes(key) + nbytes(value)
    body += varint(len(headers))
    for hk, hv in headers:
        body += nbytes(hk) + nbytes(hv)
    return varint(len(body)) + body


def batch(base_offset, ple, attrs, last_delta, base_ts, max_ts, pid, epoch, seq, records):
    recs = b"".join(records)
    after_crc = struct.pack(">hiqqqhii", attrs, last_delta, base_ts, max_ts, pid, epoch,
                            seq, len(records)) + recs
    crc = crc32c(after_crc)
    after_len = struct.pack(">ibI", ple, 2, crc) + after_crc
    return struct.pack(">qi", base_offset, len(after_len)) + after_len


def legacy(offset, magic, attrs, ts, key, value):
    def b(x):
        return struct.pack(">i", -1) if x is None else struct.pack(">i", len(x)) + x
    body = struct.pack(">bb", magic, attrs)
    if magic == 1:
        body += struct.pack(">q", ts)
    body += b(key) + b(value)
    msg = struct.pack(">I", zlib.crc32(body)) + body
    return struct.pack(">qi", offset, len(msg)) + msg


def carray(name, data):
    lines = []
    for i in range(0, len(data), 12):
        lines.append("    " + ", ".join("0x%02x" % x for x in data[i:i + 12]) + ",")
    return "static const uint8_t %s[%d] = {\n%s\n};" % (name, len(data), "\n".join(lines))


T = 1700000000000
plain = batch(100, 5, 0, 2, T, T + 50, -1, -1, -1, [
    record(0, 0, b"k0", b"hello", [(b"h1", b"v1"), (b"h2", None)]),
    record(50, 1, None, b"world", []),
    record(10, 2, b"k2", None, []),
])
control = batch(7, 0, 0x30, 0, T, T, 1234, 3, -1, [
    record(0, 0, b"\x00\x00\x00\x01", b"\x00\x00\x00\x00\x00\x09", []),
])
print(carray("kat_plain", plain))
print(carray("kat_control", control))

m0 = legacy(5, 0, 0, 0, b"a", b"b")
m1 = legacy(6, 1, 0, T, None, b"value")
inner1 = legacy(0, 1, 0, T + 1, b"x", b"one") + legacy(1, 1, 0, T + 2, None, b"two")
wrap1 = legacy(11, 1, 1, T + 9, None, gzip.compress(inner1, mtime=0))
inner0 = legacy(20, 0, 0, 0, None, b"p") + legacy(21, 0, 0, 0, b"q", None)
wrap0 = legacy(21, 0, 1, 0, None, gzip.compress(inner0, mtime=0))
print(carray("kat_m0", m0))
print(carray("kat_m1", m1))
print(carray("kat_wrap1", wrap1))
print(carray("kat_wrap0", wrap0))
