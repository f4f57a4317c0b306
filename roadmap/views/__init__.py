"""Views of the computed plan, one module per page (each view fits on a screen)."""
