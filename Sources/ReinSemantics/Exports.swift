// Embedders of the checker see the syntax types (diagnostics, spans, AST) too.
@_exported import ReinSyntax
