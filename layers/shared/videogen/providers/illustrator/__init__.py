"""The offline illustrator: a prompt read into a scene plan (``planner``), painted with Pillow (``render``).

``lexicon`` holds every word it knows; ``motifs`` draws the subjects; ``styles`` renders the finished
picture flat, as watercolor, ink, neon or noir. The same prompt, seed, size and style give the same pixels.
"""
