import Foundation
import PromshardConfig

/// A `jobs.store` of the form `postgres://user:password@host:port/database?sslmode=…`
/// (also `postgresql://`), parsed without I/O.
///
/// - `user`, `password` and `database` are percent-decoded (write `%40` for
///   an `@` in a password); `port` defaults to 5432, `database` to the user.
/// - `sslmode`: `disable` (plain TCP), `prefer` (TLS when the server offers
///   it, else plain), `require` (TLS or no connection). TLS always verifies
///   the server's certificate against the system's trust store and its host
///   name. The default is `disable` for a loopback host (`127.0.0.0/8`,
///   `localhost`, `::1`) and `require` for every other host, so a password
///   never crosses a network in clear unless the URL says so.
///
/// ``description`` and every error show the URL with the password replaced
/// by `<redacted>`; the password itself is only handed to the driver.
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    /// How the connection uses TLS.
    public enum TLSMode: String, Sendable, Equatable {
        case disable, prefer, require
    }

    public var user: String
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String
    public var tls: TLSMode
    /// The URL as written, password redacted.
    public var redacted: String

    public var description: String { redacted }

    /// Whether `host` is on this machine's loopback.
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// Parses `url`; the error names what is wrong, never the password.
    public static func parse(_ url: String) throws(JobError) -> PostgresURL {
        let redacted = JobsSettings.redact(url)
        func bad(_ why: String) -> JobError { .store("\(redacted): \(why)") }
        guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
            throw bad("not a postgres:// URL")
        }
        guard let parts = URLComponents(string: url) else {
            throw bad("not a valid URL (percent-encode special characters of the user or password)")
        }
        guard let user = parts.percentEncodedUser.flatMap({ $0.removingPercentEncoding }), !user.isEmpty
        else {
            throw bad("no user (postgres://user:password@host:port/database)")
        }
        var host = parts.host ?? ""
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw bad("no host") }
        let port = parts.port ?? 5432
        guard (1...65535).contains(port) else { throw bad("port \(port) is out of range") }
        let path = parts.percentEncodedPath.removingPercentEncoding ?? ""
        let database = path.hasPrefix("/") ? String(path.dropFirst()) : path
        guard !database.contains("/") else { throw bad("the database name \"\(database)\" holds a /") }
        var tls: TLSMode = isLoopback(host) ? .disable : .require
        for item in parts.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                let value = item.value ?? ""
                switch value {
                case "disable": tls = .disable
                case "prefer", "allow": tls = .prefer
                case "require", "verify-ca", "verify-full": tls = .require
                default: throw bad("sslmode=\(value): use disable, prefer or require")
                }
            default:
                throw bad("unknown parameter \"\(item.name)\" (only sslmode is understood)")
            }
        }
        return PostgresURL(
            user: user, password: parts.percentEncodedPassword.flatMap { $0.removingPercentEncoding },
            host: host, port: port, database: database.isEmpty ? user : database, tls: tls,
            redacted: redacted)
    }

    /// `host:port/database` (no user, no password), for messages.
    public var endpoint: String {
        let h = host.contains(":") ? "[\(host)]" : host
        return "\(h):\(port)/\(database)"
    }
}
