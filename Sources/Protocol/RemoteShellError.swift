/// An argument that cannot be passed safely to a remote shell.
public struct RemoteShellError: Error, Sendable, Equatable, CustomStringConvertible {
    public var argument: String
    public var reason: String
    public init(argument: String, reason: String) {
        self.argument = argument
        self.reason = reason
    }
    public var description: String { "remote argument \(argument.debugDescription) \(reason)" }
}
