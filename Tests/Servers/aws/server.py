#!/usr/bin/env python3
"""AWS answers moto cannot produce (CodeDeploy deployments that failed, succeeded, were rolled
back; CodeDeploy in moto stays "Created"), served in the shapes AWS documents, behind a real
signature check: every request's SigV4 signature is recomputed with botocore (the AWS SDK for
Python's own signer, installed with moto) from the key id's secret, and a wrong one is refused
403 InvalidSignatureException, as AWS does, and recorded.

    server.py --port PORT

CloudWatch (awsJson1.0, GraniteServiceVersion20100801.*): DescribeAlarms (3 alarms a page with
NextToken, so paging is exercised; MaxRecords at most 100), DescribeAlarmHistory (StateUpdate items
between StartDate and EndDate, newest first, 4 a page with NextToken), ListTagsForResource.

Keys: AKIDVIGILTEST / vigil-test-secret-key; AKIDDENIED / denied-secret-key signs correctly and is
refused every call with AccessDeniedException, as a user without the permission is. CodePipeline (awsJson1.1, CodePipeline_20150709.*):
ListPipelines, ListPipelineExecutions (newest first, maxResults at most 100, nextToken), executions
in every status moto cannot make (Failed, InProgress, Stopped, Superseded, ROLLBACK). CodeDeploy (awsJson1.1, X-Amz-Target
CodeDeploy_20141006.*): ListDeployments (createTimeRange; 20 ids a page with nextToken;
applicationName without deploymentGroupName is refused, as AWS does), BatchGetDeployments (at most
25 ids, as AWS allows).

Test controls: GET /-/ready; POST /-/deployments {"region": "us-east-1", "deployments": [info, ...]}
(BatchGetDeployments' deploymentInfo shape; times as epoch seconds); POST /-/throttle {"count": N}
(the next N calls get ThrottlingException); POST /-/executions
{"region": ..., "pipeline": "name", "executions": [summary, ...]}; POST /-/alarms {"region": ...,
"alarms": [MetricAlarm, ...], "history": [AlarmHistoryItem, ...]}; GET /-/requests, /-/violations.
"""
import argparse
import json
import re
import sys
import threading

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

sys.path.insert(0, __file__.rsplit("/", 2)[0])
import testserver  # noqa: E402

SECRETS = {"AKIDVIGILTEST": "vigil-test-secret-key", "AKIDDENIED": "denied-secret-key"}
PAGE = 20
AUTH = re.compile(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request, "
                  r"SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$")


class State:
    def __init__(self):
        self.lock = threading.RLock()
        self.fault = {}
        self.deployments = {}      # region -> [info]
        self.executions = {}       # (region, pipeline) -> [summary]
        self.alarms = {}           # region -> [alarm]
        self.throttle = 0          # the next N calls are throttled
        self.history = {}          # region -> [history item]
        self.requests, self.violations = [], []


def check_signature(method, path, headers, body):
    """None when the signature is right, else why not."""
    auth = headers.get("authorization", "")
    m = AUTH.match(auth)
    if not m:
        return "no SigV4 Authorization header"
    key, day, region, service, signed, signature = m.groups()
    if key not in SECRETS:
        return f"unknown access key {key}"
    names = signed.split(";")
    if names != sorted(names):
        return "SignedHeaders not sorted"
    amz_date = headers.get("x-amz-date", "")
    if not amz_date.startswith(day):
        return "X-Amz-Date is not the credential scope's day"
    request = AWSRequest(method=method, url=f"http://{headers.get('host', '')}{path}", data=body,
                         headers={n: headers[n] for n in names if n in headers})
    request.context["timestamp"] = amz_date
    signer = SigV4Auth(Credentials(key, SECRETS[key], headers.get("x-amz-security-token")), service, region)
    canonical = signer.canonical_request(request)
    expected = signer.signature(signer.string_to_sign(request, canonical), request)
    return None if expected == signature else f"signature does not match botocore's ({expected[:12]}…)"


