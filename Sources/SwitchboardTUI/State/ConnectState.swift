import SwitchboardCore

/// The CONNECT screen of one OAuth connection: what the flow asks the person to do and
/// how far it got, filled from the `ConnectProgress` events the runtime sends back. The
/// flow itself (catcher, polling, token exchange) runs in the runtime, never here.
package struct ConnectState: Equatable, Sendable {
    package enum Phase: Equatable, Sendable {
        /// Effect sent; nothing heard back yet (client credentials stay here until done).
        case starting
        /// Authorization code: open `url`; the callback comes back to `redirectURI`.
        case browser(url: String, redirectURI: String, port: Int?)
        /// Device code: enter `userCode` at `verificationURI` (or open `completeURI`).
        case device(userCode: String, verificationURI: String, completeURI: String?)
        /// Ended without tokens; the sentence says why.
        case failed(String)
    }

    package var instance: String
    package var variable: String
    package var phase: Phase = .starting
    /// Steps reported so far, oldest first.
    package var steps: [String] = []
    /// Ticks since CONNECT started (a tick is about half a second; no clock here).
    package var ticks = 0
    /// When the flow gives up, in seconds from the start.
    package var timeoutSeconds: Int
    /// The "paste the redirect URL" input, while open.
    package var paste: LineEditor?
    /// A pasted URL was sent and no answer came yet.
    package var checkingPaste = false
    /// The last refusal (forged callback, wrong paste), shown in one line.
    package var notice: String?
    package var showQR = false
    /// The QR code's text lines, made when it is turned on (`QRCode` is pure).
    package var qrLines: [String]?
    package var qrError: String?

    package init(instance: String, variable: String, timeoutSeconds: Int) {
        self.instance = instance
        self.variable = variable
        self.timeoutSeconds = timeoutSeconds
    }

    /// The address the person has to open, if the flow has one.
    package var url: String? {
        switch phase {
        case .browser(let url, _, _): url
        case .device(_, let uri, let complete): complete ?? uri
        case .starting, .failed: nil
        }
    }

    package var isFailed: Bool { if case .failed = phase { true } else { false } }
    package var isWaiting: Bool { !isFailed }
    package var elapsedSeconds: Int { ticks / 2 }

    /// `m:ss`
    package static func clock(_ seconds: Int) -> String {
        let s = max(0, seconds)
        return "\(s / 60):" + (s % 60 < 10 ? "0" : "") + "\(s % 60)"
    }

    mutating func toggleQR() {
        showQR.toggle()
        guard showQR, qrLines == nil, let url else { return }
        do {
            qrLines = try QRCode.encode(url).terminalLines()
            qrError = nil
        } catch {
            qrError = "\(error)"
        }
    }
}
