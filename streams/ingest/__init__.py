"""Live news ingestion: RSS/Atom feeds and CSV corpora made into clean, deduplicated Articles."""

from streams.ingest.corpus import csv_articles
from streams.ingest.feeds import FeedSpec, load_feeds
from streams.ingest.poller import Poller, PollResult
from streams.ingest.store import SeenStore

__all__ = ["FeedSpec", "PollResult", "Poller", "SeenStore", "csv_articles", "load_feeds"]
