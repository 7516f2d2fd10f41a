// Embedders of the engine see the checker and syntax types too.
@_exported import ReinSemantics
