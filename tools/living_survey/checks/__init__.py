"""The checks layer: every check of a project's data and docs, run before any page is built.

It sits after the pages layer because some checks ask it: the permanent-id ledger is checked
against every page the kinds would make, and the survey's citation metadata is read as the cite
boxes read it (see ``docs/design.md``, "Layers").
"""
