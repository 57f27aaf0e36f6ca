"""The pairing engines (see the engine table in :mod:`assignments.pairing.solve`)."""
