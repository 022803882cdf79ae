// Fuzz target `callback-head`: the callback catcher's request head parser
// (CallbackRequestHead.parse), fed the bytes a browser, a scanner or an attacker on the
// loopback interface may send.
//
// Invariants checked on top of "does not crash":
//  - reading the bytes in chunks, as CallbackCatcher does (each call passing how many bytes
//    the previous one saw as `searchFrom`), gives the same answer as one call over the
//    bytes the catcher had when it stopped: the `searchFrom` shortcut never misses a head;
//  - a request has an upper-case method and a path starting with `/`, and neither path nor
//    query carries a byte outside printable ASCII (they end up in logs and on terminals).
@testable import SwitchboardCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCallbackHead(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let whole = CallbackRequestHead.parse(input)
    check(whole)

    // Chunk sizes from a small generator seeded by the input, 1…600 bytes (a recv of 4096
    // may return any amount; small chunks exercise the boundaries of CRLF CRLF).
    var seed = UInt64(truncatingIfNeeded: size) &* 0x9E37_79B9_7F4A_7C15 | 1
    var received: [UInt8] = []
    var offset = 0
    var answer = CallbackRequestHead.incomplete
    while offset < input.count {
        seed = seed &* 6364136223846793005 &+ 1442695040888963407
        let chunk = Int(seed >> 33) % (seed & 0x100 == 0 ? 8 : 600) + 1
        let end = min(input.count, offset + chunk)
        let scanned = received.count
        received += input[offset..<end]
        offset = end
        answer = CallbackRequestHead.parse(received, searchFrom: scanned)
        if answer != .incomplete { break }
    }
    let oneShot = CallbackRequestHead.parse(received)
    precondition(answer == oneShot, "chunked reading answered \(answer), one call over the same \(received.count) bytes \(oneShot)")
    check(answer)
    return 0
}

private func check(_ head: CallbackRequestHead) {
    guard case .request(let request) = head else { return }
    precondition(!request.method.isEmpty && request.method.utf8.allSatisfy { $0 >= 0x41 && $0 <= 0x5A }, "method \(request.method)")
    precondition(request.path.hasPrefix("/"), "path does not start with /")
    precondition((request.path + request.query).utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }, "non-printable byte in the target")
}
