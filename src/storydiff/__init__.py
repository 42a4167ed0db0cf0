"""storydiff: compare news reports of one event, claim by claim, with evidence."""

__version__ = "0.1.0"
