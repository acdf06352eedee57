"""The committed JSON Schema is the one the model generates, and the live flow names it."""

from __future__ import annotations

import json

from support import DEFAULT_FLOW, ROOT

from ivr.cli import main
from ivr.definition.schema import SCHEMA_FILE, flow_schema_text


def test_committed_schema_is_generated_from_the_model():
    committed = (ROOT / SCHEMA_FILE).read_text(encoding="utf-8")
    assert committed == flow_schema_text(), "run: ivr schema -o call_flows.schema.json"


def test_the_live_flow_names_the_schema_on_its_first_line():
    first = DEFAULT_FLOW.read_text().splitlines()[0]
    assert first == f"# yaml-language-server: $schema={SCHEMA_FILE}"


def test_schema_describes_every_section_and_node_type():
    schema = json.loads(flow_schema_text())
    assert set(schema["required"]) == {"line", "numbers", "nodes"}
    assert {"MenuNode", "MessageNode", "TransferNode"} <= set(schema["$defs"])
    assert schema["$defs"]["MenuNode"]["additionalProperties"] is False


def test_ivr_schema_prints_it(tmp_path):
    from click.testing import CliRunner

    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.output) == json.loads(flow_schema_text())
