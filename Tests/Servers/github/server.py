#!/usr/bin/env python3
"""A GitHub REST API test server for the calls Vigil makes (workflow runs, an organisation's
repositories, the rate limit) that keeps state like GitHub and refuses every request the API
document does not allow.

    server.py --port PORT [--spec github-openapi.json]

Every API request is checked with openapi-core against `github-openapi.json` (the operations
Vigil calls, trimmed from GitHub's OpenAPI description as ../shared/specs/github-actions-runs.md
extracts it), plus what the documentation says in words: `Accept: application/vnd.github+json`,
`X-GitHub-Api-Version` one of the versions GitHub serves (else 400, as GitHub answers), no query
parameter the operation does not define, `created` in GitHub's search date syntax. A request that
breaks a rule is answered 422 and recorded; tests read `/-/violations` and fail on any.

Behaviour, as documented:
- Pages: `per_page` (default 30, at most 100) and `page`; a `link` header with next, last, prev
  and first (left out when there is one page); `total_count` in the body.
- The 1,000 cap: with any of actor, branch, check_suite_id, created, event, head_sha or status,
  only the first 1,000 matching runs are listed (later pages are empty); `total_count` still says
  how many matched.
- Runs newest first. A re-run keeps the run's id and position, raises `run_attempt`, and goes
  back to `in_progress` until it completes (`/-/runs/update`).
- ETags: every 200 carries a weak `ETag` of its body; a request whose `If-None-Match` names the
  current one gets 304 with no body, and is not charged against the quota.
- Rate limit per token (unauthenticated: per client, 60 an hour): `x-ratelimit-limit`,
  `-remaining`, `-used`, `-reset` (epoch seconds) and `-resource: core` on every answer, 304s
  included; over the limit, 403 "API rate limit exceeded" with remaining 0. `/rate_limit` is not
  charged. A secondary limit can be set off (`/-/secondary`): 403 (or 429) with `retry-after`.
- Tokens: `gh-token` and `gh-other` are valid; any other gets 401 "Bad credentials".
  Repositories marked private are 404 to requests without a token.

Test controls (not GitHub's API), JSON:
  GET  /-/ready
  POST /-/repos          {"repos": [{"full_name": "octo-org/checkout", "archived": false, "private": false}]}
  POST /-/runs           {"repo": "octo-org/checkout", "runs": [{"workflow": "Deploy", "ago": 3600,
                          "duration": 300, "status": "completed", "conclusion": "success",
                          "title": "Deploy checkout v1.2.0 to production", "branch": "main",
                          "message": "Fix the thing", "commit_ago": 7200}]}  -> {"ids": [...]}
  POST /-/runs/update    {"id": 5, "rerun": true} | {"id": 5, "status": "completed", "conclusion": "failure"}
  POST /-/fault          {"status": 500, "count": 1} | {"body": "...", "count": 1} | {"truncate": 100} | {}
  POST /-/rate           {"limit": 5000, "used": 0, "reset_in": 3600}
  POST /-/secondary      {"count": 1, "retry_after": 30, "status": 403}
  POST /-/clock          {"advance": seconds}
  GET  /-/requests       every API request (Authorization redacted) with its status
  GET  /-/violations
  GET  /-/quota          {"used": {token: charged requests}}
"""
import argparse
import datetime
import hashlib
import json
import re
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, __file__.rsplit("/", 2)[0])
import testserver  # noqa: E402

from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

BASE = "https://api.github.com"
ACCEPT = "application/vnd.github+json"
VERSIONS = ("2022-11-28", "2026-03-10")
TOKENS = ("gh-token", "gh-other")
CAPPED = ("actor", "branch", "check_suite_id", "created", "event", "head_sha", "status")
CAP = 1000
STATUSES = ("queued", "in_progress", "completed", "waiting", "requested", "pending")
CONCLUSIONS = ("success", "failure", "cancelled", "skipped", "timed_out", "action_required", "neutral", "stale")


def iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


DATE = r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:\d{2})?)?"


def parse_point(text, end=False):
    """A date or date-time as epoch seconds; a bare date as its first (or, `end`, last) second."""
    if "T" not in text:
        d = datetime.datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=datetime.timezone.utc).timestamp()
        return d + 86399.999 if end else d
    t = text.replace("Z", "+00:00")
    if re.match(r".*T\d{2}:\d{2}$", t):
        t += ":00+00:00"
    parsed = datetime.datetime.fromisoformat(t)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.timezone.utc)
    return parsed.timestamp()


