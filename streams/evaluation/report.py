"""Terminal tables for article-level scores, and the dev split's error listing (the test split is never listed)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from schemas import Actor, Event
from streams.evaluation.articles import ArticleGold, ArticleReport, GoldEvent, match_article

__all__ = ["render_article_errors", "render_article_report"]

_ERROR_SPLIT = "dev"


def _cell(scores: dict[str, float]) -> str:
    return f"{scores['precision']:.3f} / {scores['recall']:.3f} / {scores['f1']:.3f}"


def render_article_report(report: ArticleReport, console: Console) -> None:
    splits = report.summary()
    table = Table(title="Article-level event scores: precision / recall / F1 (matching rule in docs/coder.md)")
    table.add_column("")
    for split in splits:
        table.add_column(split, justify="right")
    rows = [
        ("articles", lambda s: str(s["articles"])),
        ("gold events (+ optional)", lambda s: f"{s['gold_events']} (+{s['optional_events']})"),
        ("predicted events", lambda s: str(s["predicted_events"])),
        ("events: type, source, target", lambda s: _cell(s["events"])),
        ("events: type, source", lambda s: _cell(s["type_source"])),
        (
            "false events per sport/tech/entertainment article",
            lambda s: str(s["false_events_per_nonpolitical_article"]),
        ),  # noqa: E501
    ]
    for label, cell in rows:
        table.add_row(label, *(cell(s) for s in splits.values()))
    categories = sorted({c for s in splits.values() for c in s["per_category"]})
    for cat in categories:
        table.add_row(f"  {cat}", *(_cell(s["per_category"][cat]) if cat in s["per_category"] else "-"
                                     for s in splits.values()))  # fmt: skip
    console.print(table)


def _actor(a: Actor | None) -> str:
    return "-" if a is None else f"{a.text} [{a.country or '?'}/{a.sector or '-'}]"


def _gold(g: GoldEvent) -> str:
    return f"{g.type} {g.source or '?'} -> {g.target if g.has_target else '(none)'}: {g.snippet!r}"


def _event(e: Event) -> str:
    return f"{e.plover_type} {_actor(e.source)} -> {_actor(e.target)} ({e.confidence:.2f}): {e.trigger.text!r}"


def render_article_errors(gold: list[ArticleGold], predicted: list[list[Event]], console: Console) -> None:
    """Misses and false events of the dev split, article by article."""
    console.print(f"Misses and false events of the {_ERROR_SPLIT} split (the test split is never listed)")
    for g, events in zip(gold, predicted, strict=True):
        if g.split != _ERROR_SPLIT:
            continue
        m = match_article(g.events, events)
        if not m.misses and not m.false:
            continue
        console.print(f"[bold]{g.id}[/bold] ({g.category}): {len(m.hits)} hit(s)")
        for miss in m.misses:
            console.print(f"  MISS  {_gold(miss)}", markup=False, highlight=False)
        for e in m.false:
            console.print(f"  FALSE {_event(e)}", markup=False, highlight=False)
            console.print(f"        in: {e.sentence[:220]!r}", markup=False, highlight=False)
