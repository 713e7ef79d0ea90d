#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check the site `make docs` built as a reader sees it (make docs-check).

    common/docs_check.py SITE_DIR [--shots DIR] [--chromium PATH] [--jobs N]

1. The files: every link, image, frame, stylesheet and script of every page
   (and every entry of the sidebar's tree and of the search index) points at
   a file of the site, and its #anchor exists in that file. Every diagram is
   drawn: its SVG exists, is not empty, has nodes, is referenced by a page,
   and a handout's diagram has a caption. No Graphviz source is left shown
   as code (a diagram block that was not turned into a picture).
2. A browser: every page is loaded in headless Chromium (from file://, as a
   student opens build/docs/html/index.html), and must load with no script
   error, no console error and no failed request; on every page the theme
   is applied and the sidebar's tree is built, every image has decoded, and
   every diagram's SVG is drawn with a size. On the home page and a lab
   page: the dark mode toggle, the copy buttons on code blocks, and the
   interactive table of contents are there.
3. Screenshots of the home page and of lab 01 (its top, and its first
   diagram), in light and in dark mode, written to --shots DIR.

Chromium is driven over its DevTools protocol through a pair of pipes
(--remote-debugging-pipe), so nothing but python3 and Chromium is needed,
and no port is opened. Prints one line per problem and a summary; exits 0
when there is none, 1 when there is one, 2 when it could not run.
"""

import argparse
import base64
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

EXTERNAL = ("http", "https", "mailto", "ftp", "javascript", "data")
LOAD_TIMEOUT = 20.0  # seconds for one page to load and pass the checks


class Page(HTMLParser):
    """What one HTML file holds: its anchors, its references, its diagrams."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids = set()
        self.refs = []  # (attribute, value, line)
        self.graphs = []  # {"src": str|None, "caption": str, "line": int}
        self._divs = []  # stack of (is_dotgraph, is_caption)
        self._graph = None
        self._in_caption = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for name in ("id", "name") if tag == "a" else ("id",):
            if a.get(name):
                self.ids.add(a[name])
        line = self.getpos()[0]
        for attr in ("href", "src", "data"):
            value = a.get(attr)
            if value is None or (tag == "link" and a.get("rel") == "canonical"):
                continue
            self.refs.append((f"{tag} {attr}", value, line))
        if tag == "div":
            classes = (a.get("class") or "").split()
            dot, caption = "dotgraph" in classes, "caption" in classes
            if dot:
                self._graph = {"src": None, "caption": "", "line": line}
                self.graphs.append(self._graph)
            if caption and self._graph is not None:
                self._in_caption = True
            self._divs.append((dot, caption))
        elif self._graph is not None and tag in ("iframe", "img", "object"):
            self._graph["src"] = a.get("src") or a.get("data")

    def handle_endtag(self, tag):
        if tag != "div" or not self._divs:
            return
        dot, caption = self._divs.pop()
        if caption:
            self._in_caption = False
        if dot:
            self._graph = None

    def handle_data(self, data):
        if self._in_caption and self._graph is not None:
            self._graph["caption"] += data


class Site:
    """The static checks, over the files of the site."""

    def __init__(self, root):
        self.root = os.path.realpath(root)
        self.pages = {}  # path relative to root -> Page
        self.problems = []
        self.svg_refs = set()
        self.external = set()

    def rel(self, path):
        return os.path.relpath(path, self.root)

    def problem(self, where, what):
        self.problems.append(f"{where}: {what}")

    def parse(self, rel):
        if rel not in self.pages:
            page = Page()
            with open(os.path.join(self.root, rel), encoding="utf-8", errors="replace") as f:
                text = f.read()
            page.feed(text)
            page.text = text
            self.pages[rel] = page
        return self.pages[rel]

    def resolve(self, where, base_dir, value, what):
        """Check that VALUE, seen in a file of BASE_DIR, leads somewhere."""
        parts = urlsplit(value)
        if parts.scheme == "javascript":
            return  # Doxygen's own buttons
        if parts.scheme in EXTERNAL or parts.netloc:
            self.external.add(value)  # the machine may have no network
            return
        if parts.scheme:
            self.problem(where, f"{what} {value!r}: not a relative link")
            return
        path = unquote(parts.path)
        target = os.path.normpath(os.path.join(base_dir, path)) if path else None
        if target is not None:
            if not (target + os.sep).startswith(self.root + os.sep):
                self.problem(where, f"{what} {value!r} leads out of the site")
                return
            if not os.path.isfile(target):
                self.problem(where, f"{what} {value!r}: no such file")
                return
            if target.endswith(".svg"):
                self.svg_refs.add(self.rel(target))
        frag = unquote(parts.fragment)
        if frag and (target is None or target.endswith(".html")):
            rel = self.rel(target) if target else None
            page = self.parse(rel) if rel else self.current
            if frag not in page.ids:
                self.problem(where, f"{what} {value!r}: no anchor #{frag} there")

    def check(self):
        htmls = sorted(self.rel(os.path.join(d, f)) for d, _, fs in os.walk(self.root)
                       for f in fs if f.endswith(".html"))
        if "index.html" not in htmls:
            self.problem("index.html", "missing: the site has no home page")
        for rel in htmls:
            page = self.current = self.parse(rel)
            base = os.path.dirname(os.path.join(self.root, rel))
            for what, value, line in page.refs:
                self.resolve(f"{rel}:{line}", base, value, what)
            for g in page.graphs:
                where = f"{rel}:{g['line']}"
                if not g["src"]:
                    self.problem(where, "a diagram with no picture")
                    continue
                self.resolve(where, base, g["src"], "diagram")
                if os.path.basename(g["src"]).startswith("dot_inline") and not g["caption"].strip():
                    self.problem(where, f"diagram {g['src']} has no caption")
            # A ```dot block that stayed code: its source shows, no picture.
            for m in re.finditer(r'<div class="fragment">(.*?)<!-- fragment -->', page.text, re.S):
                code = re.sub(r"<[^>]+>", "", m.group(1)).strip()
                if re.match(r"(strict\s+)?(di)?graph\b[^{]*\{", code):
                    line = page.text.count("\n", 0, m.start()) + 1
                    self.problem(f"{rel}:{line}", "Graphviz source shown as code, not drawn")
            text = re.sub(r"<[^>]+>", "\n", page.text)
            if re.search(r"^\s*[@\\](end)?dot\b", text, re.M):
                self.problem(rel, "a @dot command shows as text")
        # The sidebar's tree and the search index: links in the scripts.
        quoted = re.compile(r"""["']((?:\.\./)?[\w.\-]+\.html)(#[\w.\-:]*)?["']""")
        for d, _, fs in os.walk(self.root):
            for f in fs:
                if not f.endswith(".js") or f.startswith(("jquery", "doxygen-awesome")):
                    continue
                path = os.path.join(d, f)
                with open(path, encoding="utf-8", errors="replace") as fh:
                    text = fh.read()
                self.current = None
                for m in quoted.finditer(text):
                    line = text.count("\n", 0, m.start()) + 1
                    self.resolve(f"{self.rel(path)}:{line}", d, m.group(1) + (m.group(2) or ""),
                                 "tree/search entry")
        # Every diagram (an SVG Graphviz drew, or one a diagram's frame
        # names): not empty, with nodes, and shown by a page.
        svgs = set(self.rel(os.path.join(self.root, os.path.dirname(rel), g["src"]))
                   for rel in htmls for g in self.pages[rel].graphs if g["src"])
        for d, _, fs in os.walk(self.root):
            for f in fs:
                path = os.path.join(d, f)
                if f.endswith(".svg") and (os.path.getsize(path) == 0 or
                                           b"Generated by graphviz" in open(path, "rb").read(400)):
                    svgs.add(self.rel(path))
        for rel in sorted(svgs):
            path = os.path.join(self.root, rel)
            if not os.path.isfile(path):
                continue  # reported with the page that shows it
            if os.path.getsize(path) == 0:
                self.problem(rel, "an empty SVG")
                continue
            try:
                svg = ET.parse(path).getroot()
            except ET.ParseError as e:
                self.problem(rel, f"not a well-formed SVG: {e}")
                continue
            nodes = [g for g in svg.iter("{http://www.w3.org/2000/svg}g")
                     if g.get("class") in ("node", "cluster")]
            if not svg.tag.endswith("svg") or not nodes:
                self.problem(rel, "an SVG with nothing drawn in it")
            if rel not in self.svg_refs:
                self.problem(rel, "a diagram no page shows")
        self.htmls = htmls
        self.diagrams = [(rel, g) for rel in htmls for g in self.pages[rel].graphs]
        return self.problems


class Chromium:
    """Headless Chromium, driven over the DevTools protocol on fds 3 and 4."""

    def __init__(self, exe, profile):
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def fds():  # the pipe protocol: Chromium reads fd 3, writes fd 4
            a, b = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-extensions",
                 "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio",
                 "--allow-file-access-from-files", "--force-device-scale-factor=1",
                 # tabs in the background (all but one) run at full speed
                 "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
                 "--disable-backgrounding-occluded-windows",
                 f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"]
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([exe] + flags, stdin=subprocess.DEVNULL,
                                     stdout=self.log, stderr=self.log,
                                     preexec_fn=fds, close_fds=False)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._next = 0
        self._lock = threading.Lock()
        self._replies = {}
        self._cond = threading.Condition()
        self.events = {}  # sessionId -> queue of events
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        buf = b""
        while True:
            try:
                chunk = os.read(self._from_chrome, 1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                with self._cond:
                    self._replies[None] = "Chromium closed its end of the pipe"
                    self._cond.notify_all()
                return
            buf += chunk
            while b"\0" in buf:
                raw, buf = buf.split(b"\0", 1)
                msg = json.loads(raw)
                if "id" in msg:
                    with self._cond:
                        self._replies[msg["id"]] = msg
                        self._cond.notify_all()
                else:
                    self.events.setdefault(msg.get("sessionId"), queue.Queue()).put(msg)

    def send(self, method, params=None, session=None, timeout=LOAD_TIMEOUT):
        with self._lock:
            self._next += 1
            ident = self._next
            msg = {"id": ident, "method": method, "params": params or {}}
            if session:
                msg["sessionId"] = session
            os.write(self._to_chrome, json.dumps(msg).encode() + b"\0")
        end = time.monotonic() + timeout
        with self._cond:
            while ident not in self._replies:
                if None in self._replies:
                    raise RuntimeError(self._replies[None])
                left = end - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{method}: no answer in {timeout:.0f} s")
                self._cond.wait(left)
            reply = self._replies.pop(ident)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error'].get('message')}")
        return reply.get("result", {})

    def tab(self):
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.events.setdefault(session, queue.Queue())
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable", session=session)
        self.send("Emulation.setDeviceMetricsOverride", {"width": 1280, "height": 860,
                  "deviceScaleFactor": 1, "mobile": False}, session=session)
        return session

    def close(self):
        try:
            self.send("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_chrome)


# Run in every page once it has loaded: what a reader would see broken.
# Resolves to a list of problems (strings).
PAGE_CHECK = r"""
(async () => {
  const problems = [];
  const until = async (cond, ms) => {
    const end = Date.now() + ms;
    while (!cond() && Date.now() < end) await new Promise(r => setTimeout(r, 20));
    return cond();
  };
  const root = getComputedStyle(document.documentElement);
  // The search box's result pages (search/*.html, shown in a frame) have
  // a style of their own; every other page has the theme and the tree.
  if (!location.pathname.includes('/search/')) {
    if (!root.getPropertyValue('--primary-color').trim())
      problems.push('the theme (doxygen-awesome.css) is not applied');
    if (!await until(() => document.querySelector('#nav-tree-contents a'), 5000))
      problems.push('the sidebar tree was not built');
    if (!await until(() => document.querySelector('#nav-tree .selected'), 3000))
      problems.push('the sidebar does not show where this page is');
  }
  for (const img of document.images) {
    await until(() => img.complete, 3000);
    if (!img.naturalWidth) problems.push('image not drawn: ' + img.getAttribute('src'));
  }
  // A handout's diagram: ipclab.js has made it an <img> that fits the column.
  const graphs = [...document.querySelectorAll("div.dotgraph")];
  for (const g of graphs) {
    const img = g.querySelector('img');
    if (!img) {
      problems.push('diagram not turned into a picture that fits the column: '
                    + (g.querySelector('iframe')?.getAttribute('src') || '(nothing)'));
      continue;
    }
    await until(() => img.complete, 3000);
    const r = img.getBoundingClientRect(), box = g.getBoundingClientRect();
    if (!img.naturalWidth || r.width < 10 || r.height < 10)
      problems.push('diagram not drawn: ' + img.getAttribute('src'));
    else if (r.right > box.right + 1)
      problems.push('diagram wider than its column: ' + img.getAttribute('src'));
  }
  // Doxygen's own graphs (a struct's collaboration graph) stay in frames.
  const frames = [...document.querySelectorAll('div.dyncontent iframe, center iframe')];
  for (const f of frames) {
    const drawn = () => {
      try {
        const svg = f.contentDocument && f.contentDocument.querySelector('svg');
        return svg && svg.querySelector('g.node') && svg.getBBox().width > 0;
      } catch (e) { return false; }
    };
    if (!await until(drawn, 3000))
      problems.push('diagram not drawn: ' + f.getAttribute('src'));
    else if (f.getBoundingClientRect().width < 10 || f.getBoundingClientRect().height < 10)
      problems.push('diagram has no room on the page: ' + f.getAttribute('src'));
  }
  for (const a of document.querySelectorAll('a[href^="#"]')) {
    const id = decodeURIComponent(a.getAttribute('href').slice(1));
    if (id && !document.getElementById(id) && !document.getElementsByName(id).length)
      problems.push('link to a missing anchor: #' + id);
  }
  return {problems, title: document.title,
          fragments: document.querySelectorAll('div.fragment').length,
          copyButtons: document.querySelectorAll('doxygen-awesome-fragment-copy-button').length,
          darkToggle: !!document.querySelector('doxygen-awesome-dark-mode-toggle'),
          toc: !!document.querySelector('.contents > .toc.interactive'),
          graphs: graphs.length + frames.length};
})()
"""


def load(browser, session, url):
    """Load URL in the tab; return (problems, facts about the page)."""
    events = browser.events[session]
    while not events.empty():
        events.get_nowait()
    browser.send("Page.navigate", {"url": url}, session=session)
    problems, requests = [], {}
    end = time.monotonic() + LOAD_TIMEOUT

    def take(ev):
        method, p = ev.get("method"), ev.get("params", {})
        if method == "Network.requestWillBeSent":
            requests[p["requestId"]] = p["request"]["url"]
        elif method == "Network.loadingFailed" and not p.get("canceled"):
            what = requests.get(p["requestId"], "?")
            problems.append(f"request failed ({p.get('errorText')}): {what}")
        elif method == "Runtime.exceptionThrown":
            d = p["exceptionDetails"]
            text = d.get("exception", {}).get("description") or d.get("text")
            problems.append(f"script error: {text.splitlines()[0] if text else '?'}")
        elif method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            args = " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))
            problems.append(f"console error: {args}")
        elif method == "Log.entryAdded" and p["entry"].get("level") == "error":
            problems.append(f"browser error: {p['entry'].get('text')}")
        return method

    while True:
        left = end - time.monotonic()
        if left <= 0:
            return ["did not finish loading"], {}
        try:
            ev = events.get(timeout=left)
        except queue.Empty:
            continue
        if take(ev) == "Page.loadEventFired":
            break
    result = browser.send("Runtime.evaluate", {"expression": PAGE_CHECK, "awaitPromise": True,
                                               "returnByValue": True}, session=session)
    if "exceptionDetails" in result:
        problems.append("the page check itself failed: "
                        + str(result["exceptionDetails"].get("text")))
        facts = {}
    else:
        facts = result["result"]["value"]
        problems += facts.pop("problems")
    while not events.empty():  # what happened while the checks ran
        take(events.get_nowait())
    return problems, facts


def screenshots(browser, session, url, shots):
    """Load URL once, then take SHOTS: (path, dark, selector to scroll to)."""
    problems, _ = load(browser, session, url)
    browser.send("Page.bringToFront", session=session)
    for path, dark, scroll_to in shots:
        browser.send("Emulation.setEmulatedMedia", {"features": [
            {"name": "prefers-color-scheme", "value": "dark" if dark else "light"}]},
            session=session)
        where = (f"document.querySelector({json.dumps(scroll_to)})?.scrollIntoView({{block: 'center'}})"
                 if scroll_to else "document.getElementById('doc-content')?.scrollTo(0, 0)")
        browser.send("Runtime.evaluate", {"expression": where}, session=session)
        time.sleep(0.25)  # the theme's colour transitions, the interactive TOC
        shot = browser.send("Page.captureScreenshot", {"format": "png"}, session=session)
        with open(path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
    browser.send("Emulation.setEmulatedMedia", {"features": []}, session=session)
    return problems


def registered(site, source):
    """Every lab of SOURCE is where a reader of the site looks for it: its
    handout in the home page's table, its header under "Lab APIs"."""
    problems = []
    home = {v.split("#")[0] for _, v, _ in site.parse("index.html").refs}
    api = set()
    for f in sorted(os.listdir(site.root)):
        if f.startswith("group__") and f.endswith(".html"):
            api |= {v.split("#")[0] for _, v, _ in site.parse(f).refs}
    labs = os.path.join(source, "labs")
    for lab in sorted(os.listdir(labs)) if os.path.isdir(labs) else []:
        if not re.match(r"\d\d-", lab) or not os.path.isfile(os.path.join(labs, lab, "README.md")):
            continue
        page = "md_labs_" + lab.replace("-", "_") + "_README"
        if page + ".html" not in home:
            problems.append(f"labs/{lab}/README.md: not on the home page: add its row to the "
                            f"lab table of docs/index.md (@subpage {page})")
        for h in sorted(f for f in os.listdir(os.path.join(labs, lab)) if f.endswith(".h")):
            if h.replace("_", "__").replace(".", "_8") + ".html" not in api:
                problems.append(f"labs/{lab}/{h}: not under Lab APIs: add a @defgroup and "
                                f"\"@file {h} @ingroup\" to docs/api.dox")
    return problems


def find_chromium(given):
    for name in ([given] if given else []) + ["chromium", "chromium-browser", "google-chrome"]:
        path = shutil.which(name)
        if path:
            return path
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("site", help="the built site (build/docs/html)")
    ap.add_argument("--shots", help="write screenshots here")
    ap.add_argument("--chromium", help="the browser (default: chromium on PATH)")
    ap.add_argument("--jobs", type=int, default=6, help="pages loaded at once")
    ap.add_argument("--lab-page", default="md_labs_01_pipe_README.html",
                    help="the lab page to take screenshots of")
    ap.add_argument("--source", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                    help="the project the site was built from (default: this script's)")
    ap.add_argument("--no-browser", action="store_true",
                    help="check the files only (links, anchors, diagrams, every lab listed)")
    args = ap.parse_args()
    started = time.monotonic()
    if not os.path.isfile(os.path.join(args.site, "index.html")):
        print(f"docs-check: no site in {args.site} (run make docs)", file=sys.stderr)
        return 2
    site = Site(args.site)
    problems = list(site.check()) + registered(site, args.source)
    phases = [("files", time.monotonic() - started)]
    if not args.no_browser:
        exe = find_chromium(args.chromium)
        if not exe:
            print("docs-check: Chromium is not installed (make docs-check installs it)",
                  file=sys.stderr)
            return 2
        in_browser(site, args, exe, problems, phases, started)
    for p in problems:
        print(p)
    elapsed = time.monotonic() - started
    print(f"docs-check: {len(site.htmls)} pages, {len(site.diagrams)} diagrams, "
          f"{len(site.external)} external links not followed, "
          f"{len(problems)} problem{'s' if len(problems) != 1 else ''}, {elapsed:.1f} s ("
          + ", ".join(f"{name} {t:.1f} s" for name, t in phases) + ")"
          + (": files only, no browser" if args.no_browser else ""))
    if args.shots and not problems and not args.no_browser:
        print(f"docs-check: screenshots in {args.shots}")
    return 1 if problems else 0


def in_browser(site, args, exe, problems, phases, started):
    """Load every page in Chromium; the screenshots. Adds to PROBLEMS."""
    profile = tempfile.mkdtemp(prefix="ipclab-chromium.")
    browser = None
    facts = {}
    try:
        browser = Chromium(exe, profile)
        sessions = [browser.tab() for _ in range(max(1, args.jobs))]
        todo = queue.Queue()
        for rel in site.htmls:
            todo.put(rel)
        lock = threading.Lock()

        def work(session):
            while True:
                try:
                    rel = todo.get_nowait()
                except queue.Empty:
                    return
                url = "file://" + os.path.join(site.root, rel)
                try:
                    found, page_facts = load(browser, session, url)
                except Exception as e:  # a dead browser, a timeout
                    found, page_facts = [f"could not be checked: {e}"], {}
                with lock:
                    facts[rel] = page_facts
                    problems.extend(f"{rel}: {p}" for p in found)

        workers = [threading.Thread(target=work, args=(s,)) for s in sessions]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        phases.append(("pages", time.monotonic() - started - sum(t for _, t in phases)))

        # The theme's extensions, where a reader meets them first.
        for rel in ("index.html", args.lab_page):
            f = facts.get(rel)
            if f is None:
                problems.append(f"{rel}: missing: cannot check the theme's extensions there")
                continue
            if not f.get("darkToggle"):
                problems.append(f"{rel}: no dark mode toggle")
            if f.get("fragments") and f.get("copyButtons") != f.get("fragments"):
                problems.append(f"{rel}: {f.get('fragments')} code blocks but "
                                f"{f.get('copyButtons')} copy buttons")
        if not facts.get(args.lab_page, {}).get("toc"):
            problems.append(f"{args.lab_page}: no interactive table of contents")

        if args.shots:
            os.makedirs(args.shots, exist_ok=True)
            s = sessions[0]
            lab = "file://" + os.path.join(site.root, args.lab_page)
            home = "file://" + os.path.join(site.root, "index.html")
            shot = lambda name: os.path.join(args.shots, name + ".png")
            for url, todo in ((home, [(shot("home"), False, None), (shot("home-dark"), True, None)]),
                              (lab, [(shot("lab"), False, None), (shot("lab-dark"), True, None),
                                     (shot("lab-diagram"), False, "div.dotgraph"),
                                     (shot("lab-diagram-dark"), True, "div.dotgraph")])):
                problems.extend(f"screenshots of {os.path.basename(url)}: {p}"
                                for p in screenshots(browser, s, url, todo))
            phases.append(("screenshots", time.monotonic() - started - sum(t for _, t in phases)))
    except (RuntimeError, TimeoutError, OSError) as e:
        problems.append(f"Chromium: {e}")
        if browser:
            browser.log.seek(0)
            tail = browser.log.read().decode(errors="replace").strip().splitlines()[-5:]
            problems.extend("    " + line for line in tail)
    finally:
        if browser:
            browser.close()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
