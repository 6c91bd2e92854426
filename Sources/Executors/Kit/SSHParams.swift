import PromshardProtocol

/// Parameters shared by the executors that reach collectors over ssh
/// (`scp`, `ansible`): checked the same way, with the same messages.
extension ExecutorRequest {
    /// Fails with the list of known keys when `params` has any other key.
    public func rejectUnknownParams(known: [String], executor: String) throws(ExecutorBadRequest) {
        let unknown = unknownParams(known: known)
        guard unknown.isEmpty else {
            throw ExecutorBadRequest(
                "unknown params \(unknown.joined(separator: ", ")) (the \(executor) executor knows \(known.joined(separator: ", ")))"
            )
        }
    }

    /// A path parameter: non-empty, no control characters.
    public func pathParam(_ key: String) throws(ExecutorBadRequest) -> String? {
        guard let path = try stringParam(key) else { return nil }
        guard !path.isEmpty, !path.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
            throw ExecutorBadRequest("params.\(key) must be a non-empty path without control characters")
        }
        return path
    }

    /// `port`: an ssh port, 1-65535.
    public func sshPortParam() throws(ExecutorBadRequest) -> Int? {
        guard let port = try intParam("port") else { return nil }
        guard (1...65535).contains(port) else {
            throw ExecutorBadRequest("params.port must be 1-65535, got \(port)")
        }
        return port
    }

    /// `connect_timeout`: whole seconds, at least 1.
    public func connectTimeoutParam() throws(ExecutorBadRequest) -> Int? {
        guard let timeout = try intParam("connect_timeout") else { return nil }
        guard timeout >= 1 else {
            throw ExecutorBadRequest("params.connect_timeout must be at least 1 (seconds), got \(timeout)")
        }
        return timeout
    }
}
