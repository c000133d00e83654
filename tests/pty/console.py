"""The console in a pseudo-terminal, seen through a terminal emulator.

Console(term) starts dutydesk on $DB in a pty of the given TERM and size,
feeds everything it writes to pyte (a VT emulator), and lets a test send
the exact bytes a client sends and wait for what follows. Every wait polls
with a deadline and fails naming what never happened; nothing sleeps.
"""
import atexit
import fcntl
import json
import os
import pty
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time

try:
    import pyte
except ImportError:
    print("SKIP [pty-%s] python3-pyte is not installed" % os.path.basename(sys.argv[0])[:-3].replace("_", "-"))
    sys.exit(77)

WAIT = float(os.environ.get("DUTYDESK_TUI_WAIT", "20"))


class Fail(Exception):
    pass


class Console:
    def __init__(self, term, cols=80, rows=24, env=None):
        self.term, self.cols, self.rows = term, cols, rows
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = b""  # everything written, for the mode switches
        e = dict(os.environ)
        e.update({"TERM": term, "NO_COLOR": "1", "LANGUAGE": "en"})
        e.update(env or {})
        pid, fd = pty.fork()
        if pid == 0:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
            os.execve(e["DUTYDESK"], [e["DUTYDESK"], "--db", e["DB"]], e)
        self.pid, self.fd = pid, fd
        self.status = None

    def pump(self, timeout):
        r, _, _ = select.select([self.fd], [], [], timeout)
        if not r:
            return
        try:
            data = os.read(self.fd, 65536)
        except OSError:
            data = b""
        if not data:
            self.reap()
            return
        self.raw += data
        self.stream.feed(data)

    def reap(self):
        if self.status is None:
            pid, st = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = st

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        end = time.monotonic() + WAIT
        while data:  # a long paste fills the pty: keep reading what comes back
            _, w, _ = select.select([], [self.fd], [], 0.05)
            if w:
                data = data[os.write(self.fd, data[:4096]):]
            self.pump(0)
            if time.monotonic() > end:
                raise Fail("the console stopped reading its input (TERM=%s)" % self.term)

    def text(self):
        return "\n".join(self.screen.display)

    def wait(self, pred, what, secs=WAIT):
        end = time.monotonic() + secs
        while True:
            if pred():
                return
            if self.status is not None or time.monotonic() > end:
                raise Fail("%s never happened (TERM=%s); the screen:\n%s" % (what, self.term, self.text()))
            self.pump(0.05)

    def wait_text(self, s, secs=WAIT):
        self.wait(lambda: s in self.text(), "'%s' on the screen" % s, secs)

    # What the screen says
    def tab(self):
        """The active pane's number: its tab is in brackets."""
        line = self.screen.display[1]
        i = line.find("[")
        return int(line[i + 1]) if i >= 0 and line[i + 1].isdigit() else None

    def selected(self):
        """The first cell of the highlighted list row (reverse video), or None."""
        for y in range(3, self.rows - 1):
            row = self.screen.buffer[y]
            cells = [row[x] for x in range(self.cols)]
            if sum(1 for c in cells if c.reverse) > self.cols // 2:
                return "".join(c.data for c in cells).split()[0] if "".join(c.data for c in cells).split() else ""
        return None

    def close(self, expect=None):
        if self.status is None:
            try:
                os.kill(self.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            end = time.monotonic() + WAIT
            while self.status is None and time.monotonic() < end:
                self.pump(0.05)
                self.reap()
            if self.status is None:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
                os.close(self.fd)
                raise Fail("the console did not end on SIGTERM (TERM=%s)" % self.term)
        os.close(self.fd)
        # 0 after q, 143 after SIGTERM; anything else (a sanitizer's report,
        # a crash) is a failure
        code = os.WEXITSTATUS(self.status) if os.WIFEXITED(self.status) else -1
        if code not in ((expect,) if expect else (0, 128 + signal.SIGTERM)):
            raise Fail("the console ended with status %d (TERM=%s)" % (code, self.term))


def draft_fields():
    """The fields of the form's draft on disk ({} when there is none)."""
    d = os.path.join(os.environ["XDG_STATE_HOME"], "dutydesk", "drafts")
    try:
        names = os.listdir(d)
    except FileNotFoundError:
        return {}
    for n in names:
        if n.endswith(".json"):
            try:
                with open(os.path.join(d, n)) as f:
                    return json.load(f).get("fields", {})
            except (OSError, ValueError):
                return {}  # being replaced this instant
    return {}


def demo(name):
    """A private home and a demo database ($DB) for test NAME."""
    tmp = tempfile.mkdtemp(prefix="dd-pty-%s." % name)
    atexit.register(shutil.rmtree, tmp, True)
    for v in ("HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        os.environ[v] = os.path.join(tmp, v.lower())
    os.makedirs(os.path.join(os.environ["XDG_CONFIG_HOME"], "dutydesk"))
    os.environ["DB"] = os.path.join(tmp, "dutydesk.db")
    os.environ["DUTYDESK_OFFICER"] = "test"
    subprocess.run([os.environ["DUTYDESK"], "--db", os.environ["DB"], "demo"], check=True,
                   stdout=subprocess.DEVNULL)
