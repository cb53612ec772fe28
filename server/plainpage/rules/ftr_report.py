"""The report of an ftr-site-config import: counts, translation shares, drops and their reasons.

Kept apart from ``plainpage.rules.ftr`` so the converter stays about conversion. The report is
plain data plus ``summary()`` (a human table for the CLI) and ``ok``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from plainpage.rules.ftr import Conversion

__all__ = ["TARGET_SHARE", "ImportReport"]

TARGET_SHARE = 0.9        # issue 3: at least 90% of body and of strip XPaths translate to CSS
_TARGETED = ("body", "strip")
_ORDER = ("body", "strip", "title", "author", "date", "next_page_link", "dissolve",
          "strip_id_or_class", "strip_image_src", "src_lazy_load_attr")
_SHOWN = 10


@dataclass
class ImportReport:
    """Totals over all files of one import."""

    seen: int = 0
    imported: list[str] = field(default_factory=list)               # rule files written
    skipped: list[tuple[str, str]] = field(default_factory=list)    # (ftr file, why)
    errors: list[tuple[str, str]] = field(default_factory=list)     # unreadable / unwritable
    expressions: Counter[str] = field(default_factory=Counter)      # per directive
    translated: Counter[str] = field(default_factory=Counter)
    dropped: Counter[tuple[str, str]] = field(default_factory=Counter)      # (directive, why)
    not_imported: Counter[tuple[str, str]] = field(default_factory=Counter)
    untranslatable: Counter[str] = field(default_factory=Counter)   # reason → expressions
    notes: Counter[str] = field(default_factory=Counter)            # approximations made
    problems: list[str] = field(default_factory=list)               # typos, garbage lines

    def add(self, name: str, result: Conversion) -> None:
        """Fold one file's conversion into the totals (the caller counts ``seen``)."""
        if result.data is None:
            self.skipped.append((name, result.skip_reason))
        self.expressions.update(result.seen)
        self.translated.update(result.translated)
        self.dropped.update(result.dropped)
        self.not_imported.update(result.not_imported)
        self.untranslatable.update(why for _, _, why in result.untranslated)
        self.notes.update(result.notes)
        self.problems.extend(f"{name} {problem}" for problem in result.problems)

    def error(self, name: str, message: str) -> None:
        self.errors.append((name, message))

    def share(self, directive: str) -> float | None:
        """Share of ``directive``'s expressions that were translated (None if there were none)."""
        total = self.expressions[directive]
        return self.translated[directive] / total if total else None

    @property
    def targets_met(self) -> bool:
        """body and strip each translate at TARGET_SHARE or better (vacuously true if absent)."""
        return all((self.share(d) or 1.0) >= TARGET_SHARE for d in _TARGETED)

    @property
    def ok(self) -> bool:
        """Every file was read and every rule written validates; skips and untranslated
        expressions are reported, not failures."""
        return not self.errors

    def summary(self) -> str:
        lines = [f"ftr-site-config import: {self.seen} files seen, {len(self.imported)} "
                 f"imported, {len(self.skipped)} skipped, {len(self.errors)} errors", ""]
        lines += self._shares()
        lines += _section("Dropped on principle (lines)", self.dropped, shown=None)
        lines += _section("Not imported: no equivalent in the rule format (lines)",
                          self.not_imported, shown=None)
        lines += _section("Skipped files", Counter(why for _, why in self.skipped))
        lines += _section("Untranslatable expressions, top reasons", self.untranslatable)
        lines += _section("Approximations", self.notes)
        lines += [f"Errors ({len(self.errors)})", *(f"  {n}: {m}" for n, m in self.errors)] \
            if self.errors else []
        if self.problems:
            lines += [f"Problems in the source files: {len(self.problems)} (first {_SHOWN})",
                      *(f"  {p}" for p in self.problems[:_SHOWN]), ""]
        return "\n".join(lines).rstrip() + "\n"

    def _shares(self) -> list[str]:
        lines = [f"  {'directive':22} {'translated':>10} {'total':>7} {'share':>7}"]
        names = [d for d in _ORDER if self.expressions[d]]
        for name in names + sorted(set(self.expressions) - set(names)):
            share = self.share(name) or 0.0
            target = ""
            if name in _TARGETED:
                verdict = "met" if share >= TARGET_SHARE else "MISSED"
                target = f"  (target {TARGET_SHARE:.0%}: {verdict})"
            lines.append(f"  {name:22} {self.translated[name]:>10} {self.expressions[name]:>7} "
                         f"{share:>7.1%}{target}")
        return ["XPath and strings translated to CSS", *lines, ""]


def _section(title: str, counts: Counter[tuple[str, str]] | Counter[str],
             shown: int | None = _SHOWN) -> list[str]:
    if not counts:
        return []
    rows = []
    for key, count in counts.most_common(shown):
        label = f"{key[0]}: {key[1]}" if isinstance(key, tuple) else key
        rows.append(f"  {count:>6}  {label}")
    more = len(counts) - (shown or len(counts))
    return [title, *rows, *([f"  … and {more} more"] if more > 0 else []), ""]
