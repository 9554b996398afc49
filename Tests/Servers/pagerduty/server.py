#!/usr/bin/env python3
"""A PagerDuty REST API v2 test server that keeps state like the real service and refuses every
request PagerDuty's OpenAPI document does not allow.

    server.py --port PORT [--spec pagerduty-openapi.json]

Every request under the API is checked with openapi-core against the document (parameters,
headers, bodies, the `Token token=` scheme), plus what the document says in words and its
schema cannot: `Accept: application/vnd.pagerduty+json;version=2` exactly, no query parameter
the operation does not define, `limit` at most 100 and `offset + limit` at most 10,000. A request
that breaks a rule is answered 400 with PagerDuty's error shape and recorded as a violation;
tests read the violations at `/-/violations` and fail when there is one.

State: users, services, escalation policies (with levels of users), incidents with their
assignments, acknowledgements, notes and log entries. An acknowledgement, resolve, snooze, note,
reassignment or escalation shows on the next read, as at PagerDuty. API keys are read-only or
full access; writes need a `From` header naming a user of the account.

Rate limit: per API key, `limit` requests per window (default 960 a minute); every answer
carries `ratelimit-limit`, `ratelimit-remaining` and `ratelimit-reset` (seconds), and a request
over the limit gets 429. The window runs on a clock tests can move (`/-/clock`).

Test controls (not PagerDuty's API, not validated), all JSON:
  GET  /-/ready                      200 when serving
  POST /-/incidents                  create incidents: {"incidents": [{...}]} (see `create_incident`)
  POST /-/fault                      next answers: {"status": 500, "count": 1} | {"body": "...",
                                     "count": 1} | {"truncate": 100} | {"huge": bytes} | {} (clear)
  POST /-/rate                       {"limit": 960, "window": 60}
  POST /-/clock                      {"advance": seconds} or {"now": epoch}
  GET  /-/requests                   every request: method, path, query, headers (Authorization redacted)
  GET  /-/violations                 requests the document does not allow
  GET  /-/state                      incidents as stored
  GET  /-/events                     every Events API v2 event received, as sent

Events API v2 (what Alertmanager's PagerDuty receiver sends): `POST /v2/enqueue` with a JSON event
checked as PagerDuty's Events API v2 document describes it (`routing_key` of 32 characters naming
a service's integration, `event_action` trigger|acknowledge|resolve, `dedup_key` at most 255
characters and required to acknowledge or resolve, a trigger's `payload` with `summary` (at most
1,024 characters), `source` and `severity` critical|error|warning|info); a bad event gets 400
`invalid event` with the errors, and counts as a violation. A trigger opens an incident whose
`incident_key` is the dedup key (or joins the open one with that key); acknowledge and resolve act
on the open incident with that key. Each service's integration key is its id in lower case padded
with zeros to 32 characters (`psvc0010000000000000000000000000` for PSVC001).
"""
import argparse
import datetime
import json
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

ACCEPT = "application/vnd.pagerduty+json;version=2"
BASE = "https://api.pagerduty.com"
MAX_WINDOW = 10_000


def iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text):
    text = text.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    return datetime.datetime.fromisoformat(text).timestamp()


class Refused(Exception):
    """An answer other than 2xx, in PagerDuty's error shape."""

    def __init__(self, status, message, code, errors=None):
        super().__init__(message)
        self.status, self.message, self.code, self.errors = status, message, code, errors or []
        self.headers = {}

    def body(self):
        error = {"message": self.message, "code": self.code}
        if self.errors:
            error["errors"] = self.errors
        return {"error": error}


