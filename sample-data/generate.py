#!/usr/bin/env python3
"""Generates Vigil's demo scenario: 30 days of a fictional company's operations data.

Every file is written in the exact shape the real API returns, so the demo source runs the real
decoders. Python 3 standard library only; a fixed random seed makes the output deterministic:
running this script twice gives byte-identical files.

    python3 sample-data/generate.py            # writes next to this script
    python3 sample-data/generate.py OUT_DIR    # writes elsewhere

See README.md beside this script for what each file is and which API it imitates.
"""

import hashlib
import json
import math
import os
import random
import sys
import uuid
from datetime import datetime, timedelta, timezone

SEED = 20261126
R = random.Random(SEED)

ENDS_AT = datetime(2026, 11, 26, 14, 37, 0, tzinfo=timezone.utc)  # a Thursday afternoon
DAYS = 30
START = ENDS_AT - timedelta(days=DAYS)

COMPANY = "Northwind Outfitters"
ORG = "northwind"
REPO = "northwind/platform"
PD_HOST = "https://northwind.pagerduty.com"
PD_API = "https://api.pagerduty.com"
RUNBOOKS = "https://runbooks.northwind.example"
GRAFANA = "https://grafana.northwind.example"
PROM = "https://prometheus.northwind.example"
DEMO_USER = "demo-oncall"

# name: (team, prod version at the start, relative deploy weight, relative incident weight)
SERVICES = {
    "checkout": ("Commerce", (2, 14, 0), 1.3, 1.1),
    "payments": ("Commerce", (1, 8, 0), 0.9, 1.0),
    "search": ("Discovery", (3, 3, 0), 1.1, 1.3),
    "auth": ("Platform", (5, 2, 0), 0.7, 0.8),
    "inventory": ("Commerce", (4, 1, 0), 1.0, 1.0),
    "notifications": ("Messaging", (0, 22, 0), 0.9, 1.4),
    "api-gateway": ("Platform", (1, 31, 0), 0.8, 0.9),
}
SERVICE_NAMES = list(SERVICES)

ENGINEERS = [
    ("Priya Raman", "priya.raman"), ("Marcus Chen", "marcus.chen"), ("Sofia Alvarez", "sofia.alvarez"),
    ("Jonas Weber", "jonas.weber"), ("Aisha Okafor", "aisha.okafor"), ("Tomás Herrera", "tomas.herrera"),
]
DEVELOPERS = ENGINEERS + [
    ("Lena Fischer", "lena.fischer"), ("Daniel Kim", "daniel.kim"), ("Grace Liu", "grace.liu"),
    ("Omar Haddad", "omar.haddad"), ("Hannah Novak", "hannah.novak"), ("Ravi Patel", "ravi.patel"),
]


def pd_id(prefix="P", n=6):
    return prefix + "".join(R.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(n))


SERVICE_IDS = {s: pd_id() for s in SERVICE_NAMES}
TEAM_IDS = {t: pd_id() for t in sorted({v[0] for v in SERVICES.values()})}
POLICY_IDS = {s: pd_id() for s in SERVICE_NAMES}
USER_IDS = {name: pd_id() for name, _ in ENGINEERS}
PRIORITY_IDS = {p: pd_id() for p in ("P1", "P2", "P3", "P4")}


def iso(t, millis=False):
    t = t.astimezone(timezone.utc)
    if millis:
        return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def clamp_end(t):
    return min(t, ENDS_AT)


def is_off_hours(t):
    return t.weekday() >= 5 or t.hour < 8 or t.hour >= 19


