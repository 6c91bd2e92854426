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

/// A short name for a signal number, e.g. "SIGTERM".
public func signalName(_ sig: Int32) -> String {
    switch sig {
    case SIGTERM: "SIGTERM"
    case SIGINT: "SIGINT"
    case SIGHUP: "SIGHUP"
    case SIGKILL: "SIGKILL"
    case SIGSEGV: "SIGSEGV"
    case SIGABRT: "SIGABRT"
    case SIGPIPE: "SIGPIPE"
    case SIGILL: "SIGILL"
    case SIGBUS: "SIGBUS"
    case SIGTRAP: "SIGTRAP"
    default: "signal \(sig)"
    }
}