def make_handler(state):
    class Handler(testserver.Handler):
        def reply(self, status, obj, error_type=None):
            data = json.dumps(obj).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/x-amz-json-1.1")
            if error_type:
                self.send_header("x-amzn-ErrorType", error_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def refuse(self, status, kind, message, record=True):
            if record:
                with state.lock:
                    state.violations.append({"method": "POST", "path": self.path, "problems": [f"{kind}: {message}"]})
            return self.reply(status, {"__type": kind, "message": message}, kind)

        def do_GET(self):
            with state.lock:
                if self.path == "/-/ready":
                    return self.reply(200, {})
                if self.path == "/-/requests":
                    return self.reply(200, {"requests": state.requests})
                if self.path == "/-/violations":
                    return self.reply(200, {"violations": state.violations})
            self.reply(404, {})

        def do_POST(self):
            body = self.read_body()
            if self.path == "/-/deployments":
                p = json.loads(body)
                with state.lock:
                    state.deployments.setdefault(p["region"], []).extend(p["deployments"])
                return self.reply(200, {})
            if self.path == "/-/throttle":
                with state.lock:
                    state.throttle = json.loads(body)["count"]
                return self.reply(200, {})
            if self.path == "/-/alarms":
                p = json.loads(body)
                with state.lock:
                    state.alarms.setdefault(p["region"], []).extend(p.get("alarms", []))
                    state.history.setdefault(p["region"], []).extend(p.get("history", []))
                return self.reply(200, {})
            if self.path == "/-/executions":
                p = json.loads(body)
                with state.lock:
                    state.executions.setdefault((p["region"], p["pipeline"]), []).extend(p["executions"])
                return self.reply(200, {})
            headers = {k.lower(): v for k, v in self.headers.items()}
            target = headers.get("x-amz-target", "")
            with state.lock:
                state.requests.append({"method": "POST", "path": self.path, "target": target})
            problem = check_signature("POST", self.path, headers, body)
            if problem:
                return self.refuse(403, "InvalidSignatureException", problem)
            region = AUTH.match(headers["authorization"]).group(3)
            with state.lock:
                throttled = state.throttle > 0
                state.throttle -= 1 if throttled else 0
            if throttled:
                return self.reply(400, {"__type": "ThrottlingException", "message": "Rate exceeded"}, "ThrottlingException")
            if AUTH.match(headers["authorization"]).group(1) == "AKIDDENIED":
                # A signature AWS accepts, from a user whose policy allows nothing.
                operation = target.split(".")[-1]
                service = ("codedeploy" if target.startswith("CodeDeploy") else
                           "cloudwatch" if target.startswith("Granite") else "codepipeline")
                return self.reply(400, {"__type": "AccessDeniedException", "message": f"User: arn:aws:iam::123456789012:"
                                        f"user/denied is not authorized to perform: {service}:{operation}"},
                                  "AccessDeniedException")
            want = "application/x-amz-json-1.0" if target.startswith("GraniteServiceVersion20100801.") \
                else "application/x-amz-json-1.1"
            if headers.get("content-type") != want:
                return self.refuse(400, "SerializationException", f"Content-Type must be {want}")
            request = json.loads(body or b"{}")
            if target == "GraniteServiceVersion20100801.DescribeAlarms":
                if not 1 <= request.get("MaxRecords", 50) <= 100:
                    return self.refuse(400, "InvalidParameterValue", "MaxRecords must be between 1 and 100")
                with state.lock:
                    alarms = [a for a in state.alarms.get(region, [])
                              if a["AlarmName"].startswith(request.get("AlarmNamePrefix", ""))]
                start = int(request.get("NextToken") or 0)
                out = {"MetricAlarms": alarms[start:start + 3], "CompositeAlarms": []}
                if start + 3 < len(alarms):
                    out["NextToken"] = str(start + 3)
                return self.reply(200, out)
            if target == "GraniteServiceVersion20100801.DescribeAlarmHistory":
                lo, hi = request.get("StartDate", 0), request.get("EndDate", 1e12)
                with state.lock:
                    items = sorted((h for h in state.history.get(region, [])
                                    if lo <= h["Timestamp"] <= hi and h.get("HistoryItemType") == request.get(
                                        "HistoryItemType", h.get("HistoryItemType"))),
                                   key=lambda h: h["Timestamp"], reverse=True)
                start = int(request.get("NextToken") or 0)
                out = {"AlarmHistoryItems": items[start:start + 4]}
                if start + 4 < len(items):
                    out["NextToken"] = str(start + 4)
                return self.reply(200, out)
            if target == "GraniteServiceVersion20100801.ListTagsForResource":
                return self.reply(200, {"Tags": [{"Key": "severity", "Value": "critical"}]})
            with state.lock:
                all_ = sorted(state.deployments.get(region, []), key=lambda d: d["createTime"], reverse=True)
            if target == "CodeDeploy_20141006.ListDeployments":
                if "applicationName" in request and "deploymentGroupName" not in request:
                    return self.refuse(400, "DeploymentGroupNameRequiredException",
                                       "If applicationName is specified, then deploymentGroupName must be specified.")
                r = request.get("createTimeRange", {})
                ids = [d["deploymentId"] for d in all_
                       if r.get("start", 0) <= d["createTime"] <= r.get("end", 1e12)]
                start = int(request.get("nextToken") or 0)
                out = {"deployments": ids[start:start + PAGE]}
                if start + PAGE < len(ids):
                    out["nextToken"] = str(start + PAGE)
                return self.reply(200, out)
            if target == "CodeDeploy_20141006.BatchGetDeployments":
                ids = request.get("deploymentIds", [])
                if not 1 <= len(ids) <= 25:
                    return self.refuse(400, "BatchLimitExceededException", "The maximum number of names or IDs allowed "
                                       "for this request (25) was exceeded.")
                by_id = {d["deploymentId"]: d for d in all_}
                return self.reply(200, {"deploymentsInfo": [by_id[i] for i in ids if i in by_id]})
            if target == "CodePipeline_20150709.ListPipelines":
                with state.lock:
                    names = sorted({p for (r, p) in state.executions if r == region})
                return self.reply(200, {"pipelines": [{"name": n, "version": 1} for n in names]})
            if target == "CodePipeline_20150709.ListPipelineExecutions":
                limit = request.get("maxResults", 100)
                if not isinstance(limit, int) or not 1 <= limit <= 100:
                    return self.refuse(400, "ValidationException", "maxResults must be between 1 and 100")
                with state.lock:
                    key = (region, request.get("pipelineName"))
                    if key not in state.executions:
                        return self.refuse(400, "PipelineNotFoundException", f"Account '123456789012' does not have a "
                                           f"pipeline with name '{key[1]}'", record=False)
                    runs = sorted(state.executions[key], key=lambda e: e["startTime"], reverse=True)
                start = int(request.get("nextToken") or 0)
                out = {"pipelineExecutionSummaries": runs[start:start + limit]}
                if start + limit < len(runs):
                    out["nextToken"] = str(start + limit)
                return self.reply(200, out)
            return self.refuse(400, "UnknownOperationException", f"{target} is not served here")

    return testserver.handler_for(Handler, state)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    testserver.serve("aws", args.port, make_handler(State()))


if __name__ == "__main__":
    main()
