"""Which findings `planbook fix` would change, for the reports that say so (JSON's `fix`
field): worked out by running the fixers without writing, and remembered in the cache folder
by each plan's stat (`cache.FixMemo`), so a warm run imports no fixer at all."""

from __future__ import annotations

import os


def fixable(findings, config, cache_key: str = "") -> frozenset[tuple[str, str, int]]:
    """(path, code, line) of each finding that `planbook fix --select CODE PATH` changes: an
    edit of its rule on its line, or the only finding of its rule in its file when that rule's
    fixer edits the file. Worked out by running the fixers without writing, so a finding is
    never said to be fixable when the fixer would leave it as it is. With `cache_key` (the
    run's lint cache key), what a plan's fixers would do is remembered in the cache folder by
    the plan's stat (`cache.FixMemo`), so a warm run runs none."""
    from collections import Counter

    from planbook.rules.codes import FIXABLE

    codes = sorted({f.code for f in findings} & set(FIXABLE))
    paths = sorted({f.path for f in findings if f.code in codes and os.path.isfile(f.path)})
    if not paths:
        return frozenset()
    memo, key, stats = None, "", {}
    if cache_key and config.cache_dir:
        from planbook.cache import FixMemo

        memo = FixMemo(config.root / config.cache_dir)
        key = f"{cache_key} {' '.join(codes)}"
    edited: set[tuple[str, str, int]] = set()
    unknown = []
    for path in paths:
        known = None
        if memo is not None:
            try:
                stats[path] = os.stat(path)
            except OSError:
                stats[path] = None
            if stats[path] is not None:
                known = memo.edits_of(os.path.abspath(path), stats[path], key)
        if known is None:
            unknown.append(path)
        else:
            edited.update((path, code, line) for code, line in known)
    if unknown:
        from planbook import fix as fixing

        found: dict[str, set[tuple[str, int]]] = {path: set() for path in unknown}
        try:
            for done in fixing.run(unknown, config, codes, apply=False, notices=[]):
                if done.outcome and done.outcome.changed and done.path in found:
                    found[done.path].update((e.code, e.line) for e in done.outcome.edits)
        except ValueError:
            return frozenset()
        for path, edits in found.items():
            edited.update((path, code, line) for code, line in edits)
            if memo is not None and stats.get(path) is not None:
                try:
                    memo.put(os.path.abspath(path), stats[path], os.stat(path), key, edits)
                except OSError:
                    pass
        if memo is not None:
            memo.save()
    per_rule = Counter((f.path, f.code) for f in findings)
    files_edited = {(path, code) for path, code, _ in edited}
    return frozenset(
        (f.path, f.code, f.line) for f in findings
        if (f.path, f.code, f.line) in edited
        or (per_rule[f.path, f.code] == 1 and (f.path, f.code) in files_edited))
