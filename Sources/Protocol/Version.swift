public let promshardVersion = "0.1.0"
