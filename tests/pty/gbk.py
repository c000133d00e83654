#!/usr/bin/python3
"""A terminal in GBK, GB18030 or GB2312, checked at the byte level.

The console runs in a pseudo-terminal of this script's own (tmux would
re-encode everything as UTF-8): what it writes is decoded as the terminal's
encoding and laid out by pyte, an emulator that counts CJK as two cells;
what is typed is sent in that encoding. Three ways of saying the encoding:
LANG=zh_CN.GBK (a locale this machine need not have), the environment
variable with a UTF-8 locale, and config.yaml.

Needs Debian's python3-pyte (SKIP without it). Run by meson as pty-gbk.
"""
import codecs
import fcntl
import json
import os
import re
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import termios
import time

try:
    import pyte
except ImportError:
    print("SKIP: python3-pyte is not installed (apt-get install python3-pyte)")
    sys.exit(77)

DUTYDESK = os.environ.get("DUTYDESK")
if not DUTYDESK:
    print("SKIP: DUTYDESK (the built binary) is not set")
    sys.exit(77)
WAIT = float(os.environ.get("DUTYDESK_TUI_WAIT", "20"))
COLS, ROWS = 100, 30
checks = 0


def fail(msg, screen=None):
    print("FAIL: " + msg)
    if screen is not None:
        print("---- screen ----")
        print("\n".join(screen.display))
    sys.exit(1)


def ok(what):
    global checks
    checks += 1
    print("ok %d - %s" % (checks, what))


class Session:
    """The console on a pseudo-terminal, its screen as the terminal shows it."""

    def __init__(self, tmp, db, encoding, env_extra):
        self.encoding = encoding
        self.raw = bytearray()
        self.screen = pyte.Screen(COLS, ROWS)
        self.stream = pyte.Stream(self.screen)
        self.decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("LC_", "LANG", "DUTYDESK_"))}
        env.update({"HOME": tmp, "XDG_CONFIG_HOME": tmp + "/config",
                    "XDG_STATE_HOME": tmp + "/state", "XDG_DATA_HOME": tmp + "/data",
                    "TERM": "xterm", "TZ": "Asia/Shanghai", "DUTYDESK_OFFICER": "测试员",
                    "DUTYDESK_CONFIG": tmp + "/none.yaml"})
        if "DUTYDESK_DATA" in os.environ:
            env["DUTYDESK_DATA"] = os.environ["DUTYDESK_DATA"]
        env.update(env_extra)
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))

        def controlling():
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.proc = subprocess.Popen([DUTYDESK, "--db", db], stdin=slave, stdout=slave,
                                     stderr=slave, env=env, start_new_session=True,
                                     preexec_fn=controlling, close_fds=True)
        os.close(slave)
        self.fd = master

    def pump(self, timeout):
        r, _, _ = select.select([self.fd], [], [], timeout)
        if not r:
            return False
        try:
            b = os.read(self.fd, 65536)
        except OSError:  # EIO: the console has closed the terminal
            return False
        self.raw.extend(b)
        self.stream.feed(self.decoder.decode(b))
        return True

    def text(self):
        return "\n".join(self.screen.display)

    def wait_for(self, pattern, what):
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if re.search(pattern, self.text()):
                return
            self.pump(0.1)
        fail("%s: never appeared within %gs (/%s/, terminal in %s)"
             % (what, WAIT, pattern, self.encoding), self.screen)

    def send(self, text):
        os.write(self.fd, text.encode(self.encoding))

    def quit(self):
        self.send("q")
        deadline = time.monotonic() + WAIT
        while self.proc.poll() is None and time.monotonic() < deadline:
            self.pump(0.1)
        if self.proc.poll() is None:
            self.proc.kill()
            fail("the console did not end within %gs of q" % WAIT, self.screen)
        while self.pump(0):
            pass
        os.close(self.fd)
        return self.proc.returncode


def cli(db, *args):
    env = dict(os.environ, LC_ALL="C.UTF-8")
    env.pop("LANGUAGE", None)
    out = subprocess.run([DUTYDESK, "--db", db] + list(args), env=env, check=True,
                         stdout=subprocess.PIPE)
    return out.stdout.decode("utf-8")


