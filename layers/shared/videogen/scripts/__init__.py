"""Reading scripts: Markdown, plain text, Fountain and JSON become one scene model."""
