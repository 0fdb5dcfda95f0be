"""The pages layer: the site's pages and files — page kinds and their registry, the Site
a build renders in, page content, the blocks around pages, browse, feeds, data exports, the minimap,
the locator, citing the survey, permanent ids, the What-changed page and the page-weight passes.

It reads the core, model, figure and releases layers (see ``docs/design.md``, "Layers"); only
``plugin.py`` talks to MkDocs' hooks.
"""
