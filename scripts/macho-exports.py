#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Turns a GNU ld version script into an ld64 -exported_symbols_list.

The version scripts (libmio/libmio.sym, plugins/mio-backend.sym) stay the one list of
what a binary exports; Mach-O linkers do not read them, so the build derives their list
from the same file. Only plain names in global: sections are supported (no wildcards),
which is all these scripts use.

usage: macho-exports.py VERSION_SCRIPT OUTPUT
"""
import re
import sys


def global_names(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    names, scope = [], None
    for token in re.findall(r"[A-Za-z0-9_.*]+:|[A-Za-z0-9_.*]+|[{};]", text):
        if token.endswith(":"):
            scope = token[:-1]
        elif token == "}":
            scope = None
        elif scope == "global" and token not in ("{", ";"):
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", token):
                sys.exit(f"macho-exports.py: unsupported pattern {token!r}")
            names.append(token)
    return names


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[-1])
    with open(sys.argv[1], encoding="utf-8") as f:
        names = global_names(f.read())
    if not names:
        sys.exit(f"macho-exports.py: no global symbols in {sys.argv[1]}")
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        f.write(f"# Generated from {sys.argv[1]} by scripts/macho-exports.py\n")
        # Mach-O C symbols carry a leading underscore.
        f.writelines(f"_{name}\n" for name in names)


main()
