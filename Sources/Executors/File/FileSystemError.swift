#if canImport(Glibc)
    import Glibc
#endif

/// A failed file-system call, with the path and `strerror` text.
struct FileSystemError: Error, CustomStringConvertible {
    var message: String

    /// An error for `operation` on `path` from the current `errno`.
    static func errno(_ operation: String, _ path: String, _ code: Int32 = Glibc.errno) -> FileSystemError {
        FileSystemError(message: "cannot \(operation) \(path): \(String(cString: strerror(code)))")
    }

    var description: String { message }
}
