/// What the catcher answers the browser. Fixed texts only: nothing from the request is
/// reflected, so a hostile query cannot inject markup or script.
package struct CallbackPage: Sendable, Equatable {
    package var status: Int
    package var title: String
    package var message: String

    package var headers: [(String, String)] {
        [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Cache-Control", "no-store"),
            ("Referrer-Policy", "no-referrer"),
            ("X-Content-Type-Options", "nosniff"),
            ("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'"),
            ("Connection", "close"),
        ]
    }

    package var html: String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Switchboard: \(title)</title>
        <style>body{font-family:system-ui,sans-serif;margin:4rem auto;max-width:36rem;padding:0 1rem;line-height:1.5}h1{font-size:1.4rem}</style>
        </head><body><h1>\(title)</h1><p>\(message)</p></body></html>

        """
    }

    package static let success = CallbackPage(
        status: 200, title: "Authorization completed successfully",
        message: "Authorization completed successfully — return to your terminal. You can close this tab.")
    package static let providerError = CallbackPage(
        status: 200, title: "Authorization was not granted",
        message: "The provider returned an error instead of an authorization. The details are in your terminal; return to it to try again.")
    package static let stateMismatch = CallbackPage(
        status: 400, title: "Unknown or expired authorization",
        message: "This response does not belong to an authorization Switchboard is waiting for (it may be from an earlier attempt, or expired). Start CONNECT again from your terminal.")
    package static let missingParameters = CallbackPage(
        status: 400, title: "Incomplete authorization response",
        message: "The address is missing the parameters a provider sends back. Start CONNECT again from your terminal.")
    package static let notFound = CallbackPage(status: 404, title: "Not found", message: "Nothing here.")
    package static let methodNotAllowed = CallbackPage(status: 405, title: "Method not allowed", message: "Only GET is answered here.")

    package static func page(for outcome: CallbackOutcome) -> CallbackPage {
        switch outcome {
        case .authorized: .success
        case .providerError: .providerError
        case .stateMismatch: .stateMismatch
        case .missingParameters: .missingParameters
        case .notFound: .notFound
        case .methodNotAllowed: .methodNotAllowed
        }
    }
}
