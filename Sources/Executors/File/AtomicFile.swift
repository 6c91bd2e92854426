#if canImport(Glibc)
    import Glibc
#endif

/// File operations of the `file` executor: whole-file reads, comparison and
/// the atomic replace (temp file in the same directory, fsync, rename, fsync
/// of the directory) that guarantees a reader sees either the old or the new
/// file, never a partial one, even across a crash.
enum AtomicFile {
    /// Prefix of the temporary files, hidden so that file_sd globs such as
    /// `*.json` never pick them up.
    static func temporaryPrefix(for dest: String) -> String {
        "\(directory(of: dest))/.\(baseName(of: dest)).promshard-"
    }

    /// Reads a whole regular file.
    static func read(_ path: String) throws(FileSystemError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .errno("read", path) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .errno("stat", path) }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw FileSystemError(message: "cannot read \(path): not a regular file")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(st.st_size))
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .errno("read", path)
            }
            if n == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<n])
        }
    }

    /// Whether `path` is a regular file holding exactly `bytes`. A missing or
    /// unreadable file counts as different (it is then rewritten).
    static func hasContent(_ path: String, _ bytes: [UInt8]) -> Bool {
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, Int(st.st_size) == bytes.count else {
            return false
        }
        guard let existing = try? read(path) else { return false }
        return existing == bytes
    }

    /// Gives `path` the permission bits `mode` if it has others.
    static func ensureMode(_ path: String, _ mode: mode_t) throws(FileSystemError) {
        var st = stat()
        guard stat(path, &st) == 0 else { throw .errno("stat", path) }
        if st.st_mode & 0o7777 != mode {
            guard chmod(path, mode) == 0 else { throw .errno("chmod", path) }
        }
    }

    /// Creates `path` and its missing parents (mode 0755), like `mkdir -p`.
    static func createDirectories(_ path: String) throws(FileSystemError) {
        var st = stat()
        if stat(path, &st) == 0 {
            guard (st.st_mode & S_IFMT) == S_IFDIR else {
                throw FileSystemError(message: "cannot create directory \(path): a file is in the way")
            }
            return
        }
        let parent = directory(of: path)
        if parent != path { try createDirectories(parent) }
        if mkdir(path, 0o755) != 0, errno != EEXIST { throw .errno("create directory", path) }
    }

    /// Replaces `dest` atomically with `bytes`, permission bits `mode`.
    ///
    /// Writes a temporary file in the destination directory (same file system,
    /// so `rename(2)` is atomic), fsyncs it, renames it over `dest` and fsyncs
    /// the directory so the rename itself is durable. The temporary file is
    /// removed on any failure.
    static func replace(_ dest: String, with bytes: [UInt8], mode: mode_t) throws(FileSystemError) {
        let dir = directory(of: dest)
        try createDirectories(dir)

        var template = Array((temporaryPrefix(for: dest) + "XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw .errno("create a temporary file in", dir) }
        let temp = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var committed = false
        defer { if !committed { unlink(temp) } }
        let filled = fill(fd, with: bytes, mode: mode, path: temp)
        close(fd)
        try filled.get()
        guard rename(temp, dest) == 0 else { throw .errno("rename \(temp) to", dest) }
        committed = true
        try syncDirectory(dir)
    }

    /// Creates (or truncates) a small file, without the atomic dance: for markers.
    static func touch(_ path: String) throws(FileSystemError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .errno("create", path) }
        close(fd)
    }

    /// Whether anything exists at `path`.
    static func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    /// fsyncs a directory so that renames and unlinks in it are durable.
    static func syncDirectory(_ dir: String) throws(FileSystemError) {
        let fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .errno("open directory", dir) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw .errno("fsync directory", dir) }
    }

    /// The directory part of a path ("." for a bare name).
    static func directory(of path: String) -> String {
        let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        if slash == trimmed.startIndex { return "/" }
        return String(trimmed[..<slash])
    }

    /// The last component of a path.
    static func baseName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// Sets the mode of the fresh temporary file (mkstemp creates 0600; this is
    /// umask-independent), writes the bytes and fsyncs.
    private static func fill(_ fd: Int32, with bytes: [UInt8], mode: mode_t, path: String)
        -> Result<Void, FileSystemError>
    {
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        guard fchmod(fd, mode) == 0 else { return .failure(.errno("chmod", path)) }
        do {
            try writeAll(fd, bytes, path: path)
        } catch {
            return .failure(error)
        }
        guard fsync(fd) == 0 else { return .failure(.errno("fsync", path)) }
        return .success(())
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(FileSystemError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .errno("write", path)
            }
            offset += n
        }
    }
}
