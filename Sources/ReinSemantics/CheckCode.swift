/// Every diagnostic code the checker emits (`rein.check.*`). Codes are stable: they are
/// never renamed once released. docs/DIAGNOSTICS.md describes each one.
public enum CheckCode: String, Sendable, CaseIterable {
    // Names and duplicates
    case duplicateDeclaration = "rein.check.duplicate-declaration"
    case duplicateStatement = "rein.check.duplicate-statement"
    case duplicateArg = "rein.check.duplicate-arg"
    case duplicateContextKey = "rein.check.duplicate-context-key"
    case duplicateEnumMember = "rein.check.duplicate-enum-member"
    case duplicateListEntry = "rein.check.duplicate-list-entry"
    case duplicateRole = "rein.check.duplicate-role"

    // Missing statements
    case missingStatement = "rein.check.missing-statement"
    case missingApproval = "rein.check.missing-approval"
    case missingApprovalField = "rein.check.missing-approval-field"
    case missingPrincipal = "rein.check.missing-principal"
    case missingElevation = "rein.check.missing-elevation"
    case unexpectedElevation = "rein.check.unexpected-elevation"

    // References
    case unknownTool = "rein.check.unknown-tool"
    case unknownIdentity = "rein.check.unknown-identity"
    case wrongKind = "rein.check.wrong-kind"
    case writeToolInInvestigate = "rein.check.write-tool-in-investigate"
    case readToolInRemediate = "rein.check.read-tool-in-remediate"

    // Identities and roles
    case unknownRole = "rein.check.unknown-role"
    case invalidGUID = "rein.check.invalid-guid"
    case standingRoleNotReadOnly = "rein.check.standing-role-not-read-only"
    case missingStandingIdentity = "rein.check.missing-standing-identity"
    case multipleStandingIdentities = "rein.check.multiple-standing-identities"
    case notEligible = "rein.check.not-eligible"

    // KQL templates
    case kqlUnknownPlaceholder = "rein.check.kql-unknown-placeholder"
    case kqlUnusedArg = "rein.check.kql-unused-arg"
    case kqlPlaceholderInString = "rein.check.kql-placeholder-in-string"
    case kqlPlaceholderInComment = "rein.check.kql-placeholder-in-comment"
    case kqlUnterminatedString = "rein.check.kql-unterminated-string"

    // Args, context keys and their constraints
    case emptyRange = "rein.check.empty-range"
    case constraintNotAllowed = "rein.check.constraint-not-allowed"
    case boundTypeMismatch = "rein.check.bound-type-mismatch"
    case negativeLength = "rein.check.negative-length"
    case invalidRegex = "rein.check.invalid-regex"
    case defaultTypeMismatch = "rein.check.default-type-mismatch"
    case invalidDefault = "rein.check.invalid-default"
    case unboundedWriteArg = "rein.check.unbounded-write-arg"
    case invalidNamespace = "rein.check.invalid-namespace"

    // Expressions
    case unknownRoot = "rein.check.unknown-root"
    case unknownField = "rein.check.unknown-field"
    case missingField = "rein.check.missing-field"
    case unknownArg = "rein.check.unknown-arg"
    case unknownContextKey = "rein.check.unknown-context-key"
    case rootNotAllowed = "rein.check.root-not-allowed"
    case untypedArg = "rein.check.untyped-arg"
    case argTypeConflict = "rein.check.arg-type-conflict"
    case argMatchesNoTool = "rein.check.arg-matches-no-tool"
    case typeMismatch = "rein.check.type-mismatch"
    case expectedBool = "rein.check.expected-bool"
    case notInEnum = "rein.check.not-in-enum"
    case mixedList = "rein.check.mixed-list"

    // Numbers and policy limits
    case countBelowOne = "rein.check.count-below-one"
    case zeroDuration = "rein.check.zero-duration"
    case emptyString = "rein.check.empty-string"
    case loosensPolicy = "rein.check.loosens-policy"
    case exceedsMaxActivation = "rein.check.exceeds-max-activation"

    // Reporting
    case tooManyErrors = "rein.check.too-many-errors"
}
