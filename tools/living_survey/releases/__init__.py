"""The releases layer: the survey's release history (what changed between releases, from the data
each release stored) and the frozen releases served beside the living site, with their store.

It reads the core and model layers (see ``docs/design.md``, "Layers").
"""