def on_call(t):
    """Weekly rotation, hand-over on Monday 09:00 UTC."""
    week = int(((t - timedelta(hours=9)) - datetime(2026, 1, 5, tzinfo=timezone.utc)).days // 7)
    return ENGINEERS[week % len(ENGINEERS)][0]


def secondary(t):
    week = int(((t - timedelta(hours=9)) - datetime(2026, 1, 5, tzinfo=timezone.utc)).days // 7)
    return ENGINEERS[(week + 1) % len(ENGINEERS)][0]


def lognormal_minutes(median, spread=0.6, lo=0.5, hi=None):
    v = median * math.exp(R.gauss(0, spread))
    v = max(lo, v)
    if hi is not None:
        v = min(hi, v)
    return timedelta(minutes=v)


def seconds_jitter():
    return timedelta(seconds=R.randint(0, 59))


def vstr(v):
    return "v%d.%d.%d" % v


def weighted_service(index):
    weights = [SERVICES[s][index] for s in SERVICE_NAMES]
    return R.choices(SERVICE_NAMES, weights=weights)[0]


# --------------------------------------------------------------------------------------------
# Incident titles (realistic and varied). {n} is filled with a plausible number.

TITLES = {
    "checkout": [
        ("Checkout 5xx error rate above 5% for 10 minutes", "high-error-rate"),
        ("Checkout p99 latency > 2s", "high-latency"),
        ("cart-service pods in CrashLoopBackOff (prod-eu-1)", "crashloop"),
        ("Order submission failing for EU customers (VAT lookup timeouts)", "vat-lookup"),
        ("checkout-db connection pool exhausted", "db-pool"),
        ("Promo code validation timing out", "promo-codes"),
        ("Abandoned-cart job failed 3 times in a row", "batch-jobs"),
        ("Checkout conversion dropped 40% below forecast", "conversion-drop"),
    ],
    "payments": [
        ("Card authorization failures > 3% (processor 502s)", "processor-errors"),
        ("Payments webhook queue backlog > 10k", "webhook-backlog"),
        ("Refund job failed: idempotency key conflict", "refund-job"),
        ("3-D Secure challenge timeouts above threshold", "3ds-timeouts"),
        ("payments-api p99 latency > 1.5s", "high-latency"),
        ("Settlement report export missing for yesterday", "settlement-report"),
        ("PayPal IPN callbacks returning 401", "paypal-ipn"),
    ],
    "search": [
        ("Search p99 latency > 1.5s", "high-latency"),
        ("Elasticsearch cluster health YELLOW: 4 unassigned shards", "es-health"),
        ("Search indexer lagging > 30 min behind catalog", "indexer-lag"),
        ("Autocomplete returning empty results for 12% of queries", "autocomplete"),
        ("search-api pods OOMKilled", "oomkilled"),
        ("Zero-result rate above 8%", "zero-results"),
        ("Synonyms reload failed on es-data-3", "synonyms"),
    ],
    "auth": [
        ("Login success rate below 95%", "login-failures"),
        ("JWT signing key rotation job failed", "key-rotation"),
        ("auth-service 5xx spike on /oauth/token", "token-errors"),
        ("SAML SSO callback errors for enterprise tenants", "saml"),
        ("Password reset emails delayed > 10 min", "password-reset"),
        ("Redis session store latency > 50ms", "session-store"),
    ],
    "inventory": [
        ("Inventory sync with warehouse WMS failing", "wms-sync"),
        ("Stock reservation deadlocks in inventory-db", "deadlocks"),
        ("inventory-api p99 latency > 800ms", "high-latency"),
        ("Negative stock counts detected for 37 SKUs", "negative-stock"),
        ("Kafka consumer lag on inventory-events > 50k", "consumer-lag"),
        ("Nightly stock reconciliation job did not finish", "reconciliation"),
    ],
    "notifications": [
        ("Push notification delivery rate below 90%", "push-delivery"),
        ("Email provider throttling (SES MaxSendRate exceeded)", "ses-throttling"),
        ("SMS gateway returning HTTP 429", "sms-429"),
        ("notifications-worker queue backlog > 20k", "queue-backlog"),
        ("Order confirmation emails delayed > 15 min", "email-delay"),
        ("APNs certificate expires in 14 days", "apns-cert"),
        ("Dead-letter queue has 1.2k messages", "dlq"),
    ],
    "api-gateway": [
        ("api-gateway 502s from upstream above 2%", "upstream-502"),
        ("TLS certificate for partners.northwind.example expires in 7 days", "tls-expiry"),
        ("Rate limiter Redis unavailable, failing open", "rate-limiter"),
        ("Gateway p99 latency > 1s", "high-latency"),
        ("Envoy config push rejected by 3 of 12 pods", "config-push"),
        ("Unusual 4xx spike from a single client IP range", "abuse"),
    ],
}

NOTES = [
    "Looking into it, dashboards show the spike started at the top of the hour.",
    "Scaled the deployment from 6 to 10 replicas as a mitigation.",
    "Upstream provider status page confirms degraded performance.",
    "Mitigated; keeping the incident open while we watch the error rate.",
    "Root cause: connection pool size too small after last week's traffic growth. Follow-up ticket created.",
    "Restarted the stuck consumer group; lag is draining.",
    "Status page updated.",
    "Flapping alert, threshold to be reviewed in the next ops review.",
]


class IncidentPlan:
    def __init__(self, service, title, slug, priority, urgency, created):
        self.service = service
        self.title = title
        self.slug = slug
        self.priority = priority
        self.urgency = urgency
        self.created = created
        self.ack = None  # (time, name)
        self.resolved = None  # (time, name or None for auto-resolve)
        self.notes = []  # (time, name, text)
        self.alerts = 1


def plan_lifecycle(inc, resolve_median, ack=True, auto_resolve=False, ack_median=None):
    t = inc.created
    off = is_off_hours(t)
    if ack:
        if ack_median is None:
            ack_median = 3.5 if inc.urgency == "high" else 35
            if off:
                ack_median *= 1.8
        delay = lognormal_minutes(ack_median, 0.55, lo=0.4, hi=40 if inc.urgency == "high" else 300)
        who = on_call(t) if delay < timedelta(minutes=15) else secondary(t)
        inc.ack = (t + delay + seconds_jitter(), who)
    start = inc.ack[0] if inc.ack else t
    dur = lognormal_minutes(resolve_median, 0.6, lo=6)
    end = start + dur
    if auto_resolve:
        inc.resolved = (end, None)
    else:
        inc.resolved = (end, inc.ack[1] if inc.ack else on_call(t))
    if inc.priority in ("P1", "P2") and inc.ack and R.random() < 0.7:
        span = (end - inc.ack[0]).total_seconds()
        inc.notes.append((inc.ack[0] + timedelta(seconds=span * R.uniform(0.2, 0.6)), inc.ack[1], R.choice(NOTES)))


# --------------------------------------------------------------------------------------------
# GitHub Actions runs: CI, Deploy, Rollback

CI_MESSAGES = [
    "Fix flaky test in {svc} order flow", "Bump grpc-go to 1.68.1", "Add retries to {svc} HTTP client",
    "Refactor {svc} config loading", "Add metrics for {svc} cache hit ratio", "Update README for local setup",
    "Tighten timeouts on {svc} DB calls", "Remove deprecated v1 endpoints from {svc}",
    "Add feature flag for new {svc} flow", "Improve error messages in {svc}", "Upgrade base image to debian 12.8",
    "Speed up {svc} integration tests", "Add index on orders.created_at", "Log request ids in {svc}",
    "Handle empty cart edge case", "Pin terraform provider versions", "Add pagination to {svc} admin API",
    "Migrate {svc} to structured logging", "Fix N+1 query in {svc}", "Increase test coverage for {svc} handlers",
    "Bump eslint from 9.13.0 to 9.15.0", "Drop support for legacy tokens in {svc}", "Add canary analysis step",
    "Correct currency rounding for JPY", "Cache {svc} lookups for 30s", "Add OpenTelemetry spans to {svc}",
]

FEATURE_PREFIXES = ["feat", "fix", "chore", "perf", "refactor", "deps"]

WORKFLOWS = {
    "CI": (48211, ".github/workflows/ci.yml"),
    "Deploy": (48212, ".github/workflows/deploy.yml"),
    "Rollback": (48213, ".github/workflows/rollback.yml"),
}


class Run:
    def __init__(self, workflow, created, duration, conclusion, title, branch, event, commit_msg,
                 commit_at, author):
        self.workflow = workflow
        self.created = created
        self.duration = duration  # timedelta, or None while in progress
        self.conclusion = conclusion  # None while in progress
        self.status = "completed" if conclusion else "in_progress"
        self.title = title
        self.branch = branch
        self.event = event
        self.commit_msg = commit_msg
        self.commit_at = commit_at
        self.author = author
        self.sha = hashlib.sha1(("%s|%s|%s" % (title, created.isoformat(), R.random())).encode()).hexdigest()


runs = []
incidents = []


def day_start(d):
    return START.replace(hour=0, minute=0, second=0) + timedelta(days=d)


def work_time(day, off_hours_chance=0.08):
    base = day_start(day)
    if R.random() < off_hours_chance:
        minutes = R.choice([R.uniform(0, 8 * 60), R.uniform(19 * 60, 24 * 60)])
    else:
        # Busier in the afternoon (UTC): 08:30-18:30 with a bump after lunch.
        minutes = R.triangular(8.5 * 60, 18.5 * 60, 14 * 60)
    return base + timedelta(minutes=minutes) + seconds_jitter()


def ci_runs():
    for day in range(DAYS + 1):
        date = day_start(day)
        weekend = date.weekday() >= 5
        count = R.randint(3, 8) if weekend else R.randint(26, 40)
        for _ in range(count):
            t = work_time(day, 0.3 if weekend else 0.07)
            if t <= START or t >= ENDS_AT - timedelta(minutes=1):
                continue
            svc = R.choice(SERVICE_NAMES)
            msg = R.choice(CI_MESSAGES).format(svc=svc)
            author = R.choice(DEVELOPERS)
            if R.random() < 0.3:
                branch, event = "main", "push"
            else:
                branch = "%s/%s-%s" % (R.choice(FEATURE_PREFIXES), svc, R.randint(100, 999))
                event = "pull_request"
            duration = lognormal_minutes(7, 0.35, lo=3, hi=15) + timedelta(seconds=R.randint(0, 59))
            roll = R.random()
            conclusion = "success" if roll < 0.9 else ("failure" if roll < 0.975 else "cancelled")
            if conclusion == "cancelled":
                duration = duration * R.uniform(0.2, 0.7)
            commit_at = t - timedelta(seconds=R.randint(20, 240))
            runs.append(Run("CI", t, duration, conclusion, msg, branch, event, msg, commit_at, author))
    # A few runs still going at the end of the scenario (and one queued).
    for minutes_before in (11, 6, 2):
        t = ENDS_AT - timedelta(minutes=minutes_before, seconds=R.randint(0, 50))
        svc = R.choice(SERVICE_NAMES)
        msg = R.choice(CI_MESSAGES).format(svc=svc)
        branch = "%s/%s-%s" % (R.choice(FEATURE_PREFIXES), svc, R.randint(100, 999))
        runs.append(Run("CI", t, None, None, msg, branch, "pull_request", msg,
                        t - timedelta(seconds=40), R.choice(DEVELOPERS)))
    q = Run("CI", ENDS_AT - timedelta(seconds=25), None, None, "Bump grpc-go to 1.68.2", "deps/grpc-go-1.68.2",
            "pull_request", "Bump grpc-go to 1.68.2", ENDS_AT - timedelta(seconds=70), ("dependabot[bot]", "dependabot"))
    q.status = "queued"
    runs.append(q)


def deploy_run(service, version, env, t, conclusion, duration, event="workflow_dispatch", author=None,
               commit_at=None, message=None, branch="main"):
    title = "Deploy %s %s to %s" % (service, vstr(version), env)
    author = author or R.choice(DEVELOPERS)
    message = message or "Release %s %s" % (service, vstr(version))
    commit_at = commit_at or (t - lognormal_minutes(180, 1.0, lo=8, hi=3 * 24 * 60))
    r = Run("Deploy", t, duration, conclusion, title, branch, event, message, commit_at, author)
    runs.append(r)
    return r


def rollback_run(service, version, t, duration, author):
    title = "Rollback %s to %s" % (service, vstr(version))
    r = Run("Rollback", t, duration, "success" if duration else None, title, "main", "workflow_dispatch",
            "Release %s %s" % (service, vstr(version)), t - timedelta(days=R.uniform(1, 6)), author)
    runs.append(r)
    return r


def bump(v, minor_chance=0.15):
    if R.random() < minor_chance:
        return (v[0], v[1] + 1, 0)
    return (v[0], v[1], v[2] + 1)


def deploys():
    prod = {s: SERVICES[s][1] for s in SERVICE_NAMES}  # version running in production
    previous = {s: None for s in SERVICE_NAMES}  # version before the current one
    frozen_until = {s: START for s in SERVICE_NAMES}
    pending_retry = {}  # service -> version of a failed deploy to retry
    forced_rollbacks = 4  # the first bad changes get a Rollback run
    forced_days = {5, 9, 16, 22}  # days with a bad change, whatever the dice say
    earlier_version_redeploy_done = False
    for day in range(DAYS + 1):
        date = day_start(day)
        weekend = date.weekday() >= 5
        count = R.randint(1, 3) if weekend else R.randint(12, 17)
        times = sorted(work_time(day, 0.05) for _ in range(count))
        for t in times:
            if t <= START + timedelta(minutes=30) or t >= ENDS_AT - timedelta(hours=2):
                continue
            svc = weighted_service(2)
            if frozen_until[svc] > t:
                continue
            # The fix after a failed deploy or a rollback goes out from a hotfix branch: rework
            # by branch name (METRICS.md, "Deployment rework rate"), whenever it comes.
            branch = "main"
            if svc in pending_retry:
                version = pending_retry.pop(svc)
                branch = "hotfix/%s-%s" % (svc, vstr(version))
            else:
                version = bump(prod[svc])
            # Staging first, most of the time.
            if R.random() < 0.35:
                st = t - lognormal_minutes(45, 0.5, lo=12, hi=240)
                if st > START:
                    deploy_run(svc, version, "staging", st, "success" if R.random() < 0.95 else "failure",
                               lognormal_minutes(5, 0.3, lo=3, hi=12))
            duration = lognormal_minutes(7, 0.3, lo=3, hi=14) + timedelta(seconds=R.randint(0, 59))
            failed = R.random() < 0.065
            run = deploy_run(svc, version, "production", t, "failure" if failed else "success", duration,
                             branch=branch)
            finished = t + duration
            if failed:
                pending_retry[svc] = version
                frozen_until[svc] = finished + timedelta(minutes=20)
                if R.random() < 0.35:
                    # The half-finished rollout breaks something.
                    inc = IncidentPlan(svc, *R.choice(TITLES[svc]), R.choice(["P2", "P3"]), "high",
                                       finished + lognormal_minutes(12, 0.6, lo=2, hi=55))
                    plan_lifecycle(inc, 35)
                    inc.notes.append((inc.ack[0] + timedelta(minutes=2), inc.ack[1],
                                      "Started right after the failed %s deploy (run #%s)." % (vstr(version), "{run}")))
                    inc.deploy = run
                    incidents.append(inc)
                continue
            previous[svc], prod[svc] = prod[svc], version
            bad = R.random() < 0.03 or (day in forced_days and svc != "auth")
            forced_days.discard(day)
            if bad:
                inc = IncidentPlan(svc, *R.choice(TITLES[svc]), R.choice(["P2", "P2", "P3"]), "high",
                                   finished + lognormal_minutes(14, 0.5, lo=3, hi=55))
                plan_lifecycle(inc, 30)
                if forced_rollbacks > 0 or R.random() < 0.5:
                    forced_rollbacks -= 1
                    target = previous[svc]
                    rb_at = inc.ack[0] + lognormal_minutes(8, 0.4, lo=3, hi=25)
                    rb_dur = lognormal_minutes(4, 0.3, lo=2, hi=8)
                    if not earlier_version_redeploy_done and forced_rollbacks <= 1:
                        # Someone rolls back by redeploying the earlier version with the normal workflow.
                        earlier_version_redeploy_done = True
                        rb = deploy_run(svc, target, "production", rb_at, "success", rb_dur, author=(inc.ack[1], ""))
                        text = "Redeployed %s %s via the Deploy workflow." % (svc, vstr(target))
                    else:
                        rb = rollback_run(svc, target, rb_at, rb_dur, (inc.ack[1], ""))
                        text = "Rolled back %s to %s." % (svc, vstr(target))
                    inc.notes.append((rb_at + timedelta(seconds=30), inc.ack[1], text))
                    inc.resolved = (rb_at + rb_dur + lognormal_minutes(8, 0.4, lo=3), inc.ack[1])
                    previous[svc], prod[svc] = None, target
                    pending_retry[svc] = bump(version, 0)
                    frozen_until[svc] = inc.resolved[0] + timedelta(hours=2)
                inc.deploy = run
                incidents.append(inc)
            elif R.random() < 0.05:
                frozen_until[svc] = finished + timedelta(minutes=30)
    return prod, previous


def special_incidents(prod):
    """Outages placed by hand so the story is always there."""
    def at(day, hh, mm):
        return day_start(day) + timedelta(hours=hh, minutes=mm, seconds=R.randint(0, 59))

    out = []
    # Night-time payments outage: card processor unreachable.
    a = IncidentPlan("payments", "Payments API returning 503: card processor unreachable", "processor-errors",
                     "P1", "high", at(3, 2, 41))
    a.ack = (a.created + timedelta(minutes=6, seconds=12), on_call(a.created))
    a.notes.append((a.created + timedelta(minutes=19), a.ack[1],
                    "Processor confirms a network incident in their eu-west region. Failing over to the secondary acquirer."))
    a.resolved = (a.created + timedelta(minutes=104), a.ack[1])
    a.alerts = 4
    out.append(a)
    # Daytime checkout outage.
    b = IncidentPlan("checkout", "Checkout down: orders cannot be placed (HTTP 500 on /orders)", "high-error-rate",
                     "P1", "high", at(10, 15, 8))
    b.ack = (b.created + timedelta(minutes=1, seconds=48), on_call(b.created))
    b.notes.append((b.created + timedelta(minutes=9), b.ack[1], "Status page updated: checkout degraded."))
    b.notes.append((b.created + timedelta(minutes=31), b.ack[1],
                    "Root cause: schema migration locked the orders table. Migration killed, writes recovering."))
    b.resolved = (b.created + timedelta(minutes=52), b.ack[1])
    b.alerts = 6
    out.append(b)
    # Two overlapping outages on auth.
    c = IncidentPlan("auth", "Login failing for all users (auth-service 5xx)", "login-failures", "P1", "high",
                     at(17, 14, 5))
    c.ack = (c.created + timedelta(minutes=2, seconds=30), on_call(c.created))
    c.notes.append((c.created + timedelta(minutes=22), c.ack[1], "Identity DB primary failed over; replicas catching up."))
    c.resolved = (c.created + timedelta(minutes=75), c.ack[1])
    c.alerts = 3
    out.append(c)
    d = IncidentPlan("auth", "SSO token validation errors: JWKS endpoint timing out", "saml", "P1", "high",
                     c.created + timedelta(minutes=35, seconds=14))
    d.ack = (d.created + timedelta(minutes=4, seconds=5), secondary(d.created))
    d.notes.append((d.created + timedelta(minutes=40), d.ack[1], "JWKS cache TTL raised to 1h; error rate falling."))
    d.resolved = (d.created + timedelta(minutes=95), d.ack[1])
    d.alerts = 2
    out.append(d)
    # Weekend night search outage.
    day = next(i for i in range(20, 28) if day_start(i).weekday() == 5)
    e = IncidentPlan("search", "Elasticsearch cluster RED: search unavailable", "es-health", "P1", "high",
                     at(day, 3, 12))
    e.ack = (e.created + timedelta(minutes=11, seconds=40), secondary(e.created))
    e.notes.append((e.created + timedelta(minutes=48), e.ack[1],
                    "Two data nodes lost their disks. Restoring replicas from snapshot."))
    e.resolved = (e.created + timedelta(minutes=131), e.ack[1])
    e.alerts = 9
    out.append(e)
    return out


def open_incidents(prod, previous):
    """What is going on at the end of the scenario (ENDS_AT)."""
    out = []
    ver = prod["checkout"]
    bad = bump(ver, 0)
    # A checkout deploy, then an ongoing outage, and a rollback being run right now.
    dep = deploy_run("checkout", bad, "production", ENDS_AT - timedelta(minutes=41, seconds=13), "success",
                     timedelta(minutes=7, seconds=22), author=("Lena Fischer", "lena.fischer"),
                     message="Switch payment step to the new PSP client")
    inc = IncidentPlan("checkout", "Checkout error rate 38%: payment step failing", "high-error-rate", "P1", "high",
                       ENDS_AT - timedelta(minutes=23, seconds=7))
    inc.ack = (inc.created + timedelta(minutes=3, seconds=41), on_call(inc.created))
    inc.notes.append((inc.created + timedelta(minutes=12), inc.ack[1],
                      "Suspect the %s deploy (new PSP client). Rolling back to %s." % (vstr(bad), vstr(ver))))
    inc.alerts = 5
    inc.deploy = dep
    out.append(inc)
    rollback_run("checkout", ver, ENDS_AT - timedelta(minutes=9, seconds=30), None, (inc.ack[1], ""))
    # Recently triggered pages nobody has acknowledged yet.
    s = IncidentPlan("search", "Search p99 latency > 1.5s", "high-latency", "P2", "high",
                     ENDS_AT - timedelta(minutes=3, seconds=20))
    out.append(s)
    n = IncidentPlan("notifications", "SMS gateway returning HTTP 429", "sms-429", "P3", "high",
                     ENDS_AT - timedelta(minutes=7, seconds=51))
    out.append(n)
    # Acknowledged and being worked on.
    i = IncidentPlan("inventory", "Inventory sync with warehouse WMS failing", "wms-sync", "P3", "high",
                     ENDS_AT - timedelta(hours=2, minutes=12, seconds=33))
    i.ack = (i.created + timedelta(minutes=5, seconds=2), on_call(i.created))
    i.notes.append((i.created + timedelta(minutes=40), i.ack[1], "WMS vendor investigating an expired API credential."))
    out.append(i)
    # Low urgency: does not page.
    g = IncidentPlan("api-gateway", "TLS certificate for partners.northwind.example expires in 7 days", "tls-expiry",
                     "P4", "low", ENDS_AT - timedelta(hours=5, minutes=4, seconds=9))
    out.append(g)
    # An in-progress deploy at the very end.
    deploy_run("inventory", bump(prod["inventory"], 0), "production", ENDS_AT - timedelta(minutes=3, seconds=5), None, None)
    return out


def random_incidents(count):
    out = []
    made = 0
    while made < count:
        t = START + timedelta(seconds=R.uniform(3600, (ENDS_AT - START).total_seconds() - 8 * 3600))
        # Pages follow traffic: fewer at night, but not none.
        hour = t.hour
        if (hour < 7 or hour >= 22) and R.random() < 0.55:
            continue
        svc = weighted_service(3)
        title, slug = R.choice(TITLES[svc])
        roll = R.random()
        priority = "P2" if roll < 0.22 else ("P3" if roll < 0.75 else "P4")
        urgency = "low" if priority == "P4" and R.random() < 0.7 else "high"
        inc = IncidentPlan(svc, title, slug, priority, urgency, t)
        auto = R.random() < 0.12
        if auto:
            plan_lifecycle(inc, 9, ack=False, auto_resolve=True)
        else:
            median = {"P2": 55, "P3": 70, "P4": 300}[priority]
            plan_lifecycle(inc, median, ack=R.random() < 0.95)
        inc.alerts = R.choice([1, 1, 1, 2, 3])
        out.append(inc)
        made += 1
    return out


# --------------------------------------------------------------------------------------------
# Rendering to the real API shapes

def user_ref(name):
    uid = USER_IDS.get(name, "PDEMO00")
    return {"id": uid, "type": "user_reference", "summary": name,
            "self": "%s/users/%s" % (PD_API, uid), "html_url": "%s/users/%s" % (PD_HOST, uid)}


def service_ref(svc):
    sid = SERVICE_IDS[svc]
    return {"id": sid, "type": "service_reference", "summary": svc,
            "self": "%s/services/%s" % (PD_API, sid), "html_url": "%s/service-directory/%s" % (PD_HOST, sid)}


def team_ref(team):
    tid = TEAM_IDS[team]
    return {"id": tid, "type": "team_reference", "summary": team,
            "self": "%s/teams/%s" % (PD_API, tid), "html_url": "%s/teams/%s" % (PD_HOST, tid)}


def render_pagerduty(plans):
    plans.sort(key=lambda p: p.created)
    incidents_json = []
    log_entries = []
    number = 4117
    for p in plans:
        number += 1
        pid = pd_id("Q", 6)
        team = SERVICES[p.service][0]
        html = "%s/incidents/%s" % (PD_HOST, pid)
        key = hashlib.md5(("%s|%s|%s" % (p.service, p.slug, p.created.isoformat())).encode()).hexdigest()
        status = "resolved" if p.resolved and p.resolved[0] <= ENDS_AT else ("acknowledged" if p.ack else "triggered")
        if status != "resolved":
            p.resolved = None
        if p.ack and p.ack[0] > ENDS_AT:
            p.ack = None
            status = "triggered" if status != "resolved" else status
        p.notes = [n for n in p.notes if n[0] <= ENDS_AT and (not p.resolved or n[0] < p.resolved[0])]
        runbook = "%s/%s/%s" % (RUNBOOKS, p.service, p.slug)
        dashboard = "%s/d/%s-overview/%s?orgId=1" % (GRAFANA, p.service, p.service)
        refs = lambda kind, eid: {
            "self": "%s/log_entries/%s?incident_id=%s" % (PD_API, eid, pid),
            "html_url": "%s/incidents/%s/log_entries/%s" % (PD_HOST, pid, eid)}
        inc_ref = {"id": pid, "type": "incident_reference", "summary": "[#%d] %s" % (number, p.title),
                   "self": "%s/incidents/%s" % (PD_API, pid), "html_url": html}
        contexts = [{"type": "link", "href": runbook, "text": "Runbook"},
                    {"type": "link", "href": dashboard, "text": "Grafana dashboard"}]
        trigger_id = pd_id("R", 13)
        trigger = {"id": trigger_id, "type": "trigger_log_entry", "summary": "Triggered through the API.",
                   **refs("trigger", trigger_id), "created_at": iso(p.created),
                   "agent": {"id": pd_id(), "type": "generic_events_api_inbound_integration_reference",
                             "summary": "Alertmanager (%s)" % team,
                             "self": "%s/services/%s/integrations/%s" % (PD_API, SERVICE_IDS[p.service], "PAM4FGS"),
                             "html_url": "%s/services/%s/integrations/%s" % (PD_HOST, SERVICE_IDS[p.service], "PAM4FGS")},
                   "channel": {"type": "api", "summary": p.title, "details_omitted": True},
                   "service": service_ref(p.service), "incident": inc_ref, "teams": [team_ref(team)],
                   "contexts": contexts, "event_details": {"description": p.title}}
        entries = [trigger]
        if p.ack:
            eid = pd_id("R", 13)
            entries.append({"id": eid, "type": "acknowledge_log_entry", "summary": "Acknowledged by %s." % p.ack[1],
                            **refs("ack", eid), "created_at": iso(p.ack[0]), "agent": user_ref(p.ack[1]),
                            "channel": {"type": R.choice(["mobile", "website", "sms"])},
                            "service": service_ref(p.service), "incident": inc_ref, "teams": [team_ref(team)],
                            "acknowledgement_timeout": 1800})
        for (t, who, text) in p.notes:
            eid = pd_id("R", 13)
            entries.append({"id": eid, "type": "annotate_log_entry", "summary": "Note added by %s." % who,
                            **refs("note", eid), "created_at": iso(t), "agent": user_ref(who),
                            "channel": {"type": "note", "summary": text},
                            "service": service_ref(p.service), "incident": inc_ref, "teams": [team_ref(team)],
                            "note": text})
        if p.resolved:
            eid = pd_id("R", 13)
            by = p.resolved[1]
            entries.append({"id": eid, "type": "resolve_log_entry",
                            "summary": "Resolved by %s." % by if by else "Resolved through the API.",
                            **refs("resolve", eid), "created_at": iso(p.resolved[0]),
                            "agent": user_ref(by) if by else trigger["agent"],
                            "channel": {"type": "website" if by else "api"},
                            "service": service_ref(p.service), "incident": inc_ref, "teams": [team_ref(team)]})
        log_entries.extend(entries)

        last_change = p.resolved[0] if p.resolved else (p.ack[0] if p.ack else p.created)
        last_by = (user_ref(p.resolved[1]) if p.resolved and p.resolved[1] else
                   (trigger["agent"] if p.resolved else (user_ref(p.ack[1]) if p.ack else service_ref(p.service))))
        updated = max([last_change] + [n[0] for n in p.notes])
        assignee = p.ack[1] if p.ack else on_call(p.created)
        alerts_resolved = p.alerts if status == "resolved" else max(0, p.alerts - 1)
        pending = []
        if status == "triggered" and p.urgency == "high":
            pending.append({"type": "escalate", "at": iso(p.created + timedelta(minutes=15))})
        if status == "acknowledged":
            pending.append({"type": "unacknowledge", "at": iso(p.ack[0] + timedelta(minutes=30))})
        incidents_json.append({
            "id": pid,
            "type": "incident",
            "summary": "[#%d] %s" % (number, p.title),
            "self": "%s/incidents/%s" % (PD_API, pid),
            "html_url": html,
            "incident_number": number,
            "title": p.title,
            "created_at": iso(p.created),
            "updated_at": iso(updated),
            "status": status,
            "incident_key": key,
            "service": service_ref(p.service),
            "assignments": [] if status == "resolved" else [{"at": iso(p.created), "assignee": user_ref(assignee)}],
            "assigned_via": "escalation_policy",
            "last_status_change_at": iso(last_change),
            "resolved_at": iso(p.resolved[0]) if p.resolved else None,
            "first_trigger_log_entry": trigger,
            "alert_counts": {"all": p.alerts, "triggered": p.alerts - alerts_resolved, "resolved": alerts_resolved},
            "is_mergeable": True,
            "incident_type": {"name": "incident_default"},
            "escalation_policy": {"id": POLICY_IDS[p.service], "type": "escalation_policy_reference",
                                  "summary": "%s on-call" % p.service,
                                  "self": "%s/escalation_policies/%s" % (PD_API, POLICY_IDS[p.service]),
                                  "html_url": "%s/escalation_policies/%s" % (PD_HOST, POLICY_IDS[p.service])},
            "teams": [team_ref(team)],
            "pending_actions": pending,
            # PagerDuty empties acknowledgements once an incident is resolved (see the Incident schema);
            # the acknowledge_log_entry in pagerduty-log-entries.json keeps who acknowledged it and when.
            "acknowledgements": ([{"at": iso(p.ack[0]), "acknowledger": user_ref(p.ack[1])}]
                                 if status == "acknowledged" else []),
            "alert_grouping": None,
            "last_status_change_by": last_by,
            "priority": {"id": PRIORITY_IDS[p.priority], "type": "priority_reference", "summary": p.priority,
                         "self": "%s/priorities/%s" % (PD_API, PRIORITY_IDS[p.priority])},
            "resolve_reason": None,
            "conference_bridge": ({"conference_number": "+1-415-555-0142,,,,%d#" % number,
                                   "conference_url": "https://meet.northwind.example/inc-%d" % number}
                                  if p.priority == "P1" else None),
            "incidents_responders": [],
            "responder_requests": [],
            "urgency": p.urgency,
        })
        p.pid = pid
        p.number = number
    # GET /incidents is sorted by created_at ascending by default; GET /log_entries newest first.
    log_entries.sort(key=lambda e: e["created_at"], reverse=True)
    return incidents_json, log_entries


def render_runs():
    runs.sort(key=lambda r: r.created)
    run_id = 11_820_034_117
    numbers = {w: n for w, n in (("CI", 18_240), ("Deploy", 6_411), ("Rollback", 73))}
    out = []
    for r in runs:
        run_id += R.randint(3, 40)
        numbers[r.workflow] += 1
        r.id = run_id
        workflow_id, path = WORKFLOWS[r.workflow]
        started = r.created + timedelta(seconds=R.randint(2, 25))
        if r.status == "queued":
            started = r.created
        updated = started + r.duration if r.duration else (started + timedelta(seconds=R.randint(5, 60)))
        if r.status != "completed":
            updated = min(updated, ENDS_AT)
        if r.status == "queued":
            updated = r.created
        author_name, author_login = r.author
        email = ("%s@northwind.example" % author_login) if author_login and "bot" not in author_login else \
            "49699333+dependabot[bot]@users.noreply.github.com"
        out.append({
            "id": run_id,
            "name": r.workflow,
            "node_id": "WFR_kwLO" + hashlib.sha1(str(run_id).encode()).hexdigest()[:16],
            "head_branch": r.branch,
            "head_sha": r.sha,
            "path": path,
            "display_title": r.title,
            "run_number": numbers[r.workflow],
            "event": r.event,
            "status": r.status,
            "conclusion": r.conclusion,
            "workflow_id": workflow_id,
            "url": "https://api.github.com/repos/%s/actions/runs/%d" % (REPO, run_id),
            "html_url": "https://github.com/%s/actions/runs/%d" % (REPO, run_id),
            "created_at": iso(r.created),
            "updated_at": iso(updated),
            "run_attempt": 1,
            "run_started_at": iso(started),
            "head_commit": {"id": r.sha, "tree_id": hashlib.sha1(r.sha.encode()).hexdigest(), "message": r.commit_msg,
                            "timestamp": iso(r.commit_at),
                            "author": {"name": author_name, "email": email},
                            "committer": {"name": "GitHub", "email": "noreply@github.com"}},
        })
    out.reverse()  # the API lists newest first
    return out


# --------------------------------------------------------------------------------------------
# Prometheus query_range matrices

BASE_P50 = {"checkout": 0.118, "payments": 0.174, "search": 0.061, "auth": 0.032, "inventory": 0.049,
            "notifications": 0.024, "api-gateway": 0.014}
BASE_ERR = {"checkout": 0.0021, "payments": 0.0034, "search": 0.0012, "auth": 0.0009, "inventory": 0.0016,
            "notifications": 0.0041, "api-gateway": 0.0011}
SPIKE = {"P1": (2.6, 6.5, 0.22), "P2": (1.6, 2.8, 0.035), "P3": (1.15, 1.5, 0.012), "P4": (1.0, 1.05, 0.0)}


def traffic(t):
    """Relative traffic: low at night (UTC), peaks in the evening, lighter at weekends."""
    h = t.hour + t.minute / 60
    day = 0.5 + 0.5 * math.sin((h - 9) / 24 * 2 * math.pi)
    return (0.85 if t.weekday() >= 5 else 1.0) * (0.35 + 0.65 * day)


def incident_effect(plans, svc, t):
    p50, p99, err = 1.0, 1.0, 0.0
    for p in plans:
        if p.service != svc or p.created > t:
            continue
        end = p.resolved[0] if p.resolved else ENDS_AT + timedelta(hours=1)
        if t <= end + timedelta(minutes=5):
            a, b, e = SPIKE[p.priority]
            p50, p99, err = max(p50, a), max(p99, b), max(err, e)
    return p50, p99, err


def fmt(v):
    if v != v:
        return "NaN"
    s = "%.9f" % v
    s = s.rstrip("0").rstrip(".")
    return s if s else "0"


def render_prometheus(plans):
    step = 3600
    end_ts = int(ENDS_AT.timestamp()) // step * step
    start_ts = end_ts - DAYS * 86400
    stamps = list(range(start_ts, end_ts + 1, step))
    p50s, p99s, errs = [], [], []
    nan_hours = set(R.sample(range(len(stamps)), 3))
    for svc in SERVICE_NAMES:
        v50, v99, ve = [], [], []
        for i, ts in enumerate(stamps):
            t = datetime.fromtimestamp(ts, timezone.utc)
            load = traffic(t)
            k50, k99, kerr = incident_effect(plans, svc, t)
            base = BASE_P50[svc] * (0.8 + 0.45 * load) * R.uniform(0.93, 1.07)
            p50 = base * k50
            p99 = base * R.uniform(6.0, 8.5) * (0.9 + 0.3 * load) * k99
            err = BASE_ERR[svc] * (0.7 + 0.6 * load) * R.uniform(0.8, 1.25) + kerr * R.uniform(0.85, 1.15)
            v50.append([ts, fmt(round(p50, 6))])
            v99.append([ts, fmt(round(p99, 6))])
            # notifications sends nothing in a few quiet hours: 0/0 is NaN in PromQL.
            ve.append([ts, "NaN" if svc == "notifications" and i in nan_hours else fmt(round(err, 7))])
        p50s.append({"metric": {"service": svc}, "values": v50})
        p99s.append({"metric": {"service": svc}, "values": v99})
        errs.append({"metric": {"service": svc}, "values": ve})

    cov_step = 6 * 3600
    cov_end = int(ENDS_AT.timestamp()) // cov_step * cov_step
    cov_stamps = list(range(cov_end - DAYS * 86400, cov_end + 1, cov_step))
    cov = 71.4
    dips = {int(len(cov_stamps) * 0.23): -1.6, int(len(cov_stamps) * 0.61): -2.3, int(len(cov_stamps) * 0.84): -0.9}
    values = []
    for i, ts in enumerate(cov_stamps):
        cov += 0.06 + R.gauss(0, 0.07)
        if i in dips:
            cov += dips[i]
        cov = max(60.0, min(95.0, cov))
        values.append([ts, fmt(round(cov, 2))])
    coverage = [{"metric": {"__name__": "ci_coverage_percent", "branch": "main", "job": "ci", "project": REPO},
                 "values": values}]
    wrap = lambda result: {"status": "success", "data": {"resultType": "matrix", "result": result}}
    return wrap(coverage), wrap(p50s), wrap(p99s), wrap(errs)


# --------------------------------------------------------------------------------------------
# Alertmanager: what is firing at the end

def fingerprint(labels):
    text = "\xff".join("%s\xff%s" % (k, labels[k]) for k in sorted(labels))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def render_alertmanager():
    silence_id = str(uuid.UUID(int=R.getrandbits(128), version=4))
    specs = [
        # Only alerts that Alertmanager routes to chat, not to PagerDuty: the paging ones already
        # are PagerDuty incidents, and Vigil does not yet correlate one problem across sources.
        ("HighLatencyP99", "checkout", "warning", "Commerce", 22 * 60 + 40, "active",
         "p99 latency 3.4s on checkout (threshold 2s)", "high-latency",
         'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="checkout"}[5m]))) > 2'),
        ("KafkaConsumerLagHigh", "inventory", "warning", "Commerce", 2 * 3600 + 9 * 60, "active",
         "Consumer group inventory-sync is 61k messages behind", "consumer-lag",
         'sum by (group) (kafka_consumergroup_lag{group="inventory-sync"}) > 50000'),
        ("DiskWillFillIn4Hours", "inventory", "warning", "Commerce", 3 * 3600 + 2 * 60, "silenced",
         "Volume data-inventory-db-0 will be full in about 4 hours", "disk-filling",
         'predict_linear(kubelet_volume_stats_available_bytes{persistentvolumeclaim="data-inventory-db-0"}[6h], 4 * 3600) < 0'),
        ("PodRestartsHigh", "notifications", "warning", "Messaging", 41 * 60 + 12, "active",
         "notifications-worker restarted 6 times in 30 minutes (OOMKilled)", "pod-restarts",
         'increase(kube_pod_container_status_restarts_total{container="notifications-worker"}[30m]) > 3'),
    ]
    alerts = []
    critical_fp = {}
    for (name, svc, sev, team, age_s, state, summary, slug, expr) in specs:
        labels = {"alertname": name, "env": "prod", "namespace": svc, "service": svc, "severity": sev,
                  "team": team.lower()}
        fp = fingerprint(labels)
        if sev == "critical":
            critical_fp[svc] = fp
        starts = ENDS_AT - timedelta(seconds=age_s, milliseconds=R.randint(0, 999))
        updated = ENDS_AT - timedelta(seconds=R.randint(2, 50), milliseconds=R.randint(0, 999))
        status = {"inhibitedBy": [], "silencedBy": [], "state": "active"}
        if state == "inhibited":
            status = {"inhibitedBy": [critical_fp[svc]], "silencedBy": [], "state": "suppressed"}
        elif state == "silenced":
            status = {"inhibitedBy": [], "silencedBy": [silence_id], "state": "suppressed"}
        query = expr.replace(" ", "+").replace('"', "%22").replace("{", "%7B").replace("}", "%7D")
        alerts.append({
            "annotations": {"description": "%s. See the runbook for triage steps." % summary, "summary": summary,
                            "runbook_url": "%s/%s/%s" % (RUNBOOKS, svc, slug),
                            "dashboard_url": "%s/d/%s-overview/%s?orgId=1" % (GRAFANA, svc, svc)},
            "endsAt": iso(updated + timedelta(minutes=4), millis=True),
            "fingerprint": fp,
            "receivers": [{"name": "slack-%s" % team.lower()}],
            "startsAt": iso(starts, millis=True),
            "status": status,
            "updatedAt": iso(updated, millis=True),
            "generatorURL": "%s/graph?g0.expr=%s&g0.tab=1" % (PROM, query),
            "labels": labels,
        })
    silence_start = ENDS_AT - timedelta(hours=2, minutes=48, seconds=17)
    silences = [{
        "id": silence_id,
        "status": {"state": "active"},
        "updatedAt": iso(silence_start, millis=True),
        "comment": "ACK: expanding the volume to 200Gi, ticket OPS-2291",
        "createdBy": "marcus.chen",
        "endsAt": iso(silence_start + timedelta(hours=8), millis=True),
        "matchers": [{"isEqual": True, "isRegex": False, "name": "alertname", "value": "DiskWillFillIn4Hours"},
                     {"isEqual": True, "isRegex": False, "name": "service", "value": "inventory"}],
        "startsAt": iso(silence_start, millis=True),
    }]
    return alerts, silences


# --------------------------------------------------------------------------------------------

def write_json(path, obj, per_line_key=None):
    """Pretty-prints small files; for big lists writes one compact element per line."""
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        if per_line_key is None:
            json.dump(obj, f, indent=2, ensure_ascii=False)
            f.write("\n")
            return
        if per_line_key == "*":
            items = obj
            f.write("[\n")
            f.write(",\n".join(json.dumps(x, ensure_ascii=False, separators=(",", ":")) for x in items))
            f.write("\n]\n")
            return
        head = {k: v for k, v in obj.items() if k != per_line_key}
        f.write("{")
        for k, v in head.items():
            f.write("%s:%s," % (json.dumps(k), json.dumps(v, separators=(",", ":"))))
        f.write('%s:[\n' % json.dumps(per_line_key))
        f.write(",\n".join(json.dumps(x, ensure_ascii=False, separators=(",", ":")) for x in obj[per_line_key]))
        f.write("\n]}\n")


def write_matrix(path, response):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write('{"status":"success","data":{"resultType":"matrix","result":[\n')
        f.write(",\n".join(json.dumps(x, separators=(",", ":")) for x in response["data"]["result"]))
        f.write("\n]}}\n")


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    os.makedirs(out_dir, exist_ok=True)

    ci_runs()
    prod, previous = deploys()
    incidents.extend(special_incidents(prod))
    incidents.extend(random_incidents(52))
    incidents.extend(open_incidents(prod, previous))
    plans = incidents
    pd_incidents, pd_log = render_pagerduty(plans)
    gh_runs = render_runs()
    # Fill in the run numbers referenced by notes now that runs have ids.
    for p in plans:
        dep = getattr(p, "deploy", None)
        if dep is None:
            continue
        for e in pd_log:
            if e["incident"]["id"] == p.pid and e["type"] == "annotate_log_entry" and "{run}" in e.get("note", ""):
                e["note"] = e["note"].replace("{run}", str(dep.id))
                e["channel"]["summary"] = e["note"]
    coverage, p50, p99, err = render_prometheus(plans)
    alerts, silences = render_alertmanager()

    write_json(os.path.join(out_dir, "scenario.json"), {
        "name": "%s: a month on call" % COMPANY,
        "description": ("30 days of operations at a fictional outdoor-gear retailer: about 330 production deploys "
                        "across 7 services, a few rollbacks, five outages (two overlapping on auth), and at the end "
                        "an ongoing checkout outage after a bad deploy, with the rollback running."),
        "endsAt": iso(ENDS_AT),
        "services": SERVICE_NAMES,
        "user": DEMO_USER,
        "repository": REPO,
        "seed": SEED,
    })
    write_json(os.path.join(out_dir, "pagerduty-incidents.json"),
               {"incidents": pd_incidents, "limit": 100, "offset": 0, "more": False, "total": len(pd_incidents)},
               per_line_key="incidents")
    write_json(os.path.join(out_dir, "pagerduty-log-entries.json"),
               {"log_entries": pd_log, "limit": 100, "offset": 0, "more": False, "total": len(pd_log)},
               per_line_key="log_entries")
    write_json(os.path.join(out_dir, "alertmanager-alerts.json"), alerts)
    write_json(os.path.join(out_dir, "alertmanager-silences.json"), silences)
    write_json(os.path.join(out_dir, "github-actions-runs.json"),
               {"total_count": len(gh_runs), "workflow_runs": gh_runs}, per_line_key="workflow_runs")
    write_matrix(os.path.join(out_dir, "prometheus-coverage.json"), coverage)
    write_matrix(os.path.join(out_dir, "prometheus-latency-p50.json"), p50)
    write_matrix(os.path.join(out_dir, "prometheus-latency-p99.json"), p99)
    write_matrix(os.path.join(out_dir, "prometheus-error-rate.json"), err)

    prod_deploys = [r for r in gh_runs if r["name"] == "Deploy" and r["display_title"].endswith("to production")]
    print("incidents: %d (open %d, P1 %d)" % (
        len(pd_incidents), sum(1 for i in pd_incidents if i["status"] != "resolved"),
        sum(1 for i in pd_incidents if i["priority"]["summary"] == "P1")))
    print("log entries: %d" % len(pd_log))
    print("runs: %d (CI %d, production deploys %d (failed %d), staging deploys %d, rollbacks %d)" % (
        len(gh_runs), sum(1 for r in gh_runs if r["name"] == "CI"), len(prod_deploys),
        sum(1 for r in prod_deploys if r["conclusion"] == "failure"),
        sum(1 for r in gh_runs if r["name"] == "Deploy" and r["display_title"].endswith("to staging")),
        sum(1 for r in gh_runs if r["name"] == "Rollback")))
    print("alerts: %d" % len(alerts))


if __name__ == "__main__":
    main()
