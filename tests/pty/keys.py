"""Keys from every client mean what they say: each client's exact bytes,
under each TERM that client is used with, in a list and in a form.

The byte tables are the clients' own (see src/tui/keys.c for the sources).
A key with an effect is checked by that effect (the selected row, the pane,
the help, the field's content in the draft); a key with none by the next
key doing exactly what it does alone: no Esc, no pane switch, no text.
"""
import os
import sys

sys.dont_write_bytecode = True  # nothing written into the source tree
sys.path.insert(0, os.path.dirname(__file__))
from console import Console, Fail, demo, draft_fields  # noqa: E402

E = "\033"
FN_TILDE = [E + "[%d~" % n for n in (11, 12, 13, 14, 15, 17, 18, 19, 20, 21, 23, 24)]
FN_XTERM = [E + "OP", E + "OQ", E + "OR", E + "OS"] + FN_TILDE[4:]


def client(**over):
    """PuTTY's defaults (ESC[n~), with what a client does otherwise."""
    k = {
        "Home": E + "[1~", "End": E + "[4~", "Insert": E + "[2~", "Delete": E + "[3~",
        "PgUp": E + "[5~", "PgDn": E + "[6~",
        "Up": E + "OA", "Down": E + "OB", "Left": E + "OD", "Right": E + "OC",
        "BTab": E + "[Z", "Backspace": "\x7f", "Backspace^H": "\x08", "Alt+2": E + "2", "Alt+x": E + "x",
    }
    for i, s in enumerate(FN_TILDE):
        k["F%d" % (i + 1)] = s
    k.update(over)
    return {n: v for n, v in k.items() if v is not None}


def fkeys(seqs):
    return {"F%d" % (i + 1): s for i, s in enumerate(seqs)}


XTERMS = ["xterm", "xterm-256color", "putty"]
CLIENTS = [
    ("PuTTY ESC[n~", client(), XTERMS),
    ("PuTTY Linux", client(**fkeys([E + "[[" + c for c in "ABCDE"] + FN_TILDE[5:])), XTERMS),
    ("PuTTY Xterm R6", client(**fkeys(FN_XTERM)), XTERMS),
    # VT400 sends the editing keys in the VT220's physical order: they are
    # the other keys' bytes, so only its function keys can be checked.
    ("PuTTY VT400", client(Home=None, End=None, Insert=None, Delete=None, PgUp=None, PgDn=None),
     XTERMS),
    ("PuTTY VT100+", client(**fkeys([E + "O" + c for c in "PQRSTUVWXYZ["])), XTERMS),
    # SCO: Delete sends 0x7F, Backspace's byte.
    ("PuTTY SCO", client(Home=E + "[H", End=E + "[F", Insert=E + "[L", PgUp=E + "[I",
                         PgDn=E + "[G", Delete=None,
                         **fkeys([E + "[" + c for c in "MNOPQRSTUVWX"])), XTERMS),
    ("Xshell", client(**fkeys(FN_XTERM)), ["xterm", "xterm-256color", "linux"]),
    ("SecureCRT VT100", client(**fkeys(FN_XTERM)), ["xterm", "linux"]),
    ("SecureCRT VT220", client(), ["xterm", "xterm-256color", "linux"]),
    ("Windows Terminal", client(Home=E + "OH", End=E + "OF", **fkeys(FN_XTERM)),
     ["xterm-256color", "xterm"]),
    ("Windows console", client(Home=E + "[H", End=E + "[F", Up=E + "[A", Down=E + "[B",
                               Left=E + "[D", Right=E + "[C", **fkeys(FN_XTERM)),
     ["xterm-256color", "xterm"]),
    ("Linux console", client(Up=E + "[A", Down=E + "[B", Left=E + "[D", Right=E + "[C",
                             BTab=E + "\t",
                             **fkeys([E + "[[" + c for c in "ABCDE"] + FN_TILDE[5:])), ["linux"]),
    ("tmux", client(**fkeys(FN_XTERM)), ["tmux-256color", "screen"]),
    ("screen", client(**fkeys(FN_XTERM)), ["screen"]),
]
# Sequences no table has: swallowed whole (Ctrl+Up, an unknown ~ key,
# xterm's old SS3 with modifiers, a device attribute reply, Alt+Up).
UNKNOWN = [E + "[1;5A", E + "[99~", E + "O5P", E + "[?1;2c", E + E + "[A"]
NOTHING = ["Insert", "Delete"] + ["F%d" % n for n in range(2, 13)] + ["Alt+x"]


