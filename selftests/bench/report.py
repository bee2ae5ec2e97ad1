#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the benchmark rows into bench/results/REPORT.md and PNG plots.

usage: report.py [TSV_DIR] [--out DIR]

Reads every *.tsv in TSV_DIR (default bench/results), each line
  section<TAB>label<TAB>unit<TAB>halb samples<TAB>ref name<TAB>ref samples<TAB>goal
(# lines are comments; "# kernel: X" names a guest kernel), and writes
REPORT.md and one PNG per section into DIR (default: TSV_DIR), then prints
the tables.  Goals: ratio<=X, ratio>=X (median(halb) / median(ref)),
flat<=X (last/first of the halb medians of a series: rows of a section
whose labels share the text before " @ "), or "-".  Never fails on a goal.
"""
import datetime
import os
import re
import statistics
import sys

# Stages in report order; others follow alphabetically.
ORDER = ["dataplane", "newconn", "memory", "conntab", "sched",
         "control_plane", "failover", "check_reaction"]


def nums(text):
    out = []
    for t in text.split():
        try:
            out.append(float(t))
        except ValueError:
            pass
    return out


def read_rows(d):
    files = [f for f in os.listdir(d) if f.endswith(".tsv")]
    files.sort(key=lambda f: (ORDER.index(f[:-4]) if f[:-4] in ORDER else len(ORDER), f))
    rows, kernels, notes = [], [], {}
    for f in files:
        stage = f[:-4]
        with open(os.path.join(d, f), encoding="utf-8") as fh:
            for line in fh:
                line = line.rstrip("\n")
                if not line.strip():
                    continue
                if line.startswith("#"):
                    m = re.match(r"#\s*kernel:\s*(\S+)", line)
                    if m:
                        if m.group(1) not in kernels:
                            kernels.append(m.group(1))
                    else:
                        notes.setdefault(stage, []).append(line.lstrip("# ").strip())
                    continue
                p = line.split("\t")
                p += [""] * (7 - len(p))
                rows.append({
                    "stage": stage, "section": p[0], "label": p[1], "unit": p[2],
                    "halb": nums(p[3]), "ref_name": p[4], "ref": nums(p[5]),
                    "goal": p[6].strip() or "-",
                })
    return rows, kernels, notes


def fmt(v):
    if v is None:
        return "-"
    if abs(v) >= 100 or v == int(v):
        return f"{v:,.0f}"
    return f"{v:.3g}"


def stats(s):
    if not s:
        return None
    return min(s), statistics.median(s), max(s)


def evaluate(rows):
    """Fill ratio, result (met/missed/"") for every row."""
    series = {}
    for r in rows:
        h, f = stats(r["halb"]), stats(r["ref"])
        r["h"], r["f"] = h, f
        r["ratio"] = h[1] / f[1] if h and f and f[1] else None
        r["result"] = ""
        r["series"] = r["label"].split(" @ ")[0]
        m = re.match(r"(ratio|flat)\s*(<=|>=)\s*([0-9.]+)$", r["goal"])
        if not m:
            continue
        kind, op, lim = m.group(1), m.group(2), float(m.group(3))
        if kind == "ratio":
            if r["ratio"] is None:
                r["result"] = "no data"
            else:
                ok = r["ratio"] <= lim if op == "<=" else r["ratio"] >= lim
                r["result"] = "met" if ok else "missed"
        else:
            series.setdefault((r["stage"], r["section"], r["series"]), []).append((r, op, lim))
    for members in series.values():
        pts = [m[0] for m in members if m[0]["h"]]
        last, op, lim = members[-1]
        if len(pts) < 2:
            last["result"] = "no data"
            continue
        flat = pts[-1]["h"][1] / pts[0]["h"][1]
        ok = flat <= lim if op == "<=" else flat >= lim
        last["result"] = f"{'met' if ok else 'missed'} (last/first {flat:.2f})"


def sections(rows):
    out = []
    for r in rows:
        key = (r["stage"], r["section"])
        if not out or out[-1][0] != key:
            out.append((key, []))
        out[-1][1].append(r)
    return out


def table(rs):
    head = ["label", "unit", "halb min", "halb median", "halb max", "reference",
            "ref min", "ref median", "ref max", "ratio", "goal", "result"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rs:
        h = r["h"] or (None, None, None)
        f = r["f"] or (None, None, None)
        cells = [r["label"], r["unit"], fmt(h[0]), fmt(h[1]), fmt(h[2]),
                 r["ref_name"] or "-", fmt(f[0]), fmt(f[1]), fmt(f[2]),
                 f"{r['ratio']:.2f}" if r["ratio"] is not None else "-",
                 r["goal"].replace("<", "&lt;").replace(">", "&gt;") if r["goal"] != "-" else "-",
                 r["result"]]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def text_table(rs):
    out = []
    for r in rs:
        h = r["h"][1] if r["h"] else None
        f = r["f"][1] if r["f"] else None
        ratio = f"{r['ratio']:.2f}" if r["ratio"] is not None else "-"
        out.append(f"  {r['label'][:44]:44} {fmt(h):>12} {fmt(f):>12} {ratio:>6} "
                   f"{r['goal']:>11} {r['result']}")
    return out


def slug(s):
    return re.sub(r"[^a-z0-9]+", "_", s.lower()).strip("_")[:40]


def plot(key, rs, outdir):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    stage, section = key
    name = f"{slug(stage)}_{slug(section)}.png"
    is_series = any(r["goal"].startswith("flat") for r in rs)
    rs = [r for r in rs if r["h"]]
    if not rs:
        return None
    if is_series:
        groups = {}
        for r in rs:
            groups.setdefault(r["series"], []).append(r)
        fig, axes = plt.subplots(1, 2, figsize=(11, 4.5), sharey=True)
        for ax, which, title in ((axes[0], "h", "halb"), (axes[1], "f", rs[0]["ref_name"] or "reference")):
            for s, members in groups.items():
                xs = [m["label"].split(" @ ")[-1] for m in members if m[which]]
                ys = [m[which][1] for m in members if m[which]]
                if ys:
                    ax.plot(xs, ys, marker="o", label=s)
            ax.set_title(title)
            ax.set_ylabel(rs[0]["unit"])
            ax.grid(True, alpha=0.3)
        axes[1].legend(fontsize=7, ncol=2)
    else:
        # rows with a reference only: an absolute baseline would dwarf them
        rs = [r for r in rs if r["f"]] or rs
        fig, ax = plt.subplots(figsize=(max(6, 1.6 * len(rs)), 4.5))
        xs = range(len(rs))
        w = 0.38
        for off, which, lab, col in ((-w / 2, "h", "halb", "tab:blue"), (w / 2, "f", "reference", "tab:gray")):
            ys = [r[which][1] if r[which] else 0 for r in rs]
            lo = [r[which][1] - r[which][0] if r[which] else 0 for r in rs]
            hi = [r[which][2] - r[which][1] if r[which] else 0 for r in rs]
            ax.bar([x + off for x in xs], ys, w, yerr=[lo, hi], label=lab, color=col, capsize=3)
        ax.set_xticks(list(xs))
        ax.set_xticklabels([f"{r['label']}\n({r['unit']})" for r in rs], fontsize=7)
        ax.grid(True, axis="y", alpha=0.3)
        ax.legend()
    fig.suptitle(section, fontsize=10)
    fig.tight_layout()
    fig.savefig(os.path.join(outdir, name), dpi=90)
    plt.close(fig)
    return name


def machine():
    cores = os.cpu_count() or 0
    kvm = "KVM" if os.path.exists("/dev/kvm") else "no KVM"
    return f"{cores} cores, {kvm}, QEMU TCG, icount (one vCPU, -icount shift=0,sleep=off)"


def main():
    args = sys.argv[1:]
    outdir = None
    if "--out" in args:
        i = args.index("--out")
        outdir = args[i + 1]
        del args[i:i + 2]
    tsvdir = args[0] if args else "bench/results"
    outdir = outdir or tsvdir
    os.makedirs(outdir, exist_ok=True)
    rows, kernels, notes = read_rows(tsvdir)
    evaluate(rows)
    now = datetime.datetime.now(datetime.timezone.utc)
    md = ["# halb benchmark report", "",
          f"- date: {now:%Y-%m-%d %H:%M} UTC",
          f"- machine: {machine()}",
          f"- guest kernels: {', '.join(kernels) if kernels else 'unknown'}",
          "- guest figures are counted under icount: a guest nanosecond is one instruction,",
          "  so they repeat whatever else the host does; busy time only (idle skipped).",
          "- samples: one per round, rounds alternate halb and the reference;",
          "  ratio = median(halb) / median(reference); flat = last/first halb median of a series.",
          "- a benchmark prints figures and never fails on a goal.", ""]
    print(f"halb benchmarks ({machine()}; kernels {', '.join(kernels) or '?'})")
    for key, rs in sections(rows):
        md += [f"## {key[1]}", ""]
        md += [f"_stage `{key[0]}`_", ""]
        for n in notes.get(key[0], []):
            md.append(f"- {n}")
        if notes.get(key[0]):
            md.append("")
        md += table(rs)
        png = plot(key, rs, outdir)
        if png:
            md += ["", f"![{key[1]}]({png})"]
        md.append("")
        print(f"\n{key[1]}")
        print(f"  {'label':44} {'halb':>12} {'ref':>12} {'ratio':>6} {'goal':>11} result")
        print("\n".join(text_table(rs)))
    with open(os.path.join(outdir, "REPORT.md"), "w", encoding="utf-8") as fh:
        fh.write("\n".join(md))
    print(f"\nreport: {os.path.join(outdir, 'REPORT.md')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
