import PromshardProtocol

/// Typed access to the free-form `params` of a request. A parameter of the
/// wrong type is a bad request; an absent (or null) one is `nil`.
extension ExecutorRequest {
    /// A boolean parameter.
    public func boolParam(_ key: String) throws(ExecutorBadRequest) -> Bool? {
        switch params[key] {
        case nil, .null?: return nil
        case .bool(let b)?: return b
        case let other?: throw ExecutorBadRequest("params.\(key) must be a boolean, got \(kind(other))")
        }
    }

    /// A string parameter.
    public func stringParam(_ key: String) throws(ExecutorBadRequest) -> String? {
        switch params[key] {
        case nil, .null?: return nil
        case .string(let s)?: return s
        case let other?: throw ExecutorBadRequest("params.\(key) must be a string, got \(kind(other))")
        }
    }

    /// An integer parameter (a JSON number without fraction).
    public func intParam(_ key: String) throws(ExecutorBadRequest) -> Int? {
        switch params[key] {
        case nil, .null?: return nil
        case .number(let n)? where n.rounded() == n && abs(n) < 9.0e15: return Int(n)
        case let other?: throw ExecutorBadRequest("params.\(key) must be an integer, got \(kind(other))")
        }
    }

    /// A list of strings (`["a", "b"]`).
    public func stringListParam(_ key: String) throws(ExecutorBadRequest) -> [String]? {
        switch params[key] {
        case nil, .null?: return nil
        case .array(let items)?:
            var strings: [String] = []
            for (i, item) in items.enumerated() {
                guard case .string(let s) = item else {
                    throw ExecutorBadRequest("params.\(key)[\(i)] must be a string, got \(kind(item))")
                }
                strings.append(s)
            }
            return strings
        case let other?:
            throw ExecutorBadRequest("params.\(key) must be a list of strings, got \(kind(other))")
        }
    }

    /// A mapping parameter (`{...}`).
    public func objectParam(_ key: String) throws(ExecutorBadRequest) -> [String: JSONValue]? {
        switch params[key] {
        case nil, .null?: return nil
        case .object(let object)?: return object
        case let other?: throw ExecutorBadRequest("params.\(key) must be a mapping, got \(kind(other))")
        }
    }

    /// A string parameter that must be one of `allowed`.
    public func choiceParam(_ key: String, _ allowed: [String]) throws(ExecutorBadRequest) -> String? {
        guard let value = try stringParam(key) else { return nil }
        guard allowed.contains(value) else {
            throw ExecutorBadRequest(
                "params.\(key) must be one of \(allowed.joined(separator: ", ")), got \(value.debugDescription)"
            )
        }
        return value
    }

    /// The keys of `params` that are not in `known`, sorted (to reject typos).
    public func unknownParams(known: [String]) -> [String] {
        params.keys.filter { !known.contains($0) }.sorted()
    }

    private func kind(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
