"""Narration: voice providers (Piper, Amazon Polly), sentence timings, voice-timed captions, the audio mix.

Import the submodules you need; this package imports nothing, so settings validation stays cheap.
"""
