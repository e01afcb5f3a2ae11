#!/usr/bin/python3
"""dvcheck lab "blackhole" DNS server: listens on UDP and TCP, reads every
query and never answers (for timeout tests).

Usage: blackhole.py ADDRESS PORT PIDFILE

The pid file is written only once both sockets are bound, so its presence
means "ready". Runs in the foreground; "lab start" puts it in the
background. Exits on SIGTERM/SIGINT/SIGHUP and removes its pid file.
"""

import os
import selectors
import signal
import socket
import sys


def main():
    if len(sys.argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    addr, port, pidfile = sys.argv[1], int(sys.argv[2]), sys.argv[3]

    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    udp.bind((addr, port))
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind((addr, port))
    tcp.listen(64)
    for s in (udp, tcp):
        s.setblocking(False)

    stop = []

    def on_signal(signum, _frame):
        stop.append(signum)

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_signal)

    tmp = "%s.%d.tmp" % (pidfile, os.getpid())
    with open(tmp, "w") as f:
        f.write("%d\n" % os.getpid())
    os.rename(tmp, pidfile)
    print("blackhole listening on %s:%d (udp+tcp), pid %d"
          % (addr, port, os.getpid()), flush=True)

    sel = selectors.DefaultSelector()
    sel.register(udp, selectors.EVENT_READ, "udp")
    sel.register(tcp, selectors.EVENT_READ, "listen")
    conns = set()
    try:
        while not stop:
            for key, _ in sel.select(timeout=0.5):
                sock = key.fileobj
                try:
                    if key.data == "udp":
                        sock.recvfrom(65535)          # read and drop
                    elif key.data == "listen":
                        conn, _peer = sock.accept()
                        conn.setblocking(False)
                        sel.register(conn, selectors.EVENT_READ, "conn")
                        conns.add(conn)
                    elif not sock.recv(65535):      # peer closed
                        sel.unregister(sock)
                        conns.discard(sock)
                        sock.close()
                except (BlockingIOError, InterruptedError):
                    pass
                except OSError:
                    if key.data == "conn":
                        sel.unregister(sock)
                        conns.discard(sock)
                        sock.close()
    finally:
        for c in conns:
            c.close()
        try:
            with open(pidfile) as f:
                mine = f.read().strip() == str(os.getpid())
            if mine:
                os.unlink(pidfile)
        except OSError:
            pass
    print("blackhole exiting (signal %s)" % (stop[0] if stop else "?"),
          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
