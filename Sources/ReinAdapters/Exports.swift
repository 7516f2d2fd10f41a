// Embedders of the adapters see the checker and syntax types too.
@_exported import ReinSemantics
