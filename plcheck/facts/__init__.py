"""Fact models: what plcheck learned from AWS, as plain frozen dataclasses.

Facts are gathered once by ``plcheck.aws`` and judged by ``plcheck.checks``;
neither side imports the other's machinery, so judgements stay pure.
"""
