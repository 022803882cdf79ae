// A stand-in for swift-crypto's `Crypto` module, used only by the fuzz build (scripts/fuzz).
//
// AuthorizationState.swift and PKCE.swift (needed because PastedRedirect.evaluate takes an
// AuthorizationState) import Crypto for SHA-256, which no fuzz target reaches. Compiling the
// real swift-crypto (BoringSSL) would multiply the fuzz build time, so this module offers
// the one API those files call and traps if it is ever reached: a fuzz target that hashes
// must link the real library instead. Drop this file once those files no longer import
// Crypto (see scripts/fuzz, "Product files the fuzz build compiles").
import Foundation

public enum SHA256 {
    public static func hash<D: DataProtocol>(data: D) -> [UInt8] {
        fatalError("the fuzz build has no SHA-256 (Fuzz/Stubs/Crypto.swift)")
    }
}
