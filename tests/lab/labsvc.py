"""Shared plumbing for the lab's Python services (tests/lab/services.conf).

A service is started by `lab` as

    python3 tests/lab/SCRIPT --pidfile PATH [its own options]

and must write PATH (its pid) only once it listens, so `lab` knows it is
up. This module gives every service the same option handling, listeners
on several loopback addresses, TLS from the lab's test CA, and a clean
SIGTERM. Standard library only.
"""
import argparse
import os
import signal
import socket
import socketserver
import ssl
import sys
import threading
import http.server


def arg_parser(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--pidfile", required=True)
    p.add_argument("--addr", action="append", required=True,
                   help="listen address (repeatable)")
    p.add_argument("--port", type=int, required=True)
    return p


def tls_context(cert, key):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(cert, key)
    return ctx


class _V4Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class _V6Server(_V4Server):
    address_family = socket.AF_INET6


class _TCPServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


class _TCP6Server(_TCPServer):
    address_family = socket.AF_INET6


def serve(args, handler, http=True, tls=None):
    """Listen on every --addr at --port with HANDLER (an http.server
    BaseHTTPRequestHandler subclass when http, else a socketserver
    StreamRequestHandler), wrap in TLS when tls is an SSLContext, write the
    pid file, serve until SIGTERM."""
    servers = []
    for a in args.addr:
        if http:
            cls = _V6Server if ":" in a else _V4Server
        else:
            cls = _TCP6Server if ":" in a else _TCPServer
        srv = cls((a, args.port), handler)
        if tls is not None:
            srv.socket = tls.wrap_socket(srv.socket, server_side=True,
                                         do_handshake_on_connect=False)
        servers.append(srv)
    for srv in servers:
        threading.Thread(target=srv.serve_forever, daemon=True).start()

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    tmp = args.pidfile + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % os.getpid())
    os.rename(tmp, args.pidfile)
    sys.stderr.write("listening on %s port %d\n" % (",".join(args.addr), args.port))
    sys.stderr.flush()
    while not stop.wait(1):
        pass
    for srv in servers:
        srv.shutdown()
        srv.server_close()
