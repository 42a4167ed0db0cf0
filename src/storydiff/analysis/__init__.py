"""Reading one article: parsing, cleanup, attributions, dates, quantities and the claims built from them."""
