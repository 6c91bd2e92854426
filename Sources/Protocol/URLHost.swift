/// An address as it stands before `:port` in a URL or a `host:port` name:
/// IPv6 addresses get brackets (`[::1]`), anything else is unchanged.
public func urlHost(_ address: String) -> String {
    address.contains(":") && !address.hasPrefix("[") ? "[\(address)]" : address
}
