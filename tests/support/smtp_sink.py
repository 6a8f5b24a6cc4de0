#!/usr/bin/python3
"""smtp_sink.py - a real SMTP server (aiosmtpd) for the notices tests: every message it accepts
is written to DIR/NNNN.eml (the DATA as received, with the envelope in X-Envelope-* lines).

usage: smtp_sink.py PORT DIR
Runs until killed. Debian: python3-aiosmtpd.
"""
import os
import sys
import threading
import time

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            name = os.path.join(self.folder, "%04d.eml" % self.count)
        head = "X-Envelope-From: %s\r\nX-Envelope-To: %s\r\n" % (
            envelope.mail_from, ",".join(envelope.rcpt_tos))
        with open(name + ".tmp", "wb") as f:
            f.write(head.encode() + envelope.original_content)
        os.rename(name + ".tmp", name)
        return "250 OK stored"


def main():
    port, folder = int(sys.argv[1]), sys.argv[2]
    os.makedirs(folder, exist_ok=True)
    controller = Controller(Sink(folder), hostname="127.0.0.1", port=port)
    controller.start()
    with open(os.path.join(folder, "ready"), "w") as f:
        f.write("ok\n")
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
