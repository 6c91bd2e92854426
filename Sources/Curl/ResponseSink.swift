import CCurl

/// Collects a response body for libcurl's write callback, up to a byte cap.
///
/// Passed to libcurl as the `CURLOPT_WRITEDATA` pointer (an unretained
/// `Unmanaged` reference: the caller keeps the sink alive for the whole
/// transfer); ``responseSinkWrite`` is the matching `CURLOPT_WRITEFUNCTION`.
final class ResponseSink {
    private(set) var body: [UInt8] = []
    private let maxBytes: Int
    /// Bytes received beyond `maxBytes` and discarded.
    private(set) var discarded = 0

    init(maxBytes: Int) {
        self.maxBytes = max(0, maxBytes)
    }

    func append(_ bytes: UnsafeRawBufferPointer) {
        let room = maxBytes - body.count
        if room >= bytes.count {
            body.append(contentsOf: bytes)
        } else {
            if room > 0 { body.append(contentsOf: bytes.prefix(room)) }
            discarded += bytes.count - max(room, 0)
        }
    }
}

/// libcurl write callback: appends to the ``ResponseSink`` behind `userdata`.
/// Always consumes every byte (so the transfer completes) even past the cap.
let responseSinkWrite: promshard_write_cb = { data, size, count, userdata in
    let total = size * count
    guard let data, let userdata, total > 0 else { return total }
    let sink = Unmanaged<ResponseSink>.fromOpaque(userdata).takeUnretainedValue()
    sink.append(UnsafeRawBufferPointer(start: data, count: total))
    return total
}
