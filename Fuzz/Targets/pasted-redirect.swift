// Fuzz target `pasted-redirect`: the "paste the redirect URL" path (PastedRedirect), the
// text a person pastes into the wizard or `connect --paste` over SSH. The bytes are the
// pasted text (invalid UTF-8 is repaired, as a terminal read would).
//
// The expected state is fixed, so seeds that carry it reach the authorized and provider
// error branches. Invariants checked on top of "does not crash":
//  - the reduced request is a GET with a non-empty path;
//  - a success carries exactly the expected state, and either a code or a provider error,
//    each no longer than the validator's limit.
@testable import SwitchboardCore

private let expected = AuthorizationState(value: "fuzzstate0123456789abcdefghijklmnopqrstuvwx")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPastedRedirect(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let request = PastedRedirect.request(from: text)
    precondition(request.method == "GET" && !request.path.isEmpty, "request \(request)")
    switch PastedRedirect.evaluate(text, expectedState: expected, keepMetadata: ["realmId", "shop"]) {
    case .success(let result):
        precondition(result.state == expected.value, "accepted a state that is not the expected one")
        precondition(result.code != nil || result.error != nil, "success without code or error")
        for value in [result.code, result.error, result.errorDescription].compactMap({ $0 }) + Array(result.metadata.values) {
            precondition(value.utf8.count <= CallbackValidator.maxValueLength + 4, "a value past the length limit")
        }
        _ = result.description
    case .failure(let error):
        _ = error.description
    }
    return 0
}
