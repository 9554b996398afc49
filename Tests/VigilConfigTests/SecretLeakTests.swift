import Foundation
import Testing
import VigilSources
@testable import VigilConfig

/// No error text ever contains a secret, wherever it was put.
@Suite struct SecretLeakTests {
    /// Every way a config can go wrong near a secret, with the secret available in the
    /// environment and in a file.
    static let cases: [String] = [
        // Inline secrets.
        "sources: [{name: p, type: prometheus, url: http://p:1, auth: {bearer_token: \(token)}}]",
        "sources: [{name: p, type: prometheus, url: http://p:1, auth: {token: \(token)}}]",
        "sources: [{name: p, type: prometheus, url: http://p:1, auth: {basic: {username: u, password: \(token)}}}]",
        "password: \(token)\nsources: [{name: d, type: demo}]",
        // The secret pasted where a name or path belongs.
        "sources: [{name: p, type: prometheus, url: http://p:1, auth: {bearer_token_env: \(token)}}]",
        "sources: [{name: p, type: prometheus, url: http://p:1, auth: {bearer_token_file: \(token)}}]",
        "sources: [{name: p, type: prometheus, url: http://p:1, auth: {basic: {username: u, password_env: \(token)}}}]",
        "sources: [{name: p, type: prometheus, url: http://p:1, auth: \(token)}]",
        "sources: [{name: p, type: prometheus, url: http://p:1, auth: [\(token)]}]",
        "sources: [{name: p, type: prometheus, url: http://p:1, auth: {\(token): x}}]",
        // The secret in a URL.
        "sources: [{name: p, type: prometheus, url: \"http://u:\(token)@p:1\"}]",
        "sources: [{name: p, type: prometheus, url: \"http://p:1/?token=\(token)\"}]",
        "sources: [{name: p, type: prometheus, url: \"\(token)\"}]",
        // Secrets that load, next to another error.
        "sources: [{name: p, type: prometheus, url: http://p:1, auth: {bearer_token_env: PROM_TOKEN}, timeout: x}]",
        "sources: [{name: p, type: prometheus, url: http://p:1, auth: {bearer_token_file: /s/token}}, {name: p, type: demo}]",
        "sources: [{name: p, type: prometheus, url: http://p:1, auth: {bearer_token_env: PROM_TOKEN, bearer_token_file: /s/token}}]",
        // Secret files that are empty or missing, variables that are empty.
        "sources: [{name: p, type: prometheus, url: http://p:1, auth: {bearer_token_file: /s/empty}}]",
        "sources: [{name: p, type: prometheus, url: http://p:1, auth: {bearer_token_env: EMPTY}}]",
        // A syntax error on the line holding a secret.
        "sources:\n  - name: p\n    auth: {bearer_token: \(token)\n  - x: [",
        "sources: [{name: p, type: prometheus, url: http://p:1, auth: {bearer_token: \"\(token)}}]",
    ]

    @Test(arguments: cases)
    func errorsNeverContainTheSecret(yaml: String) throws {
        let env = ["PROM_TOKEN": token, "EMPTY": "", "AM_PASSWORD": token]
        let files = ["/s/token": token, "/s/empty": ""]
        let errors = ConfigLoader.validate(yaml: yaml, file: configFile, environment: env) { path in
            guard let text = files[path] else { throw NoSuchFile() }
            return text
        }
        #expect(!errors.isEmpty)
        for e in errors {
            for text in [e.description, String(describing: e), String(reflecting: e), e.message, "\(e.problem)"] {
                #expect(!text.contains(token), "\(text)")
                #expect(!text.contains(String(token.prefix(10))), "\(text)")
            }
        }
    }

    @Test func aPastedTokenIsNotMistakenForAName() {
        #expect(ConfigReader.looksLikeVariableName("PROM_TOKEN"))
        #expect(ConfigReader.looksLikeVariableName("prometheus_bearer_token"))
        #expect(ConfigReader.looksLikeVariableName("AWS_SECRET_ACCESS_KEY"))
        #expect(!ConfigReader.looksLikeVariableName(token))
        #expect(!ConfigReader.looksLikeVariableName("ghp_16C7e42F292c6912E7710c838347Ae178B4a"))
        #expect(!ConfigReader.mightBeSecret("/run/secrets/prom-token"))
        #expect(!ConfigReader.mightBeSecret("~/.config/vigil/am-password"))
        #expect(ConfigReader.mightBeSecret("eyJhbGciOiJIUzI1NiJ9.e30.sig"))
    }
}
