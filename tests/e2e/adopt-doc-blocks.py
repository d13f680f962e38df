#!/usr/bin/env python3
"""adopt-doc-blocks.py DOC OUT_DIR: write each fenced code block of a
Markdown file to OUT_DIR/NN.LANG (NN from 01, in order; LANG the fence's
info string, "txt" when it has none) and print the file names.  Indented
fences (inside a list item) count, their indentation removed."""
import os
import re
import sys

doc, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
blocks, cur, indent, lang = [], None, "", ""
for line in open(doc):
    m = re.match(r"^(\s*)```(\S*)\s*$", line)
    if cur is None and m:
        cur, indent, lang = [], m.group(1), m.group(2) or "txt"
    elif cur is not None and m and m.group(2) == "":
        blocks.append((lang, "".join(cur)))
        cur = None
    elif cur is not None:
        cur.append(line[len(indent):] if line.startswith(indent) else line.lstrip())
for i, (lang, text) in enumerate(blocks, 1):
    name = os.path.join(out, "%02d.%s" % (i, lang))
    with open(name, "w") as f:
        f.write(text)
    print(name)
