#!/usr/bin/env python3
"""Writes Vigil's fuzz corpus: fuzz/corpus/<target>/*.

Python 3 standard library only, no randomness: the output is byte-for-byte reproducible, so a
change to this script shows up as a reviewable diff of the corpus.

    python3 fuzz/make-corpus.py            # rewrites fuzz/corpus/ next to this script
    python3 fuzz/make-corpus.py /tmp/c     # or somewhere else, to compare

Every target gets
  - seeds cut from sample-data/ (the real API shapes, trimmed to keep the corpus small),
  - hand-made nasty cases: empty, null, scalars, truncated JSON, arrays for objects and back,
    wrong types at every level, huge numbers, NaN/Inf, deep nesting (10,000 levels), long
    strings, invalid UTF-8, control characters, duplicate keys, dates in odd formats.
The YAML targets (config, theme) get the same treatment in YAML terms (aliases, tags, tabs, ...).

Files written by hand (not by this script) may sit beside the generated ones; the script only
rewrites files whose names start with "gen-" or "seed-", and never deletes anything.
"""

import copy
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "corpus")
SAMPLE = os.path.join(ROOT, "sample-data")

written = 0


def write(target, name, data):
    global written
    directory = os.path.join(OUT, target)
    os.makedirs(directory, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(directory, name), "wb") as f:
        f.write(data)
    written += len(data)


