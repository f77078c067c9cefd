"""Financial statements, period close, SHU distribution and the RAT package."""
