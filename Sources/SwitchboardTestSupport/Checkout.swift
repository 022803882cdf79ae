import Foundation

/// Where the tests find what this checkout built and set up: one lookup for every suite.
public enum Checkout {
    /// The repository root (this file is Sources/SwitchboardTestSupport/Checkout.swift).
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// `SWITCHBOARD_BIN`, else the debug build of this checkout.
    public static var binary: String {
        ProcessInfo.processInfo.environment["SWITCHBOARD_BIN"].flatMap { $0.isEmpty ? nil : $0 } ?? root + "/.build/debug/switchboard"
    }

    /// The local OAuth provider's virtual environment (scripts/oauth-provider.sh setup).
    public static var python: String { root + "/.venv/oauth-provider/bin/python" }
    public static var providerScript: String { root + "/scripts/oauth-provider.sh" }
    public static var browserScript: String { root + "/scripts/oauth-browser.py" }
    public static func path(_ relative: String) -> String { root + "/" + relative }
}
