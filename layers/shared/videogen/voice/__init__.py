"""Voices: the providers (Piper, Amazon Polly) that speak a narration and time its sentences.

Import the submodules you need; this package imports nothing, so settings validation stays cheap.
"""
