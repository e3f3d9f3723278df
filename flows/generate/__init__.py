"""Seeded synthetic custody and crime extracts, shaped like a real force's deliveries (see run.generate)."""

from flows.generate.run import generate
from flows.generate.scales import SCALES, Scale
from flows.generate.summary import SUMMARY_NAME, ExtractFile, GenerateSummary, read_summary

__all__ = ["SCALES", "SUMMARY_NAME", "ExtractFile", "GenerateSummary", "Scale", "generate", "read_summary"]
