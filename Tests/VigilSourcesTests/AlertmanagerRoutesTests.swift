import Foundation
import Testing
@testable import VigilSources

// The keys Alertmanager pages PagerDuty under, computed from its routing tree. The expected
// values are the `dedup_key`s Alertmanager 0.25 itself sent for these alerts and this
// configuration (its `config.original`, as /api/v2/status returns it), captured from a real run;
// AlertmanagerPagerDutyMergeTests checks the same against a running Alertmanager.

private let configuration = """
    global:
      resolve_timeout: 5m
    route:
      receiver: "null"
      group_by:
      - alertname
      continue: false
      routes:
      - receiver: pd
        group_by:
        - alertname
        - cluster
        matchers:
        - severity=~"crit.*"
        - team="db"
        continue: true
        routes:
        - receiver: pd
          match:
            env: prod
          match_re:
            region: eu-.*
          continue: false
      - receiver: pd2
        group_by:
        - '...'
        matchers:
        - team="web"
        continue: false
      group_wait: 1s
    receivers:
    - name: "null"
    - name: pd
      pagerduty_configs:
      - routing_key: <secret>
        url: http://127.0.0.1:18999/v2/enqueue
    - name: pd2
      pagerduty_configs:
      - routing_key: <secret>
    """

@Suite struct AlertmanagerRoutesTests {
    @Test func keysAreTheDedupKeysAlertmanagerSent() throws {
        let routes = try AlertmanagerRoutes(configuration: configuration)
        #expect(routes.pagingReceivers == ["pd", "pd2"])
        // Reaches the first child, none of its children.
        #expect(routes.pageKeys(for: ["alertname": "DiskFull", "severity": "critical", "team": "db", "cluster": "c1",
                                      "instance": "a"])
                == ["3cbe2a9339f5a17023951f20b4d79821ba6db8f55cd9a3846c457e37b482651a"])
        // Reaches the grandchild: match and match_re (anchored in the key), group_by inherited.
        #expect(routes.pageKeys(for: ["alertname": "DiskFull", "severity": "critical", "team": "db", "cluster": "c1",
                                      "env": "prod", "region": "eu-west-1", "instance": "b"])
                == ["3bcc5bb69d9568c469c2e80a2204c765e57a7fc0e5bed97b900d31048801044b"])
        // group_by '...': every label, quoted as Go does (a quote, a space, a non-ASCII letter).
        #expect(routes.pageKeys(for: ["alertname": "Slow", "team": "web", "path": "/x y\"q", "instance": "é"])
                == ["f150d81976d382e013fa3c1dfbf7357f90ef8253b126467c9e57d4bc84785d6e"])
        // Routed to the root's receiver, which does not page.
        #expect(routes.pageKeys(for: ["alertname": "Noise", "severity": "warning"]).isEmpty)
    }

    @Test func theGroupKeyIsBuiltAsAlertmanagerBuildsIt() {
        #expect(AlertmanagerRoutes.groupLabels(["b": "2", "a": "1", "c": "3"], ["b", "a", "missing"]) == "{a=\"1\", b=\"2\"}")
        #expect(AlertmanagerRoutes.groupLabels(["a": "x"], []) == "{}")
        #expect(AlertmanagerRoutes.goQuoted("tab\there \\ \u{1} é") == "\"tab\\there \\\\ \\x01 é\"")
        // A hand-written matcher list reads like the marshalled one.
        let bare = AlertmanagerRoutes.parse(matcher: "team = db")
        #expect(bare?.text == "team=\"db\"")
        #expect(AlertmanagerRoutes.parse(matcher: "path!~\"/a\\\"b\"")?.text == "path!~\"/a\\\"b\"")
        #expect(AlertmanagerRoutes.hash("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func continueReachesEveryMatchingSiblingAndAnUnreadableRegexMatchesNothing() throws {
        let routes = try AlertmanagerRoutes(configuration: """
            route:
              receiver: pd
              routes:
              - receiver: pd
                matchers: ['team="db"']
                continue: true
              - receiver: pd
                matchers: ['team=~"d.*"']
              - receiver: pd
                matchers: ['team="db"']
            receivers:
            - name: pd
              pagerduty_configs: [{routing_key: x}]
            """)
        // Two routes reached (the second stops the search), so two groups, two keys.
        let keys = routes.pageKeys(for: ["team": "db"])
        #expect(keys == [AlertmanagerRoutes.hash("{}/{team=\"db\"}:{}"), AlertmanagerRoutes.hash("{}/{team=~\"d.*\"}:{}")])
        // A regex Foundation cannot read: no key rather than a guess.
        let odd = try AlertmanagerRoutes(configuration: """
            route:
              receiver: pd
              routes:
              - receiver: pd
                matchers: ['team=~"(unclosed"']
            receivers:
            - name: pd
              pagerduty_configs: [{routing_key: x}]
            """)
        #expect(odd.pageKeys(for: ["team": "db"]).isEmpty)
        // Without a PagerDuty receiver nothing has a key; a configuration without a route is refused.
        let quiet = try AlertmanagerRoutes(configuration: "route: {receiver: x}\nreceivers: [{name: x}]")
        #expect(!quiet.pages && quiet.pageKeys(for: ["a": "b"]).isEmpty)
        #expect(throws: AlertmanagerRoutes.Unreadable.self) { try AlertmanagerRoutes(configuration: "receivers: []") }
    }
}