def dump(value):
    """Compact JSON, keys in their original order, non-ASCII kept as is."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=True)


def load(name):
    with open(os.path.join(SAMPLE, name), encoding="utf-8") as f:
        return json.load(f)


# MARK: - Seeds from sample-data

pd_incidents = load("pagerduty-incidents.json")
pd_log = load("pagerduty-log-entries.json")
am_alerts = load("alertmanager-alerts.json")
am_silences = load("alertmanager-silences.json")
gha = load("github-actions-runs.json")
prom_coverage = load("prometheus-coverage.json")
prom_error = load("prometheus-error-rate.json")
prom_p99 = load("prometheus-latency-p99.json")


def pick_incidents():
    incidents = pd_incidents["incidents"]
    chosen = []
    # Every status, both urgencies, a P1 with a conference bridge, and a few resolved ones.
    for predicate in (
        lambda i: i["status"] == "triggered" and i.get("urgency") == "low",
        lambda i: i["status"] == "triggered" and i.get("urgency") == "high",
        lambda i: i["status"] == "acknowledged" and i.get("conference_bridge"),
        lambda i: i["status"] == "acknowledged" and not i.get("conference_bridge"),
        lambda i: i["status"] == "resolved" and i.get("conference_bridge"),
        lambda i: i["status"] == "resolved",
    ):
        for incident in incidents:
            if predicate(incident) and incident not in chosen:
                chosen.append(incident)
                break
    return chosen


incidents = pick_incidents()
pd_doc = dict(pd_incidents)
pd_doc["incidents"] = incidents
pd_doc["total"] = len(incidents)
write("pagerduty-incidents", "seed-sample.json", dump(pd_doc))
write("pagerduty-incidents", "seed-single-incident.json", dump({"incident": incidents[2]}))
pd_minimal = {"incidents": [{"id": "Q1", "created_at": "2026-11-26T14:00:00Z"}]}
write("pagerduty-incidents", "seed-minimal.json", dump(pd_minimal))
write("pagerduty-incidents", "seed-empty-list.json", dump({"incidents": [], "limit": 25, "offset": 0, "more": False}))
details_variants = {"incidents": [
    dict(incidents[0], id="D1", body={"details": "see https://runbooks.example/x runbook, and http://dash.example/d)."}),
    dict(incidents[0], id="D2", body={"details": {"runbook_url": "https://r.example", "Dashboard": "https://d.example",
                                                  "nested": {"a": [1, 2.5, None, True, "x"]}}}),
    dict(incidents[0], id="D3", body={"details": [1, "two", {"three": 3}]}),
    dict(incidents[0], id="D4", body={"details": None}),
]}
write("pagerduty-incidents", "seed-body-details.json", dump(details_variants))

incident_ids = {i["id"] for i in incidents}
entries = [e for e in pd_log["log_entries"] if e.get("incident", {}).get("id") in incident_ids]
by_type = {}
for entry in pd_log["log_entries"]:
    by_type.setdefault(entry["type"], entry)
entries = entries[:16] + [e for e in by_type.values() if e not in entries]
write("pagerduty-log-entries", "seed-sample.json", dump({"log_entries": entries, "limit": 100, "offset": 0, "more": False}))
pdl_minimal = {"log_entries": [{"created_at": "2026-11-26T14:00:00Z", "incident": {"id": "Q1"}}]}
write("pagerduty-log-entries", "seed-minimal.json", dump(pdl_minimal))
write("pagerduty-log-entries", "seed-no-incident.json",
      dump({"log_entries": [{"id": "R1", "type": "annotate_log_entry", "created_at": "2026-11-26T14:00:00Z",
                             "channel": {"type": "note", "summary": "a note"}}]}))

# The live source's other answers (no sample data: shapes from PagerDuty's API document).
def ref(kind, id, summary):
    return {"id": id, "type": kind + "_reference", "summary": summary,
            "self": "https://api.pagerduty.com/" + kind + "s/" + id}


oncalls = [{"escalation_policy": ref("escalation_policy", "PPOL001", "Checkout on-call"), "escalation_level": level,
            "user": ref("user", uid, name), "schedule": None if level > 1 else ref("schedule", "PSCH001", "Primary"),
            "start": start, "end": end}
           for level, uid, name, start, end in [
               (1, "PUSER01", "Aisha Okafor", "2026-11-26T06:00:00Z", "2026-11-27T06:00:00Z"),
               (2, "PUSER02", "Ben Lindqvist", "2026-11-26T06:00:00Z", "2026-11-27T06:00:00Z"),
               (1, "PUSER04", "Dana Ruiz", "2026-11-27T06:00:00Z", "2026-11-28T06:00:00Z"),
               (3, "PUSER03", "Chen Wei", None, None)]]
oc_minimal = {"oncalls": [{"user": {"id": "P1", "summary": "X"}, "escalation_level": 1}]}
write("pagerduty-oncalls", "seed-oncalls.json", dump({"oncalls": oncalls, "limit": 100, "offset": 0, "more": False}))
write("pagerduty-oncalls", "seed-minimal.json", dump(oc_minimal))
write("pagerduty-oncalls", "seed-users.json", dump({"users": [
    dict(ref("user", "PUSER02", "Ben Lindqvist"), name="Ben Lindqvist", email="ben@example.com", type="user"),
    dict(ref("user", "PUSER05", "Émile Zoë 山田"), name="Émile Zoë 山田", email="emile@example.com", type="user")],
    "limit": 100, "offset": 0, "more": False}))
write("pagerduty-oncalls", "seed-services.json", dump({"services": [
    dict(ref("service", "PSVC001", "checkout-api"), name="checkout-api", type="service")], "more": False}))
write("pagerduty-oncalls", "seed-note.json", dump({"note": {"id": "PNOTE1", "content": "rolled back to v41",
                                                        "created_at": "2026-11-26T14:00:00Z",
                                                        "user": ref("user", "PUSER02", "Ben Lindqvist")}}))
write("pagerduty-oncalls", "seed-error.json", dump({"error": {"message": "Invalid Input Provided", "code": 2001,
                                                               "errors": ["Incident Already Resolved"]}}))

write("alertmanager-alerts", "seed-sample.json", json.dumps(am_alerts, indent=2))
am_minimal = [{"fingerprint": "f1", "startsAt": "2026-11-26T14:00:00Z"}]
write("alertmanager-alerts", "seed-minimal.json", dump(am_minimal))
silenced = copy.deepcopy(am_alerts[-1])
silenced["status"] = {"state": "suppressed", "silencedBy": [am_silences[0]["id"]], "inhibitedBy": ["x"]}
write("alertmanager-alerts", "seed-suppressed.json", dump([silenced]))
write("alertmanager-alerts", "seed-empty.json", "[]")

write("alertmanager-silences", "seed-sample.json", json.dumps(am_silences, indent=2))
write("alertmanager-silences", "seed-single.json", dump(am_silences[0]))
am_silence_minimal = [{"id": "s1", "startsAt": "2026-11-26T14:00:00Z", "endsAt": "2026-11-26T15:00:00Z"}]
write("alertmanager-silences", "seed-minimal.json", dump(am_silence_minimal))
write("alertmanager-silences", "seed-regex-negative.json", dump([dict(am_silences[0], matchers=[
    {"name": "service", "value": "a|b.*", "isRegex": True, "isEqual": False},
    {"name": "", "value": "", "isRegex": None}])]))

runs = gha["workflow_runs"]
picked = []
seen = set()
for run in runs:
    key = (run["name"], run["status"], run["conclusion"])
    if key not in seen:
        seen.add(key)
        picked.append(run)
picked += [r for r in runs if r["name"] == "Rollback"][:2]
picked += [r for r in runs if r["name"] == "Deploy"][:4]
unique = []
for run in picked:
    if run not in unique:
        unique.append(run)
write("github-actions-runs", "seed-sample.json", dump({"total_count": gha["total_count"], "workflow_runs": unique}))
gha_minimal = {"workflow_runs": [{"id": 1, "created_at": "2026-11-26T14:00:00Z"}]}
write("github-actions-runs", "seed-minimal.json", dump(gha_minimal))
deploy_titles = {"total_count": 6, "workflow_runs": [
    {"id": 10 + n, "name": name, "display_title": title, "status": "completed", "conclusion": conclusion,
     "created_at": "2026-11-26T1%d:00:00Z" % n, "updated_at": "2026-11-26T1%d:05:00Z" % n, "head_sha": "abcdef1234567"}
    for n, (name, title, conclusion) in enumerate([
        ("Deploy", "Deploy checkout v2.14.3 to production", "success"),
        ("Deploy", "deploy without the expected words", "failure"),
        ("Rollback", "Rollback payments to v1.8.2", "success"),
        ("Rollback", "Roll back payments to v1.8.2 in staging", "timed_out"),
        ("deploy", "Deploy a b to", "cancelled"),
        ("Deploy", "", "skipped"),
    ])]}
write("github-actions-runs", "seed-titles.json", dump(deploy_titles))


def trim_matrix(doc, series, points):
    out = copy.deepcopy(doc)
    out["data"]["result"] = [dict(r, values=r["values"][:points]) for r in out["data"]["result"][:series]]
    return out


write("prometheus", "seed-coverage.json", dump(prom_coverage))
error = trim_matrix(prom_error, 7, 30)
nan_series = next(r for r in prom_error["data"]["result"] if any(v[1] == "NaN" for v in r["values"]))
nan_values = [v for v in nan_series["values"] if v[1] == "NaN"] + nan_series["values"][:5]
error["data"]["result"].append({"metric": nan_series["metric"], "values": sorted(nan_values)})
write("prometheus", "seed-error-rate.json", dump(error))
write("prometheus", "seed-latency-p99.json", dump(trim_matrix(prom_p99, 3, 24)))
t = 1793102400
write("prometheus", "seed-vector.json", dump({"status": "success", "data": {"resultType": "vector", "result": [
    {"metric": {"service": "checkout"}, "value": [t + 0.5, "0.25"]},
    {"metric": {}, "value": [t, "+Inf"]}, {"metric": {"service": "x"}, "value": [t, "-Inf"]}]}}))
write("prometheus", "seed-scalar.json", dump({"status": "success", "data": {"resultType": "scalar", "result": [t, "1"]}}))
write("prometheus", "seed-string.json", dump({"status": "success", "data": {"resultType": "string", "result": [t, "x"]}}))
write("prometheus", "seed-error.json", dump({"status": "error", "errorType": "bad_data",
                                             "error": "1:5: parse error: unexpected <EOF>"}))
write("prometheus", "seed-warnings.json", dump({"status": "success", "warnings": ["w"], "infos": ["i"],
                                                "data": {"resultType": "matrix", "result": []}}))
counter_series = []
for n, (labels, values) in enumerate([
    ({"__name__": "deployments_total", "service": "api", "env": "prod", "status": "success"}, [5, 6, 7, 1, 3]),
    ({"service": "api", "env": "prod", "status": "rollback"}, [0, 0, 0, 0, 1]),
    ({"service": "web", "status": "failure"}, [2, 2, 3, 3, 3]),
    ({"pipeline": "ci", "status": "cancelled"}, [0, 1, 2, 2, 9]),
    ({"workflow": "nightly", "status": "timed_out"}, [1, 1, 1, 4, 4]),
]):
    counter_series.append({"metric": labels, "values": [[t + 3600 * i, str(v)] for i, v in enumerate(values)]})
write("prometheus", "seed-counter-matrix.json",
      dump({"status": "success", "data": {"resultType": "matrix", "result": counter_series}}))
write("prometheus", "seed-counter-vector.json", dump({"status": "success", "data": {"resultType": "vector", "result": [
    {"metric": s["metric"], "value": [t + 3600 * 4 + 600, "12"]} for s in counter_series]}}))


# MARK: - Jenkins api/json answers, as the tree= Vigil sends shapes them

def jenkins_build(n, result, ago, display=None, commits=(), pipeline=True):
    b = {"_class": "org.jenkinsci.plugins.workflow.job.WorkflowRun" if pipeline else "hudson.model.FreeStyleBuild",
         "number": n, "result": result, "building": result is None, "timestamp": 1796400000000 - ago * 1000,
         "duration": 0 if result is None else 81234, "displayName": display or "#%d" % n}
    items = [{"_class": "hudson.plugins.git.GitChangeSet", "timestamp": 1796400000000 - c[1] * 1000, "msg": c[0]}
             for c in commits]
    if pipeline:
        b["changeSets"] = [{"_class": "hudson.plugins.git.GitChangeSetList", "items": items}] if items else []
    else:
        b["changeSet"] = {"_class": "hudson.plugins.git.GitChangeSetList", "items": items}
    return b


jenkins_root = {"_class": "hudson.model.Hudson", "jobs": [
    {"_class": "com.cloudbees.hudson.plugins.folder.Folder", "name": "checkout", "jobs": [{"name": "build"}]},
    {"_class": "hudson.model.FreeStyleProject", "name": "deploy-checkout", "builds": [
        jenkins_build(43, None, 60, "#43 checkout v1.5.2", pipeline=False),
        jenkins_build(42, "SUCCESS", 3600, "#42 checkout v1.5.1 to production", [("Revert retries", 7200)], False),
        jenkins_build(41, "UNSTABLE", 7200, pipeline=False), jenkins_build(40, "ABORTED", 9000, pipeline=False),
        jenkins_build(39, "NOT_BUILT", 9500, pipeline=False)]},
    {"_class": "org.jenkinsci.plugins.workflow.job.WorkflowJob", "name": "rollback-payments", "builds": [
        jenkins_build(7, "SUCCESS", 1800, "payments 3.0.9", [("hotfix: timeouts", 4000), ("Fix", 3900)])]},
]}
jenkins_minimal = {"jobs": [{"name": "ci", "builds": [{"number": 1, "timestamp": 1796400000000}]}]}
write("jenkins", "seed-root.json", dump(jenkins_root))
write("jenkins", "seed-minimal.json", dump(jenkins_minimal))
write("jenkins", "seed-job.json", dump({"_class": "hudson.model.FreeStyleProject",
                                        "allBuilds": jenkins_root["jobs"][1]["builds"]}))


# MARK: - CloudWatch DescribeAlarms (JSON protocol), as moto and AWS answer it

cw_alarm = {"AlarmName": "checkout-5xx", "AlarmArn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:checkout-5xx",
            "AlarmDescription": "5xx above 5 a minute", "ActionsEnabled": True, "OKActions": [],
            "AlarmActions": ["arn:aws:sns:us-east-1:123456789012:oncall-page"], "InsufficientDataActions": [],
            "StateValue": "ALARM", "StateReason": "Threshold Crossed: 1 datapoint [12.0] > 5.0",
            "StateUpdatedTimestamp": 1796492536.081, "MetricName": "HTTPCode_Target_5XX_Count",
            "Namespace": "AWS/ApplicationELB", "Statistic": "Sum",
            "Dimensions": [{"Name": "LoadBalancer", "Value": "app/checkout"}], "Period": 60, "EvaluationPeriods": 1,
            "Threshold": 5.0, "ComparisonOperator": "GreaterThanThreshold"}
cw_composite = {"AlarmName": "checkout-degraded", "AlarmRule": "ALARM(checkout-5xx) OR ALARM(checkout-latency)",
                "StateValue": "INSUFFICIENT_DATA", "StateUpdatedTimestamp": 1796492000}
cw_page = {"MetricAlarms": [cw_alarm, dict(cw_alarm, AlarmName="search-latency", StateValue="OK")],
           "CompositeAlarms": [cw_composite], "NextToken": "token-2"}
cw_minimal = {"MetricAlarms": [{"AlarmName": "a", "StateValue": "ALARM"}]}
write("cloudwatch-alarms", "seed-page.json", dump(cw_page))
write("cloudwatch-alarms", "seed-minimal.json", dump(cw_minimal))


# MARK: - CodeDeploy BatchGetDeployments and CodePipeline ListPipelineExecutions (one target)

cd_info = {"deploymentId": "d-BAD1", "applicationName": "checkout", "deploymentGroupName": "checkout-prod",
           "status": "Failed", "creator": "user", "createTime": 1796400000.5, "completeTime": 1796400300.25,
           "rollbackInfo": {"rollbackDeploymentId": "d-RB1", "rollbackMessage": "Automatic rollback"},
           "revision": {"revisionType": "GitHub", "gitHubLocation": {"repository": "octo/checkout", "commitId": "abcdef1234"}}}
cd_batch = {"deploymentsInfo": [cd_info, dict(cd_info, deploymentId="d-RB1", status="Succeeded", creator="codeDeployRollback",
                                              rollbackInfo={"rollbackTriggeringDeploymentId": "d-BAD1"}),
                                dict(cd_info, deploymentId="d-S3", status="Stopped", rollbackInfo={},
                                     revision={"revisionType": "S3", "s3Location": {"bucket": "b", "key": "k.zip",
                                                                                    "eTag": "0123456789abcdef"}})]}
cp_page = {"pipelineExecutionSummaries": [
    {"pipelineExecutionId": "e1", "status": "Failed", "startTime": 1796400000, "lastUpdateTime": 1796400300,
     "sourceRevisions": [{"actionName": "Source", "revisionId": "abcdef123456"}]},
    {"pipelineExecutionId": "e2", "status": "Succeeded", "startTime": "2026-12-05T17:56:31.018Z",
     "lastUpdateTime": "2026-12-05T17:58:31.018Z", "executionType": "ROLLBACK"},
    {"pipelineExecutionId": "e3", "status": "InProgress", "startTime": 1796401000}], "nextToken": None}
write("aws-delivery", "seed-codedeploy.json", dump(cd_batch))
write("aws-delivery", "seed-codepipeline.json", dump(cp_page))


# MARK: - Nasty cases, for every JSON target

json_targets = {
    "pagerduty-incidents": (pd_minimal, {"incidents": incidents[2:3]}),
    "pagerduty-log-entries": (pdl_minimal, {"log_entries": entries[:4]}),
    "pagerduty-oncalls": (oc_minimal, {"oncalls": oncalls}),
    "alertmanager-alerts": (am_minimal, am_alerts[:2]),
    "alertmanager-silences": (am_silence_minimal, am_silences),
    "github-actions-runs": (gha_minimal, {"total_count": 3, "workflow_runs": unique[:3]}),
    "jenkins": (jenkins_minimal, jenkins_root),
    "cloudwatch-alarms": (cw_minimal, cw_page),
    "aws-delivery": ({"deploymentsInfo": [{"deploymentId": "d", "status": "Succeeded"}]}, cd_batch),
    "prometheus": ({"status": "success", "data": {"resultType": "matrix", "result": [
        {"metric": {"service": "a"}, "values": [[t, "1"], [t + 60, "2"]]}]}},
                   {"status": "success", "data": {"resultType": "matrix", "result": counter_series[:2]}}),
}

DATE_FIELDS = {"created_at", "updated_at", "resolved_at", "last_status_change_at", "run_started_at", "timestamp",
               "at", "startsAt", "endsAt", "updatedAt", "start", "end"}

ODD_DATES = [
    "", "2026-11-26", "2026-11-26T14:36:35", "2026-11-26 14:36:35Z", "2026-11-26t14:36:35z",
    "2026-11-26T14:36:35+0100", "2026-11-26T14:36:35+01", "2026-11-26T14:36:35+99:99", "2026-11-26T14:36:35-23:59",
    "2026-11-26T14:36:35,5Z", "2026-11-26T14:36:35.Z", "2026-11-26T14:36:35." + "9" * 400 + "Z",
    "2026-13-40T25:61:61Z", "2026-02-29T00:00:00Z", "2024-02-29T00:00:00Z", "2026-04-31T00:00:00Z",
    "0000-01-01T00:00:00Z", "9999-12-31T23:59:60Z", "-0001-01-01T00:00:00Z", "+2026-11-26T14:36:35Z",
    "20261126T143635Z", "2026-W48-4T14:36:35Z", "Thu, 26 Nov 2026 14:36:35 GMT", "1793102400", "now",
    "2026-11-26T14:36:35Z\u0000", "２０２６-11-26T14:36:35Z", "2026-11-26T14:36:35ZZ", "2026-11-26T14:36:60Z",
]
ODD_DATE_VALUES = [1793102400, 1.7931024e9, -1, None, True, [], {}, 1e400]


def walk(value, depth=0):
    """(container, key, depth) for every value below `value`, depth first, in document order."""
    if isinstance(value, dict):
        for key in list(value.keys()):
            yield value, key, depth + 1
            yield from walk(value[key], depth + 1)
    elif isinstance(value, list):
        for index in range(len(value)):
            yield value, index, depth + 1
            yield from walk(value[index], depth + 1)


def other_type(value, n):
    candidates = [None, True, 0, -1.5, "", "x", [], {}, [None], {"": None}]
    candidates = [c for c in candidates if type(c) is not type(value)]
    return candidates[n % len(candidates)]


def replace_everywhere(doc, predicate, make):
    doc = copy.deepcopy(doc)
    for container, key, _ in list(walk(doc)):
        if predicate(key, container[key]):
            container[key] = make(key, container[key])
    return doc


def nested(levels, inner="1", open_="[", close="]"):
    return open_ * levels + inner + close * levels


def nested_objects(levels):
    return '{"a":' * levels + "1" + "}" * levels


for target, (minimal, sample) in json_targets.items():
    small = dump(minimal)
    w = lambda name, data: write(target, "gen-" + name, data)
    for name, text in [
        ("empty.json", ""), ("whitespace.json", " \n\t\r "), ("null.json", "null"), ("true.json", "true"),
        ("zero.json", "0"), ("string.json", '"incidents"'), ("array.json", "[]"), ("object.json", "{}"),
        ("array-of-null.json", "[null]"), ("array-of-arrays.json", "[[],[[]]]"), ("object-of-null.json", '{"a":null}'),
        ("bare-nan.json", "NaN"), ("bare-infinity.json", "[Infinity,-Infinity]"), ("comment.json", "// x\n" + small),
        ("trailing-comma.json", small[:-1] + ",}" if small.endswith("}") else small[:-1] + ",]"),
        ("single-quotes.json", small.replace('"', "'")), ("two-documents.json", small + small),
        ("trailing-garbage.json", small + "x"), ("leading-garbage.json", "x" + small),
    ]:
        w(name, text)
    w("bom.json", b"\xef\xbb\xbf" + small.encode())
    w("utf16le.json", small.encode("utf-16-le"))
    w("utf16be-bom.json", b"\xfe\xff" + small.encode("utf-16-be"))
    w("utf32.json", small.encode("utf-32"))
    w("nul-bytes.json", small.encode().replace(b":", b":\x00", 1))
    w("nul-only.json", b"\x00" * 64)
    full = dump(sample).encode()
    for n, fraction in enumerate([0.1, 0.33, 0.5, 0.9]):
        w("truncated-%d.json" % n, full[: int(len(full) * fraction)])
    w("truncated-last-byte.json", full[:-1])
    w("truncated-in-escape.json", small.encode()[:-2] + b'"\\u12')
    w("unterminated-string.json", b'{"a":"' + b"x" * 100)
    w("wrapped-in-array.json", "[" + small + "]")
    w("wrapped-in-object.json", '{"x":' + small + "}")
    w("list-as-object.json",
      dump(replace_everywhere(minimal, lambda k, v: isinstance(v, list), lambda k, v: {"0": v[0]} if v else {})))
    w("object-as-list.json", dump(replace_everywhere(minimal, lambda k, v: isinstance(v, dict), lambda k, v: list(v.values()))))
    if isinstance(minimal, list):
        w("top-object.json", dump({"0": minimal[0]}))
    else:
        w("top-array.json", dump(list(minimal.values())))

    # Wrong types at every level: the first value at depth d becomes each other JSON type in turn.
    depths = {}
    for container, key, depth in walk(sample):
        depths.setdefault(depth, (container, key))
    for depth in sorted(depths):
        for variant in range(3):
            doc = copy.deepcopy(sample)
            # Re-find the same place in the copy.
            place = None
            for container, key, d in walk(doc):
                if d == depth:
                    place = (container, key)
                    break
            container, key = place
            container[key] = other_type(container[key], variant + depth)
            w("wrong-type-depth-%d-%d.json" % (depth, variant), dump(doc))
    # Every value of one type replaced by another type.
    for name, predicate in [("strings", lambda k, v: isinstance(v, str)),
                            ("numbers", lambda k, v: isinstance(v, (int, float)) and not isinstance(v, bool)),
                            ("objects", lambda k, v: isinstance(v, dict)), ("arrays", lambda k, v: isinstance(v, list)),
                            ("nulls", lambda k, v: v is None), ("bools", lambda k, v: isinstance(v, bool))]:
        for variant, make in enumerate([lambda k, v: None, lambda k, v: 7, lambda k, v: "7", lambda k, v: [v], lambda k, v: {}]):
            doc = replace_everywhere(minimal, predicate, make)
            if doc != minimal:
                w("all-%s-to-%d.json" % (name, variant), dump(doc))
    # Missing every key in turn (of the minimal document).
    for n, (container, key, _) in enumerate(walk(minimal)):
        if isinstance(container, dict):
            doc = copy.deepcopy(minimal)
            for c2, k2, _ in walk(doc):
                if k2 == key and isinstance(c2, dict):
                    del c2[k2]
                    break
            w("missing-key-%d.json" % n, dump(doc))

    # Numbers.
    huge = ["1e400", "-1e400", "123456789012345678901234567890", "-0", "1e-400", "0.1e309", "9223372036854775808",
            "-9223372036854775809", "18446744073709551616", "4.9e-324", "1.7976931348623157e308", "1" + "0" * 400,
            "0." + "0" * 400 + "1", "1E+2", "01", "1.", ".5", "+1", "0x10", "1_000"]
    for n, number in enumerate(huge):
        # Every number in the minimal document, and a number in place of every string.
        doc = replace_everywhere(minimal, lambda k, v: isinstance(v, (int, float, str)) and not isinstance(v, bool),
                                 lambda k, v: "__NUM__")
        w("number-%02d.json" % n, dump(doc).replace('"__NUM__"', number))
    sample_numbers = replace_everywhere(sample, lambda k, v: isinstance(v, (int, float)) and not isinstance(v, bool),
                                        lambda k, v: "__NUM__")
    w("sample-numbers-huge.json", dump(sample_numbers).replace('"__NUM__"', "1e308"))
    w("sample-numbers-negative.json", dump(sample_numbers).replace('"__NUM__"', "-9223372036854775808"))
    w("sample-numbers-fraction.json", dump(sample_numbers).replace('"__NUM__"', "0.5"))
    for n, special in enumerate(["NaN", "+Inf", "-Inf", "Inf", "-inf", "Infinity", "nan", "1e400", "0x1p3", " 1", "1 ",
                                 "", "١", "½", "--1", "1e", "e1", "inf" * 100]):
        doc = replace_everywhere(minimal, lambda k, v: isinstance(v, str), lambda k, v: special)
        w("string-special-%02d.json" % n, dump(doc))
    w("bare-nan-value.json", dump(replace_everywhere(minimal, lambda k, v: isinstance(v, (int, float, str)) and not isinstance(v, bool),
                                                     lambda k, v: "__NUM__")).replace('"__NUM__"', "NaN"))

    # Deep nesting: at the top, and in place of the first value, of 10,000 levels; and just under
    # JSONDecoder's limit (512), so recursive Decodable types get to recurse.
    # (Deeper and wider shapes of every kind, megabytes long, are made at run time by
    # LargeInputs.swift rather than committed.)
    w("deep-10000-arrays.json", nested(10_000))
    w("deep-600-objects.json", nested_objects(600))
    w("deep-600-mixed.json", ('[{"a":' * 300) + "1" + ("}]" * 300))
    w("deep-2000-unclosed.json", "[" * 2_000)
    for levels in (10_000, 511, 200) if target in ("pagerduty-incidents", "prometheus") else (511,):
        doc = copy.deepcopy(minimal)
        container, key, _ = next(iter(walk(doc)))
        container[key] = "__DEEP__"
        w("deep-%d-in-first-value.json" % levels, dump(doc).replace('"__DEEP__"', nested(levels)))
    # Long strings (4 kB here: LargeInputs.swift makes megabyte ones at run time, and the fuzzer's
    # span duplication makes longer ones too).
    long = "x" * 4_096
    w("long-strings.json", dump(replace_everywhere(minimal, lambda k, v: isinstance(v, str), lambda k, v: long)))
    w("long-key.json", dump(minimal)[:-1] + ("," if dump(minimal)[-2] != "{" else "") + '"' + "k" * 4_096 + '":1}'
      if dump(minimal).endswith("}") else "[" + '{"' + "k" * 4_096 + '":1}]')
    w("long-escapes.json", '["' + "\\u0041" * 1_000 + '"]')
    w("many-small-items.json", "[" + ",".join(["{}"] * 1_000) + "]")
    # Invalid UTF-8 and odd characters inside strings.
    for n, raw in enumerate([b"\xff", b"\xfe\xff", b"\xc0\x80", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xe2\x82",
                             b"\x80", b"\xf0\x9f\x98", b"\\ud800", b"\\udc00\\ud800", b"\\u0000", b"\x01\x1f",
                             b"\\uD83D\\uDE00", "\u202e\u200b\ufeff".encode(), b"\\", b"\\x41", b"\\u00e9\xcc\x81",
                             b"\\uZZZZ", b"\x7f"]):
        doc = replace_everywhere(minimal, lambda k, v: isinstance(v, str), lambda k, v: "__STR__")
        w("utf8-%02d.json" % n, dump(doc).encode().replace(b"__STR__", raw))
    w("utf8-in-key.json", dump(minimal).encode().replace(b'"', b'"\xff', 1))
    # Duplicate keys: the same key twice, once with another type, once with the same type.
    for n, replacement in enumerate(['null', '7', '"dup"', '[]', '{}']):
        text = dump(minimal)
        if isinstance(minimal, dict):
            first = next(iter(minimal))
            text = "{" + json.dumps(first) + ":" + replacement + "," + text[1:]
        # Inner objects too.
        inner = text.replace('"created_at":', '"created_at":' + replacement + ',"created_at":', 1)
        inner = inner.replace('"fingerprint":', '"fingerprint":' + replacement + ',"fingerprint":', 1)
        inner = inner.replace('"id":', '"id":' + replacement + ',"id":', 1)
        inner = inner.replace('"status":', '"status":' + replacement + ',"status":', 1)
        w("duplicate-keys-%d.json" % n, inner)
    w("duplicate-keys-sample.json", dump(sample).replace('"id":', '"id":"dup","id":'))

    # Dates in odd formats (every date field of the sample at once), and numbers for dates.
    has_dates = any(isinstance(c, dict) and k in DATE_FIELDS for c, k, _ in walk(sample))
    if has_dates:
        for n, odd in enumerate(ODD_DATES):
            w("date-%02d.json" % n, dump(replace_everywhere(sample if n % 3 == 0 else minimal,
                                                             lambda k, v: k in DATE_FIELDS, lambda k, v: odd)))
        for n, odd in enumerate(ODD_DATE_VALUES):
            w("date-value-%02d.json" % n, dump(replace_everywhere(minimal, lambda k, v: k in DATE_FIELDS,
                                                                   lambda k, v: odd)).replace("Infinity", "1e400"))


# Prometheus specifics: odd sample pairs and times.
for n, pair in enumerate(['[1793102400]', '[]', '[1793102400,"1","2"]', '["1793102400","1"]', '[1793102400,1]',
                          '{"t":1,"v":"1"}', '[null,"1"]', '[1e19,"1"]', '[-1e19,"1"]', '[1e300,"1"]',
                          '[-0.0,"1"]', '[1793102400.123456789,"1"]', '[1793102400,"1e400"]', '[1793102400,"0x10"]',
                          '[1793102400,"- 1"]', '[1793102400,"NaN"]']):
    for kind, key in (("matrix", "values"), ("vector", "value")):
        body = pair if kind == "vector" else "[" + pair + "]"
        write("prometheus", "gen-pair-%s-%02d.json" % (kind, n),
              '{"status":"success","data":{"resultType":"%s","result":[{"metric":{"service":"a"},"%s":%s}]}}'
              % (kind, key, body))
    write("prometheus", "gen-pair-scalar-%02d.json" % n,
          '{"status":"success","data":{"resultType":"scalar","result":%s}}' % pair)
for n, doc in enumerate([
    {"status": "error"}, {"status": "error", "errorType": None, "error": None}, {"status": "success"},
    {"status": "success", "data": None}, {"status": "success", "data": {}}, {"status": "success", "data": {"resultType": "matrix"}},
    {"status": "success", "data": {"resultType": "matrix", "result": None}},
    {"status": "success", "data": {"resultType": "matrix", "result": [{"metric": None, "values": None}]}},
    {"status": "success", "data": {"resultType": "matrix", "result": [{"metric": {"service": 1}}]}},
    {"status": "success", "data": {"resultType": "", "result": []}}, {"status": "SUCCESS", "data": {}},
    {"status": "success", "data": {"resultType": "vector", "result": [{"metric": {}, "value": None}]}},
    {"status": "success", "data": {"resultType": "streams", "result": []}},
]):
    write("prometheus", "gen-shape-%02d.json" % n, dump(doc))
# Counter edge cases: resets, huge rises, fractional and decreasing values, many series.
for n, values in enumerate([[0, 1e15], [0, 9.2e18], [1, 0, 1, 0, 1, 0], [0.4, 0.6, 0.4, 0.6], [-5, -1, -10],
                            [0, 199999, 200001], [0, 1e308]]):
    write("prometheus", "gen-counter-%02d.json" % n, dump({"status": "success", "data": {"resultType": "matrix", "result": [
        {"metric": {"service": "api", "status": "success", "pipeline": "ci"},
         "values": [[t + 3600 * i, repr(float(v)) if isinstance(v, float) else str(v)] for i, v in enumerate(values)]}]}}))
write("prometheus", "gen-counter-many-series.json", dump({"status": "success", "data": {"resultType": "matrix", "result": [
    {"metric": {"service": "s%d" % i, "status": "success"}, "values": [[t, "0"], [t + 3600, "1"]]} for i in range(300)]}}))

# GitHub Actions specifics: titles that make the deploy/rollback patterns work hard.
for n, title in enumerate([
    "Deploy " + "a " * 2_000, "Deploy " + " " * 4_000 + "x", "  Roll back " + "b " * 2_000 + "to",
    "Deploy\u00a0checkout\u2003v1\u3000to\u2028prod", "Deploy " + "x" * 4_000, "Rollback " + "to " * 2_000,
]):
    write("github-actions-runs", "gen-title-%02d.json" % n, dump({"workflow_runs": [
        {"id": 7, "name": "Rollback" if "oll" in title else "Deploy", "display_title": title, "status": "completed",
         "conclusion": "success", "created_at": "2026-11-26T14:00:00Z", "head_sha": "0123456789abcdef"}]}))
for n, run_id in enumerate(["9223372036854775807", "-9223372036854775808", "9223372036854775808", "1.5", '"1"', "1e3"]):
    write("github-actions-runs", "gen-run-id-%02d.json" % n,
          '{"workflow_runs":[{"id":%s,"created_at":"2026-11-26T14:00:00Z","workflow_id":%s}]}' % (run_id, run_id))
write("github-actions-runs", "gen-same-created-at.json", dump({"workflow_runs": [
    {"id": i, "name": "CI", "created_at": "2026-11-26T14:00:00Z", "updated_at": "2026-11-26T13:00:00Z",
     "run_started_at": "2026-11-26T15:00:00Z", "status": "completed", "conclusion": c}
    for i, c in enumerate(["success", "failure", "neutral", "stale", "startup_failure", "action_required", None, "X"])]}))

# MARK: - YAML targets

with open(os.path.join(ROOT, "config.example.yaml"), encoding="utf-8") as f:
    write("config", "seed-example.yaml", f.read())
for theme in sorted(os.listdir(os.path.join(ROOT, "themes"))):
    if theme.endswith(".yaml"):
        with open(os.path.join(ROOT, "themes", theme), encoding="utf-8") as f:
            write("theme", "seed-" + theme, f.read())

config_seeds = {
    "minimal.yaml": "sources:\n  - name: demo\n    type: demo\n",
    "flow.yaml": "{user: bob, window: 24h, sources: [{name: p, type: prometheus, url: 'http://127.0.0.1:9090'}]}\n",
    "auth.yaml": "sources:\n  - name: p\n    type: prometheus\n    url: https://prom.example/prefix/\n"
                 "    auth: {bearer_token_env: PROM_TOKEN}\n  - name: a\n    type: alertmanager\n"
                 "    urls: [http://a:9093, http://b:9093]\n    auth: {basic: {username: u, password_file: secret}}\n",
    "queries.yaml": "sources:\n- name: p\n  type: prometheus\n  url: http://p:9090\n  queries:\n    deployments: false\n"
                    "    coverage: ''\n    latency_p50: ~\n    builds: yes\n    error_rate: \"true\"\n",
    "hours.yaml": "working_hours: {start: 0, end: 24, time_zone: local}\nchange_failure_window: 1.5h\n"
                  "outage_severities: critical\nread_only: on\nsources: [{name: d, type: demo, data: ~/x}]\n",
}
for name, text in config_seeds.items():
    write("config", "seed-" + name, text)

theme_seeds = {
    "minimal.yaml": "roles: {text: white}\n",
    "styles.yaml": "name: t\npalette: {a: \"#102030\", b: a, c: 200, d: bright-red}\nroles:\n  text: {fg: a, bg: c, attrs: [bold, underline]}\n"
                   "  critical: {fg: d, attrs: reverse}\nansi16: {text: {fg: white, bg: 0}, critical: red}\n",
}
for name, text in theme_seeds.items():
    write("theme", "seed-" + name, text)
# JSON is YAML: seeds in JSON syntax give the structure-aware (JSON tree) mutator something to parse.
write("config", "seed-json.yaml", json.dumps({
    "user": "alice", "window": "7d", "theme": "nord", "read_only": False,
    "working_hours": {"start": 9, "end": 18, "time_zone": "Europe/Berlin"}, "outage_severities": ["critical", "high"],
    "change_failure_window": "1h",
    "sources": [
        {"name": "prom", "type": "prometheus", "url": "http://127.0.0.1:9090", "poll_interval": "30s", "timeout": "10s",
         "service_label": "service", "auth": {"bearer_token_env": "PROM_TOKEN"},
         "queries": {"deployments": "deployments_total", "coverage": False, "builds": ""}},
        {"name": "am", "type": "alertmanager", "urls": ["http://127.0.0.1:9093", "http://127.0.0.1:9094"],
         "severity_label": "severity", "paging_severities": ["critical", "page"], "ack_silence": "15m",
         "exclude_matcher_labels": ["instance"], "auth": {"basic": {"username": "vigil", "password_file": "secret"}}},
        {"name": "demo", "type": "demo", "data": "./sample-data"}]}, indent=1))
write("theme", "seed-json.yaml", json.dumps({
    "name": "json", "description": "a theme in JSON syntax",
    "palette": {"bg": "#2E3440", "fg": "#D8DEE9", "red": "#BF616A", "warn": "yellow", "dim": 244},
    "roles": {"text": "fg", "critical": {"fg": "red", "attrs": ["bold", "reverse"]}, "warning": {"fg": "warn", "bg": "bg"},
              "info": {"attrs": "dim"}},
    "ansi16": {"text": "white", "critical": {"fg": "red", "bg": "default"}}}, indent=1))

yaml_nasty = {
    "empty.yaml": "", "null.yaml": "~\n", "document-start.yaml": "---\n", "document-end.yaml": "...\n",
    "two-documents.yaml": "sources: []\n---\nsources: []\n", "scalar.yaml": "hello\n", "list.yaml": "- a\n- b\n",
    "number.yaml": "12\n", "tabs.yaml": "sources:\n\t- name: x\n", "bom.yaml": "\ufeffsources: []\n",
    "nul.yaml": "sources:\u0000 []\n", "control.yaml": "user: \u0007\u001b[31m\n",
    "unclosed-flow.yaml": "{sources: [", "unclosed-quote.yaml": "user: \"abc\n", "bad-indent.yaml": "a:\n  b: 1\n c: 2\n",
    "colon-soup.yaml": ": : : :\n", "question.yaml": "? [a, b]\n: c\n", "complex-key.yaml": "? {a: 1}\n: 2\nsources: []\n",
    "tags.yaml": "user: !!binary aGVsbG8=\nwindow: !!timestamp 2001-12-14\ntheme: !custom x\nsources: !!str []\n",
    "bad-tag.yaml": "user: !<tag:yaml.org,2002:int> abc\n", "directive.yaml": "%YAML 1.1\n%TAG ! tag:x,2000:\n---\nuser: x\n",
    "bad-directive.yaml": "%YAML 9.9\n---\nuser: x\n", "anchor-undefined.yaml": "user: *nothing\n",
    "anchor-self.yaml": "a: &a [*a]\n", "merge-keys.yaml": "base: &b {name: d, type: demo}\nsources: [{<<: *b}]\n",
    "merge-bad.yaml": "sources: [{<<: 1}]\n", "block-scalars.yaml": "user: |\n  multi\n  line\ntheme: >-\n  folded\n",
    "long-line-folded.yaml": "user: >\n" + "  word\n" * 500, "dup-keys.yaml": "user: a\nuser: b\nsources: []\n",
    "dup-keys-nested.yaml": "sources: [{name: a, name: b, type: demo}]\n",
    "windows-newlines.yaml": "sources:\r\n  - name: d\r\n    type: demo\r\n", "cr-only.yaml": "sources:\r  - name: d\r",
    "unicode-keys.yaml": "üser: ä\n\u202esources: []\n", "emoji.yaml": "user: \U0001F600\nsources: [{name: \U0001F600, type: demo}]\n",
    "surrogate-escape.yaml": "user: \"\\ud800\"\n", "escape-nul.yaml": "user: \"\\0\\x00\\u0000\"\n",
    "bad-escape.yaml": "user: \"\\q\"\n", "huge-int.yaml": "working_hours: {start: 99999999999999999999999, end: -1}\n",
    "float-hours.yaml": "working_hours: {start: 9.5, end: .inf}\n", "nan.yaml": "working_hours: {start: .nan}\n",
    "deep-flow-10000.yaml": "[" * 10_000 + "]" * 10_000, "deep-flow-map-600.yaml": "{a: " * 600 + "1" + "}" * 600,
    "deep-flow-unclosed.yaml": "[" * 2_000, "deep-block-100.yaml": "".join(" " * i + "a:\n" for i in range(100)),
    "deep-seq-100.yaml": "".join(" " * i + "-\n" for i in range(100)),
    "long-scalar.yaml": "user: " + "x" * 4_096 + "\nsources: []\n", "long-key.yaml": "k" * 4_096 + ": 1\n",
    "long-quoted.yaml": "user: \"" + "\\u0041" * 1_000 + "\"\n",
    "many-keys.yaml": "".join("key%d: %d\n" % (i, i) for i in range(300)),
    "many-sources.yaml": "sources:\n" + "".join("  - {name: s%d, type: demo}\n" % i for i in range(100)),
    "invalid-utf8.yaml": b"user: \xff\xfe\nsources: []\n", "invalid-utf8-key.yaml": b"\xc0\x80: 1\n",
    "utf16.yaml": "sources: []\n".encode("utf-16"),
}
laughs = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
for i in range(1, 10):
    laughs += "a%d: &a%d [%s]\n" % (i, i, ", ".join(["*a%d" % (i - 1)] * 10))
yaml_nasty["laughs.yaml"] = laughs
yaml_nasty["laughs-as-key.yaml"] = laughs + "? *a9\n: 1\n"
yaml_nasty["laughs-in-list.yaml"] = "x: " + laughs.replace("\n", "\n  ").rstrip() + "\n"
yaml_nasty["laughs-map-keys.yaml"] = "".join("m%d: &m%d {%s}\n" % (i, i, ", ".join("k%d: *m%d" % (j, i - 1) for j in range(10)))
                                             if i else "m0: &m0 {a: 1}\n" for i in range(10)) + "? *m9\n: 1\n"
for name, text in yaml_nasty.items():
    write("config", "gen-" + name, text)
    write("theme", "gen-" + name, text)

config_nasty = {
    "durations.yaml": "".join("change_failure_window: %s\n" % d for d in ["1e400s"]) + "sources: []\n",
    "sources-wrong.yaml": "sources: {name: d}\n", "sources-null.yaml": "sources:\n", "sources-empty.yaml": "sources: []\n",
    "source-scalar.yaml": "sources: [demo]\n", "source-name-types.yaml": "sources: [{name: [a], type: {b: c}}]\n",
    "source-name-long.yaml": "sources: [{name: " + "a" * 4_000 + ", type: demo}]\n",
    "urls.yaml": "sources:\n" + "".join("  - {name: s%d, type: prometheus, url: '%s'}\n" % (i, u) for i, u in enumerate([
        "http://[::1", "http://%zz", "http://", "http:///x", "ftp://x", "http://u:p@x", "http://x?q=1", "http://x#f",
        "http://ex\u00e4mple.com", "http://" + "a" * 4_000 + ".com", "://x", "http://x:99999", "http://x:-1",
        "HTTP://X", "http://x/%", "http:// x"])),
    "auth-wrong.yaml": "sources:\n" + "".join("  - {name: s%d, type: prometheus, url: 'http://x', auth: %s}\n" % (i, a) for i, a in enumerate([
        "x", "[]", "{}", "{bearer_token_env: ~}", "{bearer_token_env: [a]}", "{bearer_token_env: A, bearer_token_file: b}",
        "{basic: x}", "{basic: {username: [u]}}", "{basic: {username: u, password_env: P, password_file: f}}",
        "{bearer_token: eyJhbGciOiJIUzI1NiJ9}", "{token: abc}", "{bearer_token_file: ''}", "{bearer_token_file: /dev/zero}",
        "{bearer_token_file: " + "/" * 2000 + "}", "{" + "abcdef1234567890ABCDEF" * 3 + ": 1}"])),
    "queries-wrong.yaml": "sources: [{name: p, type: prometheus, url: 'http://x', queries: [a]}, "
                          "{name: q, type: prometheus, url: 'http://x', queries: {nope: x, coverage: [a], builds: {a: b}}}]\n",
    "alertmanager-wrong.yaml": "sources:\n  - {name: a, type: alertmanager, url: 'http://x', urls: ['http://y']}\n"
                               "  - {name: b, type: alertmanager, urls: []}\n  - {name: c, type: alertmanager}\n"
                               "  - {name: d, type: alertmanager, urls: 'http://x', ack_silence: 1ms, paging_severities: {}}\n",
    "duplicate-names.yaml": "sources: [{name: a, type: demo}, {name: a, type: demo}, {name: A, type: demo}]\n",
    "types.yaml": "user: [a]\nwindow: {a: b}\ntheme: ''\nread_only: maybe\nworking_hours: []\noutage_severities: {}\n"
                  "change_failure_window: [1h]\nsources: []\n",
    "severities.yaml": "outage_severities: [critical, CRITICAL, ' high', sev1, [x], ~]\nsources: []\n",
    "time-zones.yaml": "working_hours: {time_zone: " + "Europe/Berlin" * 40 + "}\nsources: []\n",
    "time-zone-odd.yaml": "working_hours: {time_zone: '../../etc/passwd'}\nsources: []\n",
    "hours.yaml": "working_hours: {start: 18, end: 9}\nsources: []\n",
    "theme-path.yaml": "theme: ../../../../etc/passwd.yaml\nsources: []\n",
}
durations = ["1e400s", "99999999999999999999999d", "36501d", ".s", "5.m", "1h-1m", "-1s", "1", "1 s", "1S", "1µs",
             "10\uff53", "\u0663\u0660s", "0s", "0.0001ms", "1h30", "1.5.5h", "", "ms", "1" * 400 + "ms", "1d" * 1_000]
for i, d in enumerate(durations):
    config_nasty["duration-%02d.yaml" % i] = "change_failure_window: '%s'\nsources: [{name: d, type: prometheus, url: 'http://x', " \
                                            "poll_interval: '%s', timeout: '%s'}]\n" % (d, d, d)
for name, text in config_nasty.items():
    write("config", "gen-" + name, text)

theme_nasty = {
    "colors.yaml": "palette:\n" + "".join("  c%d: '%s'\n" % (i, c) for i, c in enumerate([
        "#GGGGGG", "#fff", "#-12345", "#+FFFFF", "#1234567", "256", "-1", "99999999999999999999999", "\u0663",
        "bright_red", "BRIGHT-RED", "default", "", " ", "#\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9", "０"])),
    "palette-chain.yaml": "palette:\n" + "".join("  p%d: p%d\n" % (i + 1, i) for i in range(500)).replace("p1: p0", "p1: red", 1)
                          + "roles: {text: p500}\n",
    "palette-self.yaml": "palette: {a: a}\nroles: {text: a}\n",
    "unknown-role.yaml": "roles: {" + "x" * 4_000 + ": red}\n",
    "unknown-palette-ref.yaml": "palette: {" + "p" * 1_000 + ": red}\nroles: {text: " + "q" * 1_000 + "}\n",
    "unknown-attr.yaml": "roles: {text: {fg: red, attrs: [bold, " + "b" * 4_000 + "]}}\n",
    "roles-wrong.yaml": "roles: [text]\n", "roles-null.yaml": "roles: ~\npalette: ~\nansi16: ~\n",
    "style-wrong.yaml": "roles: {text: {fg: [red]}, critical: [a], high: {nope: 1}, warning: {attrs: {a: b}}}\n",
    "ansi16-wrong.yaml": "palette: {a: '#123456'}\nansi16: {text: a, critical: 200, high: {fg: x, nope: y}, info: [a]}\n",
    "name-wrong.yaml": "name: [a]\n", "name-empty.yaml": "name: ''\n", "top-unknown.yaml": "colours: {}\n",
}
for name, text in theme_nasty.items():
    write("theme", "gen-" + name, text)

# Alertmanager's running configuration (/api/v2/status config.original): the routing tree that
# says under which key each alert paged PagerDuty.
routes_seed = """route:
  receiver: "null"
  group_by: [alertname]
  routes:
  - receiver: pd
    group_by: [alertname, cluster]
    matchers: ['severity=~"crit.*"', team="db"]
    continue: true
    routes:
    - receiver: pd
      match: {env: prod}
      match_re: {region: eu-.*}
  - receiver: pd2
    group_by: ['...']
    matchers: [team="web", 'path!~"/x\\"y"', instance!=a]