def session(tmp, db, encoding, env_extra, typed, resize=False):
    s = Session(tmp, db, encoding, env_extra)
    # Chinese, drawn in the terminal's encoding: the header's office and a tab
    s.wait_for("永和县 值班室", "the header's office name, decoded as " + encoding)
    s.wait_for("概览", "the overview tab's Chinese name")
    if "值班室".encode("utf-8") in s.raw:
        fail("UTF-8 bytes reached a %s terminal" % encoding)
    if "值班室".encode(encoding) not in s.raw:
        fail("the header's Chinese is not in %s bytes" % encoding)
    ok("%s: the screen is Chinese, in %s bytes, no UTF-8" % (encoding, encoding))
    # widths: the clock ends the header row at the last column, nothing wrapped
    header = s.screen.display[0]
    if not re.search(r"\d\d:\d\d $|\d\d:\d\d$", header):
        fail("the header row does not end with the clock at column %d: %r" % (COLS, header),
             s.screen)
    ok("%s: the header is %d cells wide, the clock at its end" % (encoding, COLS))
    if resize:
        # the terminal's new size reaches curses through the relay
        fcntl.ioctl(s.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        s.screen.resize(24, 80)
        s.wait_for(r"\A[^\n]*\d\d:\d\d *\n", "the header redrawn at 80 columns")
        if not re.search(r"\d\d:\d\d *$", s.screen.display[0]):
            fail("after the resize the header is not 80 cells", s.screen)
        ok("%s: a resize to 80x24 is drawn at 80 columns" % encoding)
    # Chinese typed in the terminal's encoding lands in the ':' line and the log
    s.send(":log ")
    s.send(typed)
    s.wait_for(re.escape(typed), "the typed Chinese on the ':' line")
    s.send("\r")
    s.wait_for("已记入值班日志", "the confirmation, in Chinese")
    entries = json.loads(cli(db, "log", "list", "--json"))
    texts = [e.get("text") for e in (entries if isinstance(entries, list) else entries.get("entries", []))]
    if typed not in texts:
        fail("the duty log does not hold %r as UTF-8: %r" % (typed, texts[-3:]))
    ok("%s: Chinese typed in %s is stored as UTF-8" % (encoding, encoding))
    rc = s.quit()
    if rc != 0:
        fail("the console ended with %d" % rc)
    ok("%s: q ends the console with 0" % encoding)
    shown = s.raw.decode(encoding, errors="replace")
    if "\ufffd" in shown:
        at = shown.index("\ufffd")
        fail("bytes that are no %s character were written: %r" % (encoding, shown[at - 20:at + 20]))
    ok("%s: every byte written is %s" % (encoding, encoding))


def hangup(tmp, db):
    """The terminal goes away under the relay: the console ends, 129."""
    s = Session(tmp, db, "gbk", {"LANG": "zh_CN.GBK"})
    s.wait_for("永和县 值班室", "the console before the hang-up")
    os.close(s.fd)
    try:
        rc = s.proc.wait(timeout=WAIT)
    except subprocess.TimeoutExpired:
        s.proc.kill()
        fail("the console outlived its GBK terminal by %gs" % WAIT)
    if rc != 129:
        fail("after the hang-up the console ended with %d, not 129" % rc)
    ok("gbk: a hang-up ends the console (129)")


def cli_on_terminal(tmp, db, env_extra, *args):
    """The CLI with a terminal for stdout and stderr: all it wrote."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("LC_", "LANG", "DUTYDESK_"))}
    env.update({"HOME": tmp, "TERM": "xterm", "TZ": "Asia/Shanghai",
                "DUTYDESK_CONFIG": tmp + "/none.yaml"})
    if "DUTYDESK_DATA" in os.environ:
        env["DUTYDESK_DATA"] = os.environ["DUTYDESK_DATA"]
    env.update(env_extra)
    master, slave = os.openpty()
    proc = subprocess.Popen([DUTYDESK, "--db", db] + list(args), stdin=subprocess.DEVNULL,
                            stdout=slave, stderr=slave, env=env)
    os.close(slave)
    raw = bytearray()
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        r, _, _ = select.select([master], [], [], 0.1)
        if r:
            try:
                b = os.read(master, 65536)
            except OSError:
                b = b""
            if not b:
                break
            raw.extend(b)
        elif proc.poll() is not None and not r:
            break
    proc.wait(timeout=WAIT)
    os.close(master)
    piped = subprocess.run([DUTYDESK, "--db", db] + list(args), env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return bytes(raw), piped.stdout + piped.stderr


def cli_checks(tmp, db):
    gbk = {"LANG": "zh_CN.GBK"}
    raw, piped = cli_on_terminal(tmp, db, gbk, "incident", "list")
    if "标题".encode("gbk") not in raw or "标题".encode("utf-8") in raw:
        fail("the CLI's table on a GBK terminal is not GBK: %r" % raw[:200])
    if "桑壁镇".encode("gbk") not in raw:
        fail("the CLI's rows on a GBK terminal are not GBK: %r" % raw[:300])
    ok("gbk: the CLI's table on the terminal is in GBK")
    if "标题".encode("utf-8") not in piped:
        fail("the CLI's table into a pipe is not UTF-8: %r" % piped[:200])
    ok("gbk: the same table into a pipe stays UTF-8")
    raw, _ = cli_on_terminal(tmp, db, gbk, "bogus")
    if "未知命令".encode("gbk") not in raw:
        fail("the CLI's error on a GBK terminal is not GBK: %r" % raw)
    ok("gbk: the CLI's error on the terminal is in GBK")
    raw, _ = cli_on_terminal(tmp, db, gbk, "incident", "list", "--json")
    if "桑壁镇".encode("utf-8") not in raw:
        fail("--json on a GBK terminal is not UTF-8: %r" % raw[:200])
    ok("gbk: --json stays UTF-8 even on the terminal")


def main():
    locales = subprocess.run(["locale", "-a"], stdout=subprocess.PIPE,
                             universal_newlines=True).stdout.split()
    zh = [l for l in locales if l.lower().startswith("zh")]
    print("# locales for Chinese on this machine: %s" % (", ".join(zh) or "none"))
    tmp = tempfile.mkdtemp(prefix="dd-pty-gbk.")
    try:
        db = tmp + "/dutydesk.db"
        subprocess.run([DUTYDESK, "--db", db, "demo"], check=True, stdout=subprocess.DEVNULL)
        # the locale names the encoding (and the language), no locale installed
        session(tmp, db, "gbk", {"LANG": "zh_CN.GBK"}, "现场积水约三十厘米", resize=True)
        cli_checks(tmp, db)
        hangup(tmp, db)
        # a UTF-8 locale, the variable says the terminal's encoding
        session(tmp, db, "gb18030", {"LANG": "C.UTF-8", "LANGUAGE": "zh_CN",
                                     "DUTYDESK_TERMINAL_ENCODING": "gb18030"}, "东山坡落石已清理")
        # config.yaml says both, the locale says neither
        with open(tmp + "/config.yaml", "w") as f:
            f.write("language: zh\nterminal_encoding: GB2312\n")
        session(tmp, db, "gb2312", {"LANG": "C", "DUTYDESK_CONFIG": tmp + "/config.yaml"},
                "群众已转移")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("pty-gbk: %d checks passed" % checks)


main()
