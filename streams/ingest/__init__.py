"""Live news ingestion: RSS/Atom feeds, CSV corpora and article files made into clean, deduplicated Articles."""
