"""Files and records -> RDF. The mapping between claim sheets and the graph lives here only."""
