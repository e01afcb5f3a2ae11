#!/usr/bin/python3
"""Lab TLS endpoints for `dvcheck endpoint` and `dvcheck check --host`.

Each --serve ADDR=NAME listens on ADDR:PORT and serves the certificate
CERTDIR/NAME.pem (key NAME.key) made by the lab from certs.conf; each
--plain ADDR answers in clear text (not TLS) and hangs up, for handshake
failures. After a handshake the server reads what the client sends (up to
2 s) and answers a minimal HTTP response, then closes. Standard library
only; started by `lab` (services.conf), pid file once everything listens.
"""
import argparse
import os
import signal
import socket
import ssl
import sys
import threading


def tls_context(certdir, name):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(os.path.join(certdir, name + ".pem"),
                        os.path.join(certdir, name + ".key"))
    return ctx


def handle(conn, ctx):
    conn.settimeout(5)
    try:
        if ctx is None:
            conn.sendall(b"HTTP/1.0 400 Bad Request\r\n\r\nthis is not TLS\r\n")
            return
        with ctx.wrap_socket(conn, server_side=True) as tls:
            tls.settimeout(2)
            try:
                tls.recv(4096)
                tls.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nok\n")
            except (OSError, ssl.SSLError):
                pass
    except (OSError, ssl.SSLError):
        pass
    finally:
        try:
            conn.close()
        except OSError:
            pass


def listen(addr, port):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(64)
    return s


def accept_loop(sock, ctx):
    while True:
        try:
            conn, _ = sock.accept()
        except OSError:
            return
        threading.Thread(target=handle, args=(conn, ctx), daemon=True).start()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--pidfile", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--certdir", required=True)
    p.add_argument("--serve", action="append", default=[], metavar="ADDR=NAME")
    p.add_argument("--plain", action="append", default=[], metavar="ADDR")
    args = p.parse_args()
    socks = []
    for spec in args.serve:
        addr, _, name = spec.partition("=")
        socks.append((listen(addr, args.port), tls_context(args.certdir, name)))
    for addr in args.plain:
        socks.append((listen(addr, args.port), None))
    for s, ctx in socks:
        threading.Thread(target=accept_loop, args=(s, ctx), daemon=True).start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    tmp = args.pidfile + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % os.getpid())
    os.rename(tmp, args.pidfile)
    sys.stderr.write("tls_server: %d endpoints on port %d\n" % (len(socks), args.port))
    sys.stderr.flush()
    while not stop.wait(1):
        pass
    for s, _ in socks:
        s.close()


if __name__ == "__main__":
    main()
