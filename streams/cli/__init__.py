"""The ``newsevents`` command line: one group, one module per command."""

from __future__ import annotations

import click

from streams.cli import bench, broker, demo, eval_command, export, extract, feed, kafka, tail, worker
from streams.cli.errors import OneLineGroup

__all__ = ["main"]


@click.group(cls=OneLineGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="newsevents")
@click.option("--verbose", is_flag=True, help="Show the traceback of an error, not only its one-line message.")
def main(verbose: bool) -> None:
    """newsevents: news articles in on Kafka, coded political events (PLOVER/CAMEO) and actors out.

    \b
    Topics (names fixed; NEWSEVENTS_TOPIC_PREFIX prepends a prefix):
      articles            input: one Article JSON object per record, key = article id
      events              one Event per coded event (who did what to whom, when, where)
      actors              one ActorMention per resolved actor mention
      articles.dlq        DeadLetter: input that could not be processed, with the reason
      articles.processed  ProcessedMarker: one per handled article (ok / dead_lettered / skipped)
      stories             Story: one happening merged across articles, key = story id (compacted)
      story.mentions      StoryMention: links each event to its story, key = event id
      dyads.15m, dyads.1d DyadAggregate: events per source/target country and window (compacted)

    \b
    Settings come from NEWSEVENTS_* environment variables (see README); --broker overrides
    NEWSEVENTS_BROKER. Without a broker, `demo` starts the embedded one.

    Errors are one line; exit status 2 for a usage error, 1 for a runtime one.
    """


for _module in (demo, worker, broker, kafka, feed, tail, extract, eval_command, bench, export):
    main.add_command(_module.command)
