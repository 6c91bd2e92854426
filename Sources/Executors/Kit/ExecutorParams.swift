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
