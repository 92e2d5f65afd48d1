"""The page in headless Chromium: it draws, stays offline, logs no error, and the injection probes stay inert.

Chromium is driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``: NUL-separated JSON on file
descriptors 3 and 4), so no websocket or browser-driver package is needed. Set ``DEALGRAPH_SCREENSHOT`` to copy
the screenshots into ``exports/``.
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dealgraph.graph.viz import render_html
from tests.graph.test_viz import HOSTILE, HOSTILE_NAME, generated_view, sample_cycles, sample_view

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
         "--disable-default-apps", "--mute-audio", "--hide-scrollbars", "--window-size=1400,900"]
EXPORTS = Path(__file__).resolve().parents[2] / "exports"

# Runs before the page's own scripts: records alerts, errors and CSP violations where the test can read them.
PROBE = """
window.__probe = {alerts: [], errors: [], csp: []};
['alert', 'confirm', 'prompt', 'print'].forEach(function (name) {
  window[name] = function (msg) { window.__probe.alerts.push(name + ':' + String(msg)); };
});
window.addEventListener('error', function (e) { window.__probe.errors.push(String(e.message)); });
document.addEventListener('securitypolicyviolation', function (e) {
  window.__probe.csp.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""

# Reads the page once its layout is stable: pixels drawn, nodes in view, requests made, elements created.
CHECKS = """
(async () => {
  const stable = await window.dealgraph.stable;
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const canvas = document.querySelector('#dg-network canvas');
  const ctx = canvas.getContext('2d');
  const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  let inked = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) inked++;
  const net = window.dealgraph.network, ids = window.dealgraph.nodes.getIds();
  const pos = net.getPositions(ids), w = canvas.clientWidth, h = canvas.clientHeight;
  const inView = ids.filter(id => { const p = net.canvasToDOM(pos[id]); return p.x >= 0 && p.y >= 0 && p.x <= w && p.y <= h; });
  const resources = performance.getEntriesByType('resource').map(e => e.name);
  return {stableMs: stable.ms, timings: stable.timings, inked: inked, total: pixels.length / 4, nodes: ids.length, inView: inView.length,
          edges: window.dealgraph.edges.length, resources: resources, probe: window.__probe,
          images: document.images.length, scripts: document.scripts.length, iframes: document.querySelectorAll('iframe').length,
          cycles: document.querySelectorAll('#dg-cycles li').length,
          cycleText: Array.from(document.querySelectorAll('#dg-cycles li .dg-path')).map(e => e.textContent)};
})()
"""


# Chromium reads commands on fd 3 and answers on fd 4: move the pipe ends there (via fds >= 10, so neither
# clobbers the other), then become Chromium.
_ON_FDS_3_AND_4 = """
import fcntl, os, sys
ends = [fcntl.fcntl(int(fd), fcntl.F_DUPFD, 10) for fd in sys.argv[1:3]]
for target, fd in zip((3, 4), ends):
    os.dup2(fd, target)
    os.close(fd)
os.execv(sys.argv[3], sys.argv[3:])
"""


class DevTools:
    """A headless Chromium and one page, spoken to over the DevTools protocol on a pipe."""

    def __init__(self, executable: str, profile: Path) -> None:
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()
        args = [executable, *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"]
        wrapper = [sys.executable, "-c", _ON_FDS_3_AND_4, str(to_chrome_r), str(from_chrome_w), *args]
        self.proc = subprocess.Popen(wrapper, pass_fds=(to_chrome_r, from_chrome_w), stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buffer, self._next_id, self.events = b"", 0, []
        self.session: str | None = None

    def send(self, method: str, params: dict | None = None, *, timeout: float = 60, browser: bool = False) -> dict:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if self.session and not browser:
            message["sessionId"] = self.session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def _read(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_chrome], [], [], left)[0]:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self._from_chrome, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the pipe: " + self.proc.stderr.read().decode(errors="replace"))
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def open_page(self) -> None:
        target = self.send("Target.createTarget", {"url": "about:blank"}, browser=True)["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True},
                                 browser=True)["sessionId"]
        for domain in ("Page", "Runtime", "Network", "Log"):
            self.send(f"{domain}.enable")
        self.send("Emulation.setDeviceMetricsOverride", {"width": 1400, "height": 900, "deviceScaleFactor": 1,
                                                         "mobile": False})
        self.send("Page.addScriptToEvaluateOnNewDocument", {"source": PROBE})

    def navigate(self, url: str, timeout: float = 60) -> None:
        self.events.clear()
        self.send("Page.navigate", {"url": url})
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == "Page.loadEventFired" for e in self.events):
            self.events.append(self._read(deadline))

    def evaluate(self, expression: str, timeout: float = 120) -> Any:
        result = self.send("Runtime.evaluate", {"expression": expression, "awaitPromise": True,
                                                "returnByValue": True, "timeout": timeout * 1000}, timeout=timeout)
        if "exceptionDetails" in result:
            raise AssertionError(f"page script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def mouse_move(self, x: float, y: float) -> None:
        self.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x, "y": y})

    def screenshot(self, path: Path) -> Path:
        path.write_bytes(base64.b64decode(self.send("Page.captureScreenshot", {"format": "png"})["data"]))
        return path

    def requests(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events if e.get("method") == "Network.requestWillBeSent"]

    def console_errors(self) -> list[str]:
        errors = []
        for e in self.events:
            method, params = e.get("method"), e.get("params", {})
            if method == "Runtime.exceptionThrown":
                errors.append(json.dumps(params.get("exceptionDetails", {}))[:500])
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert", "warning"):
                errors.append(json.dumps(params.get("args", []))[:500])
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") in ("error", "warning"):
                errors.append(params["entry"].get("text", "")[:500])
        return errors

    def close(self) -> None:
        try:
            self.send("Browser.close", browser=True, timeout=10)
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        os.close(self._to_chrome)
        os.close(self._from_chrome)
        self.proc.stderr.close()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[DevTools]:
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (apt-get install chromium): the browser checks need /usr/bin/chromium")
    chrome = DevTools(CHROMIUM, tmp_path / "profile")
    try:
        chrome.open_page()
        yield chrome
    finally:
        chrome.close()


def _keep(shot: Path) -> None:
    if os.environ.get("DEALGRAPH_SCREENSHOT"):
        EXPORTS.mkdir(exist_ok=True)
        shutil.copy(shot, EXPORTS / shot.name)


def _load(browser: DevTools, page: Path) -> dict:
    browser.navigate(page.as_uri())
    checks = browser.evaluate(CHECKS)
    assert checks["inked"] > 0.01 * checks["total"], f"the canvas is blank: {checks['inked']} pixels drawn"
    assert checks["nodes"] > 0 and checks["inView"] >= 0.9 * checks["nodes"], "the layout fits the view"
    assert all(u.startswith(("file:", "data:", "about:")) for u in checks["resources"]), checks["resources"]
    assert all(u.startswith(("file:", "data:", "about:")) for u in browser.requests()), browser.requests()
    assert checks["probe"] == {"alerts": [], "errors": [], "csp": []}
    assert checks["images"] == 0 and checks["iframes"] == 0 and checks["scripts"] == 3
    return checks


def _hover_tooltip(browser: DevTools, label: str) -> dict:
    where = browser.evaluate(f"""(() => {{
      const d = window.dealgraph, n = d.data.nodes.find(n => n.label === {json.dumps(label)});
      d.network.fit({{animation: false}});
      const p = d.network.canvasToDOM(d.network.getPosition(n.id));
      const r = document.querySelector('#dg-network').getBoundingClientRect();
      return {{x: r.left + p.x, y: r.top + p.y}};
    }})()""")
    browser.mouse_move(where["x"] + 40, where["y"] + 40)
    browser.mouse_move(where["x"], where["y"])
    time.sleep(0.8)
    return browser.evaluate("""(() => {
      const tip = document.querySelector('div.vis-tooltip');
      return tip ? {text: tip.textContent, visible: getComputedStyle(tip).visibility,
                    markup: tip.querySelectorAll('img,script,iframe,a').length} : null;
    })()""")


def test_sample_page_draws_offline_and_inert(browser: DevTools, tmp_path: Path) -> None:
    g = sample_view()
    page = render_html(g, sample_cycles(g), tmp_path / "dealgraph.html", title="AI deals " + HOSTILE)
    checks = _load(browser, page)
    assert checks["nodes"] == g.number_of_nodes() and checks["cycles"] == 4
    assert "NVIDIA \u2192 xAI \u2192 NVIDIA" in checks["cycleText"]
    assert f"{HOSTILE} \u2192 xAI \u2192 {HOSTILE}" in checks["cycleText"], "the hostile name shows as text"
    assert browser.evaluate("document.getElementById('dg-title').textContent") == "AI deals " + HOSTILE

    tip = _hover_tooltip(browser, HOSTILE)
    assert tip and tip["visible"] == "visible" and HOSTILE in tip["text"] and HOSTILE_NAME in tip["text"]
    assert tip["markup"] == 0
    _keep(browser.screenshot(tmp_path / "viz_sample.png"))

    for name, label in (("英伟达", "NVIDIA"), ("輝達", "NVIDIA"), ("moonshot", "月之暗面"), ("</SCRIPT>", HOSTILE)):
        selected = browser.evaluate(f"""(() => {{
          const box = document.getElementById('dg-search');
          box.value = {json.dumps(name)};
          box.dispatchEvent(new Event('input'));
          box.dispatchEvent(new KeyboardEvent('keydown', {{key: 'Enter'}}));
          const ids = window.dealgraph.network.getSelectedNodes();
          return ids.map(id => window.dealgraph.data.nodes[id].label);
        }})()""")
        assert selected == [label], name

    cycle = browser.evaluate("""(() => {
      document.querySelectorAll('#dg-cycles li')[2].click();
      const d = window.dealgraph, sel = d.network.getSelection();
      return {nodes: sel.nodes.map(id => d.data.nodes[id].label).sort(), edges: sel.edges.length,
              details: document.getElementById('dg-details-body').textContent};
    })()""")
    assert cycle["nodes"] == ["NVIDIA", "OpenAI", "Oracle"] and cycle["edges"] == 3
    assert "OpenAI signed a $300 billion deal with Oracle." in cycle["details"]

    filtered = browser.evaluate("""(() => {
      const d = window.dealgraph, box = document.querySelector('#dg-relations input[value=investedIn]');
      box.click();
      const hidden = d.edges.get({filter: e => e.hidden}).length, alone = d.nodes.get({filter: n => n.hidden});
      box.click();
      const from = document.getElementById('dg-date-from');
      from.value = '2025-06-01';
      from.dispatchEvent(new Event('change'));
      const afterDate = d.edges.get({filter: e => !e.hidden}).length;
      from.value = '';
      from.dispatchEvent(new Event('change'));
      const reuters = d.data.nodes.find(n => n.label === 'Reuters').id, lonely = document.getElementById('dg-isolated');
      lonely.click();
      const lonelyHidden = d.nodes.get(reuters).hidden === true;
      lonely.click();
      const lonelyBack = d.nodes.get(reuters).hidden === false;
      return {hidden: hidden, lonely: lonelyHidden && lonelyBack, alone: alone.map(n => d.data.nodes[n.id].label).sort(), afterDate: afterDate,
              restored: d.edges.get({filter: e => e.hidden}).length};
    })()""")
    assert filtered["hidden"] == 5 and sorted(filtered["alone"]) == sorted(["阿里巴巴", "月之暗面"])
    assert 0 < filtered["afterDate"] < checks["edges"] and filtered["restored"] == 0 and filtered["lonely"]

    browser.evaluate("window.dealgraph.network.unselectAll(); document.getElementById('dg-details').hidden = true;"
                     "window.dealgraph.network.fit(); document.getElementById('dg-search').value = '';"
                     "document.getElementById('dg-search').dispatchEvent(new Event('input'));")
    browser.mouse_move(600, 500)
    browser.mouse_move(150, 880)
    browser.evaluate("window.dealgraph.selectCycle(2)")
    time.sleep(0.8)
    shot = browser.screenshot(tmp_path / "viz_cycle.png")
    _keep(shot)
    assert shot.stat().st_size > 20_000
    assert browser.console_errors() == []
    assert browser.evaluate("window.__probe") == {"alerts": [], "errors": [], "csp": []}


@pytest.mark.parametrize("size", [200, 2000])
def test_generated_graph_settles(browser: DevTools, tmp_path: Path, size: int, record_property: Any) -> None:
    page = render_html(generated_view(size), [], tmp_path / f"generated_{size}.html")
    checks = _load(browser, page)
    assert checks["nodes"] == size
    assert checks["stableMs"] < (15_000 if size <= 300 else 30_000)
    record_property("stable_ms", round(checks["stableMs"]))
    record_property("page_kb", page.stat().st_size // 1024)
    t = checks["timings"]
    print(f"\n{size} nodes: {page.stat().st_size // 1024} KB, stable {t['stable'] / 1000:.2f} s after navigation "
          f"(script start {t['script'] / 1000:.2f} s, network built {t['network'] / 1000:.2f} s)")
    _keep(browser.screenshot(tmp_path / f"viz_generated_{size}.png"))
    assert browser.console_errors() == []
