"""The one load summary every built-in loader returns."""

from saferhub.core.loading import LoadSummary


def test_counts_by_kind_what_is_not_linked_and_the_lines_printed():
    summary = LoadSummary()
    summary.count("actions").created += 3
    summary.count("actions").unchanged += 2
    summary.count("action plans").updated += 1
    summary.not_linked_add("NI 18", "CSA3/1")
    summary.not_linked_add("NI 18", "CSA3/2")
    summary.not_linked_add("NI 18", "CSA3/1")  # once per place
    summary.notes.append("monitored indicators linked to the framework: 4")
    assert summary.changed
    assert str(summary) == "3 created, 1 updated, 2 unchanged"
    assert summary.lines() == [
        "action plans: 0 created, 1 updated, 0 unchanged",
        "actions: 3 created, 0 updated, 2 unchanged",
        "not linked yet (1; load what they refer to and run again): NI 18 (CSA3/1, CSA3/2)",
        "monitored indicators linked to the framework: 4",
    ]


def test_a_load_that_found_everything_in_place_changed_nothing():
    summary = LoadSummary()
    summary.count("seats").unchanged = 44
    summary.count("stories").kept = 1
    assert not summary.changed
    assert summary.lines() == [
        "seats: 0 created, 0 updated, 44 unchanged",
        "stories: 0 created, 0 updated, 0 unchanged, 1 kept as edited in the hub",
    ]
