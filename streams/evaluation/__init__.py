"""Scoring the event coder: one-sentence PLOVER gold (``gsr``) and whole-article real-news gold (``articles``).

Both formats are read by ``newsevents eval``; the rules are in docs/coder.md.
"""

from streams.evaluation.articles import ArticleGold, ArticleReport, evaluate_articles, load_article_gold
from streams.evaluation.gsr import EvalReport, GoldRecord, evaluate, load_gold, score

__all__ = [
    "ArticleGold",
    "ArticleReport",
    "EvalReport",
    "GoldRecord",
    "evaluate",
    "evaluate_articles",
    "load_article_gold",
    "load_gold",
    "score",
]
