"""The illustrator's vocabulary: lemmas, synonyms and phrases read from a prompt."""

from __future__ import annotations

import pytest

from videogen.providers.illustrator.lexicon import SUBJECTS, find, lemma, lemmas


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("volcanoes", "volcano"),
        ("ferries", "ferry"),
        ("cities", "city"),
        ("horses", "horse"),
        ("buses", "bus"),
        ("taxis", "taxi"),
        ("foxes", "fox"),
        ("children", "child"),
        ("erupting", "erupt"),
        ("erupted", "erupt"),
        ("stopped", "stop"),
        ("raced", "race"),
        ("sailing", "sailing"),
        ("Lighthouses", "lighthouse"),
        ("keeper's", "keeper"),
        ("glass", "glass"),
        ("towering", "towering"),
    ],
)
def test_lemma_removes_plurals_and_verb_endings(word: str, expected: str) -> None:
    assert lemma(word) == expected


def test_lemmas_read_any_script_and_drop_punctuation() -> None:
    assert lemmas("Молоко, 星空! cafés — ok?") == ["молоко", "星空", "café", "ok"]


@pytest.mark.parametrize(
    ("prompt", "subject"),
    [
        ("Molten rock is rising under the island", "volcano"),
        ("Deep below, the magma stirs", "volcano"),
        ("The eruption lights the sky", "volcano"),
        ("Volcanoes on the horizon", "volcano"),
        ("She waits on the platform", "train"),
        ("Two locomotives side by side", "train"),
        ("The carriages rattle on", "train"),
        ("Boats moored in the harbor", "harbour"),
        ("Kittens asleep", "cat"),
        ("A flock of seagulls", "birds"),
        ("It was raining all day", "rain"),
        ("Snowflakes falling", "snow"),
        ("A field of wildflowers", "flowers"),
    ],
)
def test_synonyms_and_plurals_name_their_subject(prompt: str, subject: str) -> None:
    assert f"subject:{subject}" in find(prompt)


def test_a_phrase_wins_over_the_words_inside_it() -> None:
    names = find("the volcanic island")

    assert "subject:island" in names
    assert "subject:volcano" not in names


def test_words_inside_other_words_are_not_matched() -> None:
    # "sea" must not be found in "search" or "season", nor "cat" in "catalogue".
    assert find("a search this season in the catalogue") == []


def test_the_table_has_at_least_forty_subjects() -> None:
    assert len(SUBJECTS) >= 40
