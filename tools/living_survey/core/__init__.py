"""The core layer: leaves every other layer reads — located problems, the guarded file reader,
the YAML reader, JSON Schema checks, keyed digests and escaping of contributed text.

Nothing here imports another layer of the engine (see ``docs/design.md``, "Layers").
"""
