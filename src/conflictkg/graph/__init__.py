"""Facts to RDF: deterministic IRIs and the quads of each report's named graph."""
