#!/usr/bin/env python3
"""Cuts PagerDuty's REST API v2 OpenAPI document down to the operations Vigil uses, with every
component they reference, so the test server validates against PagerDuty's own definitions
without shipping the whole 2.7 MB document.

    Tests/Servers/pagerduty/trim-openapi.py ../shared/specs/pagerduty-rest-openapiv3.json \
        > Tests/Servers/pagerduty/pagerduty-openapi.json
"""
import json
import sys

OPERATIONS = {
    "/incidents": ["get"],
    "/incidents/{id}": ["get", "put"],
    "/incidents/{id}/notes": ["get", "post"],
    "/incidents/{id}/snooze": ["post"],
    "/incidents/{id}/log_entries": ["get"],
    "/log_entries": ["get"],
    "/oncalls": ["get"],
    "/users": ["get"],
    "/users/me": ["get"],
    "/services": ["get"],
    "/teams": ["get"],
    "/abilities": ["get"],
    "/escalation_policies": ["get"],
}


def refs(node, found):
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/"):
            found.add(ref)
        for value in node.values():
            refs(value, found)
    elif isinstance(node, list):
        for value in node:
            refs(value, found)


def main():
    full = json.load(open(sys.argv[1]))
    out = {k: full[k] for k in ("openapi", "info", "security", "servers") if k in full}
    out["paths"] = {}
    for path, methods in OPERATIONS.items():
        item = full["paths"][path]
        out["paths"][path] = {m: item[m] for m in methods}
        for shared in ("parameters",):
            if shared in item:
                out["paths"][path][shared] = item[shared]
    components = {"securitySchemes": full["components"]["securitySchemes"]}
    seen, todo = set(), set()
    refs(out["paths"], todo)
    while todo:
        ref = todo.pop()
        if ref in seen:
            continue
        seen.add(ref)
        # A pointer may go deeper than the component ("#/components/schemas/Tag/allOf/0"):
        # keep the whole component.
        section, name = ref.split("/")[2:4]
        value = full["components"][section][name]
        components.setdefault(section, {})[name] = value
        refs(value, todo)
    out["components"] = components
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
