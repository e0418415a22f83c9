"""``newsevents bench``: spaCy alone, our extraction, and the whole pipeline measured on the same articles.

The measuring code is in ``streams.bench.run`` (it loads spaCy); the options import nothing heavy.
"""
