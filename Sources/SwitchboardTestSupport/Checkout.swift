import Foundation

/// Where the tests find what this checkout built and set up: one lookup for every suite.
package enum Checkout {
    /// The repository root (this file is Sources/SwitchboardTestSupport/Checkout.swift).
    package static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// `SWITCHBOARD_BIN`, else the debug build of this checkout.
    package static var binary: String {
        ProcessInfo.processInfo.environment["SWITCHBOARD_BIN"].flatMap { $0.isEmpty ? nil : $0 } ?? root + "/.build/debug/switchboard"
    }

    /// The local OAuth provider's virtual environment (scripts/oauth-provider.sh setup).
    package static var python: String { root + "/.venv/oauth-provider/bin/python" }
    package static var providerScript: String { root + "/scripts/oauth-provider.sh" }
    package static var browserScript: String { root + "/scripts/oauth-browser.py" }
    package static func path(_ relative: String) -> String { root + "/" + relative }
}
