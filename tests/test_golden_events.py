"""The pipeline's event streams are exactly the committed goldens (tests/golden): a refactoring
that changes what coolhead says about a call fails here, naming the call and the first event
that differs."""

from __future__ import annotations

import pytest

from tests.conftest import need_shared_data
from tests.golden import SETS, load, streams

pytestmark = [pytest.mark.slow, pytest.mark.shared_data]


@pytest.mark.parametrize("name", SETS)
def test_event_streams_match_the_goldens(name: str) -> None:
    data_dir = need_shared_data()
    expected, got = load(name), streams(name, data_dir)
    assert sorted(got) == sorted(expected)
    for call, events in expected.items():
        first = next((i for i, (a, b) in enumerate(zip(events, got[call])) if a != b), None)
        assert first is None and len(events) == len(got[call]), (
            f"{name} {call}: event {first} differs: expected {events[first] if first is not None else '-'}, "
            f"got {got[call][first] if first is not None else '-'} ({len(events)} vs {len(got[call])} events)"
        )
