#!/usr/bin/env python3
"""A Jenkins test server for the remote access JSON API calls Vigil makes, keeping jobs, folders,
multibranch projects and builds as Jenkins does, and refusing what Jenkins or its documented
contract would not answer (../shared/specs/jenkins-json-api.md; Jenkins has no OpenAPI document,
and is not packaged for Debian 12 nor on PyPI, so a real one cannot run here).

    server.py --port PORT

As Jenkins:
- Every object at `.../api/json`; jobs nested as `/job/A/job/B/`; every object carries `_class`
  (Folder, WorkflowMultiBranchProject with a WorkflowJob per branch, FreeStyleProject,
  WorkflowJob; FreeStyleBuild, WorkflowRun).
- `tree=` filters the answer server-side, with range specifiers on arrays: `{M,N}` (M inclusive,
  N exclusive), `{M,}`, `{,N}`, `{N}`. Unknown names in the tree are left out silently, as Jenkins
  does. A tree that does not parse is 400.
- `builds` is the newest 100 builds only (Job.getNewBuilds); `allBuilds` is every build, and only
  when named in `tree=`.
- A build: number, result (SUCCESS, FAILURE, UNSTABLE, ABORTED, NOT_BUILT, or null while
  building), building, timestamp (ms, start), duration (ms, 0 while building),
  estimatedDuration, url, displayName, id, queueId, and `changeSets` (pipelines) or `changeSet`
  (freestyle) with the commits built: items of commitId, timestamp (ms), msg.
- HTTP Basic with a user and API token (`vigil` / `jenkins-token`); a wrong one is 401, none is
  403 (anonymous has no read permission). No rate limit headers (Jenkins core has none).

What Vigil promises on top, recorded as violations (tests read `/-/violations` and fail on any):
every read names a `tree=` (no `depth=`, which returns everything), every `builds`/`allBuilds`
in a tree carries a range, no query parameter but `tree`. A violating request is still answered
400 (so a test sees it at once).

Test controls (JSON):
  GET  /-/ready
  POST /-/jobs           {"jobs": [{"path": "team/deploy-api", "kind": "freestyle"|"pipeline"}]}
                         (folders on the path are made; "multibranch": "team/app" with
                         "branches": ["main", "hotfix/x"] makes a multibranch project)
  POST /-/builds         {"job": "team/deploy-api", "builds": [{"result": "SUCCESS", "ago": 600,
                          "duration": 120, "building": false, "display": "#1 checkout v1.2.0",
                          "commits": [{"msg": "Fix", "ago": 3600}]}]}  -> {"numbers": [...]}
  POST /-/builds/update  {"job": "...", "number": 3, "result": "FAILURE", "duration": 60}
  POST /-/fault          {"status": 500, "count": 1} | {"body": "...", "count": 1} | {"truncate": 50} | {}
  GET  /-/requests, /-/violations
"""
import argparse
import base64
import json
import re
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, __file__.rsplit("/", 2)[0])
import testserver  # noqa: E402

USER, TOKEN = "vigil", "jenkins-token"
FOLDER = "com.cloudbees.hudson.plugins.folder.Folder"
MULTIBRANCH = "org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject"
CLASSES = {"freestyle": ("hudson.model.FreeStyleProject", "hudson.model.FreeStyleBuild"),
           "pipeline": ("org.jenkinsci.plugins.workflow.job.WorkflowJob", "org.jenkinsci.plugins.workflow.job.WorkflowRun")}
RESULTS = ("SUCCESS", "FAILURE", "UNSTABLE", "ABORTED", "NOT_BUILT")


class BadTree(Exception):
    pass


def parse_tree(text):
    """`a,b[c,d]{0,5},e` -> {name: (subtree or None, range or None)}."""
    pos = 0

    def parse_list():
        nonlocal pos
        out = {}
        while True:
            m = re.compile(r"[A-Za-z_][A-Za-z0-9_]*").match(text, pos)
            if not m:
                raise BadTree(f"expected a name at {pos} in {text!r}")
            name = m.group(0)
            pos = m.end()
            sub, rng = None, None
            if pos < len(text) and text[pos] == "[":
                pos += 1
                sub = parse_list()
                if pos >= len(text) or text[pos] != "]":
                    raise BadTree(f"expected ] at {pos} in {text!r}")
                pos += 1
            if pos < len(text) and text[pos] == "{":
                end = text.find("}", pos)
                if end < 0:
                    raise BadTree(f"unclosed range at {pos} in {text!r}")
                spec = text[pos + 1:end]
                m2 = re.fullmatch(r"(\d*)(,?)(\d*)", spec)
                if not m2 or spec == "" or spec == ",":
                    raise BadTree(f"bad range {{{spec}}}")
                a, comma, b = m2.groups()
                if comma:
                    rng = (int(a) if a else 0, int(b) if b else None)
                else:
                    rng = (int(a), int(a) + 1)
                pos = end + 1
            out[name] = (sub, rng)
            if pos < len(text) and text[pos] == ",":
                pos += 1
                continue
            return out

    result = parse_list()
    if pos != len(text):
        raise BadTree(f"unexpected {text[pos]!r} at {pos} in {text!r}")
    return result