class State:
    def __init__(self, spec_path):
        self.lock = threading.RLock()
        self.spec = json.load(open(spec_path))
        # One correction to the document, from the document itself: its references (`Tag`'s first
        # part, which `Reference` and `UserReference` build on) mark `id` and `type` read-only,
        # yet they are required, and the document's own request example for PUT /incidents
        # reassigns with `{"assignee": {"id": "PXPGF42", "type": "user_reference"}}`. Validated as
        # written, no reassignment could ever be sent; so those two are writable here, and
        # nothing else is changed.
        tag = json.loads(json.dumps(self.spec))["components"]["schemas"]["Tag"]["allOf"][0]["properties"]
        for name in ("id", "type"):
            tag[name].pop("readOnly", None)
        patched = json.loads(json.dumps(self.spec))
        patched["components"]["schemas"]["Tag"]["allOf"][0]["properties"] = tag
        self.api = OpenAPI.from_dict(patched)
        self.offset = 0.0                     # seconds added to the wall clock
        self.requests = []
        self.violations = []
        self.fault = {}
        self.rate_limit, self.rate_window = 960, 60
        self.windows = {}                     # key -> (window start, count)
        self.keys = {"full-key": True, "read-key": False}
        self.users = [
            {"id": "PUSER01", "name": "Aisha Okafor", "email": "aisha@example.com"},
            {"id": "PUSER02", "name": "Ben Lindqvist", "email": "ben@example.com"},
            {"id": "PUSER03", "name": "Chen Wei", "email": "chen@example.com"},
            {"id": "PUSER04", "name": "Dana Ruiz", "email": "dana@example.com"},
        ]
        self.services = [
            {"id": "PSVC001", "name": "checkout-api", "escalation_policy": "PPOL001", "team": "PTEAM01"},
            {"id": "PSVC002", "name": "payments", "escalation_policy": "PPOL001", "team": "PTEAM01"},
            {"id": "PSVC003", "name": "search", "escalation_policy": "PPOL002", "team": "PTEAM02"},
        ]
        self.teams = [{"id": "PTEAM01", "name": "Checkout"}, {"id": "PTEAM02", "name": "Discovery"}]
        self.policies = [
            # "later": on the first level from tomorrow's shift only (a rota someone joins).
            {"id": "PPOL001", "name": "Checkout on-call", "levels": [["PUSER01"], ["PUSER02"], ["PUSER03"]],
             "later": ["PUSER04"]},
            {"id": "PPOL002", "name": "Search on-call", "levels": [["PUSER03"], ["PUSER02"]]},
        ]
        self.incidents = []                   # newest last
        self.events = []                      # Events API v2 events received
        self.logs = []
        self.next_number = 1000

    def now(self):
        return time.time() + self.offset

    # -- lookups -----------------------------------------------------------------------------

    def user(self, id=None, email=None):
        for u in self.users:
            if (id and u["id"] == id) or (email and u["email"].lower() == email.lower()):
                return u
        return None

    def service(self, id):
        return next((s for s in self.services if s["id"] == id), None)

    def policy(self, id):
        return next((p for p in self.policies if p["id"] == id), None)

    def incident(self, id):
        for i in self.incidents:
            if i["id"] == id:
                return i
        raise Refused(404, "Not Found", 2100, [f"Incident {id} not found"])

    # -- shapes ------------------------------------------------------------------------------

    def ref(self, kind, obj, name_key="name"):
        return {"id": obj["id"], "type": f"{kind}_reference", "summary": obj[name_key],
                "self": f"{BASE}/{kind}s/{obj['id']}", "html_url": f"https://example.pagerduty.com/{kind}s/{obj['id']}"}

    def incident_json(self, i):
        service = self.service(i["service"])
        policy = self.policy(service["escalation_policy"])
        out = {
            "id": i["id"], "type": "incident", "summary": f"[#{i['number']}] {i['title']}",
            "self": f"{BASE}/incidents/{i['id']}", "html_url": f"https://example.pagerduty.com/incidents/{i['id']}",
            "incident_number": i["number"], "title": i["title"], "created_at": iso(i["created"]),
            "updated_at": iso(i["updated"]), "status": i["status"], "incident_key": i.get("key"),
            "service": self.ref("service", service), "escalation_policy": self.ref("escalation_policy", policy),
            "teams": [self.ref("team", next(t for t in self.teams if t["id"] == service["team"]))],
            "urgency": i["urgency"], "last_status_change_at": iso(i["updated"]),
            "assignments": [{"at": iso(i["updated"]), "assignee": self.ref("user", self.user(id=u))}
                            for u in i["assignees"]] if i["status"] != "resolved" else [],
            "acknowledgements": [{"at": iso(a["at"]), "acknowledger": self.ref("user", self.user(id=a["by"]))}
                                 for a in i["acks"]] if i["status"] == "acknowledged" else [],
            "escalation_level": i["level"] + 1,
            "priority": {"id": "PPRI" + i["priority"], "type": "priority", "summary": i["priority"],
                         "name": i["priority"]} if i.get("priority") else None,
        }
        if i["status"] == "resolved":
            out["resolved_at"] = iso(i["resolved"])
        return out

    def log(self, i, kind, at, agent=None, extra=None):
        entry = {"id": f"PLOG{len(self.logs) + 1:05d}", "type": f"{kind}_log_entry", "created_at": iso(at),
                 "summary": f"{kind.capitalize()} by {self.user(id=agent)['name'] if agent else 'the service'}",
                 "incident": {"id": i["id"], "type": "incident_reference", "summary": i["title"]},
                 "agent": self.ref("user", self.user(id=agent)) if agent else
                 {"id": i["service"], "type": "service_reference", "summary": self.service(i["service"])["name"]},
                 "_at": at}
        if extra:
            entry.update(extra)
        self.logs.append(entry)

    # -- test controls -----------------------------------------------------------------------

    def create_incident(self, spec):
        """{"id"?, "title", "service": "PSVC001", "status"?: triggered|acknowledged|resolved,
        "urgency"?, "priority"?: "P1", "created"?: epoch or seconds ago as negative, "acked_by"?,
        "acked"?, "resolved"?, "key"?}"""
        now = self.now()
        created = spec.get("created", now)
        if created < 0:
            created = now + created
        self.next_number += 1
        service = self.service(spec.get("service", "PSVC001"))
        policy = self.policy(service["escalation_policy"])
        i = {"id": spec.get("id", f"PINC{self.next_number}"), "number": self.next_number, "title": spec["title"],
             "service": service["id"], "status": "triggered", "urgency": spec.get("urgency", "high"),
             "priority": spec.get("priority"), "key": spec.get("key"), "created": created, "updated": created,
             "assignees": list(policy["levels"][0]), "acks": [], "level": 0, "notes": [], "resolved": None,
             "snoozed_until": None}
        self.incidents.append(i)
        self.log(i, "trigger", created)
        status = spec.get("status", "triggered")
        if status in ("acknowledged", "resolved") and spec.get("acked_by"):
            at = spec.get("acked", created + 60)
            at = now + at if at < 0 else at
            by = self.user(email=spec["acked_by"])["id"]
            i["acks"].append({"at": at, "by": by})
            i["status"], i["updated"] = "acknowledged", at
            self.log(i, "acknowledge", at, by)
        if status == "resolved":
            at = spec.get("resolved", created + 600)
            at = now + at if at < 0 else at
            i["status"], i["resolved"], i["updated"] = "resolved", at, at
            self.log(i, "resolve", at, i["acks"][0]["by"] if i["acks"] else None)
        return i

    # -- Events API v2 -------------------------------------------------------------------------

    def integration(self, routing_key):
        return next((s for s in self.services if f"{s['id'].lower():0<32}" == routing_key), None)

    def enqueue(self, body):
        """One Events API v2 event: (status, answer)."""
        try:
            event = json.loads(body)
        except ValueError:
            return 400, {"status": "invalid event", "message": "Event object is invalid",
                         "errors": ["Request body is not valid JSON"]}
        errors = []
        if not isinstance(event, dict):
            return 400, {"status": "invalid event", "message": "Event object is invalid",
                         "errors": ["Event must be a JSON object"]}
        known = {"routing_key", "event_action", "dedup_key", "payload", "images", "links", "client", "client_url"}
        errors += [f"Unknown field '{k}'" for k in event if k not in known]
        key = event.get("routing_key")
        if not isinstance(key, str) or len(key) != 32:
            errors.append("'routing_key' is invalid (must be 32 characters)")
        action = event.get("event_action")
        if action not in ("trigger", "acknowledge", "resolve"):
            errors.append("'event_action' is invalid (must be one of trigger, acknowledge, resolve)")
        dedup = event.get("dedup_key")
        if dedup is not None and (not isinstance(dedup, str) or len(dedup) > 255):
            errors.append("'dedup_key' is invalid (a string of at most 255 characters)")
        if action in ("acknowledge", "resolve") and not dedup:
            errors.append("'dedup_key' is required to acknowledge or resolve")
        payload = event.get("payload")
        if action == "trigger":
            if not isinstance(payload, dict):
                errors.append("'payload' is missing or invalid")
            else:
                ok = {"summary", "source", "severity", "timestamp", "component", "group", "class", "custom_details"}
                errors += [f"Unknown field 'payload.{k}'" for k in payload if k not in ok]
                summary = payload.get("summary")
                if not isinstance(summary, str) or not summary or len(summary) > 1024:
                    errors.append("'payload.summary' is missing or longer than 1024 characters")
                if not isinstance(payload.get("source"), str) or not payload.get("source"):
                    errors.append("'payload.source' is missing")
                if payload.get("severity") not in ("critical", "error", "warning", "info"):
                    errors.append("'payload.severity' is invalid (critical, error, warning or info)")
        service = self.integration(key) if isinstance(key, str) else None
        if not errors and service is None:
            errors.append("'routing_key' names no integration of this account")
        self.events.append(event if isinstance(event, dict) else {"raw": body.decode("utf-8", "replace")})
        if errors:
            self.violations.append({"method": "POST", "path": "/v2/enqueue", "query": "", "problems": errors})
            return 400, {"status": "invalid event", "message": "Event object is invalid", "errors": errors}
        now = self.now()
        open_one = next((i for i in self.incidents if dedup and i.get("key") == dedup
                         and i["service"] == service["id"] and i["status"] != "resolved"), None)
        if action == "trigger":
            if open_one is None:
                dedup = dedup or f"{int(now * 1000):x}{len(self.incidents)}"
                severity = payload["severity"]
                self.create_incident({"title": payload["summary"], "service": service["id"], "key": dedup,
                                      "urgency": "high" if severity in ("critical", "error") else "low"})
        elif open_one is not None and action == "acknowledge" and open_one["status"] == "triggered":
            open_one["status"], open_one["updated"] = "acknowledged", now
            self.log(open_one, "acknowledge", now)
        elif open_one is not None and action == "resolve":
            open_one["status"], open_one["resolved"], open_one["updated"] = "resolved", now, now
            self.log(open_one, "resolve", now)
        return 202, {"status": "success", "message": "Event processed", "dedup_key": dedup}

    # -- the API -----------------------------------------------------------------------------

    def validate(self, method, path, query, headers, body):
        problems = []
        # Validated as if sent to api.pagerduty.com (the document's server), whatever Host said.
        sent = {k: v for k, v in headers.items() if k.lower() not in ("host", "content-length")}
        builder = EnvironBuilder(method=method, base_url=BASE, path=path, query_string=query,
                                 headers=sent, data=body)
        try:
            self.api.validate_request(WerkzeugOpenAPIRequest(Request(builder.get_environ())))
        except Exception as e:  # the validator's own words
            cause = e.__cause__
            problems.append(f"{type(e).__name__}: {e}" + (f" ({cause})" if cause else ""))
        accept = next((v for k, v in headers.items() if k.lower() == "accept"), None)
        if accept != ACCEPT:
            problems.append(f"Accept must be {ACCEPT}, was {accept!r}")
        template = self.template(path)
        if template:
            op = self.spec["paths"][template].get(method.lower(), {})
            allowed = set()
            for p in op.get("parameters", []):
                if "$ref" in p:
                    p = self.spec["components"]["parameters"][p["$ref"].split("/")[-1]]
                if p.get("in") == "query":
                    allowed.add(p["name"])
                # OpenAPI tells validators to ignore header parameters named Accept, Content-Type and
                # Authorization; PagerDuty's document declares them anyway, so they are checked here.
                if p.get("in") == "header" and p["name"] == "Content-Type" and p.get("required"):
                    sent_type = next((v for k, v in headers.items() if k.lower() == "content-type"), None)
                    if sent_type not in p["schema"].get("enum", [sent_type]) or sent_type is None:
                        problems.append(f"Content-Type must be application/json, was {sent_type!r}")
            for name in urllib.parse.parse_qs(query, keep_blank_values=True):
                if name not in allowed:
                    problems.append(f"query parameter {name!r} is not defined for {method} {template}")
        return problems

    def template(self, path):
        parts = path.strip("/").split("/")
        for template in self.spec["paths"]:
            t = template.strip("/").split("/")
            if len(t) == len(parts) and all(a == b or a.startswith("{") for a, b in zip(t, parts)):
                return template
        return None

    def rate(self, key):
        now = self.now()
        start, count = self.windows.get(key, (now, 0))
        if now - start >= self.rate_window:
            start, count = now, 0
        count += 1
        self.windows[key] = (start, count)
        reset = max(1, int(start + self.rate_window - now + 0.999))
        headers = {"ratelimit-limit": str(self.rate_limit),
                   "ratelimit-remaining": str(max(0, self.rate_limit - count)),
                   "ratelimit-reset": str(reset)}
        return count > self.rate_limit, headers

    def handle(self, method, path, query, headers, body):
        auth = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
        key = auth[len("Token token="):] if auth.startswith("Token token=") else None
        if key not in self.keys:
            raise Refused(401, "Unauthorized", 2006, ["the API key is not valid for this account"])
        limited, rate_headers = self.rate(key)
        try:
            if limited:
                raise Refused(429, "Rate Limit Exceeded", 2020)
            q = urllib.parse.parse_qs(query, keep_blank_values=True)
            parts = path.strip("/").split("/")
            if method == "GET":
                return self.read(parts, q), rate_headers
            if not self.keys[key]:
                raise Refused(403, "Access Denied", 2010, ["the API key is read-only"])
            from_header = next((v for k, v in headers.items() if k.lower() == "from"), None)
            requester = self.user(email=from_header or "")
            if requester is None:
                raise Refused(400, "Invalid Input Provided", 2001,
                              [f"Requester User Not Found: {from_header} is not a user of this account"])
            payload = json.loads(body or b"{}")
            return self.write(method, parts, payload, requester), rate_headers
        except Refused as e:
            e.headers = rate_headers
            raise

    def page(self, items, q, name, shape=lambda x: x):
        limit = int(q.get("limit", ["25"])[0])
        offset = int(q.get("offset", ["0"])[0])
        if limit > 100 or limit < 1:
            raise Refused(400, "Invalid Input Provided", 2001, ["limit must be between 1 and 100"])
        if offset + limit > MAX_WINDOW:
            raise Refused(400, "Invalid Input Provided", 2001,
                          [f"Offset must be less than {MAX_WINDOW}: offset + limit may not exceed {MAX_WINDOW}"])
        chunk = [shape(x) for x in items[offset:offset + limit]]
        total = len(items) if q.get("total", ["false"])[0] == "true" else None
        return {name: chunk, "limit": limit, "offset": offset, "more": offset + limit < len(items), "total": total}

    def read(self, parts, q):
        now = self.now()
        if parts == ["incidents"]:
            statuses = q.get("statuses[]", ["triggered", "acknowledged", "resolved"])
            services = q.get("service_ids[]")
            teams = q.get("team_ids[]")
            if q.get("date_range") == ["all"]:
                since, until = 0, float("inf")
            else:
                until = parse_time(q["until"][0]) if "until" in q else now
                since = parse_time(q["since"][0]) if "since" in q else until - 30 * 86400
                if until - since > 183 * 86400:
                    raise Refused(400, "Invalid Input Provided", 2001, ["the date range may not exceed 6 months"])
            chosen = [i for i in self.incidents
                      if i["status"] in statuses and since <= i["created"] < until
                      and (not services or i["service"] in services)
                      and (not teams or self.service(i["service"])["team"] in teams)]
            chosen.sort(key=lambda i: i["created"])
            return self.page(chosen, q, "incidents", self.incident_json)
        if len(parts) == 2 and parts[0] == "incidents":
            return {"incident": self.incident_json(self.incident(parts[1]))}
        if len(parts) == 3 and parts[0] == "incidents" and parts[2] == "notes":
            i = self.incident(parts[1])
            return {"notes": [self.note_json(n) for n in i["notes"]]}
        if parts == ["log_entries"] or (len(parts) == 3 and parts[2] == "log_entries"):
            until = parse_time(q["until"][0]) if "until" in q else now
            since = parse_time(q["since"][0]) if "since" in q else until - 30 * 86400
            overview = q.get("is_overview", ["false"])[0] == "true"
            chosen = [e for e in self.logs if since <= e["_at"] < until
                      and (len(parts) == 1 or e["incident"]["id"] == parts[1])
                      and (not overview or e["type"] in ("trigger_log_entry", "acknowledge_log_entry",
                                                          "resolve_log_entry", "escalate_log_entry",
                                                          "annotate_log_entry", "snooze_log_entry"))]
            chosen.sort(key=lambda e: e["_at"], reverse=True)
            shaped = [{k: v for k, v in e.items() if not k.startswith("_")} for e in chosen]
            return self.page(shaped, q, "log_entries")
        if parts == ["oncalls"]:
            # Daily shifts from 06:00 UTC: every level's users today and tomorrow.
            wanted = q.get("escalation_policy_ids[]")
            users = q.get("user_ids[]")
            since = parse_time(q["since"][0]) if "since" in q else now
            until = parse_time(q["until"][0]) if "until" in q else since
            day = now - (now % 86400) + 6 * 3600
            if day > now:
                day -= 86400
            out = []
            for p in self.policies:
                if wanted and p["id"] not in wanted:
                    continue
                rota = [(level, u, (day, day + 86400)) for level, level_users in enumerate(p["levels"])
                        for u in level_users] + [(0, u, (day + 86400,)) for u in p.get("later", [])]
                for level, u, starts in rota:
                    if users and u not in users:
                        continue
                    for start in starts:
                        if start <= until and start + 86400 > since:
                            out.append({"escalation_policy": self.ref("escalation_policy", p),
                                        "escalation_level": level + 1, "user": self.ref("user", self.user(id=u)),
                                        "schedule": None, "start": iso(start), "end": iso(start + 86400)})
                            if q.get("earliest") == ["true"]:
                                break
            return self.page(out, q, "oncalls")
        if parts == ["users", "me"]:
            raise Refused(400, "Invalid Input Provided", 2001, ["/users/me needs a user-level token"])
        if parts == ["users"]:
            return self.page([dict(self.ref("user", u), name=u["name"], email=u["email"], type="user")
                              for u in self.users], q, "users")
        if parts == ["services"]:
            return self.page([dict(self.ref("service", s), name=s["name"], type="service") for s in self.services],
                             q, "services")
        if parts == ["teams"]:
            return self.page([dict(self.ref("team", t), name=t["name"], type="team") for t in self.teams], q, "teams")
        if parts == ["abilities"]:
            return {"abilities": ["teams", "urgencies"]}
        raise Refused(404, "Not Found", 2100)

    def note_json(self, n):
        return {"id": n["id"], "content": n["content"], "created_at": iso(n["at"]),
                "user": self.ref("user", self.user(id=n["by"]))}

    def write(self, method, parts, payload, requester):
        now = self.now()
        if method == "PUT" and len(parts) == 2 and parts[0] == "incidents":
            i = self.incident(parts[1])
            change = payload["incident"]
            if i["status"] == "resolved" and change.get("status") in ("acknowledged", "resolved", None):
                raise Refused(400, "Invalid Input Provided", 2001, ["Incident Already Resolved"])
            if "escalation_level" in change:
                policy = self.policy(self.service(i["service"])["escalation_policy"])
                level = change["escalation_level"] - 1
                if not 0 <= level < len(policy["levels"]):
                    raise Refused(400, "Invalid Input Provided", 2001,
                                  [f"Escalation level must be between 1 and {len(policy['levels'])}"])
                i["level"], i["assignees"], i["status"], i["acks"] = level, list(policy["levels"][level]), "triggered", []
                self.log(i, "escalate", now, requester["id"])
            if "assignments" in change:
                users = [a["assignee"]["id"] for a in change["assignments"]]
                if not all(self.user(id=u) for u in users):
                    raise Refused(400, "Invalid Input Provided", 2001, ["Assignee not found"])
                i["assignees"], i["status"], i["acks"] = users, "triggered", []
                self.log(i, "assign", now, requester["id"])
            status = change.get("status")
            if status == "acknowledged":
                i["status"] = "acknowledged"
                i["acks"].append({"at": now, "by": requester["id"]})
                self.log(i, "acknowledge", now, requester["id"])
            elif status == "resolved":
                i["status"], i["resolved"] = "resolved", now
                self.log(i, "resolve", now, requester["id"])
            i["updated"] = now
            return {"incident": self.incident_json(i)}
        if method == "POST" and len(parts) == 3 and parts[0] == "incidents" and parts[2] == "snooze":
            i = self.incident(parts[1])
            if i["status"] != "acknowledged":
                raise Refused(400, "Invalid Input Provided", 2001,
                              ["Incident must be acknowledged before it can be snoozed"])
            i["snoozed_until"] = now + payload["duration"]
            self.log(i, "snooze", now, requester["id"])
            return {"incident": self.incident_json(i)}, 201
        if method == "POST" and len(parts) == 3 and parts[0] == "incidents" and parts[2] == "notes":
            i = self.incident(parts[1])
            n = {"id": f"PNOTE{len(i['notes']) + 1:03d}", "content": payload["note"]["content"], "at": now,
                 "by": requester["id"]}
            i["notes"].append(n)
            self.log(i, "annotate", now, requester["id"], {"channel": {"type": "note", "summary": n["content"]}})
            return {"note": self.note_json(n)}
        raise Refused(404, "Not Found", 2100)


