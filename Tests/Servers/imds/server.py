#!/usr/bin/env python3
"""An EC2 instance metadata service (IMDSv2 only) on loopback, for the AWS credential tests:
PUT /latest/api/token (with X-aws-ec2-metadata-token-ttl-seconds) gives a token; the GETs below
need it in X-aws-ec2-metadata-token, or answer 401 as IMDSv2 does.

    GET /latest/meta-data/iam/security-credentials/        -> the role's name
    GET /latest/meta-data/iam/security-credentials/ROLE    -> {"Code": "Success", "AccessKeyId": ..., "Token": ..., "Expiration": ...}

    server.py --port PORT [--role NAME] [--expires-in SECONDS]
It also answers as the ECS container credentials endpoint: GET /v2/credentials/ID with the
Authorization header the task's AWS_CONTAINER_AUTHORIZATION_TOKEN gives ("ecs-token"; else 403).

Test controls: GET /-/ready, GET /-/requests.
"""
import argparse
import datetime
import json
import secrets
import sys

sys.path.insert(0, __file__.rsplit("/", 2)[0])
import testserver  # noqa: E402


class State:
    def __init__(self, role, expires_in):
        import threading
        self.lock = threading.RLock()
        self.fault = {}
        self.role, self.expires_in = role, expires_in
        self.tokens = set()
        self.requests = []


def make_handler(state):
    class Handler(testserver.Handler):
        def reply(self, status, body, ctype="text/plain"):
            data = body.encode() if isinstance(body, str) else body
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_PUT(self):
            with state.lock:
                state.requests.append({"method": "PUT", "path": self.path, "headers": dict(self.headers.items())})
            ttl = self.headers.get("X-aws-ec2-metadata-token-ttl-seconds")
            if self.path != "/latest/api/token" or not ttl or not ttl.isdigit() or not 1 <= int(ttl) <= 21600:
                return self.reply(400, "Bad Request")
            token = secrets.token_urlsafe(32)
            with state.lock:
                state.tokens.add(token)
            self.reply(200, token)

        def do_GET(self):
            if self.path == "/-/ready":
                return self.reply(200, "{}", "application/json")
            if self.path == "/-/requests":
                with state.lock:
                    return self.reply(200, json.dumps({"requests": state.requests}), "application/json")
            with state.lock:
                state.requests.append({"method": "GET", "path": self.path, "headers": dict(self.headers.items())})
                known = self.headers.get("X-aws-ec2-metadata-token") in state.tokens
            if self.path.startswith("/v2/credentials/"):
                if self.headers.get("Authorization") != "ecs-token":
                    return self.reply(403, "Forbidden")
                expires = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=state.expires_in)
                return self.reply(200, json.dumps({
                    "AccessKeyId": "ASIAECSEXAMPLE", "SecretAccessKey": "ecs-secret", "Token": "ecs-session-token",
                    "Expiration": expires.strftime("%Y-%m-%dT%H:%M:%SZ"), "RoleArn": "arn:aws:iam::123456789012:role/task"}),
                    "application/json")
            if not known:
                return self.reply(401, "Unauthorized")
            base = "/latest/meta-data/iam/security-credentials/"
            if self.path == base:
                return self.reply(200, state.role)
            if self.path == base + state.role:
                expires = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=state.expires_in)
                return self.reply(200, json.dumps({
                    "Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": "ASIAIMDSEXAMPLE",
                    "SecretAccessKey": "imds-secret-" + state.role, "Token": "imds-session-token",
                    "Expiration": expires.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "LastUpdated": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}),
                    "application/json")
            self.reply(404, "Not Found")

    return testserver.handler_for(Handler, state)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--role", default="vigil-reader")
    parser.add_argument("--expires-in", type=int, default=6 * 3600)
    args = parser.parse_args()
    testserver.serve("imds", args.port, make_handler(State(args.role, args.expires_in)))


if __name__ == "__main__":
    main()