receivers:
- name: "null"
- name: pd
  pagerduty_configs: [{routing_key: <secret>, url: 'http://127.0.0.1:1/v2/enqueue'}]
- name: pd2
  pagerduty_configs: [{routing_key: <secret>}]
"""
write("alertmanager-routes", "seed-tree.yaml", routes_seed)
routes_nasty = {
    "no-route.yaml": "receivers: []\n", "route-scalar.yaml": "route: x\n", "routes-scalar.yaml": "route: {routes: x}\n",
    "bad-regex.yaml": "route:\n  receiver: p\n  routes: [{matchers: ['a=~\"(\"', 'b!~\"[\"'], match_re: {c: '*'}}]\n"
                      "receivers: [{name: p, pagerduty_configs: [{}]}]\n",
    "matchers-odd.yaml": "route:\n  receiver: p\n  routes: [{matchers: ['', '=', '!', 'a', '=b', 'a==b', 'a=~', '\"\"=\"\"',"
                         " 'a=\"unclosed', 'a=\"\\\\\"', [x], {y: z}]}]\nreceivers: [{name: p, pagerduty_configs: [x]}]\n",
    "deep.yaml": "route:\n" + "".join("  " * i + "  receiver: p\n" + "  " * i + "  routes:\n" + "  " * i + "  -\n"
                                      for i in range(60)) + "receivers: [{name: p, pagerduty_configs: [{}]}]\n",
    "wide.yaml": "route:\n  receiver: p\n  routes:\n" + "".join("  - {matchers: ['n%d=~\"v.*\"'], continue: true}\n" % i
                                                              for i in range(300)) + "receivers: [{name: p, pagerduty_configs: [{}]}]\n",
    "group-by-odd.yaml": "route:\n  receiver: p\n  group_by: [[a], {b: c}, '...', '']\nreceivers: [{name: p, pagerduty_configs: [{}]}]\n",
}
for name, text in routes_nasty.items():
    write("alertmanager-routes", "gen-" + name, text)
for name, text in yaml_nasty.items():
    write("alertmanager-routes", "gen-" + name, text)

print("wrote %d bytes into %s" % (written, OUT))
