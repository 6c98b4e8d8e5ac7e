"""Command line: ``python -m consult.analysis INPUT.jsonl -o OUTPUT.json``."""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

from .pipeline import Params, run
from .pipeline.jsonl import InputError, read_jsonl


class _Progress:
    """A one-line progress indicator on stderr."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.start = time.perf_counter()
        self.last = 0.0

    def __call__(self, stage: str, done: int = 1, total: int = 1) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        if done < total and now - self.last < 0.5:
            return
        self.last = now
        pct = 100 * done / total if total else 100
        sys.stderr.write(f"\r[{now - self.start:6.1f}s] {stage:<10} {pct:5.1f}%   ")
        if stage == "done":
            sys.stderr.write("\n")
        sys.stderr.flush()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m consult.analysis",
        description="Turn resident texts (JSONL) into risk-point candidates (JSON).",
    )
    ap.add_argument("input", help="JSONL file, one object per line with 'id' and 'text' ('-' for stdin)")
    ap.add_argument("-o", "--output", required=True, help="where to write the JSON result ('-' for stdout)")
    ap.add_argument("--max-points", type=int, help="upper bound on the number of risk points (default 30)")
    ap.add_argument("--params", help="JSON file with pipeline parameters (see Params)")
    ap.add_argument("--skip-bad", action="store_true", help="skip bad lines and report them instead of stopping")
    ap.add_argument("--cache", help="token cache file (default: $CONSULT_ANALYSIS_CACHE, none if unset)")
    ap.add_argument("--no-warm", action="store_true",
                    help="always fit from scratch (no warm start from the cached fit of an earlier run)")
    ap.add_argument("--progress", choices=("auto", "always", "never"), default="auto",
                    help="progress on stderr (auto: for 5,000+ texts)")
    ap.add_argument("--no-stats", action="store_true", help="leave timings out of the output")
    args = ap.parse_args(argv)

    try:
        data = {}
        if args.params:
            with open(args.params, encoding="utf-8") as fh:
                data = json.load(fh)
            if not isinstance(data, dict):
                raise ValueError("the params file must hold a JSON object")
        if args.max_points is not None:
            data["max_points"] = args.max_points
        if args.cache:
            data["cache_path"] = args.cache
        if args.no_warm:
            data["warm_start"] = False
        params = Params.from_dict(data)
    except (OSError, ValueError, TypeError) as exc:
        print(f"error: bad parameters: {exc}", file=sys.stderr)
        return 2

    try:
        if args.input == "-":
            report = read_jsonl(sys.stdin.buffer, skip_bad=args.skip_bad)
        else:
            with open(args.input, "rb") as fh:
                report = read_jsonl(fh, skip_bad=args.skip_bad)
    except InputError as exc:
        print(f"error: {args.input}: {exc} (use --skip-bad to skip bad lines)", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: cannot read {args.input}: {exc.strerror}", file=sys.stderr)
        return 1
    for item in report.skipped:
        print(f"skipped line {item['line']}: {item['error']}", file=sys.stderr)
    if not report.documents:
        print("error: no usable documents in the input", file=sys.stderr)
        return 1

    show = args.progress == "always" or (args.progress == "auto" and len(report.documents) >= 5000)
    progress = _Progress(show)
    result = run(report.documents, params, progress=progress if show else None)
    out = result.to_dict(include_stats=not args.no_stats)
    if args.skip_bad:
        out["skipped"] = report.skipped
    text = json.dumps(out, ensure_ascii=False, indent=1)
    try:
        if args.output == "-":
            sys.stdout.write(text + "\n")
        else:
            tmp = f"{args.output}.tmp{os.getpid()}"
            with open(tmp, "w", encoding="utf-8") as fh:
                fh.write(text + "\n")
            os.replace(tmp, args.output)
    except OSError as exc:
        print(f"error: cannot write {args.output}: {exc.strerror}", file=sys.stderr)
        return 1
    n_points = len(result.risk_points)
    prov = result.provenance
    how = f"warm start from run {prov['warm_from']}" if prov.get("mode") == "warm" else "full fit"
    print(f"{result.documents} texts -> {n_points} risk points, {len(result.unassigned)} unassigned, "
          f"{sum(1 for g in result.duplicates if g.campaign)} possible campaigns ({how})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
