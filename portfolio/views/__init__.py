"""Views of the backlog, one module per page (each view fits on a screen)."""
