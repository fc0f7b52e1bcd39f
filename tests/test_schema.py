"""Tests of okrsite.schema: every field of an OKR file is checked, at the line of its key."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import COMPANY, CYCLE, failed_build
from okrsite.options import BuildOptions

TEAM = f"{CYCLE}/team.md"




def team(objectives: str, header: str = "name: Team\nkind: team\nparent: test-co\n") -> str:
    """A team file: lines 2-4 are ``header``, line 5 ``objectives:``, the given YAML from line 6."""
    return f"---\n{header}objectives:\n{objectives}---\nBody\n"


def one_kr_objective(kr: str) -> str:
    """An objective (lines 6-9) whose second key result starts at line 11 with ``kr``."""
    return (
        "  - id: obj\n"                                    # 6
        "    title: Objective\n"                           # 7
        "    aligns_to: test-co/grow\n"                    # 8
        "    key_results:\n"                               # 9
        "      - {id: base, title: Base, start: 0, target: 10, unit: things}\n"  # 10
        + kr                                               # 11...
    )


def reported(diagnostics, severity: str = "error") -> list[str]:
    return [d.format() for d in diagnostics.items if d.severity == severity]


def assert_one(diagnostics, line: int, message: str, severity: str = "error", path: str = TEAM) -> None:
    """Exactly one diagnostic of this severity contains ``message``, at ``path:line``."""
    found = [d for d in diagnostics.items if d.severity == severity and message in d.message]
    assert len(found) == 1, reported(diagnostics, severity)
    assert found[0].path == path
    assert found[0].line == line, found[0].format()
    assert found[0].format().startswith(f"{path}:{line}: {severity}: ")


# --- the owner -----------------------------------------------------------------------------


def test_missing_name(check):
    site, diagnostics = check({TEAM: team("", header="kind: team\nparent: test-co\n")})
    assert site is None
    assert_one(diagnostics, 2, "the file has no 'name'")


def test_missing_kind(check):
    site, diagnostics = check({TEAM: team("", header="name: Team\nparent: test-co\n")})
    assert site is None
    assert_one(diagnostics, 2, "the file has no 'kind': use one of company, department, team, person")


def test_unknown_kind_with_did_you_mean(check):
    site, diagnostics = check({TEAM: team("", header="name: Team\nparent: test-co\nkind: teem\n")})
    assert site is None
    assert_one(diagnostics, 4, "unknown kind 'teem': use one of company, department, team, person (did you mean team?)")


def test_file_stem_that_is_not_an_id(check):
    path = f"{CYCLE}/Team_A.md"
    site, diagnostics = check({path: team("")})
    assert site is None
    assert_one(diagnostics, 2, "the file name 'Team_A' is not a valid owner id", path=path)


def test_parent_that_is_not_an_id(check):
    site, diagnostics = check({TEAM: team("", header="name: Team\nkind: team\nparent: Test Co\n")})
    assert site is None
    assert_one(diagnostics, 4, "'parent' 'Test Co' is not a valid id")


def test_unknown_visibility(check):
    site, diagnostics = check({TEAM: team("", header="name: Team\nkind: team\nparent: test-co\nvisibility: privat\n")})
    assert site is None
    assert_one(diagnostics, 5, "'visibility' must be one of public, private, not 'privat' (did you mean private?)")


def test_objectives_must_be_a_list(check):
    site, diagnostics = check({TEAM: "---\nname: Team\nkind: team\nparent: test-co\nobjectives: lots\n---\n"})
    assert site is None
    assert_one(diagnostics, 5, "'objectives' must be a list, not 'lots'")


def test_owner_fields_are_read(check):
    site, diagnostics = check({
        TEAM: team(one_kr_objective("      - {id: more, title: More, start: 0, target: 5}\n"),
                   header="name: '  Team  '\nkind: team\nparent: test-co\nrole: Builders\nlead: ada\n"),
        f"{CYCLE}/ada.md": "---\nname: Ada\nkind: person\nparent: team\n---\n",
    })
    assert site is not None, reported(diagnostics)
    owner = site.current.owners["team"]
    assert (owner.id, owner.name, owner.kind, owner.role, owner.parent_id, owner.lead_id) == \
        ("team", "Team", "team", "Builders", "test-co", "ada")
    assert owner.private is False
    assert owner.source.path == TEAM and owner.source.line == 2
    assert "Body" in owner.body_html


# --- objectives ----------------------------------------------------------------------------


def test_missing_objective_title(check):
    site, diagnostics = check({TEAM: team("  - id: obj\n    aligns_to: test-co/grow\n")})
    assert site is None
    assert_one(diagnostics, 6, "an objective has no 'title'")


def test_missing_objective_id(check):
    site, diagnostics = check({TEAM: team("  - title: Objective\n    aligns_to: test-co/grow\n")})
    assert site is None
    assert_one(diagnostics, 6, "an objective has no 'id'")


def test_objective_id_that_is_not_an_id(check):
    site, diagnostics = check({TEAM: team("  - title: Objective\n    id: New_Leads\n")})
    assert site is None
    assert_one(diagnostics, 7, "'id' 'New_Leads' is not a valid id: use lowercase letters, digits and '-'")


@pytest.mark.parametrize("bad", ["-leads", "Leads", "leads!", "lead s", "42.5"])
def test_ids_must_match_the_pattern(check, bad):
    site, diagnostics = check({TEAM: team(f"  - title: Objective\n    id: '{bad}'\n")})
    assert site is None
    assert_one(diagnostics, 7, "is not a valid id")


def test_duplicate_objective_ids(check):
    objectives = (
        "  - id: obj\n"                                     # 6
        "    title: One\n"                                  # 7
        "  - id: obj\n"                                     # 8
        "    title: Two\n"                                  # 9
    )
    site, diagnostics = check({TEAM: team(objectives)})
    assert site is None
    assert_one(diagnostics, 8, "duplicate objective id 'obj' (first used on line 6)")


def test_duplicate_objective_id_is_reported_at_the_id_key(check):
    """When 'id' is not the first key of the objective, the line is still that of 'id'."""
    objectives = (
        "  - title: One\n"                                  # 6
        "    id: obj\n"                                     # 7
        "  - title: Two\n"                                  # 8
        "    id: obj\n"                                     # 9
    )
    site, diagnostics = check({TEAM: team(objectives)})
    assert site is None
    assert_one(diagnostics, 9, "duplicate objective id 'obj' (first used on line 7)")


def test_objective_fields_are_read(check):
    objectives = one_kr_objective("      - {id: more, title: More, start: 0, target: 5}\n") + (
        "    description: Some *context*.\n"
        "    retro: Start the *survey* earlier. <b>raw</b>\n"
        "    initiatives: ['[x] Done thing', '[ ] Open thing', 'Plain thing']\n"
        "    score: 0.4\n"
        "    status: at-risk\n"
    )
    site, diagnostics = check({TEAM: team(objectives)})
    assert site is not None, reported(diagnostics)
    objective = site.current.owners["team"].objectives[0]
    assert objective.ref == "team/obj"
    assert objective.aligns_to == ["test-co/grow"]
    assert "<em>context</em>" in objective.description_html
    assert "<em>survey</em>" in objective.retro_html and "<b>" not in objective.retro_html
    assert [(i.text, i.done) for i in objective.initiatives] == \
        [("Done thing", True), ("Open thing", False), ("Plain thing", False)]
    assert objective.score_given == 0.4 and objective.status_given == "at-risk"
    assert objective.source.line == 6


def test_retro_must_be_text(check):
    objectives = one_kr_objective("      - {id: more, title: More, start: 0, target: 5}\n") + "    retro: [went well, went badly]\n"
    site, diagnostics = check({TEAM: team(objectives)})
    assert site is None
    assert_one(diagnostics, 12, "'retro' must be text, not a list")


def test_aligns_to_must_look_like_a_ref(check):
    objectives = "  - id: obj\n    title: Objective\n    aligns_to: [test-co, test-co/grow/revenue/x]\n"
    site, diagnostics = check({TEAM: team(objectives)})
    assert site is None
    assert_one(diagnostics, 8, "'aligns_to' 'test-co' must look like 'owner/objective'")
    assert_one(diagnostics, 8, "'aligns_to' 'test-co/grow/revenue/x' must look like 'owner/objective'")


def test_unknown_status_and_score_out_of_range(check):
    objectives = "  - id: obj\n    title: Objective\n    status: ontrack\n    score: 7\n"
    site, diagnostics = check({TEAM: team(objectives)})
    assert site is None
    assert_one(diagnostics, 8, "'status' must be one of on-track, at-risk, off-track, not 'ontrack' (did you mean on-track?)")
    assert_one(diagnostics, 9, "'score' must be between 0.0 and 1.0, not 7")


def test_an_objective_type_is_committed_or_aspirational(check):
    objectives = ("  - id: obj\n    title: Objective\n    type: commited\n"
                  "  - id: two\n    title: Two\n    type: committed\n"
                  "  - id: three\n    title: Three\n")
    site, diagnostics = check({TEAM: team(objectives)})
    assert site is None
    assert_one(diagnostics, 8, "'type' must be one of aspirational, committed, not 'commited' (did you mean committed?)")
    assert len([d for d in diagnostics.items if d.severity == "error"]) == 1
    site, _ = check({TEAM: team(objectives.replace("type: commited\n", "type: aspirational\n"))})
    assert [o.type for o in site.cycles[0].owners["team"].objectives] == ["aspirational", "committed", "aspirational"]


# --- key results ---------------------------------------------------------------------------


def test_key_result_id_that_is_not_an_id(check):
    site, diagnostics = check({TEAM: team(one_kr_objective(
        "      - title: More\n"                              # 11
        "        id: More Leads\n"                           # 12
        "        start: 0\n"
        "        target: 5\n"))})
    assert site is None
    assert_one(diagnostics, 12, "'id' 'More Leads' is not a valid id")


def test_duplicate_key_result_ids(check):
    site, diagnostics = check({TEAM: team(one_kr_objective(
        "      - {id: base, title: Again, start: 0, target: 5}\n"))})
    assert site is None
    assert_one(diagnostics, 11, "duplicate key result id 'base' (first used on line 10)")


@pytest.mark.parametrize("key, line", [("start", 12), ("target", 13), ("current", 14)])
def test_metric_numbers_must_be_numbers(check, key, line):
    values = {"start": "0", "target": "10", "current": "5"}
    values[key] = "lots"
    site, diagnostics = check({TEAM: team(one_kr_objective(
        "      - id: more\n"                                 # 11
        f"        start: {values['start']}\n"                # 12
        f"        target: {values['target']}\n"              # 13
        f"        current: {values['current']}\n"            # 14
        "        title: More\n"))})
    assert site is None
    assert_one(diagnostics, line, f"'{key}' must be a number, not 'lots'")


def test_booleans_are_not_numbers(check):
    site, diagnostics = check({TEAM: team(one_kr_objective(
        "      - id: more\n"                                 # 11
        "        title: More\n"                              # 12
        "        start: 0\n"                                 # 13
        "        target: true\n"))})                         # 14
    assert site is None
    assert_one(diagnostics, 14, "'target' must be a number, not True")


def test_metric_without_start_and_target(check):
    site, diagnostics = check({TEAM: team(one_kr_objective("      - {id: more, title: More}\n"))})
    assert site is None
    assert_one(diagnostics, 11, "a key result has no 'start'")
    assert_one(diagnostics, 11, "a key result has no 'target'")


def test_target_equal_to_start(check):
    site, diagnostics = check({TEAM: team(one_kr_objective(
        "      - id: more\n"                                 # 11
        "        title: More\n"                              # 12
        "        start: 5\n"                                 # 13
        "        target: 5\n"))})                            # 14
    assert site is None
    assert_one(diagnostics, 14, "'target' equals 'start' (5): a key result must move a number")


def test_milestone_without_done(check):
    site, diagnostics = check({TEAM: team(one_kr_objective(
        "      - id: ship\n"                                 # 11
        "        title: Ship it\n"                           # 12
        "        type: milestone\n"))})                      # 13
    assert site is None
    assert_one(diagnostics, 11, "a milestone needs 'done: true' or 'done: false'")


def test_milestone_done_that_is_not_a_boolean(check):
    site, diagnostics = check({TEAM: team(one_kr_objective(
        "      - id: ship\n"                                 # 11
        "        title: Ship it\n"                           # 12
        "        type: milestone\n"                          # 13
        "        done: soon\n"))})                           # 14
    assert site is None
    assert_one(diagnostics, 14, "a milestone needs 'done: true' or 'done: false'")


def test_unknown_key_result_type(check):
    site, diagnostics = check({TEAM: team(one_kr_objective(
        "      - id: ship\n"                                 # 11
        "        title: Ship it\n"                           # 12
        "        type: milstone\n"                           # 13
        "        done: true\n"))})
    assert site is None
    assert_one(diagnostics, 13, "'type' must be one of metric, milestone, rollup, not 'milstone' (did you mean milestone?)")


def test_weight_must_be_positive(check):
    site, diagnostics = check({TEAM: team(one_kr_objective(
        "      - {id: more, title: More, start: 0, target: 5,\n"   # 11
        "         weight: 0}\n"))})                                 # 12
    assert site is None
    assert_one(diagnostics, 12, "'weight' must be more than 0, not 0")


def test_key_result_fields_are_read(check):
    site, diagnostics = check({TEAM: team(one_kr_objective(
        "      - id: more\n"
        "        title: More\n"
        "        start: 20000\n"
        "        target: 100000\n"
        "        unit: leads\n"
        "        weight: 2\n"
        "        score: 0.7\n"
        "        checkins:\n"
        "          - {date: 2026-10-15, value: 41000, note: Webinar series launched}\n"
        "          - {date: 2026-11-01, value: 64000}\n"))})
    assert site is not None, reported(diagnostics)
    kr = site.current.owners["team"].objectives[0].key_results[1]
    assert (kr.id, kr.type, kr.start, kr.target, kr.unit, kr.weight, kr.score_given) == \
        ("more", "metric", 20000, 100000, "leads", 2, 0.7)
    assert [(c.date, c.value, c.note) for c in kr.checkins] == [
        (dt.date(2026, 10, 15), 41000, "Webinar series launched"), (dt.date(2026, 11, 1), 64000, "")]
    assert kr.current == 64000
    assert kr.ref == "team/obj/more"


# --- check-ins -----------------------------------------------------------------------------


@pytest.mark.parametrize("value, shown", [("'2026-10-15'", "'2026-10-15'"), ("soon", "'soon'"),
                                          ("2026-10-15T10:00:00", "datetime.datetime(2026, 10, 15, 10, 0)")])
def test_checkin_date_that_is_not_a_date(check, value, shown):
    site, diagnostics = check({TEAM: team(one_kr_objective(
        "      - id: more\n"                                 # 11
        "        title: More\n"                              # 12
        "        start: 0\n"                                 # 13
        "        target: 5\n"                                # 14
        "        checkins:\n"                                # 15
        "          - value: 3\n"                             # 16
        f"            date: {value}\n"))})                   # 17
    assert site is None
    assert_one(diagnostics, 17, f"a check-in needs a 'date' like 2026-10-15, not {shown}")


def test_checkin_without_date(check):
    site, diagnostics = check({TEAM: team(one_kr_objective(
        "      - id: more\n"                                 # 11
        "        title: More\n"                              # 12
        "        start: 0\n"                                 # 13
        "        target: 5\n"                                # 14
        "        checkins:\n"                                # 15
        "          - {value: 3}\n"))})                       # 16
    assert site is None
    assert_one(diagnostics, 16, "a check-in needs a 'date' like 2026-10-15, not None")


def test_checkin_value_that_is_not_a_number(check):
    site, diagnostics = check({TEAM: team(one_kr_objective(
        "      - id: more\n"                                 # 11
        "        title: More\n"                              # 12
        "        start: 0\n"                                 # 13
        "        target: 5\n"                                # 14
        "        checkins:\n"                                # 15
        "          - date: 2026-10-15\n"                     # 16
        "            value: three\n"))})                     # 17
    assert site is None
    assert_one(diagnostics, 17, "'value' must be a number, not 'three'")


def test_checkins_out_of_order(check):
    site, diagnostics = check({TEAM: team(one_kr_objective(
        "      - id: more\n"                                 # 11
        "        title: More\n"                              # 12
        "        start: 0\n"                                 # 13
        "        target: 5\n"                                # 14
        "        checkins:\n"                                # 15
        "          - {date: 2026-11-01, value: 3}\n"         # 16
        "          - {date: 2026-10-15, value: 2}\n"))})     # 17
    assert site is None
    assert_one(diagnostics, 15, "check-ins must be in date order: 2026-10-15 comes after 2026-11-01")


def test_confidence_is_read_on_checkins_and_key_results(check):
    site, diagnostics = check({TEAM: team(one_kr_objective(
        "      - id: more\n"
        "        title: More\n"
        "        start: 0\n"
        "        target: 5\n"
        "        confidence: 0.9\n"
        "        checkins:\n"
        "          - {date: 2026-10-15, value: 2, confidence: 0.8}\n"
        "          - {date: 2026-11-01, value: 3}\n"
        "      - {id: ship, title: Ship, type: milestone, done: false, confidence: 1}\n"))})
    assert site is not None, reported(diagnostics)
    base, more, ship = site.current.owners["team"].objectives[0].key_results
    assert [c.confidence for c in more.checkins] == [0.8, None]
    assert (more.confidence_given, more.confidence, ship.confidence, base.confidence) == (0.9, 0.8, 1, None)


@pytest.mark.parametrize("where, line", [("        confidence: 1.5\n", 15),
                                         ("          - {date: 2026-10-15, value: 2, confidence: 1.5}\n", 16)])
def test_confidence_out_of_range_is_an_error_at_its_line(check, where, line):
    site, diagnostics = check({TEAM: team(one_kr_objective(
        "      - id: more\n"                                 # 11
        "        title: More\n"                              # 12
        "        start: 0\n"                                 # 13
        "        target: 5\n"                                # 14
        + (where if line == 15 else "        checkins:\n"   # 15
           + where)))})                                      # 16
    assert site is None
    assert_one(diagnostics, line, "'confidence' must be between 0.0 and 1.0, not 1.5")


def test_confidence_that_is_not_a_number(check):
    site, diagnostics = check({TEAM: team(one_kr_objective(
        "      - {id: more, title: More, start: 0, target: 5, confidence: high}\n"))})  # 11
    assert site is None
    assert_one(diagnostics, 11, "'confidence' must be a number, not 'high'")


# --- warnings ------------------------------------------------------------------------------


def test_unknown_objective_key_warns_with_did_you_mean(check):
    site, diagnostics = check({TEAM: team(one_kr_objective(
        "      - {id: more, title: More, start: 0, target: 5, unit: things}\n"
        "    titel: Typo\n"))})                                        # 12
    assert site is not None, reported(diagnostics)
    assert reported(diagnostics, "warning") == [
        f"{TEAM}:12: warning: unknown key 'titel' in an objective (did you mean title?)"]


def test_unknown_keys_at_every_level_warn(check):
    site, diagnostics = check({TEAM: team(
        one_kr_objective(
            "      - id: more\n"                                    # 12 (the header has 4 lines)
            "        title: More\n"                                 # 13
            "        start: 0\n"                                    # 14
            "        target: 5\n"                                   # 15
            "        curent: 3\n"                                   # 16
            "        checkins:\n"                                   # 17
            "          - {date: 2026-11-15, value: 1, nte: x}\n"    # 18
            "        unit: things\n"),
        header="name: Team\nkind: team\nparent: test-co\nlaed: x\n")})  # 5
    assert site is not None, reported(diagnostics)
    assert sorted(reported(diagnostics, "warning")) == sorted([
        f"{CYCLE}/team.md:5: warning: unknown key 'laed' in the file (did you mean lead?)",
        f"{CYCLE}/team.md:16: warning: unknown key 'curent' in a key result (did you mean current?)",
        f"{CYCLE}/team.md:18: warning: unknown key 'nte' in a check-in (did you mean note?)",
    ])


BIG = "1" + "0" * 400  # 401 digits: more than a float can hold


@pytest.mark.parametrize("field", ["start", "target", "current", "weight"])
def test_a_number_too_large_for_a_float_is_an_error_at_its_line(make_site, capsys, monkeypatch, field):
    values = {"start": "0", "target": "100", "current": "5", "weight": "1", field: BIG}
    kr = "      - {id: big, title: Big, " + ", ".join(f"{k}: {v}" for k, v in values.items()) + "}\n"
    root = make_site({f"{CYCLE}/test-co.md": COMPANY, TEAM: team(one_kr_objective(kr))})
    assert failed_build(root, capsys, monkeypatch) == [
        f"{TEAM}:11: error: '{field}' must be a number, not a number of 401 digits (at most 1.8e308 either way from 0)"]


def test_numbers_too_large_in_check_ins_scores_and_kpis_are_errors(make_site, capsys, monkeypatch):
    kr = (f"      - id: big\n        title: Big\n        start: 0\n        target: 10\n        score: {BIG}\n"  # 11-15
          f"        checkins:\n          - {{date: 2026-10-15, value: -{BIG}}}\n")  # 16-17
    kpis = f"kpis:\n  - {{id: k, title: K, current: {BIG}, target: 1}}\n"  # 18-19
    root = make_site({f"{CYCLE}/test-co.md": COMPANY, TEAM: team(one_kr_objective(kr) + kpis)})
    too_big = "a number of 401 digits (at most 1.8e308 either way from 0)"
    assert failed_build(root, capsys, monkeypatch) == [
        f"{TEAM}:15: error: 'score' must be a number, not {too_big}",
        f"{TEAM}:17: error: 'value' must be a number, not {too_big}",
        f"{TEAM}:19: error: 'current' must be a number, not {too_big}"]


def test_the_largest_floats_are_numbers(check):
    kr = "      - {id: huge, title: Huge, start: -1.7e308, target: 1.7e308, current: 0}\n"
    site, diagnostics = check({TEAM: team(one_kr_objective(kr))})
    assert reported(diagnostics) == []


@pytest.mark.parametrize("text, character", [
    (r'"Dept\x01"', "a control character (U+0001) after 'Dept'"),
    (r'"\x1b[31mred"', "a control character (U+001B)"),
    (r'"A\uFFFE"', "a non-character (U+FFFE) after 'A'"),
])
def test_text_xml_cannot_carry_is_an_error_in_every_text_field(make_site, capsys, monkeypatch, text, character):
    kr = (f"      - {{id: k, title: {text}, start: 0, target: 9, unit: {text},\n"            # 11
          f"         checkins: [{{date: 2026-10-15, value: 1, note: {text}}}]}}\n"            # 12
          f"    initiatives: [{text}]\n")                                                     # 13
    objectives = one_kr_objective(kr).replace("title: Objective", f"title: {text}")
    body = "Fine.\nNot \x02 fine.\n"
    root = make_site({f"{CYCLE}/test-co.md": COMPANY, TEAM: team(objectives, f"name: Team\nkind: team\nparent: test-co\nrole: {text}\n") + body})
    assert failed_build(root, capsys, monkeypatch) == [
        f"{TEAM}:5: error: 'role' contains {character}: remove it",
        f"{TEAM}:8: error: 'title' contains {character}: remove it",
        f"{TEAM}:12: error: 'title' contains {character}: remove it",
        f"{TEAM}:12: error: 'unit' contains {character}: remove it",
        f"{TEAM}:13: error: 'note' contains {character}: remove it",
        f"{TEAM}:14: error: 'initiatives' contains {character}: remove it",
        f"{TEAM}:18: error: the text contains a control character (U+0002) after 'Not ': remove it"]


def test_ids_too_long_to_name_a_file_are_errors_at_their_line(make_site, capsys, monkeypatch):
    """An objective id of 252 characters makes a badge name past the file system's 255 bytes;
    a build once failed writing it, naming a temporary file and no line."""
    long_id = "o" * 252
    owner = "p" * 101
    company = COMPANY.replace("  - id: grow\n", f"  - id: {long_id}\n")
    root = make_site({f"{CYCLE}/test-co.md": company, f"{CYCLE}/{owner}.md": "---\nname: P\nkind: person\nparent: test-co\n---\n"})
    assert failed_build(root, capsys, monkeypatch) == [
        f"{CYCLE}/{owner}.md:2: error: the file name '{'p' * 40}...' is not a valid owner id: "
        "it has 101 characters, and ids name files of the site: keep it to 100",
        f"{CYCLE}/test-co.md:5: error: 'id' '{'o' * 39}... is not a valid id: "
        "it has 252 characters, and ids name files of the site: keep it to 100"]


def test_an_id_of_the_longest_length_builds(make_site, tmp_path):
    from okrsite.build import build_site
    from conftest import EXAMPLE_DATE

    long_id = "o" * 100
    root = make_site({f"{CYCLE}/test-co.md": COMPANY.replace("  - id: grow\n", f"  - id: {long_id}\n")})
    assert build_site(root, tmp_path / "out", BuildOptions(EXAMPLE_DATE)).ok(False)
    assert (tmp_path / f"out/badges/2026-q4/test-co/{long_id}.svg").is_file()


# --- KPIs over time and growth goals -------------------------------------------------------

PERSON = f"{CYCLE}/ada.md"


def person(objectives: str) -> str:
    """Ada's file: lines 2-4 are her header, line 5 ``objectives:``, the given YAML from line 6."""
    return team(objectives, header="name: Ada\nkind: person\nparent: test-co\n")


