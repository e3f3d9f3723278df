"""Releases: one path for FOI requests and standing datasets (make.py: answer -> protect -> check -> publish),
what a release says about itself, and the publication record every later release is checked against.

Nothing is imported here, so importing one module of the package does not import the others.
"""
