"""Tests of okrsite.outcomes: real key-result titles, each with its verdict pinned.

The titles are from OKR guides and public OKR examples (Google's re:Work, "Measure
What Matters", Perdoo's and Weekdone's example libraries) and from this repository's
issues; a change to the word lists must keep every verdict or change it here, on purpose.
"""

from __future__ import annotations

import pytest

from okrsite.outcomes import is_output

OUTPUTS = [
    "Deliver 3 high-fidelity prototypes",
    "Launch 3 new features",
    "Hire 5 senior engineers",
    "Publish 12 blog posts",
    "Release version 2.0 of the mobile app",
    "Complete the SOC 2 audit",
    "Write 4 customer case studies",
    "Build a self-serve onboarding flow",
    "Ship the new checkout",
    "Run 6 customer webinars",
    "Host 2 user conferences",
    "Implement single sign-on",
    "Create a content calendar for Q3",
    "Migrate all services to Kubernetes",
    "Hold 5 customer advisory board meetings",
    "Conduct 20 user interviews",
    "Roll out the new pricing page",
    "Set up an on-call rotation",
    "Train 40 managers in giving feedback",
    "Design the new onboarding emails",
    "12 blog posts published",
    "Onboarding flow launched",
    "3 prototypes delivered",
    "Security review completed",
    "New pricing page live",
]
OUTCOMES = [
    "Increase weekly active users from 20,000 to 50,000",
    "Reduce churn from 5% to 3%",
    "Raise NPS from 30 to 45",
    "Grow monthly recurring revenue to $2M",
    "Improve page load time from 3 s to 1 s",
    "Reduce average support response time to under 2 hours",
    "Achieve 99.95% uptime",
    "Lower customer acquisition cost by 20%",
    "Net revenue retention 95% -> 105%",
    "Sign 10 new enterprise customers",
    "Double the number of qualified leads",
    "Cut time to first value from 14 days to 7",
    "Keep employee engagement above 80%",
    "Retain 95% of customers",
    "Deliver on-time rate from 80% to 95%",
    "Ship with a change failure rate below 5%",
    "Customer satisfaction (CSAT) at 90% or higher",
    "New leads per month",
    "Time to hire from 45 days to 30",
    "Get 500 paying customers",
    "Days to close a quarter's books: 14 -> 7",
    "Deploy frequency from weekly to daily",
    "",
]


@pytest.mark.parametrize("title", OUTPUTS)
def test_outputs(title):
    assert is_output(title)


@pytest.mark.parametrize("title", OUTCOMES)
def test_outcomes(title):
    assert not is_output(title)


def test_the_table_is_large_enough_to_pin_the_rules():
    assert len(OUTPUTS) + len(OUTCOMES) >= 30 and len(OUTPUTS) >= 15 and len(OUTCOMES) >= 15


@pytest.mark.parametrize("title", ["LAUNCH 3 new features", "launch: 3 new features", "  Launch 3 new features."])
def test_case_and_punctuation_do_not_change_the_verdict(title):
    assert is_output(title)
