import Foundation
import Testing
import VigilSources
@testable import VigilConfig

@Suite struct GitHubConfigTests {
    @Test func aGitHubSourceWithEveryKey() throws {
        let config = try load("""
            sources:
              - name: gh
                type: github
                url: https://ghe.example.com/api/v3
                token_env: GH_TOKEN
                repositories: [octo-org/checkout, octo-org/search]
                organization: octo-org
                repository_filter: ^svc-
                deploy_workflows: [deploy.yml, Ship]
                rollback_workflows: [rollback.yml]
                environment: prod
                rework_patterns: [hotfix, "^fix/"]
                history: 14d
                poll_interval: 2m
            """, env: ["GH_TOKEN": token])
        let gh = try #require(config.sources.first?.settings as? GitHubSettings)
        #expect(gh.url.absoluteString == "https://ghe.example.com/api/v3")
        #expect(gh.token == Secret(value: token, origin: "env GH_TOKEN"))
        #expect(gh.repositories == ["octo-org/checkout", "octo-org/search"])
        #expect(gh.organization == "octo-org" && gh.repositoryFilter == "^svc-")
        #expect(gh.decoder.deployWorkflows == ["deploy.yml", "Ship"] && gh.decoder.rollbackWorkflows == ["rollback.yml"])
        #expect(gh.decoder.defaultEnvironment == "prod" && gh.decoder.reworkPatterns == ["hotfix", "^fix/"])
        #expect(gh.history == .seconds(14 * 86_400) && gh.pollInterval == .seconds(120))
        #expect(!config.description.contains(token))
        #expect(config.description.contains("gh (github) https://ghe.example.com/api/v3 every 2m"))
        #expect(config.description.contains("token from env GH_TOKEN"))
    }

    @Test func everyProblemOfAGitHubEntryAtOnce() {
        let errors = ConfigLoader.validate(yaml: """
            sources:
              - name: gh
                type: github
                repositories: [checkout, octo-org/search]
                repository_filter: "(svc"
                rework_patterns: [hotfix, "[revert"]
                deploy_workflow: [deploy.yml]
            """, file: configFile, environment: [:], readFile: { _ in "" })
        let text = errors.map(\.description).joined(separator: "\n")
        #expect(errors.map(\.key) == ["sources[0].repositories[0]", "sources[0].repository_filter",
                                      "sources[0].rework_patterns[1]", "sources[0].deploy_workflow"])
        #expect(text.contains("did you mean 'deploy_workflows'"))
        #expect(text.contains("'checkout' is not owner/name"))
        #expect(text.contains("'(svc' is not a regular expression"))
        #expect(text.contains("'[revert' is not a regular expression"))
    }

    @Test func withoutRepositoriesOrAnOrganisationItSaysWhatToAdd() {
        let errors = ConfigLoader.validate(yaml: "sources: [{name: gh, type: github}]", file: configFile, environment: [:],
                                           readFile: { _ in "" })
        #expect(errors.map(\.description).joined().contains("repositories: [octo-org/checkout] (or organization: octo-org)"))
        let filter = ConfigLoader.validate(yaml: "sources: [{name: gh, type: github, repositories: [a/b], repository_filter: x}]",
                                           file: configFile, environment: [:], readFile: { _ in "" })
        #expect(filter.map(\.description).joined().contains("repository_filter picks among an organisation's repositories"))
    }
}
