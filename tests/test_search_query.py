"""Query understanding without an index: normalising, areas from lay phrases, spelling correction."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from search_service.content.vocabulary import load_vocabulary
from search_service.search.query import AreaPhrases, correct_word, edit_distance, normalize, understand

DOCS = Path(__file__).resolve().parent.parent / "docs"


class WordList:
    """A lexicon made inline: known words with document frequencies."""

    def __init__(self, words: dict[str, int]) -> None:
        self.words = words

    def known_word(self, word: str) -> bool:
        return word in self.words

    def spelling_candidates(self, word: str, maxdist: int) -> list[tuple[str, int]]:
        return [(w, f) for w, f in self.words.items() if edit_distance(word, w) <= maxdist]


@pytest.fixture(scope="module")
def areas() -> AreaPhrases:
    return AreaPhrases(load_vocabulary(DOCS))


def test_normalize_drops_punctuation_case_and_syntax() -> None:
    assert normalize("  Knee's PAIN!! (back) AND \"calf*\" ") == "knees pain back and calf"
    assert normalize("Ça fait mal — épaule") == "ca fait mal epaule"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pain behind my knee", ["back-of-knee"]),
        ("ache behind the knee", ["back-of-knee"]),
        ("pain between my shoulder blades", ["between-shoulder-blades"]),
        ("back of the thigh", ["back-of-thigh"]),
        ("outside of my ankle and my heel", ["outer-ankle", "heel"]),
    ],
)
def test_lay_phrases_map_to_area_ids(areas: AreaPhrases, text: str, expected: list[str]) -> None:
    assert areas.find(normalize(text).split()) == expected


def test_generic_words_name_no_area(areas: AreaPhrases) -> None:
    assert areas.find(["my", "arm", "hurts"]) == []


def test_misspelt_word_is_corrected_to_the_likeliest_known_word() -> None:
    lexicon = WordList({"infraspinatus": 5, "supraspinatus": 4, "shoulder": 30})
    assert correct_word("infraspinatis", lexicon) == "infraspinatus"
    assert correct_word("shoulder", lexicon) == "shoulder"
    assert correct_word("xyzzyq", lexicon) == "xyzzyq"


def test_understand_reports_a_suggestion_only_when_it_corrected(areas: AreaPhrases) -> None:
    lexicon = WordList({"calf": 9, "cramp": 4, "pain": 50})
    plan = understand("calf crmap", areas, lexicon)
    assert plan.suggestion == "calf cramp"
    assert plan.areas == ("calf",)
    assert understand("calf cramp", areas, lexicon).suggestion is None


def test_edit_distance_counts_a_swap_as_one() -> None:
    assert edit_distance("cramp", "crmap") == 1
    assert edit_distance("kitten", "sitting") == 3


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_text_is_understood_without_error(areas: AreaPhrases, text: str) -> None:
    plan = understand(text, areas, WordList({"pain": 1}))
    assert len(plan.normalized) <= 200
    assert all(word.isalnum() and word.isascii() for word in plan.words)


def test_a_bare_body_part_names_every_area_on_it(areas: AreaPhrases) -> None:
    found, regions = areas.find_with_regions(normalize("my knee hurts").split())
    assert found == [] and regions == [("front-of-knee", "back-of-knee", "inner-knee", "outer-knee")]
    found, regions = areas.find_with_regions(normalize("behind my knee").split())
    assert found == ["back-of-knee"] and regions == []


def test_shoulder_blade_is_not_part_of_the_shoulder(areas: AreaPhrases) -> None:
    found, regions = areas.find_with_regions(normalize("shoulder pain").split())
    assert regions and all("blade" not in area for region in regions for area in region)


def test_condition_names_are_not_places() -> None:
    vocabulary = load_vocabulary(DOCS)
    plain = AreaPhrases(vocabulary)
    aware = AreaPhrases(vocabulary, conditions=["thoracic outlet syndrome", "tennis elbow"])
    assert plain.find_with_regions(normalize("thoracic outlet syndrome").split())[0] == ["mid-back"]
    assert aware.find_with_regions(normalize("thoracic outlet syndrome").split()) == ([], [])
    assert aware.find_with_regions(normalize("tennis elbow and sore wrist").split())[1] == [("back-of-wrist", "front-of-wrist")]
