import PromshardCurl
import PromshardExecutorKit

/// The reload POST of the `scp` executor (libcurl), with a timeout that ends
/// before the request's deadline.
enum HTTPReload {
    /// Upper bound of the POST's timeout.
    static let maxTimeout: Duration = .seconds(30)

    /// POSTs `url`; whether it answered 2xx, and a message.
    static func post(_ url: String, budget: Duration) -> (ok: Bool, message: String) {
        ReloadPost.send(url, timeout: min(budget, maxTimeout))
    }
}
