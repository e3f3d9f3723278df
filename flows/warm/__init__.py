"""Warm requests: a resident process (`disclose serve`) answers `disclose request` without paying start-up.

protocol.py (the socket and its messages, standard library only, so the CLI stays light), service.py (the
resident process), client.py (what `disclose request` calls; None means "no service: answer in-process").
"""
