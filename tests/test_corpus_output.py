"""planbook says the same about the real-document corpus as the recording says.

The recording (tests/golden/corpus-output.json) is what `lint`, `status`, `fix --diff` and
`site export` printed before a change; see corpus_output.py for how to record it again when a
change is meant to alter what planbook reports.
"""

from __future__ import annotations

import difflib
import json

import pytest

import corpus_output
from conftest import require_corpus


@pytest.fixture(scope="module")
def fresh():
    require_corpus()
    return corpus_output.run_all()


@pytest.mark.parametrize("family", sorted(corpus_output.FAMILIES))
def test_corpus_output_is_unchanged(fresh, family):
    recorded = json.loads(corpus_output.RECORDING.read_text(encoding="utf-8"))[family]
    for command, text in fresh[family].items():
        if text != recorded.get(command):
            diff = "".join(list(difflib.unified_diff(
                recorded.get(command, "").splitlines(keepends=True),
                text.splitlines(keepends=True), "recorded", "now"))[:60])
            pytest.fail(f"{family} {command} changed:\n{diff}", pytrace=False)
    assert set(fresh[family]) == set(recorded)
