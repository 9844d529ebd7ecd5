"""The masker compiled with mypyc (rules/compiled.py) finds what its source finds, and is only
used while it is a build of that source.

Where the build is in use, the pure Python of the same source is loaded beside it, and both
mask every text of the two evaluation sets (with what is known about the user where a case
says), and texts drawn from the digits, separators and words that decide what a number is.
"""

import importlib.util
import json
import os
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rules.masking
from bench.masking_eval import CASES_PATH, SECOND_PATH
from rules import compiled

IN_USE = compiled.masker_is_compiled()
needs_build = pytest.mark.skipif(not IN_USE, reason="no build of the masker here: make compile")


@pytest.fixture(scope="module")
def pure():
    spec = importlib.util.spec_from_file_location("pure_masking", compiled.SOURCE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


def _known(module, known):
    if not known:
        return None
    return module.PersonalValues(
        name=known.get("name", ""),
        email=known.get("email", ""),
        phone=known.get("phone", ""),
        entities=tuple(tuple(entity) for entity in known.get("entities", ())),
    )


def test_ci_masks_with_the_build():
    # A build failing in CI would otherwise leave every test, and the benchmarks, on pure Python.
    if os.environ.get("CI") == "true":
        assert IN_USE


@needs_build
@pytest.mark.parametrize("path", [CASES_PATH, SECOND_PATH], ids=lambda path: path.name)
def test_the_build_finds_what_its_source_finds_on_the_evaluation_sets(pure, path):
    with path.open(encoding="utf-8") as lines:
        cases = [json.loads(line) for line in lines]
    differing = [
        case["text"]
        for case in cases
        if rules.masking.Masker(_known(rules.masking, case.get("known"))).find(case["text"])
        != pure.Masker(_known(pure, case.get("known"))).find(case["text"])
    ]
    assert differing == []


NUMBER_PARTS = st.sampled_from(
    ("0", "1", "4", "9", "12", "20", "91", "+91", "00", "1234", "4111", "98765", "43210", "2024",
     " ", "  ", "-", ".", "/", ":", ",", "#", "*", "·", "(", ")", "\u00a0", "\t", "x123", "ext",
     "card", "no", "is", "my", "call", "phone", "order", "otp", "ref", "aadhaar", "pan", "ABCPK",
     "F", "at", "@", "dot", "gmail.com", "&#64;", "&commat;", "wa.me/", "tel:", "https://x.in/p/",
     "९", "８")
)  # fmt: skip


@needs_build
@settings(max_examples=400, deadline=None)
@given(st.lists(NUMBER_PARTS, max_size=14).map("".join))
def test_the_build_finds_what_its_source_finds_on_numbers_and_words(pure, text):
    known = dict(name="Ravi Kumar", email="ravi@example.com", phone="+91 98765 43210")
    for built, source in (
        (rules.masking.Masker(), pure.Masker()),
        (
            rules.masking.Masker(rules.masking.PersonalValues(**known)),
            pure.Masker(pure.PersonalValues(**known)),
        ),
    ):
        assert built.find(text) == source.find(text)


def test_a_build_of_another_source_is_not_used(tmp_path, monkeypatch):
    source, stamp = tmp_path / "masking.py", tmp_path / "masking.sha256"
    monkeypatch.setattr(compiled, "SOURCE", source)
    monkeypatch.setattr(compiled, "STAMP", stamp)
    source.write_text("MASKER_VERSION = 1\n")
    assert compiled.built_directory() is None  # never built
    stamp.write_text(compiled._hash(source) + "\n")
    assert compiled.built_directory() == compiled.PACKAGE_DIR
    source.write_text("MASKER_VERSION = 2\n")  # edited since
    assert compiled.built_directory() is None