def created_filter(text):
    """GitHub's search date syntax (`>=D`, `>D`, `<=D`, `<D`, `D..D`, `D..*`, `*..D`, `D`) as a
    predicate; None when it is not that syntax."""
    m = re.fullmatch(rf"(>=|<=|>|<)({DATE})", text)
    if m:
        op, d = m.group(1), m.group(2)
        if op == ">=":
            t = parse_point(d)
            return lambda x: x >= t
        if op == ">":
            t = parse_point(d, end=True)
            return lambda x: x > t
        if op == "<=":
            t = parse_point(d, end=True)
            return lambda x: x <= t
        t = parse_point(d)
        return lambda x: x < t
    m = re.fullmatch(rf"({DATE}|\*)\.\.({DATE}|\*)", text)
    if m:
        a = -1e18 if m.group(1) == "*" else parse_point(m.group(1))
        b = 1e18 if m.group(2) == "*" else parse_point(m.group(2), end=True)
        return lambda x: a <= x <= b
    if re.fullmatch(DATE, text):
        a, b = parse_point(text), parse_point(text, end=True)
        return lambda x: a <= x <= b
    return None


class Refused(Exception):
    def __init__(self, status, message, extra=None, headers=None):
        super().__init__(message)
        self.status, self.message, self.extra, self.headers = status, message, extra or {}, headers or {}

    def body(self):
        return {"message": self.message, "documentation_url": "https://docs.github.com/rest", **self.extra}


