#!/usr/bin/env python3
"""Lists the longest functions of C++ sources: a brace-matching reading that
counts the lines from a function's header to its closing brace.  Good enough
for our style (clang-format'd, one definition per header line); not a parser.

    scripts/function-sizes.py [-n 15] [--over 100] lib apps
"""
import argparse, os, re, sys

HEAD = re.compile(r'^[A-Za-z_][\w:<>,\s\*&~\[\]]*?\b([A-Za-z_~][\w:~]*(?:operator[^\(]*)?)\s*\(')
SKIP = ('if', 'for', 'while', 'switch', 'catch', 'return', 'namespace', 'struct', 'class', 'enum', 'union')

def strip(line):
    line = re.sub(r'"(?:\\.|[^"\\])*"', '""', line)
    line = re.sub(r"'(?:\\.|[^'\\])*'", "''", line)
    return line.split('//', 1)[0]

def functions(path):
    lines = open(path, encoding='utf-8', errors='replace').read().split('\n')
    out, i = [], 0
    while i < len(lines):
        m = HEAD.match(lines[i])
        if m and m.group(1).split('::')[-1] not in SKIP and not lines[i].rstrip().endswith(';'):
            depth, start, opened, j = 0, i, False, i
            while j < len(lines):
                s = strip(lines[j])
                if not opened and ';' in s and '{' not in s:
                    break
                depth += s.count('{') - s.count('}')
                if '{' in s:
                    opened = True
                if opened and depth <= 0:
                    out.append((j - start + 1, path, start + 1, m.group(1)))
                    i = j
                    break
                j += 1
        i += 1
    return out

ap = argparse.ArgumentParser()
ap.add_argument('paths', nargs='+')
ap.add_argument('-n', type=int, default=15)
ap.add_argument('--over', type=int, default=0)
a = ap.parse_args()
all_ = []
for p in a.paths:
    for d, _, fs in os.walk(p):
        for f in fs:
            if f.endswith(('.cpp', '.hpp')):
                all_ += functions(os.path.join(d, f))
all_.sort(reverse=True)
if a.over:
    all_ = [x for x in all_ if x[0] > a.over]
    print(f'{len(all_)} functions over {a.over} lines')
for n, path, line, name in all_[:a.n]:
    print(f'{n:5d}  {path}:{line}  {name}')
