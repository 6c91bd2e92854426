import Foundation
import Logging
import PromshardProtocol
import PromshardRuntime

/// Takes an `sd.rendered` index into the ``SDCache``: reads the files whose
/// digest changed (off the cooperative pool), once per change.
enum SDLoader {
    static func take(_ message: Message, into store: HealthStore, logger: Logger) async {
        let index: SDRenderedBody
        do {
            index = try message.body(SDRenderedBody.self)
        } catch {
            logger.error("cannot decode message", metadata: ["topic": "sd.rendered", "error": "\(error)"])
            return
        }
        let needed = store.read { $0.sd.needed(index) }
        let loaded = await runBlocking { read(needed) }
        let missed = store.update { $0.sd.take(index, loaded: loaded) }
        for file in missed {
            logger.warning(
                "cannot load http_sd document, serving the previous one",
                metadata: ["path": "\(file.path)", "collector": "\(file.collector)"])
        }
    }

    /// The bytes of every file that could be read, by path.
    static func read(_ files: [SDFile]) -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        for file in files {
            if let data = FileManager.default.contents(atPath: file.path) { out[file.path] = Array(data) }
        }
        return out
    }
}
