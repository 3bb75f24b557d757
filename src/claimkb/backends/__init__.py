"""Where queries run: the embedded store (default) or a SPARQL 1.1 endpoint."""
