#!/usr/bin/env python3
"""Markdown table of the long runs made by run_long.sh:
results_table.py WORK_DIR [TARGET...]  (default: every WORK_DIR/fuzz_*)."""
import glob
import os
import re
import sys


def run_figures(log, timef):
    text = open(log, errors="replace").read() if os.path.exists(log) else ""
    execs = re.search(r"stat::number_of_executed_units: (\d+)", text)
    last = re.findall(r"#(\d+)\s+\w+\s+cov: (\d+) ft: (\d+) corp: (\d+)/(\S+)", text)
    t = open(timef).read() if os.path.exists(timef) else ""
    user = re.search(r"User time \(seconds\): ([\d.]+)", t)
    sys_ = re.search(r"System time \(seconds\): ([\d.]+)", t)
    wall = re.search(r"Elapsed \(wall clock\) time.*: (\S+)", t)
    cpu = (float(user.group(1)) if user else 0) + (float(sys_.group(1)) if sys_ else 0)
    n = int(execs.group(1)) if execs else (int(last[-1][0]) if last else 0)
    rate = re.search(r"stat::average_exec_per_sec:\s+(\d+)", text)
    return n, (last[-1] if last else None), cpu, int(rate.group(1)) if rate else None


def main():
    work = sys.argv[1]
    targets = sys.argv[2:] or sorted(os.path.basename(d) for d in glob.glob(os.path.join(work, "fuzz_*")))
    print("| target | runs | total execs | execs per CPU s | libFuzzer exec/s (wall, per run) | cov | ft "
          "| corpus (files/size) | CPU time | artifacts |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for t in targets:
        d = os.path.join(work, t)
        runs = sorted(glob.glob(os.path.join(d, "run-*.time")), key=lambda p: int(re.search(r"run-(\d+)", p).group(1)))
        total, cpu, final, rates = 0, 0.0, None, []
        for r in runs:
            n, last, c, rate = run_figures(r.replace(".time", ".log"), r)
            total += n
            cpu += c
            final = last or final
            if rate is not None:
                rates.append(str(rate))
        arts = [os.path.basename(p) for p in glob.glob(os.path.join(d, "*")) if re.match(r"(crash|leak|timeout|oom)-", os.path.basename(p))]
        files = len(os.listdir(os.path.join(d, "corpus"))) if os.path.isdir(os.path.join(d, "corpus")) else 0
        cov, ft, corp = (final[1], final[2], f"{final[3]}/{final[4]}") if final else ("?", "?", "?")
        rate = f"{total / cpu:.0f}" if cpu else "?"
        print(f"| {t} | {len(runs)} | {total} | {rate} | {', '.join(rates) or '?'} | {cov} | {ft} | {corp} ({files} files on disk) | "
              f"{cpu / 60:.1f} min | {', '.join(arts) or 'none'} |")


if __name__ == "__main__":
    main()
