/// A failed Consul request. Messages name the method and path, never the
/// token (it travels only in the `X-Consul-Token` header).
public enum ConsulError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No HTTP answer: connection refused, timeout, TLS, DNS.
    case unreachable(request: String, reason: String)
    /// 403: the ACL token is missing or lacks a permission.
    case forbidden(request: String, message: String)
    /// Any other non-2xx answer (404 is returned to the caller where it means something).
    case status(request: String, code: Int, message: String)
    /// A 2xx answer whose body could not be decoded.
    case badAnswer(request: String, reason: String)
    /// The task waiting for the answer was cancelled (a new config, a stop): nothing was learnt.
    case cancelled(request: String)

    public var description: String {
        switch self {
        case .unreachable(let r, let why): "consul \(r): unreachable: \(why)"
        case .forbidden(let r, let m): "consul \(r): permission denied (check consul.token): \(m)"
        case .status(let r, let code, let m): "consul \(r): HTTP \(code): \(m)"
        case .badAnswer(let r, let why): "consul \(r): unexpected answer: \(why)"
        case .cancelled(let r): "consul \(r): cancelled"
        }
    }
}