GROWTH = (
    "  - id: speak\n"                                                # 6
    "    title: Speak at a conference\n"                             # 7
    "    growth: true\n"                                             # 8
    "    key_results:\n"                                             # 9
    "      - {id: talks, title: Talks given, start: 0, target: 2, current: 1}\n"  # 10
)


def test_kpi_check_ins_are_read_and_the_latest_is_the_current_value(check):
    kpis = ("kpis:\n"
            "  - id: churn\n"                                          # 6
            "    title: Churn\n"
            "    target: 3\n"
            "    direction: lower\n"
            "    checkins:\n"
            "      - {date: 2026-10-01, value: 3.5, note: Price rise}\n"
            "      - {date: 2026-11-01, value: 2.8}\n"
            "  - {id: nps, title: NPS, current: 41, target: 40, checkins: [{date: 2026-10-01, value: 30}]}\n")
    site, diagnostics = check({TEAM: team("").replace("objectives:\n", kpis)})
    assert reported(diagnostics) == []
    churn, nps = site.cycles[0].owners["team"].kpis
    assert [(c.date, c.value, c.note) for c in churn.checkins] == [
        (dt.date(2026, 10, 1), 3.5, "Price rise"), (dt.date(2026, 11, 1), 2.8, "")]
    assert churn.current == 2.8 and churn.graduated_from is None
    assert nps.current == 41  # a current value written wins over the check-ins
    assert (churn.source.path, churn.source.line) == (TEAM, 6)


