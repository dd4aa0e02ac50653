"""Which music a script gets, wherever it sits: the drop folder's inbox and the local ``videogen render``.

Pure: the caller says how to ask whether a file exists in the script's folder (an S3 key, a local path).
"""

from __future__ import annotations

from collections.abc import Callable

from videogen.domain.limits import MUSIC_SUFFIXES
from videogen.exceptions import MusicNotFoundException


def find_music(title: str, named: str | None, exists: Callable[[str], bool], folder: str) -> str | None:
    """The script's music, as a file name in its folder: the file its ``music:`` setting names, else an
    audio file with the script's name (``title`` story → story.mp3, in MUSIC_SUFFIXES order), else None.

    Args:
        title: the script's file name without its extension.
        named: the script's ``music:`` setting, if it has one.
        exists: whether a file of that name is in the script's folder.
        folder: the folder as the user knows it, for the error message.

    Raises:
        MusicNotFoundException: the script names a file that is not in its folder.
    """
    if named:
        if not exists(named):
            raise MusicNotFoundException(
                f"The script names the music {named[:80]!r}, which is not in {folder}: put the music there "
                "first, then the script.",
                {"music": named[:200]},
            )
        return named
    return next((title + suffix for suffix in MUSIC_SUFFIXES if exists(title + suffix)), None)