def ranges_ok(tree):
    """Every builds/allBuilds carries a range (Vigil's promise)."""
    for name, (sub, rng) in tree.items():
        if name in ("builds", "allBuilds") and rng is None:
            return False
        if sub and not ranges_ok(sub):
            return False
    return True


def apply(obj, tree):
    if isinstance(obj, list):
        return [apply(x, tree) for x in obj]
    if not isinstance(obj, dict):
        return obj
    out = {"_class": obj["_class"]} if "_class" in obj else {}
    for name, (sub, rng) in tree.items():
        if name not in obj:
            continue
        value = obj[name]
        if isinstance(value, list) and rng is not None:
            a, b = rng
            value = value[a:b]
        out[name] = apply(value, sub) if sub else value
    return out


class State:
    def __init__(self):
        self.lock = threading.RLock()
        self.root = {"kind": "root", "children": {}}
        self.requests, self.violations = [], []
        self.fault = {}
        self.base = ""

    def now_ms(self):
        return int(time.time() * 1000)

    def node(self, path, make=None):
        node = self.root
        parts = [p for p in path.split("/") if p]
        for i, p in enumerate(parts):
            if p not in node["children"]:
                if make is None:
                    return None
                last = i == len(parts) - 1
                node["children"][p] = ({"kind": make, "children": {}, "builds": []} if last
                                       else {"kind": "folder", "children": {}})
            node = node["children"][p]
        return node

    def add_job(self, spec):
        if "multibranch" in spec:
            mb = self.node(spec["multibranch"], make="multibranch")
            mb["kind"] = "multibranch"
            for b in spec.get("branches", []):
                mb["children"][b] = {"kind": "pipeline", "children": {}, "builds": []}
            return
        self.node(spec["path"], make=spec.get("kind", "freestyle"))

    def add_builds(self, job, specs):
        node = self.node(job)
        if node is None or "builds" not in node:
            raise KeyError(job)
        numbers = []
        for s in specs:
            n = (node["builds"][0]["number"] if node["builds"] else 0) + 1
            start = self.now_ms() - int(s.get("ago", 0) * 1000)
            building = s.get("building", False)
            result = None if building else s.get("result", "SUCCESS")
            assert result is None or result in RESULTS
            build = {"number": n, "id": str(n), "result": result, "building": building, "timestamp": start,
                     "duration": 0 if building else int(s.get("duration", 60) * 1000),
                     "estimatedDuration": 60000, "displayName": s.get("display", f"#{n}"), "queueId": 1000 + n,
                     "commits": [{"commitId": f"{n:04x}" * 10, "timestamp": self.now_ms() - int(c.get("ago", 0) * 1000),
                                  "msg": c.get("msg", "Change")} for c in s.get("commits", [])]}
            node["builds"].insert(0, build)
            numbers.append(n)
        return numbers

    def update_build(self, spec):
        node = self.node(spec["job"])
        b = next(b for b in node["builds"] if b["number"] == spec["number"])
        b["building"] = False
        b["result"] = spec.get("result", "SUCCESS")
        b["duration"] = int(spec.get("duration", 60) * 1000)

    def url(self, parts):
        return self.base + "/" + "".join(f"job/{urllib.parse.quote(p)}/" for p in parts)

    def build_json(self, node, parts, b):
        cls = CLASSES[node["kind"]][1]
        items = [{"_class": "hudson.plugins.git.GitChangeSet", **c} for c in b["commits"]]
        out = {"_class": cls, **{k: v for k, v in b.items() if k != "commits"},
               "url": self.url(parts) + f"{b['number']}/"}
        kind = "hudson.plugins.git.GitChangeSetList"
        if node["kind"] == "pipeline":
            out["changeSets"] = [{"_class": kind, "kind": "git", "items": items}] if items else []
        else:
            out["changeSet"] = {"_class": kind, "kind": "git", "items": items}
        return out

    def object_json(self, node, parts):
        name = parts[-1] if parts else None
        if node["kind"] in ("root", "folder", "multibranch"):
            cls = {"root": "hudson.model.Hudson", "folder": FOLDER, "multibranch": MULTIBRANCH}[node["kind"]]
            out = {"_class": cls, "jobs": [self.object_json(c, parts + [n]) for n, c in node["children"].items()]}
            if name:
                out.update(name=name, fullName="/".join(parts), url=self.url(parts))
            return out
        builds = [self.build_json(node, parts, b) for b in node["builds"]]
        return {"_class": CLASSES[node["kind"]][0], "name": name, "fullName": "/".join(parts), "url": self.url(parts),
                "color": "blue", "builds": builds[:100], "allBuilds": builds,
                "lastBuild": builds[0] if builds else None}

    def read(self, path):
        m = re.fullmatch(r"/((?:job/[^/]+/)*)api/json", path)
        if not m:
            return None
        segments = m.group(1).strip("/").split("/") if m.group(1) else []
        parts = [urllib.parse.unquote(p) for p in segments[1::2]]      # job/A/job/B -> [A, B]
        node = self.root
        for p in parts:
            node = node["children"].get(p) if node.get("children") is not None else None
            if node is None:
                return None
        return self.object_json(node, parts)


