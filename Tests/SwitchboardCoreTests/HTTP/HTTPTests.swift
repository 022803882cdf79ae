import Testing

/// Groups every HTTP suite, so `swift test --filter HTTP` runs exactly these.
@Suite enum HTTPTests {}
