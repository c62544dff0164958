"""JSON Schema export and the backward-compatibility rule between a committed schema and the current one."""

from typing import Any

from parkops_contracts.base import Event

JsonSchema = dict[str, Any]


def schema_of(event: type[Event]) -> JsonSchema:
    schema = event.model_json_schema(mode="serialization")
    schema["$id"] = f"{event.topic()}.json"
    schema["x-cloudevents-type"] = event.ce_type()
    return schema


def _resolve(schema: JsonSchema, node: JsonSchema) -> JsonSchema:
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        resolved: JsonSchema = schema["$defs"][ref.removeprefix("#/$defs/")]
        return resolved
    return node


def _type_signature(schema: JsonSchema, node: JsonSchema) -> Any:
    """A comparable shape of a property's type: JSON types, formats, enum values, items, nested fields."""
    node = _resolve(schema, node)
    if "anyOf" in node:
        return ("anyOf", sorted(repr(_type_signature(schema, n)) for n in node["anyOf"]))
    signature: dict[str, Any] = {k: node[k] for k in ("type", "format", "enum", "const") if k in node}
    if "items" in node:
        signature["items"] = _type_signature(schema, node["items"])
    if "properties" in node:
        signature["properties"] = {
            name: _type_signature(schema, sub) for name, sub in sorted(node["properties"].items())
        }
    return signature


def compatibility_problems(committed: JsonSchema, current: JsonSchema) -> list[str]:
    """Why `current` cannot replace `committed` within one major version (empty when it can).

    A field may be added only as optional; no field may disappear, be renamed or change its type, and
    an enum may gain values but never lose one."""
    problems: list[str] = []
    old_props: JsonSchema = committed.get("properties", {})
    new_props: JsonSchema = current.get("properties", {})
    for name, old in old_props.items():
        if name not in new_props:
            problems.append(f"field '{name}' was removed or renamed")
            continue
        old_sig, new_sig = _type_signature(committed, old), _type_signature(current, new_props[name])
        old_enum, new_enum = (
            _resolve(committed, old).get("enum"),
            _resolve(current, new_props[name]).get("enum"),
        )
        if old_enum is not None and new_enum is not None and set(old_enum) <= set(new_enum):
            old_sig, new_sig = {**old_sig, "enum": None}, {**new_sig, "enum": None}
        if old_sig != new_sig:
            problems.append(f"field '{name}' changed type from {old_sig} to {new_sig}")
    added_required = set(current.get("required", [])) - set(committed.get("required", []))
    problems.extend(f"new field '{name}' is required; add it as optional" for name in sorted(added_required))
    return problems
