"""Many articles over time: ingest, the store, near-duplicates, stories, the catalog and timelines."""