class State:
    def __init__(self, spec_path):
        self.lock = threading.RLock()
        self.spec = json.load(open(spec_path))
        self.api = OpenAPI.from_dict(self.spec)
        self.offset = 0.0
        self.repos = {}                       # full_name -> {"archived", "private", "id"}
        self.runs = {}                        # id -> run
        self.workflows = {}                   # (repo, name) -> {"id", "name", "path"}
        self.next_id = 30433600
        self.requests, self.violations = [], []
        self.fault, self.secondary = {}, {}
        self.limit_for = {}                   # token -> (limit, used, reset)
        self.default_limit = 5000
        self.charged = {}

    def now(self):
        return time.time() + self.offset

    # -- controls ----------------------------------------------------------------------------

    def add_repo(self, spec):
        name = spec["full_name"]
        self.repos[name] = {"id": len(self.repos) + 1296269, "archived": spec.get("archived", False),
                            "private": spec.get("private", False)}

    def workflow(self, repo, name):
        key = (repo, name)
        if key not in self.workflows:
            file = name if name.endswith((".yml", ".yaml")) else re.sub(r"[^a-z0-9]+", "-", name.lower()) + ".yml"
            title = name if not name.endswith((".yml", ".yaml")) else name.rsplit(".", 1)[0].capitalize()
            self.workflows[key] = {"id": 159000 + len(self.workflows), "name": title,
                                   "path": f".github/workflows/{file}"}
        return self.workflows[key]

    def add_run(self, repo, spec):
        if repo not in self.repos:
            self.add_repo({"full_name": repo})
        now = self.now()
        self.next_id += 1
        wf = self.workflow(repo, spec.get("workflow", "CI"))
        created = now - spec.get("ago", 0)
        status = spec.get("status", "completed")
        assert status in STATUSES, status
        conclusion = spec.get("conclusion", "success" if status == "completed" else None)
        assert conclusion is None or conclusion in CONCLUSIONS, conclusion
        sha = hashlib.sha1(f"{repo}{self.next_id}".encode()).hexdigest()
        run = {"id": self.next_id, "repo": repo, "workflow": wf, "title": spec.get("title", wf["name"]),
               "branch": spec.get("branch", "main"), "sha": sha, "event": spec.get("event", "push"),
               "status": status, "conclusion": conclusion if status == "completed" else None,
               "created": created, "started": created + spec.get("queued", 5),
               "updated": created + spec.get("queued", 5) + (spec.get("duration", 300) if status == "completed" else 0),
               "attempt": 1, "message": spec.get("message", "Update README.md"),
               "commit": created - spec.get("commit_ago", 600),
               "number": sum(1 for r in self.runs.values() if r["repo"] == repo and r["workflow"] is wf) + 1}
        self.runs[run["id"]] = run
        return run["id"]

    def update_run(self, spec):
        run = self.runs[spec["id"]]
        now = self.now()
        if spec.get("rerun"):
            run.update(attempt=run["attempt"] + 1, status="in_progress", conclusion=None, started=now, updated=now)
        if "status" in spec:
            assert spec["status"] in STATUSES
            run["status"] = spec["status"]
            run["conclusion"] = spec.get("conclusion") if spec["status"] == "completed" else None
            run["updated"] = now

    def run_json(self, r):
        owner, name = r["repo"].split("/")
        url = f"{BASE}/repos/{r['repo']}/actions/runs/{r['id']}"
        repo = {"id": self.repos[r["repo"]]["id"], "name": name, "full_name": r["repo"],
                "owner": {"login": owner, "id": 1, "type": "Organization"}}
        return {
            "id": r["id"], "name": r["workflow"]["name"], "node_id": f"WFR_{r['id']}", "check_suite_id": r["id"] + 7,
            "head_branch": r["branch"], "head_sha": r["sha"], "path": r["workflow"]["path"] + "@refs/heads/main",
            "run_number": r["number"], "event": r["event"], "display_title": r["title"], "status": r["status"],
            "conclusion": r["conclusion"], "workflow_id": r["workflow"]["id"], "url": url,
            "html_url": f"https://github.com/{r['repo']}/actions/runs/{r['id']}", "pull_requests": [],
            "created_at": iso(r["created"]), "updated_at": iso(r["updated"]),
            "actor": {"login": "octocat", "id": 1, "type": "User", "site_admin": False},
            "run_attempt": r["attempt"], "run_started_at": iso(r["started"]),
            "triggering_actor": {"login": "octocat", "id": 1},
            "jobs_url": url + "/jobs", "logs_url": url + "/logs", "cancel_url": url + "/cancel", "rerun_url": url + "/rerun",
            "workflow_url": f"{BASE}/repos/{r['repo']}/actions/workflows/{r['workflow']['id']}",
            "head_commit": {"id": r["sha"], "tree_id": r["sha"][::-1], "message": r["message"],
                            "timestamp": iso(r["commit"]),
                            "author": {"name": "Octo Cat", "email": "octocat@github.com"}},
            "repository": repo, "head_repository": repo,
        }

    # -- validation --------------------------------------------------------------------------

    def template(self, path):
        parts = path.strip("/").split("/")
        for template in self.spec["paths"]:
            t = template.strip("/").split("/")
            if len(t) == len(parts) and all(a == b or a.startswith("{") for a, b in zip(t, parts)):
                return template
        return None

    def validate(self, method, path, query, headers):
        problems = []
        template = self.template(path)
        if template is None or method.lower() not in self.spec["paths"][template]:
            return [f"{method} {path} is not an operation of the document"]
        sent = {k: v for k, v in headers.items() if k.lower() not in ("host", "content-length")}
        builder = EnvironBuilder(method=method, base_url=BASE, path=path, query_string=query, headers=sent)
        try:
            self.api.validate_request(WerkzeugOpenAPIRequest(Request(builder.get_environ())))
        except Exception as e:
            cause = e.__cause__
            problems.append(f"{type(e).__name__}: {e}" + (f" ({cause})" if cause else ""))
        h = {k.lower(): v for k, v in headers.items()}
        if h.get("accept") != ACCEPT:
            problems.append(f"Accept should be {ACCEPT}, was {h.get('accept')!r}")
        op = self.spec["paths"][template][method.lower()]
        allowed = {p["name"] for p in op["parameters"] if p["in"] == "query"}
        q = urllib.parse.parse_qs(query, keep_blank_values=True)
        for name, values in q.items():
            if name not in allowed:
                problems.append(f"query parameter {name!r} is not defined for {method} {template}")
            if len(values) > 1:
                problems.append(f"query parameter {name!r} given {len(values)} times")
        if "created" in q and created_filter(q["created"][0]) is None:
            problems.append(f"created={q['created'][0]!r} is not GitHub's search date syntax (e.g. >=2026-11-19 "
                            f"or 2026-11-19..2026-11-26)")
        return problems

    # -- rate limit --------------------------------------------------------------------------

    def quota(self, who, charge):
        now = self.now()
        limit, used, reset = self.limit_for.get(who, (self.default_limit if who.startswith("token:") else 60, 0,
                                                      now + 3600))
        if now >= reset:
            used, reset = 0, now + 3600
        over = used >= limit
        if charge and not over:
            used += 1
            self.charged[who] = self.charged.get(who, 0) + 1
        self.limit_for[who] = (limit, used, reset)
        return over, {"x-ratelimit-limit": str(limit), "x-ratelimit-remaining": str(max(0, limit - used)),
                      "x-ratelimit-used": str(used), "x-ratelimit-reset": str(int(reset)), "x-ratelimit-resource": "core"}

    # -- the API -----------------------------------------------------------------------------

    def handle(self, method, path, query, headers, client):
        """(status, body or None for 304, headers)."""
        h = {k.lower(): v for k, v in headers.items()}
        auth = h.get("authorization", "")
        token = None
        if auth:
            m = re.fullmatch(r"(?:Bearer|token) (\S+)", auth)
            token = m.group(1) if m else ""
            if token not in TOKENS:
                raise Refused(401, "Bad credentials")
        who = f"token:{token}" if token else f"ip:{client}"
        version = h.get("x-github-api-version")
        if version is not None and version not in VERSIONS:
            raise Refused(400, f"API version {version} is not supported.")
        if path == "/rate_limit":
            _, rate = self.quota(who, charge=False)
            core = {"limit": int(rate["x-ratelimit-limit"]), "remaining": int(rate["x-ratelimit-remaining"]),
                    "used": int(rate["x-ratelimit-used"]), "reset": int(rate["x-ratelimit-reset"])}
            return 200, {"resources": {"core": core}, "rate": core}, rate
        if self.secondary.get("count", 0) > 0:
            self.secondary["count"] -= 1
            _, rate = self.quota(who, charge=False)
            raise Refused(self.secondary.get("status", 403), "You have exceeded a secondary rate limit. Please wait a "
                          "few minutes before you try again.", headers={**rate, "retry-after": str(self.secondary.get(
                              "retry_after", 60))})
        over, rate = self.quota(who, charge=False)
        if over:
            raise Refused(403, "API rate limit exceeded for user ID 1.", headers=rate)
        try:
            body, link = self.read(path, urllib.parse.parse_qs(query), token)
        except Refused as e:
            _, e.headers = self.quota(who, charge=True)
            raise
        text = json.dumps(body, separators=(",", ":")).encode()
        etag = 'W/"' + hashlib.sha256(text).hexdigest()[:40] + '"'
        if h.get("if-none-match") == etag:
            _, rate = self.quota(who, charge=False)
            return 304, None, {**rate, "ETag": etag}
        _, rate = self.quota(who, charge=True)
        extra = {**rate, "ETag": etag, "Cache-Control": "private, max-age=60, s-maxage=60"}
        if link:
            extra["Link"] = link
        return 200, text, extra

    def repo_or_404(self, full, token):
        r = self.repos.get(full)
        if r is None or (r["private"] and not token):
            raise Refused(404, "Not Found")
        return r

    def paged(self, items, q, path, query_items):
        per_page = int(q.get("per_page", ["30"])[0])
        page = int(q.get("page", ["1"])[0])
        last = max(1, (len(items) + per_page - 1) // per_page)
        chunk = items[(page - 1) * per_page: page * per_page]
        link = None
        if last > 1:
            def url(n):
                rest = [(k, v) for k, v in query_items if k != "page"] + [("page", str(n))]
                return f"<{self.base}{path}?{urllib.parse.urlencode(rest)}>"
            parts = []
            if page < last:
                parts += [f'{url(page + 1)}; rel="next"', f'{url(last)}; rel="last"']
            if page > 1:
                parts += [f'{url(page - 1)}; rel="prev"', f'{url(1)}; rel="first"']
            link = ", ".join(parts)
        return chunk, link

    def read(self, path, q, token):
        parts = path.strip("/").split("/")
        query_items = [(k, v[0]) for k, v in q.items()]
        if parts[0] == "orgs":
            org = parts[1]
            repos = [(n, r) for n, r in sorted(self.repos.items()) if n.split("/")[0] == org
                     and (token or not r["private"])]
            if not repos:
                raise Refused(404, "Not Found")
            chunk, link = self.paged(repos, q, path, query_items)
            return [{"id": r["id"], "name": n.split("/")[1], "full_name": n, "private": r["private"],
                     "archived": r["archived"], "owner": {"login": org}} for n, r in chunk], link
        full = f"{parts[1]}/{parts[2]}"
        self.repo_or_404(full, token)
        runs = [r for r in self.runs.values() if r["repo"] == full]
        if len(parts) == 7:      # workflows/{id}/runs
            wid = parts[5]
            wf = next((w for (rp, _), w in self.workflows.items() if rp == full and
                       (str(w["id"]) == wid or w["path"].endswith("/" + wid))), None)
            if wf is None:
                raise Refused(404, "Not Found")
            runs = [r for r in runs if r["workflow"] is wf]
        if "created" in q:
            f = created_filter(q["created"][0])
            runs = [r for r in runs if f(r["created"])]
        if "status" in q:
            s = q["status"][0]
            runs = [r for r in runs if r["status"] == s or r["conclusion"] == s]
        if "branch" in q:
            runs = [r for r in runs if r["branch"] == q["branch"][0]]
        if "event" in q:
            runs = [r for r in runs if r["event"] == q["event"][0]]
        if "head_sha" in q:
            runs = [r for r in runs if r["sha"] == q["head_sha"][0]]
        runs.sort(key=lambda r: (r["created"], r["id"]), reverse=True)
        total = len(runs)
        if any(k in q for k in CAPPED):
            runs = runs[:CAP]
        chunk, link = self.paged(runs, q, path, query_items)
        return {"total_count": total, "workflow_runs": [self.run_json(r) for r in chunk]}, link


def make_handler(state):
    class Handler(testserver.Handler):
        def answer(self, status, body, headers=None):
            fault = self.take_fault()
            if "status" in fault:
                status, body = fault["status"], b'{"message":"Server Error"}'
            if "body" in fault:
                status, body = 200, fault["body"].encode()
            self.send_response(status)
            if body is not None:
                self.send_header("Content-Type", "application/json; charset=utf-8")
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            body = body or b""
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if "truncate" in fault:
                self.wfile.write(body[:fault["truncate"]])
                self.close_connection = True
                return
            self.wfile.write(body)

        def do_GET(self):
            url = urllib.parse.urlsplit(self.path)
            headers = {k: v for k, v in self.headers.items()}
            if url.path.startswith("/-/"):
                return self.control("GET", url.path, b"")
            with state.lock:
                state.base = f"http://{self.headers.get('Host', '127.0.0.1')}"
                record = {"method": "GET", "path": url.path, "query": url.query,
                          "headers": {k: ("(redacted)" if k.lower() == "authorization" else v) for k, v in headers.items()}}
                state.requests.append(record)
                problems = state.validate("GET", url.path, url.query, headers)
                if problems:
                    state.violations.append({"method": "GET", "path": url.path, "query": url.query, "problems": problems})
                    record["status"] = 422
                    return self.answer(422, json.dumps(Refused(422, "Validation Failed",
                                                               {"errors": problems}).body()).encode())
                try:
                    status, body, extra = state.handle("GET", url.path, url.query, headers, self.client_address[0])
                except Refused as e:
                    record["status"] = e.status
                    return self.answer(e.status, json.dumps(e.body()).encode(), e.headers)
                record["status"] = status
            self.answer(status, body, extra)

        def do_POST(self):
            url = urllib.parse.urlsplit(self.path)
            body = self.read_body()
            if url.path.startswith("/-/"):
                return self.control("POST", url.path, body)
            self.answer(404, b'{"message":"Not Found"}')

        def control(self, method, path, body):
            payload = json.loads(body or b"{}")

            def ok(obj):
                return self.answer(200, json.dumps(obj).encode())
            with state.lock:
                if path == "/-/ready":
                    return ok({"ready": True})
                if path == "/-/repos":
                    for r in payload["repos"]:
                        state.add_repo(r)
                    return ok({})
                if path == "/-/runs":
                    return ok({"ids": [state.add_run(payload["repo"], r) for r in payload["runs"]]})
                if path == "/-/runs/update":
                    state.update_run(payload)
                    return ok({})
                if path == "/-/fault":
                    state.fault = payload
                    return ok({})
                if path == "/-/rate":
                    for who in list(state.limit_for) + ["token:gh-token", "token:gh-other"]:
                        state.limit_for[who] = (payload.get("limit", 5000), payload.get("used", 0),
                                                state.now() + payload.get("reset_in", 3600))
                    state.default_limit = payload.get("limit", 5000)
                    return ok({})
                if path == "/-/secondary":
                    state.secondary = payload
                    return ok({})
                if path == "/-/clock":
                    state.offset += payload.get("advance", 0)
                    return ok({"now": state.now()})
                if path == "/-/requests":
                    return ok({"requests": state.requests})
                if path == "/-/violations":
                    return ok({"violations": state.violations})
                if path == "/-/quota":
                    return ok({"used": state.charged})
            return self.answer(404, b'{"message":"no such control"}')

    return testserver.handler_for(Handler, state)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--spec", default=__file__.rsplit("/", 1)[0] + "/github-openapi.json")
    args = parser.parse_args()
    state = State(args.spec)
    state.base = f"http://127.0.0.1:{args.port}"
    testserver.serve("github", args.port, make_handler(state))


if __name__ == "__main__":
    main()
