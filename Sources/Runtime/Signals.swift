import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

/// Delivers POSIX signals as an `AsyncStream` (the default action of each
/// listed signal is replaced by ignoring it, then a dispatch source watches it).
public func signalStream(_ signals: [Int32]) -> AsyncStream<Int32> {
    let (stream, continuation) = AsyncStream<Int32>.makeStream()
    let queue = DispatchQueue(label: "promshard.signals")
    var sources: [any DispatchSourceSignal] = []
    // A parent (Foundation.Process, for one) may have left these blocked.
    var unblock = sigset_t()
    sigemptyset(&unblock)
    for sig in signals { sigaddset(&unblock, sig) }
    pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
    for sig in signals {
        signal(sig, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
        source.setEventHandler { continuation.yield(sig) }
        source.resume()
        sources.append(source)
    }
    let keep = SignalSources(sources)
    continuation.onTermination = { _ in keep.cancel() }
    return stream
}

private final class SignalSources: @unchecked Sendable {
    let sources: [any DispatchSourceSignal]
    init(_ sources: [any DispatchSourceSignal]) { self.sources = sources }
    func cancel() { sources.forEach { $0.cancel() } }
}

/// A short name for a signal number, e.g. "SIGTERM" ("signal 40" when unnamed).
public func signalName(_ sig: Int32) -> String {
    switch sig {
    case SIGHUP: "SIGHUP"
    case SIGINT: "SIGINT"
    case SIGQUIT: "SIGQUIT"
    case SIGILL: "SIGILL"
    case SIGTRAP: "SIGTRAP"
    case SIGABRT: "SIGABRT"
    case SIGBUS: "SIGBUS"
    case SIGFPE: "SIGFPE"
    case SIGKILL: "SIGKILL"
    case SIGUSR1: "SIGUSR1"
    case SIGSEGV: "SIGSEGV"
    case SIGUSR2: "SIGUSR2"
    case SIGPIPE: "SIGPIPE"
    case SIGALRM: "SIGALRM"
    case SIGTERM: "SIGTERM"
    case SIGXCPU: "SIGXCPU"
    case SIGXFSZ: "SIGXFSZ"
    case SIGSYS: "SIGSYS"
    default: "signal \(sig)"
    }
}

/// Absolute path of the running executable (from /proc/self/exe).
public func executablePath() -> String {
    var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
    let n = buffer.withUnsafeMutableBufferPointer { raw in
        raw.baseAddress!.withMemoryRebound(to: CChar.self, capacity: raw.count) {
            readlink("/proc/self/exe", $0, raw.count - 1)
        }
    }
    return n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : CommandLine.arguments[0]
}
