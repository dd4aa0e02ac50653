"""Derived image prompts: deterministic, readable, bounded."""

from __future__ import annotations

import pytest

from videogen.domain.limits import MAX_IMAGE_PROMPT_CHARS
from videogen.scripts.prompts import condense, cut_at_word, derive_image_prompt


def test_prompt_reads_title_text_and_style_as_sentences() -> None:
    prompt = derive_image_prompt("The Storm", "Waves  crash\non the rocks", "watercolor, soft light")

    assert prompt == "The Storm. Waves crash on the rocks. Watercolor, soft light."


def test_prompt_keeps_existing_end_punctuation() -> None:
    assert derive_image_prompt("Why?", 'She said "go!"', "") == 'Why? She said "go!"'


@pytest.mark.parametrize(
    ("title", "text", "style", "expected"),
    [
        ("", "", "", ""),
        ("Title", "", "", "Title."),
        ("", "Text", "", "Text."),
        ("", "", "noir", "Noir."),
        ("", "Text", "noir", "Text. Noir."),
    ],
)
def test_prompt_leaves_out_empty_parts(title: str, text: str, style: str, expected: str) -> None:
    assert derive_image_prompt(title, text, style) == expected


def test_prompt_drops_speaker_prefixes() -> None:
    text = "MARA: Look at the sea!\n\nOLD MAN (V.O.): It never ends.\nNote: lowercase stays.\nAt 5:30 we go."

    assert (
        derive_image_prompt("", text)
        == "Look at the sea! It never ends. Note: lowercase stays. At 5:30 we go."
    )


def test_prompt_condenses_long_text_to_whole_first_sentences() -> None:
    text = " ".join(f"Sentence number {n} is here." for n in range(40))

    condensed = condense(text)

    assert len(condensed) <= 300
    assert condensed.endswith("is here.")
    assert condensed.startswith("Sentence number 0 is here. Sentence number 1")


def test_prompt_cuts_a_single_long_sentence_at_a_word() -> None:
    text = "word " * 200

    condensed = condense(text)

    assert len(condensed) <= 300
    assert condensed.endswith("word")


def test_prompt_is_deterministic() -> None:
    args = ("A title", "Some narration that goes on. And on.", "style")

    assert len({derive_image_prompt(*args) for _ in range(5)}) == 1


def test_prompt_never_exceeds_max_chars_and_keeps_the_style() -> None:
    prompt = derive_image_prompt("T" * 50, "word " * 100, "oil painting", max_chars=60)

    assert len(prompt) <= 60
    assert prompt.endswith(" Oil painting.")


def test_prompt_with_a_style_longer_than_max_chars_is_the_cut_style() -> None:
    prompt = derive_image_prompt("Title", "Text", "a very long style description", max_chars=12)

    assert prompt == "A very long"


def test_prompt_default_limit_is_the_domain_limit() -> None:
    prompt = derive_image_prompt("x" * 3000, "", "")

    assert len(prompt) == MAX_IMAGE_PROMPT_CHARS


def test_prompt_rejects_a_max_chars_below_one() -> None:
    with pytest.raises(ValueError, match="max_chars"):
        derive_image_prompt("a", "b", max_chars=0)


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short", 10, "short"),
        ("one two three", 9, "one two"),
        ("one two three", 7, "one two"),
        ("one, two", 6, "one"),
        ("unbreakable", 4, "unbr"),
    ],
)
def test_cut_at_word(text: str, limit: int, expected: str) -> None:
    assert cut_at_word(text, limit) == expected
