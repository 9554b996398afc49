import Foundation

/// Basic authentication (and TLS) for the real Prometheus and Alertmanager, through their
/// `--web.config.file` (the exporter-toolkit web config): one user whose password is kept as a
/// bcrypt hash, as the file requires. The hash was made once with
/// `python3 -c "import crypt; print(crypt.crypt('vigil-test-password', crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))"`
/// (cost 4, the lowest, so that each request's check stays cheap).
public enum WebBasicAuth {
    /// The user.
    public static let user = "vigil"
    /// The password the hash is of.
    public static let password = "vigil-test-password"
    /// `bcrypt(password)`.
    static let hash = "$2b$04$0O1ToSwBopOChGCis1WNoel2Z1J.APsJ7zgAi82P7znQvilEze686"

    /// The self-signed certificate and its key (`CN=127.0.0.1`, valid until 2126), made with
    /// `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 36500
    /// -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1,DNS:localhost`.
    static var certificate: URL { PagerDutyServer.repository.appendingPathComponent("Tests/Fixtures/tls/self-signed.crt") }
    static var key: URL { PagerDutyServer.repository.appendingPathComponent("Tests/Fixtures/tls/self-signed.key") }

    /// The header line that passes, for the readiness check.
    static var header: String { "Authorization: Basic " + Data("\(user):\(password)".utf8).base64EncodedString() }

    /// Writes the web config (basic auth, TLS with the self-signed certificate, or both) into
    /// `directory` and returns its path.
    static func write(into directory: URL, basicAuth: Bool = true, selfSignedTLS: Bool = false) throws -> String {
        var text = ""
        if basicAuth { text += "basic_auth_users:\n  \(user): \(hash)\n" }
        if selfSignedTLS { text += "tls_server_config:\n  cert_file: \(certificate.path)\n  key_file: \(key.path)\n" }
        let file = directory.appendingPathComponent("web.yml")
        try Data(text.utf8).write(to: file)
        return file.path
    }
}
