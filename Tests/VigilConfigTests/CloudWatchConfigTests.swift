import Foundation
import Testing
import VigilSources
@testable import VigilConfig

@Suite struct CloudWatchConfigTests {
    @Test func everyProblemOfACloudWatchEntryAtOnce() {
        let errors = ConfigLoader.validate(yaml: """
            sources:
              - name: aws
                type: cloudwatch
                regions: [us-east-1, Frankfurt]
                default_severity: urgent
                calls_per_minute: 1
                name_pattern: "(?<service>"
              - name: aws2
                type: cloudwatch
                profile: prod
            """, file: configFile, environment: [:], readFile: { _ in "" })
        let text = errors.map(\.description).joined(separator: "\n")
        #expect(errors.map(\.key) == ["sources[0].regions[1]", "sources[0].default_severity", "sources[0].calls_per_minute",
                                      "sources[0].name_pattern", "sources[1]"], "\(text)")
        #expect(text.contains("'Frankfurt' is not an AWS region name; write it as the CLI does, e.g. us-east-1"))
        #expect(text.contains("calls_per_minute is a whole number from 2 to 6000"))
        #expect(text.contains("missing required key 'regions'"))
    }

    @Test func theSummarySaysWhereCredentialsComeFromAndNoSecret() throws {
        let config = try load("sources: [{name: aws, type: cloudwatch, regions: [eu-west-1], profile: prod}]")
        #expect(config.description.contains("aws (cloudwatch) regions eu-west-1 every 1m"))
        #expect(config.description.contains("credentials from profile prod"))
    }
}
