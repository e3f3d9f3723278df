"""The transparency site: a static website, an Atom feed and a DCAT-AP catalogue built from the publication
record and the published folders (``disclose site``; publish and withdraw rebuild it).

Nothing is imported here, so importing one module of the package does not import the others.
"""
