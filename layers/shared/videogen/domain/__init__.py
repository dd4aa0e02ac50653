"""Domain vocabulary shared by the API, the parser, the pipeline and the local cloud."""
