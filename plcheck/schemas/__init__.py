"""JSON Schemas (draft 2020-12) of the JSON report and of plcheck.toml."""
