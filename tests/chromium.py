"""A headless Chromium driven over the Chrome DevTools Protocol (a websocket), for the browser tests.

Debian's `chromium` (or any Chromium or Chrome on PATH) runs with a new empty profile and no network
services; every request a page makes, every console message at error level, every uncaught exception and
every failed load is recorded, page by page. Nothing is downloaded: the browser is the system's.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

BINARIES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--disable-default-apps", "--no-default-browser-check", "--mute-audio",
         "--disable-features=Translate,MediaRouter,OptimizationHints", "--metrics-recording-only",
         "--host-resolver-rules=MAP * ~NOTFOUND", "--remote-debugging-port=0", "--window-size=1280,1000"]


def find() -> str | None:
    for name in BINARIES:
        path = shutil.which(name)
        if path:
            return path
    return None


class Events:
    """What one page did while it loaded."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []


class Chromium:
    def __init__(self, binary: str, profile: Path, timeout: float = 60.0) -> None:
        import websocket  # websocket-client, from the test extra

        profile.mkdir(parents=True, exist_ok=True)
        self.log = (profile / "chromium.log").open("wb")
        self.process = subprocess.Popen([binary, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                                        stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + timeout
        while not (port_file.is_file() and len(port_file.read_text().splitlines()) >= 2):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise RuntimeError(f"Chromium did not start: see {profile / 'chromium.log'}")
            time.sleep(0.05)
        port, path = port_file.read_text().splitlines()[:2]
        self.ws = websocket.create_connection(f"ws://127.0.0.1:{port}{path}", timeout=timeout,
                                              suppress_origin=True)
        self.timeout = timeout
        self.next_id = 0
        self.pending: list[dict] = []
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Network", "Page", "Runtime", "Log"):
            self.call(f"{domain}.enable", session=True)
        self.events = Events()

    # -- protocol --------------------------------------------------------------------------------

    def call(self, method: str, params: dict | None = None, *, session: bool = False) -> dict[str, Any]:
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self.session
        self.ws.send(json.dumps(message))
        while True:
            reply = self._receive()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self._event(reply)

    def _receive(self) -> dict:
        return json.loads(self.ws.recv())

    def _event(self, message: dict) -> None:
        method, params = message.get("method"), message.get("params", {})
        if method == "Network.requestWillBeSent":
            self.events.requests.append(params["request"]["url"])
        elif method == "Network.loadingFailed" and not params.get("canceled"):
            self.events.errors.append(f"load failed: {params.get('errorText')}")
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            self.events.errors.append("console: " + " ".join(str(a.get("value", a.get("description")))
                                                             for a in params.get("args", [])))
        elif method == "Runtime.exceptionThrown":
            self.events.errors.append("exception: " + json.dumps(params.get("exceptionDetails", {}))[:500])
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            self.events.errors.append(f"log ({entry.get('source')}): {entry.get('text')} {entry.get('url', '')}")
        elif method == "Page.loadEventFired":
            self.pending.append(message)

    # -- pages -----------------------------------------------------------------------------------

    def open(self, url: str) -> Events:
        """Load a page and wait for its load event; what it requested and any error it raised."""
        self.events = Events()
        self.pending.clear()
        result = self.call("Page.navigate", {"url": url}, session=True)
        if result.get("errorText"):
            self.events.errors.append(f"navigation failed: {result['errorText']}")
            return self.events
        deadline = time.monotonic() + self.timeout
        while not self.pending:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url} did not finish loading")
            self._event(self._receive())
        self.call("Runtime.evaluate", {"expression": "0"}, session=True)  # let pending messages arrive
        return self.events

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True}, session=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression[:80]}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: Path) -> None:
        """The whole page as a PNG."""
        size = self.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
        width, height = max(1280, int(size[0])), min(int(size[1]), 8000)
        self.call("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1,
                                                         "mobile": False}, session=True)
        data = self.call("Page.captureScreenshot", {"format": "png"}, session=True)["data"]
        self.call("Emulation.clearDeviceMetricsOverride", session=True)
        path.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        ws = getattr(self, "ws", None)
        if ws is not None:
            try:
                self.call("Browser.close")
            except Exception:  # noqa: BLE001 - the browser may already be gone
                pass
            ws.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
