#!/usr/bin/python3
"""queue_boards.py - opens N event streams of an office's queue board (as N boards and phones),
waits until every one has its first line, runs the given command (a clerk's "call next"), and
prints how long after the command started the call reached the first and the last stream.

usage: queue_boards.py HOST PORT OFFICE AFTER N COMMAND...
"""
import selectors
import socket
import subprocess
import sys
import time


def main():
    host, port, office, after, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
    command = sys.argv[6:]
    sel = selectors.DefaultSelector()
    request = (f"GET /o/{office}/queue/events?after={after} HTTP/1.1\r\nHost: {host}\r\n"
               "Accept: text/event-stream\r\n\r\n").encode()
    streams = {}
    for _ in range(n):
        s = socket.create_connection((host, port))
        s.sendall(request)
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)
        streams[s] = b""
    deadline = time.monotonic() + 60
    ready = set()
    while len(ready) < n and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=1):
            data = key.fileobj.recv(65536)
            streams[key.fileobj] += data
            if b"retry:" in streams[key.fileobj]:
                ready.add(key.fileobj)
    if len(ready) < n:
        print(f"only {len(ready)} of {n} streams opened")
        return 1
    for s in streams:
        streams[s] = b""
    start = time.monotonic()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    arrived = {}
    deadline = time.monotonic() + 60
    while len(arrived) < n and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=1):
            s = key.fileobj
            streams[s] += s.recv(65536)
            if s not in arrived and b"event: call" in streams[s]:
                arrived[s] = time.monotonic() - start
    times = sorted(arrived.values())
    if len(times) < n:
        print(f"the call reached {len(times)} of {n} streams")
        return 1
    print(f"streams={n} first_ms={times[0] * 1000:.0f} median_ms={times[n // 2] * 1000:.0f} "
          f"last_ms={times[-1] * 1000:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