def list_checks(c, keys, base):
    """Hazards pane (2): base holds the rows g, g j, G and g ^F select."""
    def reset(seq, want, what):
        c.send(seq)
        c.wait(lambda: c.selected() == want and c.tab() == 2, what)

    def check(name, before, before_want, want, what):
        if name not in keys:
            return
        reset(before, before_want, "reset before %s" % name)
        c.send(keys[name])
        c.wait(lambda: c.selected() == want and c.tab() == 2, "%s: %s" % (name, what))

    check("Home", "G", base["bottom"], base["top"], "the first row")
    check("End", "g", base["top"], base["bottom"], "the last row")
    check("PgDn", "g", base["top"], base["page"], "a page down")
    check("PgUp", "g\x06", base["page"], base["pageback"], "a page up")
    check("Down", "g", base["top"], base["second"], "one row down")
    check("Up", "gj", base["second"], base["top"], "one row up")
    for name, seq in [(n, keys.get(n)) for n in NOTHING] + [("%r" % u, u) for u in UNKNOWN]:
        if seq is None:
            continue
        reset("g", base["top"], "reset before %s" % name)
        c.send(seq + "j")
        c.wait(lambda: c.selected() == base["second"] and c.tab() == 2 and "# Keys" not in c.text(),
               "%s does nothing (then j moves one row in pane 2)" % name)
    # An Alt key with no binding over a list is Esc then the key: Alt+2 (or
    # Esc and 2 come in one read over a slow link) goes to pane 2.
    c.send("1")
    c.wait(lambda: c.tab() == 1, "pane 1 before Alt+2")
    c.send(keys["Alt+2"])
    c.wait(lambda: c.tab() == 2, "Alt+2 (unbound): Esc, then 2 goes to pane 2")
    if "F1" in keys:
        c.send(keys["F1"])
        c.wait_text("# Keys")
        c.send("q")
        c.wait(lambda: "# Keys" not in c.text() and c.tab() == 2, "help closed")
    if "BTab" in keys:
        c.send(keys["BTab"])
        c.wait(lambda: c.tab() == 1, "BTab: the previous pane (1)")
        c.send("2")
        c.wait(lambda: c.tab() == 2, "back to pane 2")


def form_checks(c, keys):
    """The new-incident form's title field, checked in its draft."""
    def title():
        return draft_fields().get("title")

    def check(name, want, before="abc"):
        if name not in keys:
            return
        c.send("\x05\x15" + before)  # ^E ^U: empty; then the text, the cursor at its end
        c.wait(lambda: title() == before, "the title reset to %r before %s" % (before, name))
        c.send(keys[name] + "X")
        c.wait(lambda: title() == want, "%s: the title %r (it is %r)" % (name, want, title()))

    check("Home", "Xabc")
    check("Left", "abXc")
    check("Backspace", "abX")
    check("Backspace^H", "abX")
    c.send("\x01")  # ^A: Right, End and Delete start from the start
    for name, want in (("Right", "aXbc"), ("End", "abcX"), ("Delete", "Xbc")):
        if name in keys:
            c.send("\x05\x15abc\x01")
            c.wait(lambda: title() == "abc", "the title reset before %s" % name)
            c.send(keys[name] + "X")
            c.wait(lambda: title() == want, "%s: the title %r (it is %r)" % (name, want, title()))
    for name in ["Insert", "PgUp"] + ["F%d" % n for n in range(2, 13)] + ["Alt+x", "Alt+2"]:
        check(name, "abcX")
    if "PgDn" in keys and "PgUp" in keys:  # a screenful of fields down, and back to the title
        c.send("\x05\x15abc")
        c.wait(lambda: title() == "abc", "the title reset before PgDn")
        c.send(keys["PgDn"] + keys["PgUp"] + "X")
        c.wait(lambda: title() == "abcX", "PgDn then PgUp: back on the title (it is %r)" % title())
    for u in UNKNOWN:
        c.send("\x05\x15abc")
        c.wait(lambda: title() == "abc", "the title reset before %r" % u)
        c.send(u + "X")
        c.wait(lambda: title() == "abcX", "%r swallowed (the title %r)" % (u, title()))
    if "F1" in keys:
        c.send(keys["F1"])
        c.wait_text("# Keys")
        c.send("\033")
        c.wait_text("New incident")


def main():
    demo("keys")
    only = os.environ.get("PTY_CLIENT")
    checks = 0
    base = None
    for name, keys, terms in CLIENTS:
        if only and only not in name:
            continue
        for term in terms:
            c = Console(term)
            try:
                c.wait_text("Incidents")
                c.send("2")
                c.wait(lambda: c.tab() == 2 and c.selected(), "pane 2 with a row selected")
                if base is None:
                    # the rows known keys select, each waited for
                    base = {"top": c.selected()}
                    for k, seq, away in (("second", "j", "top"), ("bottom", "G", "second"),
                                         ("top", "g", "bottom"), ("page", "\x06", "top")):
                        c.send(seq)
                        c.wait(lambda: c.selected() not in (base[away], None),
                               "%r moves the selection" % seq)
                        base[k] = c.selected()
                    base["pageback"] = base["top"]  # a page up from the second page
                list_checks(c, keys, base)
                c.send("1a")
                c.wait_text("New incident")
                form_checks(c, keys)
                # Esc alone still closes (it asks first: the form has text)
                c.send("\033")
                c.wait_text("Discard")
                c.send("y")
                c.wait(lambda: "New incident" not in c.text(), "the form closed after Esc")
                c.close()
            except Fail as e:
                print("FAIL [%s, TERM=%s] %s" % (name, term, e))
                try:
                    c.close()
                except Fail:
                    pass
                sys.exit(1)
            checks += 1
            print("ok %s under TERM=%s" % (name, term))
    print("pty-keys: %d client/TERM pairs checked" % checks)


main()
