"""newsevents streams: the Faust app, topics, agents, metrics and CLI."""
