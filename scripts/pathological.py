#!/usr/bin/env python3
"""Writes the one-case pathological corpora of issue 17 at a chosen size, for timing
`thirdside report` and `thirdside check` on them (see benches/ and the closing note).

    scripts/pathological.py KIND N OUT

KIND is `evidence` (one effort with N evidence records, all cited by one met
indicator, beside an initiative so that the audit looks for the best past effort),
`levels` (a criterion with N levels of one indicator each) or `indicators` (one level
with N indicators). OUT gets rubrics/ (the test fixtures' bibliography and a rubric)
and cases/.
"""
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "tests", "fixtures")


def rubric(history_levels):
    """The fixture rubric `mini`, with the levels of `history` given as lists of
    indicator ids (the first level has none)."""
    out = [
        'id = "mini"', 'title = "Fixture rubric"', 'version = "0.1.0"',
        'sources = ["fisher-ury-2011"]', "",
        "[[criteria]]", 'id = "history"', 'name = "History"',
        'question = "Does the effort know what was tried before?"', "weight = 1.0",
        'guidance = "Study the earlier efforts."',
    ]
    for n, indicators in enumerate(history_levels):
        out += ["  [[criteria.levels]]", f'  label = "Level {n}"', f'  descriptor = "Level {n}."']
        for i in indicators:
            out += ["    [[criteria.levels.indicators]]", f'    id = "{i}"', f'    text = "Indicator {i}."']
    out += [
        "", "[[criteria]]", 'id = "concreteness"', 'name = "Concreteness"',
        'question = "Are the proposals concrete?"', "weight = 2.0", 'guidance = "Draft."',
        "  [[criteria.levels]]", '  label = "Vague"', '  descriptor = "No proposal."',
        "  [[criteria.levels]]", '  label = "Agenda"', '  descriptor = "An agreed agenda."',
        "    [[criteria.levels.indicators]]", '    id = "agenda"', '    text = "An agenda."',
    ]
    return "\n".join(out) + "\n"


def case(case_id, kind, history, evidence_ids):
    """A case with every `history` indicator met, citing `evidence_ids`."""
    out = [
        f'id = "{case_id}"', f'title = "Case {case_id}"', f'kind = "{kind}"', 'rubric = "mini"',
        'start = "2015-06-01"' if kind == "effort" else 'start = "2019-02"',
        'conflict = "Fixture conflict"', 'mediators = ["Mediator A"]',
        'parties = ["Side A", "Side B"]', 'summary = "A fixture."', 'outcome = "None."',
        'strategy = "formulation"', "", "[coding]", 'coder = "Fixture Coder"',
        'date = "2026-01-01"', "",
    ]
    for e in evidence_ids:
        out += ["[[evidence]]", f'id = "{e}"', f'claim = "Claim {e}."',
                'source = "fixture-report"', 'locator = "p. 1"', ""]
    cited = ", ".join(f'"{e}"' for e in evidence_ids)
    out += ["[observations.history]"]
    for i in history:
        out.append(f'{i} = {{ status = "met", evidence = [{cited}] }}' if i == history[0]
                   else f'{i} = {{ status = "met", evidence = ["{evidence_ids[0]}"] }}')
    out += ["", "[observations.concreteness]",
            f'agenda = {{ status = "met", evidence = ["{evidence_ids[0]}"] }}']
    return "\n".join(out) + "\n"


def main():
    kind, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    os.makedirs(os.path.join(out, "rubrics"), exist_ok=True)
    os.makedirs(os.path.join(out, "cases"), exist_ok=True)
    shutil.copy(os.path.join(FIXTURES, "rubrics", "bibliography.toml"), os.path.join(out, "rubrics"))
    if kind == "evidence":
        levels = [[], ["names-past"]]
        history = ["names-past"]
        evidence = [f"e{k}" for k in range(1, n + 1)]
    elif kind == "levels":
        levels = [[]] + [[f"i{k}"] for k in range(1, n)]
        history = [f"i{k}" for k in range(1, n)]
        evidence = ["e1"]
    elif kind == "indicators":
        levels = [[], [f"i{k}" for k in range(1, n + 1)]]
        history = [f"i{k}" for k in range(1, n + 1)]
        evidence = ["e1"]
    else:
        sys.exit(f"unknown kind {kind}: evidence, levels or indicators")
    with open(os.path.join(out, "rubrics", "mini.toml"), "w") as f:
        f.write(rubric(levels))
    with open(os.path.join(out, "cases", "big.toml"), "w") as f:
        f.write(case("big", "effort", history, evidence))
    with open(os.path.join(out, "cases", "next.toml"), "w") as f:
        f.write(case("next", "initiative", history, ["e1"]))


if __name__ == "__main__":
    main()