@pytest.mark.parametrize("kpi, line, message, severity", [
    ("{id: k, title: K, target: 1, checkins: [{date: 2026-11-01, value: 2}, {date: 2026-10-01, value: 1}]}", 6,
     "check-ins must be in date order: 2026-10-01 comes after 2026-11-01", "error"),
    ("{id: k, title: K, target: 1, checkins: [{date: 2026-11-01, value: 2, confidence: 0.5}]}", 6,
     "unknown key 'confidence' in a check-in", "warning"),
    ("{id: k, title: K, target: 1, graduated_from: test-co/grow/revenue}", 6,
     "'graduated_from' 'test-co/grow/revenue' must look like 'CYCLE/owner/objective/key-result'", "error"),
    ("{id: k, title: K, target: 1, graduated_from: 2026-Q3/Test/grow/revenue}", 6,
     "'graduated_from' '2026-Q3/Test/grow/revenue' must look like 'CYCLE/owner/objective/key-result'", "error"),
])
def test_kpi_check_in_and_graduation_mistakes_are_reported_at_their_line(check, kpi, line, message, severity):
    site, diagnostics = check({TEAM: team("").replace("objectives:\n", f"kpis:\n  - {kpi}\n")})
    assert_one(diagnostics, line, message, severity)


def test_a_growth_goal_is_kept_apart_from_the_persons_objectives(check):
    mine = GROWTH + "  - id: ship\n    title: Ship it\n    aligns_to: test-co/grow\n" + (
        "    key_results:\n      - {id: done, title: Done, type: milestone, done: true}\n")
    site, diagnostics = check({PERSON: person(mine)})
    assert reported(diagnostics) == []
    ada = site.cycles[0].owners["ada"]
    assert [o.id for o in ada.objectives] == ["ship"] and [o.id for o in ada.growth] == ["speak"]
    assert ada.growth[0].growth and not ada.objectives[0].growth
    assert ada.growth[0].url == "2026-q4/ada/#growth-speak"


def test_growth_is_only_for_a_persons_objectives(check):
    site, diagnostics = check({TEAM: team(GROWTH)})
    assert_one(diagnostics, 8, "'growth: true' is for a person's own development goals, and 'team' is a team")


def test_a_growth_goal_does_not_align(check):
    site, diagnostics = check({PERSON: person(GROWTH.replace("    growth: true\n", "    growth: true\n    aligns_to: test-co/grow\n"))})
    assert_one(diagnostics, 9, "a growth goal is personal: it does not align to other objectives", path=PERSON)


def test_nothing_aligns_to_a_growth_goal(check):
    site, diagnostics = check({PERSON: person(GROWTH), TEAM: team(one_kr_objective("").replace("test-co/grow", "ada/speak"))})
    assert_one(diagnostics, 8, "'aligns_to' names 'ada/speak', a growth goal of Ada: growth goals are personal and "
                               "nothing aligns to them")


def test_growth_must_be_true_or_false(check):
    site, diagnostics = check({PERSON: person(GROWTH.replace("growth: true", "growth: yes please"))})
    assert_one(diagnostics, 8, "'growth' must be true or false, not 'yes please'", path=PERSON)
