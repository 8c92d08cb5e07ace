"""plcheck's commands, one module each, each with ``register(app)``."""
