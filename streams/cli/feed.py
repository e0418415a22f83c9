"""``newsevents feed``: publish articles from files, a CSV corpus, or polled RSS/Atom feeds to ``articles``."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from schemas import Article
from streams.cli.options import broker_option, require_broker, settings_with
from streams.decode import Rejection
from streams.ingest.articles import article_record
from streams.ingest.corpus import csv_articles
from streams.ingest.feeds import FeedSpec, load_feeds
from streams.ingest.fetch import DEFAULT_USER_AGENT, Limits, new_client
from streams.ingest.files import feed_records
from streams.ingest.logs import emit, output
from streams.ingest.poller import Poller, Publish
from streams.ingest.store import SeenStore
from streams.kafka_io import publish
from streams.settings import Settings
from streams.sources import iter_files, read_records
from streams.topics import ARTICLES, DEAD_LETTERS

__all__ = ["command"]

_CSV_BATCH = 500
_MAX_FEED_BYTES = 10_000_000


@click.command("feed")
@click.argument("sources", nargs=-1, metavar="[PATH | URL]...")
@broker_option
@click.option("--rss", is_flag=True, help="The arguments are RSS/Atom feed URLs to poll.")
@click.option(
    "--feeds",
    "feeds_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="YAML file listing the feeds to poll (see docs/ingest.md).",
)
@click.option(
    "--interval",
    metavar="S",
    type=click.FloatRange(min=1),
    default=300,
    show_default=True,
    help="Seconds between polls.",
)
@click.option("--once", is_flag=True, help="Poll every feed once, then exit (status 1 if a feed failed).")
@click.option(
    "--max-backoff",
    metavar="S",
    type=click.FloatRange(min=1),
    default=3600,
    show_default=True,
    help="Longest wait before retrying a failing feed (the wait doubles per failure).",
)
@click.option(
    "--timeout",
    metavar="S",
    type=click.FloatRange(min=0.1),
    default=10,
    show_default=True,
    help="Seconds per feed or page fetch.",
)
@click.option(
    "--max-page-bytes",
    type=click.IntRange(min=1),
    default=2_000_000,
    show_default=True,
    metavar="N",
    help="Larger article pages are abandoned (the summary is published).",
)
@click.option(
    "--user-agent", metavar="UA", default=DEFAULT_USER_AGENT, show_default=True, help="User-Agent of every request."
)
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Publish each row of a CSV corpus (e.g. BBC news) as an article.",
)
@click.option(
    "--text-column", metavar="NAME", default="text", show_default=True, help="CSV column holding the article text."
)
@click.option("--source", "source_name", metavar="NAME", help="Source of the CSV articles (default: the file name).")
def command(
    sources: tuple[str, ...],
    broker: str | None,
    rss: bool,
    feeds_file: Path | None,
    interval: float,
    once: bool,
    max_backoff: float,
    timeout: float,
    max_page_bytes: int,
    user_agent: str,
    csv_path: Path | None,
    text_column: str,
    source_name: str | None,
) -> None:
    """Publish articles to the `articles` topic from files, a CSV corpus, or RSS/Atom feeds.

    \b
    feed PATH...                       JSONL (one Article a line), .txt (first line title), folders
    feed --csv FILE [--text-column C]  one article per CSV row, title its first sentence
    feed --rss URL... [--once]         poll feeds (or --feeds feeds.yaml) every --interval seconds

    Files: each valid article is published; a record the workers would refuse (too large, not UTF-8,
    not JSON, not an article, impossible dateline) is reported with its file:line and dead-lettered
    to `articles.dlq` with the reason, and the run goes on. Exit status 1 only when the broker did
    not take some records.
    Feed items are published once: ids already published are kept in NEWSEVENTS_DATA_DIR/feeds.sqlite3.
    Items with only a summary get the text of their page; if that fails the summary is published,
    marked body_is_summary with fetch_error. Logs are JSON lines on stderr unless it is a terminal.
    """
    settings = settings_with(broker=broker)
    if csv_path is not None:
        if sources or rss or feeds_file:
            message = "--csv cannot be combined with paths, --rss or --feeds"
            raise click.UsageError(message)
        _publish_csv(require_broker(settings), settings, csv_path, text_column, source_name)
    elif rss or feeds_file:
        feeds = _feed_specs(sources if rss else (), feeds_file, sources_given=bool(sources))
        failed = _poll(
            require_broker(settings),
            settings,
            feeds,
            once=once,
            interval=interval,
            max_backoff=max_backoff,
            page_limits=Limits(timeout=timeout, max_bytes=max_page_bytes),
            user_agent=user_agent,
        )
        if failed:
            click.get_current_context().exit(1)
    else:
        paths = _existing_paths(sources)
        require_broker(settings)
        _publish_files(settings, paths)


def _existing_paths(sources: tuple[str, ...]) -> list[Path]:
    if not sources:
        message = "give PATHs, --rss URLs, --feeds FILE or --csv FILE"
        raise click.UsageError(message)
    paths = [Path(source) for source in sources]
    for path in paths:
        if not path.exists():
            message = f"Path {str(path)!r} does not exist."
            raise click.BadParameter(message, param_hint="'[PATH | URL]...'")
    return paths


def _publish_files(settings: Settings, paths: list[Path]) -> None:
    try:
        files = list(iter_files(paths))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'[PATH | URL]...'") from exc
    dead_letters = settings.topic(DEAD_LETTERS)

    def report(origin: str, rejection: Rejection) -> None:
        click.echo(f"{origin}: {rejection.reason}: {rejection.message} (dead-lettered to {dead_letters})", err=True)

    summary = asyncio.run(feed_records(read_records(files), settings, report, dt.datetime.now(dt.UTC)))
    reasons = ", ".join(f"{reason} {count}" for reason, count in sorted(summary.dead_lettered.items()))
    dead = sum(summary.dead_lettered.values())
    click.echo(
        f"published {summary.published} records to {settings.topic(ARTICLES)}; "
        f"dead-lettered {dead} to {dead_letters}" + (f" ({reasons})" if reasons else ""),
        err=True,
    )
    if summary.not_published:
        message = (
            f"{summary.not_published} records were not published: the broker at {settings.broker} did not take "
            f"them ({summary.first_error}); run the command again (published records are sent again too)"
        )
        raise click.ClickException(message)


def _feed_specs(urls: Sequence[str], feeds_file: Path | None, *, sources_given: bool) -> list[FeedSpec]:
    if sources_given and not urls:
        message = "feed URLs given as arguments need --rss"
        raise click.UsageError(message)
    bad = [u for u in urls if not u.startswith(("http://", "https://"))]
    if bad:
        message = f"not an http(s) URL: {bad[0]}"
        raise click.BadParameter(message, param_hint="'URL'")
    try:
        listed = load_feeds(feeds_file) if feeds_file else []
    except (OSError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    specs = [*(FeedSpec(u) for u in urls), *listed]
    if not specs:
        message = "no feeds: give --rss URL... or a --feeds file listing some"
        raise click.UsageError(message)
    return specs


def _kafka_publisher(url: str, topic: str, connect_timeout: float) -> Publish:
    async def publish_articles(articles: Sequence[Article]) -> int:
        records = [article_record(article) for article in articles]
        return await publish(url, topic, records, connect_timeout=connect_timeout)

    return publish_articles


def _poll(
    url: str,
    settings: Settings,
    feeds: list[FeedSpec],
    *,
    once: bool,
    interval: float,
    max_backoff: float,
    page_limits: Limits,
    user_agent: str,
) -> bool:
    """Poll the feeds (forever, or once); True when a feed failed in a single poll."""

    async def run() -> bool:
        # SIGTERM (a service manager stopping us) ends polling like Ctrl-C does.
        stop = asyncio.current_task()
        assert stop is not None
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.cancel)
        async with new_client(user_agent) as client:
            with SeenStore.in_dir(settings.data_dir) as store:
                emit(
                    logging.INFO,
                    "feed.start",
                    f"polling {len(feeds)} feeds into {settings.topic(ARTICLES)}; seen ids in {store.path}",
                    feeds=len(feeds),
                    topic=settings.topic(ARTICLES),
                    store=str(store.path),
                )
                poller = Poller(
                    feeds,
                    store=store,
                    publish=_kafka_publisher(url, settings.topic(ARTICLES), settings.connect_timeout),
                    client=client,
                    interval=interval,
                    max_backoff=max_backoff,
                    feed_limits=Limits(timeout=page_limits.timeout, max_bytes=_MAX_FEED_BYTES),
                    page_limits=page_limits,
                )
                results = await poller.run(once=once)
                return any(result.status == "failed" for result in results)

    with output(interactive=sys.stderr.isatty()):
        try:
            return asyncio.run(run())
        except (KeyboardInterrupt, asyncio.CancelledError):  # Ctrl-C or SIGTERM; every finished poll is recorded
            emit(logging.INFO, "feed.stopped", "stopped")
            return False


def _publish_csv(url: str, settings: Settings, path: Path, text_column: str, source: str | None) -> None:
    with output(interactive=sys.stderr.isatty()):
        try:
            rows = list(csv_articles(path, text_column, source=source))
        except (OSError, ValueError) as exc:
            raise click.ClickException(str(exc)) from exc
        articles = [row for row in rows if isinstance(row, Article)]
        for problem in (row for row in rows if isinstance(row, str)):
            emit(logging.WARNING, "item.invalid", problem, file=str(path), problem=problem)
        topic = settings.topic(ARTICLES)
        for start in range(0, len(articles), _CSV_BATCH):
            batch = articles[start : start + _CSV_BATCH]
            records = [article_record(article) for article in batch]
            asyncio.run(publish(url, topic, records, connect_timeout=settings.connect_timeout))
            done = start + len(batch)
            emit(
                logging.INFO,
                "csv.published",
                f"{path.name}: {done} of {len(articles)} articles published to {topic}",
                file=str(path),
                published=len(batch),
                done=done,
                total=len(articles),
            )
