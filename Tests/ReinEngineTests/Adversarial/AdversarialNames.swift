import Testing
@testable import ReinEngine

/// `namespace` and `name` values (Grammar/README.md §7): RFC 1123 rules checked exactly as given —
/// no trimming, case folding or normalisation — then the forbidden list, exact. No variant of a
/// forbidden namespace may ever be allowed.
@Suite struct AdversarialNames {
    static let ns = Adv.arg("inspect", "namespace")
    static let pod = Adv.arg("inspect", "pod")

    static func namespace(_ name: String, _ value: String) -> String {
        Adv.inspect([("namespace", Adv.js(value))])
    }
    static func invalidNamespace(_ name: String, _ value: String) -> Adv.Case {
        Adv.deny("namespace " + name, namespace(name, value), ["invalid_name"], at: [ns])
    }
    static func forbidden(_ name: String, _ json: String) -> Adv.Case {
        Adv.deny("namespace " + name, Adv.inspect([("namespace", json)]), ["forbidden_namespace"], at: [ns])
    }

    static let namespaceCases: [Adv.Case] = [
        // The forbidden list, exact.
        forbidden("kube-system", #""kube-system""#),
        forbidden("kube-public", #""kube-public""#),
        forbidden("kube-node-lease", #""kube-node-lease""#),
        forbidden("gatekeeper-system", #""gatekeeper-system""#),
        // JSON escapes decode to the same scalars: still the forbidden namespace.
        forbidden("kube\\u002dsystem (escaped hyphen)", #""kube\u002dsystem""#),
        forbidden("\\u006bube-system (escaped k)", #""\u006bube-system""#),
        forbidden("all-escaped kube-system", #""\u006b\u0075\u0062\u0065\u002d\u0073\u0079\u0073\u0074\u0065\u006d""#),
        // Case variants.
        invalidNamespace("Kube-System", "Kube-System"),
        invalidNamespace("KUBE-SYSTEM", "KUBE-SYSTEM"),
        invalidNamespace("kube-System", "kube-System"),
        invalidNamespace("kubE-system", "kubE-system"),
        // Whitespace variants.
        invalidNamespace("leading space", " kube-system"),
        invalidNamespace("trailing space", "kube-system "),
        invalidNamespace("trailing newline", "kube-system\n"),
        invalidNamespace("leading tab", "\tkube-system"),
        invalidNamespace("trailing tab", "kube-system\t"),
        invalidNamespace("trailing CR", "kube-system\r"),
        invalidNamespace("NBSP", "kube-system\u{A0}"),
        invalidNamespace("trailing NUL", "kube-system\u{0}"),
        // Homoglyphs.
        invalidNamespace("Cyrillic a in gatekeeper", "g\u{430}tekeeper-system"),
        invalidNamespace("Cyrillic e in kube", "kub\u{435}-system"),
        invalidNamespace("Cyrillic y in system", "kube-s\u{443}stem"),
        invalidNamespace("Cyrillic k", "\u{43A}ube-system"),
        invalidNamespace("U+2010 hyphen", "kube\u{2010}system"),
        invalidNamespace("U+2011 non-breaking hyphen", "kube\u{2011}system"),
        invalidNamespace("U+2212 minus", "kube\u{2212}system"),
        invalidNamespace("fullwidth hyphen", "kube\u{FF0D}system"),
        invalidNamespace("fullwidth kube", "\u{FF4B}\u{FF55}\u{FF42}\u{FF45}-system"),
        invalidNamespace("fullwidth all", "\u{FF4B}\u{FF55}\u{FF42}\u{FF45}\u{FF0D}\u{FF53}\u{FF59}\u{FF53}\u{FF54}\u{FF45}\u{FF4D}"),
        // Zero-width and invisible characters inside and around.
        invalidNamespace("ZWSP inside", "kube-\u{200B}system"),
        invalidNamespace("ZWSP before", "\u{200B}kube-system"),
        invalidNamespace("ZWSP after", "kube-system\u{200B}"),
        invalidNamespace("ZWJ inside", "kube\u{200D}-system"),
        invalidNamespace("ZWNJ inside", "kube\u{200C}-system"),
        invalidNamespace("BOM before", "\u{FEFF}kube-system"),
        invalidNamespace("BOM after", "kube-system\u{FEFF}"),
        invalidNamespace("word joiner", "kube-sys\u{2060}tem"),
        invalidNamespace("soft hyphen", "kube\u{AD}-system"),
        invalidNamespace("combining acute", "kube-system\u{301}"),
        invalidNamespace("RTL override", "\u{202E}metsys-ebuk"),
        // Label rules and lengths.
        invalidNamespace("empty", ""),
        invalidNamespace("leading hyphen", "-kube-system"),
        invalidNamespace("trailing hyphen", "kube-system-"),
        invalidNamespace("dot", "kube.system"),
        invalidNamespace("trailing dot", "kube-system."),
        invalidNamespace("underscore", "kube_system"),
        invalidNamespace("64 chars", String(repeating: "a", count: 64)),
        invalidNamespace("63 chars ending in -", String(repeating: "a", count: 62) + "-"),
        invalidNamespace("only hyphen", "-"),
        Adv.allow("namespace 63 chars", namespace("", String(repeating: "a", count: 63))),
        Adv.allow("namespace 63 chars mixed", namespace("", "a" + String(repeating: "-", count: 61) + "0")),
        Adv.allow("namespace one char", namespace("", "a")),
        Adv.allow("namespace digits", namespace("", "0")),
        Adv.allow("namespace double hyphen", namespace("", "kube--system")),
        Adv.allow("namespace kube-systems (a different namespace)", namespace("", "kube-systems")),
        // A `*` rule over args.namespace matches only the exact value.
        Adv.deny(
            "namespace payments-legacy (rule)", namespace("", "payments-legacy"), ["rule"],
            at: [Adv.rule("deny * when args.namespace")]),
        invalidNamespace("Payments-Legacy", "Payments-Legacy"),
        invalidNamespace("payments-legacy + ZWSP", "payments-legacy\u{200B}"),
        // The forbidden list also guards write tools.
        Adv.deny(
            "scale into kube-system", Adv.scale([("namespace", #""kube-system""#)]), ["forbidden_namespace"],
            at: [Adv.arg("scale", "namespace")]),
        Adv.deny(
            "restart into KUBE-SYSTEM", Adv.restart([("namespace", #""KUBE-SYSTEM""#)], extra: Adv.alert(severity: #""Sev3""#)),
            ["invalid_name"], at: [Adv.arg("restart", "namespace")]),
        Adv.deny(
            "scale into kube-system, policy-only mode", Adv.scale([("namespace", #""kube-public""#)], runbook: nil),
            ["forbidden_namespace"], at: [Adv.arg("scale", "namespace")]),
    ]

    static func invalidPod(_ name: String, _ value: String) -> Adv.Case {
        Adv.deny("name " + name, Adv.inspect([("pod", Adv.js(value))]), ["invalid_name"], at: [pod])
    }
    static func validPod(_ name: String, _ value: String) -> Adv.Case {
        Adv.allow("name " + name, Adv.inspect([("pod", Adv.js(value))]))
    }

    /// 253 scalars made of dotted labels: `a.b…` style, ending in a letter.
    static let dotted253: String = {
        var s = ""
        while s.count < 251 { s += "ab." }
        s = String(s.prefix(252))
        return s.hasSuffix(".") ? String(s.dropLast()) + "ab" : s + "a"
    }()

    static let nameCases: [Adv.Case] = [
        validPod("253 chars", String(repeating: "a", count: 253)),
        invalidPod("254 chars", String(repeating: "a", count: 254)),
        validPod("253 dotted", dotted253),
        invalidPod("254 dotted", dotted253 + "a"),
        validPod("64-char label (no per-label cap)", String(repeating: "a", count: 64) + ".b"),
        validPod("kube-system is a fine object name", "kube-system"),
        validPod("digits", "0"),
        invalidPod("empty", ""),
        invalidPod("leading hyphen", "-api"),
        invalidPod("trailing hyphen", "api-"),
        invalidPod("label ending in hyphen", "api-.x"),
        invalidPod("label starting with hyphen", "api.-x"),
        invalidPod("leading dot", ".api"),
        invalidPod("trailing dot", "api."),
        invalidPod("empty label", "api..x"),
        invalidPod("uppercase", "API"),
        invalidPod("underscore", "api_0"),
        invalidPod("space", "api 0"),
        invalidPod("trailing newline", "api\n"),
        invalidPod("Cyrillic a", "\u{430}pi"),
        invalidPod("ZWSP", "api\u{200B}"),
        invalidPod("BOM", "\u{FEFF}api"),
        invalidPod("fullwidth", "\u{FF41}pi"),
        invalidPod("slash", "api/0"),
        invalidPod("path traversal", "../etc"),
        invalidPod("only dot", "."),
    ]

    @Test(arguments: namespaceCases) func namespaces(_ c: Adv.Case) { Adv.verify(c) }
    @Test(arguments: nameCases) func names(_ c: Adv.Case) { Adv.verify(c) }
}
