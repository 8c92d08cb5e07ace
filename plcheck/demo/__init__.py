"""``plcheck demo``: every command against a simulated AWS world (see :mod:`.steps`)."""
