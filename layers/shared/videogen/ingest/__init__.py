"""The drop folder: a script put into ``inbox/{owner}/`` of the media bucket becomes a project and its
render, exactly once; the outcome lands in ``outbox/{owner}/{script name}/``.

``inbox`` reads and checks object keys and names the object's identity, ``service`` ties them to the
project and render logic. The outbox is ``videogen.logic.outbox``: the render pipeline writes it too.
"""
