#if canImport(Glibc)
    import Glibc
#endif

/// A descriptor set-up done in the new process before it runs the program.
public enum FileAction: Sendable, Equatable {
    /// `open(path, flags, mode)` onto descriptor `fd`.
    case open(fd: Int32, path: String, flags: Int32, mode: mode_t = 0o644)
    /// `dup2(from, to)`: `to` becomes a copy of this process's `from` (and
    /// loses close-on-exec, so it is inherited).
    case dup2(from: Int32, to: Int32)
}
