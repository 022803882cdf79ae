import Foundation
@testable import SwitchboardCore
import Testing

@Suite struct CallbackValidatorTests {
    let state = AuthorizationState(value: "Zx9-_stateValue0123456789abcdefghijklmnopq")

    func evaluate(_ query: String, keep: [String] = []) -> CallbackOutcome {
        evaluate("GET", "/callback", query, keep: keep)
    }

    func evaluate(_ method: String, _ path: String, _ query: String, keep: [String] = []) -> CallbackOutcome {
        CallbackValidator.evaluate(CallbackRequest(method: method, path: path, query: query), expectedState: state, keepMetadata: keep)
    }

    @Test func codeAndMatchingState() {
        let outcome = evaluate("code=abc%2B1&state=\(state.value)&realmId=4620816365&other=x", keep: ["realmId"])
        #expect(outcome == .authorized(CallbackResult(state: state.value, code: "abc+1", metadata: ["realmId": "4620816365"])))
        #expect(outcome.completesFlow)
        #expect(CallbackPage.page(for: outcome).status == 200)
        #expect(CallbackPage.page(for: outcome).html.contains("Authorization completed successfully — return to your terminal"))
    }

    @Test func providerErrorWithMatchingState() {
        let outcome = evaluate("error=access_denied&error_description=The+user+denied&state=\(state.value)")
        #expect(outcome == .providerError(CallbackResult(state: state.value, error: "access_denied", errorDescription: "The user denied")))
        #expect(outcome.completesFlow)
        if case .providerError(let result) = outcome { #expect(result.providerError == "access_denied: The user denied") }
    }

    @Test func forgedOrTruncatedStateIsRejected() {
        #expect(evaluate("code=abc&state=forged") == .stateMismatch)
        #expect(evaluate("code=abc&state=\(state.value.dropLast())") == .stateMismatch)
        #expect(evaluate("error=access_denied&state=forged") == .stateMismatch)
        #expect(!CallbackOutcome.stateMismatch.completesFlow)
        #expect(CallbackPage.page(for: .stateMismatch).status == 400)
    }

    @Test func missingParameters() {
        #expect(evaluate("code=abc") == .missingParameters("state"))
        #expect(evaluate("state=\(state.value)") == .missingParameters("code"))
        #expect(evaluate("") == .missingParameters("state"))
        #expect(evaluate("code=&state=\(state.value)") == .missingParameters("code"))
        #expect(evaluate("code=\(String(repeating: "a", count: 5000))&state=\(state.value)") == .missingParameters("code"))
    }

    @Test func otherPathsAndMethods() {
        #expect(evaluate("GET", "/favicon.ico", "") == .notFound)
        #expect(evaluate("GET", "/", "code=a&state=\(state.value)") == .notFound)
        #expect(evaluate("GET", "/callbackx", "") == .notFound)
        #expect(evaluate("POST", "/callback", "code=a&state=\(state.value)") == .methodNotAllowed)
        #expect(evaluate("GET", "/callback/", "code=a&state=\(state.value)") == .authorized(CallbackResult(state: state.value, code: "a")))
        #expect(CallbackPage.page(for: .notFound).status == 404)
    }

    @Test func withoutAnExpectedStateOnlyPresenceIsChecked() {
        let outcome = CallbackValidator.evaluate(CallbackRequest(method: "GET", path: "/callback", query: "code=c&state=anything"), expectedState: nil)
        #expect(outcome == .authorized(CallbackResult(state: "anything", code: "c")))
    }

    @Test func pagesReflectNothingFromTheRequest() {
        let hostile = "<script>alert(1)</script>"
        let outcomes = [
            evaluate("code=\(hostile)&state=\(state.value)"),
            evaluate("error=\(hostile)&error_description=\(hostile)&state=\(state.value)"),
            evaluate("code=\(hostile)&state=\(hostile)"),
            evaluate("GET", "/\(hostile)", ""),
        ]
        let fixed = Set([CallbackPage.success, .providerError, .stateMismatch, .missingParameters, .notFound, .methodNotAllowed].map(\.html))
        for outcome in outcomes {
            let page = CallbackPage.page(for: outcome)
            #expect(fixed.contains(page.html))
            #expect(!page.html.contains("script"))
            #expect(!page.html.contains("alert"))
        }
        #expect(CallbackPage.success.headers.contains { $0 == ("Cache-Control", "no-store") })
    }
}

@Suite struct PastedRedirectTests {
    let state = AuthorizationState(value: "pasteState0123456789abcdefghijklmnopqrstuv")

    @Test func acceptsTheWholeURLWithWhitespaceAround() throws {
        let text = "  http://127.0.0.1:43123/callback?code=the-code&state=\(state.value)&realmId=99 \n"
        let result = try PastedRedirect.evaluate(text, expectedState: state, keepMetadata: ["realmId"]).get()
        #expect(result == CallbackResult(state: state.value, code: "the-code", metadata: ["realmId": "99"]))
    }

    @Test func acceptsAWrappedPasteAQueryAndAFragment() throws {
        let wrapped = "http://127.0.0.1:1/callback?code=abc&st\nate=\(state.value)"
        #expect(try PastedRedirect.evaluate(wrapped, expectedState: state, keepMetadata: []).get().code == "abc")
        #expect(try PastedRedirect.evaluate("code=abc&state=\(state.value)", expectedState: state, keepMetadata: []).get().code == "abc")
        #expect(try PastedRedirect.evaluate("?code=abc&state=\(state.value)", expectedState: state, keepMetadata: []).get().code == "abc")
        #expect(try PastedRedirect.evaluate("https://app.test/cb#code=abc&state=\(state.value)", expectedState: state, keepMetadata: []).get().code == "abc")
    }

    @Test func providerErrorsArePassedOn() throws {
        let result = try PastedRedirect.evaluate("http://127.0.0.1:1/callback?error=access_denied&state=\(state.value)", expectedState: state, keepMetadata: []).get()
        #expect(result.error == "access_denied")
    }

    @Test func clearErrorsForMissingOrTruncatedParameters() {
        func message(_ text: String) -> String? {
            if case .failure(let error) = PastedRedirect.evaluate(text, expectedState: state, keepMetadata: []) { return error.description }
            return nil
        }
        #expect(message("")?.contains("nothing was pasted") == true)
        #expect(message("http://127.0.0.1:1/callback?code=abc")?.contains("no state parameter") == true)
        #expect(message("http://127.0.0.1:1/callback?state=\(state.value)")?.contains("no code parameter") == true)
        #expect(message("http://127.0.0.1:1/callback?code=abc&state=\(state.value.prefix(20))")?.contains("cut off inside its state") == true)
        #expect(message("http://127.0.0.1:1/callback?code=abc&state=other")?.contains("does not match") == true)
        #expect(message("http://127.0.0.1:1/callback?code=abc&state=")?.contains("no state parameter") == true)
        #expect(message("http://127.0.0.1:1/callback?code=secret-code&state=other")?.contains("secret-code") == false)
    }
}
