#!/usr/bin/env python3
"""Checks that docs/bootstrapping.md still points at the right lines.

Every link written as [`NAME` (FILE:LINE)](PATH#LLINE) must name the same line twice, and
line LINE of PATH (relative to the page) must contain NAME. Run after editing start.S or the
C stage: a moved label shows up here, not in a reader's confusion. With --fix, links whose
name is defined on exactly one line (a label `NAME:`, a function `... NAME(...)` not ending in
`;`, or `#define NAME`) are moved there.

  doclinks.py [--fix] docs/bootstrapping.md
"""
import os
import re
import sys

LINK = re.compile(r"\[`([^`]+)` \(([\w./-]+):(\d+)\)\]\(([^)#]+)#L(\d+)\)")


def definitions(lines, name):
    """Line numbers (from 1) that define `name`."""
    word = re.escape(name)
    rx = re.compile(r"^(%s:|#define\s+%s\b|\S.*\b%s\()" % (word, word, word))
    return [i + 1 for i, line in enumerate(lines)
            if rx.search(line) and not line.rstrip().endswith(";")]


def main():
    args = sys.argv[1:]
    fix = "--fix" in args
    args = [a for a in args if a != "--fix"]
    if len(args) != 1:
        sys.exit("usage: doclinks.py [--fix] PAGE.md")
    page = args[0]
    text = open(page).read()
    base = os.path.dirname(page)
    bad = fixed = 0
    links = list(LINK.finditer(text))
    for m in reversed(links):               # from the end: fixes keep earlier offsets valid
        name, short, line, path, anchor = m.groups()
        where = "%s:%s" % (short, line)
        target = os.path.normpath(os.path.join(base, path))
        if line != anchor or os.path.basename(target) != short:
            print("%s: link text and target disagree: %s vs %s#L%s" % (page, where, path, anchor))
            bad += 1
            continue
        try:
            lines = open(target).read().split("\n")
        except OSError as e:
            print("%s: %s: %s" % (page, where, e))
            bad += 1
            continue
        n = int(line)
        if 1 <= n <= len(lines) and name in lines[n - 1]:
            continue
        found = definitions(lines, name)
        if fix and len(found) == 1:
            new = m.group(0).replace(":%s)" % line, ":%d)" % found[0]).replace(
                "#L%s)" % line, "#L%d)" % found[0])
            text = text[:m.start()] + new + text[m.end():]
            fixed += 1
            continue
        print("%s: %s does not name %s (defined at line %s?)" % (
            page, where, name, ", ".join(map(str, found)) or "none"))
        bad += 1
    if not links:
        print("%s: no line links found" % page)
        return 1
    if fixed:
        with open(page, "w") as f:
            f.write(text)
    print("%d line links checked, %d moved, %d wrong" % (len(links), fixed, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
