import Foundation
@testable import SwitchboardCore
import Testing

@Suite struct PKCETests {
    @Test func s256MatchesTheRFC7636AppendixBVector() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        #expect(PKCE.challenge(for: verifier, method: .s256) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        #expect(PKCE(method: .s256, verifier: verifier).challenge == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
    }

    @Test func plainSendsTheVerifierAndNoneSendsNothing() {
        let plain = PKCE.generate(.plain)
        #expect(plain.challenge == plain.verifier)
        let none = PKCE.generate(.none)
        #expect(none.challenge == nil)
        #expect(none.verifier.isEmpty)
    }

    @Test func generatedVerifiersAreValidAndDistinct() {
        let verifiers = (0..<200).map { _ in PKCE.generate(.s256).verifier }
        #expect(verifiers.allSatisfy(PKCE.isValidVerifier))
        #expect(Set(verifiers).count == 200)
        #expect(verifiers.allSatisfy { $0.count == 43 })
    }

    @Test func verifierValidationFollowsSection4_1() {
        #expect(!PKCE.isValidVerifier(String(repeating: "a", count: 42)))
        #expect(PKCE.isValidVerifier(String(repeating: "a", count: 43)))
        #expect(PKCE.isValidVerifier(String(repeating: "~", count: 128)))
        #expect(!PKCE.isValidVerifier(String(repeating: "a", count: 129)))
        #expect(!PKCE.isValidVerifier(String(repeating: "a", count: 42) + "+"))
    }
}

@Suite struct AuthorizationStateTests {
    @Test func stateCarriesAtLeast128BitsAndIsUrlSafe() {
        let states = (0..<500).map { _ in AuthorizationState.generate().value }
        #expect(Set(states).count == 500)
        for state in states {
            // 43 base64url characters = 258 bits of text for 256 random bits.
            #expect(state.count == 43)
            #expect(state.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
            #expect(FormEncoding.escape(state) == state)
        }
    }

    @Test func matchingIsExactAndConstantTimeShaped() {
        let state = AuthorizationState(value: "abcDEF123-_xyz")
        #expect(state.matches("abcDEF123-_xyz"))
        #expect(!state.matches("abcDEF123-_xy"))
        #expect(!state.matches("abcDEF123-_xyzz"))
        #expect(!state.matches("bbcDEF123-_xyz"))
        #expect(!state.matches(""))
        #expect(AuthorizationState.constantTimeEquals("", ""))
    }

    @Test func onlyTheHashIsAKeyAndTheDescriptionHidesTheValue() {
        let state = AuthorizationState.generate()
        #expect(state.hash.count == 64)
        #expect(state.hash == AuthorizationState.hash(state.value))
        #expect(!state.hash.contains(state.value))
        #expect(!"\(state)".contains(state.value))
        // Known SHA-256 of "abc".
        #expect(AuthorizationState.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
