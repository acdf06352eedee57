"""The JSON Schema of the flow format, generated from the model, for operators' editors.

``call_flows.yaml`` names the committed ``call_flows.schema.json`` on its first line, so
an editor with the YAML language server completes field names and flags mistakes as
the operator types. A test keeps the committed file equal to what this generates.
"""

from __future__ import annotations

import json

from ivr.definition.model import FlowDocument

SCHEMA_FILE = "call_flows.schema.json"
SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema"


def flow_schema() -> dict:
    schema = FlowDocument.model_json_schema()
    return {"$schema": SCHEMA_URI, **schema}


def flow_schema_text() -> str:
    return json.dumps(flow_schema(), indent=2, ensure_ascii=False) + "\n"
