"""Reading CASE 1.0 packages: what is refused, what is only reported, and the order items come out in."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from ilp_app.domain.case_package import (
    MAX_CODE,
    MAX_ITEMS,
    MAX_PACKAGE_BYTES,
    Severity,
    assign_codes,
    parse_case_package,
)

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "case-sample.json"
DOC = "0f8e6f1c-1111-4a2b-9c3d-000000000000"


def ident(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, name))


def package(items: list[tuple[str, str | None, int | None]], **overrides) -> dict:
    """A package from (code, parent code or None for the document, sequenceNumber)."""
    doc = {"identifier": DOC, "title": "Reading (test)", "subject": ["Norwegian", "Reading"]}
    cf_items = [
        {
            "identifier": ident(code),
            "humanCodingScheme": code,
            "fullStatement": f"Statement {code}",
            "CFItemType": "Standard",
        }
        for code, _, _ in items
    ]
    assocs = []
    for code, parent, seq in items:
        assoc = {
            "identifier": ident("a" + code),
            "associationType": "isChildOf",
            "originNodeURI": {"identifier": ident(code)},
            "destinationNodeURI": {"identifier": DOC if parent is None else ident(parent)},
        }
        if seq is not None:
            assoc["sequenceNumber"] = seq
        assocs.append(assoc)
    return {"CFDocument": doc, "CFItems": cf_items, "CFAssociations": assocs, **overrides}


def parse(pkg: dict):
    return parse_case_package(json.dumps(pkg).encode())


def error_texts(result) -> list[str]:
    return [f.text for f in result.errors]


TREE = [
    ("R.1", None, 1),
    ("R.1.1", "R.1", 1),
    ("R.1.2", "R.1", 2),
    ("R.2", None, 2),
    ("R.2.1", "R.2", 1),
]


def test_items_come_in_tree_order_with_parents_depths_and_positions():
    result = parse(package(TREE))
    assert result.ok
    assert [(i.human_coding_scheme, i.depth, i.position) for i in result.items] == [
        ("R.1", 0, 0),
        ("R.1.1", 1, 0),
        ("R.1.2", 1, 1),
        ("R.2", 0, 1),
        ("R.2.1", 1, 0),
    ]
    by_code = {i.human_coding_scheme: i for i in result.items}
    assert by_code["R.1"].parent_identifier is None
    assert by_code["R.1.2"].parent_identifier == ident("R.1")
    assert result.document.title == "Reading (test)"
    assert result.document.subject == "Norwegian, Reading"


def test_siblings_follow_sequence_number_not_file_order():
    result = parse(
        package(
            [("B", None, 2), ("A", None, 1), ("C", None, 3), ("A.2", "A", 20), ("A.1", "A", 10)]
        )
    )
    assert [i.human_coding_scheme for i in result.items] == ["A", "A.1", "A.2", "B", "C"]


def test_siblings_without_sequence_number_keep_file_order_after_numbered_ones():
    result = parse(package([("X", None, None), ("Y", None, 1), ("Z", None, None)]))
    assert [i.human_coding_scheme for i in result.items] == ["Y", "X", "Z"]


def test_a_loop_of_is_child_of_links_is_refused_and_named():
    result = parse(package([("A", "C", 1), ("B", "A", 1), ("C", "B", 1), ("D", None, 1)]))
    assert not result.ok
    [loop] = [f for f in result.errors if "loop" in f.message]
    assert loop.path.startswith("CFAssociations[")
    assert "A" in loop.message and "B" in loop.message and "C" in loop.message


def test_an_item_that_is_its_own_parent_is_refused():
    result = parse(package([("A", "A", 1)]))
    assert "CFAssociations[0]: A is a child of itself" in error_texts(result)


def test_an_association_to_an_unknown_item_is_refused_with_its_path():
    pkg = package(TREE)
    pkg["CFAssociations"][2]["destinationNodeURI"]["identifier"] = ident("nowhere")
    result = parse(pkg)
    assert not result.ok
    assert result.errors[0].path == "CFAssociations[2].destinationNodeURI.identifier"
    assert "neither the CFDocument nor a CFItem" in result.errors[0].message


def test_an_association_from_an_unknown_item_is_refused():
    pkg = package(TREE)
    pkg["CFAssociations"][0]["originNodeURI"]["identifier"] = ident("ghost")
    result = parse(pkg)
    assert [f.path for f in result.errors] == ["CFAssociations[0].originNodeURI.identifier"]


def test_duplicate_item_identifiers_are_refused():
    pkg = package(TREE)
    pkg["CFItems"][3]["identifier"] = pkg["CFItems"][1]["identifier"]
    result = parse(pkg)
    assert "CFItems[3].identifier: is the same as the identifier of CFItems[1]" in error_texts(
        result
    )


def test_an_item_with_the_documents_identifier_is_refused():
    pkg = package(TREE)
    pkg["CFItems"][0]["identifier"] = DOC
    assert "CFItems[0].identifier: is the identifier of the CFDocument" in error_texts(parse(pkg))


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda p: p["CFItems"][3].pop("fullStatement"), "CFItems[3].fullStatement: missing"),
        (
            lambda p: p["CFItems"][2].update(fullStatement="   "),
            "CFItems[2].fullStatement: missing",
        ),
        (
            lambda p: p["CFItems"][1].update(fullStatement=42),
            "CFItems[1].fullStatement: must be text",
        ),
        (lambda p: p["CFItems"][0].pop("identifier"), "CFItems[0].identifier: missing"),
        (lambda p: p["CFDocument"].pop("title"), "CFDocument.title: missing"),
        (lambda p: p["CFDocument"].pop("identifier"), "CFDocument.identifier: missing"),
        (lambda p: p.pop("CFDocument"), "CFDocument: missing"),
        (lambda p: p.pop("CFItems"), "CFItems: missing"),
        (lambda p: p.update(CFItems=[]), "CFItems: the package has no items"),
        (lambda p: p["CFItems"].__setitem__(4, "R.2.1"), "CFItems[4]: must be an object"),
        (
            lambda p: p["CFAssociations"][0].pop("associationType"),
            "CFAssociations[0].associationType: missing",
        ),
        (
            lambda p: p["CFAssociations"][1].pop("originNodeURI"),
            "CFAssociations[1].originNodeURI: missing",
        ),
    ],
)
def test_missing_required_fields_are_refused_with_their_path(change, expected):
    pkg = package(TREE)
    change(pkg)
    result = parse(pkg)
    assert not result.ok
    assert expected in error_texts(result)
    assert result.items == ()


def test_an_identifier_that_is_not_a_uuid_is_refused():
    pkg = package(TREE)
    pkg["CFItems"][2]["identifier"] = "R-1-2"
    [error] = parse(pkg).errors
    assert error.path == "CFItems[2].identifier"
    assert "'R-1-2' is not a CASE identifier" in error.message


def test_a_statement_longer_than_can_be_stored_is_refused():
    pkg = package(TREE)
    pkg["CFItems"][0]["fullStatement"] = "x" * 1001
    assert (
        "CFItems[0].fullStatement: is 1001 characters long; at most 1000 can be stored"
        in error_texts(parse(pkg))
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "The file is empty."),
        (b"\xff\xfe{}", "not UTF-8"),
        (b'{"CFDocument": ', "not valid JSON (line 1"),
        (b"[1, 2]", "not a CASE package"),
        (b"[" * 100_000, "nested too deeply"),
    ],
)
def test_files_that_are_not_case_json_get_one_clear_message(data, expected):
    result = parse_case_package(data)
    assert not result.ok
    assert expected in result.errors[0].message


def test_a_file_over_the_size_limit_is_refused_before_reading():
    result = parse_case_package(b" " * (MAX_PACKAGE_BYTES + 1))
    assert "larger than 10 MB" in result.errors[0].message


def test_a_package_with_too_many_items_is_refused():
    pkg = {
        "CFDocument": {"identifier": DOC, "title": "Big"},
        "CFItems": [
            {"identifier": str(uuid.UUID(int=i + 1)), "fullStatement": "s"}
            for i in range(MAX_ITEMS + 1)
        ],
    }
    result = parse(pkg)
    assert f"at most {MAX_ITEMS} can be imported" in result.errors[0].message


def test_a_utf8_byte_order_mark_is_accepted():
    assert parse_case_package(b"\xef\xbb\xbf" + json.dumps(package(TREE)).encode()).ok


def test_items_without_a_parent_are_placed_at_the_top_with_a_warning():
    pkg = package(TREE)
    del pkg["CFAssociations"][4]  # R.2.1 loses its parent
    result = parse(pkg)
    assert result.ok
    assert [f.path for f in result.warnings] == ["CFItems[4]"]
    assert [(i.human_coding_scheme, i.depth) for i in result.items][-1] == ("R.2.1", 0)


def test_a_second_parent_is_reported_and_the_first_kept():
    pkg = package(TREE)
    pkg["CFAssociations"].append(
        {
            "associationType": "isChildOf",
            "originNodeURI": {"identifier": ident("R.2.1")},
            "destinationNodeURI": {"identifier": ident("R.1")},
        }
    )
    result = parse(pkg)
    assert result.ok
    assert result.warnings[0].path == "CFAssociations[5]"
    assert next(
        i for i in result.items if i.human_coding_scheme == "R.2.1"
    ).parent_identifier == ident("R.2")


def test_other_association_types_are_ignored():
    pkg = package(TREE)
    pkg["CFAssociations"].append(
        {
            "associationType": "exactMatchOf",
            "originNodeURI": {"identifier": ident("R.1")},
            "destinationNodeURI": {"identifier": ident("somewhere-else")},
        }
    )
    result = parse(pkg)
    assert result.ok and not result.findings


def test_a_package_wrapped_in_cf_package_is_read():
    assert parse({"CFPackage": package(TREE)}).ok


def test_the_sample_package_is_valid_with_twelve_items_in_three_levels():
    result = parse_case_package(SAMPLE.read_bytes())
    assert result.ok, [f.text for f in result.findings]
    assert not result.findings
    assert result.document.title == "Oral communication (sample)"
    assert len(result.items) == 12
    assert {i.depth for i in result.items} == {0, 1, 2}
    assert [i.human_coding_scheme for i in result.items if i.depth == 0] == ["OC.1", "OC.2", "OC.3"]


def test_codes_keep_the_human_coding_scheme_when_it_is_free():
    items = parse(package(TREE)).items
    codes, findings = assign_codes(items, taken={"NOR-8-03"})
    assert [codes[i.identifier] for i in items] == ["R.1", "R.1.1", "R.1.2", "R.2", "R.2.1"]
    assert findings == []


def test_a_taken_or_missing_code_gets_a_reported_fallback():
    pkg = package(TREE)
    del pkg["CFItems"][3]["humanCodingScheme"]
    pkg["CFItems"][4]["humanCodingScheme"] = "R.1"  # the same as another item of the package
    items = parse(pkg).items
    codes, findings = assign_codes(
        items, taken={"r.1.1"}
    )  # letter case does not make a code different
    by_index = {i.index: codes[i.identifier] for i in items}
    assert by_index[0] == "R.1"
    assert by_index[1] == f"R.1.1 [{ident('R.1.1').replace('-', '')[:8]}]"
    assert by_index[3] == f"CASE-{ident('R.2').replace('-', '')[:8]}"
    assert by_index[4].startswith("R.1 [")
    assert len(set(codes.values())) == 5
    assert {f.path for f in findings} == {
        "CFItems[1].humanCodingScheme",
        "CFItems[3].humanCodingScheme",
        "CFItems[4].humanCodingScheme",
    }
    assert all(f.severity is Severity.WARNING for f in findings)


def test_a_code_too_long_to_store_is_shortened_and_reported():
    pkg = package([("A", None, 1)])
    pkg["CFItems"][0]["humanCodingScheme"] = "L" * 80
    items = parse(pkg).items
    codes, findings = assign_codes(items, taken=())
    assert len(codes[items[0].identifier]) <= MAX_CODE
    assert "longer than 60 characters" in findings[0].message


def test_many_findings_are_capped_and_counted():
    pkg = package(TREE)
    pkg["CFItems"] = [{"identifier": "bad"} for _ in range(300)]
    result = parse(pkg)
    assert len(result.findings) == 200
    assert result.more_findings == 400  # two findings per item
