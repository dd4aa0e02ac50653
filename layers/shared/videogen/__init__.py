"""videogen: script in, narrated and captioned MP4 out, on AWS serverless or one machine."""

__version__ = "0.1.0"
