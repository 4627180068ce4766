#!/usr/bin/env python3
"""Compare the site as the local platform renders it with `zola build`.

    python3 site/compare.py LOCAL ZOLA

LOCAL is the tree `cargo run -p moments-local -- --render-to LOCAL` writes;
ZOLA is one `zola --root site build --base-url / --output-dir ZOLA` writes.
Every file must be byte for byte the same. Nothing inside a file is
normalised: the one difference by design, the base URL (the local renderer
uses "", so every link is root-relative), is removed at the source by giving
Zola the base URL "/", under which it makes the same root-relative links
(its `get_url`, permalinks, `current_url` and `feed_url` all start with
"/"). Whitespace, line ends (CRLF and LF) and the order of
attributes are all part of what is compared.

The only files allowed in one tree and not the other are those Zola writes
and the local renderer leaves out by design (site/README.md): sitemap.xml
and robots.txt, in ZOLA only.

Exit status: 0 when the trees match, 1 when they differ (each difference is
printed, with a diff of the first lines that differ), 2 when a tree is
missing. Python 3 standard library only.
"""

import difflib
import sys
from pathlib import Path

# Written by `zola build` (generate_sitemap and generate_robots_txt are on by
# default), never by the local renderer.
ZOLA_ONLY = {"sitemap.xml", "robots.txt"}

# Enough of a diff to see what changed without flooding a CI log.
MAX_DIFF_LINES = 40
# Minified CSS is one long line: show a window around the change instead.
MAX_LINE = 160


def files(root):
    """Every file under `root`, as "/"-separated paths relative to it."""
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def first_difference(a, b):
    """The offset of the first byte where `a` and `b` differ."""
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return min(len(a), len(b))


def shown(line, column):
    """A line of a diff, with CR and tabs visible, cut around `column`; its
    first character (the diff's -, + or space) is always kept."""
    mark, line = line[:1], line[1:].rstrip("\n").replace("\r", "\\r").replace("\t", "\\t")
    if len(line) <= MAX_LINE:
        return mark + line
    start = max(0, min(column - MAX_LINE // 2, len(line) - MAX_LINE))
    cut = line[start : start + MAX_LINE]
    return mark + ("..." if start else "") + cut + ("..." if start + MAX_LINE < len(line) else "")


def describe(path, local, zola):
    """What differs between two versions of one file, as lines to print."""
    at = first_difference(local, zola)
    try:
        local_text, zola_text = local.decode("utf-8"), zola.decode("utf-8")
    except UnicodeDecodeError:
        return [
            f"{path}: binary files differ ({len(local)} bytes locally, "
            f"{len(zola)} from Zola), first at byte {at}"
        ]
    if local_text.replace("\r\n", "\n") == zola_text.replace("\r\n", "\n"):
        ends = ["CRLF" if "\r\n" in t else "LF" for t in (local_text, zola_text)]
        return [
            f"{path}: same text, different line ends "
            f"({ends[0]} locally, {ends[1]} from Zola; first at byte {at})"
        ]
    line = local[:at].count(b"\n") + 1
    column = at - (local.rfind(b"\n", 0, at) + 1)
    out = [f"{path}: differs from line {line}, column {column + 1}"]
    diff = difflib.unified_diff(
        local_text.splitlines(keepends=True),
        zola_text.splitlines(keepends=True),
        fromfile=f"local/{path}",
        tofile=f"zola/{path}",
        n=1,
    )
    for n, text in enumerate(diff):
        if n == MAX_DIFF_LINES:
            out.append("  ... (diff cut short)")
            break
        out.append("  " + shown(text, column + 1))
    return out


def compare(local_root, zola_root):
    """The differences between the trees, as lines to print; none if equal."""
    local, zola = files(local_root), files(zola_root)
    problems = []
    for path in sorted(local - zola):
        problems.append(f"{path}: only in the local render")
    for path in sorted(zola - local - ZOLA_ONLY):
        problems.append(f"{path}: only in Zola's build")
    for path in sorted(local & zola):
        a = (local_root / path).read_bytes()
        b = (zola_root / path).read_bytes()
        if a != b:
            problems.extend(describe(path, a, b))
    return problems, len(local & zola)


def main(argv):
    if len(argv) != 3:
        print("usage: " + __doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    local_root, zola_root = Path(argv[1]), Path(argv[2])
    for root in (local_root, zola_root):
        if not root.is_dir():
            print(f"{root}: no such directory", file=sys.stderr)
            return 2
    problems, compared = compare(local_root, zola_root)
    if problems:
        print("\n".join(problems))
        print(f"the local render differs from Zola's build ({compared} files in both)")
        return 1
    print(f"{compared} files identical in {local_root} and {zola_root}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
