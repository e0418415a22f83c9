"""Event and actor extraction from news text (spaCy + lexicons)."""

from streams.extraction.extractor import ArticleExtraction, ExtractionConfig, Extractor, resolve_model_name

__all__ = ["ArticleExtraction", "ExtractionConfig", "Extractor", "resolve_model_name"]
