// Embedders of the adapters see the evaluator, checker and syntax types too.
@_exported import ReinEngine
