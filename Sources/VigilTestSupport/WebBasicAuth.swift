import Foundation

/// Basic authentication for the real Prometheus and Alertmanager, through their `--web.config.file`
/// (the exporter-toolkit web config): one user whose password is kept as a bcrypt hash, as the
/// file requires. The hash was made once with
/// `python3 -c "import crypt; print(crypt.crypt('vigil-test-password', crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))"`
/// (cost 4, the lowest, so that each request's check stays cheap).
public enum WebBasicAuth {
    /// The user.
    public static let user = "vigil"
    /// The password the hash is of.
    public static let password = "vigil-test-password"
    /// `bcrypt(password)`.
    static let hash = "$2b$04$0O1ToSwBopOChGCis1WNoel2Z1J.APsJ7zgAi82P7znQvilEze686"

    /// The web config file's text.
    static let webConfig = "basic_auth_users:\n  \(user): \(hash)\n"

    /// The header line that passes, for the readiness check.
    static var header: String { "Authorization: Basic " + Data("\(user):\(password)".utf8).base64EncodedString() }

    /// Writes the web config into `directory` and returns its path.
    static func write(into directory: URL) throws -> String {
        let file = directory.appendingPathComponent("web.yml")
        try Data(webConfig.utf8).write(to: file)
        return file.path
    }
}
