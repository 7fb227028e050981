#!/usr/bin/env python3
# half_sent_requests.py: a hostile client for reportd's memory bound on half-received requests
# (PROTOCOL.md §7, max-queued-bytes-total). Opens N connections; on each sends the header of a
# 15 MiB PUT and BYTES of its body, then stops sending; after 1.5 s prints how many connections
# reportd kept. Watch reportd's RSS and `reportctl stats` (queued_bytes, connections_dropped)
# meanwhile. Prints figures; asserts nothing. Run it as an unprivileged user (root and the write
# users are never closed for the bound):
#   setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/python3 scripts/half_sent_requests.py SOCKET 60 2000000
import socket
import struct
import sys
import time

if len(sys.argv) != 4:
    sys.exit("usage: half_sent_requests.py SOCKET CONNECTIONS BYTES")
path, count, each = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
connections = []
for i in range(count):
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    # magic 0xD5, version 1, opcode PUT (0x30), flags 0, request id, body length (PROTOCOL.md §3)
    header = struct.pack(">BBBBII", 0xD5, 1, 0x30, 0, i + 1, 15 << 20)
    s.sendall(header + b"\x00\x01x" + b"a" * (each - 3))  # str id "x", then text bytes
    connections.append(s)
time.sleep(1.5)
kept = 0
for s in connections:
    s.setblocking(False)
    try:
        if s.recv(1) != b"":
            kept += 1
    except BlockingIOError:
        kept += 1
    except OSError:
        pass
print(f"connections {count}, each holding {each} bytes of an unfinished PUT; still open after 1.5 s: {kept}")
