"""Media: captions, image fitting, video assembly and probing, all over local files (no AWS)."""
