import Foundation
import Testing
import VigilSources
@testable import VigilConfig

@Suite struct PagerDutyConfigTests {
    @Test func aPagerDutySourceWithEveryKey() throws {
        let config = try load("""
            sources:
              - name: pd
                type: pagerduty
                api_key_env: PD_TOKEN
                from: aisha@example.com
                services: [PXYZ123, checkout-api]
                teams: Checkout
                region: eu
                poll_interval: 45s
                history: 14d
            """, env: ["PD_TOKEN": token])
        let pd = try #require(config.sources.first?.settings as? PagerDutySettings)
        #expect(pd.url == PagerDutySettings.euURL)
        #expect(pd.apiKey == Secret(value: token, origin: "env PD_TOKEN"))
        #expect(pd.from == "aisha@example.com")
        #expect(pd.services == ["PXYZ123", "checkout-api"] && pd.teams == ["Checkout"])
        #expect(pd.pollInterval == .seconds(45) && pd.history == .seconds(14 * 86_400))
        #expect(pd.actions == nil)
        #expect(!config.description.contains(token))
        #expect(config.description.contains("pd (pagerduty) https://api.eu.pagerduty.com every 45s"))
        #expect(config.description.contains("API key from env PD_TOKEN, acting as aisha@example.com"))
    }

    @Test func withoutFromItReadsButOffersNoActions() throws {
        let config = try load("sources: [{name: pd, type: pagerduty, api_key_file: /run/pd}]", files: ["/run/pd": token])
        let pd = try #require(config.sources.first?.settings as? PagerDutySettings)
        #expect(pd.url == PagerDutySettings.usURL && pd.from == nil)
        #expect(pd.actions == [])
        #expect(config.description.contains("read-only (no from:)"))
    }

    @Test func everyProblemOfAPagerDutyEntryAtOnce() {
        let errors = ConfigLoader.validate(yaml: """
            sources:
              - name: pd
                type: pagerduty
                api_key: \(token)
                from: aisha
                region: eu
                url: https://api.pagerduty.com
                history: 1y
            """, file: configFile, environment: [:], readFile: { _ in "" })
        let text = errors.map(\.description).joined(separator: "\n")
        #expect(errors.map(\.key) == ["sources[0]", "sources[0].api_key", "sources[0].from", "sources[0].url",
                                      "sources[0].history"])
        #expect(text.contains("missing required key 'api_key_env'"))
        #expect(text.contains("'api_key:' is refused"))
        #expect(text.contains("'aisha' is not an e-mail address"))
        #expect(text.contains("'region' and 'url' cannot both be given"))
        #expect(!text.contains(token))
    }
}
