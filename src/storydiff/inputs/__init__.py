"""Getting articles in: reading files, feeds and archives, fetching pages, extracting their text."""