def make_handler(state):
    class Handler(testserver.Handler):
        def answer(self, status, payload, headers=None, raw=None):
            body = raw if raw is not None else json.dumps(payload).encode()
            fault = self.take_fault()
            if "status" in fault:
                status, body = fault["status"], json.dumps({"error": {"message": "Injected", "code": 0}}).encode()
            if "body" in fault:
                body = fault["body"].encode()
            if "huge" in fault:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(fault["huge"]))
                self.end_headers()
                chunk = b'{"incidents":[' + b" " * 65536
                sent = 0
                try:
                    while sent < fault["huge"]:
                        part = chunk[:min(len(chunk), fault["huge"] - sent)]
                        self.wfile.write(part)
                        sent += len(part)
                        chunk = b" " * 65536
                except (BrokenPipeError, ConnectionResetError):
                    pass
                self.close_connection = True
                return
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            if "truncate" in fault:
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[:fault["truncate"]])
                self.close_connection = True
                return
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def dispatch(self, method):
            url = urllib.parse.urlsplit(self.path)
            body = self.read_body()
            headers = {k: v for k, v in self.headers.items()}
            if url.path.startswith("/-/"):
                return self.control(method, url.path, body)
            if url.path == "/v2/enqueue":
                if method != "POST":
                    return self.answer(405, {"status": "invalid event", "message": "Method not allowed"})
                with state.lock:
                    status, result = state.enqueue(body)
                return self.answer(status, result)
            with state.lock:
                shown = {k: ("(redacted)" if k.lower() == "authorization" else v) for k, v in headers.items()}
                state.requests.append({"method": method, "path": url.path, "query": url.query, "headers": shown,
                                       "body": body.decode("utf-8", "replace")})
                problems = state.validate(method, url.path, url.query, headers, body)
                if problems:
                    state.violations.append({"method": method, "path": url.path, "query": url.query,
                                             "problems": problems})
                    return self.answer(400, Refused(400, "Invalid Input Provided", 2001, problems).body())
                try:
                    result, rate_headers = state.handle(method, url.path, url.query, headers, body)
                except Refused as e:
                    return self.answer(e.status, e.body(), e.headers)
            status = 200
            if isinstance(result, tuple):
                result, status = result
            self.answer(status, result, rate_headers)

        def control(self, method, path, body):
            payload = json.loads(body or b"{}")
            with state.lock:
                if path == "/-/ready":
                    return self.answer(200, {"ready": True})
                if path == "/-/incidents" and method == "POST":
                    made = [state.create_incident(s) for s in payload["incidents"]]
                    return self.answer(200, {"incidents": [{"id": i["id"]} for i in made]})
                if path == "/-/fault":
                    state.fault = payload
                    return self.answer(200, {"fault": payload})
                if path == "/-/rate":
                    state.rate_limit = payload.get("limit", 960)
                    state.rate_window = payload.get("window", 60)
                    state.windows = {}
                    return self.answer(200, {})
                if path == "/-/clock":
                    if "advance" in payload:
                        state.offset += payload["advance"]
                    if "now" in payload:
                        state.offset = payload["now"] - time.time()
                    return self.answer(200, {"now": state.now()})
                if path == "/-/requests":
                    return self.answer(200, {"requests": state.requests})
                if path == "/-/events":
                    return self.answer(200, {"events": state.events})
                if path == "/-/violations":
                    return self.answer(200, {"violations": state.violations})
                if path == "/-/state":
                    return self.answer(200, {"incidents": [state.incident_json(i) | {"notes": i["notes"],
                                                                                      "snoozed_until": i["snoozed_until"]}
                                                           for i in state.incidents]})
            return self.answer(404, {"error": {"message": "no such control", "code": 0}})

        def do_GET(self):
            self.dispatch("GET")

        def do_PUT(self):
            self.dispatch("PUT")

        def do_POST(self):
            self.dispatch("POST")

        def do_DELETE(self):
            self.dispatch("DELETE")

    return testserver.handler_for(Handler, state)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--spec", default=__file__.rsplit("/", 1)[0] + "/pagerduty-openapi.json")
    args = parser.parse_args()
    state = State(args.spec)
    testserver.serve("pagerduty", args.port, make_handler(state))


if __name__ == "__main__":
    main()
