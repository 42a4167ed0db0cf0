"""Writing results out: the JSON codec and the terminal, Markdown, HTML and JSON renderers."""
