"""The model layer: the survey as data — the framework, entries, the bibliography, works and their
placements, the scoring rule, the inputs cache, and every generated page's id and address.

It reads only the core layer (see ``docs/design.md``, "Layers"); nothing here knows MkDocs or HTML
pages beyond escaped text.
"""
