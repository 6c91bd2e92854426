import CCurl
import Synchronization

/// A flag that aborts a blocking ``HTTPClient/request(method:url:timeout:headers:body:maxBodyBytes:caFile:responseHeaders:cancel:)``
/// from another thread: libcurl's progress callback checks it (about once
/// a second while nothing is transferred, more often otherwise), and the
/// transfer then ends with ``HTTPClientError/isCancelled``.
///
/// Typically set from a task's cancellation handler, so that cancelling the
/// task that waits for a long Consul blocking query ends the query too.
public final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    public init() {}

    /// Asks the transfer to stop.
    public func cancel() { flag.store(true, ordering: .relaxed) }

    /// Whether ``cancel()`` was called.
    public var isCancelled: Bool { flag.load(ordering: .relaxed) }
}

/// libcurl xferinfo callback: aborts the transfer once the ``CancellationFlag`` behind `userdata` is set.
let cancellationCheck: promshard_xferinfo_cb = { userdata, _, _, _, _ in
    guard let userdata else { return 0 }
    return Unmanaged<CancellationFlag>.fromOpaque(userdata).takeUnretainedValue().isCancelled ? 1 : 0
}
