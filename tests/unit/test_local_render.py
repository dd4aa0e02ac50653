"""`videogen render`'s terminal output: the progress bar and what an error says."""

from __future__ import annotations

import io
from pathlib import Path

from videogen.exceptions import MusicNotFoundException, StorageException
from videogen_local.render import ProgressBar, RenderFailed, _explain


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_ends_its_line_once_however_often_it_is_closed() -> None:
    terminal = Terminal()
    bar = ProgressBar(terminal)

    bar.show("images", 1, 2)
    bar.close()  # on an error, before its message
    bar.close()  # and again when the command cleans up

    assert terminal.getvalue() == "\rimages     ████████████░░░░░░░░░░░░ 1/2 scenes\n"


def test_errors_say_where_and_exit_2_for_the_input_or_1_for_the_render() -> None:
    script, music = Path("story.md"), Path("theme.mp3")
    missing = MusicNotFoundException("The script names the music 'x.mp3', which is not in ./: put it there.")

    assert _explain(missing, script, music, None) == (f"videogen: story.md: {missing.message}", 2)
    assert _explain(RenderFailed("CONTENT_FILTERED", "Refused."), script, music, Path("/tmp/l.log")) == (
        "videogen: the render failed (CONTENT_FILTERED): Refused.\nvideogen: the functions' logs: /tmp/l.log",
        1,
    )
    storage = StorageException("Could not read the project.")
    assert _explain(storage, script, None, None) == (f"videogen: STORAGE_ERROR: {storage.message}", 1)
