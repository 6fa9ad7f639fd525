#!/usr/bin/env python3
"""Replaces the section between <!-- NAME:start --> and <!-- NAME:end --> of a Markdown file
with standard input (which carries both markers), or appends it when the file has none.
Usage: replace_section.py FILE NAME < section"""
import re
import sys

path, name = sys.argv[1], sys.argv[2]
section = sys.stdin.read().rstrip("\n")
try:
    text = open(path, encoding="utf-8").read()
except FileNotFoundError:
    text = "# Benchmarks\n"
pattern = re.compile(r"<!-- %s:start -->.*?<!-- %s:end -->" % (re.escape(name), re.escape(name)), re.S)
if pattern.search(text):
    text = pattern.sub(lambda _: section, text)
else:
    text = text.rstrip("\n") + "\n\n" + section + "\n"
open(path, "w", encoding="utf-8").write(text)