def make_handler(state):
    class Handler(testserver.Handler):
        def answer(self, status, body, ctype="application/json;charset=utf-8", headers=None):
            fault = self.take_fault()
            if "status" in fault:
                status, body, ctype = fault["status"], b"<html><body>Error</body></html>", "text/html"
            if "body" in fault:
                status, body = 200, fault["body"].encode()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("X-Jenkins", "2.479.1")
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if "truncate" in fault:
                self.wfile.write(body[:fault["truncate"]])
                self.close_connection = True
                return
            self.wfile.write(body)

        def do_GET(self):
            url = urllib.parse.urlsplit(self.path)
            if url.path.startswith("/-/"):
                return self.control("GET", url.path, b"")
            with state.lock:
                state.base = f"http://{self.headers.get('Host', '127.0.0.1')}"
                record = {"method": "GET", "path": url.path, "query": url.query}
                state.requests.append(record)
                auth = self.headers.get("Authorization", "")
                if not auth:
                    record["status"] = 403
                    return self.answer(403, b"<html>Authentication required</html>", "text/html")
                try:
                    user, _, token = base64.b64decode(auth.split(" ", 1)[1]).decode().partition(":")
                    valid = auth.startswith("Basic ") and user == USER and token == TOKEN
                except Exception:
                    valid = False
                if not valid:
                    record["status"] = 401
                    return self.answer(401, b"<html>Invalid password/token for user</html>", "text/html",
                                       {"WWW-Authenticate": 'Basic realm="Jenkins"'})
                q = urllib.parse.parse_qs(url.query, keep_blank_values=True)
                problems = [f"query parameter {k!r} is not one Vigil sends (only tree=)" for k in q if k != "tree"]
                if "tree" not in q:
                    problems.append("no tree=: the answer would hold every field (the documentation: use tree=)")
                tree = None
                if "tree" in q:
                    try:
                        tree = parse_tree(q["tree"][0])
                        if not ranges_ok(tree):
                            problems.append("builds/allBuilds in tree= without a range {M,N}")
                    except BadTree as e:
                        record["status"] = 400
                        state.violations.append({"path": url.path, "query": url.query, "problems": [str(e)]})
                        return self.answer(400, f"<html>Bad tree: {e}</html>".encode(), "text/html")
                if problems:
                    state.violations.append({"path": url.path, "query": url.query, "problems": problems})
                    record["status"] = 400
                    return self.answer(400, json.dumps({"problems": problems}).encode())
                obj = state.read(url.path)
                if obj is None:
                    record["status"] = 404
                    return self.answer(404, b"<html>Not Found</html>", "text/html")
                record["status"] = 200
                body = json.dumps(apply(obj, tree)).encode()
            self.answer(200, body)

        def do_POST(self):
            url = urllib.parse.urlsplit(self.path)
            body = self.read_body()
            if url.path.startswith("/-/"):
                return self.control("POST", url.path, body)
            self.answer(403, b"<html>No valid crumb</html>", "text/html")

        def control(self, method, path, body):
            payload = json.loads(body or b"{}")

            def ok(obj):
                return self.answer(200, json.dumps(obj).encode())
            with state.lock:
                if path == "/-/ready":
                    return ok({"ready": True})
                if path == "/-/jobs":
                    for j in payload["jobs"]:
                        state.add_job(j)
                    return ok({})
                if path == "/-/builds":
                    return ok({"numbers": state.add_builds(payload["job"], payload["builds"])})
                if path == "/-/builds/update":
                    state.update_build(payload)
                    return ok({})
                if path == "/-/fault":
                    state.fault = payload
                    return ok({})
                if path == "/-/requests":
                    return ok({"requests": state.requests})
                if path == "/-/violations":
                    return ok({"violations": state.violations})
            return self.answer(404, b'{"message":"no such control"}')

    return testserver.handler_for(Handler, state)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    state = State()
    testserver.serve("jenkins", args.port, make_handler(state))


if __name__ == "__main__":
    main()
