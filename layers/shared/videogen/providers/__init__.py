"""Image providers: who draws a scene's picture."""
