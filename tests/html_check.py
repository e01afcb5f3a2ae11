#!/usr/bin/python3
"""Open dvcheck's HTML report in headless Chromium and check it through the
DevTools protocol (stdlib only: a minimal WebSocket client).

    html_check.py PAGE.html OUT_DIR [--expect-text TEXT]... [--rows N]
                  [--expect-violation]

Prints one JSON object: console errors, exceptions, log entries, CSP
violations (a securitypolicyviolation listener installed before the page's
own script), whether the inline script and style ran (i.e. the CSP hashes
match), the table's order before and after clicking the "Days left" header
(a real mouse click at its position), elements that are not the page's own,
the screenshot and PDF sizes. Exit 0 when the page passes every check (or,
with --expect-violation, when a CSP violation was seen), 1 otherwise, 2 when
Chromium could not be driven.
"""
import base64
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
import urllib.parse
import urllib.request


class WS:
    """A WebSocket client (RFC 6455) for one ws://127.0.0.1 URL: text
    frames, client masking, fragmented and large frames, ping/close."""

    def __init__(self, url, timeout=30):
        u = urllib.parse.urlparse(url)
        self.s = socket.create_connection((u.hostname, u.port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        req = ("GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\n"
               "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
               "Sec-WebSocket-Version: 13\r\n\r\n") % (u.path, u.hostname, u.port, key)
        self.s.sendall(req.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.s.recv(1)
            if not chunk:
                raise IOError("websocket handshake: connection closed")
            head += chunk
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise IOError("websocket handshake refused: %r" % head[:80])
        self.buf = b""

    def send(self, text):
        data = text.encode()
        n = len(data)
        hdr = bytes([0x81])
        if n < 126:
            hdr += bytes([0x80 | n])
        elif n < 65536:
            hdr += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            hdr += bytes([0x80 | 127]) + struct.pack(">Q", n)
        mask = os.urandom(4)
        body = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        self.s.sendall(hdr + mask + body)

    def _read(self, n):
        while len(self.buf) < n:
            chunk = self.s.recv(65536)
            if not chunk:
                raise IOError("websocket closed")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def recv(self):
        msg = b""
        while True:
            b0, b1 = self._read(2)
            op, n = b0 & 0x0F, b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._read(8))[0]
            mask = self._read(4) if b1 & 0x80 else None
            data = self._read(n)
            if mask:
                data = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
            if op == 0x8:
                raise IOError("websocket closed by the browser")
            if op == 0x9:  # ping: answer, keep reading
                continue
            msg += data
            if b0 & 0x80:
                return msg.decode("utf-8", "replace")


class CDP:
    def __init__(self, ws):
        self.ws, self.seq, self.events = ws, 0, []

    def call(self, method, **params):
        self.seq += 1
        my = self.seq
        self.ws.send(json.dumps({"id": my, "method": method, "params": params}))
        while True:
            m = json.loads(self.ws.recv())
            if m.get("id") == my:
                if "error" in m:
                    raise IOError("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            if "method" in m:
                self.events.append(m)

    def wait_event(self, name, timeout=20):
        end = time.time() + timeout
        for e in self.events:
            if e["method"] == name:
                return e
        self.ws.s.settimeout(max(0.1, end - time.time()))
        while time.time() < end:
            m = json.loads(self.ws.recv())
            if "method" in m:
                self.events.append(m)
                if m["method"] == name:
                    return m
        raise IOError("no %s within %d s" % (name, timeout))

    def drain(self, seconds):
        end = time.time() + seconds
        self.ws.s.settimeout(0.2)
        while time.time() < end:
            try:
                m = json.loads(self.ws.recv())
            except (socket.timeout, TimeoutError):
                continue
            if "method" in m:
                self.events.append(m)
        self.ws.s.settimeout(30)

    def js(self, expr):
        r = self.call("Runtime.evaluate", expression=expr, returnByValue=True)
        if "exceptionDetails" in r:
            raise IOError("evaluate %r: %s" % (expr[:60], r["exceptionDetails"]))
        return r["result"].get("value")


def chromium():
    for c in ("chromium", "chromium-browser", "google-chrome"):
        p = shutil.which(c)
        if p:
            return p
    return None


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    page, outdir = os.path.abspath(args[0]), args[1]
    texts, rows, expect_violation = [], None, False
    i = 2
    while i < len(args):
        if args[i] == "--expect-text":
            texts.append(args[i + 1])
            i += 2
        elif args[i] == "--rows":
            rows = int(args[i + 1])
            i += 2
        elif args[i] == "--expect-violation":
            expect_violation = True
            i += 1
        else:
            print("unknown argument %s" % args[i], file=sys.stderr)
            return 2
    exe = chromium()
    if not exe:
        print(json.dumps({"error": "chromium not installed"}))
        return 2
    os.makedirs(outdir, exist_ok=True)
    prof = os.path.join(outdir, "profile")
    shutil.rmtree(prof, ignore_errors=True)
    os.makedirs(prof)
    env = dict(os.environ, HOME=outdir)
    proc = subprocess.Popen(
        [exe, "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run",
         "--no-default-browser-check", "--disable-extensions",
         "--disable-background-networking", "--disable-sync",
         "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
         "--user-data-dir=" + prof, "--window-size=1400,1000", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=open(os.path.join(outdir, "chromium.log"), "w"),
        env=env, start_new_session=True)
    res = {"page": page}
    t0 = time.time()
    marks = res["seconds"] = {}
    try:
        port_file = os.path.join(prof, "DevToolsActivePort")
        for _ in range(300):
            if os.path.exists(port_file) and open(port_file).read().strip():
                break
            if proc.poll() is not None:
                raise IOError("chromium exited (%s); see chromium.log" % proc.returncode)
            time.sleep(0.1)
        else:
            raise IOError("chromium wrote no DevToolsActivePort")
        port = int(open(port_file).read().split()[0])
        marks["chromium_up"] = round(time.time() - t0, 2)
        targets = json.load(urllib.request.urlopen("http://127.0.0.1:%d/json/list" % port, timeout=10))
        pg = [t for t in targets if t.get("type") == "page"][0]
        cdp = CDP(WS(pg["webSocketDebuggerUrl"]))
        for m in ("Page.enable", "Runtime.enable", "Log.enable"):
            cdp.call(m)
        # before the page's own script: record CSP violations
        cdp.call("Page.addScriptToEvaluateOnNewDocument", source=(
            "window.__csp=[];document.addEventListener('securitypolicyviolation',"
            "function(e){window.__csp.push(e.violatedDirective+' '+e.blockedURI+' '+"
            "(e.sample||''));});"))
        cdp.call("Page.navigate", url="file://" + page)
        cdp.wait_event("Page.loadEventFired")
        cdp.drain(0.5)
        marks["loaded"] = round(time.time() - t0, 2)
        res["title"] = cdp.js("document.title")
        res["csp_meta"] = cdp.js(
            "(document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]')||{}).content||''")
        res["script_ran"] = cdp.js(
            "!!document.querySelector('#certs th') && document.querySelector('#certs th').tabIndex===0")
        res["style_applied"] = cdp.js(
            "!!document.querySelector('#certs th') && getComputedStyle(document.querySelector('#certs th')).cursor==='pointer'")
        # elements that are not the page's own: exactly one script, no
        # image, iframe, object, form, link, base, event handler attribute
        res["scripts"] = cdp.js("document.querySelectorAll('script').length")
        res["foreign"] = cdp.js(
            "document.querySelectorAll('img,iframe,object,embed,form,link,base,video,audio').length")
        res["handler_attrs"] = cdp.js(
            "Array.prototype.filter.call(document.querySelectorAll('*'),function(e){"
            "return Array.prototype.some.call(e.attributes,function(a){return /^on/i.test(a.name)});}).length")
        res["body_text_has"] = {t: cdp.js("document.body.textContent.indexOf(%s)>=0" % json.dumps(t))
                                for t in texts}
        res["table_rows"] = cdp.js("document.querySelectorAll('#certs tbody tr').length")
        res["timeline_rows"] = cdp.js("document.querySelectorAll('#timeline g.row').length")
        res["renewal_windows"] = cdp.js("document.querySelectorAll('#timeline rect.renew').length")
        res["today_marked"] = cdp.js("document.querySelectorAll('#timeline line.today').length")
        res["details"] = cdp.js("document.querySelectorAll('section.cert[id]').length")

        col = cdp.js("Array.prototype.map.call(document.querySelectorAll('#certs thead th'),"
                     "function(h){return h.textContent}).indexOf('Days left')")
        days = ("Array.prototype.map.call(document.querySelectorAll('#certs tbody tr'),"
                "function(r){return parseFloat(r.cells[%d].getAttribute('data-v'))})" % col)
        res["days_before"] = cdp.js(days)

        def click_header(name):
            rect = cdp.js(
                "(function(){var h=Array.prototype.filter.call(document.querySelectorAll('#certs thead th'),"
                "function(h){return h.textContent==%s})[0];h.scrollIntoView();"
                "var r=h.getBoundingClientRect();return {x:r.left+r.width/2,y:r.top+r.height/2};})()"
                % json.dumps(name))
            for t in ("mousePressed", "mouseReleased"):
                cdp.call("Input.dispatchMouseEvent", type=t, x=rect["x"], y=rect["y"],
                         button="left", clickCount=1)
            cdp.drain(0.2)
        if col >= 0:
            click_header("Days left")
            res["days_after_click"] = cdp.js(days)
            res["aria_after_click"] = cdp.js(
                "document.querySelectorAll('#certs thead th')[%d].getAttribute('aria-sort')" % col)
            click_header("Days left")
            res["days_after_second_click"] = cdp.js(days)

        marks["sorted"] = round(time.time() - t0, 2)
        shot = cdp.call("Page.captureScreenshot", format="png", captureBeyondViewport=False)
        png = base64.b64decode(shot["data"])
        with open(os.path.join(outdir, "page.png"), "wb") as f:
            f.write(png)
        res["screenshot_bytes"] = len(png)
        res["screenshot_png"] = png[:8] == b"\x89PNG\r\n\x1a\n"
        cdp.call("Emulation.setEmulatedMedia", media="print")
        res["print_hides_sort_arrows"] = cdp.js(
            "getComputedStyle(document.querySelector('#certs th'),'::after').content") in ("none", "\"\"", "")
        pdf = base64.b64decode(cdp.call("Page.printToPDF", printBackground=True)["data"])
        with open(os.path.join(outdir, "page.pdf"), "wb") as f:
            f.write(pdf)
        res["pdf_bytes"] = len(pdf)
        marks["printed"] = round(time.time() - t0, 2)
        res["pdf_ok"] = pdf[:5] == b"%PDF-"
        cdp.drain(0.3)
        res["csp_violations"] = cdp.js("window.__csp")
        ev = cdp.events
        res["exceptions"] = [e["params"]["exceptionDetails"].get("text", "")
                             for e in ev if e["method"] == "Runtime.exceptionThrown"]
        res["console_errors"] = [
            " ".join(str(a.get("value", a.get("description", ""))) for a in e["params"].get("args", []))
            for e in ev if e["method"] == "Runtime.consoleAPICalled"
            and e["params"].get("type") in ("error", "assert", "warning")]
        res["log_errors"] = [e["params"]["entry"].get("text", "")
                             for e in ev if e["method"] == "Log.entryAdded"
                             and e["params"]["entry"].get("level") in ("error", "warning")]
    except Exception as e:  # report, never hang
        res["error"] = "%s: %s" % (type(e).__name__, e)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(10)
        except Exception:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except Exception:
                pass
    print(json.dumps(res, indent=1, sort_keys=True))
    if "error" in res:
        return 2
    if expect_violation:
        return 0 if (res["csp_violations"] or res["log_errors"]) else 1
    d0, d1, d2 = res.get("days_before"), res.get("days_after_click"), res.get("days_after_second_click")
    good = (not res["csp_violations"] and not res["exceptions"] and not res["console_errors"]
            and not res["log_errors"] and res["script_ran"] and res["style_applied"]
            and res["scripts"] == 1 and res["foreign"] == 0 and res["handler_attrs"] == 0
            and all(res["body_text_has"].values()) and res["screenshot_png"]
            and res["screenshot_bytes"] > 1000 and res["pdf_ok"]
            and "'unsafe-inline'" not in res["csp_meta"] and "sha256-" in res["csp_meta"]
            and d1 == sorted(d0 or []) and d2 == sorted(d0 or [], reverse=True)
            and (rows is None or (res["table_rows"] == rows and res["timeline_rows"] == rows
                                  and res["details"] == rows)))
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
