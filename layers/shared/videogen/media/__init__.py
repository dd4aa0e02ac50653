"""Media over local files: the timeline, captions, images, the soundtrack, video assembly and probing."""
