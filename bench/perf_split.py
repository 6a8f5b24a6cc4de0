"""perf_split.py FREQ SECONDS RPS < `perf script` output: the server's CPU per request split by
system call, by library and by phase (bench/perf-split.sh). Each sample stands for 1/FREQ s of
one CPU; a request's share is samples / (FREQ * SECONDS * RPS)."""
import collections
import os
import re
import sys

# Phases, counted inclusively (a sample counts for every phase whose function is on its stack).
PHASES = [
    ("case read: statement", ("store_case_public_by_key", "store_case_public_by_token")),
    ("case read: end (COMMIT)", ("store_end_read",)),
    ("case read: rest", ("complete",)),
    ("view", ("case_public_tview", "result_page", "service_view", "office_dir_tview")),
    ("rendering", ("render_html",)),
    ("JSON writing", ("view_write_json",)),
    ("answer headers", ("queue",)),
    ("access log and metrics", ("on_completed",)),
]
TOP = int(os.environ.get("PERF_SPLIT_TOP", "0"))  # also print the N costliest user functions
CALLERS = [c for c in os.environ.get("PERF_SPLIT_CALLERS", "").split(",") if c]
SYSCALL = re.compile(r"__(?:x64_)?sys_(\w+)")


def frames(lines):
    """(symbol, dso) of each frame, leaf first."""
    out = []
    for line in lines:
        parts = line.split(None, 1)
        if len(parts) < 2:
            continue
        rest = parts[1]
        sym = rest.split(" (", 1)[0].split("+", 1)[0]
        dso = rest.rsplit("(", 1)[-1].rstrip(")") if "(" in rest else ""
        out.append((sym, dso))
    return out


def library(dso):
    for name in ("bianmin", "libsqlite3", "libc.so", "libmicrohttpd", "libjansson", "vdso"):
        if name in dso:
            return {"libc.so": "libc", "vdso": "vdso"}.get(name, name)
    return "other"


def main():
    freq, seconds, rps = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
    kernel, user, phase = collections.Counter(), collections.Counter(), collections.Counter()
    leaf, callers = collections.Counter(), collections.Counter()
    total = 0
    stack = []

    def flush():
        nonlocal total
        if not stack:
            return
        total += 1
        fr = frames(stack)
        if not fr:
            return
        if "kernel" in fr[0][1]:
            name = "other kernel"
            for sym, _ in fr:
                m = SYSCALL.search(sym)
                if m:
                    name = m.group(1)
                    break
            else:
                if any("softirq" in sym for sym, _ in fr):
                    name = "softirq (loopback delivery)"
            kernel[name] += 1
        else:
            user[library(fr[0][1])] += 1
            leaf[f"{fr[0][0]} ({library(fr[0][1])})"] += 1
            if CALLERS and any(c in fr[0][0] for c in CALLERS):
                callers[" <- ".join(sym for sym, _ in fr[:5])] += 1
        names = {sym for sym, _ in fr}
        for label, funcs in PHASES:
            if names.intersection(funcs):
                phase[label] += 1

    for line in sys.stdin:
        line = line.rstrip("\n")
        if not line.strip():
            flush()
            stack = []
        elif line[0] in " \t":
            stack.append(line.strip())
    flush()
    per = 1e6 / (freq * seconds * rps) if rps else 0
    print(f"  server CPU per request: {total * per:6.2f} us ({total} samples)")
    for title, counter in (("kernel, by system call", kernel), ("user, by library", user),
                           ("phases (inclusive)", phase)):
        print(f"  {title}: {sum(counter.values()) * per:.2f} us" if counter is not phase
              else f"  {title}:")
        for k, v in counter.most_common(12):
            print(f"    {k:30s} {v * per:6.2f} us  {100 * v / total:5.1f} %")
    if TOP:
        print(f"  user functions (self), the {TOP} costliest:")
        for k, v in leaf.most_common(TOP):
            print(f"    {k[:48]:48s} {v * per:6.2f} us  {100 * v / total:5.1f} %")
    if CALLERS:
        print("  call chains of " + ", ".join(CALLERS) + ":")
        for k, v in callers.most_common(20):
            print(f"    {v * per:6.2f} us  {k}")


main()
