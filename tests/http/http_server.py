"""HTTP/HTTPS fixture server for tests/http.sh (not a lab service: no root,
ephemeral ports on 127.0.0.1). Writes "HTTP_PORT HTTPS_PORT" to argv[1].

usage: http_server.py PORTFILE CERT KEY"""
import hashlib
import http.server
import socket
import socketserver
import ssl
import sys
import threading
import time


class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, code, body=b"", headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def route(self):
        p = self.path.split("?")[0]
        q = self.path.split("?")[1] if "?" in self.path else ""
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        if p == "/ok":
            return self.send(200, b"hello", [("Content-Type", "text/plain")])
        if p == "/404":
            return self.send(404, b'{"errorCode":404}')
        if p == "/429":
            return self.send(429, b"slow down", [("Retry-After", "7")])
        if p == "/hdr":
            return self.send(200, b"", [("X-Test", "  Mixed Value  "),
                                        ("x-amzn-RequestId", "req-1")])
        if p == "/big":
            size = int(q.split("=")[1]) if "=" in q else 2000000
            return self.send(200, b"x" * size)
        if p == "/echo":
            h = hashlib.sha256(body).hexdigest()[:16]
            out = ("%s %d %s %s" % (self.command, len(body), h,
                                    self.headers.get("X-Sig", "-"))).encode()
            return self.send(200, out)
        if p == "/drip":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            for _ in range(100):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.3)
            return
        if p == "/reset":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b"partial")
            self.wfile.flush()
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       b"\x01\x00\x00\x00\x00\x00\x00\x00")
            self.connection.shutdown(socket.SHUT_RDWR)
            self.connection.close()
            self.close_connection = True
            return
        if p == "/garbage":
            self.wfile.write(b"\x00\x1b[31mNOT HTTP\xff\xfe\r\n\r\n")
            self.wfile.flush()
            self.close_connection = True
            return
        if p == "/slow":
            time.sleep(3)
            return self.send(200, b"late")
        return self.send(404, b"no route")

    do_GET = do_POST = do_PUT = do_HEAD = route


class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def main():
    portfile, cert, key = sys.argv[1:4]
    plain = S(("127.0.0.1", 0), H)
    tls = S(("127.0.0.1", 0), H)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    tls.socket = ctx.wrap_socket(tls.socket, server_side=True)
    for s in (plain, tls):
        threading.Thread(target=s.serve_forever, daemon=True).start()
    with open(portfile + ".tmp", "w") as f:
        f.write("%d %d\n" % (plain.server_address[1], tls.server_address[1]))
    import os
    os.rename(portfile + ".tmp", portfile)
    threading.Event().wait(120)


main()
